"""Celery tasks: take ids, re-fetch, call one service, safe to run twice."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def render_version_pdf(self, version_id: int) -> str:
    from surveys.services.receipts import version_pdf_render

    return version_pdf_render(version_id)


@shared_task(ignore_result=True)
def render_missing_pdfs() -> int:
    """Render the PDFs a broker outage or a lost worker left missing."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from surveys.models import ApplicationVersion

    cutoff = timezone.now() - timedelta(seconds=settings.PDF_REQUEUE_AFTER)
    ids = list(ApplicationVersion.objects.filter(pdf="", submitted_at__lt=cutoff).values_list("pk", flat=True)[:500])
    for version_id in ids:
        render_version_pdf.delay(version_id)
    return len(ids)


@shared_task(ignore_result=True)
def deadline_reminders() -> int:
    from surveys.services.reminders import reminders_send

    return reminders_send()


@shared_task(ignore_result=True)
def access_log_purge() -> int:
    from surveys.services.access import access_purge

    return access_purge()
