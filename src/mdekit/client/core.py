"""Sans-I/O core shared by Client and AsyncClient: which endpoint a call is, the request it
makes, how an error response becomes an exception, and whether to retry."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from mdekit.catalog.endpoints import Endpoint, find_operation
from mdekit.client.errors import (
    ApiError,
    BadRequest,
    ConfigurationError,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    forbidden_hint,
)
from mdekit.client.pacing import Pacer

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class Call:
    """One API call, ready to send: its catalog endpoint, path and query."""

    endpoint: Endpoint
    path: str
    params: tuple[tuple[str, str], ...] = ()
    body: Any = None
    files: Mapping[str, tuple[str, bytes]] | None = None
    """Multipart file fields (the body's fields then travel as form data)."""

    @property
    def method(self) -> str:
        return self.endpoint.method

    @property
    def idempotent(self) -> bool:
        return self.endpoint.method in IDEMPOTENT_METHODS


def prepare(
    operation: str,
    path_params: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    body: Any = None,
    files: Mapping[str, tuple[str, bytes]] | None = None,
) -> Call:
    endpoint = find_operation(operation)
    if endpoint is None:
        raise ConfigurationError(f"unknown operation {operation!r}")
    values = dict(path_params or {})
    missing = [name for name in endpoint.path_params if name not in values]
    if missing:
        raise ConfigurationError(f"{operation} needs {', '.join(missing)}")
    path = endpoint.path
    for name in endpoint.path_params:
        path = path.replace("{" + name + "}", quote(str(values[name]), safe="'(),=:"))
    query = tuple((k, str(v)) for k, v in (params or {}).items() if v is not None)
    return Call(endpoint, path, query, body, files)


def token_roles(request: httpx.Request) -> tuple[str, ...]:
    """Roles claimed by the bearer token a request carried (payload read, not verified)."""
    header = request.headers.get("authorization", "")
    parts = header.partition(" ")[2].split(".")
    if len(parts) != 3:
        return ()
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return ()
    roles = payload.get("roles", []) if isinstance(payload, dict) else []
    return tuple(str(r) for r in roles) if isinstance(roles, list) else ()


def _error_fields(response: httpx.Response) -> tuple[str | None, str, Any]:
    try:
        body = response.json()
    except ValueError:
        return None, response.text.strip()[:500] or response.reason_phrase, None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error.get("code"), str(error.get("message") or ""), body
    return None, json.dumps(body)[:500], body


def request_id(response: httpx.Response) -> str | None:
    for name in ("request-id", "x-ms-request-id", "x-request-id"):
        if name in response.headers:
            return response.headers[name]
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    target = error.get("target") if isinstance(error, dict) else None
    return str(target) if target else None


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_for(response: httpx.Response, call: Call) -> ApiError:
    code, message, body = _error_fields(response)
    common: dict[str, Any] = {
        "status": response.status_code,
        "code": code,
        "request_id": request_id(response),
        "body": body,
    }
    status = response.status_code
    where = f"{call.method} {call.path}"
    if status == 401:
        return Unauthorized(
            message or "the token was rejected",
            **common,
            hint="the token is missing, expired or for another API/tenant; check the "
            "credentials and the cloud (MDE_CLOUD / MDE_API_URL)",
        )
    if status == 403:
        required = call.endpoint.roles
        present = token_roles(response.request)
        return Forbidden(
            message or f"forbidden: {where}",
            required_roles=required,
            token_roles=present,
            hint=forbidden_hint(required, present),
            **common,
        )
    if status == 404:
        return NotFound(message or f"not found: {where}", **common)
    if status == 429:
        return RateLimited(
            message or "too many requests",
            retry_after=retry_after(response),
            **common,
            hint="the API quota is used up; wait and retry",
        )
    if status >= 500:
        return ServerError(
            message or f"server error on {where}",
            **common,
            hint="a fault at the service; retry later",
        )
    if status >= 400:
        return BadRequest(message or f"bad request: {where}", **common)
    return ApiError(message or f"unexpected status {status}", **common)


@dataclass(frozen=True)
class RetryPolicy:
    """When to try again. Machine actions (POSTs) are never blindly resent."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 300.0
    deadline: float = 600.0
    """Give up when the next wait would end later than this many seconds after the first try."""
    jitter: random.Random = field(default_factory=random.Random, compare=False)

    def delay(
        self, call: Call, attempt: int, response: httpx.Response | None, elapsed: float
    ) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to stop.

        `response` is None when the attempt failed to connect."""
        if attempt >= self.attempts:
            return None
        status = response.status_code if response is not None else None
        if status == 429 or (status == 503 and call.idempotent):
            assert response is not None
            wait = retry_after(response)
            if wait is not None:
                # A throttled request was not processed, so resending it is safe for any method.
                fits = wait <= self.max_retry_after and elapsed + wait <= self.deadline
                return wait if fits else None
        retryable = status is None or status >= 500 or status == 429
        if not retryable or not call.idempotent:
            return None
        wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        wait = wait * (0.5 + self.jitter.random() / 2)
        return wait if elapsed + wait <= self.deadline else None


@dataclass(frozen=True)
class Send:
    """Instruction to the driver: send this request and send back the response (or the
    httpx.TransportError it raised)."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...] | None
    body: Any
    files: Mapping[str, tuple[str, bytes]] | None = None

    def httpx_options(self) -> dict[str, Any]:
        """The keyword arguments of `httpx.Client.request` for this send."""
        options: dict[str, Any] = {"params": list(self.params) if self.params else None}
        if self.files:
            options.update(files=dict(self.files), data=self.body or {})
        else:
            options["json"] = self.body
        return options


@dataclass(frozen=True)
class Sleep:
    seconds: float


SendFlow = Generator[Send | Sleep, "httpx.Response | httpx.TransportError | None", httpx.Response]


def send_flow(
    call: Call,
    policy: RetryPolicy,
    *,
    pacer: Pacer | None = None,
    path: str | None = None,
    params: tuple[tuple[str, str], ...] | None = None,
    absolute_url: str | None = None,
    clock: Callable[[], float],
) -> SendFlow:
    """The retry loop, written once: the sync and async clients only carry out its
    Send/Sleep instructions. Returns the success response or raises the mapped error."""
    started = clock()
    attempt = 0
    if absolute_url:
        request = Send(call.method, absolute_url, None, None)
    else:
        request = Send(
            call.method,
            path or call.path,
            params if params is not None else call.params,
            call.body,
            call.files,
        )
    while True:
        attempt += 1
        if pacer is not None:
            pause = pacer.reserve(call.endpoint, clock())
            if pause > 0:
                yield Sleep(pause)
        outcome = yield request
        if isinstance(outcome, httpx.TransportError):
            wait = policy.delay(call, attempt, None, clock() - started)
            if wait is None:
                raise TransportError(f"{call.method} {call.path}: {outcome}") from None
        else:
            assert outcome is not None
            if outcome.is_success:
                return outcome
            wait = policy.delay(call, attempt, outcome, clock() - started)
            if wait is None:
                raise error_for(outcome, call)
        yield Sleep(wait)
