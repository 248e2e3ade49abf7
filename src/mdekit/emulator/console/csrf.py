"""Form tokens for the console's POSTs: an HMAC of the purpose and time under the admin key,
so a page of another origin cannot make the admin's browser consent or change data."""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_AGE_SECONDS = 3600


def _mac(key: str, purpose: str, stamp: str) -> str:
    return hmac.new(key.encode(), f"{purpose}|{stamp}".encode(), hashlib.sha256).hexdigest()


def issue(key: str, purpose: str) -> str:
    stamp = str(int(time.time()))
    return f"{stamp}.{_mac(key, purpose, stamp)}"


def valid(key: str, purpose: str, token: str | None) -> bool:
    if not token or "." not in token:
        return False
    stamp, mac = token.split(".", 1)
    if not stamp.isdigit() or time.time() - int(stamp) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(mac, _mac(key, purpose, stamp))
