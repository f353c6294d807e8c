"""Real processes for the portal tests: a Celery worker subprocess, a Redis of the test's own, an SMTP sink."""

import os
import signal
import socket
import subprocess  # nosec B404
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


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
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


class Redis:
    """A Redis of the test's own on a free port, stopped and started at will."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # nosec B603 B607
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, 10), "the test Redis did not start"

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self.answers()


@pytest.fixture
def own_redis():
    server = Redis()
    server.start()
    previous = app.conf.broker_url
    _use_broker(server.url)
    yield server
    if server.process.poll() is None:
        server.stop()
    _use_broker(previous)


def _use_broker(url):
    """Point this process's Celery producer at another broker (kombu keeps one pool per broker URL)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    """A real Celery worker subprocess whose log lines are collected."""

    def __init__(self, broker_url, media_root, email_url="consolemail://"):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": broker_url,
            "MEDIA_ROOT": str(media_root),
            "EMAIL_URL": email_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test"),
            "DEBUG": "0",
            "CONN_MAX_AGE": "0",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.lines: list[str] = []
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # nosec B603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        assert wait_for(lambda: any("ready." in line for line in self.lines), 45), "".join(self.lines)
        return self

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def saw(self, text) -> bool:
        return any(text in line for line in self.lines)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def workers():
    started = []

    def start(*args, **kwargs):
        started.append(Worker(*args, **kwargs).start())
        return started[-1]

    yield start
    for worker in started:
        worker.stop()
