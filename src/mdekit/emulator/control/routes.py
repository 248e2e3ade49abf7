"""The control API under `/_emulator`: documented, for the emulator's admin only (see
`auth`). Tests and the CLI use it to add tenants, script consent, rotate keys and move the
clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from mdekit._version import __version__
from mdekit.emulator.admin import is_admin
from mdekit.emulator.control.runtime import Runtime
from mdekit.emulator.control.service import Control
from mdekit.emulator.domain.errors import DomainError, InvalidInput, NotFound
from mdekit.emulator.domain.json_input import BadJson, parse_json

router = APIRouter(prefix="/_emulator", include_in_schema=False)


@dataclass
class ControlServices:
    control: Control
    runtime: Runtime
    admin_key: str
    loopback_open: bool


def _services(request: Request) -> ControlServices:
    svc: ControlServices = request.app.state.control
    return svc


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": message}}, status)


async def _run(
    request: Request, action: Callable[[Control, dict[str, Any]], Any], status: int = 200
) -> Response:
    svc = _services(request)
    if not is_admin(request, svc.admin_key, loopback_open=svc.loopback_open):
        return _error(
            403,
            "Forbidden",
            "The control API is for the emulator's admin: send the X-Emulator-Admin-Key "
            "header with the key from the state directory's admin-key file.",
        )
    body: dict[str, Any] = {}
    if request.method in ("POST", "PUT", "PATCH"):
        raw = await request.body()
        if raw.strip():
            try:
                parsed = parse_json(raw)
            except BadJson:
                return _error(400, "InvalidRequestBody", "The body is not valid JSON.")
            if not isinstance(parsed, dict):
                return _error(400, "InvalidRequestBody", "The body must be a JSON object.")
            body = parsed
    try:
        result = await run_in_threadpool(action, svc.control, body)
    except NotFound as exc:
        return _error(404, "NotFound", exc.message)
    except (InvalidInput, DomainError) as exc:
        return _error(400, "InvalidInput", exc.message)
    if result is None:
        return Response(status_code=204)
    return _json(result, status)


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"'{name}' is required.")
    return value.strip()


@router.get("/health")
async def health() -> Response:
    return _json({"status": "ok", "version": __version__})


@router.get("/tenants")
async def tenants(request: Request) -> Response:
    return await _run(request, lambda c, _: c.tenants())


@router.post("/tenants")
async def add_tenant(request: Request) -> Response:
    return await _run(
        request, lambda c, b: c.add_tenant(_text(b, "name"), b.get("domain")), status=201
    )


@router.post("/consent")
async def grant_consent(request: Request) -> Response:
    return await _run(
        request, lambda c, b: c.grant_consent(_text(b, "tenant"), _text(b, "clientId"))
    )


@router.delete("/consent")
async def revoke_consent(request: Request) -> Response:
    tenant = request.query_params.get("tenant", "")
    client_id = request.query_params.get("clientId", "")
    return await _run(request, lambda c, _: c.revoke_consent(tenant, client_id))


@router.post("/keys/rotate")
async def rotate_keys(request: Request) -> Response:
    return await _run(request, lambda c, _: c.rotate_keys())


@router.get("/clock")
async def clock(request: Request) -> Response:
    return await _run(request, lambda c, _: c.clock())


@router.post("/clock")
async def change_clock(request: Request) -> Response:
    return await _run(request, lambda c, b: c.change_clock(b))


@router.get("/settings")
async def settings(request: Request) -> Response:
    return await _run(request, lambda c, _: c.settings())


@router.patch("/settings")
async def change_settings(request: Request) -> Response:
    return await _run(request, lambda c, b: c.change_settings(b))


# -- runtime switches ------------------------------------------------------------------------


def _runtime(request: Request) -> Runtime:
    return _services(request).runtime


async def _run_runtime(
    request: Request, action: Callable[[Runtime, dict[str, Any]], Any], status: int = 200
) -> Response:
    runtime = _runtime(request)
    return await _run(request, lambda _control, body: action(runtime, body), status)


@router.post("/reset")
async def reset(request: Request) -> Response:
    return await _run_runtime(request, lambda r, _: r.reset())


@router.post("/seed")
async def seed(request: Request) -> Response:
    return await _run_runtime(request, lambda r, b: r.seed(b))


@router.get("/actions")
async def action_settings(request: Request) -> Response:
    return await _run_runtime(request, lambda r, _: r.action_settings())


@router.put("/actions")
async def change_action_settings(request: Request) -> Response:
    return await _run_runtime(request, lambda r, b: r.change_action_settings(b))


@router.get("/quotas")
async def quotas(request: Request) -> Response:
    return await _run_runtime(request, lambda r, _: r.quotas())


@router.put("/quotas")
async def change_quotas(request: Request) -> Response:
    return await _run_runtime(request, lambda r, b: r.change_quotas(b))


@router.get("/faults")
async def faults(request: Request) -> Response:
    return await _run_runtime(request, lambda r, _: r.list_faults())


@router.post("/faults")
async def add_fault(request: Request) -> Response:
    return await _run_runtime(request, lambda r, b: r.add_fault(b), status=201)


@router.delete("/faults")
async def clear_faults(request: Request) -> Response:
    return await _run_runtime(request, lambda r, _: r.clear_faults())


@router.get("/journal")
async def journal(request: Request) -> Response:
    query = dict(request.query_params)
    return await _run_runtime(request, lambda r, _: r.journal_entries(query))
