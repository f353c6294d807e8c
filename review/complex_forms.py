"""Forms of the specialised-complex notice and register (the complex half of ``review.forms``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from review.enums import COMPLEX_AMENDMENTS, ComplexAction
from surveys.application_schema import ANCHOR_COLUMNS
from surveys.rows import RowsField

ACTION_CHOICES = [(action.value, action.label) for action in COMPLEX_AMENDMENTS]


def _area(required=True) -> forms.CharField:
    # Text, so that "1,234,567" is read as typed; the service checks the number.
    return forms.CharField(
        label=_("Area (m²)"), max_length=30, required=required, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class ComplexItemForm(forms.Form):
    """One complex's text in a draft notice."""

    name = forms.CharField(label=_("Name of the complex"), max_length=200)
    province = forms.ChoiceField(label=_("Metropolitan city or province"), choices=())
    city = forms.CharField(label=_("City, county or district"), max_length=100, required=False)
    location = forms.CharField(label=_("Address of the site"), max_length=300, required=False)
    area_m2 = _area()
    anchor_companies = RowsField(
        label=_("Anchor companies and their investment commitments"),
        columns=ANCHOR_COLUMNS,
        max_rows=30,
        required=False,
        help_text=_("Investment in KRW 100 million; totals are computed."),
    )
    conditions = forms.CharField(
        label=_("Conditions of designation"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        from review.services.complex_notices import province_choices

        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "---------"), *province_choices()]


class ComplexChangeForm(forms.Form):
    """A change to a designated complex: a change of area, its conditions met, or a revocation."""

    action = forms.ChoiceField(label=_("Change"), choices=ACTION_CHOICES, widget=forms.RadioSelect)
    area_m2 = _area(required=False)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reason_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_m2"].help_text = _("Only for a change of area: the new area.")
        self.fields["reason"].required = reason_required

    def clean(self):
        data = super().clean()
        if data.get("action") == ComplexAction.CHANGE_AREA and not data.get("area_m2"):
            self.add_error("area_m2", _("Give the new area."))
        return data


class ComplexAmendForm(ComplexChangeForm):
    """A change to a designated complex added to a draft notice."""

    field_order = ["entry", "action", "area_m2", "reason"]
    entry = forms.ModelChoiceField(label=_("Designated complex"), queryset=None)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, reason_required=False, **kwargs)
        self.fields["entry"].queryset = entries
