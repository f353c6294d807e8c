"""The advisory panel's site visits of a development plan (specialised-complex calls)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.downloads import attachment_response
from portal.exceptions import DomainError
from portal.forms import ModelMultipleChoiceField
from portal.permissions import permission_or_404
from review.models import SiteVisit, SiteVisitPhoto
from review.services import site_visits as service
from surveys.models import Candidate


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SiteVisitForm(forms.Form):
    visited_on = forms.DateField(
        label=gettext_lazy("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    members = ModelMultipleChoiceField(
        label=gettext_lazy("Panel members present"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(
        label=gettext_lazy("Findings"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    photos = MultipleFileField(label=gettext_lazy("Photos (JPG, PNG or PDF, at most 10)"), required=False)

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = service.panel_members_of(candidate)
        self.fields["members"].label_from_instance = lambda user: user.name or user.email


def _candidate(request, pk):
    return get_object_or_404(Candidate.objects.select_related("survey"), pk=pk)


@permission_or_404("review.view_site_visits", _candidate)
def site_visit_list(request, pk: int, obj):
    candidate = obj
    may_record = request.user.has_perm("review.record_site_visit", candidate) and candidate.survey.in_gate(
        "site_visits"
    )
    form = SiteVisitForm(request.POST or None, request.FILES or None, candidate=candidate) if may_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        status = 400
        if form.is_valid():
            try:
                service.site_visit_record(candidate, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The site visit was recorded."))
                return redirect("review:site_visits", pk=candidate.pk)
    visits = (
        SiteVisit.objects.filter(candidate=candidate)
        .select_related("recorded_by")
        .prefetch_related("members", "photos")
    )
    return render(
        request,
        "review/site_visits/list.html",
        {
            "candidate": candidate,
            "survey": candidate.survey,
            "visits": visits,
            "form": form,
        },
        status=status,
    )


def _photo(request, pk):
    photo = get_object_or_404(SiteVisitPhoto.objects.select_related("visit__candidate__survey"), pk=pk)
    request.photo = photo
    return photo.visit.candidate


@permission_or_404("review.view_site_visits", _photo)
def site_visit_photo(request, pk: int, obj):
    photo = request.photo
    return attachment_response(photo.file, photo.original_name)
