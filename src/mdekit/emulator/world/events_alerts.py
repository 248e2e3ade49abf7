"""AlertInfo and AlertEvidence from the world's alerts.

One AlertInfo row per alert in the 30-day window, as Defender XDR shows Defender for
Endpoint alerts (ServiceSource "Microsoft Defender for Endpoint", detection sources in
the portal's words, MITRE techniques as "Name (Txxxx)" in a JSON array). AlertEvidence
has the impacted device, then one row per evidence item, with the same file, hashes,
command line, address, URL and account the API's evidence and the event tables show;
antivirus alerts add the malware entity."""

from __future__ import annotations

from typing import Any

from mdekit.emulator.world.events_attacks import wire_us
from mdekit.emulator.world.events_device import compact_json
from mdekit.emulator.world.events_host import Context
from mdekit.emulator.world.events_load import Sinks
from mdekit.emulator.world.events_procs import Images
from mdekit.emulator.world.model import World

SERVICE = "Microsoft Defender for Endpoint"
DETECTION_SOURCES = {
    "WindowsDefenderAtp": "EDR",
    "WindowsDefenderAv": "Antivirus",
    "CustomerTI": "Custom TI",
    "AutomatedInvestigation": "Automated investigation",
    "CustomDetection": "Custom detection",
    "SmartScreen": "SmartScreen",
}
TECHNIQUES = {
    "T1003": "OS Credential Dumping",
    "T1003.001": "LSASS Memory",
    "T1021.002": "SMB/Windows Admin Shares",
    "T1027": "Obfuscated Files or Information",
    "T1033": "System Owner/User Discovery",
    "T1053.005": "Scheduled Task",
    "T1055": "Process Injection",
    "T1055.001": "Dynamic-link Library Injection",
    "T1059.001": "PowerShell",
    "T1059.004": "Unix Shell",
    "T1071": "Application Layer Protocol",
    "T1071.001": "Web Protocols",
    "T1087.002": "Domain Account",
    "T1105": "Ingress Tool Transfer",
    "T1204.002": "Malicious File",
    "T1218.011": "Rundll32",
    "T1482": "Domain Trust Discovery",
    "T1486": "Data Encrypted for Impact",
    "T1490": "Inhibit System Recovery",
    "T1547.001": "Registry Run Keys / Startup Folder",
    "T1566.001": "Spearphishing Attachment",
    "T1569.002": "Service Execution",
}
"""MITRE ATT&CK technique names (attack.mitre.org) of the techniques the scenarios use."""
INFO = (
    "Timestamp",
    "AlertId",
    "Title",
    "Category",
    "Severity",
    "ServiceSource",
    "DetectionSource",
    "AttackTechniques",
)
EVIDENCE = (
    "Timestamp",
    "AlertId",
    "Title",
    "Categories",
    "AttackTechniques",
    "ServiceSource",
    "DetectionSource",
    "EntityType",
    "EvidenceRole",
    "EvidenceDirection",
    "FileName",
    "FolderPath",
    "SHA1",
    "SHA256",
    "FileSize",
    "ThreatFamily",
    "RemoteIP",
    "RemoteUrl",
    "AccountName",
    "AccountDomain",
    "AccountSid",
    "AccountObjectId",
    "AccountUpn",
    "DeviceId",
    "DeviceName",
    "LocalIP",
    "ProcessCommandLine",
    "AdditionalFields",
    "Severity",
)


def techniques(ids: list[str]) -> str:
    return compact_json([f"{TECHNIQUES.get(t, t)} ({t})" for t in ids])


def write(ctx: Context, world: World, sinks: Sinks) -> None:
    info = sinks.open("AlertInfo", INFO)
    evidence = sinks.open("AlertEvidence", EVIDENCE)
    start = ctx.window_start
    devices = {d.id: d for d in ctx.devices}
    sizes = _sizes(ctx.images)
    for alert in world.alerts:
        created = wire_us(alert["alertCreationTime"])
        if not start <= created <= ctx.now:
            continue
        source = DETECTION_SOURCES.get(alert["detectionSource"], alert["detectionSource"])
        attack = techniques(alert["mitreTechniques"])
        head = (
            created,
            alert["id"],
            alert["title"],
            compact_json([alert["category"]]),
            attack,
            SERVICE,
            source,
        )
        info.append(
            (
                created,
                alert["id"],
                alert["title"],
                alert["category"],
                alert["severity"],
                SERVICE,
                source,
                attack,
            )
        )
        device = devices.get(alert["machineId"])
        local_ip = device.local_ip if device is not None else None
        severity = alert["severity"]
        machine_fields = compact_json(
            {
                "HostName": alert["computerDnsName"].split(".")[0],
                "MachineId": alert["machineId"],
                "RiskScore": severity,
            }
        )
        evidence.append(
            head
            + _row(
                "Machine",
                "Impacted",
                device_id=alert["machineId"],
                device_name=alert["computerDnsName"],
                local_ip=local_ip,
                additional=machine_fields,
                severity=severity,
            )
        )
        for item in alert["evidence"]:
            row = _evidence_row(alert, item, sizes, local_ip)
            if row is not None:
                evidence.append(head + row)
        if alert["threatName"]:
            fields = compact_json(
                {
                    "Name": alert["threatName"],
                    "Category": alert["category"],
                    "DetectionStatus": "Detected",
                }
            )
            evidence.append(
                head
                + _row(
                    "Malware",
                    "Related",
                    device_id=alert["machineId"],
                    device_name=alert["computerDnsName"],
                    family=alert["threatFamilyName"],
                    additional=fields,
                    severity=severity,
                )
            )


def _sizes(images: Images) -> dict[str, int]:
    """File size by SHA-1 of every catalogued binary."""
    return {image.sha1: image.size for image in images.all_images()}


def _row(
    entity: str,
    role: str,
    *,
    direction: str | None = None,
    file_name: str | None = None,
    path: str | None = None,
    sha1: str | None = None,
    sha256: str | None = None,
    size: int | None = None,
    family: str | None = None,
    remote_ip: str | None = None,
    url: str | None = None,
    account: tuple[str | None, str | None, str | None, str | None, str | None] = (None,) * 5,
    device_id: str | None = None,
    device_name: str | None = None,
    local_ip: str | None = None,
    command: str | None = None,
    additional: str | None = None,
    severity: str | None = None,
) -> tuple[Any, ...]:
    return (
        entity,
        role,
        direction,
        file_name,
        path,
        sha1,
        sha256,
        size,
        family,
        remote_ip,
        url,
        *account,
        device_id,
        device_name,
        local_ip,
        command,
        additional,
        severity,
    )


def _evidence_row(
    alert: dict[str, Any], item: dict[str, Any], sizes: dict[str, int], local_ip: str | None
) -> tuple[Any, ...] | None:
    kind = item["entityType"]
    device = {
        "device_id": alert["machineId"],
        "device_name": alert["computerDnsName"],
        "severity": alert["severity"],
    }
    if kind == "User":
        account = (
            item["accountName"],
            item["domainName"],
            item["userSid"],
            item["aadUserId"],
            item["userPrincipalName"],
        )
        return _row("User", "Impacted", account=account, **device)
    if kind in ("Process", "File"):
        separator = (
            "\\"
            if "\\" in (item["filePath"] or "") or (item["filePath"] or "")[1:2] == ":"
            else "/"
        )
        path = f"{item['filePath']}{separator}{item['fileName']}"
        common = {
            "file_name": item["fileName"],
            "path": path,
            "sha1": item["sha1"],
            "sha256": item["sha256"],
            "size": sizes.get(item["sha1"]),
        }
        if kind == "Process":
            fields = compact_json(
                {
                    "ProcessId": item["processId"],
                    "CreationTimeUtc": item["processCreationTime"],
                    "ParentProcessId": item["parentProcessId"],
                    "ParentProcessName": item["parentProcessFileName"],
                }
            )
            user = alert["relatedUser"] or (
                alert["loggedOnUsers"][0] if alert["loggedOnUsers"] else None
            )
            account = (
                (
                    user["userName"] if "userName" in user else user["accountName"],
                    user["domainName"],
                    None,
                    None,
                    None,
                )
                if user
                else (None,) * 5
            )
            return _row(
                "Process",
                "Related",
                command=item["processCommandLine"],
                additional=fields,
                account=account,
                **common,
                **device,
            )
        fields = compact_json({"DetectionStatus": item["detectionStatus"]})
        return _row(
            "File",
            "Impacted" if item["detectionStatus"] else "Related",
            family=alert["threatFamilyName"],
            additional=fields,
            **common,
            **device,
        )
    if kind == "Ip":
        return _row(
            "Ip",
            "Related",
            direction="Destination",
            remote_ip=item["ipAddress"],
            local_ip=local_ip,
            **device,
        )
    if kind == "Url":
        return _row("Url", "Related", direction="Destination", url=item["url"], **device)
    return None
