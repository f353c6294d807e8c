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
from surveys.rows import Column, RowsField

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
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
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
        label=label,
        required=required,
        help_text=help_text,
        max_digits=14,
        decimal_places=places,
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
    Section(
        "basic",
        _("Candidate technology"),
        {
            "technology_name": _text(
                _("Technology name"),
                max_length=200,
                help_text=_("A name specific enough to be designated, as in the notice."),
            ),
            "field": None,  # filled from the call's fields
            "sub_field": None,
            "summary": _long(_("Summary"), max_length=2000),
        },
    ),
    Section(
        "specification",
        _("Technology specification"),
        {
            "specification": _long(
                _("Concretised specification (performance figures)"),
                help_text=_("Figures that make the technology checkable, e.g. repeatability ±0.01 mm, payload 20 kg."),
            ),
            "mass_production": _long(_("Mass-production technology")),
            "products": _long(_("Products it enables"), max_length=4000),
        },
    ),
    Section(
        "criteria",
        _("Justification against each criterion"),
        {},
        _("Explain how the technology meets each of the call's criteria."),
    ),
    Section(
        "level",
        _("Technology level and industrialisation"),
        {
            "domestic_level": _decimal(_("Domestic level against the world's best (%)"), min_value=0, max_value=100),
            "world_leader": _text(_("World's best (country or company)"), max_length=200),
            "industrialisation_stage": lambda: forms.ChoiceField(
                label=_("Industrialisation stage"), choices=[("", "---------")] + INDUSTRIALISATION_STAGES
            ),
            "holders": _long(_("Holders of the technology (companies, institutes)"), max_length=4000),
        },
    ),
    Section(
        "economy",
        _("Trade, employment and supply chain"),
        {
            **_trade_fields(),
            "employment_effect": _long(_("Employment effect"), max_length=4000),
            "supply_chain_dependency": _long(
                _("Supply-chain dependency"),
                max_length=4000,
                help_text=_("Dependence on particular countries for materials, parts and equipment."),
            ),
        },
    ),
    Section("contact", _("Contact person"), _contact_fields()),
]

LAND_STATUSES = [
    ("owned", _("Owned by the applicant or the public sector")),
    ("purchasing", _("Being purchased")),
    ("planned", _("Planned (designation of industrial land pending)")),
    ("other", _("Other")),
]

PHASE_COLUMNS = (
    Column("phase", _("Phase"), max_length=60),
    Column("from_year", _("From (year)"), "integer", min_value=2020, max_value=2060),
    Column("to_year", _("To (year)"), "integer", min_value=2020, max_value=2060),
    Column("works", _("Works"), max_length=300),
)
ANCHOR_COLUMNS = (
    Column("company", _("Company"), max_length=200),
    Column("investment", _("Investment"), "decimal", unit=_("KRW 100 million"), total=True, max_value=10**9),
    Column("year", _("Year"), "integer", min_value=2020, max_value=2060),
    Column("jobs", _("Jobs"), "integer", unit=_("people"), total=True, max_value=10**7),
)
PARTICIPANT_COLUMNS = (
    Column("company", _("Company"), max_length=200),
    Column("role", _("Role in the complex"), max_length=300, required=False),
)


def _province_field():
    from surveys.criteria import PROVINCES

    return forms.ChoiceField(
        label=_("Metropolitan city or province"),
        choices=[("", "---------")]
        + [(code, name_en if get_language() == "en" else name) for code, name, name_en in PROVINCES],
    )


def _linked_complexes_field():
    from surveys.criteria import EXISTING_COMPLEXES

    return forms.MultipleChoiceField(
        label=_("Existing specialised complexes it links to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, name_en if get_language() == "en" else name) for code, _f, name, name_en in EXISTING_COMPLEXES],
        help_text=_("For secondary batteries: Cheongju, Ulsan, Pohang, Saemangeum."),
    )


COMPLEX_SECTIONS = [
    Section(
        "basic",
        _("Specialised complex"),
        {
            "technology_name": _text(_("Name of the complex"), max_length=200),
            "field": None,
            "sub_field": None,
            "summary": _long(_("Summary"), max_length=2000),
        },
    ),
    Section(
        "site",
        _("Site"),
        {
            "province": _province_field,
            "city": _text(_("City, county or district"), max_length=100),
            "address": _text(_("Address of the site"), max_length=300),
            "area_m2": _decimal(_("Area (m²)"), places=0, max_value=10**10),
            "land_status": lambda: forms.ChoiceField(
                label=_("Land status"), choices=[("", "---------")] + LAND_STATUSES
            ),
            "land_notes": _long(_("Land: ownership, zoning and how it will be secured"), max_length=4000),
            "phases": lambda: RowsField(label=_("Phased schedule"), columns=PHASE_COLUMNS, min_rows=1, max_rows=10),
        },
    ),
    Section(
        "companies",
        _("Anchor and participating companies"),
        {
            "anchor_companies": lambda: RowsField(
                label=_("Anchor companies and their investment commitments"),
                columns=ANCHOR_COLUMNS,
                min_rows=1,
                max_rows=30,
                help_text=_("Investment in KRW 100 million; totals are computed."),
            ),
            "participating_companies": lambda: RowsField(
                label=_("Participating companies"), columns=PARTICIPANT_COLUMNS, required=False, max_rows=50
            ),
        },
    ),
    Section(
        "infrastructure",
        _("Infrastructure"),
        {
            "power_mw": _decimal(_("Power needed (MW)"), places=1, max_value=10**6),
            "water_tpd": _decimal(_("Industrial water needed (t/day)"), places=0, max_value=10**8),
            "transport": _long(_("Transport: roads, rail, ports and airports"), max_length=4000),
            "infrastructure_plan": _long(_("How power, water and transport will be secured"), max_length=4000),
        },
    ),
    Section(
        "value_chain",
        _("Role in the value chain"),
        {
            "value_chain_role": _long(_("Role in the value chain")),
            "linked_complexes": _linked_complexes_field,
        },
    ),
    Section(
        "support",
        _("Regional support"),
        {
            "regional_support": _long(_("Support of the region: tax, land, training and R&D institutions")),
        },
    ),
    Section(
        "criteria",
        _("Justification against each criterion"),
        {},
        _("Explain how the complex meets each of the call's criteria."),
    ),
    Section("contact", _("Contact person"), _contact_fields()),
]

AGREEMENT_STATES = [
    ("none", _("No agreement yet")),
    ("loi", _("Letter of intent (LOI)")),
    ("mou", _("Memorandum of understanding (MoU)")),
    ("contract", _("Contract")),
]
CONSORTIUM_TYPES = [
    ("company", _("Company")),
    ("university", _("University")),
    ("institute", _("Research institute")),
]


def _countries():
    from django_countries import countries

    return [(code, name) for code, name in countries if code != "KR"]


CONSORTIUM_COLUMNS = (
    Column("organization", _("Organisation"), max_length=200),
    Column("type", _("Type"), "choice", choices=CONSORTIUM_TYPES),
    Column("role", _("Role"), max_length=300),
)
PARTNER_COLUMNS = (
    Column("country", _("Country"), "choice", choices=_countries),
    Column("institution", _("Institution"), max_length=200),
    Column("role", _("Role"), max_length=300),
    Column("agreement", _("State of agreement"), "choice", choices=AGREEMENT_STATES),
)
BUDGET_COLUMNS = (
    Column("year", _("Year"), "integer", min_value=2020, max_value=2060),
    Column("government", _("Government"), "decimal", unit=_("KRW 100 million"), total=True, max_value=10**7),
    Column("private", _("Private"), "decimal", unit=_("KRW 100 million"), total=True, max_value=10**7),
    Column("total", _("Total"), "decimal", unit=_("KRW 100 million"), total=True, max_value=10**8),
)


def _budget_adds_up(row) -> str:
    from decimal import Decimal

    if Decimal(row["government"]) + Decimal(row["private"]) != Decimal(row["total"]):
        return str(_("government and private shares do not add up to the total."))
    return ""


def _confirmation(label, help_text=""):
    return lambda: forms.BooleanField(label=label, help_text=help_text, required=True)


INTERNATIONAL_SECTIONS = [
    Section(
        "basic",
        _("Candidate technology"),
        {
            **TECHNOLOGY_SECTIONS[0].fields,
            "category": None,  # filled from the call's categories
            "listed_technology": None,  # filled from the call's published candidate list
        },
    ),
    TECHNOLOGY_SECTIONS[1],
    Section(
        "consortium",
        _("Domestic consortium"),
        {
            "consortium": lambda: RowsField(
                label=_("Companies, universities and institutes taking part"),
                columns=CONSORTIUM_COLUMNS,
                min_rows=1,
                max_rows=30,
            ),
        },
    ),
    Section(
        "cooperation",
        _("International cooperation"),
        {
            "partners": lambda: RowsField(
                label=_("Partner institutions"),
                columns=PARTNER_COLUMNS,
                min_rows=1,
                max_rows=20,
                help_text=_("At least one partner. Attach each signed agreement on the attachments step."),
            ),
            "why_cooperation": _long(_("Why international cooperation is essential")),
            "researchers_dispatched": _integer(_("Domestic researchers dispatched to the partner"), max_value=10000),
            "dispatch_months": _integer(_("Months of dispatch per researcher"), max_value=120),
            "dispatch_direct": _confirmation(_("The dispatched researchers take part in the research directly.")),
        },
    ),
    Section(
        "ip",
        _("Intellectual property"),
        {
            "ip_plan": _long(_("How the jointly developed IP is owned and used")),
            "ip_confirmation": _confirmation(
                _("Korean participants keep the right to implement the jointly developed IP."),
                _("Required for every proposal."),
            ),
        },
    ),
    Section(
        "budget",
        _("Budget by year"),
        {
            "budget": lambda: RowsField(
                label=_("Budget by year"),
                columns=BUDGET_COLUMNS,
                min_rows=1,
                max_rows=10,
                row_check=_budget_adds_up,
                help_text=_("KRW 100 million; the government and private shares must add up to the total."),
            ),
        },
    ),
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
    return built.get(
        survey,
        ("form", section.key, frozenset(satisfied_files)),
        lambda: _section_form_class(survey, section, satisfied_files),
    )


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

            subs = Field.objects.filter(parent__in=survey.fields.all()).order_by(
                "parent__order", "parent__code", "order", "code"
            )
            attrs[name] = forms.ChoiceField(
                label=_("Sub-field"),
                required=False,
                choices=[("", "---------")]
                + [(f.code, f"{f.parent.display_name} · {f.display_name}") for f in subs.select_related("parent")],
            )
        elif name == "category":
            attrs[name] = forms.ChoiceField(
                label=_("Category"),
                choices=[("", "---------")]
                + [(str(c.pk), f"{c.display_name} ({c.horizon_years}y)") for c in survey.categories.all()],
            )
        elif name == "listed_technology":
            listed = list(survey.listed_technologies.all())
            attrs[name] = forms.ChoiceField(
                label=_("Technology on the published candidate list"),
                required=False,
                choices=[("", _("— a new technology, not on the list —"))] + [(str(t.pk), str(t)) for t in listed],
                help_text=_("Choose the listed technology you propose, or leave it empty to propose a new one."),
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
    if "category" in attrs and "listed_technology" in attrs:
        attrs["clean"] = _listed_in_its_category(survey)
    return type(f"{section.key.title()}SectionForm", (forms.Form,), attrs)


def _listed_in_its_category(survey):
    """A technology picked from the published list belongs to the category chosen with it."""
    categories = {str(t.pk): str(t.category_id) for t in survey.listed_technologies.all()}

    def clean(form):
        data = super(type(form), form).clean()
        listed, category = data.get("listed_technology"), data.get("category")
        if listed and category and categories.get(listed) != category:
            form.add_error("listed_technology", _("This technology is listed in another category."))
        return data

    return clean


def section_by_key(survey, key: str) -> Section | None:
    return next((section for section in sections_for(survey) if section.key == key), None)


#: The parts every kind keeps in its "basic" and "contact" sections, and those of the technology specification
#: section that the international kind shares with the technology kind.
_BASIC_PATHS = {
    "title": ("basic", "technology_name"),
    "field": ("basic", "field"),
    "sub_field": ("basic", "sub_field"),
    "summary": ("basic", "summary"),
}
_SPECIFICATION_PATHS = {
    "specification": ("specification", "specification"),
    "products": ("specification", "products"),
}
_CONTACT_PATHS = {
    "contact_name": ("contact", "contact_name"),
    "contact_email": ("contact", "contact_email"),
}

#: Where each kind keeps the parts of an application that later stages read: key → (section, field).
#: Stages read them through ``answer_of``, never by raw keys, so a kind without a part gives "".
ANSWER_PATHS: dict[str, dict[str, tuple[str, str]]] = {
    SurveyKind.TECHNOLOGY: {**_BASIC_PATHS, **_SPECIFICATION_PATHS, **_CONTACT_PATHS},
    SurveyKind.COMPLEX: {
        **_BASIC_PATHS,
        "province": ("site", "province"),
        "city": ("site", "city"),
        "address": ("site", "address"),
        "area_m2": ("site", "area_m2"),
        "land_status": ("site", "land_status"),
        "phases": ("site", "phases"),
        "anchor_companies": ("companies", "anchor_companies"),
        "participating_companies": ("companies", "participating_companies"),
        "power_mw": ("infrastructure", "power_mw"),
        "water_tpd": ("infrastructure", "water_tpd"),
        "transport": ("infrastructure", "transport"),
        "value_chain_role": ("value_chain", "value_chain_role"),
        "linked_complexes": ("value_chain", "linked_complexes"),
        "regional_support": ("support", "regional_support"),
        **_CONTACT_PATHS,
    },
    SurveyKind.INTERNATIONAL_RND: {
        **_BASIC_PATHS,
        **_SPECIFICATION_PATHS,
        "partners": ("cooperation", "partners"),
        "category": ("basic", "category"),
        "listed_technology": ("basic", "listed_technology"),
        "consortium": ("consortium", "consortium"),
        "budget": ("budget", "budget"),
        "ip_plan": ("ip", "ip_plan"),
        "why_cooperation": ("cooperation", "why_cooperation"),
        **_CONTACT_PATHS,
    },
}


def answer_of(source, key: str, *, kind: str | None = None, default=""):
    """One part of an application (or of a version, or of a plain answers dict with ``kind``).

    ``answer_of(application, "title")`` reads the title wherever the application's kind keeps it.
    """
    if kind is None:
        survey = getattr(source, "survey", None) or getattr(getattr(source, "application", None), "survey", None)
        kind = survey.kind if survey is not None else SurveyKind.TECHNOLOGY
    answers = source if isinstance(source, dict) else (getattr(source, "answers", None) or {})
    path = ANSWER_PATHS.get(kind, {}).get(key)
    if path is None:
        return default
    value = (answers.get(path[0]) or {}).get(path[1])
    return default if value in (None, "") else value


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
        name: (str(field.label), _length_limit(field))
        for name, field in form_class.base_fields.items()
        if not isinstance(field, forms.FileField)
    }


def _length_limit(field) -> int:
    if isinstance(field, RowsField):  # stored as a list of rows: each cell up to its column's limit
        return field.max_rows * sum(column.max_length + len(column.key) + 8 for column in field.columns) + 2
    if isinstance(field, forms.MultipleChoiceField):
        return sum(len(str(value)) + 4 for value, _label in field.choices) + 2
    return getattr(field, "max_length", None) or RAW_VALUE_MAX_LENGTH
