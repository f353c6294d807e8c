"""The in-app inbox: every mail to a person is also a notification; reminders can be turned off by mail only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.enums import MailStatus
from portal.models import Notification, OutboundMail, SignupRequest, UserSettings
from portal.services.mail import mail_queue
from portal.services.notifications import mail_preferences_save, unread_count
from surveys.models import Survey
from surveys.services import applications as applying
from surveys.services.reminders import reminders_send
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _organization(user):
    return user.memberships.get().organization


def _notify(user, n=1):
    signup = SignupRequest(organization_name="한빛로보틱스 주식회사", contact_name="강민서", contact_email=user.email)
    return [
        mail_queue("signup_received", to=user.email, recipient_user=user, context={"request": signup}) for _ in range(n)
    ]


@pytest.fixture
def draft(open_survey, applicant):  # noqa: F811
    application = applying.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() + timedelta(hours=20))
    return application


def test_a_reminder_reaches_the_inbox_with_a_link_to_the_application(
    draft, applicant, django_capture_on_commit_callbacks
):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send()
    notification = Notification.objects.filter(user=applicant).first()
    assert notification is not None and notification.kind == "deadline_reminder"
    assert notification.link == reverse("surveys:application_detail", kwargs={"pk": draft.pk})
    assert "--" not in notification.body and notification.read_at is None
    assert notification.mail.status == MailStatus.SENT
    assert len(mail.outbox) == 2


def test_a_muted_reminder_is_not_mailed_but_is_in_the_inbox(draft, applicant, django_capture_on_commit_callbacks):  # noqa: F811
    mail_preferences_save(applicant, muted=["deadline_reminder"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_send()
        again = reminders_send()
    assert (sent, again) == (2, 0)  # the dedupe still holds: the muted mail is recorded
    assert mail.outbox == []
    assert set(OutboundMail.objects.filter(recipient_user=applicant).values_list("status", flat=True)) == {
        MailStatus.MUTED
    }
    assert Notification.objects.filter(user=applicant, kind="deadline_reminder").count() == 2


def test_mails_that_must_go_out_cannot_be_muted(draft, applicant, admin, django_capture_on_commit_callbacks):  # noqa: F811
    row = mail_preferences_save(applicant, muted=["deadline_reminder", "application_status", "result_published"])
    assert row.muted_mail == ["deadline_reminder"]
    UserSettings.objects.filter(user=applicant).update(muted_mail=["application_status"])  # even if stored
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue(
            "application_status",
            to=applicant.email,
            recipient_user=applicant,
            context={"application": draft, "status": "반려", "note": "", "kind": ""},
        )
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert Notification.objects.get(user=applicant).kind == "application_status"


def test_a_mail_to_an_address_with_an_account_reaches_that_account(applicant):  # noqa: F811
    _notify(applicant)
    stranger = OutboundMail.objects.create(template="x", to="nobody@test.example", subject="s", body_text="b")
    assert Notification.objects.get().user == applicant
    assert not Notification.objects.filter(mail=stranger).exists()


def test_password_links_never_reach_the_inbox(admin):  # noqa: F811
    from portal.services.memberships import member_invite

    membership = member_invite(None, email="new@test.example", name="새위원", role="reviewer", actor=admin)
    notification = Notification.objects.get(user=membership.user)
    assert notification.kind == "member_invited"
    assert notification.body == "" and notification.link == ""


def test_the_header_shows_the_unread_count_and_opening_marks_read(
    client,
    applicant,
    draft,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send()
    client.force_login(applicant)
    page = client.get(reverse("notification_inbox"))
    assert b'data-testid="unread-count">2<' in page.content
    first = Notification.objects.filter(user=applicant).first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("notification_open", kwargs={"pk": first.pk}))
    assert response.status_code == 302 and response["Location"] == first.link
    first.refresh_from_db()
    assert first.read_at is not None
    assert unread_count(applicant) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications_read_all"))
    assert unread_count(applicant) == 0
    assert b'data-testid="unread-count"' not in client.get(reverse("notification_inbox")).content


def test_the_unread_filter_and_mark_one_read(client, applicant):  # noqa: F811
    read, unread = _notify(applicant, 2)
    Notification.objects.filter(mail=read).update(read_at=timezone.now())
    client.force_login(applicant)
    listed = client.get(reverse("notification_inbox"), {"unread": "1"}).context["page"].object_list
    assert [n.mail_id for n in listed] == [unread.pk]
    target = Notification.objects.get(mail=unread)
    assert client.post(reverse("notification_read", kwargs={"pk": target.pk})).status_code == 302
    target.refresh_from_db()
    assert target.read_at is not None


def test_other_peoples_notifications_are_404(client, applicant):  # noqa: F811
    (queued,) = _notify(applicant)
    notification = Notification.objects.get(mail=queued)
    client.force_login(make_user("applicant"))
    assert client.get(reverse("notification_open", kwargs={"pk": notification.pk})).status_code == 404
    assert client.post(reverse("notification_read", kwargs={"pk": notification.pk})).status_code == 404
    client.post(reverse("notifications_read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert list(client.get(reverse("notification_inbox")).context["page"].object_list) == []


def test_the_inbox_needs_a_log_in(client):
    response = client.get(reverse("notification_inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_settings_page_saves_mail_preferences(client, applicant):  # noqa: F811
    client.force_login(applicant)
    page = client.get(reverse("user_settings"))
    assert "deadline_reminder" in page.context["form"].fields
    assert "application_status" not in page.context["form"].fields
    client.post(reverse("user_settings"), {"review_overdue": "on"})
    assert UserSettings.objects.get(user=applicant).muted_mail == ["deadline_reminder"]
    client.post(reverse("user_settings"), {"review_overdue": "on", "deadline_reminder": "on"})
    assert UserSettings.objects.get(user=applicant).muted_mail == []


def _inbox_queries(client, user, n):
    Notification.objects.filter(user=user).delete()
    Notification.objects.bulk_create(
        Notification(user=user, kind="deadline_reminder", subject=f"알림 {i}", body="본문", link="/") for i in range(n)
    )
    client.force_login(user)
    client.get(reverse("notification_inbox"))  # warm the session and the count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notification_inbox"), {"page": 1})
    assert response.status_code == 200
    return len(queries)


def test_the_inbox_query_count_does_not_grow(client, applicant):  # noqa: F811
    assert _inbox_queries(client, applicant, 10) == _inbox_queries(client, applicant, 200)
