"""The token inspector page: paste a token (POSTed, never in the URL), see it explained and
whether a chosen Defender operation would let it in."""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from mdekit.catalog.endpoints import ENDPOINTS, Endpoint, find_operation
from mdekit.emulator.console.session import PREFIX, Visit, enter, enter_form, field
from mdekit.emulator.console.token_inspection import Inspection, inspect

router = APIRouter(include_in_schema=False)
DEFAULT_OPERATION = "alerts.list"


def operation_groups() -> list[tuple[str, list[Endpoint]]]:
    """Catalog operations grouped by entity (`alerts`, `machines`, ...), sorted by name."""
    ordered = sorted(ENDPOINTS, key=lambda e: e.operation)
    return [
        (group, list(items))
        for group, items in groupby(ordered, key=lambda e: e.operation.split(".")[0])
    ]


def _page(
    visit: Visit, *, token: str = "", operation: str, result: Inspection | None = None
) -> Response:
    return visit.page(
        "inspector.html",
        active="inspector",
        token=token,
        operation=operation,
        groups=operation_groups(),
        result=result,
    )


@router.get(f"{PREFIX}/inspector")
async def inspector(request: Request) -> Response:
    visit = await enter(request)
    if isinstance(visit, Response):
        return visit
    return _page(visit, operation=DEFAULT_OPERATION)


@router.post(f"{PREFIX}/inspector")
async def inspect_token(request: Request) -> Response:
    entered = await enter_form(request)
    if isinstance(entered, Response):
        return entered
    visit, form = entered
    token = field(form, "token")
    operation = field(form, "operation") or DEFAULT_OPERATION
    endpoint = find_operation(operation)
    result = await run_in_threadpool(inspect, token, visit.services.identity, endpoint)
    return _page(visit, token=token, operation=operation, result=result)
