"""The audit log as a hash chain per day (Korea time).

Every audit row stores ``prev_hash`` (the ``row_hash`` of the row before it in the same day,
or ``GENESIS`` for the day's first row) and ``row_hash = SHA-256(prev_hash + "\\n" +
canonical content)``. Whoever edits, deletes or inserts a row directly in the database breaks
the chain from that row on; ``manage.py audit_verify`` recomputes every link and names the
first row that does not match. The last hash of each day is published on ``/verify/`` so that
anyone can keep a copy and later hold the portal to it.

Appending is serialised per day: a transaction-scoped advisory lock on PostgreSQL (SQLite has
one writer at a time), and a unique (day, position) constraint as the last guard.
"""

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

GENESIS = "0" * 64
CHAIN_ZONE = ZoneInfo("Asia/Seoul")
_LOCK_NAMESPACE = zlib.crc32(b"portal.audit.chain") & 0x7FFFFFFF


def chain_day(moment: datetime) -> date:
    """The chain a moment belongs to: its date in Korea."""
    return moment.astimezone(CHAIN_ZONE).date()


def _json_ready(value):
    """A JSON value as the database gives it back (dates, decimals and UUIDs as strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def canonical(fields: dict) -> str:
    """The canonical text of one row: sorted keys, no spaces, UTF-8 kept, UTC times to the microsecond."""
    created_at = fields["created_at"].astimezone(UTC).isoformat(timespec="microseconds")
    content = {
        "day": fields["chain_day"].isoformat(),
        "seq": fields["chain_seq"],
        "created_at": created_at,
        "actor": fields["actor_id"],
        "action": fields["action"],
        "content_type": fields["content_type_id"],
        "object_id": fields["object_id"],
        "object_repr": fields["object_repr"],
        "before": _json_ready(fields["before"]),
        "after": _json_ready(fields["after"]),
        "ip": fields["ip_address"] or None,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(fields)}".encode()).hexdigest()


def row_fields(event) -> dict:
    """The hashed fields of an ``AuditEvent`` instance, as the database stores them."""
    ip = event.ip_address
    if ip:
        ip = event._meta.get_field("ip_address").get_prep_value(ip)
    return {
        "chain_day": event.chain_day,
        "chain_seq": event.chain_seq,
        "created_at": event.created_at,
        "actor_id": event.actor_id,
        "action": event.action,
        "content_type_id": event.content_type_id,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "ip_address": ip,
    }


def lock_day(day: date) -> None:
    """Hold the day's chain until the surrounding transaction ends (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, day.toordinal()])


def chain_append(event) -> None:
    """Give an unsaved ``AuditEvent`` its place and hashes; call inside a transaction, then save it."""
    from portal.models import AuditEvent

    day = chain_day(event.created_at)
    lock_day(day)
    last = AuditEvent.objects.filter(chain_day=day).order_by("-chain_seq").values_list("chain_seq", "row_hash").first()
    event.chain_day = day
    event.chain_seq = last[0] + 1 if last else 1
    event.prev_hash = last[1] if last else GENESIS
    event.row_hash = link_hash(event.prev_hash, row_fields(event))


def head_record(event) -> None:
    """Move the day's published head to the row just saved (same transaction, after the lock)."""
    from django.utils import timezone

    from portal.models import AuditDayHead

    moved = AuditDayHead.objects.filter(day=event.chain_day).update(
        length=event.chain_seq, head_hash=event.row_hash, updated_at=timezone.now()
    )
    if not moved:  # the day's first row; the day's lock is held, so no one else creates it
        AuditDayHead.objects.create(day=event.chain_day, length=event.chain_seq, head_hash=event.row_hash)


@dataclass(frozen=True)
class ChainBreak:
    day: date | None
    event_id: int | None
    seq: int | None
    reason: str

    def __str__(self):
        where = f"row id {self.event_id}" if self.event_id is not None else "the day's head"
        position = f" (position {self.seq})" if self.seq is not None else ""
        return f"{self.day or 'unchained'}: {where}{position}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    days: int
    rows: int
    first_break: ChainBreak | None


HASHED = [
    "id",
    "chain_day",
    "chain_seq",
    "prev_hash",
    "row_hash",
    "created_at",
    "actor_id",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "before",
    "after",
    "ip_address",
]


def _check_day(day, rows, head) -> tuple[int, ChainBreak | None]:
    expected_prev, count = GENESIS, 0
    for row in rows:
        count += 1
        if row["chain_seq"] != count:
            return count, ChainBreak(
                day, row["id"], row["chain_seq"], f"expected position {count}: a row before it is missing"
            )
        if row["prev_hash"] != expected_prev:
            return count, ChainBreak(day, row["id"], count, "its link to the previous row does not match")
        computed = link_hash(expected_prev, row)
        if computed != row["row_hash"]:
            return count, ChainBreak(
                day,
                row["id"],
                count,
                f"content changed (stored hash {row['row_hash'][:16]}…, content hashes to {computed[:16]}…)",
            )
        expected_prev = row["row_hash"]
    if head is None:
        return count, ChainBreak(day, None, None, "no published head for this day")
    if head.length != count or head.head_hash != expected_prev:
        return count, ChainBreak(
            day,
            None,
            None,
            f"the published head ({head.length} rows, {head.head_hash[:16]}…) does not match "
            f"the rows ({count} rows, {expected_prev[:16]}…): rows were removed or added",
        )
    return count, None


def chain_verify(*, since: date | None = None, until: date | None = None) -> ChainReport:
    """Walk every day's chain in order and stop at the first break."""
    from portal.models import AuditDayHead, AuditEvent

    unchained = AuditEvent.objects.filter(chain_day__isnull=True).order_by("id").values_list("id", flat=True).first()
    if unchained is not None:
        return ChainReport(0, 0, ChainBreak(None, unchained, None, "the row is in no chain (inserted around the log)"))
    rows_qs = AuditEvent.objects.order_by("chain_day", "chain_seq")
    heads_qs = AuditDayHead.objects.all()
    if since:
        rows_qs, heads_qs = rows_qs.filter(chain_day__gte=since), heads_qs.filter(day__gte=since)
    if until:
        rows_qs, heads_qs = rows_qs.filter(chain_day__lte=until), heads_qs.filter(day__lte=until)
    heads = {head.day: head for head in heads_qs}
    days = sorted(set(heads) | set(rows_qs.order_by().values_list("chain_day", flat=True).distinct()))
    total = 0
    for number, day in enumerate(days, start=1):
        rows = rows_qs.filter(chain_day=day).values(*HASHED).iterator(chunk_size=2000)
        count, broken = _check_day(day, rows, heads.get(day))
        total += count
        if broken:
            return ChainReport(number, total, broken)
    return ChainReport(len(days), total, None)
