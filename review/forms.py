from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import ModelMultipleChoiceField
from review.enums import (
    DECISIONS_BY_KIND,
    SENSITIVE_PARTS,
    Decision,
    HearingChange,
    ObjectionGround,
    ObjectionOutcome,
    Recommendation,
    Stance,
    SubcommitteeRecommendation,
)
from review.models import Notice, ReviewPlan


class PledgeForm(forms.Form):
    signed_name = forms.CharField(
        label=_("Type your name to sign"),
        max_length=100,
        help_text=_("Your name as registered; a title such as 교수 or 박사 may be left out."),
    )
    agree = forms.BooleanField(label=_("I have read the pledge and agree to it."))


class DeclarationForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("none", _("I have no conflict of interest with this candidate")),
            ("conflict", _("I have a conflict of interest")),
            ("decline", _("I decline this review for another reason")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details (required for a conflict or a decline)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
                label=f"{criterion.number}. {criterion.display_title}",
                choices=choices,
                required=False,
                help_text=criterion.description,
            )
            self.fields[f"justification_{criterion.number}"] = forms.CharField(
                label=_("Justification for criterion %(n)d") % {"n": criterion.number},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Overall recommendation"), choices=[("", "—")] + Recommendation.choices, required=False
        )
        self.fields["comment"] = forms.CharField(
            label=_("Overall comment"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
        )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {str(c.number): data.get(f"score_{c.number}") for c in self.criteria},
            "justifications": {str(c.number): data.get(f"justification_{c.number}", "") for c in self.criteria},
            "recommendation": data.get("recommendation", ""),
            "comment": data.get("comment", ""),
        }


class ExclusionForm(forms.Form):
    name = forms.CharField(label=_("Expert's name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Expert's e-mail"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example: a competitor's employee, a partner in a joint project."),
    )


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
    file = forms.FileField(
        label=_("Reviewer list (.csv or .xlsx)"), help_text=_("First row: 성명, 소속, 전문분야, 이메일.")
    )


class ManualAssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args, queryset, layers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = queryset
        if layers:  # an international R&D call: the open evaluation layers
            self.fields["layer"] = forms.TypedChoiceField(
                label=_("Evaluation layer"), coerce=int, choices=[(layer.number, str(layer)) for layer in layers]
            )
        self.fields["reviewer"].label_from_instance = lambda u: (
            f"{u.name} ({getattr(getattr(u, 'reviewer_profile', None), 'organization_name', '')})"
        )


class HearingCommentForm(forms.Form):
    """A comment for, against or neutral on a candidate of the hearing."""

    stance = forms.ChoiceField(label=_("Your position"), choices=Stance.choices, widget=forms.RadioSelect)
    body = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Up to 4,000 characters. Your comment is published with your name masked."),
    )


class HearingAnswerForm(forms.Form):
    """The ministry's public answer to a hearing comment and the change it caused."""

    answer = forms.CharField(
        label=_("Ministry's answer"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Published on the candidate's hearing page."),
    )
    change = forms.ChoiceField(
        label=_("Change caused"), choices=HearingChange.choices, widget=forms.RadioSelect, initial=HearingChange.NONE
    )
    title = forms.CharField(
        label=_("Technology name"),
        max_length=200,
        required=False,
        help_text=_("Used only when the candidate is amended: the technology name after the change."),
    )
    change_summary = forms.CharField(
        label=_("What changed"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless nothing changed. A changed technology name is recorded here automatically."),
    )


class NationalMeetingForm(forms.Form):
    """A meeting of the National High-Tech Strategic Industry Committee."""

    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    attendees = forms.CharField(
        label=_("Attendees"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    chair = forms.CharField(
        label=_("Chair"),
        max_length=100,
        required=False,
        help_text=_("The specialised-complex committee is chaired by the Prime Minister."),
    )
    members_total = forms.IntegerField(label=_("Members in office"), min_value=1, max_value=999, required=False)
    members_present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=999, required=False)


class MeetingRecordForm(NationalMeetingForm):
    minutes = forms.CharField(
        label=_("Meeting minutes"), max_length=50000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class ResolutionForm(forms.Form):
    """The committee's resolution on one candidate, or its correction."""

    decision = forms.ChoiceField(
        label=_("Resolution"),
        widget=forms.RadioSelect,
        choices=[(value, Decision(value).label) for value in DECISIONS_BY_KIND["technology"]],
    )
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=999, required=False)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=999, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=999, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        label=_("Conditions of the designation"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["decision"].choices = choices
        if "designate_cond" not in dict(self.fields["decision"].choices):
            del self.fields["conditions"]


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["number", "title", "preamble", "effective_on"]
        widgets = {
            "effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "preamble": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if Notice.objects.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A notice with this number already exists."), code="unique")
        return number


SENSITIVE_LABELS = {"scope": _("Scope"), "specification": _("Specification")}


class NoticeItemForm(forms.Form):
    """One technology's text in a draft notice and which parts are security-sensitive."""

    title = forms.CharField(label=_("Technology"), max_length=200)
    scope = forms.CharField(label=_("Scope"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    specification = forms.CharField(
        label=_("Specification"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    sensitive = forms.MultipleChoiceField(
        label=_("Security-sensitive parts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(part, SENSITIVE_LABELS[part]) for part in SENSITIVE_PARTS],
        help_text=_("Marked parts are withheld on every public page and in the public PDF."),
    )


class NoticeAmendForm(NoticeItemForm):
    """An amendment: a register entry and its new text."""

    field_order = ["entry", "title", "scope", "specification", "sensitive"]
    entry = forms.ModelChoiceField(label=_("Register entry"), queryset=None)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries


class NoticeRevokeForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Register entry to revoke"), queryset=None)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries


class SubcommitteeMeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    attendees = forms.CharField(
        label=_("Attendees"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(label=_("Meeting minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


class SubcommitteeDecisionForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Subcommittee recommendation"), choices=SubcommitteeRecommendation.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(label=_("Rationale"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    conditions = forms.CharField(
        label=_("Conditions of the designation"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommitteeConfirmForm(forms.Form):
    """The Technical Coordination Committee's list, its meeting and the hearing window."""

    candidates = ModelMultipleChoiceField(
        label=_("Recommended candidates to confirm"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    held_on = forms.DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    minutes = forms.CharField(label=_("Meeting minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    hearing_starts_on = forms.DateField(
        label=_("Hearing from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hearing_ends_on = forms.DateField(
        label=_("Hearing until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates
        self.fields["candidates"].label_from_instance = lambda c: f"{c.number} · {c.title}"


class ObjectionForm(forms.Form):
    """An applicant's objection to their result."""

    ground = forms.ChoiceField(label=_("Ground"), choices=ObjectionGround.choices, widget=forms.RadioSelect)
    body = forms.CharField(
        label=_("Objection"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What in the procedure or in the facts was wrong, and why."),
    )


class ObjectionRouteForm(forms.Form):
    reviewers = ModelMultipleChoiceField(
        label=_("Reviewers who did not review this candidate"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, reviewers, **kwargs):
        from portal.models import User

        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        field.queryset = (
            User.objects.filter(pk__in=[r.pk for r in reviewers])
            .select_related("reviewer_profile")
            .order_by("name", "pk")
        )
        field.label_from_instance = lambda u: (
            f"{u.name} ({getattr(getattr(u, 'reviewer_profile', None), 'organization_name', '') or '—'})"
        )


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reasons for the outcome"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ObjectionFollowUpForm(forms.Form):
    """The re-review's findings, referred to the national committee."""

    note = forms.CharField(
        label=_("Findings of the re-review"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReReviewAssignForm(ObjectionRouteForm):
    """Independent experts asked to re-review the candidate of an upheld objection."""

    due_on = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, reviewers=reviewers, **kwargs)
        self.fields["reviewers"].label = _("Experts who did not review this candidate")


class ReReviewForm(ReviewForm):
    """Scores and justifications per criterion on the call's scale, and an overall comment."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, survey=survey, **kwargs)
        del self.fields["recommendation"]

    def service_data(self) -> dict:
        data = super().service_data()
        del data["recommendation"]
        return data


class ReReviewDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline (a conflict of interest, or you cannot do it in time)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RedeliberationForm(ResolutionForm):
    """The national committee's re-deliberation of an upheld objection: its meeting (an open one or a new one)
    and its resolution."""

    meeting = forms.TypedChoiceField(label=_("National committee meeting"), coerce=int, empty_value=None)
    new_title = forms.CharField(label=_("New meeting: title"), max_length=200, required=False)
    new_held_on = forms.DateField(
        label=_("New meeting: date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    field_order = ["meeting", "new_title", "new_held_on", "decision"]

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {meeting.pk: meeting for meeting in meetings}
        self.fields["meeting"].choices = [("", _("A new meeting (give its title and date)"))] + [
            (meeting.pk, f"{meeting.title} ({meeting.held_on:%Y-%m-%d})") for meeting in meetings
        ]
        self.fields["meeting"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("meeting") and not (data.get("new_title") and data.get("new_held_on")):
            self.add_error("new_title", _("Choose an open meeting, or give the new meeting's title and date."))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "meeting": self.meetings.get(data.get("meeting")),
            "new_meeting": {"title": data.get("new_title", ""), "held_on": data.get("new_held_on")},
            "decision": data["decision"],
            "reason": data["reason"],
            "votes_for": data.get("votes_for"),
            "votes_against": data.get("votes_against"),
            "votes_abstain": data.get("votes_abstain"),
            "conditions": data.get("conditions", ""),
        }


class ObjectionOpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Your opinion"), max_length=8000, widget=forms.Textarea(attrs={"rows": 8}))
