"""Client assertions (certificate credentials): the signed JWTs MSAL and azure-identity send
instead of a secret. Accepts what real clients produce (identity.md §4): RS256 + `x5t` or
PS256 + `x5t#S256`, padded base64url, float NumericDates, line breaks in `x5c`, no
`nbf`/`iat`. Errors carry Entra's codes; all are `invalid_client`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mdekit.emulator.identity.aadsts import AadstsError
from mdekit.emulator.store.records import KeyCredential

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLOCK_SKEW_SECONDS = 300
_DOCS = "Review the documentation at https://aka.ms/certCreds ."


def _b64url_decode(text: str) -> bytes:
    text = text.strip().rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _invalid(message: str, code: int = 700027) -> AadstsError:
    return AadstsError(code, "invalid_client", message)


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%m/%d/%Y %H:%M:%S")


def _header(assertion: str) -> dict[str, object]:
    try:
        header = json.loads(_b64url_decode(assertion.split(".")[0]))
    except (ValueError, binascii.Error, IndexError) as exc:
        raise _invalid(
            "Client assertion failed signature validation. [Reason - The client "
            "assertion is not a well-formed JWT.]",
            50027,
        ) from exc
    if not isinstance(header, dict):
        raise _invalid("Client assertion is not a well-formed JWT.", 50027)
    return header


def _thumbprint(header: dict[str, object]) -> tuple[str, str]:
    """('sha1' | 'sha256', upper-case hex) from the assertion header."""
    for name, kind in (("x5t#S256", "sha256"), ("x5t", "sha1")):
        value = header.get(name)
        if isinstance(value, str) and value:
            try:
                return kind, _b64url_decode(value).hex().upper()
            except (ValueError, binascii.Error) as exc:
                raise _invalid(f"The {name} header of the client assertion is malformed.") from exc
    raise _invalid(
        "The client assertion has no certificate thumbprint header: send 'x5t#S256' (PS256) "
        "or 'x5t' (RS256)."
    )


def _find_key(kind: str, thumb: str, keys: Sequence[KeyCredential]) -> KeyCredential | None:
    for key in keys:
        registered = key.thumbprint_sha256 if kind == "sha256" else key.thumbprint_sha1
        if registered.upper() == thumb:
            return key
    return None


def verify_assertion(
    assertion: str,
    *,
    client_id: str,
    audiences: Sequence[str],
    keys: Sequence[KeyCredential],
    now: float,
) -> None:
    """Raise the AADSTS error Entra would give, or return when the assertion is good."""
    header = _header(assertion)
    alg = header.get("alg")
    if alg not in ("RS256", "PS256"):
        raise _invalid(
            f"The client assertion algorithm {alg!r} is not supported; use PS256 or RS256."
        )
    kind, thumb = _thumbprint(header)
    key = _find_key(kind, thumb, keys)
    if key is None:
        raise _invalid(
            "The certificate with identifier used to sign the client assertion is not "
            f"registered on application. [Reason - The key was not found., Thumbprint of key "
            f"used by client: '{thumb}', Please visit the Azure Portal, Graph Explorer or "
            f"directly use MS Graph to see configured keys for app Id '{client_id}'.]"
        )
    if not key.start <= now <= key.end:
        raise _invalid(
            "The certificate with identifier used to sign the client assertion is not valid "
            f"now. [Reason - The key used is expired or not yet valid., Thumbprint of key used "
            f"by client: '{thumb}', Found key 'Start={_stamp(key.start)}, End={_stamp(key.end)}']"
        )
    certificate = x509.load_pem_x509_certificate(key.certificate_pem.encode())
    try:
        claims = jwt.decode(
            assertion,
            certificate.public_key(),  # type: ignore[arg-type]
            algorithms=[str(alg)],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.InvalidSignatureError as exc:
        raise _invalid(
            "Client assertion contains an invalid signature. [Reason - The provided signature "
            "value did not match the expected signature value., Thumbprint of key used by "
            f"client: '{thumb}', Found key 'Start={_stamp(key.start)}, End={_stamp(key.end)}']"
        ) from exc
    except jwt.PyJWTError as exc:
        raise _invalid(f"Client assertion failed validation: {exc}.", 50027) from exc
    _check_claims(claims, client_id=client_id, audiences=audiences, now=now)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _check_claims(
    claims: dict[str, object], *, client_id: str, audiences: Sequence[str], now: float
) -> None:
    iss, sub = claims.get("iss"), claims.get("sub")
    if iss != sub:
        raise _invalid("Subject mismatches Issuer claim in the client assertion.", 50048)
    if str(iss).lower() != client_id.lower():
        raise _invalid(
            "Client assertion application identifier doesn't match 'client_id' parameter.",
            700021,
        )
    aud = claims.get("aud")
    aud_values = aud if isinstance(aud, list) else [aud]
    wanted = {a.rstrip("/").lower() for a in audiences}
    if not any(isinstance(a, str) and a.rstrip("/").lower() in wanted for a in aud_values):
        raise _invalid(
            "Error validating credentials. AADSTS50012: Client assertion audience claim does "
            f"not match Realm issuer. Expected one of: {', '.join(sorted(audiences))}.",
            70002,
        )
    exp = _number(claims.get("exp"))
    nbf = _number(claims.get("nbf")) or 0.0
    if exp is None or exp + CLOCK_SKEW_SECONDS < now or nbf - CLOCK_SKEW_SECONDS > now:
        expiry = _stamp(exp) if exp is not None else "(missing)"
        raise _invalid(
            f"Client assertion is not within its valid time range. Current time: {_stamp(now)}, "
            f"assertion valid from {_stamp(nbf)}, expiry time of assertion {expiry}. {_DOCS}",
            700024,
        )


def certificate_thumbprints(certificate_pem: str) -> tuple[str, str]:
    """(SHA-1 hex, SHA-256 hex) thumbprints of a PEM certificate, upper case."""
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    der = certificate.public_bytes(serialization.Encoding.DER)
    sha1 = hashlib.sha1(der).hexdigest().upper()  # noqa: S324 - SHA-1 thumbprints are the protocol's
    return sha1, hashlib.sha256(der).hexdigest().upper()
