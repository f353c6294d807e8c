import io
import shutil
import subprocess  # nosec B404

import pytest
from pypdf import PdfReader

from portal.services.pdf import render_pdf, render_pdf_to_storage


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_renders_hangul_text_with_the_shipped_korean_font():
    data = render_pdf(
        "pdf/sample.html",
        {"title": "국가첨단전략기술 지정 수요조사", "body": "협동로봇 정밀 감속기 양산기술"},
    )
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert "국가첨단전략기술" in text
    assert "협동로봇 정밀 감속기 양산기술" in text
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Portal-Gothic" in name for name in fonts), fonts


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_extracted_by_poppler_is_korean(tmp_path):
    path = tmp_path / "sample.pdf"
    path.write_bytes(render_pdf("pdf/sample.html", {"title": "산업통상자원부 고시", "body": "지정"}))
    out = subprocess.run(  # nosec B603 B607
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "산업통상자원부 고시" in out


def test_pdf_is_stored_through_the_storage_api_with_its_hash(settings):
    import hashlib

    from django.core.files.storage import default_storage

    stored = render_pdf_to_storage(
        "pdf/sample.html", {"title": "접수증", "body": "2026-ROB-0001"}, folder="receipts", filename="r.pdf"
    )
    with default_storage.open(stored.name, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == stored.sha256
    assert stored.name.startswith("receipts/")


def test_pdf_refuses_resources_from_outside_the_portal():
    from portal.services.pdf import _portal_url_fetcher

    with pytest.raises(ValueError):
        _portal_url_fetcher().fetch("http://169.254.169.254/latest/meta-data")


def test_pdf_refuses_local_files_outside_static():
    from portal.services.pdf import _portal_url_fetcher

    with pytest.raises(ValueError):
        _portal_url_fetcher().fetch("file:///etc/passwd")
