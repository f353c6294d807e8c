"""Printable forms: a call's blank application form and an applicant's draft, as PDF.

Both are built from the same section definitions (``surveys.application_schema``) as the form on screen, so the
paper form asks what the screen asks, with the same limits.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.services.pdf import render_pdf
from surveys.application_schema import section_form_class, sections_for

BLANK_CACHE_SECONDS = 24 * 3600


@dataclass
class Row:
    label: str
    required: bool
    kind: str
    limits: list[str] = field(default_factory=list)
    help_text: str = ""
    choices: list[str] = field(default_factory=list)
    lines: int = 1


@dataclass
class OutlineSection:
    title: str
    description: str
    rows: list[Row]


def _limits(form_field: forms.Field) -> list[str]:
    limits = []
    if getattr(form_field, "max_length", None):
        limits.append(_("at most %(n)s characters") % {"n": f"{form_field.max_length:,}"})
    low = getattr(form_field, "min_value", None)
    high = getattr(form_field, "max_value", None)
    for validator in form_field.validators:
        if isinstance(validator, MinValueValidator) and low is None:
            low = validator.limit_value
        if isinstance(validator, MaxValueValidator) and high is None:
            high = validator.limit_value
    if low is not None:
        limits.append(_("at least %(n)s") % {"n": low})
    if high is not None:
        limits.append(_("at most %(n)s") % {"n": high})
    places = getattr(form_field, "decimal_places", None)
    if places is not None and isinstance(form_field, forms.DecimalField):
        limits.append(_("up to %(n)s decimal places") % {"n": places} if places else _("whole number"))
    return limits


def _kind(form_field: forms.Field) -> tuple[str, int]:
    """What the answer is, and how many lines of writing space the paper form leaves."""
    if isinstance(form_field, forms.FileField):
        return _("File attached when applying online"), 1
    if isinstance(form_field, forms.ChoiceField):
        return _("Choose one"), 1
    if isinstance(form_field, forms.EmailField):
        return _("E-mail address"), 1
    if isinstance(form_field, (forms.DecimalField, forms.IntegerField)):
        return _("Number"), 1
    if isinstance(form_field, forms.DateField):
        return _("Date (YYYY-MM-DD)"), 1
    if isinstance(form_field.widget, forms.Textarea):
        return _("Text"), 6
    return _("Short text"), 1


def form_outline(survey) -> list[OutlineSection]:
    """Every section, question, criterion and limit of the call's application form."""
    outline = []
    for section in sections_for(survey):
        form = section_form_class(survey, section)()
        rows = []
        for form_field in form.fields.values():
            kind, lines = _kind(form_field)
            choices = [str(label) for value, label in getattr(form_field, "choices", []) if value != ""]
            rows.append(
                Row(
                    label=str(form_field.label),
                    required=form_field.required,
                    kind=kind,
                    limits=_limits(form_field),
                    help_text=str(form_field.help_text or ""),
                    choices=choices,
                    lines=lines,
                )
            )
        outline.append(OutlineSection(str(section.title), str(section.description or ""), rows))
    return outline


def blank_form_pdf(survey) -> bytes:
    """The blank form, rendered once per call definition (``form_stamp``) and language, then cached."""
    language = get_language() or "ko"
    key = f"surveys:blank-form:{survey.pk}:{survey.form_stamp}:{language}"
    data = cache.get(key)
    if data is None:
        data = render_pdf(
            "pdf/blank_form.html",
            {
                "survey": survey,
                "outline": form_outline(survey),
                "criteria": list(survey.criteria.all()),
            },
            language=language,
        )
        cache.set(key, data, BLANK_CACHE_SECONDS)
    return data


def draft_pdf(application) -> bytes:
    """The application as it stands now, every page marked as a draft."""
    from django.utils import timezone

    from surveys.services.applications import labelled_answers

    return render_pdf(
        "pdf/application_draft.html",
        {
            "now": timezone.now(),
            "application": application,
            "survey": application.survey,
            "organization": application.organization,
            "sections": labelled_answers(application.survey, application.answers),
            "attachments": application.attachments.filter(removed_at__isnull=True).order_by("uploaded_at"),
        },
        language=get_language() or "ko",
    )
