from django.shortcuts import redirect, render

from portal.dashboards import dashboard_context
from portal.enums import Role
from portal.permissions import permission_or_404

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


def _role(request, role: str, **_kwargs) -> str:
    return role


@permission_or_404("portal.view_dashboard", _role)
def dashboard(request, role: str, obj: str):  # obj: the role, as the rule read it
    role = Role(role)
    memberships = (
        request.user.memberships.filter(role=role, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )
    context = {"role": role, "memberships": memberships, **dashboard_context(request, role)}
    return render(request, DASHBOARDS[role], context)
