"""A tenant's first authenticated scan data: the agents, definitions and history the world
generated, or, while the world has none, two scanner agents on Windows servers and two
definitions whose history the clock then produces (their first runs lie three days back)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from mdekit.emulator.defender.scan_rules import SNMP, WINDOWS
from mdekit.emulator.defender.scans_service import (
    AGENTS,
    DEFINITIONS,
    FIRST_RUN_SECONDS,
    SCHEDULES,
    SESSIONS,
    embedded_agent,
    latest_scan,
    seconds_of,
)
from mdekit.emulator.store.defender_repo import DefenderRepository
from mdekit.emulator.store.entity_repo import EntityRepository
from mdekit.models import format_wire_datetime

SAMPLE_AGE = timedelta(days=3)


def _guid(*parts: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256("|".join(parts).encode()).digest()[:16]))


def _scanner_hosts(machines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    windows = [m for m in machines if str(m.get("osPlatform", "")).startswith("Windows")]
    servers = [m for m in windows if "Server" in str(m.get("osPlatform"))]
    active = [m for m in servers if m.get("healthStatus") == "Active"]
    return (active or servers or windows)[:2]


def _sample_agent(tenant_id: str, machine: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "id": f"{tenant_id}_{machine['id']}",
        "machineId": machine["id"],
        "lastSeen": machine.get("lastSeen"),
        "computerDnsName": machine.get("computerDnsName"),
        "AssignedApplicationId": _guid(tenant_id, "scanner app").upper(),
        "ScannerSoftwareVersion": "7.2.0",
        "LastCommandExecutionTimestamp": format_wire_datetime(now - timedelta(minutes=20)),
        "mdeClientVersion": machine.get("agentVersion"),
    }


def _sample_definitions(
    tenant_id: str, agents: list[dict[str, Any]], domain: str
) -> list[dict[str, Any]]:
    specs = (
        ("Windows", "Unmanaged Windows servers", "Hostname", 24,
         ",".join(f"legacy-app-{n:02d}.{domain}" for n in (1, 2, 3)),
         {"@odata.type": WINDOWS, "type": "Kerberos", "domain": domain,
          "username": "svc-scan", "isGMSAUser": True}),
        ("Network", "Core network switches", "Ip", 6, "10.10.250.1,10.10.250.2,10.20.250.1",
         {"@odata.type": SNMP, "type": "AuthPriv", "username": "mde-scanner",
          "authProtocol": "SHA1", "authPassword": None, "privProtocol": "AES",
          "privPassword": None}),
    )  # fmt: skip
    definitions = []
    for index, (scan_type, name, target_type, hours, target, params) in enumerate(specs):
        definitions.append(
            {
                "id": _guid(tenant_id, "scan definition", name),
                "scanType": scan_type,
                "scanName": name,
                "isActive": True,
                "target": target,
                "orgId": tenant_id,
                "intervalInHours": hours,
                "createdBy": f"secops@{domain}",
                "targetType": target_type,
                "scanAuthenticationParams": params,
                "scannerAgent": embedded_agent(agents[index % len(agents)]),
                "latestScan": latest_scan(None),
            }
        )
    return definitions


def _next_runs(
    definitions: Sequence[dict[str, Any]], sessions: Sequence[dict[str, Any]], first: float
) -> dict[str, float]:
    """When each definition runs next: an interval after its newest session, else `first`."""
    newest: dict[str, float] = {}
    for session in sessions:
        ran = seconds_of(str(session["LastScanned"]))
        key = str(session["ScanDefinitionIds"])
        newest[key] = max(newest.get(key, ran), ran)
    return {
        str(d["id"]): newest[d["id"]] + float(d["intervalInHours"]) * 3600
        if d["id"] in newest
        else first
        for d in definitions
    }


def seed_scans(
    engine: Engine,
    tenant_id: str,
    now: datetime,
    *,
    agents: Sequence[dict[str, Any]] | None = None,
    definitions: Sequence[dict[str, Any]] | None = None,
    sessions: Sequence[dict[str, Any]] | None = None,
) -> int:
    """Store the scan data (the world's when `agents` is given, else samples) and plan each
    definition's next run; returns how many definitions were stored, 0 when the tenant
    already had scan data (so calling it twice changes nothing)."""
    entities = EntityRepository(engine)
    if entities.docs(tenant_id, AGENTS) or entities.docs(tenant_id, DEFINITIONS):
        return 0
    first = now.timestamp() + FIRST_RUN_SECONDS
    if agents is None:
        machines = DefenderRepository(engine).machine_docs(tenant_id)
        agents = [_sample_agent(tenant_id, m, now) for m in _scanner_hosts(machines)]
        if not agents:
            return 0
        name = str(agents[0].get("computerDnsName") or "")
        domain = name.split(".", 1)[1] if "." in name else "contoso.com"
        definitions = _sample_definitions(tenant_id, list(agents), domain)
        first = (now - SAMPLE_AGE).timestamp() + FIRST_RUN_SECONDS
    definitions, sessions = list(definitions or []), list(sessions or [])
    entities.add(tenant_id, AGENTS, (("", str(a["id"]), a) for a in agents))
    entities.add(tenant_id, DEFINITIONS, (("", str(d["id"]), d) for d in definitions))
    entities.add(
        tenant_id,
        SESSIONS,
        ((str(s["ScanDefinitionIds"]), str(s["SessionIds"]), s) for s in sessions),
    )
    runs = _next_runs(definitions, sessions, first)
    entities.add(
        tenant_id,
        SCHEDULES,
        (("", key, {"id": key, "nextRun": at}) for key, at in runs.items()),
    )
    return len(definitions)
