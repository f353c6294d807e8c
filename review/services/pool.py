"""The reviewer pool and the panels: invite one by one or import a list."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from portal.enums import Role
from portal.exceptions import DomainError
from portal.models import Organization
from portal.services.audit import audit_log
from portal.services.memberships import member_invite
from portal.tables import read_table
from review.enums import AuditAction
from review.models import Panel, PanelMember, ReviewerProfile

HEADERS = {
    "name": {"성명", "이름", "name"},
    "organization": {"소속", "기관", "organization", "organisation"},
    "expertise": {"전문분야", "전문 분야", "expertise"},
    "email": {"이메일", "email", "e-mail"},
}


@transaction.atomic
def reviewer_add(panel: Panel, *, email: str, name: str, organization_name: str, expertise: str, actor) -> PanelMember:
    """Put an expert on a panel: account and reviewer role if new, profile, panel membership."""
    membership = member_invite(None, email=email, name=name, role=Role.REVIEWER, actor=actor)
    user = membership.user
    organization = Organization.objects.filter(name=organization_name.strip()).first()
    ReviewerProfile.objects.update_or_create(
        user=user,
        defaults={
            "organization_name": organization_name.strip(),
            "organization": organization,
            "expertise": expertise.strip(),
        },
    )
    member, created = PanelMember.objects.get_or_create(panel=panel, reviewer=user)
    if created:
        audit_log(AuditAction.PANEL_MEMBER_ADDED, actor=actor, obj=panel, after={"reviewer": user.pk})
    return member


@dataclass
class PoolImport:
    added: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def reviewers_import(panel: Panel, *, upload, actor) -> PoolImport:
    """Import experts from CSV/XLSX (성명, 소속, 전문분야, 이메일); each bad row is reported."""
    rows = read_table(
        upload,
        columns=HEADERS,
        required={"name", "organization", "email"},
        header_error=_("The first row must name the columns 성명, 소속, 전문분야 and 이메일."),
    )
    result = PoolImport()
    for line, row in rows:
        if not row["name"]:
            result.errors.append((line, _("The name is missing.")))
            continue
        if not row["organization"]:
            result.errors.append((line, _("The organisation is missing.")))
            continue
        try:
            validate_email(row["email"])
        except ValidationError:
            result.errors.append(
                (line, _("“%(email)s” is not a valid e-mail address.") % {"email": row["email"] or "—"})
            )
            continue
        try:
            reviewer_add(
                panel,
                email=row["email"],
                name=row["name"],
                organization_name=row["organization"],
                expertise=row.get("expertise", ""),
                actor=actor,
            )
        except DomainError as error:
            result.errors.append((line, str(error)))
            continue
        result.added += 1
    audit_log(
        AuditAction.REVIEWERS_IMPORTED,
        actor=actor,
        obj=panel,
        after={"added": result.added, "errors": len(result.errors)},
    )
    return result


def panel_for(survey, field_code: str, layer: int = 1) -> Panel:
    from surveys.models import Field

    field_obj = Field.objects.filter(code=field_code).first()
    name = f"{survey.code} · {field_obj.name if field_obj else field_code}"
    if layer > 1:
        name = f"{name} · {layer}"
    panel, _created = Panel.objects.get_or_create(
        survey=survey, field_code=field_code, layer=layer, defaults={"name": name}
    )
    return panel
