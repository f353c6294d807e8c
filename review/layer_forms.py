"""Forms of an international R&D call's evaluation layers: their rules and a panel member's judgement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import EvaluationLayer
from review.models.international import MAX_LAYERS


class LayerCountForm(forms.Form):
    count = forms.TypedChoiceField(
        label=_("Number of layers"),
        coerce=int,
        choices=[
            (2, _("Two layers: expert scoring, then an independent panel")),
            (MAX_LAYERS, _("Three layers: expert scoring, then two independent panels")),
        ],
        widget=forms.RadioSelect,
    )


class LayerRulesForm(forms.ModelForm):
    """One layer's rules; layer 1 scores, so it has no essentiality rule and no ranking adjustment."""

    class Meta:
        model = EvaluationLayer
        fields = ["name", "reviewers_per_candidate", "essential_rule", "max_adjustment", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers_per_candidate"].min_value = 1
        self.fields["reviewers_per_candidate"].widget.attrs.update(min=1, max=20)
        self.fields["max_adjustment"].widget.attrs.update(min=0, max=10)
        if self.instance.number == 1:
            del self.fields["essential_rule"]
            del self.fields["max_adjustment"]

    def clean_reviewers_per_candidate(self):
        value = self.cleaned_data["reviewers_per_candidate"]
        if not 1 <= value <= 20:
            raise forms.ValidationError(_("Between 1 and 20 members per candidate."))
        return value

    def clean_max_adjustment(self):
        value = self.cleaned_data["max_adjustment"]
        if value > 10:
            raise forms.ValidationError(_("At most 10 places."))
        return value


class JudgementForm(forms.Form):
    """The layer's rules are checked by the service (``judgements.check_judgement``), whose errors name the field."""

    essential = forms.TypedChoiceField(
        label=_("Is international cooperation essential for this technology?"),
        required=False,
        choices=[("yes", _("Yes, essential")), ("no", _("No, not essential"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    essential_reason = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    adjustment = forms.IntegerField(
        label=_("Ranking adjustment (places)"),
        required=False,
        initial=0,
        help_text=_("Places up (positive) or down (negative); 0 leaves the ranking as the previous layer gave it."),
    )
    adjustment_reason = forms.CharField(
        label=_("Reason for the adjustment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, layer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adjustment"].widget.attrs.update(min=-layer.max_adjustment, max=layer.max_adjustment)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["adjustment"] = data.get("adjustment") or 0
        return data
