"""Forms of the international R&D selection: the secretary's proposal, the committee's meeting and decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from review.enums import SelectionDecision
from review.models import SelectionMeeting


class ProposalForm(forms.Form):
    """One row per candidate of a category: proposed or not, its place, and a note (required when it moves)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.candidate.pk
            self.fields[f"proposed_{pk}"] = forms.BooleanField(
                label=_("Proposed for selection"), required=False, initial=row.proposed
            )
            self.fields[f"rank_{pk}"] = forms.IntegerField(
                label=_("Proposed rank"), min_value=1, max_value=9999, initial=row.rank
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("Secretary's note"),
                required=False,
                max_length=2000,
                initial=row.proposal.note if row.proposal else "",
                widget=forms.TextInput(),
            )

    def bound_rows(self):
        """(row, proposed field, rank field, note field) for the template."""
        return [
            (
                row,
                self[f"proposed_{row.candidate.pk}"],
                self[f"rank_{row.candidate.pk}"],
                self[f"note_{row.candidate.pk}"],
            )
            for row in self.rows
        ]

    def choices(self):
        from review.services.selection import Choice

        data = self.cleaned_data
        return [
            Choice(
                candidate_id=row.candidate.pk,
                proposed=data[f"proposed_{row.candidate.pk}"],
                rank=data[f"rank_{row.candidate.pk}"],
                note=data[f"note_{row.candidate.pk}"],
            )
            for row in self.rows
        ]


class SelectionMeetingForm(forms.ModelForm):
    class Meta:
        model = SelectionMeeting
        fields = ["held_on", "place", "chair", "members_present", "minutes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].required = False  # clean_minutes says what is missing

    def clean_members_present(self):
        value = self.cleaned_data["members_present"]
        if value is None or value < 1:
            raise forms.ValidationError(_("Give the number of members present."))
        return value

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"].strip()
        if not minutes:
            raise forms.ValidationError(_("Write the minutes of the meeting."))
        if len(minutes) > 50000:
            raise forms.ValidationError(_("The minutes are too long."))
        return minutes


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=SelectionDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the decision departs from the secretary's proposal."),
    )
