"""A call's timeline as iCalendar (RFC 5545), written by hand: a few event kinds need no library.

Times with a clock (opening, briefing sessions, deadline) are written in UTC (``…Z``), which every calendar shows
in the reader's own zone; days (technical review, hearing, national committee, notice) are all-day events on the
Korean calendar day.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.enums import FILING_ROLES, Role
from surveys.enums import SurveyStage
from surveys.models import Survey


@dataclass
class Event:
    uid: str
    summary: str
    start: datetime | date
    end: date | None = None  # all-day ranges: the last day (inclusive)
    description: str = ""
    location: str = ""
    url: str = ""


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "portal"


def survey_events(survey: Survey) -> list[Event]:
    """Every dated step of the call, in order: opening, briefings, deadline, review, hearing, committee, notice."""
    title = survey.display_title
    url = settings.SITE_URL + reverse("surveys:call_detail", kwargs={"pk": survey.pk})
    uid = f"survey-{survey.pk}-{{}}@{_host()}"
    events = [Event(uid.format("opening"), _("%(call)s: opening") % {"call": title}, survey.opens_at, url=url)]
    for briefing in survey.briefings.all():
        events.append(
            Event(
                uid.format(f"briefing-{briefing.pk}"),
                _("%(call)s: briefing session") % {"call": title},
                briefing.starts_at,
                description=briefing.description,
                location=briefing.place,
                url=url,
            )
        )
    events.append(Event(uid.format("deadline"), _("%(call)s: deadline") % {"call": title}, survey.deadline, url=url))
    days = [
        ("review", survey.review_starts_on, None, _("%(call)s: technical review begins")),
        ("hearing", survey.hearing_starts_on, survey.hearing_ends_on, _("%(call)s: hearing (pros and cons)")),
        ("committee", survey.committee_on, None, _("%(call)s: national committee")),
        ("notice", survey.notice_on, None, _("%(call)s: ministerial notice")),
    ]
    for key, first, last, summary in days:
        if first:
            events.append(Event(uid.format(key), summary % {"call": title}, first, end=last or first, url=url))
    return events


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ical(events: list[Event], *, name: str, stamp: datetime | None = None) -> str:
    stamp = _utc(stamp or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//MOTIE//Strategic technology portal//KO",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "X-WR-TIMEZONE:Asia/Seoul",
    ]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{stamp}"]
        if isinstance(event.start, datetime):
            lines += [f"DTSTART:{_utc(event.start)}", f"DTEND:{_utc(event.start)}"]
        else:
            lines += [
                f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}",
                f"DTEND;VALUE=DATE:{(event.end or event.start) + timedelta(days=1):%Y%m%d}",
            ]
        lines.append(f"SUMMARY:{_escape(event.summary)}")
        if event.description:
            lines.append(f"DESCRIPTION:{_escape(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{_escape(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def surveys_for_calendar(user):
    """The calls on a person's feed: the ministry's staff see every call (the admin drafts too); organisations the
    calls they filed to and the open calls they may file to; reviewers the calls whose panels they sit on."""
    surveys = Survey.objects.none()
    if user.has_role(Role.ADMIN):
        return Survey.objects.all()
    public = Survey.objects.public()
    if user.has_role(Role.SECRETARY) or user.has_role(Role.OBSERVER):
        return public
    memberships = user.memberships.filter(is_active=True, role__in=FILING_ROLES)
    organization_ids = list(memberships.values_list("organization_id", flat=True))
    types = list(memberships.values_list("organization__type", flat=True))
    if organization_ids:
        # the open calls are few at any time: their eligible types are read here, on any database
        open_ids = [
            s.pk
            for s in public.filter(stage__in=[SurveyStage.DISTRIBUTION, SurveyStage.COLLECTION]).only(
                "pk", "eligible_types"
            )
            if set(s.eligible_types) & set(types)
        ]
        surveys = public.filter(Q(applications__organization_id__in=organization_ids) | Q(pk__in=open_ids))
    if user.has_role(Role.REVIEWER):
        surveys = surveys | public.filter(panels__members__reviewer=user)
    return surveys


def feed_events(user) -> list[Event]:
    surveys = surveys_for_calendar(user).distinct().prefetch_related("briefings").order_by("deadline")
    return [event for survey in surveys for event in survey_events(survey)]
