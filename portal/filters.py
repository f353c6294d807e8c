"""Filters shared by the search screens."""

from datetime import date

from django.utils.translation import gettext as _


def date_range(queryset, filters: dict, field: str):
    """Narrow ``queryset`` to ``filters["date_from"]``–``filters["date_to"]`` (YYYY-MM-DD) on ``field``'s date.

    Returns the queryset and the error to show, or "".
    """
    error = ""
    for key, lookup in (("date_from", "gte"), ("date_to", "lte")):
        if filters.get(key):
            try:
                queryset = queryset.filter(**{f"{field}__date__{lookup}": date.fromisoformat(filters[key])})
            except ValueError:
                error = _("Dates are written as YYYY-MM-DD.")
    return queryset, error
