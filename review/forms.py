from django import forms
from django.utils.translation import gettext_lazy as _

from review.enums import Recommendation
from review.models import ReviewPlan


class PledgeForm(forms.Form):
    signed_name = forms.CharField(label=_("Type your name to sign"), max_length=100)
    agree = forms.BooleanField(label=_("I have read the pledge and agree to it."))


class DeclarationForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[("none", _("I have no conflict of interest with this candidate")),
                 ("conflict", _("I have a conflict of interest")),
                 ("decline", _("I decline this review for another reason"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Details (required for a conflict or a decline)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    """Scores and justifications per criterion, on the call's scale."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        step = 0.5 if survey.half_points else 1
        choices = [("", "—")]
        value = survey.score_min
        anchors = survey.score_anchors or []
        while value <= survey.score_max:
            label = f"{value:g}"
            if float(value).is_integer() and 0 <= int(value) - survey.score_min < len(anchors):
                label += f" · {anchors[int(value) - survey.score_min]}"
            choices.append((f"{value:g}", label))
            value += step
        self.criteria = list(survey.criteria.order_by("number"))
        for criterion in self.criteria:
            self.fields[f"score_{criterion.number}"] = forms.ChoiceField(
                label=f"{criterion.number}. {criterion.display_title}", choices=choices, required=False,
                help_text=criterion.description,
            )
            self.fields[f"justification_{criterion.number}"] = forms.CharField(
                label=_("Justification for criterion %(n)d") % {"n": criterion.number}, required=False,
                max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Overall recommendation"), choices=[("", "—")] + Recommendation.choices, required=False
        )
        self.fields["comment"] = forms.CharField(label=_("Overall comment"), required=False, max_length=8000,
                                                 widget=forms.Textarea(attrs={"rows": 4}))

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {str(c.number): data.get(f"score_{c.number}") for c in self.criteria},
            "justifications": {str(c.number): data.get(f"justification_{c.number}", "") for c in self.criteria},
            "recommendation": data.get("recommendation", ""),
            "comment": data.get("comment", ""),
        }


class ReviewPlanForm(forms.ModelForm):
    class Meta:
        model = ReviewPlan
        fields = ["reviewers_per_candidate", "aggregation", "trim_min_reviews", "disagreement_spread", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ReviewerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    organization_name = forms.CharField(label=_("Organisation"), max_length=200)
    expertise = forms.CharField(label=_("Expertise"), max_length=300, required=False)
    email = forms.EmailField(label=_("E-mail"))


class ReviewerImportForm(forms.Form):
    file = forms.FileField(label=_("Reviewer list (.csv or .xlsx)"),
                           help_text=_("First row: 성명, 소속, 전문분야, 이메일."))


class ManualAssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = queryset
        self.fields["reviewer"].label_from_instance = lambda u: f"{u.name} ({getattr(getattr(u, 'reviewer_profile', None), 'organization_name', '')})"
