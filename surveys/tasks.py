"""Celery tasks: take ids, re-fetch, call one service, safe to run twice."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def render_version_pdf(self, version_id: int) -> str:
    from surveys.services.receipts import version_pdf_render

    return version_pdf_render(version_id)


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def make_blind_copies(self, attachment_ids: list[int]) -> int:
    from surveys.services.blind_copies import blind_copies_make

    return blind_copies_make(attachment_ids)


@shared_task(ignore_result=True)
def render_missing_pdfs() -> int:
    """Queue again the version PDFs still pending ``ARTEFACT_REQUEUE_MINUTES`` after they were queued (a broker
    outage, a lost worker); each is stamped as queued now, so a second run within the timeout queues nothing."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from portal.enums import ArtefactStatus
    from portal.tasks import enqueue
    from surveys.models import ApplicationVersion

    now = timezone.now()
    stale = ApplicationVersion.objects.filter(
        pdf="",
        pdf_status=ArtefactStatus.PENDING,
        pdf_requested_at__lt=now - timedelta(minutes=settings.ARTEFACT_REQUEUE_MINUTES),
    )
    ids = list(stale.order_by("pdf_requested_at").values_list("pk", flat=True)[:500])
    ApplicationVersion.objects.filter(pk__in=ids).update(pdf_requested_at=now)
    for version_id in ids:
        enqueue(render_version_pdf, version_id)
    return len(ids)


def retry_failed_pdfs() -> int:
    """Queue again every version PDF that failed all its attempts, once their cause is fixed (``manage.py
    artefacts_retry``): each starts over with no attempts counted."""
    from django.utils import timezone

    from portal.enums import ArtefactStatus
    from portal.tasks import enqueue
    from surveys.models import ApplicationVersion

    failed = ApplicationVersion.objects.filter(pdf="", pdf_status=ArtefactStatus.FAILED)
    ids = list(failed.order_by("pk").values_list("pk", flat=True))
    ApplicationVersion.objects.filter(pk__in=ids).update(
        pdf_status=ArtefactStatus.PENDING, pdf_attempts=0, pdf_requested_at=timezone.now()
    )
    for version_id in ids:
        enqueue(render_version_pdf, version_id)
    return len(ids)


@shared_task(ignore_result=True)
def deadline_reminders() -> int:
    from surveys.services.reminders import reminders_send

    return reminders_send()


@shared_task(ignore_result=True)
def access_log_purge() -> int:
    from surveys.services.access import access_purge

    return access_purge()
