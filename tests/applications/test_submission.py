import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from pypdf import PdfReader

from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.enums import ApplicationStatus
from surveys.models import Application, ApplicationVersion, Survey
from surveys.services import applications as service
from tests.factories import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def _fill(application, answers, actor):
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=actor
        )
    return application


def _organization(user):
    return user.memberships.get().organization


def test_completeness_lists_every_missing_required_field(open_survey, applicant):
    application = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    missing = service.completeness(application)
    fields = {(m.section, m.field) for m in missing}
    assert ("basic", "technology_name") in fields
    assert ("criteria", "criterion_8") in fields
    assert ("extra", open_survey.questions.get().field_name) in fields
    assert all(m.anchor.startswith(f"id_{m.section}-") for m in missing)


def test_invalid_numbers_are_reported_not_lost(open_survey, applicant, complete_answers):
    application = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    complete_answers["level"]["domestic_level"] = "120"
    application = _fill(application, complete_answers, applicant)
    assert application.answers["level"]["domestic_level"] == "120"
    missing = service.completeness(application)
    assert [(m.section, m.field) for m in missing] == [("level", "domestic_level")]


def test_submit_creates_an_immutable_version_with_a_receipt_number(
    open_survey, applicant, complete_answers, django_capture_on_commit_callbacks
):
    application = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    application = _fill(application, complete_answers, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        version = service.application_submit(application, actor=applicant)
    year = timezone.localtime().year
    assert version.receipt_number == f"{year}-ROB-0001"
    assert version.number == 1
    assert version.answers["basic"]["technology_name"] == "협동로봇용 고정밀 감속기"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="surveys.application.submitted", object_id=str(application.pk)).exists()
    assert any(version.receipt_number in m.subject for m in mail.outbox)
    version.refresh_from_db()
    assert version.pdf and len(version.pdf_sha256) == 64
    with pytest.raises(PermissionError):
        version.save()
    # the receipt is signed, and the verification page knows it by its receipt number
    from portal.services.signing import pdf_signatures_check

    with version.pdf.open("rb") as handle:
        [check] = pdf_signatures_check(handle.read())
    assert check.valid
    from django.test import Client

    page = Client().get("/verify/", {"receipt": version.receipt_number}).content.decode()
    assert version.pdf_sha256 in page and "v1" in page


def test_pdf_contains_the_technology_name_in_hangul_and_the_attachment_hash(
    open_survey, applicant, complete_answers, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    application = _fill(application, complete_answers, applicant)
    pdf_bytes = MINIMAL_PDF
    attachment = service.attachment_add(
        application, upload=SimpleUploadedFile("사업계획서.pdf", pdf_bytes), actor=applicant
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = service.application_submit(application, actor=applicant)
    version.refresh_from_db()
    with version.pdf.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    compact = text.replace("\n", "").replace(" ", "")
    assert "협동로봇용고정밀감속기" in compact
    assert attachment.sha256 in compact
    assert version.receipt_number in text


def test_amending_creates_the_next_version_and_keeps_the_first(open_survey, applicant, complete_answers):
    application = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    application = _fill(application, complete_answers, applicant)
    first = service.application_submit(application, actor=applicant)
    application.refresh_from_db()
    changed = dict(complete_answers["basic"], technology_name="협동로봇용 초정밀 감속기")
    application = service.application_save_draft(
        application, section="basic", data=changed, revision=application.revision, actor=applicant
    )
    second = service.application_submit(application, actor=applicant)
    assert (first.number, second.number) == (1, 2)
    assert first.receipt_number == second.receipt_number
    first.refresh_from_db()
    assert first.answers["basic"]["technology_name"] == "협동로봇용 고정밀 감속기"
    changes = service.version_diff(open_survey, first, second)
    assert [(c[2], c[3]) for c in changes] == [("협동로봇용 고정밀 감속기", "협동로봇용 초정밀 감속기")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_versions_cannot_be_rewritten_in_the_database(open_survey, applicant, complete_answers):
    application = _fill(
        service.application_create(open_survey, organization=_organization(applicant), actor=applicant),
        complete_answers,
        applicant,
    )
    version = service.application_submit(application, actor=applicant)
    with pytest.raises(DatabaseError, match="immutable"):
        with transaction.atomic():
            ApplicationVersion.objects.filter(pk=version.pk).update(title="forged")
    with pytest.raises(DatabaseError, match="immutable"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM surveys_applicationversion WHERE id = %s", [version.pk])


def test_a_stale_save_is_refused_and_the_newer_text_stays(open_survey, applicant, complete_answers):
    colleague = type(applicant).objects.create_user("colleague@test.example", "x-secret-pass", name="동료")
    from portal.models import Membership

    Membership.objects.create(user=colleague, organization=_organization(applicant), role="applicant")
    application = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    started_from = application.revision
    service.application_save_draft(
        application, section="basic", data={"technology_name": "동료의 기술명"}, revision=started_from, actor=colleague
    )
    with pytest.raises(service.StaleDraft):
        service.application_save_draft(
            application,
            section="basic",
            data={"technology_name": "나의 기술명"},
            revision=started_from,
            actor=applicant,
        )
    application.refresh_from_db()
    assert application.answers["basic"]["technology_name"] == "동료의 기술명"


def test_after_the_deadline_edits_and_submits_are_refused_and_the_draft_is_kept(
    open_survey, applicant, complete_answers
):
    application = _fill(
        service.application_create(open_survey, organization=_organization(applicant), actor=applicant),
        complete_answers,
        applicant,
    )
    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    application.refresh_from_db()
    with pytest.raises(DomainError) as error:
        service.application_submit(application, actor=applicant)
    assert error.value.code == "deadline"
    with pytest.raises(DomainError):
        service.application_save_draft(
            application, section="basic", data={}, revision=application.revision, actor=applicant
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.answers["basic"]["technology_name"] == "협동로봇용 고정밀 감속기"


def test_an_extension_lets_one_organisation_submit_after_the_deadline(open_survey, applicant, admin, complete_answers):
    application = _fill(
        service.application_create(open_survey, organization=_organization(applicant), actor=applicant),
        complete_answers,
        applicant,
    )
    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    open_survey.refresh_from_db()
    with pytest.raises(DomainError):
        service.extension_grant(
            open_survey,
            organization=_organization(applicant),
            deadline=timezone.now() + timedelta(days=1),
            reason=" ",
            actor=admin,
        )
    service.extension_grant(
        open_survey,
        organization=_organization(applicant),
        deadline=timezone.now() + timedelta(days=1),
        reason="전산 장애 확인",
        actor=admin,
    )
    application.refresh_from_db()
    version = service.application_submit(application, actor=applicant)
    assert version.number == 1
    assert (
        AuditEvent.objects.filter(action="surveys.extension.granted", actor=admin).get().after["reason"]
        == "전산 장애 확인"
    )


def test_withdraw_and_undo_before_the_deadline(open_survey, applicant, complete_answers):
    application = _fill(
        service.application_create(open_survey, organization=_organization(applicant), actor=applicant),
        complete_answers,
        applicant,
    )
    service.application_submit(application, actor=applicant)
    application = service.application_withdraw(application, actor=applicant)
    assert application.status == ApplicationStatus.WITHDRAWN
    application = service.application_restore(application, actor=applicant)
    assert application.status == ApplicationStatus.SUBMITTED
    assert Application.objects.get(pk=application.pk).version_count == 1


def test_ineligible_organisations_cannot_start(open_survey):
    from tests.factories import make_user

    liaison = make_user("ministry_liaison")
    with pytest.raises(DomainError):
        service.application_create(open_survey, organization=liaison.memberships.get().organization, actor=liaison)


def test_reminders_are_sent_once_per_threshold(open_survey, applicant, django_capture_on_commit_callbacks):
    from surveys.services.reminders import reminders_send

    service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() + timedelta(hours=20))
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send()
        second = reminders_send()
    assert (first, second) == (2, 0)
    assert len(mail.outbox) == 2


def test_calls_sharing_a_code_share_the_receipt_series(open_survey, applicant, complete_answers, admin):
    from surveys.models import Field
    from surveys.services.calls import survey_create

    second = survey_create(
        data={
            "kind": "technology",
            "title": "로봇 2차 수요조사",
            "description": "2차",
            "code": "ROB",
            "eligible_types": ["company"],
            "opens_at": open_survey.opens_at,
            "deadline": open_survey.deadline,
        },
        fields=[Field.objects.get(code="ROB")],
        actor=admin,
    )
    Survey.objects.filter(pk=second.pk).update(stage="collection")
    second.refresh_from_db()
    numbers = []
    for survey in (open_survey, second):
        application = _fill(
            service.application_create(survey, organization=_organization(applicant), actor=applicant),
            {k: v for k, v in complete_answers.items() if k != "extra" or survey == open_survey},
            applicant,
        )
        numbers.append(service.application_submit(application, actor=applicant).receipt_number)
    assert numbers[0] != numbers[1]
    assert numbers[1].endswith("-ROB-0002")


def test_ones_own_autosave_in_between_is_not_a_conflict(open_survey, applicant):
    application = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    started_from = application.revision
    service.application_save_draft(
        application, section="basic", data={"technology_name": "자동 저장본"}, revision=started_from, actor=applicant
    )
    saved = service.application_save_draft(
        application, section="basic", data={"technology_name": "최종본"}, revision=started_from, actor=applicant
    )
    assert saved.answers["basic"]["technology_name"] == "최종본"
    with pytest.raises(service.StaleDraft):  # a revision from the future is never accepted
        service.application_save_draft(
            application, section="basic", data={}, revision=saved.revision + 5, actor=applicant
        )


def test_sqlites_lock_error_during_a_submit_is_the_already_being_submitted_answer(
    open_survey, applicant, complete_answers, monkeypatch
):
    from django.db import OperationalError

    application = _fill(
        service.application_create(open_survey, organization=_organization(applicant), actor=applicant),
        complete_answers,
        applicant,
    )

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(service, "_next_receipt_number", locked)
    with pytest.raises(service.SubmitInProgress) as error:
        service.application_submit(application, actor=applicant, revision=application.revision)
    assert error.value.code == "busy"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.version_count == 0


def test_a_second_submit_just_after_the_first_says_it_was_being_submitted(
    open_survey, applicant, complete_answers, client
):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    application = _fill(
        service.application_create(open_survey, organization=_organization(applicant), actor=applicant),
        complete_answers,
        applicant,
    )
    revision = application.revision
    service.application_submit(application, actor=applicant, revision=revision)
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("surveys:application_submit", kwargs={"pk": application.pk}), {"revision": revision})
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("이미 제출" in text for text in texts), texts
    assert ApplicationVersion.objects.filter(application=application).count() == 1
