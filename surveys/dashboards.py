"""What the calls and applications add to the home dashboards."""

from portal.dashboards import dashboard_part
from portal.enums import FILING_ROLES, Role
from surveys.selectors import (
    applications_for_user,
    invitations_to_decline,
    ministry_channel_applications,
    public_surveys,
    staff_associations,
)


@dashboard_part(*FILING_ROLES)
def open_calls(request, context):
    context["open_surveys"] = public_surveys().in_gate("filing")
    context["my_applications"] = applications_for_user(request.user)[:20]
    context["invitations"] = invitations_to_decline(request.user)


@dashboard_part(Role.ASSOCIATION_STAFF)
def association_work(request, context):
    context["associations"] = staff_associations(request.user)
    context["collecting_surveys"] = public_surveys().exclude(association_channel="none")


@dashboard_part(Role.OBSERVER)
def ministry_channel(request, context):
    context["ministry_applications"] = ministry_channel_applications(request.user)[:200]


@dashboard_part(Role.ADMIN)
def admin_calls(request, context):
    from surveys.models import Survey

    context["admin_calls"] = Survey.objects.order_by("-deadline", "-pk")[:30]
