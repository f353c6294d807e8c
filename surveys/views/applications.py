"""The applicant's screens: start, fill step by step, attach, check, submit, amend, withdraw."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.downloads import attachment_response, file_response
from portal.exceptions import DomainError
from portal.forms import id_from
from portal.numbers import number_json, number_value
from portal.permissions import permission_or_404
from portal.services.documents import served_file
from surveys import selectors
from surveys.application_schema import section_by_key, section_form_class, sections_for
from surveys.enums import APPLICATION_TRANSITIONS, EDITABLE_STATUSES, ApplicationStatus
from surveys.forms import AttachmentForm
from surveys.models import AccessAction, Application, ApplicationVersion, Attachment, Survey
from surveys.services import applications as service
from surveys.services.access import access_record


def _application(request, pk: int, **_kwargs) -> Application:
    return get_object_or_404(Application.objects.select_related("survey", "organization", "updated_by"), pk=pk)


signed_in = permission_or_404("portal.signed_in")
view_application = permission_or_404("surveys.view_application", _application)
edit_application = permission_or_404("surveys.edit_application", _application)


def _deadline_context(application: Application) -> dict:
    deadline = service.application_deadline(application)
    now = timezone.now()
    try:
        service.check_window(application, now)
        is_open = True
    except DomainError:
        is_open = False
    return {
        "deadline": deadline,
        "internal_deadline": service.association_deadline(application),
        "is_open": is_open,
        "may_change": is_open and application.status in EDITABLE_STATUSES,
        "may_withdraw": is_open and ApplicationStatus.WITHDRAWN in APPLICATION_TRANSITIONS[application.status],
        "now": now,
    }


@signed_in
def application_list(request):
    return render(
        request,
        "surveys/application/list.html",
        {
            "applications": selectors.applications_for_user(request.user),
        },
    )


@require_POST
@signed_in
def application_start(request, pk: int):
    survey = get_object_or_404(Survey.objects.public(), pk=pk)
    organizations = list(selectors.filing_organizations(request.user, survey))
    chosen = request.POST.get("organization")
    organization = next((o for o in organizations if str(o.pk) == chosen), None)
    if organization is None and len(organizations) == 1:
        organization = organizations[0]
    if organization is None:
        raise Http404
    association = None
    if request.POST.get("association"):
        association = organization.associations.filter(pk=request.POST["association"]).first()
        if association is None:
            raise Http404
    try:
        application = service.application_create(
            survey, organization=organization, actor=request.user, association=association
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("surveys:call_detail", pk=survey.pk)
    first = sections_for(survey)[0].key
    return redirect("surveys:application_edit", pk=application.pk, section=first)


def _draft_values(form) -> dict:
    """What the user typed, kept even where it is not valid yet: valid fields cleaned, others raw."""
    form.is_valid()
    values = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        if name in form.cleaned_data and name not in form.errors:
            value = service.clean_answers({name: form.cleaned_data[name]}).get(name)
            if value not in (None, ""):
                values[name] = value
        else:
            raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            if raw not in ("", None, []):
                values[name] = raw
    return values


def _section_form(application, section, data=None, files=None):
    satisfied = service.satisfied_file_questions(application)
    form_class = section_form_class(application.survey, section, satisfied)
    initial = dict(application.answers.get(section.key, {}))
    for name, form_field in form_class.base_fields.items():
        if isinstance(form_field, service.NUMBER_FIELDS) and number_value(initial.get(name)) is not None:
            initial[name] = number_json(number_value(initial[name]))  # a draft saved as "7E+1" edits as "70"
    return form_class(data=data, files=files, prefix=section.key, initial=initial)


def _render_edit(request, application, section, form, status=200, stale=False):
    sections = sections_for(application.survey)
    keys = [s.key for s in sections]
    index = keys.index(section.key)
    context = {
        "application": application,
        "section": section,
        "sections": sections,
        "form": form,
        "step": index + 1,
        "previous": keys[index - 1] if index > 0 else None,
        "next": keys[index + 1] if index + 1 < len(keys) else None,
        "revision": application.revision,
        "stale": stale,
        "attachments": application.attachments.filter(removed_at__isnull=True),
        **_deadline_context(application),
    }
    return render(request, "surveys/application/edit.html", context, status=status)


@edit_application
def application_edit(request, pk: int, section: str, obj: Application):
    application = obj
    current = section_by_key(application.survey, section)
    if current is None:
        raise Http404
    if request.method != "POST":
        access_record(request.user, application, AccessAction.EDIT_VIEW, detail=section)
        return _render_edit(request, application, current, _section_form(application, current))

    form = _section_form(application, current, data=request.POST, files=request.FILES)
    try:
        application = _save_section(request, application, current, form)
    except service.StaleDraft as error:
        return _refused(request, application, current, form, error.message, status=409, stale=True)
    except (DomainError, ValidationError) as error:
        message = error.message if isinstance(error, DomainError) else " ".join(error.messages)
        return _refused(request, application, current, form, message, status=400)

    if request.htmx:
        return render(
            request, "surveys/application/_autosave.html", {"application": application, "saved_at": timezone.now()}
        )
    format_errors = {k: v for k, v in form.errors.items() if any(e.code != "required" for e in v.as_data())}
    action = "save" if format_errors else request.POST.get("action", "save")
    if action in ("next", "previous"):
        return _step(application, current, forward=action == "next")
    messages.success(request, _("The draft was saved."))
    form = (
        _section_form(application, current, data=request.POST) if format_errors else _section_form(application, current)
    )
    if format_errors:
        form.is_valid()
        for name in list(form.errors):
            if name not in format_errors:
                del form.errors[name]
    return _render_edit(request, application, current, form)


def _save_section(request, application, current, form):
    """Store the section's answers as typed (and its file questions' uploads) in the draft."""
    try:
        revision = int(request.POST.get("revision", "-1"))
    except ValueError:
        revision = -1
    for name, upload in request.FILES.items():
        question = next((q for q in application.survey.questions.all() if form.add_prefix(q.field_name) == name), None)
        if question is not None:
            service.attachment_add(application, upload=upload, actor=request.user, question=question)
            revision += 1
    return service.application_save_draft(
        application, section=current.key, data=_draft_values(form), revision=revision, actor=request.user
    )


def _refused(request, application, current, form, message, *, status, stale=False):
    """A save that was refused: the autosave line says why, or the page comes back with what was typed."""
    if request.htmx:
        return render(request, "surveys/application/_autosave.html", {"error": message}, status=200)
    messages.error(request, message)
    return _render_edit(request, application, current, form, status=status, stale=stale)


def _step(application, current, *, forward: bool):
    """To the next section (the attachments after the last) or the previous one."""
    keys = [s.key for s in sections_for(application.survey)]
    index = keys.index(current.key)
    if forward:
        if index + 1 < len(keys):
            return redirect("surveys:application_edit", pk=application.pk, section=keys[index + 1])
        return redirect("surveys:application_attachments", pk=application.pk)
    return redirect("surveys:application_edit", pk=application.pk, section=keys[max(index - 1, 0)])


def _with_blind_versions(application):
    """The attached files, each original with its blind version (``blind``) when the call asks for one."""
    current = list(application.attachments.filter(removed_at__isnull=True).select_related("question").order_by("pk"))
    blind = {a.blind_of_id: a for a in current if a.blind_of_id}
    originals = [a for a in current if a.blind_of_id is None]
    for attachment in originals:
        attachment.blind = blind.get(attachment.pk)
    return originals


def _with_partners(attachments: list, partners: list[dict]) -> list:
    """Each partner agreement learns which partner it belongs to, as the proposal lists them now."""
    for attachment in attachments:
        row = attachment.partner_row
        attachment.partner = partners[row - 1] if row and row <= len(partners) else None
    return attachments


@edit_application
def application_attachments(request, pk: int, obj: Application):
    application = obj
    partners = service.partner_rows(application)
    form = AttachmentForm(request.POST or None, request.FILES or None, partners=partners)
    status = 200
    if request.method == "POST":
        blind_of = None
        if request.POST.get("blind_of"):
            blind_of = application.attachments.filter(
                pk=id_from(request.POST.get("blind_of")) or 0,
                removed_at__isnull=True,
                blind_of__isnull=True,
            ).first()
            if blind_of is None:
                form.add_error(None, _("That file is no longer attached; reload the page."))
        if form.is_valid():
            try:
                service.attachment_add(
                    application,
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                    blind_of=blind_of,
                    partner_row=form.cleaned_data.get("partner_row"),
                )
            except ValidationError as error:
                form.add_error("file", error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The file was attached."))
                return redirect("surveys:application_attachments", pk=application.pk)
        status = 400
    return render(
        request,
        "surveys/application/attachments.html",
        {
            "application": application,
            "form": form,
            "attachments": _with_partners(_with_blind_versions(application), partners),
            "partners": partners,
            "sections": sections_for(application.survey),
            **_deadline_context(application),
        },
        status=status,
    )


@require_POST
@edit_application
def attachment_remove(request, pk: int, attachment_pk: int, obj: Application):
    application = obj
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application, removed_at__isnull=True)
    try:
        service.attachment_remove(attachment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file was removed from the application."))
    return redirect("surveys:application_attachments", pk=application.pk)


@view_application
def attachment_download(request, pk: int, attachment_pk: int, obj: Application):
    application = obj
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    access_record(request.user, application, AccessAction.ATTACHMENT, detail=attachment.original_name)
    return attachment_response(attachment.file, attachment.original_name)


@edit_application
def application_review(request, pk: int, obj: Application):
    application = obj
    access_record(request.user, application, AccessAction.EDIT_VIEW, detail="review")
    return render(
        request,
        "surveys/application/review.html",
        {
            "application": application,
            "missing": service.completeness(application),
            "sections": sections_for(application.survey),
            "answers": service.labelled_answers(application.survey, application.answers),
            "attachments": application.attachments.filter(removed_at__isnull=True),
            **_deadline_context(application),
        },
    )


@require_POST
@edit_application
def application_submit(request, pk: int, obj: Application):
    application = obj
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = None
    try:
        version = service.application_submit(application, actor=request.user, revision=revision)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("surveys:application_review", pk=application.pk)
    messages.success(
        request,
        _("Submitted. Receipt number %(receipt)s, version %(n)d. The receipt PDF is being prepared.")
        % {"receipt": version.receipt_number, "n": version.number},
    )
    return redirect("surveys:application_detail", pk=application.pk)


@require_POST
@edit_application
def application_withdraw(request, pk: int, obj: Application):
    application = obj
    restore = application.status == ApplicationStatus.WITHDRAWN
    try:
        if restore:
            service.application_restore(application, actor=request.user)
        else:
            service.application_withdraw(application, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The withdrawal was undone.") if restore else _("The application was withdrawn."))
    return redirect("surveys:application_detail", pk=application.pk)


@view_application
def application_detail(request, pk: int, obj: Application):
    application = obj
    access_record(request.user, application, AccessAction.VIEW)
    return render(
        request,
        "surveys/application/detail.html",
        {
            "application": application,
            "events": application.events.select_related("actor", "organization"),
            "versions": application.versions.select_related("submitted_by").order_by("-number"),
            "may_edit": request.user.has_perm("surveys.edit_application", application),
            "first_section": sections_for(application.survey)[0].key,
            **_deadline_context(application),
        },
    )


def _version(application: Application, number: int) -> ApplicationVersion:
    return get_object_or_404(
        ApplicationVersion.objects.select_related("application__survey", "submitted_by"),
        application=application,
        number=number,
    )


@view_application
def version_detail(request, pk: int, number: int, obj: Application):
    version = _version(obj, number)
    access_record(request.user, version.application, AccessAction.VERSION_VIEW, detail=f"v{version.number}")
    return render(
        request,
        "surveys/application/version.html",
        {
            "version": version,
            "application": version.application,
            "answers": service.labelled_answers(version.application.survey, version.answers),
        },
    )


@view_application
def version_pdf(request, pk: int, number: int, obj: Application):
    version = _version(obj, number)
    if not version.pdf:
        raise Http404
    access_record(request.user, version.application, AccessAction.VERSION_PDF, detail=f"v{version.number}")
    return attachment_response(served_file(version, version.pdf), f"{version.receipt_number}-v{version.number}.pdf")


@view_application
def version_diff(request, pk: int, obj: Application):
    application = obj
    a, b = id_from(request.GET.get("a", "")), id_from(request.GET.get("b", ""))
    if a is None or b is None:
        raise Http404
    old = get_object_or_404(ApplicationVersion, application=application, number=min(a, b))
    new = get_object_or_404(ApplicationVersion, application=application, number=max(a, b))
    access_record(request.user, application, AccessAction.DIFF, detail=f"v{old.number}-v{new.number}")
    return render(
        request,
        "surveys/application/diff.html",
        {
            "application": application,
            "old": old,
            "new": new,
            "changes": service.version_diff(application.survey, old, new),
        },
    )


@view_application
def application_record_pdf(request, pk: int, obj: Application):
    """The application as it stands: latest version and full provenance, rendered on request."""
    from portal.services.pdf import render_pdf
    from surveys.services.receipts import version_pdf_context

    application = obj
    latest = (
        application.versions.select_related("application__survey", "application__organization", "submitted_by")
        .order_by("-number")
        .first()
    )
    if latest is None:
        raise Http404
    access_record(request.user, application, AccessAction.RECORD_PDF, detail=f"v{latest.number}")
    context = version_pdf_context(latest)
    context["record"] = True
    context["events"] = application.events.select_related("actor", "organization").order_by("at", "pk")
    return file_response(
        render_pdf("pdf/application_version.html", context), f"{application.receipt_number}-record.pdf"
    )


@edit_application
def application_draft_pdf(request, pk: int, obj: Application):
    """The application as it stands now, marked as a draft on every page: its own organisation's filers only."""
    from surveys.printable import draft_pdf

    application = obj
    access_record(request.user, application, AccessAction.DRAFT_PDF, detail=f"revision {application.revision}")
    return file_response(draft_pdf(application), f"draft-{application.pk}.pdf")
