"""Driving the web console in tests: an admin's HTTP client, filling in its forms with their
token, and the steps of the guide's portal half (register, add a permission, add a secret)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient

from tests.support.emulators import InProcess

BASE = "https://emulator.test"


def admin_client(emu: InProcess) -> TestClient:
    """A browser of the emulator's admin (the admin key as a header)."""
    return TestClient(
        emu.http.app,
        base_url=BASE,
        headers={"X-Emulator-Admin-Key": emu.emulator.admin_key},
        follow_redirects=False,
    )


def form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has a form token"
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, Any], **kwargs: Any) -> httpx.Response:
    """Fill in and send a console form as a browser would, with the page's form token."""
    token = form_token(client.get(path if "/permissions" in path else "/_console/apps").text)
    answer: httpx.Response = client.post(path, data={"csrf": token, **data}, **kwargs)
    return answer


def register(client: TestClient, name: str, *, audience: str = "AzureADMyOrg") -> str:
    """Register an app through the console; its client ID."""
    answer = post(client, "/_console/apps/new", {"name": name, "audience": audience})
    assert answer.status_code == 303, answer.text
    found = re.match(r"/_console/apps/([0-9a-f-]{36})\?done=registered", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


def add_permission(client: TestClient, app_id: str, value: str) -> None:
    page = client.get(f"/_console/apps/{app_id}/permissions").text
    key = re.search(rf'value="([0-9a-f-]+:[0-9a-f-]+)"[^>]*>\s*<label for="[^"]+">{value}<', page)
    assert key, f"{value} is offered"
    answer = post(
        client,
        f"/_console/apps/{app_id}/permissions",
        {"action": "add", "permission": key.group(1)},
    )
    assert answer.status_code == 303, answer.text


def new_secret(client: TestClient, app_id: str) -> str:
    answer = post(
        client,
        f"/_console/apps/{app_id}/credentials",
        {"action": "add-secret", "description": "ci", "lifetime": "180"},
    )
    assert answer.status_code == 200, answer.text
    found = re.search(r'id="new-secret-value"[^>]*>([^<]+)<', answer.text)
    assert found, "the new secret's value is shown"
    return found.group(1)


def token_for(emu: InProcess, app_id: str, secret: str) -> str:
    return emu.token(client_id=app_id, secret=secret)


def roles_of(token: str) -> list[str]:
    claims = jwt.decode(token, options={"verify_signature": False})
    return list(claims.get("roles", []))


def inspect(admin: TestClient, token: str, operation: str) -> str:
    page = admin.get("/_console/inspector").text
    answer = admin.post(
        "/_console/inspector",
        data={"csrf": form_token(page), "token": token, "operation": operation},
    )
    assert answer.status_code == 200
    return str(answer.text)


def certificate() -> tuple[bytes, str]:
    """A fresh self-signed certificate (DER) and its SHA-1 thumbprint in hex."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "console test")])
    now = datetime.now(UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    thumbprint = built.fingerprint(hashes.SHA1()).hex().upper()
    return built.public_bytes(serialization.Encoding.DER), thumbprint
