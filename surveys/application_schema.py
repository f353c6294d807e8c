"""What an application asks, by kind of call: the sections and their fields.

The same definitions build the applicant's step-by-step form, the ministry's preview of it,
the completeness check and the PDF, so what is previewed is what applicants get.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from surveys.enums import QuestionType, SurveyKind

INDUSTRIALISATION_STAGES = [
    ("research", _("Basic research")),
    ("development", _("Development and prototype")),
    ("pilot", _("Pilot production")),
    ("mass", _("Mass production")),
    ("export", _("Mass production and export")),
]

TEXTAREA = {"rows": 5}


def _text(label, *, required=True, help_text="", max_length=300):
    return lambda: forms.CharField(label=label, required=required, help_text=help_text, max_length=max_length)


def _long(label, *, required=True, help_text="", max_length=8000):
    return lambda: forms.CharField(
        label=label, required=required, help_text=help_text, max_length=max_length,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


def _integer(label, *, required=True, help_text="", min_value=0, max_value=None):
    return lambda: forms.IntegerField(
        label=label, required=required, help_text=help_text, min_value=min_value, max_value=max_value
    )


def _decimal(label, *, required=True, help_text="", min_value=0, max_value=None, places=1):
    validators = [MinValueValidator(min_value)]
    if max_value is not None:
        validators.append(MaxValueValidator(max_value))
    return lambda: forms.DecimalField(
        label=label, required=required, help_text=help_text, max_digits=14, decimal_places=places,
        validators=validators,
    )


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: dict[str, Callable[[], forms.Field]] = field(default_factory=dict)
    description: str = ""


def _contact_fields():
    return {
        "contact_name": _text(_("Contact person"), max_length=100),
        "contact_department": _text(_("Department and position"), max_length=100),
        "contact_phone": _text(_("Contact phone"), max_length=30),
        "contact_email": lambda: forms.EmailField(label=_("Contact e-mail")),
    }


def _trade_fields():
    result = {}
    for offset, year in enumerate(("y1", "y2", "y3")):
        label_year = {0: _("two years ago"), 1: _("last year"), 2: _("this year (estimate)")}[offset]
        result[f"exports_{year}"] = _decimal(
            _("Exports, %(year)s (KRW 100 million)") % {"year": label_year}, required=offset < 2
        )
        result[f"imports_{year}"] = _decimal(
            _("Imports, %(year)s (KRW 100 million)") % {"year": label_year}, required=offset < 2
        )
    return result


TECHNOLOGY_SECTIONS = [
    Section("basic", _("Candidate technology"), {
        "technology_name": _text(_("Technology name"), max_length=200,
                                 help_text=_("A name specific enough to be designated, as in the notice.")),
        "field": None,  # filled from the call's fields
        "sub_field": None,
        "summary": _long(_("Summary"), max_length=2000),
    }),
    Section("specification", _("Technology specification"), {
        "specification": _long(_("Concretised specification (performance figures)"),
                               help_text=_("Figures that make the technology checkable, e.g. repeatability ±0.01 mm, payload 20 kg.")),
        "mass_production": _long(_("Mass-production technology")),
        "products": _long(_("Products it enables"), max_length=4000),
    }),
    Section("criteria", _("Justification against each criterion"), {},
            _("Explain how the technology meets each of the call's criteria.")),
    Section("level", _("Technology level and industrialisation"), {
        "domestic_level": _decimal(_("Domestic level against the world's best (%)"), min_value=0, max_value=100),
        "world_leader": _text(_("World's best (country or company)"), max_length=200),
        "industrialisation_stage": lambda: forms.ChoiceField(
            label=_("Industrialisation stage"), choices=[("", "---------")] + INDUSTRIALISATION_STAGES),
        "holders": _long(_("Holders of the technology (companies, institutes)"), max_length=4000),
    }),
    Section("economy", _("Trade, employment and supply chain"), {
        **_trade_fields(),
        "employment_effect": _long(_("Employment effect"), max_length=4000),
        "supply_chain_dependency": _long(_("Supply-chain dependency"), max_length=4000,
                                         help_text=_("Dependence on particular countries for materials, parts and equipment.")),
    }),
    Section("contact", _("Contact person"), _contact_fields()),
]

COMPLEX_SECTIONS = [
    Section("basic", _("Specialised complex"), {
        "technology_name": _text(_("Name of the complex"), max_length=200),
        "field": None,
        "sub_field": None,
        "summary": _long(_("Summary"), max_length=2000),
    }),
    Section("plan", _("Development plan"), {
        "location": _text(_("Location"), max_length=300),
        "area_m2": _decimal(_("Area (m²)"), places=0),
        "anchor_companies": _long(_("Anchor companies"), max_length=4000),
        "participating_companies": _long(_("Participating companies"), max_length=4000),
        "investment_plan": _long(_("Investment plan (amounts and years)")),
        "infrastructure": _long(_("Infrastructure: power, water and other utilities")),
        "supply_chain_role": _long(_("Role in the supply chain")),
    }),
    Section("criteria", _("Justification against each criterion"), {},
            _("Explain how the complex meets each of the call's criteria.")),
    Section("contact", _("Contact person"), _contact_fields()),
]

INTERNATIONAL_SECTIONS = [
    TECHNOLOGY_SECTIONS[0],
    TECHNOLOGY_SECTIONS[1],
    Section("cooperation", _("International cooperation"), {
        "partners": _long(_("Partner countries and institutions"), max_length=4000),
        "why_cooperation": _long(_("Why international cooperation is essential")),
    }),
    TECHNOLOGY_SECTIONS[2],
    TECHNOLOGY_SECTIONS[3],
    TECHNOLOGY_SECTIONS[5],
]

SECTIONS_BY_KIND = {
    SurveyKind.TECHNOLOGY: TECHNOLOGY_SECTIONS,
    SurveyKind.COMPLEX: COMPLEX_SECTIONS,
    SurveyKind.INTERNATIONAL_RND: INTERNATIONAL_SECTIONS,
}

EXTRA_SECTION_KEY = "extra"


def _question_field(question, satisfied_files=frozenset()) -> forms.Field:
    required = question.required and not (question.type == QuestionType.FILE and question.pk in satisfied_files)
    common = {"label": question.display_label, "required": required, "help_text": question.help_text}
    if question.type == QuestionType.SHORT_TEXT:
        return forms.CharField(max_length=500, **common)
    if question.type == QuestionType.LONG_TEXT:
        return forms.CharField(max_length=8000, widget=forms.Textarea(attrs=TEXTAREA), **common)
    if question.type == QuestionType.NUMBER:
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if question.type == QuestionType.CHOICE:
        return forms.ChoiceField(choices=[("", "---------")] + [(c, c) for c in question.choices], **common)
    if question.type == QuestionType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.FileField(**common)


class _Built:
    """What was built from a call's form definition, kept per call, ``form_stamp`` and language.

    A change to the call's fields, criteria or questions gives the call a new stamp (see
    ``surveys.receivers``), so entries built from the old definition are simply never asked for again
    and fall off the end. Each process keeps its own; the stamp is read with the call itself.
    """

    LIMIT = 256

    def __init__(self):
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, survey, key: tuple, build: Callable):
        if survey.pk is None:
            return build()
        key = (survey.pk, survey.form_stamp, survey.kind, get_language(), *key)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.LIMIT:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


built = _Built()


def sections_for(survey) -> list[Section]:
    """The sections of the call's form, with the call's own questions last."""
    return list(built.get(survey, ("sections",), lambda: _sections(survey)))


def _sections(survey) -> tuple[Section, ...]:
    sections = list(SECTIONS_BY_KIND[survey.kind])
    if survey.questions.exists():
        sections.append(Section(EXTRA_SECTION_KEY, _("Questions of this call")))
    return tuple(sections)


def section_form_class(survey, section: Section, satisfied_files=frozenset()) -> type[forms.Form]:
    """A form class for one section of the call's application.

    ``satisfied_files`` holds the ids of file questions already answered by an attachment.
    """
    if section.key != EXTRA_SECTION_KEY:
        satisfied_files = frozenset()
    return built.get(survey, ("form", section.key, frozenset(satisfied_files)),
                     lambda: _section_form_class(survey, section, satisfied_files))


def _section_form_class(survey, section: Section, satisfied_files) -> type[forms.Form]:
    attrs: dict = {}
    for name, factory in section.fields.items():
        if name == "field":
            attrs[name] = forms.ChoiceField(
                label=_("Field"),
                choices=[("", "---------")] + [(f.code, f.display_name) for f in survey.fields.all()],
            )
        elif name == "sub_field":
            from surveys.models import Field

            subs = Field.objects.filter(parent__in=survey.fields.all()).order_by("parent__order", "parent__code", "order", "code")
            attrs[name] = forms.ChoiceField(
                label=_("Sub-field"), required=False,
                choices=[("", "---------")] + [(f.code, f"{f.parent.display_name} · {f.display_name}") for f in subs.select_related("parent")],
            )
        else:
            attrs[name] = factory()
    if section.key == "criteria":
        for criterion in survey.criteria.all():
            attrs[f"criterion_{criterion.number}"] = forms.CharField(
                label=f"{criterion.number}. {criterion.display_title}",
                help_text=criterion.description,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
    if section.key == EXTRA_SECTION_KEY:
        for question in survey.questions.all():
            attrs[question.field_name] = _question_field(question, satisfied_files)
    return type(f"{section.key.title()}SectionForm", (forms.Form,), attrs)


def section_by_key(survey, key: str) -> Section | None:
    return next((section for section in sections_for(survey) if section.key == key), None)


#: The longest raw text kept for a field without its own length limit (numbers, dates, choices):
#: a draft keeps what was typed even where it is not valid yet, but never more than this.
RAW_VALUE_MAX_LENGTH = 100


def answer_length_limits(survey, section_key: str) -> dict[str, tuple[str, int]]:
    """field name → (label, the most characters a draft may keep) for one section.

    Text fields carry their ``max_length``; other fields keep at most ``RAW_VALUE_MAX_LENGTH``
    characters. The same limits apply to a draft save as to a submission.
    """
    section = section_by_key(survey, section_key)
    if section is None:
        return {}
    form_class = section_form_class(survey, section)
    return {
        name: (str(field.label), getattr(field, "max_length", None) or RAW_VALUE_MAX_LENGTH)
        for name, field in form_class.base_fields.items()
        if not isinstance(field, forms.FileField)
    }
