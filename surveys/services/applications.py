"""The applicant's workflow: drafts, submission, versions, withdrawal, attachments, extensions."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.enums import OrganizationType
from portal.exceptions import DomainError
from portal.numbers import label_unit, number_display, number_json
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from portal.tasks import enqueue
from portal.uploads import check_upload, safe_original_name
from surveys.application_schema import answer_of, section_form_class, sections_for
from surveys.enums import (
    APPLICATION_TRANSITIONS,
    EDITABLE_STATUSES,
    ApplicationAction,
    ApplicationStatus,
    AssociationChannel,
    Channel,
    ProvenanceKind,
)
from surveys.models import (
    Application,
    ApplicationVersion,
    AssociationDeadline,
    Attachment,
    DeadlineExtension,
    ReceiptCounter,
    Survey,
)
from surveys.services.blind_copies import queue_blind_copies
from surveys.services.workflow import application_transition, record_step
from surveys.tasks import render_version_pdf

NUMBER_FIELDS = (forms.DecimalField, forms.IntegerField, forms.FloatField)

ATTACHMENT_TYPES = {"pdf", "hwp", "hwpx", "docx", "xlsx", "pptx", "png", "jpg", "jpeg"}


class StaleDraft(DomainError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else in your organisation saved this application after you opened it. "
                "Your text is kept below: copy what you need, reload the page to see their changes, "
                "and save again."
            ),
            code="stale",
        )


class SubmitInProgress(DomainError):
    def __init__(self):
        super().__init__(
            _(
                "This application is already being submitted, or was just submitted, by another request. "
                "Wait a moment and open it again to see its receipt."
            ),
            code="busy",
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
    """The call's deadline, or the organisation's extension when it is later."""
    extension = DeadlineExtension.objects.filter(survey=survey, organization=organization).first()
    if extension and extension.deadline > survey.deadline:
        return extension.deadline
    return survey.deadline


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0, 0)))


def application_deadline(application: Application) -> datetime:
    """Until when this application may still be changed and submitted.

    A return for correction gives until the end of its correction day when that is later.
    """
    deadline = effective_deadline(application.survey, application.organization)
    returned = {ApplicationStatus.RETURNED, ApplicationStatus.RETURNED_BY_ASSOCIATION}
    if application.status in returned and application.correction_due:
        deadline = max(deadline, _end_of_day(application.correction_due))
    return deadline


def association_deadline(application: Application) -> datetime | None:
    if application.channel != Channel.ASSOCIATION or not application.association_id:
        return None
    internal = AssociationDeadline.objects.filter(
        survey_id=application.survey_id, association_id=application.association_id
    ).first()
    return internal.deadline if internal else None


def _deadline_error(deadline: datetime) -> DomainError:
    return DomainError(
        _(
            "The deadline (%(deadline)s KST) has passed. "
            "Your draft is kept, but it can no longer be changed or submitted."
        )
        % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
        code="deadline",
    )


def _check_open(application: Application, now: datetime) -> None:
    """May the applicant change or submit this application now?"""
    if application.pk and application.status not in EDITABLE_STATUSES:
        raise DomainError(
            _("An application that is “%(status)s” can no longer be changed.")
            % {"status": ApplicationStatus(application.status).label},
            code="state",
        )
    check_window(application, now)


def check_window(application: Application, now: datetime) -> None:
    """Is the call's window (its stage and this application's deadline) open now?"""
    survey = application.survey
    returned = application.status == ApplicationStatus.RETURNED
    if not survey.in_gate("collection") and not (returned and survey.in_gate("correction")):
        raise DomainError(_("This call is not accepting applications at the moment."), code="closed")
    if now < survey.opens_at:
        raise DomainError(_("This call has not opened yet."), code="closed")
    deadline = application_deadline(application)
    if now >= deadline:
        raise _deadline_error(deadline)


# -- answers -------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, Decimal):
        return number_json(value)
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
        application.attachments.filter(removed_at__isnull=True, question__isnull=False).values_list(
            "question_id", flat=True
        )
    )


def completeness(application: Application, satisfied: set[int] | None = None) -> list[Missing]:
    """Everything still missing before the application can be submitted, in form order.

    ``satisfied`` (the file questions answered by an attachment) is looked up unless given.
    """
    survey = application.survey
    if satisfied is None:
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
    if survey.blind_version_required:
        current = list(application.attachments.filter(removed_at__isnull=True).order_by("pk"))
        covered = {a.blind_of_id for a in current if a.blind_of_id}
        for attachment in current:
            if attachment.blind_of_id is None and attachment.pk not in covered:
                missing.append(
                    Missing(
                        "attachments",
                        str(_("Attachments")),
                        f"blind-{attachment.pk}",
                        attachment.original_name,
                        str(_("A blind version of this file is required.")),
                    )
                )
    missing.extend(_missing_agreements(application))
    return missing


#: Partner agreement states that exist on paper, so the paper must be attached.
SIGNED_AGREEMENTS = frozenset({"loi", "mou", "contract"})


def partner_rows(application: Application) -> list[dict]:
    """The partner institutions of a proposal (rows of country, institution, role and agreement)."""
    rows = answer_of(application, "partners", default=[])
    return rows if isinstance(rows, list) else []


def _missing_agreements(application: Application) -> list[Missing]:
    rows = partner_rows(application)
    if not rows:
        return []
    attached = set(
        application.attachments.filter(
            removed_at__isnull=True, blind_of__isnull=True, partner_row__isnull=False
        ).values_list("partner_row", flat=True)
    )
    missing = []
    for number, row in enumerate(rows, start=1):
        if row.get("agreement") in SIGNED_AGREEMENTS and number not in attached:
            missing.append(
                Missing(
                    "attachments",
                    str(_("Attachments")),
                    f"partner-{number}",
                    str(
                        _("Partner %(number)d: %(institution)s")
                        % {"number": number, "institution": row.get("institution", "")}
                    ),
                    str(_("Attach the signed agreement (LOI, MoU or contract) with this partner.")),
                )
            )
    return missing


# -- drafts --------------------------------------------------------------------------------


@transaction.atomic
def choose_channel(survey: Survey, organization, association=None) -> tuple[str, object]:
    """The channel an organisation's application takes, and through which association."""
    if organization.type == OrganizationType.MINISTRY:
        return Channel.MINISTRY, None
    own_associations = list(organization.associations.all())
    if association is not None:
        if survey.association_channel == AssociationChannel.NONE:
            raise DomainError(_("This call does not take applications through associations."), code="channel")
        if association not in own_associations:
            raise DomainError(_("Your organisation is not a member of that association."), code="channel")
        return Channel.ASSOCIATION, association
    if survey.association_channel == AssociationChannel.REQUIRED and own_associations:
        raise DomainError(
            _("This call takes companies' applications through their industry association: choose yours."),
            code="channel",
        )
    return Channel.DIRECT, None


def application_create(survey: Survey, *, organization, actor, association=None) -> Application:
    if organization.type not in survey.eligible_types:
        raise DomainError(_("Organisations of this type cannot apply to this call."), code="eligibility")
    channel, association = choose_channel(survey, organization, association)
    application = Application(
        survey=survey,
        organization=organization,
        created_by=actor,
        updated_by=actor,
        channel=channel,
        association=association,
    )
    _check_open(application, database_now())
    application.save()
    record_step(application, kind=ProvenanceKind.DRAFTED, actor=actor, organization=organization)
    audit_log(
        ApplicationAction.CREATED,
        actor=actor,
        obj=application,
        after={"survey": survey.pk, "channel": channel, "association": association.pk if association else None},
    )
    return application


def _locked(pk: int) -> Application:
    """The application, its row locked for this transaction, with its call and organisation."""
    return Application.objects.select_for_update().select_related("survey", "organization").get(pk=pk)


def _is_stale(application: Application, revision: int, actor) -> bool:
    """A save started from an older revision is stale when someone else saved in between. The same person's own
    autosave landing between their page load and their click is not a conflict."""
    if revision == application.revision:
        return False
    return not (0 <= revision < application.revision and application.updated_by_id == actor.pk)


@transaction.atomic
def application_save_draft(application: Application, *, section: str, data: dict, revision: int, actor) -> Application:
    """Save one section's answers. A save that started before a colleague's save is refused."""
    application = _locked(application.pk)
    if _is_stale(application, revision, actor):
        raise StaleDraft()
    _check_open(application, database_now())
    _check_lengths(application.survey, section, data)
    before = application.answers.get(section, {})
    application.answers = {**application.answers, section: data}
    if section == "basic":
        application.title = str(data.get("technology_name", ""))[:200]
        application.field_code = str(data.get("field", ""))[:20]
    application.revision += 1
    application.updated_by = actor
    application.save(update_fields=["answers", "title", "field_code", "revision", "updated_by", "updated_at"])
    changed = sorted(k for k in set(before) | set(data) if before.get(k) != data.get(k))
    audit_log(
        ApplicationAction.DRAFT_SAVED,
        actor=actor,
        obj=application,
        after={"section": section, "fields": changed, "revision": application.revision},
    )
    return application


def _check_lengths(survey, section: str, data: dict) -> None:
    """Refuse a draft whose answers are longer than the section's form allows."""
    from surveys.application_schema import answer_length_limits

    limits = answer_length_limits(survey, section)
    too_long = []
    for name, value in data.items():
        if name not in limits:
            continue
        label, limit = limits[name]
        text = value if isinstance(value, str) else str(value)
        if len(text) > limit:
            too_long.append(
                _("%(field)s: at most %(limit)s characters (%(length)s entered)")
                % {"field": label, "limit": f"{limit:,}", "length": f"{len(text):,}"}
            )
    if too_long:
        raise DomainError(
            _("The draft was not saved because some answers are too long. Shorten them and save again: %(fields)s")
            % {"fields": "; ".join(too_long)},
            code="too_long",
        )


# -- submission ----------------------------------------------------------------------------


def goes_to_association(application: Application) -> bool:
    """Does a submission go to the association? Until the association has forwarded it to MOTIE;
    after that, amendments, corrections MOTIE asked for and undone withdrawals go to MOTIE."""
    return application.channel == Channel.ASSOCIATION and not application.forward_batches.exists()


def _next_receipt_number(survey: Survey, now: datetime) -> str:
    """The next number for the call's code and year; calls sharing a code share the series."""
    year = timezone.localtime(now).year
    first = Survey.objects.filter(code=survey.code).order_by("pk").first()
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(survey=first, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{survey.code}-{counter.last:04d}"


def _attachment_snapshot(application: Application) -> list[dict]:
    return [
        {
            "id": a.pk,
            "name": a.original_name,
            "kind": a.kind,
            "size": a.size,
            "sha256": a.sha256,
            "question": a.question_id,
            "blind_of": a.blind_of_id,
            "partner_row": a.partner_row,
        }
        for a in application.attachments.filter(removed_at__isnull=True).order_by("pk")
    ]


def application_submit(application: Application, *, actor, revision: int | None = None) -> ApplicationVersion:
    """Submit (or amend) before the deadline, decided by the database clock in this transaction.

    Through an association the version goes to the association first; otherwise to MOTIE. A second
    submit while one is under way (a double click, two tabs) is refused with ``SubmitInProgress`` on
    every database: PostgreSQL does not wait for the row (NOWAIT), SQLite's "database is locked" is
    the same answer, and one that arrives just after the first finished finds it submitted.
    """
    try:
        return _application_submit(application, actor=actor, revision=revision)
    except OperationalError as error:
        if "database is locked" in str(error) or "database table is locked" in str(error):
            raise SubmitInProgress() from error
        raise


def _lock_for_submit(pk: int) -> Application:
    features = connection.features
    query = Application.objects.select_for_update(
        nowait=features.has_select_for_update_nowait,
        of=("self",) if features.has_select_for_update_of else (),
    )
    try:
        return query.select_related("survey", "organization").get(pk=pk)
    except OperationalError as error:  # PostgreSQL: another transaction holds the row
        raise SubmitInProgress() from error


def _just_submitted(application: Application, revision: int) -> bool:
    """Whether the submit that moved this application past ``revision`` was a submission of exactly it."""
    if application.revision != revision + 1 or application.status not in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ASSOCIATION_REVIEW,
    ):
        return False
    latest = application.versions.filter(number=application.version_count).values_list("answers", flat=True).first()
    return latest == application.answers


def _check_revision(application: Application, revision: int | None) -> None:
    """Submit exactly what the review page showed: a later revision is a submit under way or a stale page."""
    if revision is not None and application.revision != revision:
        if _just_submitted(application, revision):
            raise SubmitInProgress()
        raise StaleDraft()


def _check_association_deadline(application: Application, now: datetime) -> None:
    """Through an association, its own collection deadline holds too, except for what it returned for correction."""
    internal = association_deadline(application)
    if internal and application.status != ApplicationStatus.RETURNED_BY_ASSOCIATION and now >= internal:
        raise DomainError(
            _(
                "Your association's collection deadline (%(deadline)s KST) has passed. Ask the association, "
                "which may return it to you for correction."
            )
            % {"deadline": timezone.localtime(internal).strftime("%Y-%m-%d %H:%M")},
            code="deadline",
        )


def _check_complete(application: Application, attachments: list[dict]) -> None:
    missing = completeness(application, {a["question"] for a in attachments if a["question"] is not None})
    if missing:
        raise DomainError(
            _("The application is not complete: %(n)d items are missing.") % {"n": len(missing)}, code="incomplete"
        )


def _queue_after_submit(application: Application, version: ApplicationVersion, attachments: list[dict], actor):
    """The work a submission leaves for later: the version's PDF, the attachments' blind copies, the receipt mail."""
    enqueue(render_version_pdf, version.pk)
    queue_blind_copies(a["id"] for a in attachments)
    mail_queue(
        "application_submitted",
        to=actor.email,
        recipient_user=actor,
        context={"application": application, "version": version},
        topic=f"surveys.application:{application.pk}",
    )


@transaction.atomic
def _application_submit(application: Application, *, actor, revision: int | None) -> ApplicationVersion:
    application = _lock_for_submit(application.pk)
    _check_revision(application, revision)
    to_association = goes_to_association(application)
    target = ApplicationStatus.ASSOCIATION_REVIEW if to_association else ApplicationStatus.SUBMITTED
    if target not in APPLICATION_TRANSITIONS[application.status]:
        raise DomainError(_("This application cannot be submitted in its current state."), code="state")
    now = database_now()
    _check_open(application, now)
    if to_association:
        _check_association_deadline(application, now)
    attachments = _attachment_snapshot(application)
    _check_complete(application, attachments)
    amended = application.version_count > 0
    if not application.receipt_number:
        application.receipt_number = _next_receipt_number(application.survey, now)
    application.version_count += 1
    version = ApplicationVersion.objects.create(
        application=application,
        number=application.version_count,
        answers=application.answers,
        attachments=attachments,
        title=application.title,
        receipt_number=application.receipt_number,
        submitted_by=actor,
        submitted_at=now,
    )
    application.submitted_at = now
    application.missing_count = 0
    application.correction_due = None
    application_transition(
        application,
        to=target,
        actor=actor,
        kind=ProvenanceKind.SUBMITTED,
        organization=application.organization,
        version_number=version.number,
        action=ApplicationAction.AMENDED if amended else ApplicationAction.SUBMITTED,
        update_fields=["receipt_number", "version_count", "submitted_at", "missing_count", "correction_due"],
    )
    _queue_after_submit(application, version, attachments, actor)
    return version


@transaction.atomic
def application_withdraw(application: Application, *, actor) -> Application:
    application = _locked(application.pk)
    if application.status == ApplicationStatus.DRAFT:
        raise DomainError(_("A draft is not submitted; there is nothing to withdraw."), code="state")
    check_window(application, database_now())
    return application_transition(
        application,
        to=ApplicationStatus.WITHDRAWN,
        actor=actor,
        kind=ProvenanceKind.WITHDRAWN,
        organization=application.organization,
        action=ApplicationAction.WITHDRAWN,
    )


@transaction.atomic
def application_restore(application: Application, *, actor) -> Application:
    """Undo a withdrawal before the deadline: the last submitted version counts again."""
    application = _locked(application.pk)
    if application.status != ApplicationStatus.WITHDRAWN:
        raise DomainError(_("This application is not withdrawn."), code="state")
    target = ApplicationStatus.ASSOCIATION_REVIEW if goes_to_association(application) else ApplicationStatus.SUBMITTED
    check_window(application, database_now())
    return application_transition(
        application,
        to=target,
        actor=actor,
        kind=ProvenanceKind.RESTORED,
        organization=application.organization,
        action=ApplicationAction.RESTORED,
    )


# -- attachments ---------------------------------------------------------------------------


def _check_attachment_place(application: Application, *, blind_of, partner_row: int | None) -> None:
    """The partner or the file an attachment is for must still be there (the page may be old)."""
    if partner_row is not None and not 1 <= partner_row <= len(partner_rows(application)):
        raise DomainError(_("That partner institution is no longer in the proposal; reload the page."), code="state")
    if blind_of is not None and (
        blind_of.application_id != application.pk or blind_of.removed_at is not None or blind_of.blind_of_id is not None
    ):
        raise DomainError(_("That file is no longer attached; reload the page."), code="state")


def _check_total_size(application: Application, upload) -> None:
    used = application.attachments.filter(removed_at__isnull=True).aggregate(total=Sum("size"))["total"] or 0
    if used + upload.size > settings.ATTACHMENT_MAX_TOTAL_SIZE:
        raise ValidationError(
            _("Attachments of one application may total at most %(limit)d MB; %(used)d MB are used.")
            % {"limit": settings.ATTACHMENT_MAX_TOTAL_SIZE // 2**20, "used": used // 2**20},
            code="total",
        )


def _sha256(upload) -> str:
    """The upload's SHA-256, read in chunks; the upload is rewound for saving."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _remove_with_blind_versions(application: Application, replaced) -> None:
    application.attachments.filter(blind_of__in=replaced, removed_at__isnull=True).update(removed_at=timezone.now())
    replaced.update(removed_at=timezone.now())


def _remove_replaced(application: Application, *, question, blind_of, partner_row: int | None) -> None:
    """Take off the files the new one replaces."""
    if question is not None:  # a file question keeps one file: the earlier one goes, with its blind version
        _remove_with_blind_versions(
            application, application.attachments.filter(question=question, removed_at__isnull=True)
        )
    if partner_row is not None:  # one agreement per partner: the earlier one goes, with its blind version
        _remove_with_blind_versions(
            application,
            application.attachments.filter(partner_row=partner_row, blind_of__isnull=True, removed_at__isnull=True),
        )
    if blind_of is not None:
        application.attachments.filter(blind_of=blind_of, removed_at__isnull=True).update(removed_at=timezone.now())


@transaction.atomic
def attachment_add(
    application: Application, *, upload, actor, question=None, blind_of=None, partner_row: int | None = None
) -> Attachment:
    """Attach a file; with ``blind_of``, the blind version of that attachment (replacing an earlier one); with
    ``partner_row``, the agreement with that partner institution (replacing an earlier one)."""
    application = _locked(application.pk)
    _check_open(application, database_now())
    _check_attachment_place(application, blind_of=blind_of, partner_row=partner_row)
    kind = check_upload(upload, allowed=ATTACHMENT_TYPES, max_size=settings.ATTACHMENT_MAX_FILE_SIZE)
    _check_total_size(application, upload)
    sha256 = _sha256(upload)
    _remove_replaced(application, question=question, blind_of=blind_of, partner_row=partner_row)
    attachment = Attachment.objects.create(
        application=application,
        question=question,
        file=upload,
        original_name=safe_original_name(upload.name),
        kind=kind,
        size=upload.size,
        sha256=sha256,
        uploaded_by=actor,
        blind_of=blind_of,
        partner_row=partner_row,
    )
    Application.objects.filter(pk=application.pk).update(revision=application.revision + 1, updated_by=actor)
    audit_log(
        ApplicationAction.ATTACHMENT_ADDED,
        actor=actor,
        obj=application,
        after={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "sha256": attachment.sha256,
            "blind_of": attachment.blind_of_id,
            "partner_row": partner_row,
        },
    )
    return attachment


@transaction.atomic
def attachment_remove(attachment: Attachment, *, actor) -> Attachment:
    """Take a file off the draft. Its content stays stored: submitted versions may refer to it."""
    application = _locked(attachment.application_id)
    _check_open(application, database_now())
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        attachment.blind_versions.filter(removed_at__isnull=True).update(removed_at=attachment.removed_at)
        Application.objects.filter(pk=application.pk).update(revision=application.revision + 1, updated_by=actor)
        audit_log(
            ApplicationAction.ATTACHMENT_REMOVED,
            actor=actor,
            obj=application,
            after={"attachment": attachment.pk, "name": attachment.original_name},
        )
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
        survey=survey,
        organization=organization,
        defaults={"deadline": deadline, "reason": reason, "granted_by": actor},
    )
    audit_log(
        ApplicationAction.EXTENSION_GRANTED,
        actor=actor,
        obj=extension,
        after={"organization": organization.pk, "deadline": deadline.isoformat(), "reason": reason},
    )
    return extension


# -- versions ------------------------------------------------------------------------------


def answer_display(form_field, value) -> str:
    """One stored answer as text, as its form field names it (choice labels, rows with their totals)."""
    if hasattr(form_field, "display_value"):
        return form_field.display_value(value)
    if isinstance(form_field, NUMBER_FIELDS) and value not in ("", None) and not isinstance(value, (list, dict)):
        return number_display(value, label_unit(form_field.label))
    if isinstance(form_field, forms.BooleanField):
        return str(_("Yes")) if value in (True, "True", "on", "true") else ("" if value in ("", None) else str(_("No")))
    choices = dict(getattr(form_field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value if isinstance(item, str))
    if isinstance(value, dict) or value is None:
        return ""
    return str(choices.get(value, value) if choices else value)


def labelled_answers(survey: Survey, answers: dict) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Answers in form order with their labels: [(section title, [(field, label, value)])]."""
    result = []
    for section in sections_for(survey):
        form = section_form_class(survey, section)(prefix=section.key)
        values = answers.get(section.key, {})
        rows = []
        for name, form_field in form.fields.items():
            rows.append((name, str(form_field.label), answer_display(form_field, values.get(name, ""))))
        result.append((str(section.title), rows))
    return result


def version_diff(survey: Survey, old: ApplicationVersion, new: ApplicationVersion) -> list[tuple[str, str, str, str]]:
    """What changed between two versions: [(section title, label, old value, new value)]."""
    old_rows = {
        (s, name): (label, value) for s, rows in labelled_answers(survey, old.answers) for name, label, value in rows
    }
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
