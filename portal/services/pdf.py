"""Render Django templates to PDF with WeasyPrint, with a Korean font shipped in static/.

PDF templates extend ``pdf/base.html``, which loads ``static/css/pdf.css``; that sheet
declares the NanumGothic faces from ``static/fonts`` so Hangul never depends on the fonts a
machine happens to have.
"""

import atexit
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    atexit.register(_release_fonts)
    return FontConfiguration()


def _release_fonts():
    _stylesheets.cache_clear()
    _font_config.cache_clear()


def _allowed_file(path: Path) -> bool:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT).resolve()]
    return any(path.resolve().is_relative_to(root) for root in roots)


def _portal_url_fetcher():
    """A fetcher that serves the portal's static files and refuses everything else."""
    from weasyprint.urls import URLFetcher

    class PortalURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            prefixes = (settings.STATIC_URL, "http://portal" + settings.STATIC_URL)
            for prefix in prefixes:
                if url.startswith(prefix):
                    found = finders.find(url[len(prefix) :].split("?")[0])
                    if found:
                        return super().fetch(Path(found).as_uri(), headers)
            if url.startswith("file://") and _allowed_file(Path(url[len("file://") :].split("?")[0])):
                return super().fetch(url, headers)
            raise ValueError(f"PDF resources must come from the portal's static files: {url}")

    return PortalURLFetcher(allowed_protocols={"file", "http"}, fail_on_errors=False)


@lru_cache(maxsize=1)
def _stylesheets():
    from weasyprint import CSS

    path = finders.find("css/pdf.css")
    return [CSS(filename=path, font_config=_font_config(), url_fetcher=_portal_url_fetcher())]


def render_pdf(template_name: str, context: dict, *, language: str | None = None) -> bytes:
    """Render a template to PDF bytes."""
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    document = HTML(string=html, base_url="http://portal/", url_fetcher=_portal_url_fetcher())
    return document.write_pdf(stylesheets=_stylesheets(), font_config=_font_config())


def render_signed_pdf(template_name: str, context: dict, *, language: str | None = None):
    """Render an issued record and sign it (PAdES). If signing fails the unsigned PDF comes back
    with ``signed=False`` and the reason; ``portal.services.documents.document_record`` records it
    and the beat retries."""
    from portal.services.signing import pdf_sign_or_keep

    return pdf_sign_or_keep(render_pdf(template_name, context, language=language))


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int


def store_bytes(data: bytes, *, folder: str, filename: str) -> StoredFile:
    """Save bytes through the configured storage (local disk or an S3 bucket)."""
    digest = hashlib.sha256(data).hexdigest()
    name = default_storage.save(f"{folder.strip('/')}/{filename}", ContentFile(data))
    return StoredFile(name=name, sha256=digest, size=len(data))


def render_pdf_to_storage(
    template_name: str, context: dict, *, folder: str, filename: str, language: str | None = None
) -> StoredFile:
    return store_bytes(render_pdf(template_name, context, language=language), folder=folder, filename=filename)
