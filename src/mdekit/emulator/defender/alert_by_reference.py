"""`POST /api/alerts/CreateAlertByReference`: an alert raised by the caller on an event it
found with Advanced Hunting (defender-api.md §5.2 #6).

The event is looked up by (machineId, reportId, eventTime) in the tenant's hunting tables:
404 when there is none. The new alert carries the event's process, file, account, address
and URL as evidence, and an automated investigation starts on it (on devices that support
one). When the device already has an unresolved alert with the same title, the event is
merged into that alert instead, and that alert is returned."""

from __future__ import annotations

import json
import random
from datetime import datetime
from typing import Any

from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.defender.handlers_investigations import AIR_PLATFORMS, begin_investigation
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.world.ids import edr_alert_id
from mdekit.emulator.world.ticks import datetime_to_ticks
from mdekit.models import EVIDENCE_KEYS, format_wire_datetime

SEVERITIES = ("Low", "Medium", "High")
DETECTION_SOURCE = "CustomDetection"
"""What the portal shows as the source of alerts made through this API (not documented)."""


def parse_event_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(
            f"Invalid input eventTime: '{text}' is not a date and time such as "
            "2018-08-03T16:45:21.7115183Z (copy the event's Timestamp from advanced hunting)",
            code="InvalidInput",
        ) from exc
    return moment


def parse_report_id(raw: object) -> int:
    text = str(raw).strip()
    if isinstance(raw, bool) or not text.lstrip("-").isdigit():
        raise InvalidInput(
            f"Invalid input reportId: '{raw}' is not the number advanced hunting gives as ReportId",
            code="InvalidInput",
        )
    return int(text)


def _folder(path: object) -> str | None:
    if not isinstance(path, str) or not path:
        return None
    cut = max(path.rfind("\\"), path.rfind("/"))
    return path[:cut] if cut > 0 else path


def _wire(moment: object) -> str | None:
    return format_wire_datetime(moment) if isinstance(moment, datetime) else None


def _blank(entity_type: str, created: str) -> dict[str, Any]:
    item: dict[str, Any] = dict.fromkeys(EVIDENCE_KEYS)
    item["entityType"] = entity_type
    item["evidenceCreationTime"] = created
    return item


def event_evidence(row: dict[str, Any], created: str) -> list[dict[str, Any]]:
    """Evidence entities of one hunting row: its account, process (or the initiating
    process), file, remote address and URL, where the row has them."""
    evidence: list[dict[str, Any]] = []
    account = row.get("AccountName") or row.get("InitiatingProcessAccountName")
    if account:
        user = _blank("User", created)
        user["accountName"] = account
        user["domainName"] = row.get("AccountDomain") or row.get("InitiatingProcessAccountDomain")
        user["userSid"] = row.get("AccountSid") or row.get("InitiatingProcessAccountSid") or None
        user["userPrincipalName"] = (
            row.get("AccountUpn") or row.get("InitiatingProcessAccountUpn") or None
        )
        evidence.append(user)
    is_process = row.get("ProcessId") is not None
    prefix = "" if is_process else "InitiatingProcess"
    name = row.get("FileName") if is_process else row.get("InitiatingProcessFileName")
    if name:
        process = _blank("Process", created)
        process.update(
            sha1=row.get(f"{prefix}SHA1" if prefix else "SHA1") or None,
            sha256=row.get(f"{prefix}SHA256" if prefix else "SHA256") or None,
            fileName=name,
            filePath=_folder(row.get(f"{prefix}FolderPath" if prefix else "FolderPath")),
            processId=row.get("ProcessId" if is_process else "InitiatingProcessId"),
            processCommandLine=row.get(
                "ProcessCommandLine" if is_process else "InitiatingProcessCommandLine"
            )
            or None,
            processCreationTime=_wire(
                row.get("ProcessCreationTime" if is_process else "InitiatingProcessCreationTime")
            ),
            parentProcessId=row.get("InitiatingProcessId") if is_process else None,
            parentProcessFileName=(row.get("InitiatingProcessFileName") if is_process else None),
        )
        evidence.append(process)
    if not is_process and row.get("FileName") and row.get("SHA1"):
        file = _blank("File", created)
        file.update(
            sha1=row.get("SHA1"),
            sha256=row.get("SHA256") or None,
            fileName=row.get("FileName"),
            filePath=_folder(row.get("FolderPath")),
            detectionStatus="Detected",
        )
        evidence.append(file)
    if row.get("RemoteIP"):
        address = _blank("Ip", created)
        address["ipAddress"] = row["RemoteIP"]
        evidence.append(address)
    if row.get("RemoteUrl"):
        url = _blank("Url", created)
        url["url"] = row["RemoteUrl"]
        evidence.append(url)
    return evidence


def _next_incident(services: DefenderServices, tenant: str) -> int:
    first = services.repo.max_incident_id(tenant) + 1
    return services.entities.next_number(tenant, "incident_numbers", first)


def new_alert(
    services: DefenderServices,
    tenant: str,
    machine: dict[str, Any],
    fields: dict[str, str],
    event_time: datetime,
    evidence: list[dict[str, Any]],
) -> dict[str, Any]:
    now = services.clock.now()
    created = format_wire_datetime(now)
    users = [e for e in evidence if e["entityType"] == "User"]
    alert: dict[str, Any] = {
        "id": edr_alert_id(random.Random(), datetime_to_ticks(now)),
        "incidentId": _next_incident(services, tenant),
        "investigationId": None,
        "assignedTo": None,
        "severity": fields["severity"],
        "status": "New",
        "classification": None,
        "determination": None,
        "investigationState": "Unsupported",
        "detectionSource": DETECTION_SOURCE,
        "detectorId": None,
        "category": fields["category"],
        "threatFamilyName": None,
        "title": fields["title"],
        "description": fields["description"],
        "alertCreationTime": created,
        "firstEventTime": format_wire_datetime(event_time),
        "lastEventTime": format_wire_datetime(event_time),
        "lastUpdateTime": created,
        "resolvedTime": None,
        "machineId": machine["id"],
        "computerDnsName": machine.get("computerDnsName"),
        "rbacGroupName": machine.get("rbacGroupName"),
        "aadTenantId": tenant,
        "threatName": None,
        "mitreTechniques": [],
        "relatedUser": (
            {"userName": users[0]["accountName"], "domainName": users[0]["domainName"]}
            if users
            else None
        ),
        "loggedOnUsers": [
            {"accountName": u["accountName"], "domainName": u["domainName"]} for u in users
        ],
        "comments": [],
        "evidence": evidence,
    }
    if machine.get("osPlatform") in AIR_PLATFORMS:
        investigation = begin_investigation(
            services, tenant, machine, triggering_alert_id=alert["id"]
        )
        alert["investigationId"] = int(investigation["id"])
        alert["investigationState"] = investigation["state"]
    services.repo.insert_alert(tenant, alert)
    return alert


def merge_into(
    services: DefenderServices,
    tenant: str,
    alert: dict[str, Any],
    event_time: datetime,
    evidence: list[dict[str, Any]],
) -> dict[str, Any]:
    """Fold the event into an open alert: its event times widen, new evidence is added."""
    event_wire = format_wire_datetime(event_time)
    first, last = alert.get("firstEventTime"), alert.get("lastEventTime")
    alert["firstEventTime"] = min(filter(None, (first, event_wire)))
    alert["lastEventTime"] = max(filter(None, (last, event_wire)))
    known = {json.dumps({**e, "evidenceCreationTime": None}, sort_keys=True)
             for e in alert.get("evidence", [])}  # fmt: skip
    for item in evidence:
        if json.dumps({**item, "evidenceCreationTime": None}, sort_keys=True) not in known:
            alert.setdefault("evidence", []).append(item)
    alert["lastUpdateTime"] = format_wire_datetime(services.clock.now())
    services.repo.replace_alert(tenant, alert)
    return alert


def require_machine(services: DefenderServices, tenant: str, machine_id: str) -> dict[str, Any]:
    doc = services.repo.machine(tenant, machine_id)
    if doc is None:
        raise NotFound(f"Machine {machine_id} was not found")
    machine: dict[str, Any] = json.loads(doc)
    return machine
