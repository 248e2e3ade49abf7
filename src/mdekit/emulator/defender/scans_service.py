"""Authenticated scans kept in the entities table, and their runs on the emulator clock.

Kinds: `scan_agents` (id: `{orgId}_{machineId}`), `scan_definitions` (id: a GUID),
`scan_sessions` (parent: the definition id, id: the session id) and `scan_schedules` (id:
the definition id, `nextRun` in epoch seconds). An active definition runs every
`intervalInHours`, its first run five minutes after it was created or re-activated; `advance`
(called before every read) records the sessions that have come due, at most the last 12 of
them, and sets the definition's `latestScan`. A session's outcome per target is a pure
function of the session and the target, so every worker records the same history."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import UTC, datetime
from typing import Any

from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.defender.scan_rules import target_list
from mdekit.models import format_wire_datetime

AGENTS, DEFINITIONS, SESSIONS, SCHEDULES = (
    "scan_agents",
    "scan_definitions",
    "scan_sessions",
    "scan_schedules",
)
FIRST_RUN_SECONDS = 300
MAX_SESSIONS = 12
MAX_TARGETS_LISTED = 16
"""A CIDR target lists its first hosts only."""
FAILURES = ("Authentication failed", "Host unreachable", "SNMP request timed out")


def wire(seconds: float) -> str:
    return format_wire_datetime(datetime.fromtimestamp(seconds, UTC))


def seconds_of(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def embedded_agent(agent: dict[str, Any]) -> dict[str, Any]:
    """An agent as a definition's `scannerAgent` shows it: `machineName` where the agent
    list shows `computerDnsName` (after `machineId`, as the examples order them), the other
    keys as stored."""
    embedded = {"id": agent.get("id"), "machineId": agent.get("machineId")}
    embedded["machineName"] = agent.get("computerDnsName", agent.get("machineName"))
    for key, item in agent.items():
        if key not in ("computerDnsName", "machineName"):
            embedded.setdefault(key, item)
    return embedded


def find_agent(services: DefenderServices, tenant_id: str, key: str) -> dict[str, Any] | None:
    """An agent by its id or by the id of the machine it runs on (ignoring case)."""
    wanted = key.lower()
    for agent in services.entities.docs(tenant_id, AGENTS):
        if wanted in (str(agent.get("id", "")).lower(), str(agent.get("machineId", "")).lower()):
            return agent
    return None


def schedule(services: DefenderServices, tenant_id: str, definition_id: str, at: float) -> None:
    """Next run of a definition at `at` (epoch seconds)."""
    services.entities.put(tenant_id, SCHEDULES, definition_id, {"id": definition_id, "nextRun": at})


def _fraction(*parts: str) -> float:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _targets(definition: dict[str, Any]) -> list[str]:
    listed: list[str] = []
    for entry in target_list(str(definition.get("target") or "")):
        if "/" in entry and definition.get("targetType") != "Hostname":
            network = ipaddress.ip_network(entry, strict=False)
            hosts = network.hosts() if network.num_addresses > 2 else iter(network)
            for host in hosts:
                if len(listed) >= MAX_TARGETS_LISTED:
                    break
                listed.append(str(host))
        else:
            listed.append(entry)
    return listed[:MAX_TARGETS_LISTED]


def _scanned(
    session_id: str, target: str, definition: dict[str, Any], machines: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    machine = machines.get(target.lower())
    by_name = definition.get("targetType") == "Hostname"
    ok = _fraction(session_id, target, "ok") < 0.9
    seconds = 60 + int(_fraction(session_id, target, "time") * 600)
    if definition.get("scanType") == "Windows":
        description = str(machine.get("osPlatform")) if machine else "Windows device"
    else:
        description = "Network device"
    return {
        "Ip": (machine or {}).get("lastIpAddress", "") if by_name else target,
        "Hostname": target if by_name else (machine or {}).get("computerDnsName", ""),
        "ScannedDeviceDescription": description,
        "ErrorMessage": ""
        if ok
        else FAILURES[int(_fraction(session_id, target, "why") * len(FAILURES))],
        "ScanStatus": "Success" if ok else "Failed",
        "ScanDuration": f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
    }


def make_session(
    tenant_id: str, definition: dict[str, Any], ran: float, machines: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The session a definition ran at `ran` (epoch seconds)."""
    session_id = hashlib.sha256(f"{definition['id']}|{ran:.0f}".encode()).hexdigest()[:32]
    scanned = [_scanned(session_id, t, definition, machines) for t in _targets(definition)]
    successes = sum(1 for item in scanned if item["ScanStatus"] == "Success")
    if successes == len(scanned):
        status = "Success"
    else:
        status = "Fail" if successes == 0 else "Partial Success"
    return {
        "orgId": tenant_id,
        "ScanDefinitionIds": definition["id"],
        "SessionIds": session_id,
        "NumberOfSuccessfullyScannedTargets": successes,
        "NumberOfTargets": len(scanned),
        "ScanStatus": status,
        "LastScanned": wire(ran),
        "ListScannedTargets": scanned,
    }


def latest_scan(session: dict[str, Any] | None) -> dict[str, Any]:
    if session is None:
        return {"status": None, "failureReason": None, "executionDateTime": None}
    failed = [t for t in session["ListScannedTargets"] if t["ScanStatus"] != "Success"]
    return {
        "status": session["ScanStatus"],
        "failureReason": failed[0]["ErrorMessage"] if session["ScanStatus"] == "Fail" else None,
        "executionDateTime": session["LastScanned"],
    }


def _machines_by_key(services: DefenderServices, tenant_id: str) -> dict[str, dict[str, Any]]:
    """Machines by lower-case DNS name, host name and last IP: who a target is."""
    found: dict[str, dict[str, Any]] = {}
    for machine in services.repo.machine_docs(tenant_id):
        name = str(machine.get("computerDnsName") or "").lower()
        for key in (name, name.split(".")[0], str(machine.get("lastIpAddress") or "")):
            if key:
                found.setdefault(key, machine)
    return found


def advance(services: DefenderServices, tenant_id: str) -> None:
    entities = services.entities
    now = services.clock.timestamp()
    machines: dict[str, dict[str, Any]] | None = None
    for plan in entities.docs(tenant_id, SCHEDULES):
        definition_id = str(plan["id"])
        stored = entities.get(tenant_id, DEFINITIONS, definition_id)
        if stored is None:
            entities.remove(tenant_id, SCHEDULES, definition_id)
            continue
        definition = json.loads(stored)
        next_run = float(plan["nextRun"])
        if next_run > now or not definition.get("isActive"):
            continue
        interval = float(definition["intervalInHours"]) * 3600
        due = int((now - next_run) // interval) + 1
        if machines is None:
            machines = _machines_by_key(services, tenant_id)
        session = None
        for run in range(max(0, due - MAX_SESSIONS), due):
            session = make_session(tenant_id, definition, next_run + run * interval, machines)
            entities.put(tenant_id, SESSIONS, session["SessionIds"], session, parent=definition_id)
        definition["latestScan"] = latest_scan(session)
        entities.put(tenant_id, DEFINITIONS, definition_id, definition)
        schedule(services, tenant_id, definition_id, next_run + due * interval)


def sessions_of(
    services: DefenderServices, tenant_id: str, definition_id: str
) -> list[dict[str, Any]]:
    return services.entities.docs(tenant_id, SESSIONS, parent=definition_id)


def newest_first(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(sessions, key=lambda s: str(s.get("LastScanned") or ""), reverse=True)


def remove_definition(services: DefenderServices, tenant_id: str, definition_id: str) -> None:
    entities = services.entities
    for session in sessions_of(services, tenant_id, definition_id):
        entities.remove(tenant_id, SESSIONS, str(session["SessionIds"]), parent=definition_id)
    entities.remove(tenant_id, SCHEDULES, definition_id)
    entities.remove(tenant_id, DEFINITIONS, definition_id)
