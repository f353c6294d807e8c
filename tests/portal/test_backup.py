"""`manage.py backup` and `manage.py restore`: a backup restored into a fresh database and bucket is whole."""

import hashlib
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from portal.models import AuditEvent
from surveys.models import ApplicationVersion
from surveys.services import applications as service
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.factories import pdf_with_noise

pytestmark = [
    pytest.mark.slow,  # pg_dump, a restore into a fresh database and an S3 bucket
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
]

IMMUTABILITY_TRIGGERS = {
    "surveys_applicationversion.surveys_applicationversion_immutable",
    "review_resolution.review_resolution_immutable",
    "surveys_accessevent.surveys_accessevent_append_only",
}
BUCKET = "portal-restored"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def submitted(open_survey, applicant, complete_answers):  # noqa: F811
    """Two applications, one with two attachments and two versions, each version with its PDF."""
    organization = applicant.memberships.get().organization
    versions = []
    for index in range(2):
        application = service.application_create(open_survey, organization=organization, actor=applicant)
        for section, data in complete_answers.items():
            application = service.application_save_draft(
                application, section=section, data=data, revision=application.revision, actor=applicant
            )
        if index == 0:
            for name in ("계획서.pdf", "부록.pdf"):
                content = pdf_with_noise(4096)
                service.attachment_add(application, upload=SimpleUploadedFile(name, content), actor=applicant)
        versions.append(service.application_submit(application, actor=applicant))
        if index == 0:
            versions.append(service.application_submit(application, actor=applicant))
    assert not ApplicationVersion.objects.filter(pdf="").exists()  # rendered on commit (eager tasks)
    return versions


@pytest.fixture
def restored_database():
    import psycopg2

    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}/{name}"

    def drop():
        admin = psycopg2.connect(
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            dbname="postgres",
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    drop()
    yield url
    drop()


@pytest.fixture
def bucket(monkeypatch):
    from moto import mock_aws

    for key, value in {
        "AWS_ACCESS_KEY_ID": "backup-test",
        "AWS_SECRET_ACCESS_KEY": "backup-test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        import boto3

        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _restored(url):
    import psycopg2

    from portal.services.backup import connection_params

    params = connection_params(url)
    return psycopg2.connect(host=params["host"], port=params["port"], user=params["user"], dbname=params["dbname"])


def test_a_backup_restores_into_a_fresh_database_and_bucket_whole(
    submitted, restored_database, bucket, tmp_path, capsys
):
    backup = tmp_path / "backup"
    started = time.monotonic()
    call_command("backup", "--to", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    call_command("restore", "--from", str(backup), "--database-url", restored_database, "--bucket", BUCKET)
    elapsed = time.monotonic() - started
    assert "restored: 3 versions" in capsys.readouterr().out

    source_audit = (AuditEvent.objects.count(), AuditEvent.objects.order_by("-pk").first().pk)
    with _restored(restored_database) as restored, restored.cursor() as cursor:
        # every version's stored SHA-256 against its files, read back from the new bucket
        cursor.execute("SELECT id, pdf, pdf_sha256, attachments FROM surveys_applicationversion ORDER BY id")
        versions = cursor.fetchall()
        assert [row[0] for row in versions] == [v.pk for v in submitted]
        checked = 0
        for _id, pdf, pdf_sha256, attachments in versions:
            body = bucket.get_object(Bucket=BUCKET, Key=pdf)["Body"].read()
            assert body.startswith(b"%PDF") and _sha(body) == pdf_sha256
            for item in attachments:
                cursor.execute("SELECT file FROM surveys_attachment WHERE id = %s", (item["id"],))
                (name,) = cursor.fetchone()
                assert _sha(bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()) == item["sha256"]
                checked += 1
        assert checked == 4  # two attachments in each of the first application's two versions

        # the audit log is complete: as many rows, the same last id
        cursor.execute("SELECT count(*), max(id) FROM portal_auditevent")
        assert cursor.fetchone() == source_audit
        assert (manifest["database"]["audit_rows"], manifest["database"]["audit_last_id"]) == source_audit

        # the immutability triggers are there, and they still refuse
        cursor.execute(
            "SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal"
        )
        triggers = {row[0] for row in cursor.fetchall()}
        assert IMMUTABILITY_TRIGGERS <= triggers
        assert any(name.startswith("portal_auditevent.") for name in triggers)
        import psycopg2

        with pytest.raises(psycopg2.Error):
            cursor.execute(
                "UPDATE surveys_applicationversion SET answers = '{}'::jsonb WHERE id = %s", (submitted[0].pk,)
            )
    print(f"backup and restore: {elapsed:.1f} s")


def test_restore_refuses_a_database_that_is_not_fresh(submitted, restored_database, bucket, tmp_path):
    call_command("backup", "--to", str(tmp_path / "backup"))
    call_command(
        "restore",
        "--from",
        str(tmp_path / "backup"),
        "--database-url",
        restored_database,
        "--media-root",
        str(tmp_path / "restored-media"),
    )
    with pytest.raises(CommandError, match="already has tables"):
        call_command(
            "restore", "--from", str(tmp_path / "backup"), "--database-url", restored_database, "--bucket", BUCKET
        )


def test_restore_reports_a_file_that_changed_after_the_backup(submitted, restored_database, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", "--to", str(backup))
    pdf = ApplicationVersion.objects.get(pk=submitted[0].pk).pdf.name
    (backup / "files" / pdf).write_bytes(b"%PDF-1.4 not the rendered receipt")
    with pytest.raises(CommandError, match=f"version {submitted[0].pk}: the PDF"):
        call_command(
            "restore",
            "--from",
            str(backup),
            "--database-url",
            restored_database,
            "--media-root",
            str(tmp_path / "restored-media"),
        )


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "--to", str(tmp_path / "old"))
