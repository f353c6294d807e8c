"""Filters shared by the search screens."""

from datetime import date

from django.utils.translation import gettext as _

#: Longer search terms are cut: no one searches with more, and SQLite refuses very long LIKE patterns.
MAX_TERM_LENGTH = 200


def search_terms(request, keys) -> dict[str, str]:
    """The query-string values named by ``keys``, trimmed and cut to ``MAX_TERM_LENGTH``."""
    return {key: request.GET.get(key, "").strip()[:MAX_TERM_LENGTH] for key in keys}


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
