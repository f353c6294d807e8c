from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from portal.enums import MailStatus
from portal.models import AuditEvent, OutboundMail, SignupRequest
from portal.services.mail import mail_queue
from portal.tasks import mail_requeue_stale, send_mail

pytestmark = pytest.mark.django_db(transaction=True)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def _signup():
    return SignupRequest(
        organization_name="한빛로보틱스 주식회사", contact_name="강민서", contact_email="a@test.example"
    )


def test_mail_is_sent_after_commit_in_korean_by_default():
    queued = mail_queue("signup_received", to="a@test.example", context={"request": _signup()})
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert queued.attempts == 1 and queued.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@test.example"]
    assert "한빛로보틱스 주식회사" in mail.outbox[0].subject
    assert "가입 신청" in mail.outbox[0].subject


def test_mail_in_english_for_english_recipients():
    mail_queue("signup_received", to="a@test.example", context={"request": _signup()}, language="en")
    assert "Sign-up request received" in mail.outbox[0].subject
    assert "Dear 강민서" in mail.outbox[0].body


def test_mail_is_not_sent_when_the_transaction_rolls_back():
    from django.db import transaction

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            mail_queue("signup_received", to="a@test.example", context={"request": _signup()})
            raise RuntimeError("the change failed")
    assert mail.outbox == []
    assert not OutboundMail.objects.exists()


def test_mail_failures_are_retried_then_recorded_as_failed(settings):
    settings.EMAIL_BACKEND = "tests.portal.test_mail.FailingBackend"
    settings.MAIL_MAX_ATTEMPTS = 3
    queued = mail_queue("signup_received", to="a@test.example", context={"request": _signup()})
    queued.refresh_from_db()
    assert queued.status == MailStatus.FAILED
    assert queued.attempts == 3
    assert "refused the connection" in queued.last_error
    assert AuditEvent.objects.filter(action="portal.mail.failed", object_id=str(queued.pk)).exists()


def test_send_mail_twice_sends_once():
    queued = mail_queue("signup_received", to="a@test.example", context={"request": _signup()})
    assert send_mail.apply(args=(queued.pk,)).result == MailStatus.SENT
    assert len(mail.outbox) == 1


def test_dedupe_key_queues_a_mail_only_once():
    first = mail_queue("signup_received", to="a@test.example", context={"request": _signup()}, dedupe_key="k1")
    second = mail_queue("signup_received", to="a@test.example", context={"request": _signup()}, dedupe_key="k1")
    assert first is not None and second is None
    assert len(mail.outbox) == 1


def test_stale_queued_mail_is_sent_again_by_the_beat_task():
    stale = OutboundMail.objects.create(template="signup_received", to="late@test.example", subject="s", body_text="b")
    OutboundMail.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert mail_requeue_stale.apply().result == 1
    stale.refresh_from_db()
    assert stale.status == MailStatus.SENT
    assert mail.outbox[0].to == ["late@test.example"]


def test_mail_text_parts_keep_ampersands_and_brackets_as_typed(django_capture_on_commit_callbacks):
    from surveys.enums import SurveyStage
    from surveys.models import Recipient
    from surveys.services.distribution import invitations_send
    from tests.factories import make_user
    from tests.surveys.helpers import make_survey

    admin = make_user("admin")
    survey = make_survey(stage=SurveyStage.DISTRIBUTION, title="R&D <테스트>")
    Recipient.objects.create(
        survey=survey, email="lab@fri.example", organization_name="연구소 & 대학", source=Recipient.Source.MANUAL
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(survey, actor=admin)
    sent = mail.outbox[0]
    assert "R&D <테스트>" in sent.subject and "R&D <테스트>" in sent.body
    assert "연구소 & 대학" in sent.body
    assert "&amp;" not in sent.body + sent.subject and "&lt;" not in sent.body + sent.subject


def test_mail_html_part_is_escaped_while_its_text_part_is_not(settings, tmp_path):
    folder = tmp_path / "mail" / "probe"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("{{ title }}")
    (folder / "body.txt").write_text("{{ title }} {% include 'mail/probe/_line.txt' %}")
    (folder / "_line.txt").write_text("{{ title }}")
    (folder / "body.html").write_text("<p>{{ title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    mail_queue("probe", to="a@test.example", context={"title": "R&D <테스트>"})
    sent = mail.outbox[0]
    assert sent.body == "R&D <테스트> R&D <테스트>"
    assert sent.subject.endswith("R&D <테스트>")
    assert sent.alternatives[0][0] == "<p>R&amp;D &lt;테스트&gt;</p>"
