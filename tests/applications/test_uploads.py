"""Uploads to an application: what is refused, what is accepted, where it is stored, how it is served."""

import hashlib
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.uploads import check_upload
from surveys.models import Attachment
from surveys.services import applications as service
from tests.factories import MINIMAL_PDF, make_user

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                "</Types>"
            ),
            "word/document.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>사업계획서</w:t></w:r></w:p></w:body></w:document>"
            ),
        }
    )


HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64

#: name, content, expected error code, settings to apply
REJECTED = {
    "oversize": ("큰계획서.pdf", PDF + b"%" * 4096, "size", {"ATTACHMENT_MAX_FILE_SIZE": 1024}),
    "html_as_pdf": ("보고서.pdf", HTML, "content", {}),
    "empty": ("빈파일.pdf", b"", "empty", {}),
    "zip_as_docx": ("계획서.docx", _zip({"readme.txt": "not a word document"}), "content", {}),
    "exe": ("setup.exe", EXE, "type", {}),
}

ACCEPTED = {
    "pdf": ("사업계획서.pdf", PDF),
    "png": ("도면.png", _png()),
    "docx": ("설명서.docx", _docx()),
}


class RawUpload(io.BytesIO):
    """An upload whose name is exactly what a client sent (Django's own classes would cut the path off)."""

    def __init__(self, name: str, content: bytes):
        super().__init__(content)
        self.name = name
        self.size = len(content)


def _organization(user):
    return user.memberships.get().organization


@pytest.fixture
def application(open_survey, applicant):
    return service.application_create(open_survey, organization=_organization(applicant), actor=applicant)


@pytest.fixture
def member_client(client, applicant):
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _attachments_url(application):
    return reverse("surveys:application_attachments", kwargs={"pk": application.pk})


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _multipart(filename: str, content: bytes, content_type: str = "application/octet-stream"):
    """A multipart body with the file name exactly as given (the test client would strip its path)."""
    boundary = "----portal-upload-test"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _field_error(response) -> str:
    """The text of the error shown under the file input."""
    match = re.search(r'<div id="id_file_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert match, "no error is shown under the file input"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _body(response) -> bytes:
    # Consuming the stream closes the response the way the test client expects; closing it again
    # would fire request_finished and close the test's database connection.
    return b"".join(response.streaming_content)


def _xlsx_bomb(unpacked_mb: int = 200) -> bytes:
    """An .xlsx-shaped archive whose one sheet unpacks to ``unpacked_mb`` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                sheet.write(block)
    return buffer.getvalue()


def _pdf_html_polyglot() -> bytes:
    """Starts like a PDF (so libmagic says PDF) and carries a page a browser would run."""
    return b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script></body></html>\n" + PDF[9:]


def _not_a_pdf_at_all() -> bytes:
    return b"%PDF-1.7\n" + b"garbage that no reader can parse\n" * 20 + b"%%EOF\n"


# -- polyglots and zip bombs ----------------------------------------------------------------


def test_a_200_mb_zip_bomb_named_xlsx_is_refused():
    bomb = _xlsx_bomb()
    assert len(bomb) < 1024 * 1024  # a few hundred kilobytes
    with pytest.raises(ValidationError) as error:
        check_upload(
            SimpleUploadedFile("매출.xlsx", bomb),
            allowed=service.ATTACHMENT_TYPES,
            max_size=settings.ATTACHMENT_MAX_FILE_SIZE,
        )
    assert error.value.code == "archive"
    assert "매출.xlsx" in " ".join(error.value.messages)


def test_a_document_with_too_many_parts_is_refused(settings):
    settings.ATTACHMENT_MAX_ARCHIVE_ENTRIES = 20
    entries = {"word/document.xml": "<w:document/>", **{f"word/media/{i}.xml": "<x/>" for i in range(30)}}
    with pytest.raises(ValidationError) as error:
        check_upload(
            SimpleUploadedFile("계획서.docx", _zip(entries)),
            allowed=service.ATTACHMENT_TYPES,
            max_size=settings.ATTACHMENT_MAX_FILE_SIZE,
        )
    assert error.value.code == "archive"


@pytest.mark.parametrize("content", [_pdf_html_polyglot(), _not_a_pdf_at_all()], ids=["polyglot", "unparseable"])
def test_a_pdf_that_is_not_a_pdf_is_refused(content):
    with pytest.raises(ValidationError) as error:
        check_upload(
            SimpleUploadedFile("보고서.pdf", content),
            allowed=service.ATTACHMENT_TYPES,
            max_size=settings.ATTACHMENT_MAX_FILE_SIZE,
        )
    assert error.value.code == "content"


def test_the_attachments_view_refuses_a_polyglot_with_a_message(member_client, application):
    response = member_client.post(
        _attachments_url(application), {"file": SimpleUploadedFile("보고서.pdf", _pdf_html_polyglot())}
    )
    assert response.status_code == 400
    assert "보고서.pdf" in _field_error(response)
    assert not Attachment.objects.filter(application=application).exists()


# -- check_upload directly -----------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_check_upload_refuses(case, settings):
    name, content, code, overrides = REJECTED[case]
    for key, value in overrides.items():
        setattr(settings, key, value)
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        check_upload(upload, allowed=service.ATTACHMENT_TYPES, max_size=settings.ATTACHMENT_MAX_FILE_SIZE)
    assert error.value.code == code
    assert name in " ".join(error.value.messages)


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_check_upload_accepts(case):
    name, content = ACCEPTED[case]
    upload = SimpleUploadedFile(name, content)
    assert check_upload(upload, allowed=service.ATTACHMENT_TYPES, max_size=settings.ATTACHMENT_MAX_FILE_SIZE) == case
    assert upload.read() == content  # the check leaves the file at its start


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\etc\\passwd.pdf", "/etc/passwd.pdf"])
def test_check_upload_judges_a_path_name_by_its_last_part(name):
    assert check_upload(RawUpload(name, PDF), allowed={"pdf"}, max_size=1024) == "pdf"
    with pytest.raises(ValidationError) as error:
        check_upload(RawUpload(name, HTML), allowed={"pdf"}, max_size=1024)
    message = " ".join(error.value.messages)
    assert "passwd.pdf" in message and ".." not in message and "/etc" not in message


@pytest.mark.parametrize("name", ["../..", "", "<>|", " . "])
def test_check_upload_refuses_a_file_without_a_usable_name(name):
    with pytest.raises(ValidationError) as error:
        check_upload(RawUpload(name, PDF), allowed={"pdf"}, max_size=1024)
    assert error.value.code == "name"


# -- through the attachments view ----------------------------------------------------------


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_the_attachments_view_refuses(case, settings, member_client, application, tmp_path):
    name, content, code, overrides = REJECTED[case]
    for key, value in overrides.items():
        setattr(settings, key, value)
    revision = application.revision
    response = member_client.post(_attachments_url(application), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()["file"]
    assert [e.code for e in errors] == [code]
    assert name in " ".join(m for e in errors for m in e.messages)
    assert name in _field_error(response)
    assert not Attachment.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.revision == revision
    assert _stored_files(tmp_path / "media") == []


def test_a_path_in_the_file_name_is_dropped_and_the_file_stored_under_a_random_name(
    member_client, application, tmp_path
):
    body, content_type = _multipart("../../etc/passwd.pdf", PDF, "application/pdf")
    response = member_client.post(_attachments_url(application), data=body, content_type=content_type)
    assert response.status_code == 302
    assert response["Location"] == _attachments_url(application)
    attachment = Attachment.objects.get(application=application)
    assert attachment.original_name == "passwd.pdf"
    assert attachment.kind == "pdf"
    assert re.fullmatch(r"surveys/attachments/[0-9a-f]{32}\.pdf", attachment.file.name)
    media = (tmp_path / "media").resolve()
    assert Path(attachment.file.path).resolve().is_relative_to(media)
    assert _stored_files(tmp_path) == [Path(attachment.file.path)]
    assert Path(attachment.file.path).read_bytes() == PDF


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\etc\\passwd.pdf"])
def test_the_service_stores_a_path_name_under_a_random_name(name, application, applicant, tmp_path):
    attachment = service.attachment_add(application, upload=SimpleUploadedFile(name, PDF), actor=applicant)
    assert attachment.original_name == "passwd.pdf"
    assert re.fullmatch(r"surveys/attachments/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert _stored_files(tmp_path) == [Path(attachment.file.path)]
    assert Path(attachment.file.path).resolve().is_relative_to((tmp_path / "media").resolve())


def test_the_total_size_per_application_is_enforced(settings, member_client, application, applicant):
    settings.ATTACHMENT_MAX_TOTAL_SIZE = 3000
    first = PDF + b"%" * (2000 - len(PDF))
    response = member_client.post(_attachments_url(application), {"file": SimpleUploadedFile("첫째.pdf", first)})
    assert response.status_code == 302
    response = member_client.post(_attachments_url(application), {"file": SimpleUploadedFile("둘째.pdf", first)})
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["total"]
    assert _field_error(response)
    assert list(Attachment.objects.filter(application=application).values_list("original_name", flat=True)) == [
        "첫째.pdf"
    ]
    # A removed file no longer counts against the limit.
    attachment = Attachment.objects.get(application=application)
    remove = reverse("surveys:attachment_remove", kwargs={"pk": application.pk, "attachment_pk": attachment.pk})
    assert member_client.post(remove).status_code == 302
    response = member_client.post(_attachments_url(application), {"file": SimpleUploadedFile("둘째.pdf", first)})
    assert response.status_code == 302
    assert list(
        Attachment.objects.filter(application=application, removed_at__isnull=True).values_list(
            "original_name", flat=True
        )
    ) == ["둘째.pdf"]


def test_the_total_size_is_enforced_by_the_service(settings, application, applicant):
    settings.ATTACHMENT_MAX_TOTAL_SIZE = len(PDF) * 2
    service.attachment_add(application, upload=SimpleUploadedFile("a.pdf", PDF), actor=applicant)
    service.attachment_add(application, upload=SimpleUploadedFile("b.pdf", PDF), actor=applicant)
    with pytest.raises(ValidationError) as error:
        service.attachment_add(application, upload=SimpleUploadedFile("c.pdf", PDF), actor=applicant)
    assert error.value.code == "total"
    assert Attachment.objects.filter(application=application).count() == 2


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_valid_files_are_attached_and_served_only_through_the_checked_view(
    case, member_client, client, application, applicant
):
    name, content = ACCEPTED[case]
    response = member_client.post(_attachments_url(application), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=application)
    assert (attachment.original_name, attachment.kind, attachment.size) == (name, case, len(content))
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert re.fullmatch(rf"surveys/attachments/[0-9a-f]{{32}}\.{case}", attachment.file.name)

    page = member_client.get(_attachments_url(application))
    download = reverse("surveys:attachment_download", kwargs={"pk": application.pk, "attachment_pk": attachment.pk})
    assert f'href="{download}"' in page.content.decode()

    response = member_client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == content

    # The storage path itself is not served.
    assert member_client.get(settings.MEDIA_URL + attachment.file.name).status_code == 404

    member_client.logout()
    anonymous = client.get(download)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    stranger = make_user("applicant")
    client.force_login(stranger, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(download).status_code == 404


def test_an_attachment_is_not_reachable_through_another_application(member_client, application, applicant, open_survey):
    attachment = service.attachment_add(application, upload=SimpleUploadedFile("a.pdf", PDF), actor=applicant)
    own_other = service.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    stranger = make_user("applicant")
    foreign = service.application_create(open_survey, organization=_organization(stranger), actor=stranger)
    for other in (own_other, foreign):
        url = reverse("surveys:attachment_download", kwargs={"pk": other.pk, "attachment_pk": attachment.pk})
        assert member_client.get(url).status_code == 404


def test_uploads_after_the_deadline_are_refused(member_client, application, open_survey):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.models import Survey

    Survey.objects.filter(pk=open_survey.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = member_client.post(_attachments_url(application), {"file": SimpleUploadedFile("늦은.pdf", PDF)})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Attachment.objects.filter(application=application).exists()


def test_attachment_response_sets_its_own_safety_headers(application, applicant):
    """The headers come from the download helper itself, not only from the security middleware."""
    from portal.downloads import attachment_response

    attachment = service.attachment_add(
        application, upload=SimpleUploadedFile('보고서 "최종".pdf', PDF), actor=applicant
    )
    response = attachment_response(attachment.file, attachment.original_name)
    try:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            "attachment; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%20%EC%B5%9C%EC%A2%85.pdf"
        )
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PDF
    finally:
        attachment.file.close()  # not response.close(): that would fire request_finished outside a request


def test_attachment_response_is_404_for_a_missing_file(application, applicant):
    from django.http import Http404

    from portal.downloads import attachment_response

    attachment = service.attachment_add(application, upload=SimpleUploadedFile("a.pdf", PDF), actor=applicant)
    Path(attachment.file.path).unlink()
    with pytest.raises(Http404):
        attachment_response(attachment.file, attachment.original_name)
