"""The ministry admin's screens: sign-up requests and roles."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.enums import SignupRequestStatus
from portal.exceptions import DomainError
from portal.filters import date_range, search_terms
from portal.forms import DecisionForm, GrantRoleForm
from portal.models import Membership, SignupRequest, User
from portal.permissions import permission_or_404
from portal.redirects import redirect_next
from portal.services.signup import signup_request_approve, signup_request_reject
from portal.views.members import invite_from_form, revoke_from_request


@permission_or_404("portal.review_signups")
def signup_list(request):
    status = request.GET.get("status", SignupRequestStatus.PENDING)
    if status not in SignupRequestStatus.values:
        status = SignupRequestStatus.PENDING
    requests = SignupRequest.objects.filter(status=status).select_related("association")
    page = Paginator(requests, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/manage/signup_list.html",
        {"page": page, "status": status, "statuses": SignupRequestStatus.choices},
    )


@permission_or_404("portal.review_signups")
def signup_detail(request, pk: int):
    signup = get_object_or_404(SignupRequest.objects.select_related("association", "decided_by", "organization"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                signup_request_approve(signup, actor=request.user)
                messages.success(request, _("Approved. The contact person was sent a link to set a password."))
            elif decision == "reject":
                signup_request_reject(signup, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Rejected. The contact person was told why."))
            else:
                form.add_error(None, _("Choose approve or reject."))
        except DomainError as error:
            form.add_error(None, error.message)
        if not form.errors:
            return redirect("manage_signup_list")
    return render(request, "portal/manage/signup_detail.html", {"signup": signup, "form": form})


@permission_or_404("portal.manage_roles")
def user_list(request):
    query = search_terms(request, ["q"])["q"]
    users = User.objects.order_by("email").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(is_active=True).select_related("organization"),
            to_attr="active_memberships",
        )
    )
    if query:
        users = users.filter(
            Q(email__icontains=query) | Q(name__icontains=query) | Q(memberships__organization__name__icontains=query)
        ).distinct()
    form = GrantRoleForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and invite_from_form(form, form.cleaned_data["organization"], actor=request.user)
    ):
        messages.success(request, _("The role was granted."))
        return redirect("manage_user_list")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "portal/manage/user_list.html", {"page": page, "form": form, "q": query})


@require_POST
@permission_or_404("portal.manage_roles")
def membership_revoke_view(request, pk: int):
    membership = get_object_or_404(Membership, pk=pk)
    revoke_from_request(request, membership)
    return redirect_next(request, "manage_user_list")


@permission_or_404("portal.view_audit")
def audit_list(request):
    from portal.models import AuditEvent

    filters = search_terms(request, ("action", "actor", "date_from", "date_to"))
    events = AuditEvent.objects.select_related("actor")
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["actor"]:
        events = events.filter(actor__email__iexact=filters["actor"])
    events, error = date_range(events, filters, "created_at")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/manage/audit_list.html",
        {"page": page, "filters": filters, "form_errors": error},
    )
