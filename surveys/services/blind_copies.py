"""Blind copies of attachments: the same document without the properties that name who wrote it.

Reviewers and committees never receive an applicant's file as uploaded: PDF info dictionaries and XMP streams,
OOXML (DOCX, XLSX, PPTX) core, app and custom properties and comment authors, HWPX package metadata and image
metadata (EXIF, XMP, text chunks) are removed. A copy is made once per content (its SHA-256), stored through
Django's storage and reused. Files that cannot be read, and types that cannot be cleaned (HWP), are withheld.
The document's text is kept with the copy for the intake scan for names and numbers.
"""

import html
import io
import logging
import re
import zipfile

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from surveys.models import Attachment, BlindCopy

log = logging.getLogger(__name__)

OOXML = {"docx", "xlsx", "pptx"}
ZIPPED = OOXML | {"hwpx"}
IMAGES = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
#: What is read of a zip-based document at most (entries and unpacked bytes): a bomb is not unpacked.
MAX_ENTRIES = 5000
MAX_UNPACKED = 200 * 2**20
#: The text kept for the scan.
MAX_TEXT = 2_000_000
MAX_PAGES = 2000

EMPTY_PROPERTIES = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
    ),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
    ),
}
#: Attributes that name a person in comments, tracked changes and co-authoring (Word, Excel, PowerPoint).
PERSON_ATTRIBUTES = re.compile(
    r'(?<![\w:])((?:\w+:)?(?:author|initials|userId|providerId|displayName|lastModifiedBy))="[^"]*"'
)
#: PowerPoint's comment author list names people in a plain “name” attribute.
AUTHOR_NAMES = re.compile(r'(?<![\w:])(name)="[^"]*"')
AUTHOR_LISTS = re.compile(r"^ppt/(commentAuthors|authors)\.xml$")
PERSON_PARTS = re.compile(
    r"^(word/(comments|people|document|footnotes|endnotes|header\d*|footer\d*)[^/]*\.xml"
    r"|xl/(comments\d*\.xml|persons/.*\.xml|threadedComments/.*\.xml)"
    r"|ppt/(commentAuthors\.xml|authors\.xml|comments/.*\.xml))$"
)
XLSX_AUTHORS = re.compile(r"<author>[^<]*</author>")
#: HWPX: the package metadata (title, creator, last saved by, dates) in Contents/content.hpf.
HPF_METADATA = re.compile(r"(<(?:\w+:)?metadata\b[^>]*>).*?(</(?:\w+:)?metadata>)", re.DOTALL)
HWPX_METADATA_PARTS = ("META-INF/container.rdf",)
#: The parts whose text is scanned: the document body, not its styles or relationships.
TEXT_PARTS = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml"
    r"|xl/(sharedStrings\.xml|worksheets/[^/]+\.xml|comments\d*\.xml)"
    r"|ppt/(slides|notesSlides)/[^/]+\.xml"
    r"|Contents/section\d+\.xml|Contents/header\.xml|Preview/PrvText\.txt)$"
)
XML_TEXT = re.compile(r">([^<]+)<")


class Unreadable(Exception):
    """The file does not open as the type it was accepted as."""


# -- PDF ------------------------------------------------------------------------------------------------------------


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted")
        reader.pages[0]  # a PDF without a page tree is not a document
    except Unreadable:
        raise
    except Exception as error:  # pypdf raises many kinds on broken files
        raise Unreadable(str(error)) from error
    return reader


def strip_pdf(data: bytes) -> bytes:
    """The PDF without its info dictionary, XMP streams (document and page level) and annotation authors."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    reader = _pdf_reader(data)
    try:
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer._root_object
        for key in ("/Metadata", "/PieceInfo"):
            if NameObject(key) in root:
                del root[NameObject(key)]
        for page in writer.pages:
            for key in ("/Metadata", "/PieceInfo"):
                if NameObject(key) in page:
                    del page[NameObject(key)]
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                for key in ("/T", "/RC"):
                    if NameObject(key) in annotation:
                        del annotation[NameObject(key)]
        writer.metadata = None
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # the old XMP and info
        out = io.BytesIO()
        writer.write(out)
    except Exception as error:
        raise Unreadable(str(error)) from error
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    reader = _pdf_reader(data)
    parts, size = [], 0
    for index, page in enumerate(reader.pages):
        if index >= MAX_PAGES or size >= MAX_TEXT:
            break
        try:
            text = page.extract_text() or ""
        except Exception:  # one broken page does not hide the others
            continue
        parts.append(text)
        size += len(text)
    return "\n".join(parts)[:MAX_TEXT]


# -- OOXML and HWPX -------------------------------------------------------------------------------------------------


def _entries(data: bytes):
    """The zip's entries and their content, refusing archives that unpack past the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Unreadable(str(error)) from error
    if len(infos) > MAX_ENTRIES or sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise Unreadable("too large when unpacked")
    total = 0
    entries = []
    for info in infos:
        try:
            with archive.open(info) as handle:
                content = handle.read(MAX_UNPACKED - total + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as error:
            raise Unreadable(str(error)) from error
        total += len(content)
        if total > MAX_UNPACKED:
            raise Unreadable("too large when unpacked")
        entries.append((info, content))
    return entries


def _clean_part(name: str, content: bytes, kind: str) -> bytes | None:
    """The part as the blind copy holds it; None leaves it out."""
    if kind in OOXML and name in EMPTY_PROPERTIES:
        return EMPTY_PROPERTIES[name].encode()
    if kind in OOXML and PERSON_PARTS.match(name):
        text = content.decode("utf-8", "replace")
        text = PERSON_ATTRIBUTES.sub(lambda m: f'{m.group(1)}=""', text)
        text = XLSX_AUTHORS.sub("<author></author>", text)
        if AUTHOR_LISTS.match(name):
            text = AUTHOR_NAMES.sub(lambda m: f'{m.group(1)}=""', text)
        return text.encode()
    if kind == "hwpx" and name == "Contents/content.hpf":
        return HPF_METADATA.sub(r"\1\2", content.decode("utf-8", "replace")).encode()
    if kind == "hwpx" and name in HWPX_METADATA_PARTS:
        return None
    return content


def strip_zipped(data: bytes, kind: str) -> bytes:
    """The OOXML or HWPX package without its document properties and person attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as blind:
        for info, content in _entries(data):
            if info.is_dir():
                continue
            cleaned = _clean_part(info.filename, content, kind)
            if cleaned is None:
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            # HWPX (like ODF) wants its “mimetype” entry first and stored; the rest is compressed.
            entry.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            blind.writestr(entry, cleaned)
    return out.getvalue()


def zipped_text(data: bytes) -> str:
    parts, size = [], 0
    for info, content in _entries(data):
        if not TEXT_PARTS.match(info.filename) or size >= MAX_TEXT:
            continue
        text = content.decode("utf-8", "replace")
        if info.filename.endswith(".xml"):
            text = " ".join(html.unescape(piece) for piece in XML_TEXT.findall(text))
        parts.append(text)
        size += len(text)
    return "\n".join(parts)[:MAX_TEXT]


# -- images ---------------------------------------------------------------------------------------------------------


def strip_image(data: bytes, kind: str) -> bytes:
    """The picture re-encoded from its pixels only: no EXIF (camera owner, GPS), XMP or text chunks."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.load()
            clean = image.copy()
        clean.info = {}
        out = io.BytesIO()
        if IMAGES[kind] == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, format=IMAGES[kind], **({"quality": 95} if IMAGES[kind] == "JPEG" else {}))
    except Exception as error:  # Pillow raises many kinds on broken or oversized pictures
        raise Unreadable(str(error)) from error
    return out.getvalue()


# -- the stored copy ------------------------------------------------------------------------------------------------


def _storable(text: str) -> str:
    """Text PostgreSQL accepts: no NUL characters, no lone surrogates (extracted text may hold both)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def make_blind(data: bytes, kind: str) -> tuple[str, bytes, str]:
    """(status, blind bytes, text) for a file's content and accepted type."""
    kind = (kind or "").lower()
    try:
        if kind == "pdf":
            return BlindCopy.Status.READY, strip_pdf(data), _storable(pdf_text(data))
        if kind in ZIPPED:
            return BlindCopy.Status.READY, strip_zipped(data, kind), _storable(zipped_text(data))
        if kind in IMAGES:
            return BlindCopy.Status.READY, strip_image(data, kind), ""
    except Unreadable as error:
        log.info("No blind copy of a %s file: %s", kind, error)
        return BlindCopy.Status.UNREADABLE, b"", ""
    return BlindCopy.Status.UNSUPPORTED, b"", ""


def blind_copy_for(attachment: Attachment) -> BlindCopy:
    """The stored blind copy of an attachment's content, made now if it is not there yet."""
    existing = BlindCopy.objects.filter(sha256=attachment.sha256).first()
    if existing is not None:
        return existing
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        status, blind, text = BlindCopy.Status.UNREADABLE, b"", ""
    else:
        status, blind, text = make_blind(data, attachment.kind)
    copy = BlindCopy(sha256=attachment.sha256, kind=attachment.kind, status=status, text=text)
    if blind:
        copy.file.save(f"blind.{attachment.kind}", ContentFile(blind), save=False)
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:  # made at the same time by another request or worker
        if copy.file:
            copy.file.delete(save=False)
        return BlindCopy.objects.get(sha256=attachment.sha256)
    return copy


def blind_copies_make(attachment_ids) -> int:
    """Make the missing blind copies of these attachments; returns how many were made."""
    made = 0
    for attachment in Attachment.objects.filter(pk__in=list(attachment_ids)).order_by("pk"):
        if not BlindCopy.objects.filter(sha256=attachment.sha256).exists():
            blind_copy_for(attachment)
            made += 1
    return made


def queue_blind_copies(attachment_ids) -> None:
    """After the commit, have a worker make the blind copies (reviewers' downloads make any still missing)."""
    from portal.tasks import enqueue
    from surveys.tasks import make_blind_copies

    ids = sorted(set(attachment_ids))
    if ids:  # enqueue never fails the request: a broker outage leaves the copies to be made on first use
        enqueue(make_blind_copies, ids)
