"""The Defender API's HTTP surface: one route for `/api/...` that looks the endpoint up in
the catalog, checks the bearer token and the endpoint's roles, then runs its handler."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from mdekit.catalog.endpoints import Endpoint, match
from mdekit.catalog.permissions import DEFENDER
from mdekit.emulator.defender.context import DefenderServices, HandlerContext, Reply
from mdekit.emulator.defender.errors import error_response
from mdekit.emulator.defender.registry import load_handlers
from mdekit.emulator.domain.authorize import authorize
from mdekit.emulator.domain.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    NotImplementedInEmulator,
    Throttled,
)
from mdekit.emulator.domain.json_input import BadJson, parse_json
from mdekit.emulator.domain.throttle import Quota
from mdekit.emulator.identity.bearer import validate_bearer
from mdekit.emulator.offload import offloader_of
from mdekit.odata.errors import ODataError

MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
"""Live response library files may be 20 MB; multipart overhead on top."""

router = APIRouter(include_in_schema=False)
HANDLERS = load_handlers()


def _services(request: Request) -> DefenderServices:
    svc: DefenderServices = request.app.state.defender
    return svc


def _body(raw: bytes, endpoint: Endpoint) -> Any:
    if not raw.strip():
        return None
    try:
        return parse_json(raw)
    except BadJson as exc:
        raise InvalidInput("Request body is incorrect", code="InvalidRequestBody") from exc


def _handle(
    request: Request, path: str, raw_body: bytes, request_id: str, form: dict[str, Any] | None
) -> Reply:
    found = match(request.method, path)
    if found is None:
        raise NotFound(f"Resource {path} was not found", code="NotFound")
    endpoint, path_params = found
    request.state.journal_endpoint = endpoint.operation
    svc = _services(request)
    caller = validate_bearer(
        request.headers.get("authorization"),
        keys=svc.identity.keys,
        api=DEFENDER,
        now=svc.clock.timestamp(),
        tenant_exists=svc.identity.tenant_exists,
    )
    request.state.journal_caller = {
        "tenant_id": caller.tenant_id,
        "app_id": caller.app_id,
        "roles": list(caller.roles),
    }
    request.state.journal_roles_needed = list(endpoint.roles)
    authorize(endpoint.roles, caller.roles)
    _throttle(svc, endpoint, caller.tenant_id, caller.app_id)
    handler = HANDLERS.get(endpoint.operation)
    if handler is None:
        raise NotImplementedInEmulator(
            f"The mdekit emulator does not serve {endpoint.describe()} ({endpoint.operation}) yet."
        )
    context = HandlerContext(
        services=svc,
        endpoint=endpoint,
        path_params=path_params,
        caller=caller,
        params=tuple(request.query_params.multi_items()),
        body=_body(raw_body, endpoint),
        api_base=f"{request.url.scheme}://{request.url.netloc}/api",
        request_path=path,
        request_id=request_id,
        origin=f"{request.url.scheme}://{request.url.netloc}",
        form=form,
    )
    return handler(context)


def _throttle(svc: DefenderServices, endpoint: Endpoint, tenant_id: str, app_id: str) -> None:
    """The endpoint's quotas from the catalog, per app and tenant (per tenant for hunting)."""
    limits = endpoint.rate_limits
    if not limits:
        return
    per_tenant = any(limit.per_tenant for limit in limits)
    key = (
        f"{tenant_id}|{endpoint.operation}"
        if per_tenant
        else f"{tenant_id}|{app_id}|{endpoint.operation}"
    )
    quotas = [Quota(limit.calls, limit.seconds) for limit in limits]
    decision = svc.limiter.check(key, quotas, svc.clock.timestamp())
    if not decision.allowed:
        assert decision.exceeded is not None
        raise Throttled(
            f"API calls quota exceeded! maximum allowed {decision.exceeded.describe()}",
            retry_after=decision.retry_after,
            code="429" if endpoint.operation == "hunting.run" else "TooManyRequests",
        )


async def _read_body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise InvalidInput("The request body is too large.", code="InvalidRequestBody")
    return body


async def _read_form(request: Request) -> dict[str, Any]:
    """Multipart fields; files as (filename, bytes). Too large or malformed: 400."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_UPLOAD_BYTES:
        raise InvalidInput("The file is too large: at most 20 MB.", code="InvalidRequestBody")
    try:
        form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
    except (MultiPartException, HTTPException, ValueError, KeyError) as exc:
        raise InvalidInput("Request body is incorrect", code="InvalidRequestBody") from exc
    fields: dict[str, Any] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields[name] = value
        else:
            fields[name] = (value.filename or "", await value.read())
    return fields


class _Anything(Convertor[str]):
    """Like `path`, but a newline in the path is still part of it (Starlette's stops there)."""

    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anything", _Anything())


def _raw_path(request: Request) -> str:
    """The path as sent, still percent-encoded, so an escaped `?` or `#` in an id stays in
    its segment instead of cutting the path when the catalog matches it."""
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path


def _on_the_loop(request: Request) -> bool:
    """GETs on SQLite run on the event loop; everything else on a handler thread.

    A SQLite read is in-process work under the GIL (in WAL mode it never waits for a
    writer), so a hop to a thread buys nothing and costs a fifth of a page of alerts. The
    few writes a GET makes (machine actions moving on) are short transactions that wait at
    most for another one. PostgreSQL calls wait on the network and writes on SQLite may
    wait for the lock: those go to threads, so the loop keeps serving meanwhile."""
    return request.method == "GET" and _services(request).repo.engine.dialect.name == "sqlite"


@router.api_route("/api{rest:anything}", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
async def defender_api(request: Request, rest: str) -> Response:
    request_id = str(uuid.uuid4())
    request.state.request_id = request_id
    try:
        form = None
        raw = b""
        if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
            form = await _read_form(request)
        else:
            raw = await _read_body(request)
        args = (request, _raw_path(request), raw, request_id, form)
        if _on_the_loop(request):
            reply = _handle(*args)
        else:
            reply = await offloader_of(request.app.state).run(_handle, *args)
    except (DomainError, ODataError) as exc:
        request.state.journal_reason = getattr(exc, "reason", None) or getattr(
            exc, "message", str(exc)
        )
        if isinstance(exc, Forbidden):
            request.state.journal_roles_needed = list(exc.required)
        return error_response(exc, request_id)
    headers = {"request-id": request_id, **dict(reply.headers)}
    if reply.content is not None:
        return Response(
            reply.content, status_code=reply.status, media_type=reply.media_type, headers=headers
        )
    if reply.json_text is None:
        return Response(status_code=reply.status, headers=headers)
    return Response(
        reply.json_text, status_code=reply.status, media_type=reply.media_type, headers=headers
    )
