"""The token inspector's reading of a pasted access token, like jwt.ms but against this
emulator: header and claims with what each means, the roles with their descriptions, the
signature checked with the emulator's signing keys, the same validation the APIs run, and
whether a chosen Defender operation would be allowed and why.

The token is only ever held in memory for one request: never logged, never put in a URL."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jwt

from mdekit.catalog.endpoints import Endpoint
from mdekit.catalog.permissions import DEFENDER, ResourceApi, resource_for
from mdekit.emulator.domain.authorize import granted
from mdekit.emulator.domain.errors import Unauthorized
from mdekit.emulator.identity.bearer import validate_bearer
from mdekit.emulator.identity.services import IdentityServices

MAX_TOKEN_CHARS = 64 * 1024

CLAIMS = {
    "aud": "Audience: the API the token is for.",
    "iss": "Issuer: the tenant's security token service that signed it.",
    "iat": "Issued at.",
    "nbf": "Not valid before.",
    "exp": "Expires at; APIs refuse it after this (with five minutes of clock skew).",
    "aio": "Opaque data Entra ID uses internally.",
    "appid": "Application (client) ID of the app that asked for the token.",
    "azp": "Application (client) ID of the app that asked for the token (v2 tokens).",
    "app_displayname": "Display name of the calling app.",
    "appidacr": "How the app proved its identity: 0 public client, 1 client secret, 2 certificate.",
    "azpacr": "How the app proved its identity: 0 public client, 1 client secret, 2 certificate.",
    "idp": "Identity provider that authenticated the caller (the tenant, for apps).",
    "idtyp": "Token type: app for an app-only token.",
    "oid": "Object ID of the app's service principal in this tenant.",
    "sub": "Subject; for an app-only token the same as oid.",
    "rh": "Refresh hint, opaque.",
    "roles": "Application permissions granted to the app in this tenant by admin consent.",
    "scp": "Delegated permissions (only in tokens acting for a user).",
    "tid": "Directory (tenant) ID the token was issued in.",
    "uti": "Unique token identifier.",
    "ver": "Token format version (1.0 or 2.0), set by the API's manifest.",
    "xms_tcdt": "When the tenant was created.",
}
HEADER = {
    "typ": "Token type.",
    "alg": "Signature algorithm.",
    "kid": "ID of the signing key: look it up in the tenant's JWKS (discovery/keys).",
    "x5t": "SHA-1 thumbprint of the signing certificate (same as kid here).",
    "nonce": "Graph only: the signature covers a hash of this value.",
}
_TIME_CLAIMS = ("iat", "nbf", "exp")
_ACR = {"0": "public client", "1": "client secret", "2": "certificate"}


@dataclass(frozen=True)
class Item:
    name: str
    value: str
    meaning: str
    highlight: bool = False


@dataclass(frozen=True)
class Role:
    value: str
    description: str
    grants: bool
    """True when it is one of the roles the chosen operation accepts."""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    status: int
    text: str
    details: tuple[str, ...] = ()


@dataclass
class Inspection:
    error: str | None = None
    header: list[Item] = field(default_factory=list)
    claims: list[Item] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    api: str | None = None
    signature: Verdict | None = None
    validity: Verdict | None = None
    access: Verdict | None = None


def _segment(text: str) -> dict[str, Any]:
    padded = text + "=" * (-len(text) % 4)
    try:
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("a segment is not base64url-encoded JSON") from exc
    if not isinstance(value, dict):
        raise ValueError("a segment is not a JSON object")
    return value


def _show(name: str, value: Any, now: float) -> str:
    if name in _TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        minutes = round((float(value) - now) / 60)
        relative = f"in {minutes} min" if minutes > 0 else f"{-minutes} min ago"
        return f"{value} ({moment}, {relative})"
    if name in ("appidacr", "azpacr") and str(value) in _ACR:
        return f"{value} ({_ACR[str(value)]})"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _signature(token: str, header: dict[str, Any], identity: IdentityServices) -> Verdict:
    alg, kid = header.get("alg"), header.get("kid")
    if alg != "RS256":
        return Verdict(False, 401, f"Algorithm {alg!r}: the emulator's APIs accept RS256 only.")
    if not isinstance(kid, str) or not kid:
        return Verdict(False, 401, "The header names no signing key (kid).")
    key = identity.keys.public_key(kid)
    if key is None:
        return Verdict(False, 401, f"No signing key of this emulator has the kid {kid}.")
    try:
        jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.InvalidSignatureError:
        return Verdict(False, 401, f"The signature does not verify with the key {kid}.")
    except jwt.PyJWTError as exc:
        return Verdict(False, 401, f"The token is malformed: {exc}")
    return Verdict(True, 200, f"Signature verified with the emulator's signing key {kid}.")


def _validate(token: str, identity: IdentityServices, api: ResourceApi) -> Verdict:
    try:
        validate_bearer(
            f"Bearer {token}",
            keys=identity.keys,
            api=api,
            now=identity.clock.timestamp(),
            tenant_exists=identity.tenant_exists,
        )
    except Unauthorized as exc:
        return Verdict(False, 401, f"{api.name} would answer 401: {exc.reason}.")
    checked = "signature, audience, issuer, tenant and lifetime check out"
    return Verdict(True, 200, f"Valid for {api.name}: {checked}.")


def _access(
    token: str, identity: IdentityServices, endpoint: Endpoint, roles: tuple[str, ...]
) -> Verdict:
    limits = ", ".join(
        f"{limit.calls} calls per {limit.seconds} s" for limit in endpoint.rate_limits
    )
    about = (f"{endpoint.operation}: {endpoint.method} {endpoint.path}",) + (
        (f"Rate limits: {limits}.",) if limits else ()
    )
    valid = _validate(token, identity, DEFENDER)
    if not valid.ok:
        return Verdict(False, 401, valid.text, about)
    accepted = " or ".join(endpoint.roles)
    if not endpoint.roles:
        return Verdict(True, 200, "Allowed: the endpoint needs no role.", about)
    if granted(endpoint.roles, roles):
        have = [r for r in roles if r.lower() in {a.lower() for a in endpoint.roles}]
        return Verdict(
            True, 200, f"Allowed: the token carries {', '.join(have)} (it needs {accepted}).", about
        )
    return Verdict(
        False,
        403,
        f"Refused with 403: it needs {accepted}; the token carries "
        f"{', '.join(roles) if roles else 'no roles'}. Add one of them to the app's API "
        "permissions and grant admin consent, then get a new token.",
        about,
    )


def inspect(token: str, identity: IdentityServices, endpoint: Endpoint | None) -> Inspection:
    token = "".join(token.split())
    if not token:
        return Inspection(error="Paste an access token.")
    if len(token) > MAX_TOKEN_CHARS:
        return Inspection(error="That is far longer than any access token.")
    parts = token.split(".")
    if len(parts) != 3:
        return Inspection(
            error=f"Not a JWT: expected three dot-separated parts, got {len(parts)}. "
            "Paste the access_token value itself."
        )
    try:
        header, claims = _segment(parts[0]), _segment(parts[1])
    except ValueError as exc:
        return Inspection(error=f"Not a JWT: {exc}.")
    now = identity.clock.timestamp()
    audience = str(claims.get("aud", ""))
    api = resource_for(audience)
    raw_roles = claims.get("roles", [])
    roles = tuple(str(r) for r in raw_roles) if isinstance(raw_roles, list) else ()
    accepted = {r.lower() for r in endpoint.roles} if endpoint else set()
    result = Inspection(api=api.name if api else None)
    result.header = [Item(k, _show(k, v, now), HEADER.get(k, "")) for k, v in header.items()]
    result.claims = [
        Item(k, _show(k, v, now), CLAIMS.get(k, ""), highlight=k == "roles")
        for k, v in claims.items()
    ]
    for value in roles:
        role = api.role(value) if api else None
        description = f"{role.display_name}. {role.description}" if role else "Unknown role."
        result.roles.append(Role(value, description, value.lower() in accepted))
    result.signature = _signature(token, header, identity)
    result.validity = _validate(token, identity, api or DEFENDER)
    if endpoint is not None:
        result.access = _access(token, identity, endpoint, roles)
    return result
