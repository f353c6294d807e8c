"""Celery tasks: take ids, re-fetch, call one service, safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def overdue_review_reminders() -> int:
    from review.services.reminders import overdue_reminders_send

    return overdue_reminders_send()


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def render_notice_pdf(self, notice_id: int) -> str:
    from review.services.notices import notice_pdf_render

    return notice_pdf_render(notice_id)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def render_committee_book(self, book_id: int) -> str:
    from review.services.committee_book import book_render

    return book_render(book_id)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def build_bundle(self, bundle_id: int) -> str:
    from review.services.bundles import bundle_build

    return bundle_build(bundle_id)


@shared_task(ignore_result=True)
def expire_bundles() -> int:
    from review.services.bundles import bundles_expire

    return bundles_expire()
