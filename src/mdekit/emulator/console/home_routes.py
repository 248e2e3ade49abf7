"""The console's front door: the home page, signing in with the admin key (kept in an
HttpOnly, SameSite=Strict, Secure cookie), signing out, switching tenant, static files."""

from __future__ import annotations

import hmac
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from mdekit.emulator.admin import ADMIN_COOKIE
from mdekit.emulator.console import csrf
from mdekit.emulator.console.services import console_services
from mdekit.emulator.console.session import (
    LOGIN_PURPOSE,
    PREFIX,
    TENANT_COOKIE,
    Visit,
    cookie_options,
    enter,
    enter_form,
    field,
    is_console_admin,
    read_form,
    safe_next,
    same_origin,
    see_other,
)
from mdekit.emulator.console.templating import render
from mdekit.emulator.store import schema as t

router = APIRouter(include_in_schema=False)
_STATIC = Path(__file__).parent / "static"


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _home(visit: Visit) -> Response:
    tenant = visit.tenant
    repo = visit.services.data.repo
    counts = {
        "apps": len(visit.services.directory.repo.applications(tenant.id)),
        "machines": repo.count(t.machines, tenant.id),
        "alerts": repo.count(t.alerts, tenant.id),
    }
    origin = _origin(visit.request)
    return visit.page(
        "home.html",
        active="home",
        counts=counts,
        endpoints=[
            ("Token endpoint (v2)", f"{origin}/{tenant.id}/oauth2/v2.0/token"),
            ("Token endpoint (v1)", f"{origin}/{tenant.id}/oauth2/token"),
            ("Defender API", f"{origin}/api"),
            ("Microsoft Graph", f"{origin}/v1.0"),
            ("Signing keys (JWKS)", f"{origin}/{tenant.id}/discovery/v2.0/keys"),
        ],
    )


@router.get("/")
async def home(request: Request) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return await run_in_threadpool(_home, visit)


def _login_page(request: Request, next_path: str, *, failed: bool = False) -> Response:
    key = console_services(request).admin_key
    return render(
        "login.html",
        status=403 if failed else 200,
        csrf=csrf.issue(key, LOGIN_PURPOSE),
        next=next_path,
        failed=failed,
    )


@router.get(f"{PREFIX}/login")
async def login_form(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    if is_console_admin(request):
        return see_other(next_path)
    return _login_page(request, next_path)


@router.post(f"{PREFIX}/login")
async def login(request: Request) -> Response:
    svc = console_services(request)
    form = await read_form(request)
    if form is None or not same_origin(request):
        return _login_page(request, "/", failed=True)
    next_path = safe_next(field(form, "next"))
    if not csrf.valid(svc.admin_key, LOGIN_PURPOSE, field(form, "csrf")):
        return _login_page(request, next_path, failed=True)
    given = field(form, "key")
    if not given or not hmac.compare_digest(given.encode(), svc.admin_key.encode()):
        return _login_page(request, next_path, failed=True)
    response = see_other(next_path)
    response.set_cookie(ADMIN_COOKIE, svc.admin_key, **cookie_options())
    return response


@router.post(f"{PREFIX}/logout")
async def logout(request: Request) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    response = see_other(f"{PREFIX}/login")
    response.delete_cookie(ADMIN_COOKIE, **cookie_options())
    return response


@router.post(f"{PREFIX}/tenant")
async def switch_tenant(request: Request) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    visit, form = entered
    wanted = field(form, "tenant")
    response = see_other(safe_next(field(form, "next")))
    if any(tenant.id == wanted for tenant in visit.tenants):
        response.set_cookie(TENANT_COOKIE, wanted, **cookie_options())
    return response


@router.get(f"{PREFIX}/static/{{name}}")
async def static(name: str) -> Response:
    path = _STATIC / name
    if path.parent != _STATIC or not path.is_file():
        return Response(status_code=404)
    return FileResponse(path, headers={"Cache-Control": "no-cache"})
