"""A self-made CA and signing certificate for the demo and the tests (never for production)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

DEMO_ORGANIZATION = "산업통상자원부 (demo)"
DEMO_CA_NAME = "국가첨단전략기술 포털 시험 인증기관 (demo CA)"


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, is_ca: bool):
    """A CA signs certificates and revocation lists; a signer signs documents (with non-repudiation)."""
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=not is_ca,
        content_commitment=not is_ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=is_ca,
        crl_sign=is_ca,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(subject, public_key, *, issuer, ca_key, valid_from: datetime, days: int, is_ca: bool):
    """A certificate for ``public_key`` signed by ``ca_key``: the CA's own (self-signed, ``is_ca``) or the signer's."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_from + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=0 if is_ca else None), critical=True)
        .add_extension(_key_usage(is_ca=is_ca), critical=True)
    )
    if not is_ca:
        authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
        builder = builder.add_extension(authority, critical=False)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def _pem_write(directory: Path, *, ca_cert, cert, key) -> dict[str, Path]:
    from cryptography.hazmat.primitives import serialization

    paths = {
        "ca": directory / "ca-cert.pem",
        "cert": directory / "signer-cert.pem",
        "key": directory / "signer-key.pem",
    }
    paths["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    paths["key"].chmod(0o600)
    return paths


def demo_ca_write(
    directory: Path, *, signer_name: str = "국가첨단전략기술 포털 문서 서명 (demo)", days: int = 3650
) -> dict[str, Path]:
    """Write ``ca-cert.pem``, ``signer-cert.pem`` and ``signer-key.pem`` (P-256) into ``directory``."""
    from cryptography.hazmat.primitives.asymmetric import ec

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC) - timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(DEMO_CA_NAME)
    ca_cert = _certificate(
        ca_name, ca_key.public_key(), issuer=ca_name, ca_key=ca_key, valid_from=now, days=days, is_ca=True
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(
        _name(signer_name), key.public_key(), issuer=ca_name, ca_key=ca_key, valid_from=now, days=days, is_ca=False
    )
    return _pem_write(directory, ca_cert=ca_cert, cert=cert, key=key)
