# ruff: noqa: E501  (command lines and registry paths are data)
"""Windows activities that no user starts: Defender, the MDE sensor, updates, scheduled
tasks, management agents, domain traffic, registry churn and sensor-reported events.

Each function writes one short, coherent burst of rows at a given time on a
`WindowsHost`'s device, using the processes of the boot that was running then."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mdekit.emulator.world import catalog_network as net
from mdekit.emulator.world.catalog_network import Service
from mdekit.emulator.world.events_device import Device, compact_json
from mdekit.emulator.world.events_procs import MINUTE, SECOND, Proc
from mdekit.emulator.world.ids import guid_from_int

if TYPE_CHECKING:
    from mdekit.emulator.world.events_host import Activity, Host
    from mdekit.emulator.world.events_windows import WindowsHost

Starter = Callable[..., Proc]
DEFENDER_DIR = "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0"


def connect(
    h: Host[Any],
    at: int,
    proc: Proc,
    service: Service,
    action: str = "ConnectionSuccess",
    *,
    url: bool = True,
) -> int:
    """A connection from `proc` to one of the service's addresses."""
    rng = h.rng
    ip = service.ips[int(rng.random() * len(service.ips))]
    host = service.host.replace("{org}", h.ctx.org)
    return h.emit.network(h.dev, at, proc, action, ip, service.port, host if url else None)


def connect_any(
    h: Host[Any],
    at: int,
    proc: Proc,
    services: tuple[Service, ...],
    count: int = 1,
    gap: float = 20.0,
) -> int:
    for _ in range(count):
        connect(h, at, proc, services[int(h.rng.random() * len(services))])
        at += int(h.rng.random() * gap * SECOND)
    return at


def to_device(
    h: Host[Any],
    at: int,
    proc: Proc,
    peer: Device,
    port: int,
    action: str = "ConnectionSuccess",
    url: str | None = None,
) -> int:
    return h.emit.network(h.dev, at, proc, action, peer.address_at(at), port, url)


def guid(h: Host[Any]) -> str:
    return guid_from_int(h.rng.getrandbits(128))


def encoded(command: str) -> str:
    """PowerShell's -EncodedCommand form: base64 of the UTF-16LE text."""
    return base64.b64encode(command.encode("utf-16-le")).decode()


def logon_fields(logon_type: str) -> str:
    return compact_json(
        {"IsLocalLogon": logon_type in ("Interactive", "Unlock", "CachedInteractive")}
    )


def defender(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    engine = st["msmpeng"]
    connect(h, at, engine, net.DEFENDER[int(h.rng.random() * 2)])
    roll = h.rng.random()
    if roll < 0.3:
        update = h.spawn(
            engine,
            "mpcmdrun",
            f'"{DEFENDER_DIR}\\MpCmdRun.exe" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate -Reinvoke',
            at + 2 * SECOND,
        )
        connect(h, at + 4 * SECOND, update, net.DEFENDER[5])
    elif roll < 0.55:
        scan_type = "Quick" if h.rng.random() < 0.9 else "Full"
        h.emit.event(
            h.dev,
            at + 30 * MINUTE,
            engine,
            "AntivirusScanCompleted",
            AdditionalFields=compact_json(
                {
                    "ScanTypeIndex": scan_type,
                    "ScanId": "{" + guid(h).upper() + "}",
                    "ScanSource": "Scheduled",
                }
            ),
        )


def sensor(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    rng = h.rng
    connect(
        h,
        at,
        st["sensecnc"] if rng.random() < 0.5 else st["mssense"],
        net.DEFENDER[rng.choice((2, 3, 4))],
    )
    if rng.random() < 0.45 and len(h.ctx.devices) > 1:
        # Device discovery: the sensor probes neighbours on the usual management ports.
        ndr = st["sensendr"]
        for _ in range(1 + int(rng.random() * 3)):
            peer = h.ctx.devices[int(rng.random() * len(h.ctx.devices))]
            if peer is h.dev:
                continue
            port = rng.choice((445, 445, 135, 139, 80, 22, 3389))
            action = "ConnectionSuccess" if rng.random() < 0.7 else "ConnectionFailed"
            to_device(h, h.jitter(at, 60), ndr, peer, port, action)


def http_get(h: Host[Any], at: int, proc: Proc, service: Service, path: str) -> None:
    """A plain-HTTP download as network protection inspects it: connection, then signature."""
    ip = service.ips[int(h.rng.random() * len(service.ips))]
    port = 49_152 + int(h.rng.random() * 16_000)
    h.emit.network(h.dev, at, proc, "ConnectionSuccess", ip, 80, service.host, local_port=port)
    request = f"GET {path} HTTP/1.1"
    fields = {
        "SignatureName": "HTTP_Client",
        "SignatureMatchedContent": request,
        "SamplePacketContent": f"{request} Host: {service.host}",
    }
    h.emit.network(
        h.dev,
        at + SECOND // 10,
        proc,
        "NetworkSignatureInspected",
        ip,
        80,
        service.host,
        local_port=port,
        additional=compact_json(fields),
    )


CERTIFICATE_DOWNLOADS = (
    "/msdownload/update/v3/static/trustedr/en/authrootstl.cab",
    "/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab",
    "/msdownload/update/v3/static/trustedr/en/pinrulesstl.cab",
)


def updates(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    rng = h.rng
    at = connect_any(h, at, st["wu"], net.WINDOWS_PLATFORM[3:7], 1 + int(rng.random() * 2))
    if rng.random() < 0.3:
        path = CERTIFICATE_DOWNLOADS[int(rng.random() * len(CERTIFICATE_DOWNLOADS))]
        http_get(
            h, at + 2 * SECOND, st["cryptsvc"], net.WINDOWS_PLATFORM[3], f"{path}?{guid(h)[:16]}"
        )
    roll = rng.random()
    if roll < 0.35:
        h.spawn(
            st["uso"],
            "mousocoreworker",
            "C:\\Windows\\System32\\mousocoreworker.exe -Embedding",
            at + 5 * SECOND,
        )
    elif roll < 0.5:
        worker = h.spawn(
            st["dcom"],
            "tiworker",
            "C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.22621.4385_none_7b5a6e3c2d4f1f8a\\TiWorker.exe -Embedding",
            at + 8 * SECOND,
        )
        kb = rng.choice(("KB5046633", "KB5048685", "KB5044285", "KB5043145"))
        folder = "".join(f"{rng.getrandbits(32):08x}" for _ in range(4))
        h.emit.file(
            h.dev,
            at + 20 * SECOND,
            worker,
            "FileCreated",
            f"C:\\Windows\\SoftwareDistribution\\Download\\{folder}\\windows11.0-{kb.lower()}-x64.cab",
            size=int(300_000_000 * rng.random()) + 1_000_000,
        )
    elif roll < 0.62:
        msi = h.spawn(
            st["services"], "msiexec", "C:\\Windows\\system32\\msiexec.exe /V", at + 3 * SECOND
        )
        custom = h.spawn(
            msi,
            "msiexec",
            f"C:\\Windows\\syswow64\\MsiExec.exe -Embedding {guid(h).upper().replace('-', '')[:32]} E Global\\MSI0000",
            at + 6 * SECOND,
        )
        product = rng.choice(
            (
                "Microsoft Edge",
                "Google Chrome",
                "7-Zip 24.08 (x64)",
                "Microsoft Teams Meeting Add-in for Microsoft Office",
            )
        )
        key = "{" + guid(h).upper() + "}"
        h.emit.registry(
            h.dev,
            at + 9 * SECOND,
            custom,
            "RegistryValueSet",
            f"HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{key}",
            "DisplayName",
            "String",
            product,
        )


SCHEDULED = (
    # (image key, command line, needs a user, service for its network call)
    (
        "taskhostw",
        "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly",
        False,
        None,
    ),
    ("taskhostw", "taskhostw.exe", False, None),
    (
        "edgeupdate",
        '"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe" /ua /installsource scheduler',
        False,
        net.EDGE_CHROME[0],
    ),
    (
        "googleupdate",
        '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /ua /installsource scheduler',
        False,
        net.EDGE_CHROME[2],
    ),
    (
        "onedriveupdater",
        '"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDriveStandaloneUpdater.exe" /reporting',
        True,
        net.ONEDRIVE[2],
    ),
    (
        "compattelrunner",
        "C:\\Windows\\system32\\compattelrunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun -cv:t8sFnJg2AEe2GwOa.1",
        False,
        net.WINDOWS_PLATFORM[1],
    ),
    (
        "mpcmdrun",
        f'"{DEFENDER_DIR}\\MpCmdRun.exe" -IdleTask -TaskName WdCacheMaintenance',
        False,
        None,
    ),
    ("sppsvc", "C:\\Windows\\system32\\sppsvc.exe", False, None),
)


def scheduled_task(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    key, cmd, needs_user, service = SCHEDULED[int(h.rng.random() * len(SCHEDULED))]
    account = h.user if needs_user else None
    if needs_user and account is None:
        return
    parent = st["schedule"]
    if account is not None:
        cmd = cmd.replace("{user}", account.name)
        proc = h.spawn(
            parent,
            key,
            cmd,
            at,
            account=account,
            integrity="Medium",
            elevation="TokenElevationTypeLimited",
            logon_id=h.logon_id(),
        )
    else:
        proc = h.spawn(parent, key, cmd, at)
    if service is not None:
        connect(h, at + 3 * SECOND, proc, service)


INTUNE_SCRIPT = 'powershell.exe -NoProfile -executionPolicy bypass -file  "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Scripts\\{a}_{b}.ps1" '
AGENT_QUERIES = (
    "Get-CimInstance -ClassName Win32_ComputerSystem | Select-Object -Property Manufacturer,Model",
    "Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' | Select-Object DisplayVersion",
    "Get-BitLockerVolume -MountPoint C: | Select-Object -ExpandProperty ProtectionStatus",
    "Get-MpComputerStatus | Select-Object AMRunningMode, AntivirusSignatureVersion",
    "Get-MpPreference | Select-Object DisableRealtimeMonitoring, ExclusionPath",
)


def management(h: WindowsHost, at: int) -> None:
    """Intune or ConfigMgr running a script, sometimes an agent's encoded inventory query."""
    st = h.state(at)
    rng = h.rng
    if "intune" in st.procs:
        executor = h.spawn(
            st["intune"],
            "agentexecutor",
            '"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\agentexecutor.exe"  -powershell  "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Scripts\\inventory.ps1" "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Results\\inventory.output"',
            at,
        )
        shell = h.spawn(
            executor, "powershell", INTUNE_SCRIPT.format(a=guid(h), b=guid(h)), at + 2 * SECOND
        )
        connect(
            h,
            at + SECOND,
            st["intune"],
            Service("fef.msuc03.manage.microsoft.com", ("52.168.54.64",)),
        )
    elif "ccmexec" in st.procs:
        shell = h.spawn(
            st["ccmexec"],
            "powershell",
            f'"C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\PowerShell.exe" -NoLogo -Noninteractive -NoProfile -ExecutionPolicy Bypass "& \'C:\\Windows\\CCM\\SystemTemp\\{guid(h)}.ps1\'"',
            at,
        )
    else:
        shell = h.spawn(
            st["schedule"],
            "powershell",
            f"powershell.exe -NoLogo -NonInteractive -NoProfile -ExecutionPolicy Bypass -EncodedCommand {encoded(rng.choice(AGENT_QUERIES))}",
            at,
        )
    h.spawn(
        shell,
        "conhost",
        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
        shell.created + SECOND // 5,
    )
    at = shell.created
    if rng.random() < 0.5:
        h.emit.image_load(h.dev, at + SECOND, shell, h.image("amsi"))
        h.emit.event(
            h.dev,
            at + 3 * SECOND,
            shell,
            "PowerShellCommand",
            AdditionalFields=compact_json(
                {
                    "Command": rng.choice(
                        (
                            "Get-CimInstance",
                            "Get-ItemProperty",
                            "Select-Object",
                            "Get-MpComputerStatus",
                        )
                    )
                }
            ),
        )


def domain_traffic(h: WindowsHost, at: int) -> None:
    """Kerberos, LDAP and SYSVOL traffic to a domain controller."""
    dcs = h.ctx.role("srv-dc")
    if not dcs:
        connect(h, at, h.state(at)["dnscache"], net.MICROSOFT_AUTH[0])
        return
    st = h.state(at)
    rng = h.rng
    dc = dcs[int(rng.random() * len(dcs))]
    if dc is h.dev:
        return
    roll = rng.random()
    if roll < 0.45:
        to_device(h, at, st["lsass"], dc, 88)
    elif roll < 0.75:
        to_device(h, at, st["gpsvc"], dc, 389, url=dc.name if rng.random() < 0.3 else None)
    else:
        to_device(h, at, st["ntoskrnl"], dc, 445)
        files = h.ctx.role("srv-file")
        if files and h.dev.role == "workstation" and rng.random() < 0.5:
            to_device(
                h, at + 30 * SECOND, st["ntoskrnl"], files[int(rng.random() * len(files))], 445
            )


def registry_noise(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    rng = h.rng
    roll = rng.random()
    if roll < 0.4:
        version = f"1.421.{1200 + int(rng.random() * 400)}.0"
        h.emit.registry(
            h.dev,
            at,
            st["msmpeng"],
            "RegistryValueSet",
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates",
            "AVSignatureVersion",
            "String",
            version,
        )
    elif roll < 0.65:
        service = rng.choice(("edgeupdate", "gupdate", "BITS", "wuauserv", "MapsBroker", "sppsvc"))
        h.emit.registry(
            h.dev,
            at,
            st["services"],
            "RegistryValueSet",
            f"HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\{service}",
            "Start",
            "Dword",
            rng.choice(("2", "3", "4")),
        )
    elif roll < 0.85:
        h.emit.registry(
            h.dev,
            at,
            st["wu"],
            "RegistryValueSet",
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update",
            "LastOnlineScanTimeForAppCategory",
            "String",
            "2025-01-01 00:00:00",
        )
    else:
        h.emit.registry(
            h.dev,
            at,
            st["svchost" if "svchost" in st.procs else "dcom"],
            "RegistryKeyCreated",
            f"HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\Microsoft\\Windows\\UpdateOrchestrator\\{rng.choice(('Schedule Scan', 'USO_UxBroker', 'Report policies'))}",
        )


def device_events(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    rng = h.rng
    roll = rng.random()
    if roll < 0.45:
        pipe = rng.choice(("srvsvc", "wkssvc", "lsarpc", "samr", "netlogon"))
        h.emit.event(
            h.dev,
            at,
            st["lsass" if pipe in ("lsarpc", "samr", "netlogon") else "services"],
            "NamedPipeEvent",
            AdditionalFields=compact_json(
                {
                    "PipeName": f"\\Device\\NamedPipe\\{pipe}",
                    "FileOperation": "File opened",
                    "NamedPipeEnd": "Server",
                    "RemoteClientsAccess": "AcceptRemote",
                    "ThreadId": int(rng.random() * 20000),
                }
            ),
        )
    elif roll < 0.7:
        task, command = rng.choice(
            (
                (
                    "\\MicrosoftEdgeUpdateTaskMachineUA",
                    "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe",
                ),
                (
                    "\\GoogleUpdateTaskMachineUA",
                    "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe",
                ),
                (
                    "\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan",
                    "%systemroot%\\system32\\usoclient.exe",
                ),
                (
                    f"\\GoogleUpdateTaskUserS-1-5-21-{int(h.dev.id[:8], 16)}Core",
                    "%LOCALAPPDATA%\\Google\\Update\\GoogleUpdate.exe",
                ),
                (
                    "\\OneDrive Reporting Task-S-1-5-21",
                    "%localappdata%\\Microsoft\\OneDrive\\OneDriveStandaloneUpdater.exe",
                ),
            )
        )
        content = {
            "Triggers": {"CalendarTrigger": {"StartBoundary": "2024-01-01T09:00:00"}},
            "Actions": {"Exec": {"Command": command, "Arguments": "/ua /installsource scheduler"}},
        }
        h.emit.event(
            h.dev,
            at,
            st["schedule"],
            "ScheduledTaskUpdated",
            AdditionalFields=compact_json({"TaskName": task, "TaskContent": compact_json(content)}),
        )
    elif roll < 0.76:
        # Group Policy processing reads the domain's policy objects over LDAP.
        dns = ",".join(f"DC={part}" for part in h.ctx.domain.split("."))
        search = {
            "SearchFilter": "(objectClass=groupPolicyContainer)",
            "DistinguishedName": f"CN=Policies,CN=System,{dns}",
            "AttributeList": "['displayName', 'gPCFileSysPath', 'versionNumber']",
            "ScopeOfSearch": "SingleLevel",
        }
        h.emit.event(h.dev, at, st["gpsvc"], "LdapSearch", AdditionalFields=compact_json(search))
    elif roll < 0.8:
        busy = st["diagtrack"]
        service = net.WINDOWS_PLATFORM[1]
        fields = {"uniqueEventsAggregated": 5 + int(rng.random() * 40)}
        h.emit.network(
            h.dev,
            at,
            busy,
            "ConnectionSuccessAggregatedReport",
            service.ips[0],
            443,
            service.host,
            additional=compact_json(fields),
        )
    elif roll < 0.88:
        h.emit.event(
            h.dev,
            at,
            st["msmpeng"],
            "AntivirusScanCompleted",
            AdditionalFields=compact_json(
                {
                    "ScanTypeIndex": "Quick",
                    "ScanId": "{" + guid(h).upper() + "}",
                    "ScanSource": "Scheduled",
                }
            ),
        )
    else:
        peer = h.ctx.devices[int(rng.random() * len(h.ctx.devices))]
        h.emit.event(
            h.dev,
            at,
            st["ntoskrnl"],
            "FirewallInboundConnectionBlocked",
            RemoteIP=peer.address_at(at),
            RemotePort=49_152 + int(rng.random() * 16_000),
            LocalIP=h.dev.address_at(at),
            LocalPort=rng.choice((5357, 1900, 3702, 5353)),
        )


def server_activities(h: WindowsHost) -> list[Activity]:
    from mdekit.emulator.world import events_winserver as srv

    return srv.activities(h)
