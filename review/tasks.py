"""Celery tasks: take ids, re-fetch, call one service, safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def overdue_review_reminders() -> int:
    from review.services.reminders import overdue_reminders_send

    return overdue_reminders_send()


@shared_task(ignore_result=True)
def review_due_reminders() -> int:
    from review.services.reminders import due_reminders_send

    return due_reminders_send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def render_notice_pdf(self, notice_id: int) -> str:
    from review.services.notices import notice_pdf_render

    return notice_pdf_render(notice_id)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def render_committee_book(self, book_id: int) -> str:
    from review.services.committee_book import book_render

    return book_render(book_id)


@shared_task(ignore_result=True)
def requeue_notice_pdfs() -> int:
    """Queue again the PDFs of published notices still pending ``ARTEFACT_REQUEUE_MINUTES`` after they were queued."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from portal.enums import ArtefactStatus
    from portal.tasks import enqueue
    from review.models import Notice

    now = timezone.now()
    stale = Notice.objects.filter(
        pdf="",
        pdf_status=ArtefactStatus.PENDING,
        pdf_requested_at__lt=now - timedelta(minutes=settings.ARTEFACT_REQUEUE_MINUTES),
    )
    ids = list(stale.order_by("pdf_requested_at").values_list("pk", flat=True)[:100])
    Notice.objects.filter(pk__in=ids).update(pdf_requested_at=now)
    for notice_id in ids:
        enqueue(render_notice_pdf, notice_id)
    return len(ids)


def retry_failed_notice_pdfs() -> int:
    """Queue again the PDF of every published notice that failed all its attempts (``manage.py artefacts_retry``),
    each audited as the admin's button is. A failed committee book needs none: the secretary asks for a new one."""
    from portal.enums import ArtefactStatus
    from review.models import Notice
    from review.services.notices import notice_pdf_retry

    failed = Notice.objects.filter(pdf="", pdf_status=ArtefactStatus.FAILED).order_by("pk")
    return len([notice_pdf_retry(notice, actor=None) for notice in failed])


@shared_task(ignore_result=True)
def requeue_committee_books() -> int:
    from review.services.committee_book import books_requeue

    return books_requeue()


@shared_task(bind=True, acks_late=True, ignore_result=True)
def build_bundle(self, bundle_id: int) -> str:
    from review.services.bundles import bundle_build

    return bundle_build(bundle_id)


@shared_task(ignore_result=True)
def expire_bundles() -> int:
    from review.services.bundles import bundles_expire

    return bundles_expire()
