"""Recording the advisory panel's site visits of a development plan."""

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from portal.uploads import check_upload, safe_original_name
from review.enums import AuditAction
from review.models import Assignment, SiteVisit, SiteVisitPhoto
from surveys.models import Candidate

PHOTO_TYPES = {"jpg", "png", "pdf"}
PHOTO_MAX = 15 * 1024 * 1024
MAX_PHOTOS = 10


def panel_members_of(candidate: Candidate):
    """The panel members assigned to the plan: those who may be recorded as present."""
    from portal.models import User

    return User.objects.filter(pk__in=Assignment.objects.filter(candidate=candidate).values("reviewer")).order_by(
        "name"
    )


@transaction.atomic
def site_visit_record(candidate: Candidate, *, visited_on: date, members, findings: str, photos=(), actor) -> SiteVisit:
    """Record a site visit with who was present, the findings and photos; audited."""
    candidate = Candidate.objects.select_for_update().select_related("survey").get(pk=candidate.pk)
    if not candidate.survey.in_gate("site_visits"):
        raise DomainError(
            _("Site visits are recorded while the advisory panel or the subcommittee reviews the plans."), code="stage"
        )
    if visited_on > timezone.localdate():
        raise DomainError(_("A site visit cannot be recorded before it happens."), code="date")
    findings = (findings or "").strip()
    if not findings:
        raise DomainError(_("Write what the panel found on the site."), code="findings")
    allowed = set(panel_members_of(candidate).values_list("pk", flat=True))
    members = list(members)
    if not members:
        raise DomainError(_("Choose the panel members who were present."), code="members")
    if any(member.pk not in allowed for member in members):
        raise DomainError(_("Only panel members assigned to this plan can be recorded as present."), code="members")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most %(n)d photos per visit.") % {"n": MAX_PHOTOS}, code="photos")
    checked = []
    for upload in photos:
        try:
            check_upload(upload, allowed=PHOTO_TYPES, max_size=PHOTO_MAX)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), code="photo") from error
        upload.seek(0)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append((upload, digest.hexdigest()))
    visit = SiteVisit.objects.create(candidate=candidate, visited_on=visited_on, findings=findings, recorded_by=actor)
    visit.members.set(members)
    for upload, sha256 in checked:
        SiteVisitPhoto.objects.create(
            visit=visit, file=upload, original_name=safe_original_name(upload.name), size=upload.size, sha256=sha256
        )
    audit_log(
        AuditAction.SITE_VISIT_RECORDED,
        actor=actor,
        obj=candidate,
        after={
            "visit": visit.pk,
            "visited_on": visited_on.isoformat(),
            "members": sorted(m.pk for m in members),
            "photos": [sha for _upload, sha in checked],
        },
    )
    return visit
