"""The emulator's own certificate authority: a CA and a server certificate for `localhost`,
`127.0.0.1` and `::1`, made once per state directory, plus a CA bundle (the system's CAs and
ours) that `REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE` and `CURL_CA_BUNDLE` can point at."""

from __future__ import annotations

import ipaddress
import os
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    server_cert: Path
    server_key: Path
    bundle: Path


def tls_files(state_dir: Path) -> TlsFiles:
    tls = state_dir / "tls"
    return TlsFiles(
        ca_cert=tls / "ca.pem",
        server_cert=tls / "server.pem",
        server_key=tls / "server-key.pem",
        bundle=tls / "ca-bundle.pem",
    )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _system_ca_pem() -> bytes:
    """The system trust store as PEM, so the bundle can replace it for every client.

    Read from OpenSSL's default file (not from SSL_CERT_FILE, which may already point at an
    older bundle of ours); certifi's store when the system has none."""
    candidates = [
        ssl.get_default_verify_paths().openssl_cafile,
        "/etc/ssl/certs/ca-certificates.crt",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_bytes()
    try:
        import certifi
    except ImportError:
        return b""
    return Path(certifi.where()).read_bytes()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mdekit emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _make_ca(now: datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("mdekit emulator local CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _make_server(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, now: datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        # Under 398 days, the longest lifetime browsers accept for a server certificate.
        .not_valid_after(now + timedelta(days=397))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def ensure_tls(state_dir: Path) -> TlsFiles:
    """Create the CA, server certificate and bundle if missing (or the server cert is near
    its end); return their paths."""
    files = tls_files(state_dir)
    files.ca_cert.parent.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    if not files.ca_cert.exists() or not (files.ca_cert.parent / "ca-key.pem").exists():
        ca_key, ca_cert = _make_ca(now)
        _write_private(
            files.ca_cert.parent / "ca-key.pem",
            ca_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        files.ca_cert.write_bytes(_pem(ca_cert))
        files.server_cert.unlink(missing_ok=True)
    ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    needs_server = not files.server_cert.exists() or (
        x509.load_pem_x509_certificate(files.server_cert.read_bytes()).not_valid_after_utc
        < now + timedelta(days=7)
    )
    if needs_server:
        loaded = serialization.load_pem_private_key(
            (files.ca_cert.parent / "ca-key.pem").read_bytes(), None
        )
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
        key, cert = _make_server(loaded, ca_cert, now)
        _write_private(
            files.server_key,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        files.server_cert.write_bytes(_pem(cert))
    bundle = _system_ca_pem().rstrip(b"\n") + b"\n" + _pem(ca_cert)
    if not files.bundle.exists() or files.bundle.read_bytes() != bundle:
        files.bundle.write_bytes(bundle)
    return files
