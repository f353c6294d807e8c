"""Statistics across calls for the ministry admin: each table is one aggregate query, whatever the data's size.

Every table is a list of rows with its columns; the page draws them with Chart.js and offers each as CSV.
"""

from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractYear
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from portal.enums import OrganizationType
from review.enums import AssignmentStatus, NoticeStatus, Outcome
from review.models import Assignment
from surveys.enums import ApplicationStatus, Channel
from surveys.models import Application, Survey
from surveys.selectors import field_names


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list


def _received():
    return Application.objects.exclude(status=ApplicationStatus.DRAFT).filter(submitted_at__isnull=False)


def per_field_and_year() -> Table:
    rows = (
        _received()
        .annotate(year=ExtractYear("submitted_at"))
        .values("year", "field_code")
        .annotate(n=Count("pk"))
        .order_by("year", "field_code")
    )
    names = field_names()
    return Table(
        "field_year",
        _("Submissions per field and year"),
        [_("Year"), _("Field"), _("Applications")],
        [[row["year"], names.get(row["field_code"], row["field_code"] or "—"), row["n"]] for row in rows],
    )


def per_channel_and_type() -> Table:
    rows = (
        _received()
        .values("channel", "organization__type")
        .annotate(n=Count("pk"))
        .order_by("channel", "organization__type")
    )
    channels, types = dict(Channel.choices), dict(OrganizationType.choices)
    return Table(
        "channel_type",
        _("Submissions per channel and organisation type"),
        [_("Channel"), _("Organisation type"), _("Applications")],
        [
            [
                str(channels.get(row["channel"], row["channel"])),
                str(types.get(row["organization__type"], row["organization__type"])),
                row["n"],
            ]
            for row in rows
        ],
    )


def _calls():
    return (
        Survey.objects.exclude(stage="draft")
        .annotate(
            received=Count(
                "applications",
                filter=Q(applications__submitted_at__isnull=False) & ~Q(applications__status=ApplicationStatus.DRAFT),
                distinct=True,
            ),
            designated=Count(
                "applications__result", filter=Q(applications__result__outcome=Outcome.DESIGNATED), distinct=True
            ),
            noticed_at=Min("notices__published_at", filter=Q(notices__status=NoticeStatus.PUBLISHED)),
        )
        .only("pk", "title", "title_en", "deadline")
        .order_by("deadline")
    )


def deadline_to_notice(calls) -> Table:
    rows = [
        [
            call.display_title,
            localdate(call.deadline).isoformat(),
            localdate(call.noticed_at).isoformat(),
            (call.noticed_at - call.deadline).days,
        ]
        for call in calls
        if call.noticed_at
    ]
    return Table(
        "notice_days",
        _("Days from deadline to notice"),
        [_("Call"), _("Deadline"), _("Notice published"), _("Days")],
        rows,
    )


def designation_rate(calls) -> Table:
    rows = [
        [
            call.display_title,
            call.received,
            call.designated,
            round(100 * call.designated / call.received, 1) if call.received else 0.0,
        ]
        for call in calls
    ]
    return Table(
        "designation",
        _("Designation rate"),
        [_("Call"), _("Applications received"), _("Designated"), _("Designation rate (%)")],
        rows,
    )


def reviewer_workload(limit: int = 100) -> Table:
    rows = (
        Assignment.objects.values("reviewer_id", "reviewer__name", "reviewer__email")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(status=AssignmentStatus.SUBMITTED)),
            open=Count("pk", filter=Q(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED])),
            ended=Count("pk", filter=Q(status__in=[AssignmentStatus.DECLINED, AssignmentStatus.CONFLICTED])),
        )
        .order_by("-total", "reviewer__name")[:limit]
    )
    return Table(
        "workload",
        _("Reviewer workload"),
        [_("Reviewer"), _("Assignments"), _("Reviews submitted"), _("Open"), _("Declined or conflicted")],
        [
            [row["reviewer__name"] or row["reviewer__email"], row["total"], row["submitted"], row["open"], row["ended"]]
            for row in rows
        ],
    )


def all_tables() -> list[Table]:
    calls = list(_calls())
    return [
        per_field_and_year(),
        per_channel_and_type(),
        deadline_to_notice(calls),
        designation_rate(calls),
        reviewer_workload(),
    ]


def chart_data(tables: list[Table]) -> dict:
    """What static/js/statistics-charts.js draws: one chart per table, labels and datasets only."""
    by_key = {table.key: table for table in tables}

    def pivot(table, label_index, series_index, value_index):
        labels = sorted({str(row[label_index]) for row in table.rows})
        series = sorted({str(row[series_index]) for row in table.rows})
        values = {(str(row[label_index]), str(row[series_index])): row[value_index] for row in table.rows}
        return {
            "labels": labels,
            "datasets": [
                {"label": name, "data": [values.get((label, name), 0) for label in labels]} for name in series
            ],
        }

    notice, designation, workload = by_key["notice_days"], by_key["designation"], by_key["workload"]
    return {
        "field_year": {"type": "bar", "stacked": False, **pivot(by_key["field_year"], 0, 1, 2)},
        "channel_type": {"type": "bar", "stacked": True, **pivot(by_key["channel_type"], 0, 1, 2)},
        "notice_days": {
            "type": "bar",
            "labels": [row[0] for row in notice.rows],
            "datasets": [{"label": str(notice.columns[3]), "data": [row[3] for row in notice.rows]}],
        },
        "designation": {
            "type": "bar",
            "labels": [row[0] for row in designation.rows],
            "datasets": [{"label": str(designation.columns[3]), "data": [row[3] for row in designation.rows]}],
        },
        "workload": {
            "type": "bar",
            "horizontal": True,
            "labels": [row[0] for row in workload.rows[:20]],
            "datasets": [
                {"label": str(workload.columns[1]), "data": [row[1] for row in workload.rows[:20]]},
                {"label": str(workload.columns[2]), "data": [row[2] for row in workload.rows[:20]]},
            ],
        },
    }
