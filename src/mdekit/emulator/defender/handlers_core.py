"""Handlers of the first Defender endpoints: alerts and machines, list and get."""

from __future__ import annotations

from collections.abc import Callable

from mdekit.emulator.defender.actions_service import advance
from mdekit.emulator.defender.collections import (
    Collection,
    ListRequest,
    entity_json,
    list_collection,
)
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.fields import ALERT_FIELDS, MACHINE_FIELDS
from mdekit.emulator.domain.errors import NotFound
from mdekit.emulator.store import schema as t

ALERTS = Collection(
    t.alerts,
    ALERT_FIELDS,
    "microsoft.windowsDefenderATP.api.PublicAlertV2",
    expandable=("evidence",),
)
MACHINES = Collection(t.machines, MACHINE_FIELDS, "microsoft.windowsDefenderATP.api.PublicMachine")

Handler = Callable[[HandlerContext], Reply]


def _list(ctx: HandlerContext, collection: Collection) -> Reply:
    text, is_count = list_collection(
        ctx.services.repo,
        collection,
        ListRequest(ctx.caller.tenant_id, ctx.endpoint, ctx.params, ctx.api_base, ctx.request_path),
    )
    return Reply(json_text=text, media_type="text/plain" if is_count else Reply.media_type)


def list_alerts(ctx: HandlerContext) -> Reply:
    return _list(ctx, ALERTS)


def get_alert(ctx: HandlerContext) -> Reply:
    alert_id = ctx.path_params["id"]
    found = ctx.services.repo.alert(ctx.caller.tenant_id, alert_id)
    if found is None:
        raise NotFound(f"Alert {alert_id} was not found")
    doc, evidence = found
    return Reply(
        json_text=entity_json(ctx.api_base, "Alerts", doc[:-1] + ',"evidence":' + evidence + "}")
    )


def list_machines(ctx: HandlerContext) -> Reply:
    advance(ctx.services, ctx.tenant)
    return _list(ctx, MACHINES)


def get_machine(ctx: HandlerContext) -> Reply:
    advance(ctx.services, ctx.tenant)
    key = ctx.path_params["id"]
    doc = ctx.services.repo.machine(ctx.caller.tenant_id, key)
    if doc is None:
        raise NotFound(f"Machine {key} was not found")
    return Reply(json_text=entity_json(ctx.api_base, "Machines", doc))


HANDLERS: dict[str, Handler] = {
    "alerts.list": list_alerts,
    "alerts.get": get_alert,
    "machines.list": list_machines,
    "machines.get": get_machine,
}
