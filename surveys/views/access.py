"""The access log search: who viewed or downloaded which application, when, from where."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.filters import date_range, search_terms
from portal.forms import id_from
from portal.permissions import permission_or_404
from surveys.models import AccessAction, AccessEvent


@permission_or_404("portal.view_audit")
def access_log(request):
    filters = search_terms(request, ("user", "application", "action", "date_from", "date_to"))
    events = AccessEvent.objects.select_related("user", "application__survey")
    errors = []
    if filters["user"]:
        events = events.filter(user__email__iexact=filters["user"])
    if filters["application"]:
        wanted = Q(application__receipt_number__iexact=filters["application"])
        if (application_id := id_from(filters["application"])) is not None:
            wanted |= Q(application_id=application_id)
        events = events.filter(wanted)
    if filters["action"]:
        if filters["action"] in AccessAction.values:
            events = events.filter(action=filters["action"])
        else:
            errors.append(_("Choose an action from the list."))
    events, error = date_range(events, filters, "at")
    if error:
        errors.append(error)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/manage/access_log.html",
        {
            "page": page,
            "filters": filters,
            "actions": AccessAction.choices,
            "form_errors": " ".join(sorted(set(errors))),
        },
        status=400 if errors else 200,
    )
