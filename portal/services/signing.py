"""PAdES signatures on the portal's records (pyHanko), and their verification.

The ministry's key, certificate and chain come from settings (``SIGNING_KEY_FILE``,
``SIGNING_CERT_FILE``, ``SIGNING_CHAIN_FILE``, ``SIGNING_KEY_PASSPHRASE``). With no key
configured, the demo CA in ``SIGNING_DEMO_DIR`` is used if it exists; in DEBUG it is created on
first use (``manage.py signing_demo_ca`` creates it explicitly). Verification trusts the roots
in ``SIGNING_TRUST_ROOTS`` (several files, so that roots retired by a rotation stay trusted),
else the self-signed certificates of the chain, else the demo CA.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

DEMO_KEY, DEMO_CERT, DEMO_CA = "signer-key.pem", "signer-cert.pem", "ca-cert.pem"
FIELD_NAME = "MinistrySignature"


class SigningError(Exception):
    """The document could not be signed (no key configured, an unreadable key, a broken PDF)."""


@dataclass(frozen=True)
class SigningMaterial:
    key_file: str
    cert_file: str
    chain_files: tuple[str, ...]
    passphrase: bytes | None
    trust_roots: tuple[str, ...]


def _demo_dir() -> Path:
    return Path(settings.SIGNING_DEMO_DIR)


def signing_material() -> SigningMaterial:
    """Where the key and certificates are, per the settings (the demo CA as the fallback)."""
    passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() if settings.SIGNING_KEY_PASSPHRASE else None
    if settings.SIGNING_KEY_FILE:
        chain = tuple(filter(None, [settings.SIGNING_CHAIN_FILE]))
        roots = tuple(settings.SIGNING_TRUST_ROOTS) or chain
        return SigningMaterial(settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE, chain, passphrase, roots)
    demo = _demo_dir()
    if not (demo / DEMO_KEY).exists() and settings.DEBUG:
        from portal.signing_demo import demo_ca_write

        demo_ca_write(demo)
    if not (demo / DEMO_KEY).exists():
        raise SigningError("No signing key is configured (SIGNING_KEY_FILE).")
    ca = str(demo / DEMO_CA)
    roots = tuple(settings.SIGNING_TRUST_ROOTS) or (ca,)
    return SigningMaterial(str(demo / DEMO_KEY), str(demo / DEMO_CERT), (ca,), None, roots)


@lru_cache(maxsize=4)
def _signer(material: SigningMaterial):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(
        material.key_file,
        material.cert_file,
        ca_chain_files=material.chain_files or None,
        key_passphrase=material.passphrase,
    )
    if signer is None:
        raise SigningError("The signing key or certificate could not be read.")
    return signer


def _outside_event_loop(function, *args, **kwargs):
    """Call a pyHanko function that runs its own event loop (``asyncio.run``). Where this thread already runs
    one (an ASGI server, a browser driven from the same process), the call goes to a short-lived thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def pdf_sign(data: bytes) -> bytes:
    """The PDF with a PAdES baseline signature by the ministry's key; raises ``SigningError``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        signer = _signer(signing_material())
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=settings.SIGNING_REASON,
            location=settings.SIGNING_LOCATION,
        )
        return _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer).getvalue()
    except SigningError:
        raise
    except Exception as error:  # pyHanko, cryptography and file errors all mean "not signed"
        raise SigningError(f"{error.__class__.__name__}: {error}"[:2000]) from error


@dataclass(frozen=True)
class SignedBytes:
    data: bytes
    signed: bool
    error: str = ""


def pdf_sign_or_keep(data: bytes) -> SignedBytes:
    """Sign if possible; on failure keep the unsigned PDF and say why (the beat retries)."""
    try:
        return SignedBytes(pdf_sign(data), True)
    except SigningError as error:
        logger.warning("PDF left unsigned: %s", error)
        return SignedBytes(data, False, str(error))


def _load_certs(paths) -> list:
    from asn1crypto import pem, x509

    certs = []
    for path in paths:
        raw = Path(path).read_bytes()
        if pem.detect(raw):
            certs.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(raw, multiple=True))
        else:
            certs.append(x509.Certificate.load(raw))
    return certs


def trust_roots() -> list:
    """The roots a signature must chain to; a chain file's self-signed certificates by default."""
    material = signing_material()
    certs = _load_certs(material.trust_roots)
    if not settings.SIGNING_TRUST_ROOTS:
        certs = [cert for cert in certs if cert.self_signed in ("maybe", "yes")] or certs
    return certs


class NotAPdf(ValueError):
    pass


@dataclass
class SignatureCheck:
    """What the verification page says about one signature."""

    intact: bool
    trusted: bool
    whole_document: bool
    signer: str
    signed_at: datetime | None
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and self.whole_document


def pdf_signatures_check(data: bytes) -> list[SignatureCheck]:
    """Validate every embedded signature against the configured trust roots (no network)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not data.lstrip()[:5] == b"%PDF-":
        raise NotAPdf("not a PDF")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as error:
        raise NotAPdf(str(error)) from error
    try:
        roots = trust_roots()
    except (SigningError, OSError, ValueError):
        logger.exception("No trust roots for signature verification")
        roots = []
    checks = []
    for signature in signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = _outside_event_loop(validate_pdf_signature, signature, context)
        except (SignatureValidationError, PdfReadError, ValueError, KeyError, TypeError) as error:
            checks.append(SignatureCheck(False, False, False, "", None, [str(error)[:300]]))
            continue
        cert = status.signing_cert
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        checks.append(
            SignatureCheck(
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                whole_document=whole,
                signer=cert.subject.human_friendly if cert is not None else "",
                signed_at=status.signer_reported_dt,
                problems=[] if status.bottom_line else [status.summary()],
            )
        )
    return checks
