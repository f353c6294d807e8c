"""The staff search: one box that finds calls, applications, candidates, notices and register entries.

Each kind is filtered by what the user may see (the same rules as the pages the results link to) and matched with
``icontains`` on every database. On PostgreSQL the searched columns carry trigram (``pg_trgm``) GIN indexes, which
``ILIKE '%…%'`` uses, and the results are ordered by trigram similarity to the query; on SQLite by recency.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse

from portal.enums import Role
from review.enums import NoticeStatus
from review.models import Notice, RegisterEntry
from surveys.enums import ApplicationStatus
from surveys.models import Application, Candidate, Survey

#: Results shown per kind; one more is read to know whether there are more.
LIMIT = 20
MIN_LENGTH = 2


@dataclass
class Section:
    key: str
    items: list = field(default_factory=list)
    more: bool = False


def may_search(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("review.staff_search"))


def _match(query: str, *columns: str) -> Q:
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__icontains": query})
    return condition


def _ranked(queryset: QuerySet, query: str, column: str) -> QuerySet:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return queryset.annotate(rank=TrigramSimilarity(column, query)).order_by("-rank", "-pk")
    return queryset.order_by("-pk")


def _section(key: str, queryset: QuerySet) -> Section:
    rows = list(queryset[: LIMIT + 1])
    return Section(key, rows[:LIMIT], len(rows) > LIMIT)


def staff_search(user, query: str) -> list[Section]:
    """What ``user`` may see that matches ``query``; nothing for a query shorter than two characters."""
    query = query.strip()
    if len(query) < MIN_LENGTH or not may_search(user):
        return []
    admin = user.has_role(Role.ADMIN)
    surveys = Survey.objects.all() if admin else Survey.objects.public()
    surveys = surveys.filter(_match(query, "title", "title_en", "code")).only(
        "pk", "title", "title_en", "stage", "deadline", "code"
    )
    sections = [_section("calls", _ranked(surveys, query, "title"))]
    if admin:  # applications are read by the ministry admin only (surveys.view_application)
        applications = (
            Application.objects.exclude(status=ApplicationStatus.DRAFT)
            .filter(_match(query, "receipt_number", "title", "organization__name", "organization__name_en"))
            .select_related("organization", "survey")
            .only(
                "pk",
                "title",
                "receipt_number",
                "status",
                "field_code",
                "organization__name",
                "survey__title",
                "survey__title_en",
            )
        )
        sections.append(_section("applications", _ranked(applications, query, "title")))
    candidates = (
        Candidate.objects.filter(merged_into__isnull=True)
        .filter(_match(query, "number", "title"))
        .select_related("survey")
        .only("pk", "number", "title", "field_code", "survey__title", "survey__title_en")
    )
    sections.append(_section("candidates", _ranked(candidates, query, "title")))
    notices = Notice.objects.filter(_match(query, "number", "title"))
    if not admin:
        notices = notices.filter(status=NoticeStatus.PUBLISHED)
    notices = notices.only("pk", "number", "title", "status", "effective_on")
    sections.append(_section("notices", _ranked(notices, query, "title")))
    entries = RegisterEntry.objects.filter(_match(query, "number", "title")).only(
        "pk", "number", "title", "field_code", "status"
    )
    sections.append(_section("register", _ranked(entries, query, "title")))
    return sections


def result_link(key: str, item, user) -> str:
    if key == "calls":
        name = "surveys:manage_detail" if user.has_role(Role.ADMIN) else "surveys:call_detail"
        return reverse(name, kwargs={"pk": item.pk})
    if key == "applications":
        return reverse("surveys:application_detail", kwargs={"pk": item.pk})
    if key == "candidates":
        return reverse("review:aggregate", kwargs={"pk": item.pk})
    if key == "notices":
        if item.status == NoticeStatus.PUBLISHED:
            return reverse("review:notice_public", kwargs={"pk": item.pk})
        return reverse("review:notice_edit", kwargs={"pk": item.pk})
    return reverse("review:register_entry", kwargs={"pk": item.pk})
