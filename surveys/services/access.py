"""The access log: every view or download of an application's content is recorded."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from portal.context import current_ip
from surveys.models import AccessEvent


def access_record(user, application, action: str, *, detail: str = "") -> AccessEvent:
    return AccessEvent.objects.create(
        user=user, application_id=application.pk, action=action, detail=str(detail)[:200], ip_address=current_ip.get()
    )


def access_record_all(user, applications, action: str, *, detail: str = "") -> None:
    """One row per application, in one insert."""
    ip = current_ip.get()
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(
                user=user, application_id=application.pk, action=action, detail=str(detail)[:200], ip_address=ip
            )
            for application in applications
        ]
    )


def access_purge(now=None) -> int:
    """Delete rows older than the retention period (at least two years; the database refuses younger ones)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _per_model = AccessEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
