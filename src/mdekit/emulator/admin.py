"""Who may use the control API and the console: the emulator's admin.

When the emulator listens on loopback only, any local caller is the admin (it is a
developer's own machine). Otherwise, and always when given, the admin key from the state
directory (`admin-key`, mode 0600) must be sent as the `X-Emulator-Admin-Key` header or the
console's cookie. An API bearer token never grants anything here."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from starlette.requests import Request

ADMIN_HEADER = "x-emulator-admin-key"
ADMIN_COOKIE = "mdekit_admin"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def admin_key_path(state_dir: Path) -> Path:
    return state_dir / "admin-key"


def ensure_admin_key(state_dir: Path) -> str:
    path = admin_key_path(state_dir)
    if path.is_file():
        return path.read_text().strip()
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def read_admin_key(state_dir: Path) -> str | None:
    path = admin_key_path(state_dir)
    return path.read_text().strip() if path.is_file() else None


def is_admin(request: Request, admin_key: str, *, loopback_open: bool) -> bool:
    given = request.headers.get(ADMIN_HEADER) or request.cookies.get(ADMIN_COOKIE)
    if given:
        return hmac.compare_digest(given.encode(), admin_key.encode())
    client = request.client.host if request.client else ""
    return loopback_open and client in _LOOPBACK
