from allauth.account.forms import AddEmailForm
from allauth.account.models import EmailAddress
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.enums import ADMIN_GRANTED_ROLES, ORGANIZATION_ROLES, OrganizationType, Role
from portal.models import Organization, SignupRequest, User


class SignupRequestForm(forms.ModelForm):
    class Meta:
        model = SignupRequest
        fields = [
            "organization_name",
            "organization_type",
            "business_number",
            "association",
            "contact_name",
            "contact_email",
            "contact_phone",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Organization.objects.filter(
            type=OrganizationType.ASSOCIATION, is_active=True
        )
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"

    def clean_contact_email(self):
        return self.cleaned_data["contact_email"].strip().lower()

    def clean(self):
        data = super().clean()
        kind = data.get("organization_type")
        number = data.get("business_number")
        if kind == OrganizationType.COMPANY and not number:
            self.add_error(
                "business_number",
                _("Companies must give their business registration number (000-00-00000)."),
            )
        # Whether the number is already registered is not told here (that would tell anyone which
        # numbers are): the request is received either way and the organisation's manager is told.
        if data.get("association") and kind == OrganizationType.ASSOCIATION:
            self.add_error("association", _("An association cannot belong to another association."))
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant when rejecting)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"))
    is_manager = forms.BooleanField(label=_("Organisation manager"), required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (role.value, role.label)
            for role, types in ORGANIZATION_ROLES.items()
            if organization.type in types and role not in ADMIN_GRANTED_ROLES
        ]


class GrantRoleForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("Required for applicant, association staff and ministry liaison roles."),
    )
    is_manager = forms.BooleanField(label=_("Organisation manager"), required=False)


def fits_id(number: int) -> bool:
    """Whether a number can be a primary key: within the database's 64-bit range."""
    return -(2**63) <= number < 2**63


def id_from(value) -> int | None:
    """A query-string or form value as a primary key, or None when it cannot be one: not plain ASCII
    digits (``int()`` also reads "٣" and "-1"; ``str.isdigit()`` also passes "²"), or beyond the
    database's 64-bit range (which SQLite cannot even compare)."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if fits_id(number) else None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id outside the database's 64-bit range is an invalid choice (SQLite cannot even
    compare it, so the stock field would fail with a server error)."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                try:
                    number = int(pk)
                except (TypeError, ValueError):
                    continue  # the stock check reports it
                if not fits_id(number):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                    )
        return super()._check_values(value)


def address_in_use(email: str, *, user) -> bool:
    """Whether another account signs in with, or holds, this e-mail address."""
    return (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )


class ChangeEmailForm(AddEmailForm):
    """A new login address: the current password, and an address no other account uses.

    allauth then mails a confirmation link to the new address (which becomes the login address
    only once confirmed) and a notice to the old one.
    """

    password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_email(self):
        value = super().clean_email()
        if address_in_use(value, user=self.user):
            raise forms.ValidationError(
                _("This address belongs to another account and cannot be added."), code="email_taken"
            )
        return value

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password")
        return password


class VerifyUploadForm(forms.Form):
    """A PDF to check: its signatures and whether it is a document the portal issued."""

    document = forms.FileField(label=_("PDF file"))

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB, the most this page checks."),
                params={"mb": self.max_bytes // 2**20},
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("This file is not a PDF. Upload the PDF the portal issued."))
        return upload


class ReceiptLookupForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt or notice number"), max_length=64, strip=True)


class MailPreferencesForm(forms.Form):
    """Which reminders a person receives by mail. Mails that must go out are not listed: they cannot be turned off."""

    def __init__(self, *args, muted=(), **kwargs):
        super().__init__(*args, **kwargs)
        from portal.enums import REMINDER_MAIL

        for template, label in REMINDER_MAIL.items():
            self.fields[template] = forms.BooleanField(
                label=label,
                required=False,
                initial=template not in muted,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def muted(self) -> list[str]:
        return [name for name, wanted in self.cleaned_data.items() if not wanted]
