"""Entra ID's HTTP surface: token endpoints (v1, v2), discovery documents, key sets and
instance discovery, at the real paths."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from mdekit.emulator.identity import aadsts, discovery
from mdekit.emulator.identity.aadsts import AadstsError, error_body
from mdekit.emulator.identity.services import IdentityServices
from mdekit.emulator.identity.tenants import ALIASES, resolve_tenant
from mdekit.emulator.identity.token_service import TokenRequest
from mdekit.emulator.offload import offloader_of

MAX_FORM_BYTES = 64 * 1024
_NO_STORE = {
    "Cache-Control": "no-store, no-cache",
    "Pragma": "no-cache",
    "Expires": "-1",
    "x-ms-ests-server": "2.1.mdekit-emulator",
}
_DISCOVERY_CACHE = {"Cache-Control": "max-age=86400, private", "Access-Control-Allow-Origin": "*"}

router = APIRouter(include_in_schema=False)


def services(request: Request) -> IdentityServices:
    svc: IdentityServices = request.app.state.identity
    return svc


def origin_of(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        media_type="application/json; charset=utf-8",
        headers=headers,
    )


def aad_error(request: Request, exc: AadstsError) -> Response:
    svc = services(request)
    body = error_body(
        exc, now=svc.clock.now(), correlation_id=request.headers.get("client-request-id")
    )
    request.state.journal_reason = str(exc)
    headers = {**_NO_STORE, "x-ms-request-id": body["trace_id"]}
    return _json(body, exc.status, headers)


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    """client_id and secret from `Authorization: Basic`, form-decoded per RFC 6749 §2.3.1."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (unquote_plus(user), unquote_plus(password)) if sep else None


async def _read_form(request: Request) -> dict[str, str]:
    """Form fields of the body; anything that is not a form reads as no fields at all, which
    is what Entra does with JSON bodies and query strings."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise AadstsError(90015, "invalid_request", "The request body is too large.")
    if content_type != "application/x-www-form-urlencoded":
        return {}
    fields: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
        fields.setdefault(key, value)
    return fields


async def _token(request: Request, tenant: str, version: Literal["v1", "v2"]) -> Response:
    svc = services(request)
    if request.method == "OPTIONS":
        return Response(status_code=200, headers={"Allow": "POST, OPTIONS"})
    try:
        if request.method != "POST":
            raise aadsts.wrong_method(request.method)
        form = await _read_form(request)
        token_request = TokenRequest(
            version=version,
            tenant_segment=tenant,
            form=form,
            basic_auth=_basic_auth(request.headers.get("authorization")),
            # Only a client assertion's audience needs it; building the URL is a few
            # percent of a token request.
            origin=origin_of(request) if "client_assertion" in form else "",
        )
        if svc.repo.engine.dialect.name == "sqlite":
            # On the loop, as the Defender API's SQLite reads: the directory read is
            # in-process, and the hop to a thread and back costs more than running the
            # signature beside the loop saves (`python -m bench --only server_throughput
            # --quick` on 2 cores: 1,300 tokens/s on the loop, 1,000-1,200 with the hop).
            issued = svc.tokens.issue(token_request)
        else:
            # PostgreSQL reads wait on the network: on a handler thread the loop goes on
            # serving meanwhile (and the RSA signature, which releases the GIL, runs there).
            issued = await offloader_of(request.app.state).run(svc.tokens.issue, token_request)
    except AadstsError as exc:
        return aad_error(request, exc)
    request.state.journal_caller = {
        "tenant_id": issued.tenant.id,
        "app_id": issued.app.app_id,
        "roles": issued.claims.get("roles", []),
    }
    return _json(issued.body, headers=dict(_NO_STORE))


_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]


@router.api_route("/{tenant}/oauth2/token", methods=_ALL)
async def token_v1(request: Request, tenant: str) -> Response:
    return await _token(request, tenant, "v1")


@router.api_route("/{tenant}/oauth2/v2.0/token", methods=_ALL)
async def token_v2(request: Request, tenant: str) -> Response:
    return await _token(request, tenant, "v2")


async def _discovery_tenant(request: Request, tenant: str) -> tuple[str, str]:
    """(segment for URLs, tenant for the issuer) or raise the AADSTS error."""
    if tenant.lower() in ALIASES:
        return tenant.lower(), "{tenantid}"
    resolved = await run_in_threadpool(resolve_tenant, services(request).repo, tenant)
    return resolved.id, resolved.id


@router.get("/{tenant}/v2.0/.well-known/openid-configuration")
async def openid_v2(request: Request, tenant: str) -> Response:
    try:
        segment, issuer_tenant = await _discovery_tenant(request, tenant)
    except AadstsError as exc:
        return aad_error(request, exc)
    document = discovery.openid_configuration_v2(origin_of(request), segment, issuer_tenant)
    return _json(document, headers=_DISCOVERY_CACHE)


@router.get("/{tenant}/.well-known/openid-configuration")
async def openid_v1(request: Request, tenant: str) -> Response:
    try:
        segment, issuer_tenant = await _discovery_tenant(request, tenant)
    except AadstsError as exc:
        return aad_error(request, exc)
    document = discovery.openid_configuration_v1(origin_of(request), segment, issuer_tenant)
    return _json(document, headers=_DISCOVERY_CACHE)


@router.get("/{tenant}/discovery/keys")
async def keys_v1(request: Request, tenant: str) -> Response:
    return _json(services(request).keys.jwks(), headers=_DISCOVERY_CACHE)


@router.get("/{tenant}/discovery/v2.0/keys")
async def keys_v2(request: Request, tenant: str) -> Response:
    issuer_tenant = "{tenantid}" if tenant.lower() in ALIASES else tenant
    issuer = f"https://login.microsoftonline.com/{issuer_tenant}/v2.0"
    return _json(services(request).keys.jwks(issuer), headers=_DISCOVERY_CACHE)


@router.get("/common/discovery/instance")
async def instance_discovery(request: Request) -> Response:
    document = discovery.instance_metadata(
        origin_of(request), request.query_params.get("authorization_endpoint")
    )
    return _json(document, headers=_DISCOVERY_CACHE)
