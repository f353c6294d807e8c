from datetime import datetime, time

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import OrganizationType
from portal.forms import ModelMultipleChoiceField
from surveys.models import Briefing, Category, Criterion, Field, GuidanceFile, Question, Survey
from surveys.models.survey import DEFAULT_DEADLINE_TIME

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day, clock) -> datetime:
    """A date and a time of day in the current (Korean) time zone."""
    return timezone.make_aware(datetime.combine(day, clock), timezone.get_current_timezone())


def _read_deadline(data: dict) -> dict:
    """``deadline_on`` and ``deadline_time``, when both are valid, read together as ``deadline``."""
    if data.get("deadline_on") and data.get("deadline_time"):
        data["deadline"] = _aware(data["deadline_on"], data["deadline_time"])
    return data


def _application_label(application) -> str:
    return f"{application.receipt_number} · {application.display_title} · {application.organization.name}"


class SurveyForm(forms.ModelForm):
    eligible_types = forms.MultipleChoiceField(
        label=_("Eligible organisation types"),
        choices=OrganizationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    fields = ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.filter(parent__isnull=True),
        widget=forms.CheckboxSelectMultiple,
    )
    opens_on = forms.DateField(label=_("Opening date"), widget=DATE)
    opens_time = forms.TimeField(label=_("Opening time (Korea time)"), initial=time(9, 0), required=False, widget=TIME)
    deadline_on = forms.DateField(label=_("Deadline date"), widget=DATE)
    deadline_time = forms.TimeField(label=_("Deadline time (Korea time)"), initial=DEFAULT_DEADLINE_TIME, widget=TIME)

    class Meta:
        model = Survey
        fields = [
            "kind",
            "title",
            "title_en",
            "code",
            "description",
            "description_en",
            "legal_basis",
            "association_channel",
            "blind_version_required",
            "contact",
            "score_min",
            "score_max",
            "half_points",
            "review_starts_on",
            "with_hearing",
            "hearing_starts_on",
            "hearing_ends_on",
            "committee_on",
            "notice_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "review_starts_on": DATE,
            "hearing_starts_on": DATE,
            "hearing_ends_on": DATE,
            "committee_on": DATE,
            "notice_on": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        survey = self.instance
        if survey.pk:
            self.fields["fields"].initial = list(survey.fields.values_list("pk", flat=True))
            self.fields["eligible_types"].initial = survey.eligible_types
            local_open = timezone.localtime(survey.opens_at)
            local_deadline = timezone.localtime(survey.deadline)
            self.fields["opens_on"].initial = local_open.date()
            self.fields["opens_time"].initial = local_open.time()
            self.fields["deadline_on"].initial = local_deadline.date()
            self.fields["deadline_time"].initial = local_deadline.time()
        self.fields["association_channel"].required = False
        for name, default in (("score_min", 1), ("score_max", 5)):
            self.fields[name].required = False
            self.fields[name].initial = getattr(survey, name) if survey.pk else default
        anchors = survey.score_anchors if survey.pk else Survey._meta.get_field("score_anchors").get_default()
        self.fields["score_anchors_text"].initial = "\n".join(anchors)

    score_anchors_text = forms.CharField(
        label=_("Score descriptions (one per line, lowest first)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not code.isascii() or not code.isalnum():
            raise forms.ValidationError(_("Use only Latin letters and digits, e.g. ROB."))
        return code

    def clean(self):
        data = super().clean()
        if data.get("opens_on"):
            data["opens_at"] = _aware(data["opens_on"], data.get("opens_time") or time(9, 0))
        _read_deadline(data)
        if data.get("opens_at") and data.get("deadline") and data["deadline"] <= data["opens_at"]:
            self.add_error("deadline_on", _("The deadline must come after the opening."))
        if not data.get("association_channel"):
            data["association_channel"] = self.instance.association_channel or "optional"
        for name, default in (("score_min", 1), ("score_max", 5)):
            if data.get(name) is None:
                data[name] = getattr(self.instance, name, None) or default
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and high <= low:
            self.add_error("score_max", _("The highest score must be above the lowest."))
        anchors = [line.strip() for line in data.get("score_anchors_text", "").splitlines() if line.strip()]
        if anchors and low is not None and high is not None and high > low and len(anchors) != high - low + 1:
            self.add_error(
                "score_anchors_text",
                _("Write one description per whole score: %(n)d lines.") % {"n": high - low + 1},
            )
        if anchors:
            data["score_anchors"] = anchors
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["eligible_types"] = list(data["eligible_types"])
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["number", "title", "title_en", "description", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


CriterionFormSet = inlineformset_factory(
    Survey, Criterion, form=CriterionForm, extra=1, can_delete=True, min_num=1, validate_min=True
)


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Question
        fields = ["order", "type", "label", "label_en", "help_text", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)

    def clean(self):
        data = super().clean()
        choices = [line.strip() for line in data.get("choices_text", "").splitlines() if line.strip()]
        if data.get("type") == "choice" and len(choices) < 2:
            self.add_error("choices_text", _("A choice question needs at least two choices."))
        self.instance.choices = choices if data.get("type") == "choice" else []
        return data


QuestionFormSet = inlineformset_factory(Survey, Question, form=QuestionForm, extra=1, can_delete=True)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["order", "name", "name_en", "horizon_years", "quota"]


CategoryFormSet = inlineformset_factory(
    Survey, Category, form=CategoryForm, extra=1, can_delete=True, min_num=1, validate_min=True
)


class CandidateListImportForm(forms.Form):
    file = forms.FileField(
        label=_("Candidate list (.csv or .xlsx)"), help_text=_("First row: 기술명, 분야, 유형. Up to 1,000 rows.")
    )
    replace = forms.BooleanField(label=_("Replace the current list"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class GuidanceFileForm(forms.ModelForm):
    class Meta:
        model = GuidanceFile
        fields = ["title", "file"]


class BriefingForm(forms.ModelForm):
    starts_on = forms.DateField(label=_("Date"), widget=DATE)
    starts_time = forms.TimeField(label=_("Time"), widget=TIME)

    class Meta:
        model = Briefing
        fields = ["place", "description", "materials", "signup_open", "seats"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("starts_time"):
            self.instance.starts_at = _aware(data["starts_on"], data["starts_time"])
        return data


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(
        label=_("I confirm that this stage ends before its deadline; the organisations concerned will be told."),
        required=False,
    )


class RecipientSelectionForm(forms.Form):
    types = forms.MultipleChoiceField(
        label=_("Organisation types"), choices=OrganizationType.choices, widget=forms.CheckboxSelectMultiple
    )
    fields = ModelMultipleChoiceField(
        label=_("Fields (empty: all)"),
        queryset=Field.objects.filter(parent__isnull=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RecipientImportForm(forms.Form):
    file = forms.FileField(
        label=_("Recipient list (.csv or .xlsx)"),
        help_text=_("First row: 기관명, 담당자, 이메일. Up to 5,000 rows."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class InquiryForm(forms.Form):
    question = forms.CharField(label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    publish = forms.BooleanField(label=_("Publish in the FAQ"), required=False, initial=True)


class AttachmentForm(forms.Form):
    # Empty files are refused by the upload check, whose message names the file.
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, HWP/HWPX, DOCX, XLSX, PPTX, PNG or JPEG."),
        allow_empty_file=True,
    )
    partner_row = forms.TypedChoiceField(
        label=_("Agreement with a partner institution"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Choose the partner when the file is its signed LOI, MoU or contract."),
    )

    def __init__(self, *args, partners: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not partners:
            del self.fields["partner_row"]
            return
        self.fields["partner_row"].choices = [("", _("Not an agreement"))] + [
            (number, f"{number}. {row.get('institution', '')} ({row.get('country', '')})")
            for number, row in enumerate(partners, start=1)
        ]


class ExtensionForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    deadline_on = forms.DateField(label=_("New deadline date"), widget=DATE)
    deadline_time = forms.TimeField(label=_("Time (Korea time)"), initial=DEFAULT_DEADLINE_TIME, widget=TIME)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.models import Organization

        self.fields["organization"].queryset = Organization.objects.filter(
            type__in=survey.eligible_types, is_active=True
        )

    def clean(self):
        return _read_deadline(super().clean())


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What to correct"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    correction_due = forms.DateField(label=_("Correct by"), widget=DATE, required=False)


class IntakeReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons for the return"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    correction_due = forms.DateField(label=_("Correction deadline"), widget=DATE)


class BlindVersionRequestForm(forms.Form):
    """Intake asks the applicant for attachments that do not name them: a return for correction with that reason."""

    correction_due = forms.DateField(label=_("Correction deadline"), widget=DATE)


class EndorseForm(forms.Form):
    opinion = forms.CharField(
        label=_("Association's opinion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ForwardForm(forms.Form):
    applications = ModelMultipleChoiceField(
        label=_("Applications to forward"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    cover_letter = forms.CharField(
        label=_("Cover letter to MOTIE"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = queryset
        self.fields["applications"].label_from_instance = _application_label


class InternalDeadlineForm(forms.Form):
    deadline_on = forms.DateField(label=_("Our collection deadline"), widget=DATE)
    deadline_time = forms.TimeField(label=_("Time (Korea time)"), initial=DEFAULT_DEADLINE_TIME, widget=TIME)

    def clean(self):
        return _read_deadline(super().clean())


class DuplicateForm(forms.Form):
    of = forms.ModelChoiceField(label=_("Duplicate of"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["of"].queryset = queryset
        self.fields["of"].label_from_instance = _application_label


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Merge into"), queryset=None)
    sources = ModelMultipleChoiceField(
        label=_("Candidates to merge"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Name of the merged candidate (optional)"), required=False, max_length=200)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = queryset
        self.fields["sources"].queryset = queryset
