"""Helpers for the calls tests: a call built through the service, and a small HTML reader."""

from datetime import timedelta
from html.parser import HTMLParser

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from portal.enums import OrganizationType
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Field, Survey
from surveys.services.calls import survey_create

_counter = {"n": 0}


def make_survey(
    *,
    kind=SurveyKind.TECHNOLOGY,
    stage=SurveyStage.DRAFT,
    title=None,
    fields=("ROB",),
    eligible_types=(OrganizationType.COMPANY,),
    opens_at=None,
    deadline=None,
    actor=None,
    **extra,
) -> Survey:
    """A call made by survey_create (so with the eight criteria), then put in ``stage``."""
    _counter["n"] += 1
    now = timezone.now()
    data = {
        "kind": kind,
        "title": title or f"로봇 분야 수요조사 {_counter['n']}호",
        "description": "국가첨단전략기술 지정 수요를 조사합니다.",
        "code": "ROB",
        "eligible_types": list(eligible_types),
        "opens_at": opens_at or now - timedelta(days=1),
        "deadline": deadline or now + timedelta(days=10),
        **extra,
    }
    survey = survey_create(data=data, fields=Field.objects.filter(code__in=fields), actor=actor)
    if stage != SurveyStage.DRAFT:
        Survey.objects.filter(pk=survey.pk).update(stage=stage, published_at=now)
        survey.refresh_from_db()
    return survey


def ko(message: str, **params) -> str:
    """The message as the Korean UI shows it (English while its translation is missing), escaped."""
    with override("ko"):
        text = gettext(message)
    if params:
        text = text % params
    return escape(text)


class FormReader(HTMLParser):
    """Reads the input names (and select options) inside each ``<section data-section>``."""

    def __init__(self):
        super().__init__()
        self.sections: list[str] = []
        self.names: dict[str, list[str]] = {}
        self.options: dict[str, list[str]] = {}
        self.input_types: dict[str, str] = {}
        self._section = None
        self._depth = 0
        self._select = None
        self._in_option = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            if self._section is not None:
                self._depth += 1
            elif "data-section" in attrs:
                self._section = attrs["data-section"]
                self._depth = 0
                self.sections.append(self._section)
                self.names[self._section] = []
            return
        if self._section is None:
            return
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            name = attrs["name"]
            if name not in self.names[self._section]:
                self.names[self._section].append(name)
            self.input_types[name] = tag if tag != "input" else attrs.get("type", "text")
            if tag == "select":
                self._select = name
                self.options[name] = []
        if tag == "option" and self._select:
            self._in_option = True

    def handle_endtag(self, tag):
        if tag == "section" and self._section is not None:
            if self._depth:
                self._depth -= 1
            else:
                self._section = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._in_option = False

    def handle_data(self, data):
        if self._in_option and self._select:
            self.options[self._select].append(data.strip())


def read_sections(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader
