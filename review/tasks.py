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
