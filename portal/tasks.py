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
            transaction.on_commit(lambda: send_mail.apply_async((mail_id,), countdown=countdown))
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
        OutboundMail.objects.filter(status=MailStatus.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for mail_id in ids:
        send_mail.delay(mail_id)
    return len(ids)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def sign_document(self, document_id: int) -> str:
    from portal.services.documents import document_sign_retry

    return document_sign_retry(document_id)


@shared_task(ignore_result=True)
def sign_pending_documents() -> int:
    """The beat's retry of PDFs whose signing failed (a missing key, an unreadable certificate)."""
    from portal.models import SignatureStatus, SignedDocument

    ids = list(SignedDocument.objects.filter(status=SignatureStatus.PENDING).order_by("created_at")
               .values_list("pk", flat=True)[:200])
    for document_id in ids:
        sign_document.delay(document_id)
    return len(ids)
