"""Machine actions: the nine response actions, listing and reading them, cancelling, the
investigation package link and live response results."""

from __future__ import annotations

import json
from typing import Any

from mdekit.emulator.defender import actions_service
from mdekit.emulator.defender.action_effects import live_response_key, package_key
from mdekit.emulator.defender.collections import Collection
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.downloads import signed_url
from mdekit.emulator.defender.toolkit import body_object, entity_reply, list_reply, value
from mdekit.emulator.domain import actions
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.action_repo import ActionRepository
from mdekit.models import ISOLATION_TYPES, MACHINE_ACTION_STATUSES, MACHINE_ACTION_TYPES, SCAN_TYPES
from mdekit.odata.fields import FieldSpec, FieldType

_c = t.machine_actions.c
ACTIONS = Collection(
    t.machine_actions,
    {
        "id": FieldSpec(_c.id, FieldType.STRING),
        "status": FieldSpec(_c.status, FieldType.ENUM, enum_values=MACHINE_ACTION_STATUSES),
        "machineId": FieldSpec(_c.machine_id, FieldType.STRING),
        "type": FieldSpec(_c.type, FieldType.ENUM, enum_values=MACHINE_ACTION_TYPES),
        "requestor": FieldSpec(_c.requestor, FieldType.STRING),
        "creationDateTimeUtc": FieldSpec(_c.creation_time, FieldType.DATETIME),
    },
    "microsoft.windowsDefenderATP.api.MachineAction",
)

PACKAGE_LINK_SECONDS = 3600
RESULT_LINK_SECONDS = 30 * 60
LIVE_RESPONSE_TYPES = ("PutFile", "RunScript", "GetFile")
REQUIRED_PARAM = {"PutFile": "FileName", "RunScript": "ScriptName", "GetFile": "Path"}


def _requestor(ctx: HandlerContext) -> str:
    return ctx.caller.app_id


def _create(ctx: HandlerContext, *, scope: str | None = None, **extra: Any) -> Reply:
    body = body_object(ctx)
    comment = value(body, "Comment")
    doc = actions_service.create(
        ctx.services,
        ctx.tenant,
        ctx.endpoint.operation,
        machine_key=ctx.path_params["id"],
        comment=comment,
        requestor=_requestor(ctx),
        scope=scope,
        **extra,
    )
    return entity_reply(ctx, "MachineActions", doc, status=ctx.endpoint.success_status)


def _simple(ctx: HandlerContext) -> Reply:
    return _create(ctx)


def isolate(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    scope = value(body, "IsolationType", required=False, choices=ISOLATION_TYPES, default="Full")
    return _create(ctx, scope=scope)


def antivirus_scan(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    scope = value(body, "ScanType", required=False, choices=SCAN_TYPES, default="Quick")
    return _create(ctx, scope=scope)


def stop_and_quarantine(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    sha1 = value(body, "Sha1")
    if len(sha1) != 40 or any(c not in "0123456789abcdefABCDEF" for c in sha1):
        raise InvalidInput(f"Hash value {sha1} is invalid", code="InvalidHashValue")
    return _create(ctx, related_file={"fileIdentifier": sha1.lower(), "fileIdentifierType": "Sha1"})


def live_response(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    commands = value(body, "Commands", list)
    checked = []
    for position, command in enumerate(commands):
        if not isinstance(command, dict) or command.get("type") not in LIVE_RESPONSE_TYPES:
            raise InvalidInput(
                f"Invalid input Commands[{position}].type: one of {', '.join(LIVE_RESPONSE_TYPES)}",
                code="InvalidInput",
            )
        params = command.get("params") or []
        if not isinstance(params, list) or not all(
            isinstance(p, dict) and isinstance(p.get("key"), str) for p in params
        ):
            raise InvalidInput(f"Invalid input Commands[{position}].params", code="InvalidInput")
        needed = REQUIRED_PARAM[command["type"]]
        if not any(p["key"] == needed and p.get("value") for p in params):
            raise InvalidInput(f"Parameter {needed} is missing", code="MissingRequiredParameter")
        checked.append({"type": command["type"], "params": params})
    if not checked:
        raise InvalidInput("Parameter Commands is missing", code="MissingRequiredParameter")
    return _create(ctx, commands=checked)


def list_actions(ctx: HandlerContext) -> Reply:
    actions_service.advance(ctx.services, ctx.tenant)
    return list_reply(ctx, ACTIONS)


def _action(ctx: HandlerContext) -> dict[str, Any]:
    actions_service.advance(ctx.services, ctx.tenant)
    action_id = ctx.path_params.get("id") or ctx.path_params.get("actionId", "")
    found = ActionRepository(ctx.services.repo.engine).get(ctx.tenant, action_id)
    if found is None:
        raise NotFound(f"Machine action {action_id} was not found")
    return found[0]


def get_action(ctx: HandlerContext) -> Reply:
    return entity_reply(ctx, "MachineActions", _action(ctx))


def cancel_action(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    comment = value(body, "Comment")
    action_id = ctx.path_params.get("id") or ctx.path_params.get("actionId", "")
    doc = actions_service.cancel(ctx.services, ctx.tenant, action_id, comment, _requestor(ctx))
    return entity_reply(ctx, "MachineActions", doc)


def _string(ctx: HandlerContext, url: str) -> Reply:
    context = json.dumps(f"{ctx.api_base}/$metadata#Edm.String")
    return Reply(json_text='{"@odata.context":' + context + ',"value":' + json.dumps(url) + "}")


def package_uri(ctx: HandlerContext) -> Reply:
    action = _action(ctx)
    if action["type"] != "CollectInvestigationPackage" or action["status"] != actions.SUCCEEDED:
        raise NotFound(
            f"Package of machine action {action['id']} was not found: the collection "
            "is not complete"
        )
    return _string(
        ctx, signed_url(ctx.services, ctx.origin, package_key(action["id"]), PACKAGE_LINK_SECONDS)
    )


def live_response_result(ctx: HandlerContext) -> Reply:
    action = _action(ctx)
    index_text = ctx.path_params.get("index", "")
    if not index_text.isdigit():
        raise InvalidInput(f"Invalid input index {index_text}", code="InvalidInput")
    index = int(index_text)
    if action["type"] != "LiveResponse" or index >= len(action.get("commands", [])):
        raise NotFound(f"Command {index} of machine action {action['id']} was not found")
    if action["status"] != actions.SUCCEEDED:
        raise NotFound(
            f"The result of command {index} is not ready: the action is {action['status']}"
        )
    return _string(
        ctx,
        signed_url(
            ctx.services, ctx.origin, live_response_key(action["id"], index), RESULT_LINK_SECONDS
        ),
    )


HANDLERS = {
    "machines.isolate": isolate,
    "machines.unisolate": _simple,
    "machines.restrict_code_execution": _simple,
    "machines.unrestrict_code_execution": _simple,
    "machines.run_antivirus_scan": antivirus_scan,
    "machines.collect_investigation_package": _simple,
    "machines.offboard": _simple,
    "machines.stop_and_quarantine_file": stop_and_quarantine,
    "machines.run_live_response": live_response,
    "machine_actions.list": list_actions,
    "machine_actions.get": get_action,
    "machine_actions.cancel": cancel_action,
    "machine_actions.package_uri": package_uri,
    "machine_actions.live_response_result": live_response_result,
}
