"""Machine reads and writes beyond list/get: logged-on users, a machine's alerts, tags (one
machine or many), device value, update, and finding machines by IP or tag."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from mdekit.emulator.defender import actions_service
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.handlers_core import ALERTS
from mdekit.emulator.defender.toolkit import (
    body_object,
    collection_reply,
    entity_reply,
    list_reply,
    value,
)
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.store import schema as t
from mdekit.models import DEVICE_VALUES

MAX_BULK_MACHINES = 500
FIND_WINDOW = timedelta(minutes=15)
LEGACY_FIND_WINDOW = timedelta(minutes=16)
MAX_LOOKBACK = timedelta(days=30)


def _machine(ctx: HandlerContext, key: str | None = None) -> dict[str, Any]:
    machine_key = key or ctx.path_params.get("id") or ctx.path_params.get("machineId", "")
    doc = ctx.services.repo.machine(ctx.tenant, machine_key)
    if doc is None:
        raise NotFound(f"Machine {machine_key} was not found")
    machine: dict[str, Any] = json.loads(doc)
    return machine


def logon_users(ctx: HandlerContext) -> Reply:
    machine = _machine(ctx)
    users = ctx.services.entities.docs(ctx.tenant, "logonusers", parent=machine["id"])
    return collection_reply(ctx, users, "Users")


def machine_alerts(ctx: HandlerContext) -> Reply:
    machine = _machine(ctx)
    return list_reply(ctx, ALERTS, t.alerts.c.machine_id == machine["id"])


def _tag_change(body: dict[str, Any]) -> tuple[str, str]:
    tag = value(body, "Value")
    action = value(body, "Action", choices=("Add", "Remove"))
    if len(tag) > 200:
        raise InvalidInput("Invalid input Value: a tag has at most 200 characters")
    return tag, action


def _retag(machine: dict[str, Any], tag: str, action: str) -> dict[str, Any]:
    tags = [t for t in machine.get("machineTags", []) if t.lower() != tag.lower()]
    if action == "Add":
        tags.append(tag)
    machine["machineTags"] = tags
    return machine


def machine_tags(ctx: HandlerContext) -> Reply:
    tag, action = _tag_change(body_object(ctx))
    machine = _retag(_machine(ctx), tag, action)
    ctx.services.repo.replace_machine(ctx.tenant, machine)
    return entity_reply(ctx, "Machines", machine)


def machine_tags_bulk(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    tag, action = _tag_change(body)
    ids = value(body, "MachineIds", list)
    if not ids or not all(isinstance(i, str) for i in ids):
        raise InvalidInput("Invalid input MachineIds: a list of machine ids")
    if len(ids) > MAX_BULK_MACHINES:
        raise InvalidInput(
            f"Maximum batch size exceeded. Received: {len(ids)}, allowed: {MAX_BULK_MACHINES}",
            code="MaximumBatchSizeExceeded",
        )
    found = ctx.services.repo.machines_by_ids(ctx.tenant, ids)
    missing = [i for i in ids if i.lower() not in found]
    if missing:
        raise NotFound(f"Machine {missing[0]} was not found")
    updated = []
    for doc in found.values():
        machine = _retag(json.loads(doc), tag, action)
        ctx.services.repo.replace_machine(ctx.tenant, machine)
        updated.append(machine)
    return collection_reply(ctx, updated, "Machines")


def set_device_value(ctx: HandlerContext) -> Reply:
    device_value = value(body_object(ctx), "DeviceValue", choices=DEVICE_VALUES)
    machine = _machine(ctx)
    machine["deviceValue"] = device_value
    ctx.services.repo.replace_machine(ctx.tenant, machine)
    return entity_reply(ctx, "Machines", machine)


def update_machine(ctx: HandlerContext) -> Reply:
    """PATCH: `machineTags` replaces the tags (the docs say both "appends" and "replaces";
    see docs/choices.md), `deviceValue` sets the value."""
    body = body_object(ctx)
    unknown = [k for k in body if k not in ("machineTags", "deviceValue")]
    if unknown:
        raise InvalidInput(
            f"Request body is incorrect: unknown property '{unknown[0]}'", code="InvalidRequestBody"
        )
    machine = _machine(ctx)
    tags = value(body, "machineTags", list, required=False)
    if tags is not None:
        if not all(isinstance(tag, str) for tag in tags):
            raise InvalidInput("Invalid input machineTags: a list of strings")
        machine["machineTags"] = list(dict.fromkeys(tags))
    device_value = value(body, "deviceValue", required=False, choices=DEVICE_VALUES)
    if device_value is not None:
        machine["deviceValue"] = device_value
    ctx.services.repo.replace_machine(ctx.tenant, machine)
    return entity_reply(ctx, "Machines", machine)


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().strip("'").replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"Invalid input timestamp {text}", code="InvalidInput") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_ip(text: str) -> str:
    candidate = text.strip().strip("'")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError as exc:
        raise InvalidInput(f"IP address {candidate} is invalid", code="InvalidIpAddress") from exc


def _seen_with_ip(
    ctx: HandlerContext, ip: str, moment: datetime, window: timedelta
) -> list[dict[str, Any]]:
    """Machines that held `ip` on a local interface within `window` of `moment`."""
    if ctx.services.clock.now() - moment > MAX_LOOKBACK:
        raise InvalidInput("The timestamp is older than 30 days", code="InvalidInput")
    # The world's address history, stored by seeding with the address as parent.
    history = ctx.services.entities.docs(ctx.tenant, "iphistory", parent=ip)
    ids = {
        h["machineId"]
        for h in history
        if _parse_time(h["from"]) - window <= moment <= _parse_time(h["to"]) + window
    }
    return [m for m in ctx.services.repo.machine_docs(ctx.tenant) if m["id"] in ids]


def find_by_ip(ctx: HandlerContext) -> Reply:
    ip = _parse_ip(ctx.path_params.get("ip", ""))
    moment = _parse_time(ctx.path_params.get("timestamp", ""))
    return collection_reply(ctx, _seen_with_ip(ctx, ip, moment, FIND_WINDOW), "Machines")


def find_legacy(ctx: HandlerContext) -> Reply:
    ip = _parse_ip(ctx.path_params.get("key", ""))
    moment = _parse_time(ctx.path_params.get("timestamp", ""))
    found = _seen_with_ip(ctx, ip, moment, LEGACY_FIND_WINDOW)
    if not found:
        raise NotFound(f"No machine was seen with IP {ip} at {moment.isoformat()}")
    return collection_reply(ctx, found, "Machines")


def find_by_tag(ctx: HandlerContext) -> Reply:
    tag = ctx.param("tag")
    if not tag:
        raise InvalidInput("Parameter tag is missing", code="MissingRequiredParameter")
    starts = (ctx.param("useStartsWithFilter") or "false").lower()
    if starts not in ("true", "false"):
        raise InvalidInput("Invalid input useStartsWithFilter: true or false")
    wanted = tag.lower()

    def hit(machine_tag: str) -> bool:
        folded = machine_tag.lower()
        return folded.startswith(wanted) if starts == "true" else folded == wanted

    machines = [
        m
        for m in ctx.services.repo.machine_docs(ctx.tenant)
        if any(hit(x) for x in m.get("machineTags", []))
    ]
    return collection_reply(ctx, machines, "Machines")


def _advancing(handler: Any) -> Any:
    """Bring machine actions up to date first, so their effects show on the machine."""

    def wrapped(ctx: HandlerContext) -> Reply:
        actions_service.advance(ctx.services, ctx.tenant)
        result: Reply = handler(ctx)
        return result

    return wrapped


HANDLERS = {
    "machines.logon_users": logon_users,
    "machines.alerts": machine_alerts,
    "machines.tags": _advancing(machine_tags),
    "machines.tags_bulk": _advancing(machine_tags_bulk),
    "machines.set_device_value": _advancing(set_device_value),
    "machines.update": _advancing(update_machine),
    "machines.find_by_ip": find_by_ip,
    "machines.find": find_legacy,
    "machines.find_by_tag": find_by_tag,
}
