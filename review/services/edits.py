"""Editing a record's plain fields: what the editing services of the review have in common."""

from django.db import models

from portal.services.audit import audit_log, snapshot


def save_changes(obj: models.Model, data: dict, fields: list[str], *, action: str, actor) -> list[str]:
    """Set those of ``fields`` that ``data`` gives (text stripped) on ``obj``, then save and audit under ``action``
    the ones whose value changed; returns their names."""
    before = snapshot(obj, fields)
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)
    after = snapshot(obj, fields)
    changed = [name for name in fields if before[name] != after[name]]
    if changed:
        obj.save(update_fields=changed)
        audit_log(
            action,
            actor=actor,
            obj=obj,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return changed
