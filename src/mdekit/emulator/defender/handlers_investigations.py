"""Automated investigations (defender-api.md §5.5, §6.5): list and get the tenant's
investigations, and start one on a device.

A started investigation runs on the emulator clock like a machine action, with the same
progression mode and timings (the control API's `/actions` settings): `Running` until
`done_seconds`, then `SuccessfullyRemediated` when the device had unresolved alerts or
`Benign` when it had none (`Failed` in fail mode; at once in instant mode; never in manual
mode). A device that is not online waits in `PendingResource` and is given up
(`TerminatedBySystem`) after three days, like a queued machine action."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mdekit.emulator.defender.collections import Collection
from mdekit.emulator.defender.context import DefenderServices, HandlerContext, Reply
from mdekit.emulator.defender.toolkit import (
    body_object,
    entities_of,
    entity_reply,
    json_fields,
    list_reply,
    value,
)
from mdekit.emulator.domain.actions import OFFLINE_TIMEOUT_SECONDS, Mode, Timings
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.defender_repo import PageQuery
from mdekit.emulator.store.json_fields import json_field
from mdekit.models import format_wire_datetime

Handler = Callable[[HandlerContext], Reply]

KIND = "investigations"
RUNS = "investigation_runs"
"""Investigations started through the API that have not reached a final state yet."""
RUNNING, PENDING_RESOURCE = "Running", "PendingResource"
AIR_PLATFORMS = (
    "Windows10",
    "Windows11",
    "WindowsServer2019",
    "WindowsServer2022",
    "WindowsServer2025",
)
"""Platforms automated investigation supports (initiate-autoir-investigation.md); the
Windows 10 releases the world generates are all 1709 or later."""

INVESTIGATIONS = Collection(
    t.entities,
    json_fields(
        ("startTime", "id", "state", "machineId", "triggeringAlertId"),
        types={"startTime": "datetime"},
    ),
    "microsoft.windowsDefenderATP.api.Investigation",
)


def investigation_state(
    age_seconds: float, mode: Mode, *, online: bool, outcome: str, timings: Timings
) -> str:
    """The state an investigation started `age_seconds` ago has reached."""
    if mode is Mode.MANUAL:
        return RUNNING
    if mode is Mode.INSTANT:
        return outcome
    if not online:
        return PENDING_RESOURCE if age_seconds < OFFLINE_TIMEOUT_SECONDS else "TerminatedBySystem"
    if age_seconds < timings.done_seconds:
        return RUNNING
    return "Failed" if mode is Mode.FAIL else outcome


def _wire(seconds: float) -> str:
    return format_wire_datetime(datetime.fromtimestamp(seconds, UTC))


def _machine(services: DefenderServices, tenant_id: str, key: str) -> dict[str, Any] | None:
    doc = services.repo.machine(tenant_id, key)
    return json.loads(doc) if doc else None


def _outcome(services: DefenderServices, tenant_id: str, machine_id: str) -> str:
    open_alerts = services.repo.count_where(
        t.alerts,
        tenant_id,
        (t.alerts.c.machine_id == machine_id) & (t.alerts.c.status != "Resolved"),
    )
    return "SuccessfullyRemediated" if open_alerts else "Benign"


def _state_now(services: DefenderServices, tenant_id: str, doc: dict[str, Any], age: float) -> str:
    machine = _machine(services, tenant_id, str(doc.get("machineId") or ""))
    settings = services.actions
    return investigation_state(
        age,
        settings.mode,
        online=bool(machine) and (machine or {}).get("healthStatus") == "Active",
        outcome=_outcome(services, tenant_id, str(doc.get("machineId"))),
        timings=settings.timings,
    )


def advance(services: DefenderServices, tenant_id: str) -> None:
    """Bring every investigation started through the API to the state its age implies."""
    entities = services.entities
    now = services.clock.timestamp()
    for run in entities.docs(tenant_id, RUNS):
        stored = entities.get(tenant_id, KIND, run["id"])
        if stored is None:
            entities.remove(tenant_id, RUNS, run["id"])
            continue
        doc = json.loads(stored)
        state = _state_now(services, tenant_id, doc, now - float(run["created"]))
        if state == doc["state"]:
            continue
        doc["state"] = state
        final = state not in (RUNNING, PENDING_RESOURCE)
        if final:
            doc["endTime"] = _wire(now)
        entities.put(tenant_id, KIND, doc["id"], doc)
        if final:
            entities.remove(tenant_id, RUNS, run["id"])


def list_investigations(ctx: HandlerContext) -> Reply:
    advance(ctx.services, ctx.tenant)
    return list_reply(ctx, INVESTIGATIONS, where=entities_of(KIND))


def get_investigation(ctx: HandlerContext) -> Reply:
    """By the investigation's id, or else by the id of the alert that triggered it."""
    advance(ctx.services, ctx.tenant)
    key = ctx.path_params["id"]
    doc = ctx.services.entities.get(ctx.tenant, KIND, key)
    if doc is None:
        rows = ctx.services.repo.page(
            t.entities,
            PageQuery(
                ctx.tenant,
                entities_of(KIND) & (json_field(t.entities.c.doc, "triggeringAlertId") == key),
                top=1,
            ),
        )
        doc = rows[0][0] if rows else None
    if doc is None:
        raise NotFound(f"Investigation {key} was not found")
    return entity_reply(ctx, "Investigations", doc)


def _next_id(services: DefenderServices, tenant_id: str) -> str:
    numbers = [int(d["id"]) for d in services.entities.docs(tenant_id, KIND) if d["id"].isdigit()]
    first = max(numbers, default=0) + 1
    return str(services.entities.next_number(tenant_id, KIND, first))


def start_investigation(ctx: HandlerContext) -> Reply:
    # Required by the service, though the Investigation entity does not carry it.
    value(body_object(ctx), "Comment")
    services, tenant = ctx.services, ctx.tenant
    machine = _machine(services, tenant, ctx.path_params["id"])
    if machine is None:
        raise NotFound(f"Machine {ctx.path_params['id']} was not found")
    platform = str(machine.get("osPlatform") or "")
    if platform not in AIR_PLATFORMS:
        raise InvalidInput(
            f"OS Platform {platform} isn't supported for this action",
            code="OsPlatformNotSupported",
        )
    doc = begin_investigation(services, tenant, machine, triggering_alert_id=None)
    return entity_reply(ctx, "Investigations", doc, status=ctx.endpoint.success_status)


def begin_investigation(
    services: DefenderServices,
    tenant: str,
    machine: dict[str, Any],
    *,
    triggering_alert_id: str | None,
) -> dict[str, Any]:
    """Start an automated investigation on a device (through the API or for a new alert)."""
    advance(services, tenant)
    now = services.clock.timestamp()
    doc: dict[str, Any] = {
        "id": _next_id(services, tenant),
        "startTime": _wire(now),
        "endTime": None,
        "state": RUNNING,
        "cancelledBy": None,
        "statusDetails": None,
        "machineId": machine["id"],
        "computerDnsName": machine.get("computerDnsName"),
        "triggeringAlertId": triggering_alert_id,
    }
    doc["state"] = _state_now(services, tenant, doc, 0.0)
    final = doc["state"] not in (RUNNING, PENDING_RESOURCE)
    if final:
        doc["endTime"] = doc["startTime"]
    services.entities.put(tenant, KIND, doc["id"], doc)
    if not final:
        services.entities.put(tenant, RUNS, doc["id"], {"id": doc["id"], "created": now})
    return doc


HANDLERS: dict[str, Handler] = {
    "investigations.list": list_investigations,
    "investigations.get": get_investigation,
    "machines.start_investigation": start_investigation,
}
