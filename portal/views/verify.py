"""The public verification page: a PDF's signature and origin, a receipt's state, the audit chain's heads."""

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from portal.forms import ReceiptLookupForm, VerifyUploadForm
from portal.ratelimit import rate_limit_hit, too_many_requests
from portal.selectors import audit_day_heads, document_by_digest, documents_by_reference
from portal.services.signing import NotAPdf, pdf_signatures_check

HEADS_PER_PAGE = 31
#: Room for the multipart envelope and the CSRF token around the file itself.
ENVELOPE_BYTES = 64 * 1024


class _SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload (sent without a length, or lying about it) once it passes the limit."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit, self.seen = limit, 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.request.verify_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _max_bytes() -> int:
    return settings.VERIFY_UPLOAD_MAX_MB * 2**20


def upload_limit(request) -> None:
    """Called by ``VerifyUploadLimitMiddleware`` before anything parses the body.

    A body announced as too large is never read: the form data is left empty and the page says
    why (nothing is changed by this page, so the CSRF check has nothing to protect then). A body
    that is longer than announced, or has no length, stops being read at the limit."""
    request.verify_too_large = False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > _max_bytes() + ENVELOPE_BYTES:
        request.verify_too_large = True
        request._post, request._files = QueryDict(), MultiValueDict()
        request._dont_enforce_csrf_checks = True
    else:
        request.upload_handlers.insert(0, _SizeLimitHandler(request, _max_bytes()))


def _page(request, status=200, **context):
    heads = Paginator(audit_day_heads(), HEADS_PER_PAGE).get_page(request.GET.get("page"))
    context.setdefault("upload_form", VerifyUploadForm(max_bytes=_max_bytes()))
    context.setdefault("lookup_form", ReceiptLookupForm())
    return render(
        request,
        "portal/verify/page.html",
        {"heads": heads, "max_mb": settings.VERIFY_UPLOAD_MAX_MB, **context},
        status=status,
    )


def _limited(request):
    return rate_limit_hit(request, "verify", limit=settings.VERIFY_RATE_PER_MINUTE)


def verify(request):
    if request.method == "POST":
        retry = _limited(request)
        if retry:
            return too_many_requests(retry)
        if getattr(request, "verify_too_large", False):
            return _page(
                request,
                status=413,
                upload_error=_("The file is larger than %(mb)s MB, the most this page checks.")
                % {"mb": settings.VERIFY_UPLOAD_MAX_MB},
            )
        form = VerifyUploadForm(request.POST, request.FILES, max_bytes=_max_bytes())
        if not form.is_valid():
            return _page(request, upload_form=form, status=400)
        data = form.cleaned_data["document"].read()
        try:
            checks = pdf_signatures_check(data)
        except NotAPdf:
            form.add_error("document", _("This file is not a PDF the page can read. Upload the PDF the portal issued."))
            return _page(request, upload_form=form, status=400)
        digest = hashlib.sha256(data).hexdigest()
        document, served = document_by_digest(digest)
        return _page(
            request,
            upload_form=form,
            result={
                "name": form.cleaned_data["document"].name,
                "sha256": digest,
                "checks": checks,
                "document": document,
                "served": served,
            },
        )
    if "receipt" in request.GET:
        lookup = ReceiptLookupForm(request.GET)
        if lookup.is_valid():
            retry = _limited(request)
            if retry:
                return too_many_requests(retry)
            return _page(
                request,
                lookup_form=lookup,
                lookup={
                    "reference": lookup.cleaned_data["receipt"],
                    "documents": documents_by_reference(lookup.cleaned_data["receipt"]),
                },
            )
        return _page(request, lookup_form=lookup, status=400)
    return _page(request)
