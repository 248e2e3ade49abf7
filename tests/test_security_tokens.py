"""Token attacks on the Defender API and the Graph API: every forged, stale or misdirected
token gets the same 401 with the same words (nothing that tells an attacker what to fix), and
nothing forged ever lands in the cache of verified tokens.

The forgeries that need a valid signature (wrong audience, wrong issuer, expired, not yet
valid, wrong kid) are signed with the emulator's own private key, so the test proves the
claim checks, not just the signature check."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from tests.support.emulators import GRAPH_SCOPE, InProcess, in_process

DEFENDER_CALL = ("GET", "/api/alerts?$top=1")
GRAPH_CALL = ("GET", "/v1.0/applications")
DEFENDER_AUD = "https://api.securitycenter.microsoft.com"
GRAPH_AUD = "https://graph.microsoft.com"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with in_process(tmp_path_factory.mktemp("token-attacks"), quotas=False) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def other_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """Another emulator with its own state directory (its own keys, same tenant name)."""
    with in_process(tmp_path_factory.mktemp("token-attacks-other"), quotas=False) as emulator:
        yield emulator


class Forger:
    """Makes tokens for one emulator, genuine or doctored, for one API."""

    def __init__(self, emu: InProcess, scope: str) -> None:
        self.emu = emu
        self.genuine = emu.token(scope)
        self.header = jwt.get_unverified_header(self.genuine)
        self.claims = jwt.decode(self.genuine, options={"verify_signature": False})

    def signed(self, **changes: Any) -> str:
        """The genuine claims with `changes`, signed by the emulator's current key."""
        claims = {**self.claims, **changes}
        return self.emu.emulator.identity.keys.sign(claims)

    def alg_none(self) -> str:
        return (
            _segments({"typ": "JWT", "alg": "none", "kid": self.header["kid"]}, self.claims) + "."
        )

    def hs256_with_public_key(self, variant: int = 0) -> str:
        """The classic key-confusion forgery: HMAC keyed with the published RSA public key."""
        keys = self.emu.emulator.identity.keys
        public = keys.current.public_key
        variants = [
            public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1),
        ]
        head = {"typ": "JWT", "alg": "HS256", "kid": self.header["kid"]}
        signing_input = _segments(head, {**self.claims, "roles": ["Machine.Offboard"]})
        mac = hmac.new(variants[variant], signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(mac)}"

    def header_changed(self, **changes: Any) -> str:
        """The genuine signature under a header with `changes` (kid None: removed)."""
        header = {k: v for k, v in {**self.header, **changes}.items() if v is not None}
        _, payload, signature = self.genuine.split(".")
        return f"{_b64(json.dumps(header).encode())}.{payload}.{signature}"

    def resigned_header(self, **changes: Any) -> str:
        """Claims signed by the emulator's key but announced under another header."""
        keys = self.emu.emulator.identity.keys
        header = {k: v for k, v in {**self.header, **changes}.items() if v is not None}
        header.pop("alg", None)
        return jwt.encode(self.claims, keys.current.private_key, algorithm="RS256", headers=header)

    def tampered(self) -> str:
        header, _payload, signature = self.genuine.split(".")
        claims = {**self.claims, "roles": [*self.claims.get("roles", []), "Ti.ReadWrite.All"]}
        return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


ATTACKS: dict[str, Callable[[Forger], str]] = {
    "alg none": Forger.alg_none,
    "HS256 keyed with the public key (SPKI PEM)": Forger.hs256_with_public_key,
    "HS256 keyed with the public key (PKCS1 PEM)": lambda f: f.hs256_with_public_key(1),
    "kid unknown": lambda f: f.header_changed(kid="AAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    "kid missing": lambda f: f.header_changed(kid=None, x5t=None),
    "kid missing, signed": lambda f: f.resigned_header(kid=None, x5t=None),
    "kid of another key, signed": lambda f: f.resigned_header(kid="bm90LWEta2lk"),
    "tampered payload": Forger.tampered,
    "signature cut off": lambda f: f.genuine.rsplit(".", 1)[0] + ".",
    "wrong aud": lambda f: f.signed(aud="https://management.azure.com"),
    "aud of a list": lambda f: f.signed(aud=[f.claims["aud"]]),
    "wrong iss": lambda f: f.signed(iss="https://sts.windows.net/evil/"),
    "iss of another tenant": lambda f: f.signed(
        iss="https://sts.windows.net/11111111-1111-1111-1111-111111111111/"
    ),
    "unknown tid": lambda f: f.signed(
        tid="11111111-1111-1111-1111-111111111111",
        iss="https://sts.windows.net/11111111-1111-1111-1111-111111111111/",
    ),
    "expired": lambda f: f.signed(exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200),
    "not yet valid": lambda f: f.signed(nbf=int(time.time()) + 3600, iat=int(time.time()) + 3600),
    "exp missing": lambda f: f.signed(exp=None),
    "exp not a number": lambda f: f.signed(exp="tomorrow"),
    "roles not a list": lambda f: f.signed(roles="Alert.Read.All"),
}


def _refusal(emu: InProcess, call: tuple[str, str], token: str) -> dict[str, Any]:
    response = emu.api(call[0], call[1], token)
    assert response.status_code == 401, (response.status_code, response.text[:300])
    body: dict[str, Any] = response.json()
    return body


def _words(body: dict[str, Any]) -> tuple[str, str]:
    error = body["error"]
    return error["code"], error["message"]


@pytest.mark.parametrize("attack", list(ATTACKS))
@pytest.mark.parametrize(
    ("scope", "call"),
    [
        ("https://api.securitycenter.microsoft.com/.default", DEFENDER_CALL),
        (GRAPH_SCOPE, GRAPH_CALL),
    ],
    ids=["defender", "graph"],
)
def test_forged_tokens_get_the_same_401(
    attacked: InProcess, scope: str, call: tuple[str, str], attack: str
) -> None:
    forger = Forger(attacked, scope)
    assert attacked.api(call[0], call[1], forger.genuine).status_code == 200
    forged = ATTACKS[attack](forger)
    body = _refusal(attacked, call, forged)
    baseline = _refusal(attacked, call, "not-a-token")
    assert _words(body) == _words(baseline), "no hint of what was wrong"
    assert attacked.emulator.identity.keys.verified.get(forged) is None or attack in (
        # these verified fine and were cached; the claim checks refuse them on every use
        "wrong aud",
        "aud of a list",
        "wrong iss",
        "iss of another tenant",
        "unknown tid",
        "expired",
        "not yet valid",
        "exp not a number",
        "roles not a list",
    )


@pytest.mark.parametrize(
    ("scope", "call", "other_call"),
    [
        ("https://api.securitycenter.microsoft.com/.default", DEFENDER_CALL, GRAPH_CALL),
        (GRAPH_SCOPE, GRAPH_CALL, DEFENDER_CALL),
    ],
    ids=["defender token on graph", "graph token on defender"],
)
def test_a_token_for_one_api_is_refused_by_the_other(
    attacked: InProcess, scope: str, call: tuple[str, str], other_call: tuple[str, str]
) -> None:
    token = attacked.token(scope)
    assert attacked.api(call[0], call[1], token).status_code == 200
    body = _refusal(attacked, other_call, token)
    assert _words(body) == _words(_refusal(attacked, other_call, "x"))


@pytest.mark.parametrize(
    ("scope", "call"),
    [
        ("https://api.securitycenter.microsoft.com/.default", DEFENDER_CALL),
        (GRAPH_SCOPE, GRAPH_CALL),
    ],
    ids=["defender", "graph"],
)
def test_a_token_of_another_instance_is_refused(
    attacked: InProcess, other_instance: InProcess, scope: str, call: tuple[str, str]
) -> None:
    foreign = other_instance.token(scope)
    assert other_instance.api(call[0], call[1], foreign).status_code == 200
    _refusal(attacked, call, foreign)
    # Even re-addressed to this instance's tenant, the foreign key does not verify here.
    claims = jwt.decode(foreign, options={"verify_signature": False})
    tid = attacked.dev.tenant_id
    readdressed = other_instance.emulator.identity.keys.sign(
        {**claims, "tid": tid, "iss": f"https://sts.windows.net/{tid}/"}
    )
    _refusal(attacked, call, readdressed)
    assert attacked.emulator.identity.keys.verified.get(readdressed) is None


def test_the_journal_keeps_the_reason_the_caller_never_sees(attacked: InProcess) -> None:
    forger = Forger(attacked, "https://api.securitycenter.microsoft.com/.default")
    response = attacked.api(*DEFENDER_CALL, forger.alg_none())
    assert "RS256" not in response.text
    assert "alg" not in response.text
    entries = attacked.http.get(
        "/_emulator/journal",
        params={"status": "401"},
        headers={"X-Emulator-Admin-Key": attacked.emulator.admin_key},
    ).json()
    reasons = json.dumps(entries)
    assert "not RS256" in reasons, "the admin can still see why"


def test_a_tampered_token_never_enters_the_cache(emu: InProcess) -> None:
    forger = Forger(emu, "https://api.securitycenter.microsoft.com/.default")
    cache = emu.emulator.identity.keys.verified
    assert emu.api(*DEFENDER_CALL, forger.genuine).status_code == 200
    assert cache.get(forger.genuine) is not None, "the genuine token is cached"
    for _ in range(3):  # asking again must not turn a refusal into a hit
        tampered = forger.tampered()
        assert emu.api(*DEFENDER_CALL, tampered).status_code == 401
        assert cache.get(tampered) is None
        assert emu.api("POST", "/api/indicators", tampered, json={}).status_code == 401
    # Same payload, the genuine token's signature but one byte changed.
    head, payload, signature = forger.genuine.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert emu.api(*DEFENDER_CALL, f"{head}.{payload}.{flipped}").status_code == 401
    assert cache.get(f"{head}.{payload}.{flipped}") is None


def test_a_cached_token_is_refused_once_the_clock_passes_its_expiry(emu: InProcess) -> None:
    admin = {"X-Emulator-Admin-Key": emu.emulator.admin_key}
    token = emu.token()
    assert emu.api(*DEFENDER_CALL, token).status_code == 200
    assert emu.emulator.identity.keys.verified.get(token) is not None
    lifetime = jwt.decode(token, options={"verify_signature": False})["exp"] - time.time()
    moved = emu.http.post("/_emulator/clock", json={"advance": int(lifetime) + 600}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert emu.api(*DEFENDER_CALL, token).status_code == 401, "cached yet expired"
    back = emu.http.post(
        "/_emulator/clock", json={"advance": -(int(lifetime) + 600)}, headers=admin
    )
    assert back.status_code == 200, back.text
    assert emu.api(*DEFENDER_CALL, token).status_code == 200


def test_a_token_before_its_nbf_by_the_emulator_clock_is_refused(emu: InProcess) -> None:
    admin = {"X-Emulator-Admin-Key": emu.emulator.admin_key}
    token = emu.token()
    assert emu.api(*DEFENDER_CALL, token).status_code == 200
    moved = emu.http.post("/_emulator/clock", json={"advance": -3600}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert emu.api(*DEFENDER_CALL, token).status_code == 401


def test_flooding_unknown_kids_does_not_empty_the_cache(emu: InProcess) -> None:
    forger = Forger(emu, "https://api.securitycenter.microsoft.com/.default")
    cache = emu.emulator.identity.keys.verified
    assert emu.api(*DEFENDER_CALL, forger.genuine).status_code == 200
    for n in range(5):
        junk = forger.header_changed(kid=f"unknown-{n}")
        assert emu.api(*DEFENDER_CALL, junk).status_code == 401
    assert cache.get(forger.genuine) is not None


def test_a_state_dir_from_elsewhere_has_its_own_keys(tmp_path: Path) -> None:
    with in_process(tmp_path / "a", quotas=False) as first:
        token = first.token()
        kid = jwt.get_unverified_header(token)["kid"]
    with in_process(tmp_path / "b", quotas=False) as second:
        assert kid not in {k["kid"] for k in second.emulator.identity.keys.jwks()["keys"]}
        _refusal(second, DEFENDER_CALL, token)
