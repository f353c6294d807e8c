"""Signing up for a call's briefing session, within its seats."""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from surveys.enums import AuditAction
from surveys.models import Briefing, BriefingSignup

MAX_ATTENDEES = 5


def seats_taken(briefing: Briefing) -> int:
    return briefing.signups.aggregate(total=Sum("attendees"))["total"] or 0


def seats_left(briefing: Briefing) -> int | None:
    return None if briefing.seats is None else max(briefing.seats - seats_taken(briefing), 0)


@transaction.atomic
def briefing_signup(
    briefing: Briefing, *, user, organization, attendees: int = 1, question: str = ""
) -> BriefingSignup:
    """Take seats at a briefing for one's organisation; refused when full, closed or past."""
    briefing = Briefing.objects.select_for_update().select_related("survey").get(pk=briefing.pk)
    if not briefing.signup_open or not briefing.survey.is_public:
        raise DomainError(_("Sign-up for this briefing session is not open."), code="closed")
    if briefing.starts_at <= timezone.now():
        raise DomainError(_("This briefing session has already taken place."), code="past")
    if not 1 <= attendees <= MAX_ATTENDEES:
        raise DomainError(_("Sign up between 1 and %(n)d people.") % {"n": MAX_ATTENDEES}, code="attendees")
    existing = BriefingSignup.objects.filter(briefing=briefing, user=user).first()
    taken = seats_taken(briefing) - (existing.attendees if existing else 0)
    if briefing.seats is not None and taken + attendees > briefing.seats:
        left = max(briefing.seats - taken, 0)
        raise DomainError(
            _("Not enough seats are left: %(left)d of %(seats)d.") % {"left": left, "seats": briefing.seats},
            code="full",
        )
    signup, _created = BriefingSignup.objects.update_or_create(
        briefing=briefing,
        user=user,
        defaults={"organization": organization, "attendees": attendees, "question": (question or "").strip()[:2000]},
    )
    audit_log(
        AuditAction.BRIEFING_SIGNED_UP,
        actor=user,
        obj=briefing,
        after={"attendees": attendees, "organization": organization.pk if organization else None},
    )
    return signup


@transaction.atomic
def briefing_signup_cancel(briefing: Briefing, *, user) -> None:
    deleted, _rows = BriefingSignup.objects.filter(briefing=briefing, user=user).delete()
    if deleted:
        audit_log(AuditAction.BRIEFING_SIGNUP_CANCELLED, actor=user, obj=briefing, after={})
