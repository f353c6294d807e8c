"""Signing up for a briefing session within its seats."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from surveys.enums import SurveyStage
from surveys.models import Briefing, BriefingSignup
from surveys.services.briefings import briefing_signup, briefing_signup_cancel, seats_left
from tests.factories import make_user
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def briefing(admin):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION)
    return Briefing.objects.create(
        survey=survey, starts_at=timezone.now() + timedelta(days=5), place="대한상공회의소", seats=5, signup_open=True
    )


def _applicant():
    user = make_user("applicant", manager=True)
    return user, user.memberships.get().organization


def test_sign_ups_fill_the_seats_and_the_last_one_that_does_not_fit_is_refused(briefing):
    first, first_org = _applicant()
    second, second_org = _applicant()
    briefing_signup(briefing, user=first, organization=first_org, attendees=3)
    assert seats_left(briefing) == 2
    with pytest.raises(DomainError) as error:
        briefing_signup(briefing, user=second, organization=second_org, attendees=3)
    assert error.value.code == "full" and "2" in error.value.message
    briefing_signup(briefing, user=second, organization=second_org, attendees=2)
    assert seats_left(briefing) == 0


def test_changing_ones_own_sign_up_counts_ones_seats_once(briefing):
    user, organization = _applicant()
    briefing_signup(briefing, user=user, organization=organization, attendees=4)
    briefing_signup(briefing, user=user, organization=organization, attendees=5)
    assert BriefingSignup.objects.get().attendees == 5
    briefing_signup_cancel(briefing, user=user)
    assert seats_left(briefing) == 5


def test_closed_or_past_briefings_take_no_sign_up(briefing):
    user, organization = _applicant()
    Briefing.objects.filter(pk=briefing.pk).update(signup_open=False)
    briefing.refresh_from_db()
    with pytest.raises(DomainError):
        briefing_signup(briefing, user=user, organization=organization)
    Briefing.objects.filter(pk=briefing.pk).update(signup_open=True, starts_at=timezone.now() - timedelta(hours=1))
    briefing.refresh_from_db()
    with pytest.raises(DomainError) as error:
        briefing_signup(briefing, user=user, organization=organization)
    assert error.value.code == "past"


def test_call_page_offers_sign_up_and_shows_seats_left(client, briefing):
    user, _organization = _applicant()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("surveys:call_detail", kwargs={"pk": briefing.survey.pk})
    html = client.get(url).content.decode()
    assert 'data-testid="seats-left"' in html and "5" in html
    response = client.post(
        reverse("surveys:briefing_signup", kwargs={"pk": briefing.survey.pk, "briefing_pk": briefing.pk}),
        {"attendees": "2", "question": "부지 요건 질의"},
    )
    assert response.status_code == 302
    assert BriefingSignup.objects.get(user=user).question == "부지 요건 질의"
    assert 'data-testid="signed-up"' in client.get(url).content.decode()


def test_bad_attendee_numbers_are_refused_with_a_message(client, briefing):
    user, _organization = _applicant()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("surveys:briefing_signup", kwargs={"pk": briefing.survey.pk, "briefing_pk": briefing.pk})
    response = client.post(url, {"attendees": "많이"}, follow=True)
    assert response.status_code == 200
    assert not BriefingSignup.objects.exists()
    assert list(response.context["messages"])


def test_the_admin_sees_the_sign_ups(admin_client, briefing):
    user, organization = _applicant()
    briefing_signup(briefing, user=user, organization=organization, attendees=2, question="질의")
    html = admin_client.get(reverse("surveys:manage_detail", kwargs={"pk": briefing.survey.pk})).content.decode()
    assert 'data-testid="briefing-signups"' in html and organization.name in html and "질의" in html
