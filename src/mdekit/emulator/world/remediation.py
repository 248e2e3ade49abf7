"""Remediation activities the tenant's analysts opened from security recommendations.

A few of the highest-impact recommendations get a task (§6.8 RemediationTask); the
task points back at its recommendation, so its exposed devices are the
recommendation's, and its counts (target, fixed) are consistent with them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from mdekit.emulator.world.catalog_hosts import ANALYSTS
from mdekit.emulator.world.ids import analyst_accounts, random_guid
from mdekit.emulator.world.model import WireDict, World
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, TickFormatter

TASK_KEYS = (
    "id", "title", "createdOn", "requesterId", "requesterEmail", "status",
    "statusLastModifiedOn", "description", "relatedComponent", "targetDevices",
    "rbacGroupNames", "fixedDevices", "requesterNotes", "dueOn", "category",
    "productivityImpactRemediationType", "priority", "completionMethod", "completerId",
    "completerEmail", "scid", "type", "productId", "vendorId", "nameId", "recommendedVersion",
    "recommendedVendor", "recommendedProgram",
)  # fmt: skip
NOTES = (
    "",
    "Coordinate with the service desk before rollout.",
    "Pilot group first.",
    "Needed for the quarterly audit.",
    "Ring 1 devices this week, everyone next week.",
)


@dataclass(frozen=True)
class Task:
    """A remediation task and the recommendation it came from."""

    record: WireDict
    recommendation_id: str


def build_tasks(
    rng: random.Random,
    world: World,
    recommendations: list[WireDict],
    groups: dict[str, list[str]],
    fmt: TickFormatter,
) -> list[Task]:
    """Tasks for up to four software and two configuration recommendations.

    `groups` maps a recommendation id to the device groups of its exposed devices."""
    analysts = analyst_accounts(world.tenant_id, world.domain, ANALYSTS)
    ranked = sorted(
        (r for r in recommendations if r["exposedMachinesCount"] > 0),
        key=lambda r: (-r["exposureImpact"], r["id"]),
    )
    chosen = [r for r in ranked if r["id"].startswith("va-")][:4]
    chosen += [r for r in ranked if r["id"].startswith("sca-")][:2]
    tasks = []
    for rec in chosen:
        software = rec["id"].startswith("va-")
        requester_email, requester_id = analysts[int(rng.random() * len(analysts))]
        created = world.now_ticks - int((3 + rng.random() * 80) * TICKS_PER_DAY)
        completed = rng.random() < 0.3
        if completed:
            modified = created + int(rng.random() * (world.now_ticks - created))
        else:
            modified = created + int(rng.random() * 2_000)  # written with the task
        exposed = int(rec["exposedMachinesCount"])
        fixed = (
            int(exposed * (0.3 + rng.random() * 1.2))
            if completed
            else int(exposed * rng.random() * 0.8)
        )
        due_day = (created + int((7 + rng.random() * 23) * TICKS_PER_DAY)) // TICKS_PER_DAY
        completer_email, completer_id = (
            analysts[int(rng.random() * len(analysts))] if completed else (None, None)
        )
        record: WireDict = {
            "id": random_guid(rng),
            "title": rec["recommendationName"],
            "createdOn": fmt.iso(created),
            "requesterId": requester_id,
            "requesterEmail": requester_email,
            "status": "Completed" if completed else "Active",
            "statusLastModifiedOn": fmt.iso(modified),
            "description": _description(rec, software),
            "relatedComponent": rec["relatedComponent"],
            "targetDevices": exposed + fixed,
            "rbacGroupNames": sorted(groups.get(rec["id"], [])),
            "fixedDevices": fixed,
            "requesterNotes": NOTES[int(rng.random() * len(NOTES))],
            "dueOn": fmt.iso_seconds(due_day * TICKS_PER_DAY),
            "category": "Software" if software else "Security configuration",
            "productivityImpactRemediationType": None
            if software
            else ("AllExposedAssets" if rng.random() < 0.6 else "AssetsWithoutProductivityImpact"),
            "priority": ("High", "Medium", "Low")[int(rng.random() * 3)],
            "completionMethod": "Manual" if completed else None,
            "completerId": completer_id,
            "completerEmail": completer_email,
            "scid": None if software else rec["id"].removeprefix("sca-_-"),
            "type": rec["remediationType"],
            "productId": f"{rec['vendor']}-_-{rec['productName']}" if software else None,
            "vendorId": rec["vendor"] if software else None,
            "nameId": rec["productName"] if software else None,
            "recommendedVersion": rec["recommendedVersion"] or None,
            "recommendedVendor": rec["recommendedVendor"] or None,
            "recommendedProgram": rec["recommendedProgram"] or None,
        }
        if completed:
            # A completed task was closed after its creation, never in the future.
            record["statusLastModifiedOn"] = fmt.iso(
                max(created + TICKS_PER_HOUR, min(modified, world.now_ticks))
            )
        tasks.append(Task(record, rec["id"]))
    return tasks


def _description(rec: WireDict, software: bool) -> str:
    if software:
        return (
            f"Update {rec['relatedComponent']} to a later version to mitigate "
            f"{rec['weaknesses']} known vulnerabilities affecting your devices."
        )
    return (
        f"{rec['recommendationName']} on the exposed devices to improve the organization's "
        "configuration score."
    )
