"""The data pages: machines, alerts, machine actions and indicators of the chosen tenant in
pages (with an optional OData `$filter`), and an advanced hunting query box."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from mdekit.emulator.console.data_views import (
    ENTITIES,
    Entity,
    HuntingOutcome,
    list_page,
    run_hunting,
)
from mdekit.emulator.console.session import PREFIX, Visit, enter, enter_form, field

router = APIRouter(include_in_schema=False)
DEFAULT_QUERY = "DeviceProcessEvents\n| where Timestamp > ago(7d)\n| take 20"
MAX_QUERY_CHARS = 30_000


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and 0 < int(text) < 1_000_000 else 1


def _page_link(entity: Entity, filter_text: str, page: int) -> str:
    query = {"filter": filter_text} if filter_text else {}
    return f"{PREFIX}/{entity.name}?{urlencode({**query, 'page': str(page)})}"


async def _list(request: Request, entity: Entity) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    page = _page_number(request.query_params.get("page"))
    filter_text = request.query_params.get("filter", "").strip()[:2000]
    origin = f"{request.url.scheme}://{request.url.netloc}"
    result = await run_in_threadpool(
        list_page,
        visit.services.data,
        entity,
        visit.tenant.id,
        page=page,
        filter_text=filter_text,
        origin=origin,
    )
    return visit.page(
        "data_list.html",
        active=entity.name,
        status=400 if result.error else 200,
        entity=entity,
        result=result,
        filter_text=filter_text,
        previous=_page_link(entity, filter_text, page - 1) if page > 1 else None,
        next=_page_link(entity, filter_text, page + 1) if result.has_more else None,
    )


@router.get(f"{PREFIX}/machines")
async def machines(request: Request) -> Response:
    return await _list(request, ENTITIES["machines"])


@router.get(f"{PREFIX}/alerts")
async def alerts(request: Request) -> Response:
    return await _list(request, ENTITIES["alerts"])


@router.get(f"{PREFIX}/actions")
async def machine_actions(request: Request) -> Response:
    return await _list(request, ENTITIES["actions"])


@router.get(f"{PREFIX}/indicators")
async def indicators(request: Request) -> Response:
    return await _list(request, ENTITIES["indicators"])


def _hunting_page(visit: Visit, query: str, outcome: HuntingOutcome | None = None) -> Response:
    return visit.page(
        "hunting.html",
        active="hunting",
        status=400 if outcome and outcome.error else 200,
        query=query,
        outcome=outcome,
    )


@router.get(f"{PREFIX}/hunting")
async def hunting_form(request: Request) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return _hunting_page(visit, DEFAULT_QUERY)


@router.post(f"{PREFIX}/hunting")
async def hunting(request: Request) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    visit, form = entered
    query = field(form, "query")[:MAX_QUERY_CHARS]
    outcome = await run_in_threadpool(run_hunting, visit.services.data, visit.tenant.id, query)
    return _hunting_page(visit, query, outcome)
