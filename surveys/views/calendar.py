"""Calendars: a call's timeline as an .ics download, and each person's feed at a secret, revocable address."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from portal.downloads import file_response
from portal.services.user_settings import user_for_calendar_token
from surveys import selectors
from surveys.calendar import feed_events, ical, survey_events


def _ics(body: str, filename: str, *, attachment: bool) -> HttpResponse:
    return file_response(body, filename, "text/calendar; charset=utf-8", inline=not attachment)


def call_calendar(request, pk: int):
    survey = selectors.survey_for_public(pk)
    if survey is None:
        raise Http404
    return _ics(
        ical(survey_events(survey), name=survey.display_title, stamp=survey.updated_at),
        f"call-{survey.pk}.ics",
        attachment=True,
    )


def feed(request, token: str):
    """No log-in: the token is the key. An unknown or revoked token is a 404, as is an inactive account."""
    user = user_for_calendar_token(token)
    if user is None:
        raise Http404
    response = _ics(ical(feed_events(user), name=_("My calls")), "portal.ics", attachment=False)
    response["Referrer-Policy"] = "no-referrer"
    return response
