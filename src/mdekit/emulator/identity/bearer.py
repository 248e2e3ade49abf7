"""Checking the bearer token on an API call, as the Defender API and Graph do: signature
against this emulator's keys, algorithm, audience, issuer, tenant, lifetime.

Every failure is the same `Unauthorized` to the caller (no hint that helps an attacker);
the precise reason is kept for the request journal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from mdekit.catalog.permissions import ResourceApi
from mdekit.emulator.domain.errors import Unauthorized
from mdekit.emulator.identity.keys import KeyRing

CLOCK_SKEW_SECONDS = 300


@dataclass(frozen=True)
class Caller:
    """Who is calling, from a verified token."""

    tenant_id: str
    app_id: str
    object_id: str
    roles: tuple[str, ...]
    app_display_name: str
    claims: dict[str, Any]


def _token_from(header: str | None) -> str:
    if not header:
        raise Unauthorized("no Authorization header")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header is not 'Bearer <token>'")
    return token.strip()


def validate_bearer(
    header: str | None,
    *,
    keys: KeyRing,
    api: ResourceApi,
    now: float,
    tenant_exists: Callable[[str], bool],
) -> Caller:
    token = _token_from(header)
    claims = keys.verified.get(token)
    if claims is None:
        generation = keys.verified.generation
        claims = _verify(token, keys)
        keys.verified.put(token, claims, generation)
    return _caller(claims, api=api, now=now, tenant_exists=tenant_exists)


def _verify(token: str, keys: KeyRing) -> dict[str, Any]:
    """The token's claims once its signature verifies with one of `keys`."""
    try:
        unverified = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized("the token is not a JWT") from exc
    if unverified.get("alg") != "RS256":
        raise Unauthorized(f"token algorithm {unverified.get('alg')!r} is not RS256")
    kid = unverified.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unauthorized("the token header has no kid")
    key = keys.public_key(kid)
    if key is None:
        raise Unauthorized(f"the token was signed by an unknown key (kid {kid})")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            options={
                "verify_aud": False,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "require": ["exp", "nbf", "aud", "iss", "tid"],
            },
        )
    except jwt.InvalidSignatureError as exc:
        raise Unauthorized("the token signature does not verify") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"the token is malformed: {exc}") from exc
    return claims


def _caller(
    claims: dict[str, Any], *, api: ResourceApi, now: float, tenant_exists: Callable[[str], bool]
) -> Caller:
    audience = claims.get("aud")
    if not isinstance(audience, str) or not api.matches(audience):
        raise Unauthorized(f"the token audience {audience!r} is not {api.name}")
    tenant_id = str(claims.get("tid", ""))
    if claims.get("iss") != f"https://sts.windows.net/{tenant_id}/":
        raise Unauthorized(f"the token issuer {claims.get('iss')!r} does not match its tenant")
    if not tenant_exists(tenant_id):
        raise Unauthorized(f"the token's tenant {tenant_id} does not exist here")
    try:
        expires, not_before = float(claims["exp"]), float(claims["nbf"])
    except (TypeError, ValueError) as exc:
        raise Unauthorized("the token's exp or nbf is not a number") from exc
    if expires + CLOCK_SKEW_SECONDS < now:
        raise Unauthorized("the token has expired")
    if not_before - CLOCK_SKEW_SECONDS > now:
        raise Unauthorized("the token is not yet valid")
    roles = claims.get("roles", [])
    if not isinstance(roles, list):
        raise Unauthorized("the token's roles claim is not a list")
    return Caller(
        tenant_id=tenant_id,
        app_id=str(claims.get("appid") or claims.get("azp") or ""),
        object_id=str(claims.get("oid", "")),
        roles=tuple(str(role) for role in roles),
        app_display_name=str(claims.get("app_displayname", "")),
        claims=claims,
    )
