"""Reads that span models."""

from django.db.models import Count, Prefetch, Q

from portal.enums import FILING_ROLES
from portal.selectors import people_with_role
from surveys.enums import ProvenanceKind
from surveys.models import Field, Inquiry, Survey


def public_surveys():
    return (
        Survey.objects.public()
        .prefetch_related(Prefetch("fields", queryset=Field.objects.order_by("order", "code")))
        .order_by("-deadline")
    )


def survey_for_public(pk: int):
    return (
        Survey.objects.public()
        .prefetch_related(
            "fields",
            "criteria",
            "guidance_files",
            "briefings",
            Prefetch("inquiries", queryset=Inquiry.objects.published().order_by("-answered_at"), to_attr="faq"),
        )
        .filter(pk=pk)
        .first()
    )


def surveys_for_admin():
    return (
        Survey.objects.annotate(
            recipient_count=Count("recipients", distinct=True),
            open_questions=Count("inquiries", filter=Q(inquiries__answer=""), distinct=True),
        )
        .prefetch_related("fields")
        .order_by("-created_at")
    )


def applications_for_user(user):
    """Applications of the organisations in which the user files applications."""
    from surveys.models import Application

    # The ids are read first: as a subquery PostgreSQL folds them into the five-table join and spends
    # milliseconds planning it, many times what running it takes.
    organization_ids = user.organization_ids(FILING_ROLES)
    return (
        Application.objects.filter(organization_id__in=organization_ids)
        .select_related("survey", "organization", "updated_by", "result")
        .defer("answers", "survey__description", "survey__description_en", "survey__score_anchors")
        .order_by("-updated_at")
    )


def filing_organizations(user, survey):
    """The user's organisations that may apply to this call."""
    from portal.models import Organization

    return Organization.objects.filter(
        memberships__user=user,
        memberships__is_active=True,
        memberships__role__in=FILING_ROLES,
        type__in=survey.eligible_types,
    ).distinct()


def staff_associations(user):
    from portal.models import Organization

    return (
        Organization.objects.filter(
            memberships__user=user,
            memberships__role="association_staff",
            memberships__is_active=True,
            type="association",
        )
        .distinct()
        .order_by("name")
    )


def association_submissions(survey, association):
    """What member companies submitted through the association (drafts stay private)."""
    from surveys.models import Application

    return (
        Application.objects.filter(survey=survey, association=association)
        .exclude(status="draft")
        .select_related("organization", "updated_by")
        .order_by("-submitted_at", "-pk")
    )


def intake_applications(survey):
    """Everything MOTIE has received for a call."""
    from surveys.enums import RECEIVED_STATUSES
    from surveys.models import Application

    return Application.objects.filter(survey=survey, status__in=RECEIVED_STATUSES).select_related(
        "organization", "association", "candidate", "duplicate_of"
    )


#: The query-string keys of the intake filters (also kept with a bulk download of the filtered list).
INTAKE_FILTER_KEYS = ("field", "channel", "type", "status", "complete", "sort")

#: The intake list's orders, by their ``sort`` key.
INTAKE_SORTS = {
    "received": "submitted_at",
    "-received": "-submitted_at",
    "organization": "organization__name",
    "-organization": "-organization__name",
    "title": "title",
    "-title": "-title",
    "receipt": "receipt_number",
    "-receipt": "-receipt_number",
}


def intake_filtered(survey, filters: dict):
    """The call's received applications narrowed by the intake filters (field, channel, organisation type,
    status, completeness) in the chosen order, and whether any filter narrowed them."""
    from portal.enums import OrganizationType
    from surveys.enums import RECEIVED_STATUSES, Channel

    filters = {key: str(filters.get(key) or "") for key in INTAKE_FILTER_KEYS}
    applications = intake_applications(survey)
    conditions = {
        "field": Q(field_code=filters["field"]) if filters["field"] else None,
        "channel": Q(channel=filters["channel"]) if filters["channel"] in Channel.values else None,
        "type": Q(organization__type=filters["type"]) if filters["type"] in OrganizationType.values else None,
        "status": Q(status=filters["status"]) if filters["status"] in RECEIVED_STATUSES else None,
        "complete": {"yes": Q(missing_count=0), "no": Q(missing_count__gt=0)}.get(filters["complete"]),
    }
    narrowing = [condition for condition in conditions.values() if condition is not None]
    for condition in narrowing:
        applications = applications.filter(condition)
    return applications.order_by(INTAKE_SORTS.get(filters["sort"], "-submitted_at"), "pk"), bool(narrowing)


def ministry_channel_applications(reader=None):
    """Submitted ministry-channel applications; with ``reader``, only those that observer may read."""
    from surveys.models import Application
    from surveys.rules import observes_ministry_channel

    if reader is not None and not observes_ministry_channel(reader):
        return Application.objects.none()
    return (
        Application.objects.filter(channel="ministry")
        .exclude(status="draft")
        .select_related("survey", "organization")
        .order_by("-submitted_at")
    )


def field_names(codes=None) -> dict[str, str]:
    """field code → its name in the current language; all fields, or only ``codes``."""
    fields = Field.objects.all() if codes is None else Field.objects.filter(code__in=set(codes))
    return {field.code: field.display_name for field in fields}


def invitations_for_user(user):
    """Open invitations the user's organisations (or the user's own address) received and may decline."""
    from portal.models import Membership
    from surveys.enums import SurveyStage
    from surveys.models import Recipient

    organizations = Membership.objects.filter(user=user, role__in=FILING_ROLES, is_active=True).values(
        "organization_id"
    )
    return (
        Recipient.objects.filter(
            Q(organization_id__in=organizations) | Q(email=user.email.lower()),
            mail__isnull=False,
            declined_at__isnull=True,
            survey__stage__in=[SurveyStage.DISTRIBUTION, SurveyStage.COLLECTION],
        )
        .select_related("survey")
        .order_by("survey__deadline", "pk")
    )


def invitations_to_decline(user) -> list:
    """One open invitation per call for the user's dashboard."""
    seen, rows = set(), []
    for recipient in invitations_for_user(user)[:50]:
        if recipient.survey_id not in seen:
            seen.add(recipient.survey_id)
            rows.append(recipient)
    return rows


def applicant_people(application, *, submitter: bool = True, members: bool = False) -> list:
    """Who speaks for an application, each once and only if active: its creator; its last submitter (unless
    ``submitter`` is False); with ``members``, every active filing member of its organisation."""
    people = {application.created_by_id: application.created_by}
    if submitter:
        last = application.events.filter(kind=ProvenanceKind.SUBMITTED).select_related("actor").last()
        if last:
            people[last.actor_id] = last.actor
    if members:
        for person in people_with_role(*FILING_ROLES, organization=application.organization_id):
            people.setdefault(person.pk, person)
    return [person for person in people.values() if person.is_active]
