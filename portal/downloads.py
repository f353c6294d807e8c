"""Serving files, stored or generated: always named in UTF-8 (RFC 5987), never sniffed, never cached on the way."""

import mimetypes
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse

NO_STORE = "private, no-store"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The header that names the file for any browser, Korean letters included (``filename*=UTF-8''…``)."""
    return f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"


def file_response(content, filename: str, content_type: str | None = None, *, inline: bool = False):
    """A response serving ``content``: bytes or text made for this request, or a stored file (a FieldFile, a 404
    when it is missing). The type is guessed from ``filename`` unless given."""
    if isinstance(content, (bytes, str)):
        guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = HttpResponse(content, content_type=content_type or guessed)
    else:
        if not content:
            raise Http404
        try:
            handle = content.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = NO_STORE
    return response


def attachment_response(field_file, filename: str) -> FileResponse:
    """A stored file as a download."""
    return file_response(field_file, filename)
