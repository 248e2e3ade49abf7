"""Verifying a token as an API would: fetch the issuer's discovery document and keys from
the authority, then check signature, issuer, audience and lifetime, and say exactly what
is wrong when something is."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from mdekit.catalog.permissions import DEFENDER, resource_for
from mdekit.client.errors import TransportError
from mdekit.client.jwt_info import decode
from mdekit.client.settings import Settings
from mdekit.client.sync_client import USER_AGENT, verify_option

CLOCK_SKEW_SECONDS = 300


@dataclass
class Verdict:
    valid: bool
    detail: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "detail": self.detail,
            "checks": [{"check": name, "ok": ok, "detail": text} for name, ok, text in self.checks],
        }


def _get_json(url: str, settings: Settings) -> dict[str, Any]:
    try:
        response = httpx.get(
            url, verify=verify_option(settings), timeout=30.0, headers={"User-Agent": USER_AGENT}
        )
    except httpx.TransportError as exc:
        raise TransportError(f"could not fetch {url}: {exc}") from None
    if not response.is_success:
        raise TransportError(f"{url} answered {response.status_code}")
    data: dict[str, Any] = response.json()
    return data


def verify_token(
    token: str, settings: Settings, *, audience: str | None = None, now: float | None = None
) -> Verdict:
    decoded = decode(token)
    claims, header = decoded.claims, decoded.header
    tenant = str(claims.get("tid") or settings.tenant_id or "common")
    version = "/v2.0" if claims.get("ver") == "2.0" else ""
    config = _get_json(
        f"{settings.authority}/{tenant}{version}/.well-known/openid-configuration", settings
    )
    keys = _get_json(str(config["jwks_uri"]), settings)
    checks: list[tuple[str, bool, str]] = []

    kid = header.get("kid")
    jwk = next((k for k in keys.get("keys", []) if k.get("kid") == kid), None)
    if header.get("alg") != "RS256":
        checks.append(("algorithm", False, f"alg is {header.get('alg')!r}, expected RS256"))
    elif jwk is None:
        checks.append(
            (
                "signing key",
                False,
                f"kid {kid!r} is not among the issuer's published keys ({config['jwks_uri']})",
            )
        )
    else:
        try:
            jwt.decode(
                token,
                jwt.PyJWK(jwk).key,
                algorithms=["RS256"],
                options={
                    "verify_aud": False,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_iss": False,
                },
            )
            checks.append(("signature", True, f"signed by key {kid}"))
        except jwt.InvalidSignatureError:
            checks.append(("signature", False, "the signature does not match the key it names"))

    expected_iss = str(config.get("issuer", "")).replace("{tenantid}", tenant)
    checks.append(
        (
            "issuer",
            claims.get("iss") == expected_iss,
            f"iss is {claims.get('iss')!r}"
            + ("" if claims.get("iss") == expected_iss else f", expected {expected_iss!r}"),
        )
    )
    aud = str(claims.get("aud", ""))
    if audience is not None:
        aud_ok = aud.rstrip("/").lower() == audience.rstrip("/").lower()
        wanted = audience
    else:
        api = resource_for(aud)
        aud_ok = api is not None
        wanted = f"an API mdekit knows (e.g. {DEFENDER.identifiers[0]})"
    checks.append(
        ("audience", aud_ok, f"aud is {aud!r}" + ("" if aud_ok else f", expected {wanted}"))
    )

    moment = time.time() if now is None else now
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, int | float):
        checks.append(("lifetime", False, "the token has no exp claim"))
    elif exp + CLOCK_SKEW_SECONDS < moment:
        checks.append(("lifetime", False, f"expired {int(moment - exp)} s ago"))
    elif isinstance(nbf, int | float) and nbf - CLOCK_SKEW_SECONDS > moment:
        checks.append(("lifetime", False, f"not valid for another {int(nbf - moment)} s"))
    else:
        checks.append(("lifetime", True, f"valid for {int(exp - moment)} s more"))

    failed = [f"{name}: {text}" for name, ok, text in checks if not ok]
    if failed:
        return Verdict(False, "; ".join(failed), checks)
    return Verdict(True, "signature, issuer, audience and lifetime check out", checks)
