from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from portal.enums import FILING_ROLES, Role

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
        return redirect(f"/accounts/login/?next={request.path}")
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
    context = {"role": role, "memberships": memberships}
    if role in FILING_ROLES:
        from surveys.selectors import public_surveys
        from surveys.enums import SurveyStage

        from surveys.selectors import applications_for_user

        context["open_surveys"] = public_surveys().filter(
            stage__in=[SurveyStage.DISTRIBUTION, SurveyStage.COLLECTION]
        )
        context["my_applications"] = applications_for_user(request.user)[:20]
        from surveys.selectors import invitations_to_decline

        context["invitations"] = invitations_to_decline(request.user)
    if role == Role.ASSOCIATION_STAFF:
        from surveys.selectors import public_surveys, staff_associations

        context["associations"] = staff_associations(request.user)
        context["collecting_surveys"] = public_surveys().exclude(association_channel="none")
    if role == Role.REVIEWER:
        from review.selectors import reviewer_assignments, reviewer_objection_opinions

        context["assignments"] = Paginator(reviewer_assignments(request.user), 50).get_page(request.GET.get("page"))
        context["objection_opinions"] = list(reviewer_objection_opinions(request.user))
    if role == Role.SECRETARY:
        from review.selectors import committee_surveys

        context["committee_surveys"] = committee_surveys()
    if role == Role.OBSERVER:
        from surveys.selectors import ministry_channel_applications

        context["ministry_applications"] = ministry_channel_applications()[:200]
    return render(request, DASHBOARDS[role], context)
