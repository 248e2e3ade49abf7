"""Creating machine actions and moving them along their state machine on the emulator clock.

`advance` runs before any machine or machine-action call: it brings every open action of
the tenant to the state its age implies, applies the effect of the ones that succeeded, and
frees the machine for the next action of that kind."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from mdekit.emulator.defender.action_effects import apply_effect
from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.domain import actions
from mdekit.emulator.domain.errors import Conflict, InvalidInput, NotFound, Throttled
from mdekit.emulator.store.action_repo import ActionRepository
from mdekit.models import format_wire_datetime

MAX_LIVE_RESPONSE_SESSIONS = 25


def _wire(seconds: float) -> str:
    return format_wire_datetime(datetime.fromtimestamp(seconds, UTC))


def _online(services: DefenderServices, tenant_id: str, machine_id: str) -> bool:
    doc = services.repo.machine(tenant_id, machine_id)
    return bool(doc) and json.loads(doc or "{}").get("healthStatus") == "Active"


def advance(services: DefenderServices, tenant_id: str) -> None:
    repo = ActionRepository(services.repo.engine)
    now = services.clock.timestamp()
    settings = services.actions
    for doc, created, applied in repo.open_actions(tenant_id):
        before = doc["status"]
        status = actions.progress(
            before,
            now - created,
            settings.mode,
            online=_online(services, tenant_id, doc["machineId"]),
            timings=settings.timings,
        )
        final = status in actions.FINAL_STATUSES
        if status != before:
            doc["status"] = status
            doc["lastUpdateDateTimeUtc"] = _wire(now)
            for command in doc.get("commands", []):
                command["commandStatus"] = (
                    "Completed"
                    if status == actions.SUCCEEDED
                    else ("Failed" if final else "InProgress")
                )
                if final:
                    command["endTime"] = _wire(now)
            if not repo.save(
                tenant_id, doc, final=final, effect_applied=False, expected_status=before
            ):
                continue  # another worker moved it first
        if final and not applied:
            if status == actions.SUCCEEDED:
                apply_effect(services, tenant_id, doc)
            repo.save(tenant_id, doc, final=True, effect_applied=True)


def create(
    services: DefenderServices,
    tenant_id: str,
    operation: str,
    *,
    machine_key: str,
    comment: str,
    requestor: str,
    scope: str | None = None,
    commands: list[dict[str, Any]] | None = None,
    related_file: dict[str, str] | None = None,
) -> dict[str, Any]:
    kind = actions.KINDS[operation]
    machine_doc = services.repo.machine(tenant_id, machine_key)
    if machine_doc is None:
        raise NotFound(f"Machine {machine_key} was not found")
    machine = json.loads(machine_doc)
    _check_platform(kind, machine, scope)
    advance(services, tenant_id)
    repo = ActionRepository(services.repo.engine)
    if kind.type == "LiveResponse" and (
        repo.count_in_flight(tenant_id, "LiveResponse") >= MAX_LIVE_RESPONSE_SESSIONS
    ):
        raise Throttled("Too many concurrent live response sessions: at most 25.", retry_after=60)
    now = services.clock.timestamp()
    stamp = _wire(now)
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "type": kind.type,
        "title": kind.title,
        "requestor": requestor,
        "requestorComment": comment,
        "status": actions.PENDING,
        "machineId": machine["id"],
        "computerDnsName": machine.get("computerDnsName"),
        "creationDateTimeUtc": stamp,
        "lastUpdateDateTimeUtc": stamp,
        "cancellationRequestor": None,
        "cancellationComment": None,
        "cancellationDateTimeUtc": None,
        "errorHResult": 0,
        "scope": scope,
        "externalId": None,
        "requestSource": "PublicApi",
        "relatedFileInfo": related_file,
        "commands": [
            {
                "index": i,
                "startTime": stamp,
                "endTime": None,
                "commandStatus": "Created",
                "errors": [],
                "command": command,
            }
            for i, command in enumerate(commands or [])
        ],
        "troubleshootInfo": None,
    }
    key = f"{machine['id']}:{kind.exclusive_group}"
    if not repo.create(tenant_id, doc, in_flight_key=key, created=now):
        raise Conflict("Action is already in progress", code="ActiveRequestAlreadyExists")
    if services.actions.mode is actions.Mode.INSTANT:
        advance(services, tenant_id)
        found = repo.get(tenant_id, doc["id"])
        if found is not None:
            return found[0]
    return doc


def _check_platform(kind: actions.ActionKind, machine: dict[str, Any], scope: str | None) -> None:
    platform = str(machine.get("osPlatform") or "")
    windows = platform.lower().startswith("windows")
    unsupported = (
        (
            kind.type
            in (
                "RestrictCodeExecution",
                "UnrestrictCodeExecution",
                "StopAndQuarantineFile",
                "CollectInvestigationPackage",
                "RunAntiVirusScan",
            )
            and not windows
        )
        or (kind.type == "Offboard" and not windows)
        or (kind.type == "Isolate" and scope == "Selective" and not windows)
    )
    if unsupported:
        raise InvalidInput(
            f"OS Platform {platform} isn't supported for this action", code="OsPlatformNotSupported"
        )


def cancel(
    services: DefenderServices, tenant_id: str, action_id: str, comment: str, requestor: str
) -> dict[str, Any]:
    advance(services, tenant_id)
    repo = ActionRepository(services.repo.engine)
    found = repo.get(tenant_id, action_id)
    if found is None:
        raise NotFound(f"Machine action {action_id} was not found")
    doc = found[0]
    if not actions.can_cancel(doc["status"]):
        raise InvalidInput(
            f"The machine action is already {doc['status']}; only a pending or running action "
            "can be cancelled.",
            code="InvalidInput",
        )
    before = doc["status"]
    now = _wire(services.clock.timestamp())
    doc.update(
        status=actions.CANCELLED,
        cancellationRequestor=requestor,
        cancellationComment=comment,
        cancellationDateTimeUtc=now,
        lastUpdateDateTimeUtc=now,
    )
    if not repo.save(tenant_id, doc, final=True, effect_applied=True, expected_status=before):
        return cancel(services, tenant_id, action_id, comment, requestor)
    return doc


def manual_step(
    services: DefenderServices, tenant_id: str, action_id: str, *, fail: bool
) -> dict[str, Any]:
    """The control API's push for an action in manual mode."""
    repo = ActionRepository(services.repo.engine)
    found = repo.get(tenant_id, action_id)
    if found is None:
        raise NotFound(f"Machine action {action_id} was not found")
    doc, _created, _applied = found
    before = doc["status"]
    doc["status"] = actions.manual_advance(before, fail=fail)
    doc["lastUpdateDateTimeUtc"] = _wire(services.clock.timestamp())
    final = doc["status"] in actions.FINAL_STATUSES
    repo.save(tenant_id, doc, final=final, effect_applied=False, expected_status=before)
    if final:
        if doc["status"] == actions.SUCCEEDED:
            apply_effect(services, tenant_id, doc)
        repo.save(tenant_id, doc, final=True, effect_applied=True)
    return doc
