"""Who may use the console and how a page visit is set up: the emulator's admin only (see
`mdekit.emulator.admin`), every POST same-origin and carrying a form token, the chosen tenant
kept in a cookie. Routes call `enter` (GET) or `enter_form` (POST) and get a `Visit`, or the
response that refuses them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from mdekit.emulator.admin import ADMIN_COOKIE, is_admin
from mdekit.emulator.console import csrf
from mdekit.emulator.console.services import ConsoleServices, console_services
from mdekit.emulator.console.templating import render
from mdekit.emulator.store.records import Tenant

PREFIX = "/_console"
TENANT_COOKIE = "mdekit_console_tenant"
FORM_PURPOSE = "console"
LOGIN_PURPOSE = "console-login"
MAX_FORM_BYTES = 1024 * 1024
"""Certificates and hunting queries are the largest things posted; 1 MB is plenty."""


def cookie_options() -> dict[str, Any]:
    """HttpOnly, SameSite=Strict and Secure: the emulator only speaks HTTPS."""
    return {"httponly": True, "samesite": "strict", "secure": True, "path": "/"}


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to; anything else (another host, `//host`) becomes `default`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def same_origin(request: Request) -> bool:
    """False for a POST a page of another origin made the admin's browser send."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


@dataclass
class Visit:
    """One admin's request: services, the tenant being looked at, and page rendering."""

    request: Request
    services: ConsoleServices
    tenant: Tenant
    tenants: list[Tenant]

    def form_token(self) -> str:
        return csrf.issue(self.services.admin_key, FORM_PURPOSE)

    def layout(self, active: str, *, header_forms: bool = True) -> dict[str, Any]:
        token = self.form_token()
        return {
            "layout": {
                "active": active,
                "header_forms": header_forms,
                "tenant": self.tenant,
                "tenants": self.tenants,
                "csrf": token,
                "here": self.request.url.path,
                "signed_in": ADMIN_COOKIE in self.request.cookies,
            },
            "csrf": token,
        }

    def page(
        self,
        template: str,
        *,
        active: str,
        status: int = 200,
        header_forms: bool = True,
        **context: Any,
    ) -> Response:
        """The template inside the console's layout; `context` may override the form token.
        Pages with a form of their own (consent) leave the tenant switcher out."""
        layout = self.layout(active, header_forms=header_forms)
        return render(template, status=status, **{**layout, **context})


def _tenant_of(request: Request, tenants: list[Tenant]) -> Tenant:
    wanted = request.cookies.get(TENANT_COOKIE)
    return next((t for t in tenants if t.id == wanted), tenants[0])


def _refused(request: Request) -> Response:
    if request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{PREFIX}/login?next={quote(here)}", status_code=303)
    return render(
        "message.html",
        status=403,
        kind="error",
        heading="Only the emulator's admin may use the console",
        lines=["Sign in with the admin key from the state directory's admin-key file."],
    )


async def visit_of(request: Request, svc: ConsoleServices) -> Visit:
    """The visit of a caller already known to be the admin."""
    tenants = await run_in_threadpool(svc.directory.repo.tenants)
    return Visit(request, svc, _tenant_of(request, tenants), tenants)


async def enter(request: Request) -> Visit | Response:
    """A GET by the admin, or the redirect to the sign-in page."""
    svc = console_services(request)
    if not is_admin(request, svc.admin_key, loopback_open=svc.loopback_open):
        return _refused(request)
    return await visit_of(request, svc)


def is_console_admin(request: Request) -> bool:
    svc = console_services(request)
    return is_admin(request, svc.admin_key, loopback_open=svc.loopback_open)


def json_refusal() -> Response:
    return JSONResponse({"error": "only the emulator's admin may read this"}, status_code=403)


def form_expired() -> Response:
    return render(
        "message.html",
        status=400,
        kind="error",
        heading="This form expired or came from another site",
        lines=["Go back, reload the page and try again."],
    )


async def read_form(request: Request) -> FormData | None:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_FORM_BYTES:
        return None
    return await request.form(max_files=2, max_fields=200)


async def enter_form(request: Request) -> tuple[Visit, FormData] | Response:
    """A POST by the admin, from a console page (same origin, valid form token)."""
    svc = console_services(request)
    if not is_admin(request, svc.admin_key, loopback_open=svc.loopback_open):
        return _refused(request)
    if not same_origin(request):
        return form_expired()
    form = await read_form(request)
    if form is None:
        return render(
            "message.html", status=413, kind="error", heading="That upload is too large", lines=[]
        )
    token = form.get("csrf")
    if not csrf.valid(svc.admin_key, FORM_PURPOSE, token if isinstance(token, str) else None):
        return form_expired()
    return await visit_of(request, svc), form


def field(form: FormData, name: str, default: str = "") -> str:
    """A text field of a posted form, stripped; files and missing fields give `default`."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else default


def see_other(path: str) -> Response:
    """Post/redirect/get: answer a form with a redirect so a reload does not repost it."""
    return RedirectResponse(path, status_code=303)
