from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render

from portal.dashboards import dashboard_context
from portal.enums import Role

#: What each role's dashboard will hold, and whether that part of the portal exists yet.
DASHBOARDS = {
    Role.APPLICANT: "portal/dashboard/applicant.html",
    Role.ASSOCIATION_STAFF: "portal/dashboard/association.html",
    Role.MINISTRY_LIAISON: "portal/dashboard/ministry.html",
    Role.REVIEWER: "portal/dashboard/reviewer.html",
    Role.SECRETARY: "portal/dashboard/secretary.html",
    Role.ADMIN: "portal/dashboard/admin.html",
    Role.OBSERVER: "portal/dashboard/observer.html",
}


def home(request):
    if request.user.is_authenticated:
        roles = [role for role in Role if request.user.has_role(role)]
        if len(roles) == 1:
            return redirect("dashboard", role=roles[0].value)
        return render(request, "portal/home/roles.html", {"roles": roles})
    return render(request, "portal/home/welcome.html")


def dashboard(request, role: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        role = Role(role)
    except ValueError:
        raise Http404 from None
    if not request.user.has_role(role):
        raise Http404
    memberships = (
        request.user.memberships.filter(role=role, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )
    context = {"role": role, "memberships": memberships, **dashboard_context(request, role)}
    return render(request, DASHBOARDS[role], context)
