"""Upload checks: the type comes from the content, never from the name."""

import zipfile
from pathlib import PurePath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Extension → content types libmagic may report for it.
DOCUMENT_TYPES = {
    "pdf": {"application/pdf"},
    "hwp": {
        "application/x-hwp",
        "application/haansofthwp",
        "application/vnd.hancom.hwp",
        "application/x-ole-storage",
        "application/CDFV2",
    },
    "hwpx": {"application/hwp+zip", "application/zip", "application/x-hwpx"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
}

#: Files a zip-based document must contain, so that any zip renamed .docx is refused.
ZIP_MARKERS = {
    "hwpx": "Contents/",
    "docx": "word/",
    "xlsx": "xl/",
    "pptx": "ppt/",
}


def safe_original_name(name: str) -> str:
    """The last path part of an uploaded name, without control characters, at most 200 chars."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return base.strip(" .")[:200]


def check_upload(upload, *, allowed: set[str], max_size: int) -> str:
    """Return the file's extension when its content matches it; raise ValidationError otherwise."""
    name = safe_original_name(upload.name or "")
    if not name:
        raise ValidationError(_("The file has no usable name."), code="name")
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > max_size:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": max_size // (1024 * 1024)},
            code="size",
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s”: files of this type are not accepted. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(allowed)).upper()},
            code="type",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    detected = magic.from_buffer(head, mime=True)
    if detected not in DOCUMENT_TYPES.get(extension, set()):
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file (its content is %(detected)s).")
            % {"name": name, "type": extension.upper(), "detected": detected},
            code="content",
        )
    marker = ZIP_MARKERS.get(extension)
    if marker:
        _check_package(upload, name=name, extension=extension, marker=marker)
    if extension == "pdf":
        _check_pdf(upload, name=name)
    return extension


def _not_really(name: str, extension: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not really a %(type)s file.") % {"name": name, "type": extension.upper()}, code="content"
    )


def _check_package(upload, *, name: str, extension: str, marker: str) -> None:
    """A zip-based document (HWPX, DOCX, XLSX, PPTX): its marker part present, and unpacking it bounded.

    The sizes come from the archive's directory; reading an entry never yields more than its declared
    size (``zipfile`` stops there), so a directory that under-states them cannot unpack more either.
    """
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        entries = []
    finally:
        upload.seek(0)
    if not any(entry.filename.startswith(marker) for entry in entries):
        raise _not_really(name, extension)
    if len(entries) > settings.ATTACHMENT_MAX_ARCHIVE_ENTRIES:
        raise ValidationError(
            _("“%(name)s” holds %(count)s parts; at most %(limit)s are accepted.")
            % {"name": name, "count": f"{len(entries):,}", "limit": f"{settings.ATTACHMENT_MAX_ARCHIVE_ENTRIES:,}"},
            code="archive",
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.ATTACHMENT_MAX_UNPACKED_SIZE:
        raise ValidationError(
            _("“%(name)s” unpacks to more than %(limit)s MB; a document that large is not accepted.")
            % {"name": name, "limit": settings.ATTACHMENT_MAX_UNPACKED_SIZE // (1024 * 1024)},
            code="archive",
        )


#: Markup that no PDF carries at its start, but an HTML page disguised as one (a polyglot) does.
HTML_MARKERS = (b"<html", b"<!doctype", b"<script", b"<body", b"<head", b"<iframe", b"<svg")


def _check_pdf(upload, *, name: str) -> None:
    """A PDF that pypdf reads: a trailer, a page tree, at least one page; no HTML in its first kilobyte."""
    from pypdf import PdfReader

    upload.seek(0)
    head = upload.read(1024).lower()
    upload.seek(0)
    if any(marker in head for marker in HTML_MARKERS):
        raise _not_really(name, "pdf")
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("“%(name)s” is protected by a password. Upload it without the password.") % {"name": name},
                code="encrypted",
            )
        if len(reader.pages) < 1:
            raise _not_really(name, "pdf")
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds on a damaged or fake PDF
        raise _not_really(name, "pdf") from error
    finally:
        upload.seek(0)
