"""The consent pages at Entra's paths: the guide's legacy link
`/common/oauth2/authorize?prompt=consent&client_id=...`, and `/{tenant}/adminconsent` and
`/{tenant}/v2.0/adminconsent`. The emulator's admin chooses the tenant to consent for."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from mdekit.emulator.admin import is_admin
from mdekit.emulator.console import csrf
from mdekit.emulator.console.services import ConsoleServices, console_services
from mdekit.emulator.console.session import Visit, visit_of
from mdekit.emulator.console.templating import render
from mdekit.emulator.identity.aadsts import AadstsError
from mdekit.emulator.identity.consent import ConsentRequest, Flow

__all__ = ["ConsoleServices", "router"]

router = APIRouter(include_in_schema=False)


def _error_page(visit: Visit, exc: AadstsError) -> Response:
    return visit.page(
        "message.html",
        active="apps",
        status=400,
        kind="error",
        heading="Sorry, but we're having trouble with this request",
        lines=[f"AADSTS{exc.code}: {exc.message}"],
        code=exc.error,
    )


def _not_admin() -> Response:
    return render(
        "message.html",
        status=403,
        kind="error",
        heading="Only the emulator's admin may consent",
        lines=[
            "Open this page on the machine that runs the emulator, or send the admin key "
            "from the state directory's admin-key file (header X-Emulator-Admin-Key)."
        ],
    )


async def _consent(request: Request, tenant: str, flow: Flow) -> Response:
    svc = console_services(request)
    if not is_admin(request, svc.admin_key, loopback_open=svc.loopback_open):
        return _not_admin()
    visit = await visit_of(request, svc)
    params = request.query_params
    consent = ConsentRequest(
        flow=flow,
        tenant_segment=tenant,
        client_id=params.get("client_id", ""),
        redirect_uri=params.get("redirect_uri") or None,
        state=params.get("state"),
        scope=params.get("scope"),
    )
    purpose = f"consent:{consent.client_id}"
    try:
        if request.method == "GET":
            view = await run_in_threadpool(svc.consent.view, consent)
            return visit.page(
                "consent.html",
                active="apps",
                header_forms=False,
                view=view,
                csrf=csrf.issue(svc.admin_key, purpose),
            )
        form = await request.form()
        if not csrf.valid(svc.admin_key, purpose, str(form.get("csrf") or "")):
            return visit.page(
                "message.html",
                active="apps",
                status=400,
                kind="error",
                heading="This form expired",
                lines=["Reload the consent page and try again."],
            )
        if form.get("decision") != "accept":
            target = await run_in_threadpool(svc.consent.decline, consent)
            if target:
                return RedirectResponse(target, status_code=302)
            return visit.page(
                "message.html",
                active="apps",
                kind="error",
                heading="Consent declined",
                lines=["No permission was granted."],
            )
        granted, target = await run_in_threadpool(
            svc.consent.accept, consent, str(form.get("tenant") or "")
        )
    except AadstsError as exc:
        return _error_page(visit, exc)
    if target:
        return RedirectResponse(target, status_code=302)
    return visit.page(
        "message.html",
        active="apps",
        kind="success",
        heading="Consent granted",
        lines=[
            f"The app's permissions are granted in {granted.display_name} ({granted.id}).",
            "New tokens for the app in that tenant carry them.",
        ],
    )


_METHODS = ["GET", "POST"]


@router.api_route("/{tenant}/oauth2/authorize", methods=_METHODS)
async def legacy_authorize(request: Request, tenant: str) -> Response:
    return await _consent(request, tenant, "authorize")


@router.api_route("/{tenant}/adminconsent", methods=_METHODS)
async def admin_consent(request: Request, tenant: str) -> Response:
    return await _consent(request, tenant, "adminconsent")


@router.api_route("/{tenant}/v2.0/adminconsent", methods=_METHODS)
async def admin_consent_v2(request: Request, tenant: str) -> Response:
    return await _consent(request, tenant, "v2-adminconsent")
