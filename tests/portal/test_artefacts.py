"""Generated files: queued through one helper that never fails the request, with a status the beat can act on."""

import io
import logging
import os

import pytest
from django.db import transaction

from portal.enums import ArtefactStatus
from portal.tasks import artefacts_requeue, enqueue, send_mail
from surveys.models import ApplicationVersion
from surveys.services import applications as service
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.portal.conftest import _use_broker, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.slow  # waits for a real producer to give up on a dead broker
@pytest.mark.celery_worker  # a real producer, not the eager one
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="without REDIS_URL tasks run eagerly, with no broker")
def test_enqueue_with_the_broker_down_logs_and_returns(caplog):
    from portal.celery import app

    previous = app.conf.broker_url
    _use_broker(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with caplog.at_level(logging.WARNING, logger="portal.tasks"):
            with transaction.atomic():
                enqueue(send_mail, 123)
                assert "Broker unavailable" not in caplog.text  # nothing is sent before the commit
    finally:
        _use_broker(previous)
    assert "Broker unavailable; portal.tasks.send_mail(123,) stays pending" in caplog.text


def _submitted(open_survey, applicant, complete_answers):
    application = service.application_create(
        open_survey, organization=applicant.memberships.get().organization, actor=applicant
    )
    for section, data in complete_answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=applicant
        )
    return service.application_submit(application, actor=applicant)


def test_a_version_pdf_that_keeps_failing_is_marked_failed_and_not_queued_again(
    open_survey, applicant, complete_answers, settings, monkeypatch
):
    from surveys.services import receipts

    def broken(*args, **kwargs):
        raise ValueError("no font")

    monkeypatch.setattr(receipts, "render_signed_pdf", broken)
    settings.ARTEFACT_MAX_ATTEMPTS = 2
    version = _submitted(open_survey, applicant, complete_answers)  # the eager task fails once
    version = ApplicationVersion.objects.get(pk=version.pk)
    assert (version.pdf_status, version.pdf_attempts) == (ArtefactStatus.PENDING, 1)
    with pytest.raises(ValueError):
        receipts.version_pdf_render(version.pk)
    version = ApplicationVersion.objects.get(pk=version.pk)
    assert (version.pdf_status, version.pdf_attempts, version.pdf) == (ArtefactStatus.FAILED, 2, "")
    ApplicationVersion.objects.filter(pk=version.pk).update(pdf_requested_at=version.submitted_at.replace(year=2000))
    assert artefacts_requeue() == 0


def test_a_rendered_version_pdf_is_ready(open_survey, applicant, complete_answers):
    version = ApplicationVersion.objects.get(pk=_submitted(open_survey, applicant, complete_answers).pk)
    assert version.pdf and version.pdf_status == ArtefactStatus.READY and version.pdf_attempts == 1


def test_the_beat_schedule_runs_the_requeue(settings):
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["portal.tasks.artefacts_requeue"] <= settings.ARTEFACT_REQUEUE_MINUTES * 60
    from django.utils.module_loading import import_string

    assert all(callable(import_string(path)) for path in settings.ARTEFACT_REQUEUERS)


def test_artefacts_retry_queues_the_failed_pdfs_again_once_the_cause_is_fixed(
    open_survey, applicant, complete_answers, settings, monkeypatch
):
    from django.core.management import call_command

    from surveys.services import receipts

    def broken(*args, **kwargs):
        raise ValueError("no font")

    with monkeypatch.context() as patch:
        patch.setattr(receipts, "render_signed_pdf", broken)
        settings.ARTEFACT_MAX_ATTEMPTS = 1
        failed = _submitted(open_survey, applicant, complete_answers)
    assert ApplicationVersion.objects.get(pk=failed.pk).pdf_status == ArtefactStatus.FAILED
    assert artefacts_requeue() == 0  # the beat leaves a failed file alone

    out = io.StringIO()
    call_command("artefacts_retry", stdout=out)  # the font is back: the eager worker renders it now
    version = ApplicationVersion.objects.get(pk=failed.pk)
    assert (version.pdf_status, version.pdf_attempts, bool(version.pdf)) == (ArtefactStatus.READY, 1, True)
    assert "surveys.tasks.retry_failed_pdfs: 1" in out.getvalue() and "1 queued again" in out.getvalue()
    call_command("artefacts_retry", stdout=out)
    assert ApplicationVersion.objects.get(pk=failed.pk).pdf_attempts == 1  # a ready file is not rendered again
