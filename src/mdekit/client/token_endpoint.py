"""Talking to the token endpoint directly, as the guide's samples do: v1 with `resource=`
or v2 with `scope=<resource>/.default`, client secret or certificate assertion. The
`Client` itself goes through azure-identity; this serves `mdekit token get --v1/--raw`."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from pathlib import Path
from typing import Any, Literal

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from mdekit.client.errors import AuthenticationError, ConfigurationError, TransportError
from mdekit.client.settings import Settings
from mdekit.client.sync_client import USER_AGENT, verify_option

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def token_url(settings: Settings, version: Literal["v1", "v2"]) -> str:
    if not settings.tenant_id:
        raise ConfigurationError("AZURE_TENANT_ID not set")
    path = "oauth2/token" if version == "v1" else "oauth2/v2.0/token"
    return f"{settings.authority}/{settings.tenant_id}/{path}"


def load_certificate(path: str, password: str | None) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The private key and certificate of a PEM (key + cert) or PFX file."""
    data = Path(path).read_bytes()
    secret = password.encode() if password else None
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data, secret)
            cert = x509.load_pem_x509_certificate(data)
        else:
            loaded_key, loaded_cert, _ = pkcs12.load_key_and_certificates(data, secret)
            if loaded_key is None or loaded_cert is None:
                raise ValueError("the PFX has no private key or no certificate")
            key, cert = loaded_key, loaded_cert
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            f"cannot read the certificate {path}: {exc}",
            hint="give a PEM with the private key and certificate, or a PFX (and "
            "AZURE_CLIENT_CERTIFICATE_PASSWORD if it has one)",
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError(f"{path}: only RSA keys can sign client assertions")
    return key, cert


def client_assertion(settings: Settings, audience: str) -> str:
    """A PS256 assertion with `x5t#S256`, as MSAL and the docs recommend."""
    assert settings.certificate_path
    key, cert = load_certificate(settings.certificate_path, settings.certificate_password)
    der = cert.public_bytes(serialization.Encoding.DER)
    thumb = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    now = int(time.time())
    claims = {
        "aud": audience,
        "iss": settings.client_id,
        "sub": settings.client_id,
        "jti": str(uuid.uuid4()),
        "nbf": now,
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, key, algorithm="PS256", headers={"x5t#S256": thumb})


def request_token(settings: Settings, version: Literal["v1", "v2"]) -> dict[str, Any]:
    """The token endpoint's JSON answer for the Defender API, or AuthenticationError."""
    url = token_url(settings, version)
    form: dict[str, str] = {
        "grant_type": "client_credentials",
        "client_id": settings.client_id or "",
    }
    if version == "v1":
        form["resource"] = settings.defender_scope.removesuffix("/.default")
    else:
        form["scope"] = settings.defender_scope
    if settings.client_secret:
        form["client_secret"] = settings.client_secret
    elif settings.certificate_path:
        form["client_assertion_type"] = ASSERTION_TYPE
        form["client_assertion"] = client_assertion(settings, url)
    else:
        raise ConfigurationError(
            "no credential configured",
            hint="set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH",
        )
    try:
        response = httpx.post(
            url,
            data=form,
            verify=verify_option(settings),
            timeout=30.0,
            headers={"User-Agent": USER_AGENT},
        )
    except httpx.TransportError as exc:
        raise TransportError(f"could not reach {url}: {exc}") from None
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        raise AuthenticationError(
            f"the token endpoint answered {response.status_code} without JSON"
        ) from None
    if "error" in body or "access_token" not in body:
        raise AuthenticationError.from_text(str(body.get("error_description") or body))
    return body
