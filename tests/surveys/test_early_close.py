"""Ending collection or the hearing before its deadline needs a reason and a confirmation, and is announced."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.enums import SurveyStage
from surveys.models import Survey
from surveys.services import applications as applying
from surveys.services.calls import survey_transition
from tests.factories import make_user
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def collecting(admin):
    return make_survey(stage=SurveyStage.COLLECTION)


@pytest.fixture
def drafter(collecting):
    user = make_user("applicant", manager=True, email="drafter@example.com")
    applying.application_create(collecting, organization=user.memberships.get().organization, actor=user)
    return user


def test_leaving_collection_before_the_deadline_needs_a_reason(admin, collecting):
    with pytest.raises(DomainError) as error:
        survey_transition(collecting, to=SurveyStage.TECHNICAL_REVIEW, actor=admin)
    assert error.value.code == "reason"
    collecting.refresh_from_db()
    assert collecting.stage == SurveyStage.COLLECTION


def test_leaving_collection_early_needs_a_confirmation(admin, collecting):
    with pytest.raises(DomainError) as error:
        survey_transition(collecting, to=SurveyStage.TECHNICAL_REVIEW, actor=admin, reason="예산 일정")
    assert error.value.code == "confirm"
    collecting.refresh_from_db()
    assert collecting.stage == SurveyStage.COLLECTION


def test_confirmed_early_close_is_audited_and_mails_organisations_with_drafts(
    admin, collecting, drafter, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    bystander = make_user("applicant", email="bystander@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        survey_transition(
            collecting, to=SurveyStage.TECHNICAL_REVIEW, actor=admin, reason="예산 일정 변경", confirmed=True
        )
    event = AuditEvent.objects.for_object(collecting).get(action="surveys.survey.stage_changed")
    assert event.after == {"stage": "technical_review", "reason": "예산 일정 변경", "ended_early": "collection"}
    recipients = [address for message in mail.outbox for address in message.to]
    assert "drafter@example.com" in recipients and bystander.email not in recipients
    body = next(m.body for m in mail.outbox if "drafter@example.com" in m.to)
    assert "예산 일정 변경" in body


def test_after_the_deadline_no_confirmation_is_needed(admin, collecting):
    Survey.objects.filter(pk=collecting.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    moved = survey_transition(collecting, to=SurveyStage.TECHNICAL_REVIEW, actor=admin)
    assert moved.stage == SurveyStage.TECHNICAL_REVIEW


def test_leaving_the_hearing_before_its_last_day_needs_a_confirmation(admin):
    survey = make_survey(stage=SurveyStage.HEARING)
    Survey.objects.filter(pk=survey.pk).update(
        hearing_starts_on=timezone.localdate(), hearing_ends_on=timezone.localdate() + timedelta(days=3)
    )
    with pytest.raises(DomainError) as error:
        survey_transition(survey, to=SurveyStage.NATIONAL_COMMITTEE, actor=admin, reason="조기 종료")
    assert error.value.code == "confirm"
    moved = survey_transition(
        survey, to=SurveyStage.NATIONAL_COMMITTEE, actor=admin, reason="조기 종료", confirmed=True
    )
    assert moved.stage == SurveyStage.NATIONAL_COMMITTEE


def test_stage_page_warns_and_keeps_the_reason_when_unconfirmed(admin_client, collecting, drafter):
    url = reverse("surveys:manage_detail", kwargs={"pk": collecting.pk})
    html = admin_client.get(url).content.decode()
    assert 'data-testid="early-warning"' in html and 'name="confirmed"' in html
    response = admin_client.post(
        reverse("surveys:manage_stage", kwargs={"pk": collecting.pk}),
        {"to": "technical_review", "reason": "예산 일정 변경"},
    )
    assert response.status_code == 400
    assert "예산 일정 변경" in response.content.decode()
    response = admin_client.post(
        reverse("surveys:manage_stage", kwargs={"pk": collecting.pk}),
        {"to": "technical_review", "reason": "예산 일정 변경", "confirmed": "on"},
    )
    assert response.status_code == 302
    collecting.refresh_from_db()
    assert collecting.stage == SurveyStage.TECHNICAL_REVIEW
