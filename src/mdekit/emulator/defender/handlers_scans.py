"""Authenticated scans (preview, defender-api.md §5.17, §6.10): scan definitions (list, add,
update, batch delete), scanner agents (list, get) and scan history by definition or by
session.

Choices where the docs are silent or disagree: the add and update answers carry
`scanAuthenticationParams: null`, as both examples show, and the list shows the parameters
with every secret null; a scanner agent is read by its id or by its machine's id, and comes
back as a plain entity (the example wraps it in `value`, under an `$entity` context);
a batch delete naming an unknown definition deletes nothing and answers 404; history for
definitions or sessions that do not exist is simply empty."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from mdekit.emulator.defender import scans_service as scans
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.scan_rules import check_definition, parse_fields
from mdekit.emulator.defender.toolkit import body_object, collection_reply, entity_reply, value
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.odata.options import parse_query_options

Handler = Callable[[HandlerContext], Reply]

DEFINITION_SET = "DeviceAuthenticatedScanDefinitions"
AGENT_SET = "DeviceAuthenticatedScanAgents"
HISTORY_CAP = 4096


def _agent_for(ctx: HandlerContext, machine_id: str) -> dict[str, Any]:
    agent = scans.find_agent(ctx.services, ctx.tenant, machine_id)
    if agent is None or str(agent.get("machineId", "")).lower() != machine_id.lower():
        raise InvalidInput(
            f"Invalid input scannerAgent.machineId: no scanner agent runs on machine "
            f"{machine_id} (see /api/DeviceAuthenticatedScanAgents)",
            code="InvalidInput",
        )
    return agent


def _answer(ctx: HandlerContext, definition: dict[str, Any]) -> Reply:
    return entity_reply(ctx, DEFINITION_SET, {**definition, "scanAuthenticationParams": None})


def _definition(ctx: HandlerContext, definition_id: str) -> dict[str, Any]:
    stored = ctx.services.entities.get(ctx.tenant, scans.DEFINITIONS, definition_id)
    if stored is None:
        raise NotFound(f"Scan definition {definition_id} was not found")
    found: dict[str, Any] = json.loads(stored)
    return found


def list_definitions(ctx: HandlerContext) -> Reply:
    scans.advance(ctx.services, ctx.tenant)
    return collection_reply(ctx, ctx.services.entities.docs(ctx.tenant, scans.DEFINITIONS))


def create_definition(ctx: HandlerContext) -> Reply:
    fields = parse_fields(body_object(ctx), partial=False)
    params = check_definition(fields, fields["scanAuthenticationParams"])
    agent = _agent_for(ctx, fields["scannerAgent"])
    definition = {
        "id": str(uuid.uuid4()),
        "scanType": fields["scanType"],
        "scanName": fields["scanName"],
        "isActive": fields["isActive"],
        "target": fields["target"],
        "orgId": ctx.tenant,
        "intervalInHours": fields["intervalInHours"],
        "createdBy": ctx.caller.app_id,
        "targetType": fields["targetType"],
        "scanAuthenticationParams": params,
        "scannerAgent": scans.embedded_agent(agent),
        "latestScan": scans.latest_scan(None),
    }
    ctx.services.entities.put(ctx.tenant, scans.DEFINITIONS, definition["id"], definition)
    now = ctx.services.clock.timestamp()
    scans.schedule(ctx.services, ctx.tenant, definition["id"], now + scans.FIRST_RUN_SECONDS)
    return _answer(ctx, definition)


def update_definition(ctx: HandlerContext) -> Reply:
    fields = parse_fields(body_object(ctx), partial=True)
    scans.advance(ctx.services, ctx.tenant)
    definition = _definition(ctx, ctx.path_params["id"])
    was_active = bool(definition.get("isActive"))
    new_params = fields.pop("scanAuthenticationParams", None)
    machine_id = fields.pop("scannerAgent", None)
    definition.update(fields)
    params = check_definition(definition, new_params)
    if params is not None:
        definition["scanAuthenticationParams"] = params
    if machine_id is not None:
        definition["scannerAgent"] = scans.embedded_agent(_agent_for(ctx, machine_id))
    ctx.services.entities.put(ctx.tenant, scans.DEFINITIONS, definition["id"], definition)
    if definition["isActive"] and not was_active:
        now = ctx.services.clock.timestamp()
        scans.schedule(ctx.services, ctx.tenant, definition["id"], now + scans.FIRST_RUN_SECONDS)
    return _answer(ctx, definition)


def _id_list(body: dict[str, Any], name: str) -> list[str]:
    """A list of ids; the pages type these fields String, so one bare id is taken too."""
    raw = value(body, name, (list, str))
    ids = [raw] if isinstance(raw, str) else raw
    if not ids:
        raise InvalidInput(f"Invalid input {name}: the list is empty", code="InvalidInput")
    if not all(isinstance(item, str) and item for item in ids):
        raise InvalidInput(f"Invalid input {name}: a list of ids (strings)", code="InvalidInput")
    return list(dict.fromkeys(ids))


def batch_delete_definitions(ctx: HandlerContext) -> Reply:
    ids = _id_list(body_object(ctx), "ScanDefinitionIds")
    found = ctx.services.entities.find_many(ctx.tenant, scans.DEFINITIONS, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Scan definition {missing[0]} was not found")
    for definition_id in ids:
        scans.remove_definition(ctx.services, ctx.tenant, definition_id)
    return Reply(status=204)


def list_agents(ctx: HandlerContext) -> Reply:
    return collection_reply(ctx, ctx.services.entities.docs(ctx.tenant, scans.AGENTS))


def get_agent(ctx: HandlerContext) -> Reply:
    key = ctx.path_params["id"]
    agent = scans.find_agent(ctx.services, ctx.tenant, key)
    if agent is None:
        raise NotFound(f"Scan agent {key} was not found")
    return entity_reply(ctx, AGENT_SET, agent)


def _history_reply(ctx: HandlerContext, items: list[dict[str, Any]]) -> Reply:
    context = f"{ctx.origin}{ctx.endpoint.context_path}"
    body = {"@odata.context": context, "value": items}
    return Reply(json_text=json.dumps(body, separators=(",", ":")))


def history_by_definition(ctx: HandlerContext) -> Reply:
    """Sessions of the definitions, newest first; `$top` (at most 4096) and `$skip` count
    sessions."""
    options = parse_query_options(list(ctx.params), page_cap=HISTORY_CAP, default_top=HISTORY_CAP)
    ids = _id_list(body_object(ctx), "ScanDefinitionIds")
    scans.advance(ctx.services, ctx.tenant)
    found = ctx.services.entities.find_many(ctx.tenant, scans.DEFINITIONS, ids)
    sessions = []
    for definition_id, (_, stored) in found.items():
        scanner = json.loads(stored).get("scannerAgent") or {}
        for session in scans.sessions_of(ctx.services, ctx.tenant, definition_id):
            sessions.append({**session, "ScannerId": scanner.get("machineId")})
    page = scans.newest_first(sessions)[options.skip : options.skip + options.limit]
    keys = ("ScanDefinitionIds", "LastScanned", "ScanStatus", "ScannerId")
    return _history_reply(ctx, [{key: s.get(key) for key in keys} for s in page])


def history_by_session(ctx: HandlerContext) -> Reply:
    ids = _id_list(body_object(ctx), "SessionIds")
    scans.advance(ctx.services, ctx.tenant)
    found = ctx.services.entities.find_many(ctx.tenant, scans.SESSIONS, ids)
    sessions = [json.loads(doc) for _, doc in found.values()]
    return _history_reply(ctx, scans.newest_first(sessions))


HANDLERS: dict[str, Handler] = {
    "authenticated_scans.list_definitions": list_definitions,
    "authenticated_scans.create_definition": create_definition,
    "authenticated_scans.update_definition": update_definition,
    "authenticated_scans.batch_delete_definitions": batch_delete_definitions,
    "authenticated_scans.list_agents": list_agents,
    "authenticated_scans.get_agent": get_agent,
    "authenticated_scans.history_by_definition": history_by_definition,
    "authenticated_scans.history_by_session": history_by_session,
}
