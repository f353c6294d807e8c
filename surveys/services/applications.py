"""The applicant's workflow: drafts, submission, versions, withdrawal, attachments, extensions."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from portal.uploads import check_upload, safe_original_name
from surveys.application_schema import section_form_class, sections_for
from surveys.enums import APPLICATION_TRANSITIONS, ApplicationAction, ApplicationStatus, SurveyStage
from surveys.models import (
    Application,
    ApplicationVersion,
    Attachment,
    DeadlineExtension,
    ReceiptCounter,
    Survey,
)

ATTACHMENT_TYPES = {"pdf", "hwp", "hwpx", "docx", "xlsx", "pptx", "png", "jpg", "jpeg"}


class StaleDraft(DomainError):
    def __init__(self):
        super().__init__(
            _("Someone else in your organisation saved this application after you opened it. "
              "Your text is kept below: copy what you need, reload the page to see their changes, "
              "and save again."),
            code="stale",
        )


@dataclass(frozen=True)
class Missing:
    section: str
    section_title: str
    field: str
    label: str
    message: str

    @property
    def anchor(self) -> str:
        return f"id_{self.section}-{self.field}"


# -- the clock -----------------------------------------------------------------------------

def database_now() -> datetime:
    """The database server's clock at this moment (not the transaction's start)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()


def effective_deadline(survey: Survey, organization) -> datetime:
    extension = DeadlineExtension.objects.filter(survey=survey, organization=organization).first()
    if extension and extension.deadline > survey.deadline:
        return extension.deadline
    return survey.deadline


def _check_open(application: Application, now: datetime) -> None:
    survey = application.survey
    if survey.stage != SurveyStage.COLLECTION:
        raise DomainError(_("This call is not accepting applications at the moment."), code="closed")
    if now < survey.opens_at:
        raise DomainError(_("This call has not opened yet."), code="closed")
    deadline = effective_deadline(survey, application.organization)
    if now >= deadline:
        raise DomainError(
            _("The deadline (%(deadline)s KST) has passed. Your draft is kept, but it can no longer be changed or submitted.")
            % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
            code="deadline",
        )


# -- answers -------------------------------------------------------------------------------

def _json_value(value):
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def clean_answers(cleaned_data: dict) -> dict:
    return {
        name: _json_value(value)
        for name, value in cleaned_data.items()
        if not hasattr(value, "read") and value is not None
    }


def satisfied_file_questions(application: Application) -> set[int]:
    return set(
        application.attachments.filter(removed_at__isnull=True, question__isnull=False)
        .values_list("question_id", flat=True)
    )


def completeness(application: Application) -> list[Missing]:
    """Everything still missing before the application can be submitted, in form order."""
    survey = application.survey
    satisfied = satisfied_file_questions(application)
    missing = []
    for section in sections_for(survey):
        form_class = section_form_class(survey, section, satisfied)
        answers = application.answers.get(section.key, {})
        form = form_class(data={f"{section.key}-{k}": v for k, v in answers.items()}, prefix=section.key)
        form.is_valid()
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            missing.append(Missing(section.key, str(section.title), name, str(form.fields[name].label), str(errors[0])))
    return missing


# -- drafts --------------------------------------------------------------------------------

@transaction.atomic
def application_create(survey: Survey, *, organization, actor) -> Application:
    if organization.type not in survey.eligible_types:
        raise DomainError(_("Organisations of this type cannot apply to this call."), code="eligibility")
    application = Application(survey=survey, organization=organization, created_by=actor, updated_by=actor)
    _check_open(application, database_now())
    application.save()
    audit_log(ApplicationAction.CREATED, actor=actor, obj=application, after={"survey": survey.pk})
    return application


@transaction.atomic
def application_save_draft(application: Application, *, section: str, data: dict, revision: int, actor) -> Application:
    """Save one section's answers. A save that started from an older revision is refused."""
    application = Application.objects.select_for_update().select_related("survey", "organization").get(pk=application.pk)
    if application.revision != revision:
        raise StaleDraft()
    _check_open(application, database_now())
    before = application.answers.get(section, {})
    application.answers = {**application.answers, section: data}
    if section == "basic":
        application.title = str(data.get("technology_name", ""))[:200]
    application.revision += 1
    application.updated_by = actor
    application.save(update_fields=["answers", "title", "revision", "updated_by", "updated_at"])
    changed = sorted(k for k in set(before) | set(data) if before.get(k) != data.get(k))
    audit_log(ApplicationAction.DRAFT_SAVED, actor=actor, obj=application,
              after={"section": section, "fields": changed, "revision": application.revision})
    return application


# -- submission ----------------------------------------------------------------------------

def _next_receipt_number(survey: Survey, now: datetime) -> str:
    year = timezone.localtime(now).year
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(survey=survey, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{survey.code}-{counter.last:04d}"


def _attachment_snapshot(application: Application) -> list[dict]:
    return [
        {"id": a.pk, "name": a.original_name, "kind": a.kind, "size": a.size, "sha256": a.sha256,
         "question": a.question_id}
        for a in application.attachments.filter(removed_at__isnull=True).order_by("pk")
    ]


@transaction.atomic
def application_submit(application: Application, *, actor, revision: int | None = None) -> ApplicationVersion:
    """Submit (or amend) before the deadline, decided by the database clock in this transaction."""
    application = Application.objects.select_for_update().select_related("survey", "organization").get(pk=application.pk)
    if revision is not None and application.revision != revision:
        raise StaleDraft()
    if ApplicationStatus.SUBMITTED not in APPLICATION_TRANSITIONS[application.status]:
        raise DomainError(_("This application cannot be submitted in its current state."), code="state")
    now = database_now()
    _check_open(application, now)
    missing = completeness(application)
    if missing:
        raise DomainError(
            _("The application is not complete: %(n)d items are missing.") % {"n": len(missing)}, code="incomplete"
        )
    amended = application.version_count > 0
    before = {"status": application.status, "version": application.version_count}
    if not application.receipt_number:
        application.receipt_number = _next_receipt_number(application.survey, now)
    application.version_count += 1
    version = ApplicationVersion.objects.create(
        application=application,
        number=application.version_count,
        answers=application.answers,
        attachments=_attachment_snapshot(application),
        title=application.title,
        receipt_number=application.receipt_number,
        submitted_by=actor,
        submitted_at=now,
    )
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.revision += 1
    application.updated_by = actor
    application.save(update_fields=[
        "status", "receipt_number", "version_count", "submitted_at", "revision", "updated_by", "updated_at",
    ])
    audit_log(
        ApplicationAction.AMENDED if amended else ApplicationAction.SUBMITTED,
        actor=actor, obj=application, before=before,
        after={"status": application.status, "version": version.number, "receipt": application.receipt_number},
    )
    version_id = version.pk
    transaction.on_commit(lambda: _queue_pdf(version_id))
    mail_queue(
        "application_submitted",
        to=actor.email,
        recipient_user=actor,
        context={"application": application, "version": version},
        topic=f"surveys.application:{application.pk}",
    )
    return version


def _queue_pdf(version_id: int) -> None:
    import logging

    from surveys.tasks import render_version_pdf

    try:
        render_version_pdf.delay(version_id)
    except Exception:  # the beat task renders what is missing once the broker is back
        logging.getLogger(__name__).warning("Broker unavailable; PDF of version %s waits", version_id)


def _status_change(application: Application, *, to: str, actor, action: str) -> Application:
    application = Application.objects.select_for_update().select_related("survey", "organization").get(pk=application.pk)
    if to not in APPLICATION_TRANSITIONS[application.status] or application.status == to:
        raise DomainError(_("This application cannot be changed that way in its current state."), code="state")
    _check_open(application, database_now())
    before = application.status
    application.status = to
    application.revision += 1
    application.updated_by = actor
    application.save(update_fields=["status", "revision", "updated_by", "updated_at"])
    audit_log(action, actor=actor, obj=application, before={"status": before}, after={"status": to})
    return application


@transaction.atomic
def application_withdraw(application: Application, *, actor) -> Application:
    return _status_change(application, to=ApplicationStatus.WITHDRAWN, actor=actor, action=ApplicationAction.WITHDRAWN)


@transaction.atomic
def application_restore(application: Application, *, actor) -> Application:
    """Undo a withdrawal before the deadline: the last submitted version counts again."""
    return _status_change(application, to=ApplicationStatus.SUBMITTED, actor=actor, action=ApplicationAction.RESTORED)


# -- attachments ---------------------------------------------------------------------------

@transaction.atomic
def attachment_add(application: Application, *, upload, actor, question=None) -> Attachment:
    application = Application.objects.select_for_update().select_related("survey", "organization").get(pk=application.pk)
    _check_open(application, database_now())
    kind = check_upload(upload, allowed=ATTACHMENT_TYPES, max_size=settings.ATTACHMENT_MAX_FILE_SIZE)
    used = application.attachments.filter(removed_at__isnull=True).aggregate(total=Sum("size"))["total"] or 0
    if used + upload.size > settings.ATTACHMENT_MAX_TOTAL_SIZE:
        raise ValidationError(
            _("Attachments of one application may total at most %(limit)d MB; %(used)d MB are used.")
            % {"limit": settings.ATTACHMENT_MAX_TOTAL_SIZE // 2**20, "used": used // 2**20},
            code="total",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    if question is not None:
        application.attachments.filter(question=question, removed_at__isnull=True).update(removed_at=timezone.now())
    attachment = Attachment.objects.create(
        application=application, question=question, file=upload, original_name=safe_original_name(upload.name),
        kind=kind, size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor,
    )
    Application.objects.filter(pk=application.pk).update(revision=application.revision + 1, updated_by=actor)
    audit_log(ApplicationAction.ATTACHMENT_ADDED, actor=actor, obj=application,
              after={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256})
    return attachment


@transaction.atomic
def attachment_remove(attachment: Attachment, *, actor) -> Attachment:
    """Take a file off the draft. Its content stays stored: submitted versions may refer to it."""
    application = Application.objects.select_for_update().select_related("survey", "organization").get(pk=attachment.application_id)
    _check_open(application, database_now())
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        Application.objects.filter(pk=application.pk).update(revision=application.revision + 1, updated_by=actor)
        audit_log(ApplicationAction.ATTACHMENT_REMOVED, actor=actor, obj=application,
                  after={"attachment": attachment.pk, "name": attachment.original_name})
    return attachment


# -- extensions ----------------------------------------------------------------------------

@transaction.atomic
def extension_grant(survey: Survey, *, organization, deadline: datetime, reason: str, actor) -> DeadlineExtension:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Write the reason for the extension; it is kept in the audit log."))
    if deadline <= survey.deadline:
        raise DomainError(_("An extension must end after the call's deadline."))
    extension, created = DeadlineExtension.objects.update_or_create(
        survey=survey, organization=organization,
        defaults={"deadline": deadline, "reason": reason, "granted_by": actor},
    )
    audit_log(ApplicationAction.EXTENSION_GRANTED, actor=actor, obj=extension,
              after={"organization": organization.pk, "deadline": deadline.isoformat(), "reason": reason})
    return extension


# -- versions ------------------------------------------------------------------------------

def labelled_answers(survey: Survey, answers: dict) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Answers in form order with their labels: [(section title, [(field, label, value)])]."""
    result = []
    for section in sections_for(survey):
        form = section_form_class(survey, section)(prefix=section.key)
        values = answers.get(section.key, {})
        rows = []
        for name, form_field in form.fields.items():
            value = values.get(name, "")
            choices = dict(getattr(form_field, "choices", []) or [])
            display = choices.get(value, value) if choices else value
            rows.append((name, str(form_field.label), "" if display is None else str(display)))
        result.append((str(section.title), rows))
    return result


def version_diff(survey: Survey, old: ApplicationVersion, new: ApplicationVersion) -> list[tuple[str, str, str, str]]:
    """What changed between two versions: [(section title, label, old value, new value)]."""
    old_rows = {(s, name): (label, value) for s, rows in labelled_answers(survey, old.answers) for name, label, value in rows}
    changes = []
    for section, rows in labelled_answers(survey, new.answers):
        for name, label, value in rows:
            previous = old_rows.get((section, name), (label, ""))[1]
            if previous != value:
                changes.append((section, label, previous, value))
    old_files = {(a["name"], a["sha256"]) for a in old.attachments}
    new_files = {(a["name"], a["sha256"]) for a in new.attachments}
    for name, digest in sorted(new_files - old_files):
        changes.append((_("Attachments"), name, "", digest))
    for name, digest in sorted(old_files - new_files):
        changes.append((_("Attachments"), name, digest, ""))
    return changes
