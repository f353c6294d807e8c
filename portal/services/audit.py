"""The one way every service records what it did."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from portal.context import current_ip
from portal.models import AuditEvent
from portal.services.audit_chain import chain_append, head_record


def audit_log(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Write one audit row, the next link of today's hash chain.

    Call it inside the transaction of the change it records: the day's chain stays locked
    until that transaction ends, so keep the work after it short.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        ip_address=ip or current_ip.get(),
    )
    with transaction.atomic():
        chain_append(event)
        event.save(force_insert=True)
        head_record(event)
    return event


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The named fields of an object as JSON-ready values, for before/after."""
    result = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        result[name] = value
    return result
