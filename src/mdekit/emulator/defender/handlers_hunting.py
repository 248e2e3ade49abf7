"""Advanced hunting: `POST /api/advancedqueries/run` (`{"Query": ...}` -> `{"Schema",
"Results"}`), and create-alert-by-reference, which needs a real event of the hunting tables."""

from __future__ import annotations

import json

from mdekit.emulator.defender import alert_by_reference as by_reference
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.toolkit import body_object, entity_reply, value
from mdekit.emulator.domain.errors import NotFound, NotImplementedInEmulator
from mdekit.emulator.hunting.service import HuntingService
from mdekit.emulator.hunting.stats import QueryMeter
from mdekit.models import ALERT_CATEGORIES, format_wire_datetime

REFERENCE_FIELDS = ("title", "description", "recommendedAction")


def _hunting(ctx: HandlerContext) -> HuntingService:
    hunting = ctx.services.hunting
    if hunting is None:
        raise NotImplementedInEmulator("Advanced hunting is not set up in this emulator.")
    return hunting


def run_query(ctx: HandlerContext) -> Reply:
    hunting = _hunting(ctx)
    body = body_object(ctx)
    meter = QueryMeter.start()
    result = hunting.run(ctx.tenant, body.get("Query"), ctx.services.clock.now())
    return Reply(json_text=hunting.api_body(result, meter), media_type="application/json")


def create_by_reference(ctx: HandlerContext) -> Reply:
    body = body_object(ctx)
    event_time = by_reference.parse_event_time(value(body, "eventTime"))
    raw_report = body.get("reportId")
    value(body, "reportId", (str, int))
    report_id = by_reference.parse_report_id(raw_report)
    machine_id = value(body, "machineId")
    fields = {
        "severity": value(body, "severity", choices=by_reference.SEVERITIES),
        "category": value(body, "category", choices=ALERT_CATEGORIES),
        **{name: value(body, name) for name in REFERENCE_FIELDS},
    }
    services, tenant = ctx.services, ctx.tenant
    machine = by_reference.require_machine(services, tenant, machine_id)
    found = _hunting(ctx).find_event(tenant, machine["id"], report_id, event_time)
    if found is None:
        raise NotFound(
            f"Event with reportId {report_id} at {value(body, 'eventTime')} was not found on "
            f"machine {machine['id']}: copy Timestamp, ReportId and DeviceId from one row of an "
            "advanced hunting result"
        )
    evidence = by_reference.event_evidence(found[1], format_wire_datetime(services.clock.now()))
    existing = services.repo.open_alert(tenant, machine["id"], fields["title"])
    if existing is not None:
        alert = json.loads(existing)
        stored = services.repo.alert(tenant, alert["id"])
        alert["evidence"] = json.loads(stored[1]) if stored else []
        alert = by_reference.merge_into(services, tenant, alert, event_time, evidence)
    else:
        alert = by_reference.new_alert(services, tenant, machine, fields, event_time, evidence)
    return entity_reply(ctx, "Alerts", {k: v for k, v in alert.items() if k != "evidence"})


HANDLERS = {
    "hunting.run": run_query,
    "alerts.create_by_reference": create_by_reference,
}
