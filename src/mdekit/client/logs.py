"""Request logging with redaction: one line per HTTP exchange on the `mdekit.http` logger
(method, path, status, duration, request id, quota left as the client's pacer sees it), more
detail at DEBUG. Nothing that looks like a token, a client assertion, a password or a
download signature ever reaches a log record's text: `redact()` runs over every message."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from typing import IO
from urllib.parse import unquote

import httpx

from mdekit.catalog.endpoint_model import Endpoint
from mdekit.client.pacing import Pacer

LOGGER_NAME = "mdekit.http"
logger = logging.getLogger(LOGGER_NAME)

REDACTED = "<redacted>"

_PATTERNS = (
    # JSON Web Tokens (access tokens, client assertions, federated tokens)
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"),
    # Authorization headers of any scheme
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:bearer|basic)?\s*[^\s\"',}]+"),
    re.compile(r"(?i)\b(bearer\s+)[^\s\"',}]+"),
    # secrets in forms, query strings and JSON
    re.compile(
        r"(?i)(\b(?:client_secret|client_assertion|password|access_token|refresh_token|"
        r"id_token|sig|secret)[\"']?\s*[=:]\s*[\"']?)[^&\s\"',}]+"
    ),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without tokens, secrets and signatures (and without the given values)."""
    for value in secrets:
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(
            lambda m: (m.group(1) if m.groups() else "") + REDACTED,
            text,
        )
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through `redact()` (for handlers that also receive
    other libraries' records, such as azure-identity's)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        return True


def quota_left(pacer: Pacer | None, endpoint: Endpoint, now: float) -> str:
    """`93/95 per 60s` for the endpoint's shortest window, as the pacer booked it."""
    if not endpoint.rate_limits:
        return "no quota"
    if pacer is None or not pacer.settings.enabled:
        return "quota not tracked (pacing off)"
    shortest = min(endpoint.rate_limits, key=lambda limit: limit.seconds)
    budget = max(1, math.floor(shortest.calls * pacer.settings.scale))
    used = pacer.used(endpoint, now)
    return f"quota {max(0, budget - used)}/{budget} left per {shortest.seconds}s"


def _request_id(response: httpx.Response) -> str:
    for name in ("request-id", "x-ms-request-id", "x-request-id", "client-request-id"):
        if name in response.headers:
            return response.headers[name]
    return "-"


def _target(request: httpx.Request) -> str:
    url = request.url
    query = unquote(url.query.decode("ascii", "replace"))
    path = url.raw_path.decode("ascii", "replace").split("?")[0]
    return redact(path + (f"?{query}" if query else ""))


def log_exchange(
    endpoint: Endpoint,
    request: httpx.Request | None,
    outcome: httpx.Response | httpx.TransportError,
    seconds: float,
    *,
    pacer: Pacer | None,
    now: float,
) -> None:
    """Log one attempt: INFO one line, DEBUG also the headers (redacted)."""
    if not logger.isEnabledFor(logging.INFO):
        return
    method = request.method if request is not None else endpoint.method
    target = _target(request) if request is not None else endpoint.path
    quota = quota_left(pacer, endpoint, now)
    millis = round(seconds * 1000)
    if isinstance(outcome, httpx.TransportError):
        logger.info(
            "%s %s -> %s after %d ms (%s)", method, target, type(outcome).__name__, millis, quota
        )
        return
    logger.info(
        "%s %s -> %d in %d ms, request id %s, %s",
        method,
        target,
        outcome.status_code,
        millis,
        _request_id(outcome),
        quota,
    )
    if logger.isEnabledFor(logging.DEBUG):
        sent = "; ".join(f"{k}: {v}" for k, v in outcome.request.headers.items())
        got = "; ".join(f"{k}: {v}" for k, v in outcome.headers.items())
        logger.debug("  request headers: %s", redact(sent))
        logger.debug("  response headers: %s", redact(got))
        logger.debug("  response body: %d bytes", len(outcome.content))


def log_wait(seconds: float, endpoint: Endpoint) -> None:
    """A pause before an attempt: pacing under the quota, or a retry's backoff."""
    logger.info(
        "waiting %.2f s before %s %s (quota or retry)", seconds, endpoint.method, endpoint.path
    )


def enable_request_log(
    verbosity: int, stream: IO[str], *, secrets: Iterable[str] = ()
) -> logging.Handler | None:
    """Send the request log to `stream`: 1 = one line per request, 2 = headers too and
    azure-identity's token messages. Returns the handler (None for verbosity 0)."""
    if verbosity <= 0:
        return None
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    level = logging.DEBUG if verbosity >= 2 else logging.INFO
    logger.setLevel(level)
    logger.addHandler(handler)
    if verbosity >= 2:
        for name in ("azure.identity", "msal"):
            other = logging.getLogger(name)
            other.setLevel(logging.INFO)
            other.addHandler(handler)
    return handler
