"""Search screens take any text: very long terms are cut, never a server error."""

import pytest
from django.urls import reverse

from surveys.enums import SurveyStage
from surveys.models import Survey
from tests.factories import make_user
from tests.review.helpers import log_in
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

LONG = "가%_" * 20000


def test_every_search_screen_answers_a_very_long_term(client):
    survey = make_survey()
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.COLLECTION)
    log_in(client, make_user("admin"))
    searches = [
        (reverse("manage_audit_list"), {"action": LONG, "actor": LONG}),
        (reverse("manage_user_list"), {"q": LONG}),
        (reverse("surveys:access_log"), {"user": LONG, "application": LONG}),
        (reverse("surveys:intake_list", kwargs={"pk": survey.pk}), {"field": LONG}),
        (reverse("review:register"), {"q": LONG, "field": LONG}),
    ]
    for url, query in searches:
        assert client.get(url, query).status_code == 200, url
