"""Celery tasks of the portal, and ``enqueue``: the one way the code hands work to Celery.

``enqueue(task, *args)`` sends the task after the surrounding transaction commits (at once outside
one) and never raises: with the broker down it logs a warning and returns, the request that asked
for the work still succeeds, and what the task would have produced stays pending in the database
(mail ``queued``, a PDF or book ``pending``) for the beat (``mail_requeue_stale``,
``artefacts_requeue``) to queue again.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from portal.enums import AuditAction, MailStatus
from portal.models import OutboundMail
from portal.services.audit import audit_log
from portal.services.mail import without_secret_links

logger = logging.getLogger(__name__)

# A broker that does not answer is given up on quickly: the beat queues the work again later.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def enqueue(task, *args, countdown: int | None = None, **kwargs) -> None:
    """Send ``task(*args, **kwargs)`` once the current transaction commits; a broker outage is logged, not raised."""
    transaction.on_commit(lambda: _safe_send(task, args, kwargs, countdown))


def _safe_send(task, args, kwargs, countdown) -> bool:
    try:
        task.apply_async(args, kwargs, countdown=countdown, retry=True, retry_policy=RETRY_POLICY)
    except Exception:  # the broker is down or refused: the row stays pending for the beat
        logger.warning("Broker unavailable; %s%r stays pending", task.name, args, exc_info=True)
        return False
    return True


@shared_task(bind=True, acks_late=True, max_retries=None, ignore_result=True)
def send_mail(self, mail_id: int) -> str:
    """Send one queued mail. Safe to run twice: a sent mail is never sent again."""
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != MailStatus.QUEUED:
            return mail.status if mail else "missing"
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
        )
        if mail.body_html:
            message.attach_alternative(mail.body_html, "text/html")
        mail.attempts += 1
        try:
            message.send()
        except Exception as exc:
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
                mail.save(update_fields=["attempts", "last_error", "status"])
                audit_log(
                    AuditAction.MAIL_FAILED,
                    obj=mail,
                    after={"to": mail.to, "error": mail.last_error},
                )
                return mail.status
            mail.save(update_fields=["attempts", "last_error"])
            countdown = min(60 * 2 ** (mail.attempts - 1), 3600)
            enqueue(send_mail, mail_id, countdown=countdown)
            return "retrying"
        mail.status = MailStatus.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
        # What was sent is kept, but not the one-time keys in it: a copy must not open an account.
        mail.body_text = without_secret_links(mail.body_text)
        mail.body_html = without_secret_links(mail.body_html)
        mail.save(update_fields=["attempts", "status", "sent_at", "last_error", "body_text", "body_html"])
        return mail.status


@shared_task(ignore_result=True)
def mail_requeue_stale(older_than_minutes: int = 10) -> int:
    """Queue again the mails that a broker outage or a lost worker left unsent."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        OutboundMail.objects.filter(status=MailStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)[:1000]
    )
    for mail_id in ids:
        enqueue(send_mail, mail_id)
    return len(ids)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def sign_document(self, document_id: int) -> str:
    from portal.services.documents import document_sign_retry

    return document_sign_retry(document_id)


@shared_task(ignore_result=True)
def sign_pending_documents() -> int:
    """The beat's retry of PDFs whose signing failed (a missing key, an unreadable certificate)."""
    from portal.models import SignatureStatus, SignedDocument

    ids = list(
        SignedDocument.objects.filter(status=SignatureStatus.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:200]
    )
    for document_id in ids:
        enqueue(sign_document, document_id)
    return len(ids)


@shared_task(ignore_result=True)
def artefacts_requeue() -> int:
    """Queue again every generated file still pending past ``ARTEFACT_REQUEUE_MINUTES`` (each requeuer in
    ``ARTEFACT_REQUEUERS`` moves the rows it queues forward, so running this twice queues nothing twice)."""
    from django.utils.module_loading import import_string

    total = 0
    for path in settings.ARTEFACT_REQUEUERS:
        try:
            total += import_string(path)()
        except Exception:  # one kind of file failing to requeue does not stop the others
            logger.exception("Requeuing with %s failed", path)
    return total
