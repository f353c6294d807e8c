import hashlib
import io
from functools import lru_cache

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from portal.models import AuditEvent, DocumentKind, SignatureStatus, SignedDocument
from portal.services.documents import document_record, served_file
from portal.services.pdf import render_pdf, render_signed_pdf
from portal.services.signing import pdf_sign, pdf_signatures_check
from portal.signing_demo import demo_ca_write
from portal.tasks import sign_pending_documents
from tests.factories import OrganizationFactory

VERIFY = "/verify/"


@lru_cache(maxsize=1)
def _unsigned() -> bytes:
    return render_pdf("pdf/sample.html", {"title": "산업통상자원부 고시", "body": "국가첨단전략기술 지정"})


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_sign_adds_a_valid_pades_signature_by_the_configured_certificate():
    signed = pdf_sign(_unsigned())
    assert signed.startswith(b"%PDF") and b"/ETSI.CAdES.detached" in signed
    assert "국가첨단전략기술 지정" in _text(signed)
    [check] = pdf_signatures_check(signed)
    assert check.valid, check.problems
    assert "문서 서명" in check.signer and check.signed_at is not None


def test_a_changed_byte_inside_the_signed_range_breaks_the_signature():
    signed = bytearray(pdf_sign(_unsigned()))
    position = signed.index(b"/MediaBox")
    signed[position + 1 : position + 9] = b"MEDIABOX"  # a change anywhere the signature covers
    [check] = pdf_signatures_check(bytes(signed))
    assert not check.intact and not check.valid


def test_content_appended_after_the_signature_is_reported():
    signed = pdf_sign(_unsigned())
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Forged"] = generic.pdf_string("changed after signing")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    [check] = pdf_signatures_check(out.getvalue())
    assert check.intact and not check.whole_document and not check.valid


def test_a_signature_by_another_ca_is_not_trusted(tmp_path, settings, signing_ca):
    demo_ca_write(tmp_path / "stranger", signer_name="누군가")
    settings.SIGNING_DEMO_DIR = str(tmp_path / "stranger")
    forged = pdf_sign(_unsigned())
    settings.SIGNING_DEMO_DIR = str(signing_ca)
    [check] = pdf_signatures_check(forged)
    assert check.intact and not check.trusted and not check.valid
    assert "누군가" in check.signer


def test_rotation_keeps_old_signatures_valid_when_the_old_root_stays_trusted(tmp_path, settings, signing_ca):
    old = pdf_sign(_unsigned())
    new = demo_ca_write(tmp_path / "new")
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = str(new["key"]), str(new["cert"])
    settings.SIGNING_CHAIN_FILE = str(new["ca"])
    settings.SIGNING_TRUST_ROOTS = [str(new["ca"]), str(signing_ca / "ca-cert.pem")]
    fresh = pdf_sign(_unsigned())
    assert all(check.valid for check in pdf_signatures_check(old) + pdf_signatures_check(fresh))
    settings.SIGNING_TRUST_ROOTS = [str(new["ca"])]
    assert not pdf_signatures_check(old)[0].trusted


def test_render_signed_pdf_keeps_the_unsigned_pdf_when_no_key_is_configured(settings, tmp_path):
    settings.SIGNING_DEMO_DIR = str(tmp_path / "empty")
    result = render_signed_pdf("pdf/sample.html", {"title": "고시", "body": "본문"})
    assert not result.signed and "No signing key" in result.error
    assert result.data.startswith(b"%PDF") and pdf_signatures_check(result.data) == []


@pytest.mark.django_db
def test_a_failed_signature_is_recorded_and_the_beat_signs_it_later(
    settings, tmp_path, signing_ca, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory()  # stands for any record that owns an issued PDF
    settings.SIGNING_DEMO_DIR = str(tmp_path / "empty")
    result = render_signed_pdf("pdf/sample.html", {"title": "접수증", "body": "본문"})
    name = default_storage.save("surveys/receipts/2026-ROB-0009-v1.pdf", ContentFile(result.data))
    document = document_record(
        organization, kind=DocumentKind.RECEIPT, reference="2026-ROB-0009", label="v1", stored_name=name, result=result
    )
    own_file = default_storage.open(name)
    own_file.name = name
    assert document.status == SignatureStatus.PENDING and "No signing key" in document.error
    assert AuditEvent.objects.filter(action="portal.document.signing_failed").count() == 1

    with django_capture_on_commit_callbacks(execute=True):  # the beat's tasks are queued on commit
        assert sign_pending_documents() == 1  # still no key: counted again, left pending
    document.refresh_from_db()
    assert (document.status, document.attempts) == (SignatureStatus.PENDING, 2)

    settings.SIGNING_DEMO_DIR = str(signing_ca)
    with django_capture_on_commit_callbacks(execute=True):
        sign_pending_documents()
    document.refresh_from_db()
    assert document.status == SignatureStatus.SIGNED and document.file and document.signed_at
    signed = document.file.read()
    assert document.sha256 == hashlib.sha256(signed).hexdigest() != document.source_sha256
    assert pdf_signatures_check(signed)[0].valid
    assert served_file(organization, own_file) == document.file
    assert AuditEvent.objects.filter(action="portal.document.signed").count() == 1


# the public page ----------------------------------------------------------------------------------------------------


def _issued(signed=True) -> tuple[SignedDocument, bytes]:
    from django.conf import settings

    if not signed:
        settings.SIGNING_DEMO_DIR = "/nonexistent/signing"
    result = render_signed_pdf("pdf/sample.html", {"title": "지정 고시", "body": "본문"})
    name = default_storage.save("review/notices/notice-1.pdf", ContentFile(result.data))
    document = document_record(
        OrganizationFactory(),
        kind=DocumentKind.NOTICE,
        reference="제2026-101호",
        label="",
        stored_name=name,
        result=result,
    )
    return document, result.data


def _upload(client, data: bytes, name="notice.pdf", content_type="application/pdf"):
    return client.post(VERIFY, {"document": SimpleUploadedFile(name, data, content_type=content_type)})


@pytest.mark.django_db
def test_verify_page_confirms_a_signed_document_the_portal_issued(client):
    document, data = _issued()
    response = _upload(client, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="signature-valid"' in page and "문서 서명" in page
    assert 'data-testid="document-match"' in page and "제2026-101호" in page
    assert document.sha256 in page


@pytest.mark.django_db
def test_verify_page_rejects_a_tampered_copy(client):
    _document, data = _issued()
    tampered = bytearray(data)
    position = tampered.index(b"/MediaBox")
    tampered[position + 1 : position + 9] = b"MEDIABOX"
    page = _upload(client, bytes(tampered)).content.decode()
    assert 'data-testid="signature-invalid"' in page and 'data-testid="signature-valid"' not in page
    assert 'data-testid="document-no-match"' in page


@pytest.mark.django_db
def test_verify_page_says_an_unsigned_document_is_not_yet_signed(client):
    document, data = _issued(signed=False)
    page = _upload(client, data).content.decode()
    assert 'data-testid="signature-none"' in page
    assert "아직 서명되지 않았습니다" in page
    page = client.get(VERIFY, {"receipt": document.reference}).content.decode()
    assert 'data-testid="lookup-result"' in page and "서명 대기" in page


@pytest.mark.django_db
def test_verify_page_looks_up_a_number_but_never_a_committee_book(client):
    document, _data = _issued()
    page = client.get(VERIFY, {"receipt": "제2026-101호"}).content.decode()
    assert document.sha256 in page and "서명됨" in page
    SignedDocument.objects.filter(pk=document.pk).update(kind=DocumentKind.BOOK)
    page = client.get(VERIFY, {"receipt": "제2026-101호"}).content.decode()
    assert 'data-testid="lookup-none"' in page and document.sha256 not in page


@pytest.mark.django_db
def test_verify_page_refuses_what_is_not_a_pdf_with_a_clear_message(client):
    response = _upload(client, b"MZ\x90\x00 not a pdf", name="virus.exe", content_type="application/octet-stream")
    assert response.status_code == 400
    assert "PDF 파일이 아닙니다" in response.content.decode()
    response = _upload(client, b"%PDF-1.7\n garbage with no structure")
    assert response.status_code == 400 and 'data-testid="verify-error"' in response.content.decode()
    response = client.post(VERIFY, {})
    assert response.status_code == 400


@pytest.mark.django_db
def test_verify_page_refuses_a_file_over_the_limit_before_reading_it(client, settings):
    settings.VERIFY_UPLOAD_MAX_MB = 1
    response = _upload(client, b"%PDF-1.7\n" + b"0" * (2 * 2**20))
    assert response.status_code == 413
    assert "1 MB" in response.content.decode() and 'data-testid="verify-error"' in response.content.decode()


@pytest.mark.django_db
@time_machine.travel("2026-12-02 10:00:05+09:00", tick=False)  # one window of the fixed-window count
def test_verify_page_is_rate_limited_per_client(client, settings):
    settings.VERIFY_RATE_PER_MINUTE = 2
    for _ in range(2):
        assert client.get(VERIFY, {"receipt": "2026-ROB-0001"}).status_code == 200
    response = client.get(VERIFY, {"receipt": "2026-ROB-0001"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert client.get(VERIFY, {"receipt": "2026-ROB-0001"}, REMOTE_ADDR="203.0.113.50").status_code == 200


@pytest.mark.django_db
def test_verify_page_publishes_each_days_audit_chain_head(client):
    from portal.models import AuditDayHead
    from portal.services.audit import audit_log

    audit_log("portal.test.one")
    last = audit_log("portal.test.two")
    page = client.get(VERIFY).content.decode()
    head = AuditDayHead.objects.get()
    assert head.head_hash == last.row_hash and head.head_hash in page
    assert f"{head.day:%Y-%m-%d}" in page
