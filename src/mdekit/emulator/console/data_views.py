"""The data pages' reads: a page of machines, alerts, machine actions or indicators fetched
through the Defender API's own handlers (so paging, `$filter`, and machine actions moving
along their states behave exactly as for an API caller), and hunting queries through the
hunting service."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from mdekit.catalog.endpoints import endpoint
from mdekit.catalog.permissions import DEFENDER
from mdekit.emulator.defender.context import DefenderServices, HandlerContext
from mdekit.emulator.defender.registry import Handler, load_handlers
from mdekit.emulator.domain.errors import DomainError
from mdekit.emulator.identity.bearer import Caller
from mdekit.odata.errors import ODataError

PAGE_SIZE = 50
HUNTING_ROWS_SHOWN = 500
CONSOLE_APP_ID = "00000000-0000-0000-0000-00000000c0de"
"""Stands for the console when a handler asks who is calling (it only reads)."""


@dataclass(frozen=True)
class Column:
    label: str
    key: str


@dataclass(frozen=True)
class Entity:
    name: str
    title: str
    operation: str
    columns: tuple[Column, ...]
    filter_example: str


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(label, key) for label, key in pairs)


ENTITIES: dict[str, Entity] = {
    "machines": Entity(
        "machines",
        "Machines",
        "machines.list",
        _columns(
            ("Name", "computerDnsName"),
            ("OS", "osPlatform"),
            ("Health", "healthStatus"),
            ("Risk", "riskScore"),
            ("Exposure", "exposureLevel"),
            ("Last IP", "lastIpAddress"),
            ("Last seen", "lastSeen"),
            ("ID", "id"),
        ),
        "healthStatus eq 'Active' and riskScore eq 'High'",
    ),
    "alerts": Entity(
        "alerts",
        "Alerts",
        "alerts.list",
        _columns(
            ("Title", "title"),
            ("Severity", "severity"),
            ("Status", "status"),
            ("Category", "category"),
            ("Machine", "computerDnsName"),
            ("Created", "alertCreationTime"),
            ("ID", "id"),
        ),
        "severity eq 'High' and status ne 'Resolved'",
    ),
    "actions": Entity(
        "actions",
        "Machine actions",
        "machine_actions.list",
        _columns(
            ("Type", "type"),
            ("Status", "status"),
            ("Machine", "computerDnsName"),
            ("Requestor", "requestor"),
            ("Comment", "requestorComment"),
            ("Created", "creationDateTimeUtc"),
            ("Updated", "lastUpdateDateTimeUtc"),
            ("ID", "id"),
        ),
        "status eq 'Pending'",
    ),
    "indicators": Entity(
        "indicators",
        "Indicators",
        "indicators.list",
        _columns(
            ("Value", "indicatorValue"),
            ("Type", "indicatorType"),
            ("Action", "action"),
            ("Severity", "severity"),
            ("Title", "title"),
            ("Created by", "createdBy"),
            ("Expires", "expirationTime"),
            ("ID", "id"),
        ),
        "indicatorType eq 'IpAddress'",
    ),
}


@dataclass(frozen=True)
class Page:
    rows: list[list[str]]
    page: int
    has_more: bool
    error: str | None = None


@cache
def _handlers() -> dict[str, Handler]:
    return load_handlers()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _caller(tenant_id: str) -> Caller:
    roles = tuple(role.value for role in DEFENDER.application_roles)
    return Caller(tenant_id, CONSOLE_APP_ID, CONSOLE_APP_ID, roles, "mdekit console", {})


def list_page(
    services: DefenderServices,
    entity: Entity,
    tenant_id: str,
    *,
    page: int,
    filter_text: str,
    origin: str,
) -> Page:
    """One page of `entity` as the API would list it, plus whether another page follows."""
    found = endpoint(entity.operation)
    params = [("$top", str(PAGE_SIZE + 1)), ("$skip", str((page - 1) * PAGE_SIZE))]
    if filter_text:
        params.append(("$filter", filter_text))
    context = HandlerContext(
        services=services,
        endpoint=found,
        path_params={},
        caller=_caller(tenant_id),
        params=tuple(params),
        body=None,
        api_base=f"{origin}/api",
        request_path=found.path,
        request_id=str(uuid.uuid4()),
        origin=origin,
    )
    try:
        reply = _handlers()[entity.operation](context)
    except (DomainError, ODataError) as exc:
        return Page([], page, False, error=exc.message)
    items: list[dict[str, Any]] = json.loads(reply.json_text or "{}").get("value", [])
    rows = [[_cell(item.get(c.key)) for c in entity.columns] for item in items[:PAGE_SIZE]]
    return Page(rows, page, len(items) > PAGE_SIZE)


@dataclass(frozen=True)
class HuntingOutcome:
    columns: list[tuple[str, str]]
    rows: list[list[str]]
    total: int
    error: str | None = None


def run_hunting(services: DefenderServices, tenant_id: str, query: str) -> HuntingOutcome:
    """The query's result, or the engine's message for a bad query (as the API gives it)."""
    if services.hunting is None:
        return HuntingOutcome([], [], 0, error="Advanced hunting is not set up in this emulator.")
    try:
        result = services.hunting.run(tenant_id, query, services.clock.now())
    except DomainError as exc:
        return HuntingOutcome([], [], 0, error=exc.message)
    body = result.to_api()
    schema: list[dict[str, str]] = body["Schema"]  # type: ignore[assignment]
    records: list[dict[str, Any]] = body["Results"]  # type: ignore[assignment]
    columns = [(column["Name"], column["Type"]) for column in schema]
    rows = [[_cell(record.get(name)) for name, _ in columns] for record in records]
    return HuntingOutcome(columns, rows[:HUNTING_ROWS_SHOWN], len(rows))
