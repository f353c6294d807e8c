"""Templated Korean/English mail, queued in the caller's transaction and sent by Celery.

Templates live in ``templates/mail/<name>/``: ``subject.txt``, ``body.txt`` and, optionally,
``body.html``. They are rendered in the recipient's language when the mail is queued. The plain-text
parts are rendered without HTML autoescaping ("R&D" stays "R&D"); the HTML part is escaped as any page.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from portal.enums import MailStatus
from portal.models import OutboundMail, User


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template: variables are inserted as they are, never HTML-escaped."""
    template = get_template(template_name)
    return template.template.render(make_context(context, autoescape=False))


def mail_queue(
    template: str,
    *,
    to: str,
    context: dict | None = None,
    language: str | None = None,
    topic: str = "",
    dedupe_key: str | None = None,
    recipient_user=None,
) -> OutboundMail | None:
    """Render and record one mail; send it after the surrounding transaction commits.

    With ``dedupe_key`` the mail is queued at most once: a second call returns None.

    A mail to a person with an account (``recipient_user``, or the active account with the address ``to``)
    also goes to their in-app inbox. A reminder the person turned off is recorded and put in the inbox but
    not sent (status ``muted``); other mails cannot be turned off.
    """
    from portal.services.notifications import mail_muted, notification_for_mail

    if recipient_user is None:
        recipient_user = User.objects.filter(email__iexact=to, is_active=True).first()
    if language is None:
        language = getattr(recipient_user, "preferred_language", None) or settings.LANGUAGE_CODE
    context = {"site_url": settings.SITE_URL, **(context or {})}
    with translation.override(language):
        subject = render_text(f"mail/{template}/subject.txt", context)
        body_text = render_text(f"mail/{template}/body.txt", context)
        try:
            body_html = render_to_string(f"mail/{template}/body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    try:
        with transaction.atomic():
            mail = OutboundMail.objects.create(
                template=template,
                to=to,
                language=language,
                subject=subject[:300],
                body_text=body_text,
                body_html=body_html,
                topic=topic,
                dedupe_key=dedupe_key,
                recipient_user=recipient_user,
                status=MailStatus.MUTED if mail_muted(recipient_user, template) else MailStatus.QUEUED,
            )
            if recipient_user is not None:
                notification_for_mail(mail, recipient_user)
    except IntegrityError:
        if dedupe_key and OutboundMail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    if mail.status == MailStatus.QUEUED:  # a reminder the person turned off is recorded, not sent
        mail_dispatch(mail.pk)
    return mail


def mail_dispatch(mail_id: int) -> None:
    """Hand a queued mail to Celery after commit. A broker outage leaves it queued for the beat to retry."""
    from portal.tasks import enqueue, send_mail

    enqueue(send_mail, mail_id)


def _secret_link_prefixes() -> tuple[str, ...]:
    """The paths whose last part is a one-time key: a password link or an address confirmation."""
    from django.urls import reverse

    reset = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    confirm = reverse("account_confirm_email", kwargs={"key": "KEY"})
    return (reset[: reset.index("UID")], confirm[: confirm.index("KEY")])


def without_secret_links(text: str) -> str:
    """The text with the keys of one-time links replaced: what is kept of a mail once it was sent."""
    import re

    for prefix in _secret_link_prefixes():
        text = re.sub(re.escape(prefix) + r"[^\s\"'<>]+", prefix + "…", text)
    return text
