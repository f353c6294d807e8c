"""List pages cost the same number of queries for 2 items as for 20, and at most 15."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import OutboundMail
from surveys.enums import SurveyStage
from surveys.models import Inquiry, Recipient
from tests.factories import make_user
from tests.surveys.helpers import make_survey

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds the pages twice at growing sizes to count their queries

MAX_QUERIES = 15


def _calls(n, asker):
    for i in range(n):
        survey = make_survey(stage=SurveyStage.COLLECTION if i % 2 else SurveyStage.DISTRIBUTION, fields=("ROB", "BAT"))
        make_survey()  # a draft, not listed publicly
        Recipient.objects.create(survey=survey, email=f"r{i}@test.example", organization_name="기관", source="manual")
        Inquiry.objects.create(survey=survey, asked_by=asker, question="질문")


def _recipients(survey, n, start=0):
    statuses = ["sent", "failed", "queued", None]
    for i in range(start, start + n):
        status = statuses[i % 4]
        mail = None
        if status:
            mail = OutboundMail.objects.create(
                template="survey_invitation",
                to=f"r{i}@test.example",
                subject="s",
                body_text="b",
                status=status,
                last_error="ConnectionRefusedError: refused" if status == "failed" else "",
            )
        Recipient.objects.create(
            survey=survey,
            email=f"r{i}@test.example",
            organization_name=f"기관 {i}",
            source="import",
            mail=mail,
            invitations_sent=2 if i % 3 == 0 else int(bool(mail)),
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _same_for_more(client, url, grow, django_assert_num_queries):
    client.get(url)  # warm up: once-per-process lookups are not the page's cost
    small = _count(client, url)
    assert small <= MAX_QUERIES
    grow()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", [None, "applicant", "admin"])
def test_public_call_list_queries_do_not_grow(client, role, django_assert_num_queries):
    asker = make_user("applicant")
    if role:
        client.force_login(make_user(role))
    _calls(2, asker)
    response = _same_for_more(
        client, reverse("surveys:call_list"), lambda: _calls(18, asker), django_assert_num_queries
    )
    assert len(response.context["surveys"]) == 20


def test_manage_call_list_queries_do_not_grow(admin_client, django_assert_num_queries):
    asker = make_user("applicant")
    _calls(2, asker)
    response = _same_for_more(
        admin_client, reverse("surveys:manage_list"), lambda: _calls(18, asker), django_assert_num_queries
    )
    assert len(response.context["surveys"]) == 40


@pytest.mark.parametrize("status", ["", "failed"])
def test_recipients_page_queries_do_not_grow(admin_client, status, django_assert_num_queries):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION)
    _recipients(survey, 2)
    url = reverse("surveys:manage_recipients", kwargs={"pk": survey.pk}) + (f"?status={status}" if status else "")
    response = _same_for_more(admin_client, url, lambda: _recipients(survey, 18, start=2), django_assert_num_queries)
    assert response.context["page"].paginator.count == (20 if not status else 5)
