import pytest
from django.db import DatabaseError, connection, transaction

from portal.models import AuditEvent
from portal.services.audit import audit_log
from tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def test_audit_log_records_actor_action_object_before_after_and_ip(rf):
    from portal.context import current_ip

    actor = make_user("applicant")
    organization = OrganizationFactory()
    token = current_ip.set("203.0.113.7")
    try:
        event = audit_log("portal.test.changed", actor=actor, obj=organization, before={"a": 1}, after={"a": 2})
    finally:
        current_ip.reset(token)
    event.refresh_from_db()
    assert event.actor == actor
    assert event.action == "portal.test.changed"
    assert event.object_id == str(organization.pk)
    assert event.object_repr == organization.name
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})
    assert event.ip_address == "203.0.113.7"
    assert list(AuditEvent.objects.for_object(organization)) == [event]


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm():
    event = audit_log("portal.test.created")
    event.action = "portal.test.rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "portal.test.created"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_audit_rows_are_append_only_in_postgresql_itself():
    event = audit_log("portal.test.created")
    for statement in (
        "UPDATE portal_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM portal_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "portal.test.created"


def test_audit_ip_comes_from_the_request(client, settings):
    admin = make_user("admin")
    client.force_login(admin)
    client.get("/", REMOTE_ADDR="198.51.100.23")
    # logging in through the client records no request; a role grant through a view does
    client.post(
        "/manage/users/",
        {"email": "new@test.example", "name": "새 평가위원", "role": "reviewer"},
        REMOTE_ADDR="198.51.100.23",
    )
    event = AuditEvent.objects.filter(action="portal.membership.granted").get()
    assert event.ip_address == "198.51.100.23"
    assert event.actor == admin
