"""Calendars: the call's .ics, and the per-person feed at a secret address that can be replaced and revoked."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.enums import OrganizationType
from portal.models import AuditEvent, UserSettings
from portal.services.user_settings import calendar_token_issue
from surveys.calendar import Event, ical, surveys_for_calendar
from surveys.models import Briefing, Field, Survey
from surveys.services import applications as applying
from surveys.services.calls import survey_create
from tests.applications.conftest import admin, applicant, open_survey  # noqa: F401
from tests.factories import make_user
from tests.review.helpers import add_reviewer

pytestmark = pytest.mark.django_db


def _unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def _other_call(admin, title="반도체 수요조사", eligible=(OrganizationType.ASSOCIATION,), stage="collection"):  # noqa: F811
    survey = survey_create(
        data={
            "kind": "technology",
            "title": title,
            "description": "수요조사",
            "code": "SEM",
            "eligible_types": list(eligible),
            "opens_at": timezone.now(),
            "deadline": timezone.now() + timedelta(days=9),
        },
        fields=[Field.objects.get(code="ROB")],
        actor=admin,
    )
    Survey.objects.filter(pk=survey.pk).update(stage=stage)
    return Survey.objects.get(pk=survey.pk)


def test_the_call_calendar_holds_the_whole_timeline(client, open_survey):  # noqa: F811
    deadline = datetime(2026, 12, 18, 9, 0, tzinfo=UTC)  # 18:00 in Korea
    Survey.objects.filter(pk=open_survey.pk).update(
        deadline=deadline,
        hearing_starts_on=date(2027, 1, 4),
        hearing_ends_on=date(2027, 1, 15),
        committee_on=date(2027, 2, 1),
        notice_on=date(2027, 2, 20),
    )
    Briefing.objects.create(survey=open_survey, starts_at=deadline - timedelta(days=10), place="세종청사 6동, 대회의실")
    response = client.get(reverse("surveys:call_calendar", kwargs={"pk": open_survey.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = _unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "DTSTART:20261218T090000Z" in lines
    assert "DTSTART;VALUE=DATE:20270104" in lines and "DTEND;VALUE=DATE:20270116" in lines  # the end is exclusive
    assert "DTSTART;VALUE=DATE:20270201" in lines and "DTSTART;VALUE=DATE:20270220" in lines
    assert "LOCATION:세종청사 6동\\, 대회의실" in lines
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 6  # opening, briefing, deadline, hearing, committee, notice
    assert len({line for line in lines if line.startswith("UID:")}) == 6


def test_the_call_page_links_the_calendar(client, open_survey):  # noqa: F811
    page = client.get(reverse("surveys:call_detail", kwargs={"pk": open_survey.pk}))
    assert reverse("surveys:call_calendar", kwargs={"pk": open_survey.pk}).encode() in page.content


def test_a_draft_call_has_no_public_calendar(client, admin):  # noqa: F811
    draft = _other_call(admin, stage="draft")
    assert client.get(reverse("surveys:call_calendar", kwargs={"pk": draft.pk})).status_code == 404


def test_long_lines_are_folded_between_characters():
    body = ical([Event("u@x", "가" * 60, date(2027, 1, 1))], name="달력")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "SUMMARY:" + "가" * 60 in _unfold(body)


def _feed(client, token):
    return client.get(reverse("surveys:calendar_feed", kwargs={"token": token}))


def test_the_feed_lists_the_calls_of_the_persons_organisation(client, open_survey, applicant, admin):  # noqa: F811
    organization = applicant.memberships.get().organization
    applying.application_create(open_survey, organization=organization, actor=applicant)
    others = _other_call(admin)  # for associations only
    token = calendar_token_issue(applicant).calendar_token
    response = _feed(client, token)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    body = "\n".join(_unfold(response.content.decode()))
    assert open_survey.title in body and others.title not in body


def test_the_feed_of_each_role(open_survey, admin):  # noqa: F811
    from review.models import PanelMember
    from review.services import pool

    draft = _other_call(admin, title="초안 공고", stage="draft")
    other = _other_call(admin, title="다른 공고", eligible=(OrganizationType.COMPANY,), stage="technical_review")
    reviewer = add_reviewer()
    PanelMember.objects.create(panel=pool.panel_for(open_survey, "ROB"), reviewer=reviewer)
    assert set(surveys_for_calendar(admin)) == {open_survey, draft, other}
    assert set(surveys_for_calendar(make_user("secretary"))) == {open_survey, other}
    assert set(surveys_for_calendar(reviewer).distinct()) == {open_survey}
    assert set(surveys_for_calendar(make_user("applicant")).distinct()) == {open_survey}  # open and eligible


def test_a_new_address_replaces_the_old_one_and_a_revoked_one_is_404(client, applicant):  # noqa: F811
    client.force_login(applicant)
    client.post(reverse("calendar_token"), {"action": "issue"})
    first = UserSettings.objects.get(user=applicant).calendar_token
    page = client.get(reverse("user_settings"))
    assert first in page.context["feed_url"]
    client.post(reverse("calendar_token"), {"action": "issue"})
    second = UserSettings.objects.get(user=applicant).calendar_token
    assert first != second
    client.logout()
    assert _feed(client, first).status_code == 404
    assert _feed(client, second).status_code == 200
    client.force_login(applicant)
    client.post(reverse("calendar_token"), {"action": "revoke"})
    client.logout()
    assert _feed(client, second).status_code == 404
    assert AuditEvent.objects.filter(actor=applicant, action__startswith="portal.calendar_token").count() == 3


def test_unknown_tokens_and_inactive_accounts_get_404(client, applicant):  # noqa: F811
    token = calendar_token_issue(applicant).calendar_token
    assert _feed(client, "x" * 43).status_code == 404
    applicant.is_active = False
    applicant.save()
    assert _feed(client, token).status_code == 404


def test_the_token_form_refuses_an_unknown_action(client, applicant):  # noqa: F811
    client.force_login(applicant)
    response = client.post(reverse("calendar_token"), {"action": "steal"})
    assert response.status_code == 302
    assert not UserSettings.objects.filter(user=applicant, calendar_token__isnull=False).exists()
