"""Reading an access token without verifying it: its header and claims, and what each
means (who, which tenant, which roles, when it expires). Verification against the issuer's
keys lives beside it in `verify`."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mdekit.catalog.permissions import resource_for
from mdekit.client.errors import MdeError

CLAIM_MEANINGS: dict[str, str] = {
    "aud": "audience: the API this token is for",
    "iss": "issuer: the Entra ID tenant that signed it",
    "idp": "identity provider that authenticated the caller",
    "iat": "issued at",
    "nbf": "not valid before",
    "exp": "expires at",
    "appid": "application (client) ID of the caller",
    "azp": "application (client) ID of the caller",
    "app_displayname": "name of the calling app",
    "appidacr": "how the app authenticated: 0 public client, 1 client secret, 2 certificate",
    "azpacr": "how the app authenticated: 0 public client, 1 client secret, 2 certificate",
    "oid": "object ID of the app's service principal in the tenant",
    "sub": "subject: for app-only tokens the same as oid",
    "tid": "tenant (directory) ID the token was issued in",
    "roles": "application permissions granted to the app (admin consent)",
    "scp": "delegated permissions (user tokens only)",
    "ver": "token format version",
    "idtyp": "token type: app (app-only) or user",
    "uti": "unique token identifier",
    "rh": "refresh hint (opaque)",
    "aio": "opaque Entra data",
    "xms_tcdt": "tenant creation time",
}

HEADER_MEANINGS: dict[str, str] = {
    "typ": "token type",
    "alg": "signature algorithm",
    "kid": "signing key ID (look it up in the issuer's JWKS)",
    "x5t": "signing certificate thumbprint (SHA-1)",
    "nonce": "Graph-only: the signature covers a hashed nonce",
}


class TokenFormatError(MdeError):
    """The text is not a JWT."""


def _segment(text: str) -> dict[str, Any]:
    padded = text + "=" * (-len(text) % 4)
    try:
        value = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, binascii.Error) as exc:
        raise TokenFormatError("not a JWT: a segment is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise TokenFormatError("not a JWT: a segment is not a JSON object")
    return value


@dataclass(frozen=True)
class DecodedToken:
    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def roles(self) -> tuple[str, ...]:
        roles = self.claims.get("roles", [])
        return tuple(str(r) for r in roles) if isinstance(roles, list) else ()

    @property
    def expires(self) -> datetime | None:
        exp = self.claims.get("exp")
        return datetime.fromtimestamp(float(exp), UTC) if isinstance(exp, int | float) else None

    def seconds_left(self, now: datetime | None = None) -> float | None:
        expires = self.expires
        if expires is None:
            return None
        return (expires - (now or datetime.now(UTC))).total_seconds()

    def summary(self, now: datetime | None = None) -> dict[str, Any]:
        """The answers people look for first."""
        api = resource_for(str(self.claims.get("aud", "")))
        left = self.seconds_left(now)
        return {
            "app": self.claims.get("app_displayname"),
            "client_id": self.claims.get("appid") or self.claims.get("azp"),
            "tenant_id": self.claims.get("tid"),
            "audience": self.claims.get("aud"),
            "api": api.name if api else None,
            "roles": list(self.roles),
            "authenticated_with": {
                "0": "public client",
                "1": "client secret",
                "2": "certificate",
            }.get(str(self.claims.get("appidacr", self.claims.get("azpacr", "")))),
            "expires": self.expires.isoformat() if self.expires else None,
            "expired": left is not None and left <= 0,
            "seconds_left": int(left) if left is not None else None,
        }


def decode(token: str) -> DecodedToken:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise TokenFormatError(
            f"not a JWT: expected three dot-separated parts, got {len(parts)}",
            hint="pass the access_token value itself "
            "(e.g. `mdekit token get | mdekit token decode -`)",
        )
    return DecodedToken(_segment(parts[0]), _segment(parts[1]))


def explain_value(name: str, value: Any) -> str:
    if name in ("iat", "nbf", "exp") and isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "(none)"
    return str(value)
