import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from portal.models import AuditDayHead, AuditEvent
from portal.services.audit import audit_log
from portal.services.audit_chain import GENESIS, chain_day, chain_verify, link_hash, row_fields
from tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="raw edits as a PostgreSQL administrator")


def _three_rows():
    actor = make_user("admin")
    organization = OrganizationFactory()
    return [
        audit_log("portal.test.one", actor=actor, obj=organization, after={"name": "가나다", "n": 1.5}),
        audit_log("portal.test.two", actor=actor, before={"when": date(2026, 12, 1)}, ip="2001:db8::1"),
        audit_log("portal.test.three", obj=organization, ip="203.0.113.9"),
    ]


def _as_administrator(statement, params):
    """What someone with the database's owner rights could do: switch the trigger off and rewrite."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE portal_auditevent ENABLE TRIGGER portal_auditevent_append_only")


def test_audit_chain_links_each_row_to_the_one_before():
    _first, _second, third = _three_rows()
    rows = list(AuditEvent.objects.order_by("chain_seq"))
    assert [row.chain_seq for row in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].row_hash and rows[2].prev_hash == rows[1].row_hash
    # the stored hash is the hash of what the database gives back
    for row in rows:
        assert link_hash(row.prev_hash, row_fields(row)) == row.row_hash
    head = AuditDayHead.objects.get(day=rows[0].chain_day)
    assert (head.length, head.head_hash) == (3, third.row_hash)


def test_audit_chain_starts_again_each_korean_day():
    with time_machine.travel(datetime(2026, 12, 1, 23, 59, 59, tzinfo=SEOUL), tick=False):
        late = audit_log("portal.test.late")
    with time_machine.travel(datetime(2026, 12, 2, 0, 0, 1, tzinfo=SEOUL), tick=False):
        early = audit_log("portal.test.early")
    assert (late.chain_day, late.chain_seq) == (date(2026, 12, 1), 1)
    assert (early.chain_day, early.chain_seq, early.prev_hash) == (date(2026, 12, 2), 1, GENESIS)
    assert chain_day(datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("UTC"))) == date(2026, 12, 2)
    assert chain_verify().first_break is None


def test_audit_verify_command_reports_an_intact_chain():
    _three_rows()
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 3 rows over 1 days" in out.getvalue()


@postgres_only
def test_audit_verify_names_a_row_edited_directly_in_postgresql():
    _first, second, _third = _three_rows()
    _as_administrator("UPDATE portal_auditevent SET action = 'portal.test.harmless' WHERE id = %s", [second.pk])
    assert AuditEvent.objects.get(pk=second.pk).action == "portal.test.harmless"
    with pytest.raises(CommandError, match=rf"row id {second.pk} \(position 2\): content changed"):
        call_command("audit_verify")


@postgres_only
def test_audit_verify_finds_a_rewritten_row_whose_hash_was_recomputed():
    _first, second, third = _three_rows()
    forged = AuditEvent.objects.get(pk=second.pk)
    forged.action = "portal.test.forged"
    new_hash = link_hash(forged.prev_hash, row_fields(forged))
    _as_administrator(
        "UPDATE portal_auditevent SET action = %s, row_hash = %s WHERE id = %s", [forged.action, new_hash, second.pk]
    )
    report = chain_verify()
    assert report.first_break.event_id == third.pk
    assert "link to the previous row" in report.first_break.reason


@postgres_only
def test_audit_verify_finds_a_deleted_row_and_a_cut_tail():
    _first, second, third = _three_rows()
    _as_administrator("DELETE FROM portal_auditevent WHERE id = %s", [second.pk])
    report = chain_verify()
    assert (report.first_break.event_id, report.first_break.seq) == (third.pk, 3)
    assert "missing" in report.first_break.reason

    _as_administrator("DELETE FROM portal_auditevent WHERE id = %s", [third.pk])
    report = chain_verify()
    assert report.first_break.event_id is None
    assert "published head" in report.first_break.reason


@postgres_only
def test_audit_verify_finds_a_row_inserted_around_the_log():
    _three_rows()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO portal_auditevent (action, object_id, object_repr, created_at, prev_hash, row_hash)"
            " VALUES ('portal.test.slipped', '', '', now(), '', '') RETURNING id"
        )
        slipped = cursor.fetchone()[0]
    with pytest.raises(CommandError, match=rf"row id {slipped}: the row is in no chain"):
        call_command("audit_verify")


@pytest.mark.slow  # concurrent writers in threads
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_audit_chain_stays_whole_when_writers_append_at_once():
    def write(n):
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_log(f"portal.test.writer{n}", after={"i": i})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = chain_verify()
    assert report.first_break is None
    assert report.rows == AuditEvent.objects.count() >= 45
