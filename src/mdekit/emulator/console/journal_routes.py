"""The request journal page: the API calls this emulator answered, newest first, with the
caller, the roles the endpoint needed against those the token had, and the reason for every
401/403/429. A small script polls `journal.json` for new rows; without JavaScript the
Refresh button reloads the page with the same filters."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mdekit.emulator.console.services import ConsoleServices, console_services
from mdekit.emulator.console.session import PREFIX, enter, is_console_admin, json_refusal
from mdekit.emulator.store.records import Tenant

router = APIRouter(include_in_schema=False)
SHOWN = 200
FETCHED = 600
"""Rows read before dropping the console's own page views, so SHOWN API calls remain."""
STATUSES = (200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 501, 503)
POLL_SECONDS = 3


@dataclass(frozen=True)
class Row:
    seq: int
    at: str
    method: str
    path: str
    status: int
    duration_ms: float
    tenant: str
    app: str
    operation: str
    needed: list[str]
    matched: list[str]
    """Needed roles the token had (any one is enough)."""
    other_roles: int
    """How many other roles the token carried."""
    reason: str


@dataclass(frozen=True)
class Filters:
    tenant: str = ""
    app: str = ""
    status: str = ""

    def query(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


def _filters(request: Request, tenants: list[Tenant]) -> Filters:
    params = request.query_params
    tenant = params.get("tenant", "")
    status = params.get("status", "")
    return Filters(
        tenant=tenant if any(t.id == tenant for t in tenants) else "",
        app=params.get("app", "").strip().lower()[:36],
        status=status if status.isdigit() and len(status) == 3 else "",
    )


def _is_console(path: str) -> bool:
    return path == "/" or path.startswith((PREFIX + "/", PREFIX + "?", "/favicon.ico"))


def _rows(svc: ConsoleServices, filters: Filters, since: int) -> tuple[list[Row], int]:
    """Rows to show, newest first, and the newest sequence number read (console page views
    included, so that polling moves past them)."""
    writer = svc.journal()
    if writer is None:
        return [], since
    entries = writer.entries(
        since_seq=since,
        limit=FETCHED,
        status=int(filters.status) if filters.status else None,
        app_id=filters.app or None,
        tenant_id=filters.tenant or None,
    )
    repo = svc.directory.repo
    tenant_names = {t.id: t.display_name for t in repo.tenants()}
    app_names: dict[str, str] = {}
    rows = []
    for entry in reversed(entries):
        if _is_console(entry["path"]):
            continue
        app_id = entry["appId"] or ""
        if app_id and app_id not in app_names:
            app = repo.application_by_app_id(app_id)
            app_names[app_id] = app.display_name if app else app_id
        needed = [str(r) for r in entry["rolesNeeded"]]
        roles = [str(r) for r in entry["roles"]]
        wanted = {r.lower() for r in needed}
        matched = [r for r in roles if r.lower() in wanted]
        rows.append(
            Row(
                seq=entry["seq"],
                at=datetime.fromtimestamp(entry["at"], UTC).strftime("%m-%d %H:%M:%S"),
                method=entry["method"],
                path=entry["path"],
                status=entry["status"],
                duration_ms=entry["durationMs"],
                tenant=tenant_names.get(entry["tenantId"] or "", entry["tenantId"] or ""),
                app=app_names.get(app_id, ""),
                operation=entry["operation"] or "",
                needed=needed,
                matched=matched,
                other_roles=len(roles) - len(matched),
                reason=entry["reason"] or "",
            )
        )
        if len(rows) >= SHOWN:
            break
    return rows, max((entry["seq"] for entry in entries), default=since)


def _app_choices(svc: ConsoleServices, tenants: list[Tenant]) -> list[tuple[str, str]]:
    repo = svc.directory.repo
    return [
        (app.app_id, f"{app.display_name} ({tenant.display_name})")
        for tenant in tenants
        for app in repo.applications(tenant.id)
    ]


@router.get(f"{PREFIX}/journal")
async def journal(request: Request) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    svc = visit.services
    filters = _filters(request, visit.tenants)

    def build() -> Response:
        rows, newest = _rows(svc, filters, 0)
        return visit.page(
            "journal.html",
            active="journal",
            rows=rows,
            filters=filters,
            apps=_app_choices(svc, visit.tenants),
            statuses=STATUSES,
            newest=newest,
            poll_seconds=POLL_SECONDS,
            shown=SHOWN,
        )

    return await run_in_threadpool(build)


@router.get(f"{PREFIX}/journal.json")
async def journal_json(request: Request) -> Response:
    """Rows after `since`, newest first, for the page's live updates."""
    if not is_console_admin(request):
        return json_refusal()
    svc = console_services(request)
    since_text = request.query_params.get("since", "0")
    since = int(since_text) if since_text.isdigit() else 0

    def build() -> dict[str, Any]:
        filters = _filters(request, svc.directory.repo.tenants())
        rows, newest = _rows(svc, filters, since)
        return {"rows": [asdict(row) for row in rows], "newest": newest}

    body = await run_in_threadpool(build)
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
