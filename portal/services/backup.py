"""Backup and restore of the whole portal: the PostgreSQL database (pg_dump's custom format) and every
stored file (attachments, PDFs) of the configured storage, local folder or S3 bucket.

A backup folder holds ``database.dump``, ``files/`` (the storage's tree) and ``manifest.json``. The
dump is taken in an exported snapshot, and the manifest's figures (audit rows and last id, versions,
the immutability triggers) are read in that same snapshot, so they describe exactly what was dumped.
The files are copied after the dump: every file a dumped row names was stored before its row
committed, so it is in the copy.
"""

import hashlib
import json
import os
import shutil
import subprocess  # nosec B404 - runs pg_dump and pg_restore with fixed arguments
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage

from portal.exceptions import DomainError

MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
CHUNK = 1024 * 1024


# -- connections ----------------------------------------------------------------------------------------------


def connection_params(database_url: str | None = None) -> dict:
    """host, port, user, password and dbname of a DATABASE_URL, or of the configured database."""
    if database_url:
        import environ

        config = environ.Env.db_url_config(database_url)
    else:
        config = settings.DATABASES["default"]
    if "postgres" not in config["ENGINE"]:
        raise DomainError(
            "백업에는 PostgreSQL이 필요합니다. / Backups need PostgreSQL (DATABASE_URL=postgres://…).", code="engine"
        )
    return {
        "host": config.get("HOST") or "127.0.0.1",
        "port": str(config.get("PORT") or 5432),
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or "",
        "dbname": config["NAME"],
    }


def _connect(params: dict, dbname: str | None = None):
    import psycopg2

    return psycopg2.connect(
        host=params["host"],
        port=params["port"],
        user=params["user"],
        password=params["password"] or None,
        dbname=dbname or params["dbname"],
    )


def _pg_args(params: dict) -> tuple[list[str], dict]:
    env = {**os.environ}
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    return ["-h", params["host"], "-p", params["port"], "-U", params["user"]], env


def s3_storage(bucket: str, *, endpoint_url: str | None = None, region: str | None = None):
    from storages.backends.s3 import S3Storage

    return S3Storage(
        bucket_name=bucket,
        endpoint_url=endpoint_url,
        region_name=region,
        default_acl="private",
        querystring_auth=True,
        file_overwrite=True,
    )


# -- figures read in one snapshot ------------------------------------------------------------------------------


def database_figures(cursor) -> dict:
    """Audit rows and last id, versions and the user-defined triggers (the immutability rules)."""
    cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM portal_auditevent")
    audit_rows, audit_last_id = cursor.fetchone()
    cursor.execute("SELECT count(*) FROM surveys_applicationversion")
    (versions,) = cursor.fetchone()
    cursor.execute(
        "SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal ORDER BY 1"
    )
    triggers = [row[0] for row in cursor.fetchall()]
    return {"audit_rows": audit_rows, "audit_last_id": audit_last_id, "versions": versions, "triggers": triggers}


# -- storage trees ------------------------------------------------------------------------------------------------


def storage_names(storage, path: str = "") -> list[str]:
    """Every file name in a storage, depth first (Django's storage API: local folder and S3 alike)."""
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{name}" if path else name for name in sorted(files)]
    for folder in sorted(folders):
        names += storage_names(storage, f"{path}/{folder}" if path else folder)
    return names


def _sha256_of(handle) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


# -- backup ------------------------------------------------------------------------------------------------------


def backup_create(target: Path, *, storage=None) -> dict:
    """Dump the database and copy every stored file into ``target`` (a new or empty folder)."""
    storage = storage or default_storage
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise DomainError(
            f"{target} 폴더가 비어 있지 않습니다. 새 폴더를 지정하십시오. / "
            f"{target} is not empty; choose a new folder.",
            code="exists",
        )
    (target / FILES).mkdir(parents=True, exist_ok=True)
    params = connection_params()
    args, env = _pg_args(params)

    snapshot_holder = _connect(params)
    try:
        snapshot_holder.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with snapshot_holder.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            figures = database_figures(cursor)
            subprocess.run(  # nosec B603 B607 - pg_dump from the PostgreSQL client
                [
                    "pg_dump",
                    *args,
                    "-Fc",
                    "--no-owner",
                    "--snapshot",
                    snapshot,
                    "-f",
                    str(target / DUMP),
                    params["dbname"],
                ],
                env=env,
                check=True,
                capture_output=True,
            )
    except subprocess.CalledProcessError as error:
        raise DomainError(f"pg_dump failed: {error.stderr.decode(errors='replace')[-500:]}", code="pg_dump") from error
    finally:
        snapshot_holder.rollback()
        snapshot_holder.close()

    files = {}
    for name in storage_names(storage):
        destination = target / FILES / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(destination, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        with open(destination, "rb") as copied:
            digest, size = _sha256_of(copied)
        files[name] = {"sha256": digest, "size": size}

    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"name": params["dbname"], **figures},
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


# -- restore -----------------------------------------------------------------------------------------------------


def _fresh_database(params: dict) -> None:
    """Create the target database, or accept it only when it holds no table."""
    admin = _connect(params, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (params["dbname"],))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{params["dbname"].replace(chr(34), "")}"')
                return
    finally:
        admin.close()
    target = _connect(params)
    try:
        with target.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            if cursor.fetchone()[0]:
                raise DomainError(
                    f"{params['dbname']} 데이터베이스에 이미 테이블이 있습니다. 새 데이터베이스에 복원하십시오. / "
                    f"The database {params['dbname']} already has tables; restore into a fresh one.",
                    code="not_fresh",
                )
    finally:
        target.close()


def backup_restore(source: Path, *, database_url: str, storage) -> dict:
    """Restore a backup folder into a fresh database and the given storage, then verify the result."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text())
    params = connection_params(database_url)
    _fresh_database(params)
    args, env = _pg_args(params)
    try:
        subprocess.run(  # nosec B603 B607 - pg_restore from the PostgreSQL client
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "-d",
                params["dbname"],
                str(source / DUMP),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as error:
        raise DomainError(
            f"pg_restore failed: {error.stderr.decode(errors='replace')[-500:]}", code="pg_restore"
        ) from error
    for name in manifest["files"]:
        with open(source / FILES / name, "rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise DomainError(
                f"{name} 파일이 이미 있습니다. 빈 버킷이나 폴더에 복원하십시오. / "
                f"The storage renamed {name} to {saved}; restore into an empty bucket or folder.",
                code="renamed",
            )
    return backup_verify(manifest, params=params, storage=storage)


def backup_verify(manifest: dict, *, params: dict, storage) -> dict:
    """Compare a restored database and storage with the manifest; ``problems`` lists every difference."""
    problems = []
    connection = _connect(params)
    try:
        with connection.cursor() as cursor:
            figures = database_figures(cursor)
            cursor.execute("SELECT id, pdf, pdf_sha256, attachments FROM surveys_applicationversion ORDER BY id")
            versions = cursor.fetchall()
            cursor.execute("SELECT id, file, sha256 FROM surveys_attachment")
            attachments = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    finally:
        connection.close()
    expected = manifest["database"]
    for key in ("audit_rows", "audit_last_id", "versions", "triggers"):
        if figures[key] != expected[key]:
            problems.append(f"{key}: {figures[key]!r}, the backup had {expected[key]!r}")

    digest_of = _Digests(storage)
    files_checked, version_problems = _check_versions(versions, attachments, digest_of)
    problems.extend(version_problems)
    for name, meta in manifest["files"].items():
        if digest_of(name) != meta["sha256"]:
            problems.append(f"file {name} differs from the backup")
    return {**figures, "version_files_checked": files_checked, "files": len(manifest["files"]), "problems": problems}


class _Digests:
    """The SHA-256 of each stored file, read once (``None`` for a file that is missing)."""

    def __init__(self, storage):
        self.storage = storage
        self.known: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self.known:
            try:
                with self.storage.open(name, "rb") as handle:
                    self.known[name] = _sha256_of(handle)[0]
            except (FileNotFoundError, OSError):
                self.known[name] = None
        return self.known[name]


def _check_versions(versions, attachments: dict, digest_of) -> tuple[int, list[str]]:
    """Each version's PDF and attachments against the SHA-256 the version recorded."""
    checked, problems = 0, []
    for version_id, pdf, pdf_sha256, snapshot in versions:
        if pdf:
            checked += 1
            if digest_of(pdf) != pdf_sha256:
                problems.append(f"version {version_id}: the PDF {pdf} does not match its SHA-256")
        for item in snapshot or []:
            checked += 1
            name, _stored = attachments.get(item["id"], ("", ""))
            if not name or digest_of(name) != item["sha256"]:
                problems.append(f"version {version_id}: attachment {item['id']} does not match its SHA-256")
    return checked, problems


def restore_storage(*, bucket: str | None, endpoint_url: str | None, region: str | None, media_root: str | None):
    """The storage a restore writes to: a bucket, a folder, or the configured storage."""
    if bucket:
        return s3_storage(bucket, endpoint_url=endpoint_url, region=region)
    if media_root:
        return FileSystemStorage(location=media_root)
    return default_storage
