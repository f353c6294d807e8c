"""ZIP bundles of a call's applications, built by Celery, kept for a week, opened only by whoever asked.

- ``intake``: the ministry's received applications as filtered on the intake list: each one's latest version PDF
  and its attachments, in ``<field>/<receipt number>/``;
- ``blind``: a reviewer's accepted assignments as the blind copies the reviewer pages show (the redacted PDF and the
  attachments under neutral names), in ``<candidate number>/``.

Each ZIP ends with ``manifest.csv``: every file's path, size and SHA-256.
"""

import csv
import hashlib
import io
import logging
import re
import tempfile
import zipfile
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.enums import Role
from portal.exceptions import DomainError
from portal.services.audit import audit_log
from review.enums import AssignmentStatus, AuditAction, BundleKind, RenderStatus
from review.models import Assignment, Bundle
from surveys.enums import ApplicationStatus
from surveys.models import AccessAction, Application, Attachment, Survey

logger = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=7)
READABLE = (AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED)


def _safe(name: str) -> str:
    """A file or folder name that cannot leave its folder in any unzip tool."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return name[:120] or "_"


def _request(survey: Survey, kind: str, *, actor, filters: dict) -> Bundle:
    from review.tasks import build_bundle

    with transaction.atomic():
        bundle = Bundle.objects.create(
            survey=survey, kind=kind, filters=filters, requested_by=actor, expires_at=timezone.now() + KEEP_FOR
        )
        audit_log(
            AuditAction.BUNDLE_REQUESTED,
            actor=actor,
            obj=survey,
            after={"bundle": bundle.pk, "kind": kind, "filters": filters},
        )
        transaction.on_commit(lambda: build_bundle.delay(bundle.pk))
    return bundle


def intake_bundle_request(survey: Survey, *, filters: dict, actor) -> Bundle:
    from surveys.selectors import INTAKE_FILTER_KEYS

    kept = {key: str(filters.get(key) or "")[:200] for key in INTAKE_FILTER_KEYS if filters.get(key)}
    return _request(survey, BundleKind.INTAKE, actor=actor, filters=kept)


def readable_assignments(reviewer, survey: Survey):
    return (
        Assignment.objects.filter(reviewer=reviewer, candidate__survey=survey, status__in=READABLE)
        .select_related("candidate", "candidate__survey")
        .order_by("candidate__number")
    )


def blind_bundle_request(survey: Survey, *, actor) -> Bundle:
    ids = list(readable_assignments(actor, survey).values_list("pk", flat=True))
    if not ids:
        raise DomainError(_("There is nothing to download yet: sign the pledge and declare your conflicts first."))
    return _request(survey, BundleKind.BLIND, actor=actor, filters={"assignments": ids})


# -- building --------------------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive, self.rows, self.paths = archive, [], set()

    def add(self, path: str, data: bytes) -> None:
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 1
        while candidate in self.paths:  # two attachments with one name
            n += 1
            candidate = f"{stem}-{n}.{ext}" if dot else f"{path}-{n}"
        self.paths.add(candidate)
        self.archive.writestr(candidate, data)
        self.rows.append((candidate, len(data), hashlib.sha256(data).hexdigest()))

    def manifest(self) -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["path", "size", "sha256"])
        writer.writerows(self.rows)
        self.archive.writestr("manifest.csv", "\ufeff" + out.getvalue())


def _read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def _intake_items(bundle: Bundle):
    from surveys import selectors
    from surveys.services.receipts import version_pdf_render

    applications = list(selectors.intake_filtered(bundle.survey, bundle.filters)[0])
    yield len(applications), [a.pk for a in applications]
    for application in applications:
        version = application.versions.order_by("-number").first()
        files = []
        if version is not None:
            if not version.pdf:
                version_pdf_render(version.pk)
                version.refresh_from_db()
            folder = (
                f"{_safe(application.field_code or '-')}/{_safe(application.receipt_number or str(application.pk))}"
            )
            files.append((f"{folder}/{_safe(version.receipt_number)}-v{version.number}.pdf", _read(version.pdf)))
            stored = {a.pk: a for a in Attachment.objects.filter(pk__in=[a["id"] for a in version.attachments])}
            for index, info in enumerate(version.attachments, start=1):
                attachment = stored.get(info["id"])
                if attachment is not None:
                    files.append(
                        (
                            f"{folder}/attachments/{index:02d}-{_safe(info.get('name') or attachment.original_name)}",
                            _read(attachment.file),
                        )
                    )
        yield files


def _blind_items(bundle: Bundle):
    from review.services.blind import blind_pdf, blind_proposals

    assignments = list(
        readable_assignments(bundle.requested_by, bundle.survey).filter(pk__in=bundle.filters.get("assignments", []))
    )
    candidate_ids = [a.candidate_id for a in assignments]
    ids = list(
        Application.objects.filter(candidate_id__in=candidate_ids, status=ApplicationStatus.ACCEPTED).values_list(
            "pk", flat=True
        )
    )
    yield len(assignments), ids
    for assignment in assignments:
        number = _safe(assignment.candidate.number)
        files = [(f"{number}/{number}.pdf", blind_pdf(assignment))]
        proposals = blind_proposals(assignment.candidate)
        stored = {
            a.pk: a for a in Attachment.objects.filter(pk__in=[info["id"] for p in proposals for info in p.attachments])
        }
        for proposal in proposals:
            for info in proposal.attachments:
                if info["id"] in stored:
                    name = f"{number}-{proposal.label}-{info['index']}.{_safe(info['kind'] or 'bin')}"
                    files.append((f"{number}/{name}", _read(stored[info["id"]].file)))
        yield files


def bundle_filename(bundle: Bundle) -> str:
    return f"{_safe(bundle.survey.code or 'call')}-{bundle.kind}-{bundle.pk}.zip"


def bundle_build(bundle_id: int) -> str:
    """Build the ZIP once, recording progress per application (or assignment); a built one stays as it is."""
    with transaction.atomic():
        bundle = (
            Bundle.objects.select_for_update().select_related("survey", "requested_by").filter(pk=bundle_id).first()
        )
        if bundle is None:
            return "missing"
        if bundle.status == RenderStatus.DONE:
            return "exists"
        bundle.status, bundle.error, bundle.done = RenderStatus.RUNNING, "", 0
        bundle.save(update_fields=["status", "error", "done"])
    try:
        items = _intake_items(bundle) if bundle.kind == BundleKind.INTAKE else _blind_items(bundle)
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                writer = _Writer(archive)
                total, application_ids = next(items)
                Bundle.objects.filter(pk=bundle_id).update(total=total, application_ids=application_ids)
                for done, files in enumerate(items, start=1):
                    for path, data in files:
                        writer.add(path, data)
                    Bundle.objects.filter(pk=bundle_id).update(done=done)
                writer.manifest()
            spool.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: spool.read(1 << 20), b""):
                digest.update(chunk)
            size = spool.tell()
            spool.seek(0)
            with transaction.atomic():
                bundle = Bundle.objects.select_for_update().select_related("survey").get(pk=bundle_id)
                bundle.file.save(bundle_filename(bundle), File(spool), save=False)
                bundle.status, bundle.done, bundle.finished_at = RenderStatus.DONE, bundle.total, timezone.now()
                bundle.size, bundle.sha256 = size, digest.hexdigest()
                bundle.save(update_fields=["file", "status", "done", "finished_at", "size", "sha256"])
                audit_log(
                    AuditAction.BUNDLE_BUILT,
                    obj=bundle.survey,
                    after={"bundle": bundle.pk, "kind": bundle.kind, "size": size, "sha256": bundle.sha256},
                )
    except Exception as error:  # the requester sees the failure instead of a silent queue
        logger.exception("Bundle %s failed", bundle_id)
        Bundle.objects.filter(pk=bundle_id).update(
            status=RenderStatus.FAILED, error=str(error)[:2000] or error.__class__.__name__, finished_at=timezone.now()
        )
        return "failed"
    return "built"


# -- reading ---------------------------------------------------------------------------------------------------------


def bundle_for(user, pk: int) -> Bundle | None:
    """The bundle if ``user`` asked for it, may still read what it holds, and it has not expired."""
    bundle = (
        Bundle.objects.select_related("survey")
        .filter(pk=pk, requested_by_id=user.pk, expires_at__gt=timezone.now())
        .first()
    )
    if bundle is None:
        return None
    if bundle.kind == BundleKind.INTAKE:
        return bundle if user.has_perm("surveys.run_intake") else None
    wanted = set(bundle.filters.get("assignments", []))
    still = set(readable_assignments(user, bundle.survey).filter(pk__in=wanted).values_list("pk", flat=True))
    return bundle if user.has_role(Role.REVIEWER) and still == wanted else None


def bundle_downloaded(bundle: Bundle, user) -> None:
    """The access log gets a row per application in the bundle; the audit log one for the download."""
    from surveys.services.access import access_record_all

    with transaction.atomic():
        access_record_all(
            user,
            [Application(pk=pk) for pk in bundle.application_ids],
            AccessAction.BUNDLE,
            detail=f"{bundle.kind} bundle {bundle.pk}",
        )
        audit_log(
            AuditAction.BUNDLE_DOWNLOADED,
            actor=user,
            obj=bundle.survey,
            after={"bundle": bundle.pk, "kind": bundle.kind, "applications": len(bundle.application_ids)},
        )


def bundles_expire(now=None) -> int:
    """Delete the bundles older than a week, their files first (the beat runs this every hour)."""
    now = now or timezone.now()
    expired = 0
    for bundle in Bundle.objects.filter(expires_at__lte=now).select_related("survey")[:500]:
        if bundle.file:
            bundle.file.delete(save=False)
        with transaction.atomic():
            audit_log(AuditAction.BUNDLE_EXPIRED, obj=bundle.survey, after={"bundle": bundle.pk, "kind": bundle.kind})
            bundle.delete()
        expired += 1
    return expired
