"""A person's own settings: the secret token of their calendar feed."""

from django.db import transaction
from django.utils import timezone

from portal.enums import AuditAction
from portal.models import UserSettings
from portal.models.notification import new_calendar_token
from portal.services.audit import audit_log


@transaction.atomic
def calendar_token_issue(user) -> UserSettings:
    """A new secret feed address; the previous one stops working at once."""
    row, _created = UserSettings.objects.select_for_update().get_or_create(user=user)
    replaced = bool(row.calendar_token)
    row.calendar_token = new_calendar_token()
    row.calendar_token_created_at = timezone.now()
    row.save(update_fields=["calendar_token", "calendar_token_created_at"])
    audit_log(AuditAction.CALENDAR_TOKEN_CREATED, actor=user, obj=user, after={"replaced": replaced})
    return row


@transaction.atomic
def calendar_token_revoke(user) -> UserSettings:
    row, _created = UserSettings.objects.select_for_update().get_or_create(user=user)
    if row.calendar_token:
        row.calendar_token = None
        row.calendar_token_created_at = None
        row.save(update_fields=["calendar_token", "calendar_token_created_at"])
        audit_log(AuditAction.CALENDAR_TOKEN_REVOKED, actor=user, obj=user)
    return row


def user_for_calendar_token(token: str):
    """The active person whose feed this is, or None (an unknown or revoked token)."""
    if not token or len(token) > 64:
        return None
    row = UserSettings.objects.select_related("user").filter(calendar_token=token, user__is_active=True).first()
    return row.user if row else None
