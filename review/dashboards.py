"""What review adds to the home dashboards."""

from django.core.paginator import Paginator

from portal.dashboards import dashboard_part
from portal.enums import Role
from review.selectors import (
    committee_surveys,
    reviewer_assignments,
    reviewer_blind_set_calls,
    reviewer_objection_opinions,
    reviewer_re_reviews,
)


@dashboard_part(Role.REVIEWER)
def reviewer_work(request, context):
    context["assignments"] = Paginator(reviewer_assignments(request.user), 50).get_page(request.GET.get("page"))
    context["objection_opinions"] = list(reviewer_objection_opinions(request.user))
    context["re_reviews"] = list(reviewer_re_reviews(request.user))
    context["blind_set_calls"] = reviewer_blind_set_calls(request.user)


@dashboard_part(Role.SECRETARY)
def committee_work(request, context):
    context["committee_surveys"] = committee_surveys()


@dashboard_part(Role.SECRETARY, Role.ADMIN)
def layer_work(request, context):
    """International R&D calls whose evaluation layers are under way."""
    from surveys.enums import SurveyKind
    from surveys.models import Survey

    context["layer_surveys"] = list(
        Survey.objects.in_gate("review_lists").filter(kind=SurveyKind.INTERNATIONAL_RND).order_by("-deadline", "-pk")
    )
