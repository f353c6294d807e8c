"""Upload checks: the type comes from the content, never from the name."""

import zipfile
from pathlib import PurePath

import magic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Extension → content types libmagic may report for it.
DOCUMENT_TYPES = {
    "pdf": {"application/pdf"},
    "hwp": {"application/x-hwp", "application/haansofthwp", "application/vnd.hancom.hwp", "application/x-ole-storage", "application/CDFV2"},
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
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        finally:
            upload.seek(0)
        if not any(n.startswith(marker) for n in names):
            raise ValidationError(
                _("“%(name)s” is not really a %(type)s file.") % {"name": name, "type": extension.upper()},
                code="content",
            )
    return extension
