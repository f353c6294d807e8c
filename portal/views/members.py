"""An organisation's manager looks after its members' roles."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.forms import InviteMemberForm
from portal.models import Membership, Organization
from portal.permissions import permission_or_404
from portal.services.memberships import member_invite, membership_revoke


def _organization(request, pk: int, **_kwargs) -> Organization:
    return get_object_or_404(Organization, pk=pk)


manage_members = permission_or_404("portal.manage_members", _organization)


def invite_from_form(form, organization: Organization | None, *, actor) -> bool:
    """Invite the person a valid invitation form names (e-mail, name, role, manager or not) into ``organization``.
    Whether it was done: a refusal is added to the form's errors."""
    data = form.cleaned_data
    try:
        member_invite(
            organization,
            email=data["email"],
            name=data["name"],
            role=data["role"],
            actor=actor,
            is_manager=data["is_manager"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    return True


def revoke_from_request(request, membership: Membership) -> None:
    """End a membership for the person asking, and say on the next page whether it was done."""
    try:
        membership_revoke(membership, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The role was revoked."))


@manage_members
def member_list(request, pk: int, obj: Organization):
    organization = obj
    members = (
        Membership.objects.filter(organization=organization)
        .select_related("user", "granted_by")
        .order_by("-is_active", "user__name")
    )
    form = InviteMemberForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid() and invite_from_form(form, organization, actor=request.user):
        messages.success(request, _("The member was added and told by e-mail."))
        return redirect("organization_members", pk=organization.pk)
    return render(
        request,
        "portal/organization/members.html",
        {"organization": organization, "members": members, "form": form},
    )


@require_POST
@manage_members
def member_revoke(request, pk: int, membership_pk: int, obj: Organization):
    organization = obj
    membership = get_object_or_404(Membership, pk=membership_pk, organization=organization)
    revoke_from_request(request, membership)
    return redirect("organization_members", pk=organization.pk)
