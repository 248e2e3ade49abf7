"""Vulnerability management (defender-api.md §5.3, §5.8-§5.12, §6.8): a device's software,
CVEs, recommendations and missing KBs; vulnerabilities, software, recommendations, scores
and remediation activities with their related devices and products.

The organization-wide collections are stored (OData `$filter`/`$top`/`$skip` in SQL); the
per-device and per-entity lookups come from the tenant's regenerated TVM data
(`tvm_source`). Ids are matched without regard to case (`Microsoft-_-Edge`,
`cve-2021-44228`); an unknown device or entity is 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mdekit.emulator.defender.collections import Collection
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.toolkit import entities_of, list_reply
from mdekit.emulator.defender.tvm_collections import (
    MACHINE_VULNERABILITIES,
    RECOMMENDATIONS,
    REMEDIATION_TASKS,
    SOFTWARE,
    VULNERABILITIES,
)
from mdekit.emulator.defender.tvm_source import (
    KIND_MACHINE_VULNERABILITIES,
    KIND_RECOMMENDATIONS,
    KIND_REMEDIATION_TASKS,
    KIND_SOFTWARE,
    KIND_VULNERABILITIES,
    tenant_tvm,
)
from mdekit.emulator.defender.typed_replies import computed_collection, single_reply
from mdekit.emulator.domain.errors import NotFound
from mdekit.emulator.world import Tvm

Handler = Callable[[HandlerContext], Reply]
Lookup = Callable[[Tvm, str], list[dict[str, Any]] | None]

_NOUNS = {
    KIND_SOFTWARE: "Software",
    KIND_VULNERABILITIES: "Vulnerability",
    KIND_RECOMMENDATIONS: "Recommendation",
    KIND_REMEDIATION_TASKS: "Remediation activity",
}


def _stored(ctx: HandlerContext, kind: str, param: str) -> tuple[str, str]:
    """(stored id, JSON) of the entity the path names, matched without regard to case."""
    key = ctx.path_params.get(param, "")
    found = ctx.services.entities.get_ignoring_case(ctx.tenant, kind, key)
    if found is None:
        raise NotFound(f"{_NOUNS[kind]} {key} was not found")
    return found


def _listing(collection: Collection, kind: str) -> Handler:
    def handler(ctx: HandlerContext) -> Reply:
        return list_reply(ctx, collection, entities_of(kind))

    return handler


def _getter(kind: str, param: str) -> Handler:
    def handler(ctx: HandlerContext) -> Reply:
        return single_reply(ctx, _stored(ctx, kind, param)[1])

    return handler


def _related(kind: str, param: str, lookup: Lookup) -> Handler:
    """A collection related to a stored entity, from the TVM data."""

    def handler(ctx: HandlerContext) -> Reply:
        entity_id = _stored(ctx, kind, param)[0]
        items = lookup(tenant_tvm(ctx.services, ctx.tenant), entity_id)
        return computed_collection(ctx, items or [])

    return handler


# -- devices -------------------------------------------------------------------------------


def _on_machine(lookup: Lookup) -> Handler:
    """A device's list; the device is named by id or computer name, unknown is 404."""

    def handler(ctx: HandlerContext) -> Reply:
        key = ctx.path_params.get("machineId") or ctx.path_params.get("id", "")
        doc = ctx.services.repo.machine(ctx.tenant, key)
        if doc is None:
            raise NotFound(f"Machine {key} was not found")
        machine_id = str(json.loads(doc)["id"])
        items = lookup(tenant_tvm(ctx.services, ctx.tenant), machine_id)
        return computed_collection(ctx, items or [])

    return handler


# -- recommendations and scores ------------------------------------------------------------


def recommendation_software(ctx: HandlerContext) -> Reply:
    """The product a recommendation is about (for a configuration: the OS it is mostly on,
    when that OS is in the inventory)."""
    rec_id = _stored(ctx, KIND_RECOMMENDATIONS, "id")[0]
    software = tenant_tvm(ctx.services, ctx.tenant).recommendation_software(rec_id)
    if software is None:
        raise NotFound(f"Recommendation {rec_id} has no software in the inventory")
    return single_reply(ctx, software)


def exposure_score(ctx: HandlerContext) -> Reply:
    return single_reply(ctx, tenant_tvm(ctx.services, ctx.tenant).exposure_score)


def exposure_by_groups(ctx: HandlerContext) -> Reply:
    tvm = tenant_tvm(ctx.services, ctx.tenant)
    return computed_collection(ctx, tvm.exposure_scores_by_machine_group)


def configuration_score(ctx: HandlerContext) -> Reply:
    return single_reply(ctx, tenant_tvm(ctx.services, ctx.tenant).configuration_score)


HANDLERS: dict[str, Handler] = {
    "machines.software": _on_machine(Tvm.machine_software),
    "machines.vulnerabilities": _on_machine(Tvm.machine_vulnerabilities),
    "machines.recommendations": _on_machine(Tvm.machine_recommendations),
    "machines.missing_kbs": _on_machine(Tvm.machine_missing_kbs),
    "vulnerabilities.list": _listing(VULNERABILITIES, KIND_VULNERABILITIES),
    "vulnerabilities.get": _getter(KIND_VULNERABILITIES, "cveId"),
    "vulnerabilities.machine_references": _related(
        KIND_VULNERABILITIES, "cveId", Tvm.vulnerability_machine_refs
    ),
    "vulnerabilities.by_machine": _listing(MACHINE_VULNERABILITIES, KIND_MACHINE_VULNERABILITIES),
    "software.list": _listing(SOFTWARE, KIND_SOFTWARE),
    "software.get": _getter(KIND_SOFTWARE, "id"),
    "software.distributions": _related(KIND_SOFTWARE, "id", Tvm.software_distributions),
    "software.machine_references": _related(KIND_SOFTWARE, "id", Tvm.software_machine_refs),
    "software.vulnerabilities": _related(KIND_SOFTWARE, "id", Tvm.software_vulnerabilities),
    "software.missing_kbs": _related(KIND_SOFTWARE, "id", Tvm.software_missing_kbs),
    "recommendations.list": _listing(RECOMMENDATIONS, KIND_RECOMMENDATIONS),
    "recommendations.get": _getter(KIND_RECOMMENDATIONS, "id"),
    "recommendations.software": recommendation_software,
    "recommendations.machine_references": _related(
        KIND_RECOMMENDATIONS, "id", Tvm.recommendation_machine_refs
    ),
    "recommendations.vulnerabilities": _related(
        KIND_RECOMMENDATIONS, "id", Tvm.recommendation_vulnerabilities
    ),
    "scores.exposure": exposure_score,
    "scores.exposure_by_machine_groups": exposure_by_groups,
    "scores.configuration": configuration_score,
    "remediation_tasks.list": _listing(REMEDIATION_TASKS, KIND_REMEDIATION_TASKS),
    "remediation_tasks.get": _getter(KIND_REMEDIATION_TASKS, "id"),
    "remediation_tasks.machine_references": _related(
        KIND_REMEDIATION_TASKS, "id", Tvm.remediation_task_machine_refs
    ),
}
