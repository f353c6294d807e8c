"""Invitations: refused before publishing, one mail per recipient, failures shown, resends audited."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.enums import MailStatus
from portal.exceptions import DomainError
from portal.models import AuditEvent, OutboundMail
from surveys.enums import SurveyStage
from surveys.models import Recipient
from surveys.services.calls import survey_transition
from surveys.services.distribution import invitation_resend, invitations_send
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

EMAILS = ["ceo@hanbit.example", "lab@fri.example", "staff@kar.example"]


def _with_recipients(stage=SurveyStage.DRAFT):
    survey = make_survey(stage=stage, title="로봇 분야 기술 수요조사")
    for email in EMAILS:
        Recipient.objects.create(
            survey=survey, email=email, organization_name=f"{email.split('@')[1]} 기관", source=Recipient.Source.MANUAL
        )
    return survey


def _invitations():
    return OutboundMail.objects.filter(template="survey_invitation")


def test_sending_before_publishing_is_refused(admin, django_capture_on_commit_callbacks):
    survey = _with_recipients()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError) as error:
            invitations_send(survey, actor=admin)
    assert error.value.code == "state"
    assert not _invitations().exists() and mail.outbox == []
    assert not survey.recipients.filter(mail__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="surveys.invitation.sent").exists()


def test_sending_view_before_publishing_sends_nothing(admin_client, django_capture_on_commit_callbacks):
    survey = _with_recipients()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("surveys:manage_invitations", kwargs={"pk": survey.pk}))
    assert response.status_code == 302
    assert not _invitations().exists() and mail.outbox == []
    assert all(r.delivery_status == "not_sent" for r in survey.recipients.all())


def test_invitations_are_queued_one_per_recipient_until_sent(admin, django_capture_on_commit_callbacks):
    survey = _with_recipients()
    survey_transition(survey, to=SurveyStage.DISTRIBUTION, actor=admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = invitations_send(survey, actor=admin)
    assert count == 3
    assert sorted(_invitations().values_list("to", flat=True)) == sorted(EMAILS)
    assert set(_invitations().values_list("status", flat=True)) == {MailStatus.QUEUED}
    assert {r.delivery_status for r in survey.recipients.select_related("mail")} == {"queued"}
    assert len(callbacks) == 3 and mail.outbox == []


def test_invitations_are_sent_after_commit(admin, django_capture_on_commit_callbacks):
    survey = _with_recipients()
    survey_transition(survey, to=SurveyStage.DISTRIBUTION, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(EMAILS)
    assert all("로봇 분야 기술 수요조사" in m.subject for m in mail.outbox)
    assert all(reverse("surveys:call_detail", kwargs={"pk": survey.pk}) in m.body for m in mail.outbox)
    for recipient in survey.recipients.select_related("mail"):
        assert recipient.delivery_status == MailStatus.SENT
        assert recipient.invitations_sent == 1
        assert recipient.mail.topic == f"surveys.invitation:{recipient.pk}"
    event = AuditEvent.objects.for_object(survey).get(action="surveys.invitation.sent")
    assert event.after == {"count": 3}


def test_sending_again_invites_only_the_new_recipients(admin, django_capture_on_commit_callbacks):
    survey = _with_recipients(stage=SurveyStage.DISTRIBUTION)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    Recipient.objects.create(
        survey=survey, email="new@nuri.example", organization_name="누리테크", source=Recipient.Source.MANUAL
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_send(survey, actor=admin) == 1
    assert [m.to[0] for m in mail.outbox].count("ceo@hanbit.example") == 1
    assert mail.outbox[-1].to == ["new@nuri.example"]
    assert _invitations().count() == 4


def test_sending_view_after_publishing_sends(admin_client, django_capture_on_commit_callbacks):
    survey = _with_recipients(stage=SurveyStage.DISTRIBUTION)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("surveys:manage_invitations", kwargs={"pk": survey.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:manage_recipients", kwargs={"pk": survey.pk})
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("attempts", [1, 3])
def test_failing_mail_server_leaves_the_recipient_failed_with_the_error_shown(
    admin, admin_client, settings, django_capture_on_commit_callbacks, attempts
):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.FailingBackend"
    settings.MAIL_MAX_ATTEMPTS = attempts
    survey = _with_recipients(stage=SurveyStage.DISTRIBUTION)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    recipient = survey.recipients.select_related("mail").get(email="ceo@hanbit.example")
    assert recipient.delivery_status == MailStatus.FAILED
    assert recipient.mail.attempts == attempts
    assert "refused the connection" in recipient.mail.last_error
    page = admin_client.get(reverse("surveys:manage_recipients", kwargs={"pk": survey.pk}))
    html = page.content.decode()
    row = html.split('data-recipient="ceo@hanbit.example"', 1)[1].split("</tr>", 1)[0]
    assert "text-bg-danger" in row
    assert "SMTP server refused the connection" in row
    failed = admin_client.get(reverse("surveys:manage_recipients", kwargs={"pk": survey.pk}), {"status": "failed"})
    assert failed.context["page"].paginator.count == 3


def test_resend_creates_a_new_mail_and_is_audited(admin, django_capture_on_commit_callbacks):
    survey = _with_recipients(stage=SurveyStage.DISTRIBUTION)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    recipient = survey.recipients.get(email="lab@fri.example")
    first_mail = recipient.mail_id
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(recipient, actor=admin)
    recipient.refresh_from_db()
    assert recipient.mail_id != first_mail
    assert recipient.invitations_sent == 2
    assert _invitations().filter(to="lab@fri.example").count() == 2
    assert recipient.delivery_status == MailStatus.SENT
    assert [m.to[0] for m in mail.outbox].count("lab@fri.example") == 2
    event = AuditEvent.objects.for_object(recipient).get(action="surveys.invitation.resent")
    assert event.actor == admin and event.after == {"email": "lab@fri.example"}


def test_resend_view_resends_a_failed_invitation(admin, admin_client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.FailingBackend"
    settings.MAIL_MAX_ATTEMPTS = 1
    survey = _with_recipients(stage=SurveyStage.DISTRIBUTION)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    recipient = survey.recipients.get(email="staff@kar.example")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("surveys:manage_invitation_resend", kwargs={"pk": survey.pk, "recipient_pk": recipient.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.delivery_status == MailStatus.SENT and recipient.invitations_sent == 2
    assert [m.to for m in mail.outbox] == [["staff@kar.example"]]
    assert AuditEvent.objects.for_object(recipient).filter(action="surveys.invitation.resent").count() == 1
    html = admin_client.get(reverse("surveys:manage_recipients", kwargs={"pk": survey.pk})).content.decode()
    row = html.split('data-recipient="staff@kar.example"', 1)[1].split("</tr>", 1)[0]
    assert "text-bg-success" in row and "text-bg-danger" not in row


def test_resend_of_a_call_back_in_draft_is_refused(admin, django_capture_on_commit_callbacks):
    survey = _with_recipients(stage=SurveyStage.DISTRIBUTION)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    survey_transition(survey, to=SurveyStage.DRAFT, actor=admin, reason="공고문 정정")
    recipient = survey.recipients.first()
    with pytest.raises(DomainError):
        invitation_resend(recipient, actor=admin)
    recipient.refresh_from_db()
    assert recipient.invitations_sent == 1
    assert not AuditEvent.objects.filter(action="surveys.invitation.resent").exists()


def test_resend_of_another_calls_recipient_is_404(admin_client):
    survey = _with_recipients(stage=SurveyStage.DISTRIBUTION)
    other = make_survey(stage=SurveyStage.DISTRIBUTION)
    recipient = survey.recipients.first()
    url = reverse("surveys:manage_invitation_resend", kwargs={"pk": other.pk, "recipient_pk": recipient.pk})
    assert admin_client.post(url).status_code == 404
    assert not OutboundMail.objects.exists()
