"""The in-app inbox: every mail to a person is also a notification, with a cached unread count."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal.enums import REMINDER_MAIL, SECURITY_MAIL, AuditAction
from portal.models import Notification, OutboundMail, UserSettings
from portal.services.audit import audit_log

UNREAD_TTL = 24 * 3600
BODY_LENGTH = 600


def _unread_key(user_id: int) -> str:
    return f"portal:unread:{user_id}"


def unread_count(user) -> int:
    """The header's unread count: from the cache, or one query that fills it."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_TTL)
    return count


def _unread_add(user_id: int, delta: int) -> None:
    """Move the cached count once the change is committed; a count no longer cached is read afresh when shown."""

    def apply():
        key = _unread_key(user_id)
        try:
            if delta >= 0:
                cache.incr(key, delta)
            elif cache.decr(key, -delta) < 0:
                cache.delete(key)
        except ValueError:  # not cached
            pass

    transaction.on_commit(apply)


def unread_forget(user_id: int) -> None:
    """Drop the cached count once the change that moved it is committed."""
    transaction.on_commit(lambda: cache.delete(_unread_key(user_id)))


def unread_refresh(user) -> None:
    """Count afresh (at log-in), so that the pages that follow need no query for the header."""
    cache.delete(_unread_key(user.pk))
    unread_count(user)


def mail_muted(user, template: str) -> bool:
    """Whether ``user`` turned this mail off: only reminders may be, never a mail that must go out."""
    if user is None or template not in REMINDER_MAIL:
        return False
    muted = UserSettings.objects.filter(user=user).values_list("muted_mail", flat=True).first() or []
    return template in muted


def _link_and_summary(body_text: str) -> tuple[str, str]:
    """The last link into the portal the mail gives (as a path) and the text before the first one."""
    site = settings.SITE_URL
    link, summary, seen_link = "", [], False
    for line in body_text.splitlines():
        stripped = line.strip()
        if stripped == "--":
            break
        position = stripped.find(site + "/")
        if position >= 0:
            path = stripped[position + len(site) :].split()[0]
            if path.startswith("/") and not path.startswith("//"):
                link = path
            seen_link = True
            continue
        if not seen_link:
            summary.append(line)
    text = "\n".join(summary).strip()
    if len(text) > BODY_LENGTH:
        text = text[: BODY_LENGTH - 1].rstrip() + "…"
    return link, text


def notification_for_mail(mail: OutboundMail, user) -> Notification:
    """The inbox copy of ``mail`` for ``user``, in the mail's transaction."""
    if mail.template in SECURITY_MAIL:
        link, body = "", ""
    else:
        link, body = _link_and_summary(mail.body_text)
    notification = Notification.objects.create(
        user=user, mail=mail, kind=mail.template, subject=mail.subject, body=body, link=link[:500]
    )
    _unread_add(user.pk, 1)
    return notification


def notification_open(notification: Notification) -> Notification:
    if notification.read_at is None:
        marked = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.read_at = timezone.now()
        if marked:
            _unread_add(notification.user_id, -marked)
    return notification


@transaction.atomic
def notifications_read_all(user) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    unread_forget(user.pk)
    return count


@transaction.atomic
def mail_preferences_save(user, *, muted: list[str]) -> UserSettings:
    """Record which reminders ``user`` gets only in the inbox; anything not a reminder is ignored."""
    muted = sorted(set(muted) & set(REMINDER_MAIL))
    row, _created = UserSettings.objects.select_for_update().get_or_create(user=user)
    before = list(row.muted_mail)
    if before != muted:
        row.muted_mail = muted
        row.save(update_fields=["muted_mail"])
        audit_log(
            AuditAction.SETTINGS_CHANGED,
            actor=user,
            obj=user,
            before={"muted_mail": before},
            after={"muted_mail": muted},
        )
    return row
