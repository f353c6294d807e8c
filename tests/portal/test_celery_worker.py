"""A task through a real Celery worker process on the real Redis, mailing a real SMTP sink."""

import email
import json
import os
from email.header import decode_header, make_header

import pytest
from django.db import connection, transaction

from portal.celery import app
from portal.enums import MailStatus
from portal.models import OutboundMail, SignupRequest
from portal.services.mail import mail_queue
from tests.portal.conftest import wait_for

pytestmark = [
    pytest.mark.slow,  # starts a real Celery worker
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared database"),
]


@pytest.fixture
def worker(smtp_sink, workers, tmp_path):
    _sink, port = smtp_sink
    app.control.purge()
    return workers(os.environ["REDIS_URL"], tmp_path / "media", email_url=f"smtp://127.0.0.1:{port}")


def test_mail_task_runs_on_a_real_worker_and_reaches_smtp(worker, smtp_sink, client):
    sink, _port = smtp_sink
    request = SignupRequest(
        organization_name="누리센서 주식회사", contact_name="임재현", contact_email="lim@nuri.example"
    )
    with transaction.atomic():
        queued = mail_queue("signup_received", to="lim@nuri.example", context={"request": request})
        assert OutboundMail.objects.get(pk=queued.pk).status == MailStatus.QUEUED

    assert wait_for(lambda: OutboundMail.objects.get(pk=queued.pk).status == MailStatus.SENT)
    assert wait_for(lambda: len(sink.messages) == 1)
    message = email.message_from_bytes(sink.messages[0])
    assert message["To"] == "lim@nuri.example"
    assert "누리센서 주식회사" in str(make_header(decode_header(message["Subject"])))


def test_healthz_sees_the_running_worker(worker, admin_client):
    response = admin_client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["components"]["redis"]["status"] == "ok"
    assert body["components"]["celery"]["status"] == "ok"
    assert body["components"]["celery"]["workers"]
