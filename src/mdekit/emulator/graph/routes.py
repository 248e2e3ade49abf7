"""Microsoft Graph `/v1.0` subset at the real paths: app registrations, credentials, service
principals, admin consent (app role assignments), organization."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from mdekit.catalog.permissions import GRAPH
from mdekit.emulator.domain.authorize import authorize
from mdekit.emulator.domain.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    Throttled,
    Unauthorized,
)
from mdekit.emulator.domain.json_input import BadJson, parse_json
from mdekit.emulator.domain.throttle import Limiter
from mdekit.emulator.graph import hunting as graph_hunting
from mdekit.emulator.graph.service import GraphDirectory
from mdekit.emulator.hunting.service import HuntingService
from mdekit.emulator.identity.bearer import Caller, validate_bearer
from mdekit.emulator.identity.services import IdentityServices

READ_APPS = (
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
WRITE_APPS = ("Application.ReadWrite.All",)
READ_ASSIGNMENTS = (
    "Application.Read.All",
    "AppRoleAssignment.ReadWrite.All",
    "Directory.Read.All",
    "Application.ReadWrite.All",
)
WRITE_ASSIGNMENTS = ("AppRoleAssignment.ReadWrite.All",)
READ_ORG = (
    "Organization.Read.All",
    "Directory.Read.All",
    "Application.Read.All",
    "Application.ReadWrite.All",
)

router = APIRouter(prefix="/v1.0", include_in_schema=False)


@dataclass
class GraphServices:
    identity: IdentityServices
    directory: GraphDirectory
    hunting: HuntingService | None = None
    limiter: Limiter | None = None


def _services(request: Request) -> GraphServices:
    svc: GraphServices = request.app.state.graph
    return svc


def _error(request: Request, status: int, code: str, message: str) -> Response:
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": getattr(request.state, "request_id", str(uuid.uuid4())),
                "client-request-id": request.headers.get("client-request-id", str(uuid.uuid4())),
            },
        }
    }
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def _map_error(request: Request, exc: DomainError) -> Response:
    request.state.journal_reason = getattr(exc, "reason", exc.message)
    if isinstance(exc, Unauthorized):
        return _error(
            request, 401, "InvalidAuthenticationToken", "Access token validation failure."
        )
    if isinstance(exc, Forbidden):
        request.state.journal_roles_needed = list(exc.required)
        return _error(
            request,
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    if isinstance(exc, NotFound):
        code = exc.code if exc.code != "ResourceNotFound" else "Request_ResourceNotFound"
        return _error(request, 404, code, exc.message)
    if isinstance(exc, Throttled):
        response = _error(request, 429, "TooManyRequests", exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    code = exc.code if exc.code not in ("InvalidInput", "BadRequest") else "Request_BadRequest"
    return _error(request, 400, code, exc.message)


def _caller(request: Request, roles: tuple[str, ...]) -> Caller:
    svc = _services(request).identity
    caller = validate_bearer(
        request.headers.get("authorization"),
        keys=svc.keys,
        api=GRAPH,
        now=svc.clock.timestamp(),
        tenant_exists=svc.tenant_exists,
    )
    request.state.journal_caller = {
        "tenant_id": caller.tenant_id,
        "app_id": caller.app_id,
        "roles": list(caller.roles),
    }
    authorize(roles, caller.roles)
    return caller


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = parse_json(raw)
    except BadJson as exc:
        raise InvalidInput(
            "Unable to read JSON request payload. Please ensure Content-Type header is set and "
            "payload is of valid JSON format.",
            code="BadRequest",
        ) from exc
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object.", code="BadRequest")
    return body


def _context(request: Request, fragment: str) -> str:
    return f"{request.url.scheme}://{request.url.netloc}/v1.0/$metadata#{fragment}"


async def _run(
    request: Request,
    roles: tuple[str, ...],
    action: Callable[[GraphDirectory, str, dict[str, Any]], Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> Response:
    try:
        body = await _body(request) if request.method in ("POST", "PATCH") else {}
        caller = await run_in_threadpool(_caller, request, roles)
        result = await run_in_threadpool(
            action, _services(request).directory, caller.tenant_id, body
        )
    except DomainError as exc:
        return _map_error(request, exc)
    if result is None:
        return Response(status_code=204)
    if isinstance(result, list):
        payload: dict[str, Any] = {
            "@odata.context": _context(request, fragment or ""),
            "value": result,
        }
    else:
        payload = {"@odata.context": _context(request, f"{fragment}/$entity"), **result}
    return Response(json.dumps(payload), status_code=status, media_type="application/json")


def _filter(request: Request) -> str | None:
    return request.query_params.get("$filter")


@router.get("/applications")
async def list_applications(request: Request) -> Response:
    flt = _filter(request)
    return await _run(
        request, READ_APPS, lambda g, t, _: g.list_applications(t, flt), fragment="applications"
    )


@router.post("/applications")
async def create_application(request: Request) -> Response:
    return await _run(
        request,
        WRITE_APPS,
        lambda g, t, b: g.create_application(t, b),
        fragment="applications",
        status=201,
    )


@router.get("/applications{key:path}")
async def get_application(request: Request, key: str) -> Response:
    key = key.lstrip("/")
    return await _run(
        request, READ_APPS, lambda g, t, _: g.get_application(t, key), fragment="applications"
    )


@router.patch("/applications/{key}")
async def update_application(request: Request, key: str) -> Response:
    return await _run(request, WRITE_APPS, lambda g, t, b: g.update_application(t, key, b))


@router.delete("/applications/{key}")
async def delete_application(request: Request, key: str) -> Response:
    return await _run(request, WRITE_APPS, lambda g, t, _: g.delete_application(t, key))


_CREDENTIAL_ACTIONS: dict[str, Callable[[GraphDirectory, str, str, dict[str, Any]], Any]] = {
    "addpassword": GraphDirectory.add_password,
    "removepassword": GraphDirectory.remove_password,
    "addkey": GraphDirectory.add_key,
    "removekey": GraphDirectory.remove_key,
}


@router.post("/applications/{key}/{action}")
async def application_action(request: Request, key: str, action: str) -> Response:
    handler = _CREDENTIAL_ACTIONS.get(action.lower())
    if handler is None:
        return _error(request, 400, "BadRequest", f"Unsupported action '{action}'.")
    fragment = (
        "microsoft.graph.passwordCredential"
        if "password" in action.lower()
        else ("microsoft.graph.keyCredential")
    )
    return await _run(request, WRITE_APPS, lambda g, t, b: handler(g, t, key, b), fragment=fragment)


@router.get("/servicePrincipals")
async def list_service_principals(request: Request) -> Response:
    flt = _filter(request)
    return await _run(
        request,
        READ_APPS,
        lambda g, t, _: g.list_service_principals(t, flt),
        fragment="servicePrincipals",
    )


@router.post("/servicePrincipals")
async def create_service_principal(request: Request) -> Response:
    return await _run(
        request,
        WRITE_APPS,
        lambda g, t, b: g.create_service_principal(t, b),
        fragment="servicePrincipals",
        status=201,
    )


@router.get("/servicePrincipals{key:path}")
async def get_service_principal(request: Request, key: str) -> Response:
    key = key.lstrip("/")
    if "/" in key:
        sp_key, _, relation = key.partition("/")
        as_resource = relation.lower() == "approleassignedto"
        if relation.lower() not in ("approleassignedto", "approleassignments"):
            return _error(request, 400, "BadRequest", f"Unsupported segment '{relation}'.")
        return await _run(
            request,
            READ_ASSIGNMENTS,
            lambda g, t, _: g.list_assignments(t, sp_key, as_resource=as_resource),
            fragment="appRoleAssignments",
        )
    return await _run(
        request,
        READ_APPS,
        lambda g, t, _: g.get_service_principal(t, key),
        fragment="servicePrincipals",
    )


@router.delete("/servicePrincipals/{key}")
async def delete_service_principal(request: Request, key: str) -> Response:
    return await _run(request, WRITE_APPS, lambda g, t, _: g.delete_service_principal(t, key))


@router.post("/servicePrincipals/{key}/{relation}")
async def assign(request: Request, key: str, relation: str) -> Response:
    if relation.lower() not in ("approleassignedto", "approleassignments"):
        return _error(request, 400, "BadRequest", f"Unsupported segment '{relation}'.")
    as_resource = relation.lower() == "approleassignedto"
    return await _run(
        request,
        WRITE_ASSIGNMENTS,
        lambda g, t, b: g.assign(t, key, b, as_resource=as_resource),
        fragment="appRoleAssignments",
        status=201,
    )


@router.delete("/servicePrincipals/{key}/{relation}/{assignment_id}")
async def unassign(request: Request, key: str, relation: str, assignment_id: str) -> Response:
    return await _run(request, WRITE_ASSIGNMENTS, lambda g, t, _: g.unassign(t, key, assignment_id))


@router.get("/organization")
async def organization(request: Request) -> Response:
    return await _run(
        request, READ_ORG, lambda g, t, _: [g.organization(t)], fragment="organization"
    )


@router.post("/security/runHuntingQuery")
async def run_hunting_query(request: Request) -> Response:
    services = _services(request)
    hunting = services.hunting
    if hunting is None:
        return _error(request, 501, "NotImplemented", "Advanced hunting is not set up here.")
    clock = services.identity.clock
    try:
        body = await _body(request)
        caller = await run_in_threadpool(_caller, request, graph_hunting.THREAT_HUNTING)
        if services.limiter is not None:
            graph_hunting.throttle(services.limiter, caller.tenant_id, clock.timestamp())
        answer = await run_in_threadpool(
            graph_hunting.run_hunting_query, hunting, caller.tenant_id, body, clock.now()
        )
        payload = {
            "@odata.context": _context(request, "microsoft.graph.security.huntingQueryResults"),
            **answer,
        }
        text = await run_in_threadpool(hunting.encode, payload)
    except DomainError as exc:
        return _map_error(request, exc)
    return Response(text, media_type="application/json")
