"""Alert writes and related entities: update, batch update, create by reference, and the
alert's domains, files, IPs, machine and user."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.toolkit import (
    body_object,
    collection_reply,
    entity_reply,
    now_wire,
    value,
)
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.models import ALERT_CLASSIFICATIONS, ALERT_DETERMINATIONS

UPDATE_FIELDS = ("status", "assignedTo", "classification", "determination", "comment")
UPDATABLE_STATUSES = ("New", "InProgress", "Resolved")
# The update page spells two determinations differently from the alert page; both are taken.
DETERMINATIONS = (*ALERT_DETERMINATIONS, "ConfirmedActivity", "NotMalicious")
MAX_BATCH = 1000


def _alert(ctx: HandlerContext, alert_id: str) -> dict[str, Any]:
    found = ctx.services.repo.alert(ctx.tenant, alert_id)
    if found is None:
        raise NotFound(f"Alert {alert_id} was not found")
    doc, evidence = found
    alert: dict[str, Any] = json.loads(doc)
    alert["evidence"] = json.loads(evidence)
    return alert


def _check_fields(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = [name for name in body if name not in allowed]
    if unknown:
        raise InvalidInput(
            f"Request body is incorrect: unknown property '{unknown[0]}' (names are "
            f"case-sensitive: {', '.join(allowed)})",
            code="InvalidRequestBody",
        )


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": value(body, "status", required=False, choices=UPDATABLE_STATUSES),
        "assignedTo": value(body, "assignedTo", required=False),
        "classification": value(
            body, "classification", required=False, choices=ALERT_CLASSIFICATIONS
        ),
        "determination": value(body, "determination", required=False, choices=DETERMINATIONS),
        "comment": value(body, "comment", required=False),
    }


def _apply(alert: dict[str, Any], changes: dict[str, Any], ctx: HandlerContext) -> None:
    """Fields left out keep their value; every update shows in lastUpdateTime."""
    now = now_wire(ctx)
    status = changes["status"]
    if status is not None:
        if status == "Resolved" and alert.get("status") != "Resolved":
            alert["resolvedTime"] = now
        elif status != "Resolved":
            alert["resolvedTime"] = None
        alert["status"] = status
    for name in ("assignedTo", "classification", "determination"):
        if changes[name] is not None:
            alert[name] = changes[name]
    if changes["comment"] is not None:
        author = ctx.caller.app_display_name or ctx.caller.app_id
        alert.setdefault("comments", []).append(
            {"comment": changes["comment"], "createdBy": author, "createdTime": now}
        )
    alert["lastUpdateTime"] = now


def update_alert(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    _check_fields(body, UPDATE_FIELDS)
    changes = _changes(body)
    alert = _alert(ctx, ctx.path_params["id"])
    _apply(alert, changes, ctx)
    ctx.services.repo.replace_alert(ctx.tenant, alert)
    return entity_reply(ctx, "Alerts", alert)


def batch_update(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    _check_fields(body, ("alertIds", *UPDATE_FIELDS))
    ids = value(body, "alertIds", list)
    if not all(isinstance(i, str) for i in ids):
        raise InvalidInput("Invalid input alertIds: a list of alert ids", code="InvalidInput")
    if len(ids) > MAX_BATCH:
        raise InvalidInput(
            f"Maximum batch size exceeded. Received: {len(ids)}, allowed: {MAX_BATCH}",
            code="MaximumBatchSizeExceeded",
        )
    changes = _changes(body)
    found = ctx.services.repo.alerts_by_ids(ctx.tenant, list(dict.fromkeys(ids)))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Alert {missing[0]} was not found")
    for doc in found.values():
        alert = json.loads(doc)
        _apply(alert, changes, ctx)
        ctx.services.repo.replace_alert(ctx.tenant, alert)
    return Reply(status=200)


# -- related entities ---------------------------------------------------------------------


def _evidence_values(
    alert: dict[str, Any], pick: Callable[[dict[str, Any]], str | None]
) -> list[str]:
    seen: list[str] = []
    for item in alert.get("evidence", []):
        found = pick(item)
        if found and found not in seen:
            seen.append(found)
    return seen


def _host(item: dict[str, Any]) -> str | None:
    url = item.get("url")
    if not url:
        return None
    return urlparse(url if "://" in url else f"http://{url}").hostname


def alert_domains(ctx: HandlerContext) -> Reply:
    alert = _alert(ctx, ctx.path_params["id"])
    return collection_reply(ctx, [{"host": h} for h in _evidence_values(alert, _host)], "Domains")


def alert_ips(ctx: HandlerContext) -> Reply:
    alert = _alert(ctx, ctx.path_params["id"])
    ips = _evidence_values(alert, lambda item: item.get("ipAddress"))
    return collection_reply(ctx, [{"id": ip} for ip in ips], "Ips")


def alert_files(ctx: HandlerContext) -> Reply:
    alert = _alert(ctx, ctx.path_params["id"])
    entities = ctx.services.entities
    files = []
    for sha1 in _evidence_values(alert, lambda item: item.get("sha1")):
        doc = entities.get(ctx.tenant, "files", sha1)
        if doc is not None:
            files.append(doc)
    return collection_reply(ctx, files, "Files")


def alert_machine(ctx: HandlerContext) -> Reply:
    alert = _alert(ctx, ctx.path_params["id"])
    doc = ctx.services.repo.machine(ctx.tenant, str(alert.get("machineId") or ""))
    if doc is None:
        raise NotFound(f"Machine of alert {alert['id']} was not found")
    return entity_reply(ctx, "Machines", doc)


def alert_user(ctx: HandlerContext) -> Reply:
    alert = _alert(ctx, ctx.path_params["id"])
    related = alert.get("relatedUser") or {}
    user_id = f"{related.get('domainName', '')}\\{related.get('userName', '')}"
    found = (
        ctx.services.entities.get_ignoring_case(ctx.tenant, "users", user_id) if related else None
    )
    if found is None:
        raise NotFound(f"User of alert {alert['id']} was not found")
    return entity_reply(ctx, "Users", found[1])


HANDLERS = {
    "alerts.update": update_alert,
    "alerts.batch_update": batch_update,
    "alerts.domains": alert_domains,
    "alerts.ips": alert_ips,
    "alerts.files": alert_files,
    "alerts.machine": alert_machine,
    "alerts.user": alert_user,
}
