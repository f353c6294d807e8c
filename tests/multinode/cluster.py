"""The portal as several machines would run it, started as processes on 127.0.0.1.

Two gunicorn web nodes (production settings, each its own port and MEDIA_ROOT), two Celery worker
nodes, the beat, a fresh PostgreSQL database, a Redis server of its own (a database number and queue
of their own too) and moto's S3-compatible server with the bucket the portal stores files in. Every
process runs in its own process group so that a node can be killed with all its children.
"""

import json
import os
import secrets
import signal
import socket
import subprocess  # nosec B404 - starts the portal's own processes
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "portal-multinode"
QUEUE = "portal_multinode"
REDIS_DB = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, seconds: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@dataclass
class Process:
    name: str
    args: list[str]
    env: dict
    log: Path
    port: int | None = None
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> "Process":
        handle = open(self.log, "ab")  # noqa: SIM115 - kept open for the process's life
        self.popen = subprocess.Popen(  # nosec B603 - fixed arguments
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL to the whole process group: the machine is gone, children and all."""
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive():
            self.kill() if self.popen is not None else None
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


class Cluster:
    def __init__(self, workdir: Path, postgres: str):
        self.workdir = workdir
        self.postgres = postgres.rstrip("/")
        self.database = f"portal_multinode_{os.getpid()}"
        self.processes: list[Process] = []
        self.redis_port = free_port()
        self.s3_port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST"}},
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"{self.postgres}/{self.database}",
            "CONN_MAX_AGE": "0",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/{REDIS_DB}",
            "CELERY_QUEUE": QUEUE,
            "CACHE_KEY_PREFIX": "multinode",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "multinode",
            "AWS_SECRET_ACCESS_KEY": "multinode",
            "EMAIL_URL": "dummymail://",
            "STATIC_MANIFEST": "0",
            "LOG_LEVEL": "INFO",
            # The beat queues a version's PDF again 6 s after submission when none is stored, every 3 s.
            "ARTEFACT_REQUEUE_MINUTES": "0.1",
            "ARTEFACT_REQUEUE_EVERY": "3",
            "WEB_WORKERS": "1",
            "WEB_THREADS": "4",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }

    # -- shared services ------------------------------------------------------------------------------------

    def _spawn(self, name, args, *, env=None, port=None) -> Process:
        process = Process(name, args, {**self.env, **(env or {})}, self.workdir / f"{name}.log", port).start()
        self.processes.append(process)
        return process

    def admin_sql(self, *statements: str) -> None:
        import psycopg2

        connection = psycopg2.connect(f"{self.postgres}/postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def sql(self, query: str, params=()) -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(self.env["DATABASE_URL"])
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def start_services(self) -> None:
        self.redis = self._spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            port=self.redis_port,
        )
        self.s3 = self._spawn(
            "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)], port=self.s3_port
        )
        self.admin_sql(
            f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)',
            f'CREATE DATABASE "{self.database}"',
            f'ALTER DATABASE "{self.database}" SET synchronous_commit = off',
        )

    def s3_client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.env["AWS_S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="multinode",
            aws_secret_access_key="multinode",
        )  # nosec B106

    def create_bucket(self) -> None:
        def up():
            try:
                self.s3_client().create_bucket(Bucket=BUCKET)
                return True
            except Exception:  # noqa: BLE001 - not listening yet
                return False

        assert wait_for(up, 60), self.s3.text()[-2000:]

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # nosec B603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout

    def world(self, count: int) -> dict:
        result = subprocess.run(  # nosec B603
            [sys.executable, "-m", "tests.multinode.world", str(count)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        line = next(row for row in result.stdout.splitlines() if row.startswith("WORLD "))
        return json.loads(line[len("WORLD ") :])

    # -- the portal's nodes ---------------------------------------------------------------------------------

    def start_web(self, name: str) -> Process:
        port = free_port()
        media = self.workdir / f"media-{name}"
        media.mkdir()
        return self._spawn(
            name,
            [
                str(BIN / "gunicorn"),
                "portal.wsgi:application",
                "--config",
                "python:portal.gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            env={"MEDIA_ROOT": str(media)},
            port=port,
        )

    def start_worker(self, name: str) -> Process:
        media = self.workdir / f"media-{name}"
        media.mkdir(exist_ok=True)
        return self._spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "-l",
                "info",
                "--concurrency=1",
                "-Q",
                QUEUE,
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            env={"MEDIA_ROOT": str(media)},
        )

    def start_beat(self) -> Process:
        return self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "portal",
                "beat",
                "-l",
                "info",
                "--schedule",
                str(self.workdir / "beat-schedule"),
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ],
        )

    def web_ready(self, node: Process) -> bool:
        import requests

        try:
            return (
                requests.get(
                    f"{node.url}/accounts/login/", headers={"X-Forwarded-Proto": "https"}, timeout=5
                ).status_code
                == 200
            )
        except requests.RequestException:
            return False

    # -- the end --------------------------------------------------------------------------------------------

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        try:
            self.admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - the server itself may be gone; nothing else to clean
            pass


def node_of(url: str) -> int:
    return urlsplit(url).port
