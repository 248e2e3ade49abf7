"""Token signing keys: RSA keys with self-signed certificates, kept in the database so every
worker signs and verifies with the same set, published as a JWKS, rotated on demand.

As in Entra, `kid` and `x5t` are the base64url SHA-1 thumbprint of the key's certificate."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from mdekit.emulator.store.identity_repo import IdentityRepository
from mdekit.emulator.store.records import SigningKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def new_signing_key(now: datetime) -> SigningKey:
    """A fresh RSA-2048 key and a self-signed certificate for it, named like Entra's."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "accounts.accesscontrol.windows.net")]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=5 * 365))
        .sign(private_key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(
        kid=b64url(hashlib.sha1(der).digest()),  # noqa: S324 - the thumbprint is SHA-1 by definition
        private_key_pem=pem.decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        created=now.timestamp(),
        status="current",
    )


@dataclass(frozen=True)
class _LoadedKey:
    record: SigningKey
    private_key: rsa.RSAPrivateKey
    public_key: rsa.RSAPublicKey
    jwk: dict[str, Any]


def _load(record: SigningKey) -> _LoadedKey:
    private_key = serialization.load_pem_private_key(record.private_key_pem.encode(), None)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    certificate = x509.load_pem_x509_certificate(record.certificate_pem.encode())
    numbers = private_key.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "use": "sig",
        "kid": record.kid,
        "x5t": record.kid,
        "n": _b64url_uint(numbers.n),
        "e": _b64url_uint(numbers.e),
        "x5c": [base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()],
    }
    return _LoadedKey(record, private_key, private_key.public_key(), jwk)


VERIFIED_TOKENS = 4096
"""Bearer tokens remembered as verified, most recently used first out."""


class VerifiedTokens:
    """Claims of tokens whose signature this key ring has verified, keyed by the whole token
    (header, payload and signature), so a hit is the same bytes that verified before. A
    bounded LRU, emptied whenever the ring's keys change; expiry and the other claim checks
    are still made on every use, since they depend on the (settable) clock."""

    def __init__(self, capacity: int = VERIFIED_TOKENS) -> None:
        self._capacity = capacity
        self._claims: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = 0
        """Counts clears: a verification that began before a clear is not remembered."""

    def get(self, token: str) -> dict[str, Any] | None:
        with self._lock:
            claims = self._claims.get(token)
            if claims is not None:
                self._claims.move_to_end(token)
            return claims

    def put(self, token: str, claims: dict[str, Any], generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return
            self._claims[token] = claims
            if len(self._claims) > self._capacity:
                self._claims.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._claims.clear()
            self.generation += 1


class KeyRing:
    """The current and previous signing keys, cached in memory, reloaded from the database
    when a token names a key this process has not seen (another worker rotated), or when
    `refresh()` finds the stored set changed."""

    def __init__(self, repo: IdentityRepository) -> None:
        self._repo = repo
        self._lock = threading.Lock()
        self._keys: list[_LoadedKey] = []
        self._last_miss_reload = 0.0
        self.verified = VerifiedTokens()

    def ensure(self, now: datetime) -> None:
        """Create the first key if the database has none, then load."""
        with self._lock:
            if not self._repo.signing_keys():
                self._repo.rotate_signing_key(new_signing_key(now))
            self._reload()

    def _reload(self) -> None:
        self._install(self._repo.signing_keys())

    def _install(self, records: list[SigningKey]) -> None:
        self._keys = [_load(record) for record in records]
        self.verified.clear()

    def reload(self) -> None:
        with self._lock:
            self._reload()

    def refresh(self) -> None:
        """Reload only if the stored keys (or their status) differ from the loaded ones."""
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        records = self._repo.signing_keys()
        if [(r.kid, r.status) for r in records] != [
            (k.record.kid, k.record.status) for k in self._keys
        ]:
            self._install(records)

    def rotate(self, now: datetime) -> str:
        """Make a new current key; the old one stays published as previous. Returns its kid."""
        key = new_signing_key(now)
        with self._lock:
            self._repo.rotate_signing_key(key)
            self._reload()
        return key.kid

    @property
    def current(self) -> _LoadedKey:
        for key in self._keys:
            if key.record.status == "current":
                return key
        raise LookupError("no current signing key; call ensure() first")

    def jwks(self, issuer: str | None = None) -> dict[str, Any]:
        keys = []
        for key in self._keys:
            jwk = dict(key.jwk)
            if issuer is not None:
                jwk["issuer"] = issuer
            keys.append(jwk)
        return {"keys": keys}

    def sign(self, claims: dict[str, Any]) -> str:
        key = self.current
        return jwt.encode(
            claims,
            key.private_key,
            algorithm="RS256",
            headers={"typ": "JWT", "x5t": key.record.kid, "kid": key.record.kid},
        )

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        """The verification key for `kid`, reloading once if it is unknown here."""
        for key in self._keys:
            if key.record.kid == kid:
                return key.public_key
        # An unknown kid may be a key another worker just made, or junk: reload at most
        # once a second so a flood of forged kids cannot hammer the database.
        with self._lock:
            if time.monotonic() - self._last_miss_reload < 1.0:
                return None
            self._last_miss_reload = time.monotonic()
            # Only a changed key set empties the verified-token cache: a forged kid must
            # not be a way to flush it.
            self._refresh()
        for key in self._keys:
            if key.record.kid == kid:
                return key.public_key
        return None
