"""The access log: each view or download of an application's content is recorded, searchable and append-only."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from surveys.models import AccessAction, AccessEvent, Application
from surveys.services import applications as service
from surveys.services.access import access_purge, access_record
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.factories import MINIMAL_PDF
from tests.review.helpers import log_in, organization_of

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


@pytest.fixture
def submitted(open_survey, applicant, complete_answers):
    application = service.application_create(open_survey, organization=organization_of(applicant), actor=applicant)
    for section, data in complete_answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=applicant
        )
    service.attachment_add(application, upload=SimpleUploadedFile("제안서.pdf", PDF), actor=applicant)
    service.application_submit(Application.objects.get(pk=application.pk), actor=applicant)
    return Application.objects.get(pk=application.pk)


def test_views_and_downloads_are_logged_with_account_ip_and_action(client, submitted, admin):
    log_in(client, admin)
    attachment = submitted.attachments.get()
    client.get(reverse("surveys:application_detail", kwargs={"pk": submitted.pk}), REMOTE_ADDR="203.0.113.7")
    client.get(reverse("surveys:version_detail", kwargs={"pk": submitted.pk, "number": 1}))
    client.get(reverse("surveys:attachment_download", kwargs={"pk": submitted.pk, "attachment_pk": attachment.pk}))
    client.get(
        reverse("surveys:intake_application", kwargs={"pk": submitted.survey_id, "application_pk": submitted.pk})
    )
    events = list(AccessEvent.objects.filter(application=submitted).order_by("id"))
    assert [e.action for e in events] == [
        AccessAction.VIEW,
        AccessAction.VERSION_VIEW,
        AccessAction.ATTACHMENT,
        AccessAction.INTAKE_VIEW,
    ]
    assert {e.user_id for e in events} == {admin.pk}
    assert events[0].ip_address == "203.0.113.7"
    assert events[2].detail == "제안서.pdf"


def test_a_refused_request_logs_nothing(client, submitted):
    from tests.factories import make_user

    log_in(client, make_user("applicant", manager=True))
    assert client.get(reverse("surveys:application_detail", kwargs={"pk": submitted.pk})).status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_admin_searches_the_log(client, submitted, admin, applicant):
    access_record(applicant, submitted, AccessAction.VIEW)
    access_record(admin, submitted, AccessAction.VERSION_PDF, detail="v1")
    log_in(client, admin)
    url = reverse("surveys:access_log")
    page = client.get(url, {"user": applicant.email}).content.decode()
    assert applicant.email in page and admin.email not in page.split("<tbody>")[1]
    page = client.get(url, {"application": submitted.receipt_number, "action": "version_pdf"}).content.decode()
    assert "v1" in page and applicant.email not in page.split("<tbody>")[1]
    response = client.get(url, {"date_from": "어제"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()


def test_rows_cannot_be_changed_through_the_orm(submitted, applicant):
    event = access_record(applicant, submitted, AccessAction.VIEW)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AccessEvent.objects.update(action="diff")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_database_refuses_update_and_young_deletes(submitted, applicant):
    event = access_record(applicant, submitted, AccessAction.VIEW)
    for sql in (
        "UPDATE surveys_accessevent SET action = 'diff' WHERE id = %s",
        "DELETE FROM surveys_accessevent WHERE id = %s",
    ):
        with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk, action="view").exists()


def test_purge_keeps_two_years(submitted, applicant, settings, time_machine):
    time_machine.move_to(timezone.now() - timezone.timedelta(days=800))
    old = access_record(applicant, submitted, AccessAction.VIEW)
    time_machine.move_to(timezone.now() + timezone.timedelta(days=500))
    young = access_record(applicant, submitted, AccessAction.VIEW)
    time_machine.move_to(timezone.now() + timezone.timedelta(days=300))
    assert access_purge() == 1
    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [young.pk]
    assert old.pk != young.pk


def test_a_retention_under_two_years_is_refused(monkeypatch):
    import importlib

    import portal.settings

    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "365")
    with pytest.raises(ImproperlyConfigured) as error:
        importlib.reload(portal.settings)
    assert "730" in str(error.value)
    monkeypatch.delenv("AUDIT_RETENTION_DAYS")
    importlib.reload(portal.settings)


def test_a_reviewers_reading_is_logged_for_each_application_behind_the_candidate(
    client, open_survey, applicant, complete_answers, admin
):
    from review.services.pool import panel_for
    from tests.review.helpers import accept, accepted_candidate, add_reviewer, assign

    candidate = accepted_candidate(open_survey, applicant, complete_answers, admin)
    reviewer = add_reviewer(panel_for(open_survey, "ROB"), name="열람위원")
    assignment = accept(assign(candidate, reviewer, admin))
    log_in(client, reviewer)
    assert client.get(reverse("review:assignment", kwargs={"pk": assignment.pk})).status_code == 200
    events = AccessEvent.objects.filter(user=reviewer)
    assert [(e.application_id, e.action, e.detail) for e in events] == [
        (candidate.applications.get().pk, AccessAction.REVIEW_VIEW, candidate.number)
    ]
