"""A task through a real Celery worker process on the real Redis, mailing a real SMTP sink."""

import email
import json
import os
import socket
import subprocess  # nosec B404
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from portal.enums import MailStatus
from portal.models import OutboundMail, SignupRequest
from portal.services.mail import mail_queue

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared database"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def worker(smtp_sink):
    from portal.celery import app

    _sink, port = smtp_sink
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test"),
        "DEBUG": "0",
        "CONN_MAX_AGE": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    app.control.purge()
    process = subprocess.Popen(  # nosec B603
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            break
        assert process.poll() is None, process.stdout.read()
    else:
        process.kill()
        pytest.fail("the Celery worker did not answer within 30 s")
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_mail_task_runs_on_a_real_worker_and_reaches_smtp(worker, smtp_sink, client):
    sink, _port = smtp_sink
    request = SignupRequest(organization_name="누리센서 주식회사", contact_name="임재현", contact_email="lim@nuri.example")
    with transaction.atomic():
        queued = mail_queue("signup_received", to="lim@nuri.example", context={"request": request})
        assert OutboundMail.objects.get(pk=queued.pk).status == MailStatus.QUEUED

    assert _wait_for(lambda: OutboundMail.objects.get(pk=queued.pk).status == MailStatus.SENT)
    assert _wait_for(lambda: len(sink.messages) == 1)
    message = email.message_from_bytes(sink.messages[0])
    assert message["To"] == "lim@nuri.example"
    assert "누리센서 주식회사" in str(make_header(decode_header(message["Subject"])))


def test_healthz_sees_the_running_worker(worker, client):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["components"]["redis"]["status"] == "ok"
    assert body["components"]["celery"]["status"] == "ok"
    assert body["components"]["celery"]["workers"]
