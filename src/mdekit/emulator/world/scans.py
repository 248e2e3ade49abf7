"""Authenticated scans: scanner agents on existing servers, scan definitions, history.

Agents run on the tenant's own Windows servers (§5.17, §6.10). Each definition has a
history of sessions at its interval; a definition's `latestScan` is its newest
session. Key spellings follow the examples, PascalCase ones included
(`AssignedApplicationId`, the history items). Secrets are never returned: password and
community string fields are null, as a service that stores credentials would answer."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from mdekit.emulator.world.catalog_hosts import ANALYSTS
from mdekit.emulator.world.ids import analyst_accounts, random_guid, section_rng
from mdekit.emulator.world.model import MachineProfile, WireDict, World
from mdekit.emulator.world.ticks import TICKS_PER_HOUR, TICKS_PER_MINUTE, TickFormatter

SNMP = "#microsoft.windowsDefenderATP.api.SnmpAuthParams"
WINDOWS = "#microsoft.windowsDefenderATP.api.WindowsAuthParams"
SCANNER_VERSIONS = ("7.1.1", "7.2.0")
MAX_SESSIONS = 12
FAILURES = ("Authentication failed", "Host unreachable", "SNMP request timed out")


@dataclass
class ScanData:
    """Agents, definitions and session history of one tenant."""

    agents: list[WireDict] = field(default_factory=list)
    definitions: list[WireDict] = field(default_factory=list)
    sessions: list[WireDict] = field(default_factory=list)
    """`GetScanHistoryBySessionId` items, newest first per definition."""
    scanner_of: dict[str, str] = field(default_factory=dict)
    """Definition id -> machine id of its scanner (the history's ScannerId)."""


def build_scans(world: World, fmt: TickFormatter) -> ScanData:
    """Two scanner agents (when the tenant has Windows servers) and three definitions."""
    rng = section_rng(world.seed, world.tenant_id, "scans")
    hosts = [p for p in world.machine_profiles if p.family == "windows" and p.is_server]
    hosts = [p for p in hosts if world.machines[p.index]["healthStatus"] == "Active"] or hosts
    if not hosts:
        hosts = [p for p in world.machine_profiles if p.family == "windows"]
    data = ScanData()
    if not hosts:
        return data
    chosen = rng.sample(hosts, min(2, len(hosts)))
    application = random_guid(rng).upper()
    embedded = [_agent(rng, world, fmt, p, application) for p in chosen]
    for agent in embedded:
        listed = {k: v for k, v in agent.items() if k != "machineName"}
        listed["computerDnsName"] = agent["machineName"]
        data.agents.append(
            {key: listed[key] for key in (
                "id", "machineId", "lastSeen", "computerDnsName", "AssignedApplicationId",
                "ScannerSoftwareVersion", "LastCommandExecutionTimestamp", "mdeClientVersion")}
        )  # fmt: skip
    analysts = analyst_accounts(world.tenant_id, world.domain, ANALYSTS)
    org = world.domain.split(".", 1)[0]
    specs = [
        ("Windows", "Unmanaged Windows servers", "Hostname", 24, True,
         [(f"10.10.240.{10 + i}", f"legacy-app-{i + 1:02d}.{world.domain}",
           "Windows Server 2012 R2") for i in range(4)],
         {"@odata.type": WINDOWS, "type": "Kerberos", "domain": world.domain,
          "username": "svc-scan", "isGMSAUser": True}),
        ("Network", "Core network switches", "Ip", 4, True,
         [(f"10.{site}.250.{n}", f"sw-core-{site}-{n}", "Cisco Catalyst 9300 switch")
          for site in (10, 20) for n in (1, 2)],
         {"@odata.type": SNMP, "type": "AuthPriv", "username": "mde-scanner",
          "authProtocol": "SHA1", "authPassword": None, "privProtocol": "AES",
          "privPassword": None, "communityString": None}),
        ("Network", "Branch printers", "Ip", 24, rng.random() < 0.5,
         [(f"10.30.251.{10 + n}", f"prn-branch-{n + 1:02d}", "HP LaserJet printer")
          for n in range(3)],
         {"@odata.type": SNMP, "type": "CommunityString", "communityString": None,
          "keyVaultUrl": f"https://kv-secops-{org}.vault.azure.net/",
          "keyVaultSecretName": "snmp-community"}),
    ]  # fmt: skip
    for scan_type, name, target_type, interval, active, targets, auth in specs:
        agent = embedded[int(rng.random() * len(embedded))]
        definition_id = random_guid(rng)
        sessions = _sessions(rng, world, fmt, definition_id, interval, active, targets)
        latest = sessions[0]
        target = ",".join(ip if target_type == "Ip" else host for ip, host, _ in targets)
        data.definitions.append(
            {
                "id": definition_id,
                "scanType": scan_type,
                "scanName": name,
                "isActive": active,
                "target": target,
                "orgId": world.tenant_id,
                "intervalInHours": interval,
                "createdBy": analysts[int(rng.random() * len(analysts))][0],
                "targetType": target_type,
                "scanAuthenticationParams": auth,
                "scannerAgent": dict(agent),
                "latestScan": {
                    "status": latest["ScanStatus"],
                    "failureReason": None if latest["ScanStatus"] != "Fail" else FAILURES[1],
                    "executionDateTime": latest["LastScanned"],
                },
            }
        )
        data.sessions.extend(sessions)
        data.scanner_of[definition_id] = str(agent["machineId"])
    return data


def _agent(
    rng: random.Random, world: World, fmt: TickFormatter, host: MachineProfile, app: str
) -> WireDict:
    machine = world.machines[host.index]
    last_seen = host.active_until_ticks - int(rng.random() * 20 * TICKS_PER_MINUTE)
    command = last_seen - int(rng.random() * 3 * TICKS_PER_HOUR)
    return {
        "id": f"{world.tenant_id}_{host.machine_id}",
        "machineId": host.machine_id,
        "machineName": host.dns_name,
        "lastSeen": fmt.iso(last_seen),
        "AssignedApplicationId": app,
        "ScannerSoftwareVersion": SCANNER_VERSIONS[int(rng.random() * len(SCANNER_VERSIONS))],
        "LastCommandExecutionTimestamp": fmt.iso(max(command, host.first_seen_ticks)),
        "mdeClientVersion": machine["agentVersion"],
    }


def _sessions(
    rng: random.Random,
    world: World,
    fmt: TickFormatter,
    definition_id: str,
    interval: int,
    active: bool,
    targets: list[tuple[str, str, str]],
) -> list[WireDict]:
    """Runs at the interval, newest first; an inactive definition stopped days ago."""
    start = world.now_ticks - int(rng.random() * interval * TICKS_PER_HOUR)
    if not active:
        start -= int((5 + rng.random() * 10) * 24 * TICKS_PER_HOUR)
    sessions = []
    for run in range(MAX_SESSIONS):
        ran = start - run * interval * TICKS_PER_HOUR
        scanned = []
        for ip, host, description in targets:
            ok = rng.random() < 0.9
            seconds = 60 + int(rng.random() * 600)
            scanned.append(
                {
                    "Ip": ip,
                    "Hostname": host,
                    "ScannedDeviceDescription": description,
                    "ErrorMessage": "" if ok else FAILURES[int(rng.random() * len(FAILURES))],
                    "ScanStatus": "Success" if ok else "Failed",
                    "ScanDuration": f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
                    f"{seconds % 60:02d}",
                }
            )
        successes = sum(1 for item in scanned if item["ScanStatus"] == "Success")
        status = (
            "Success" if successes == len(scanned) else "Fail" if successes == 0
            else "Partial Success"
        )  # fmt: skip
        sessions.append(
            {
                "orgId": world.tenant_id,
                "ScanDefinitionIds": definition_id,
                "SessionIds": f"{rng.getrandbits(128):032x}",
                "NumberOfSuccessfullyScannedTargets": successes,
                "NumberOfTargets": len(scanned),
                "ScanStatus": status,
                "LastScanned": fmt.iso(ran),
                "ListScannedTargets": scanned,
            }
        )
    return sessions


def history_by_definition(data: ScanData, definition_ids: list[str]) -> list[WireDict]:
    """`GetScanHistoryByScanDefinitionId` items for the given definitions, newest first."""
    wanted = set(definition_ids)
    return [
        {
            "ScanDefinitionIds": session["ScanDefinitionIds"],
            "LastScanned": session["LastScanned"],
            "ScanStatus": session["ScanStatus"],
            "ScannerId": data.scanner_of[session["ScanDefinitionIds"]],
        }
        for session in data.sessions
        if session["ScanDefinitionIds"] in wanted
    ]
