from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One thing that happened: who, what (a dotted code), to what, before and after.

    Rows are only ever inserted. On PostgreSQL a trigger refuses UPDATE and DELETE.
    Each row is a link of its day's hash chain (``portal/audit_chain.py``): its position in
    the day (Korea time), the hash of the row before it and the hash of its own content.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    chain_day = models.DateField(_("chain day"), null=True, blank=True, editable=False)
    chain_seq = models.PositiveIntegerField(_("position in the day"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous row's hash"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("row hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["chain_day", "chain_seq"], name="portal_auditevent_chain_position"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class AuditDayHead(models.Model):
    """The last link of one day's audit chain: the hash published on the verification page.

    Written in the same transaction as the row it points to. It is a convenience for the
    page and for appending; ``audit_verify`` recomputes everything from the rows.
    """

    day = models.DateField(_("day"), primary_key=True)
    length = models.PositiveIntegerField(_("rows"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("audit chain day")
        verbose_name_plural = _("audit chain days")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.head_hash}"
