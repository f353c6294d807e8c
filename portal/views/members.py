"""An organisation's manager looks after its members' roles."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.forms import InviteMemberForm
from portal.models import Membership, Organization
from portal.services.memberships import member_invite, membership_revoke


def _organization_for(request, pk: int) -> Organization:
    organization = get_object_or_404(Organization, pk=pk)
    if not request.user.has_perm("portal.manage_members", organization):
        raise Http404
    return organization


def member_list(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organization = _organization_for(request, pk)
    members = (
        Membership.objects.filter(organization=organization)
        .select_related("user", "granted_by")
        .order_by("-is_active", "user__name")
    )
    form = InviteMemberForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_invite(
                organization,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                actor=request.user,
                is_manager=data["is_manager"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The member was added and told by e-mail."))
            return redirect("organization_members", pk=organization.pk)
    return render(
        request,
        "portal/organization/members.html",
        {"organization": organization, "members": members, "form": form},
    )


@require_POST
def member_revoke(request, pk: int, membership_pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organization = _organization_for(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organization=organization)
    try:
        membership_revoke(membership, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("organization_members", pk=organization.pk)
