# ruff: noqa: E501  (command lines are data)
"""Windows servers at work: clients connecting in, administrators signing in over RDP
and WinRM, service accounts, SQL Server jobs, backups, IIS, domain controllers.

Inbound connections come from the tenant's own devices (or from the internet for
internet-facing web servers); a domain controller accepts Kerberos and LDAP on
IPv4-mapped IPv6 sockets, so its LocalIP reads "::ffff:10.x.y.z" (FourToSixMapping), as
the sensor reports it. An administrator's RDP session runs in a remote session, so the
rows it causes carry the client's name and address in the RemoteSession columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mdekit.emulator.world import catalog_network as net
from mdekit.emulator.world.events_device import Device, compact_json
from mdekit.emulator.world.events_procs import MINUTE, SECOND, Account, Proc
from mdekit.emulator.world.events_winsys import connect, guid, to_device

if TYPE_CHECKING:
    from mdekit.emulator.world.events_host import Activity
    from mdekit.emulator.world.events_windows import WindowsHost

ROLE_PORTS = {
    "srv-dc": (
        ("lsass", 88),
        ("lsass", 88),
        ("lsass", 389),
        ("dns", 53),
        ("ntoskrnl", 445),
        ("lsass", 49664),
        ("adws", 9389),
    ),
    "srv-file": (("ntoskrnl", 445),),
    "srv-sql": (("sqlservr", 1433),),
    "srv-web": (("ntoskrnl", 443), ("ntoskrnl", 80)),
    "srv-exch": (("ntoskrnl", 443), ("ntoskrnl", 25)),
    "srv-app": (("ntoskrnl", 8080), ("ntoskrnl", 443)),
    "srv-rds": (("termsvc", 3389),),
}
ADMIN_COMMANDS = (
    (
        "powershell",
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "Get-Service | Where-Object Status -eq \'Stopped\'"',
        "Get-Service",
    ),
    (
        "powershell",
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "Get-WinEvent -FilterHashtable @{LogName=\'System\'; Level=2} -MaxEvents 50"',
        "Get-WinEvent",
    ),
    (
        "powershell",
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "Restart-Service -Name Spooler"',
        "Restart-Service",
    ),
    ("mmc", '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\services.msc" ', None),
    ("mmc", '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\eventvwr.msc" /s', None),
    ("mmc", '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\compmgmt.msc" /s', None),
    ("cmd", '"C:\\Windows\\system32\\cmd.exe" /c "ipconfig /all && netstat -ano"', None),
    ("taskkill", "taskkill  /F /IM w3wp.exe", None),
    ("pktmon", "PktMon.exe  start --capture --pkt-size 0 --file-name C:\\Temp\\capture.etl", None),
    (
        "powershell",
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "Invoke-WebRequest -Uri https://aka.ms/installazurecliwindows -OutFile C:\\Temp\\AzureCLI.msi"',
        "Invoke-WebRequest",
    ),
)
DC_COMMANDS = (
    (
        "powershell",
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "Get-ADUser -Filter * -Properties LastLogonDate | Sort-Object LastLogonDate"',
        "Get-ADUser",
    ),
    (
        "powershell",
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "Get-ADComputer -Filter \'OperatingSystem -like \\"*Server*\\"\'"',
        "Get-ADComputer",
    ),
    ("mmc", '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\dsa.msc" ', None),
    ("dsac", "C:\\Windows\\system32\\dsac.exe", None),
    ("repadmin", "repadmin  /replsummary", None),
)


def _client(h: WindowsHost, roles: tuple[str, ...] = ("workstation",)) -> Device:
    role = roles[int(h.rng.random() * len(roles))]
    pool = h.ctx.role(role) or h.ctx.role("workstation") or h.ctx.devices
    return pool[int(h.rng.random() * len(pool))]


def _public_ip(h: WindowsHost) -> str:
    first = h.rng.choice((23, 31, 45, 62, 77, 81, 89, 91, 94, 103, 109, 176, 185, 193, 212))
    return f"{first}.{int(h.rng.random() * 250) + 1}.{int(h.rng.random() * 250)}.{int(h.rng.random() * 250) + 1}"


def inbound(h: WindowsHost, at: int) -> None:
    """Clients connecting to the server's role port, with the network logon it causes."""
    st = h.state(at)
    rng = h.rng
    dev = h.dev
    ports = ROLE_PORTS.get(dev.role, (("ntoskrnl", 445),))
    for _ in range(1 + int(rng.random() * 3)):
        key, port = ports[int(rng.random() * len(ports))]
        proc = st.procs.get(key, st["ntoskrnl"])
        internet = (
            dev.role in ("srv-web", "srv-exch")
            and "Internet facing" in dev.tags
            and rng.random() < 0.6
        )
        client: Device | None = None
        if internet:
            remote = _public_ip(h)
        else:
            client = _client(
                h, ("srv-app", "srv-web") if dev.role == "srv-sql" else ("workstation",)
            )
            remote = client.address_at(at)
        local = dev.local_ip
        if port in (88, 389):
            remote, local = f"::ffff:{remote}", f"::ffff:{local}"
        h.emit.network(
            dev,
            at,
            proc,
            "InboundConnectionAccepted",
            remote,
            49_152 + int(rng.random() * 16_000),
            local_ip=local,
            local_port=port,
            protocol="Udp" if port == 53 else "Tcp",
        )
        if port == 445 and client is not None and client.users:
            user = client.users[0]
            h.emit.logon(
                dev,
                at + SECOND // 10,
                st["lsass"],
                "LogonSuccess",
                "Network",
                user,
                protocol="Kerberos" if rng.random() < 0.85 else "NTLM",
                is_local_admin=False,
                logon_id=h.logon_id(),
                remote=(client.short.upper(), client.address_at(at), 0),
            )
            if dev.role == "srv-file":
                _smb_write(h, at + 2 * SECOND, st["ntoskrnl"], client, user)
        at += int(rng.random() * 30 * SECOND)


def _smb_write(h: WindowsHost, at: int, system: Proc, client: Device, user: Account) -> None:
    rng = h.rng
    name = rng.choice(
        (
            "Q4 forecast.xlsx",
            "Invoice register.xlsx",
            "Board deck.pptx",
            "Policies.docx",
            "scan_0192.pdf",
        )
    )
    share = rng.choice(("Shared", "Finance", "HR", "Projects"))
    path = f"D:\\Shares\\{share}\\{name}"
    h.emit.file(
        h.dev,
        at,
        system,
        "FileModified" if rng.random() < 0.7 else "FileCreated",
        path,
        size=20_000 + int(rng.random() * 5_000_000),
        request=("SMB", client.address_at(at), user.name, user.domain or "", share),
    )


def admin_session(h: WindowsHost, at: int) -> None:
    """An administrator RDPs in from their workstation and does some work."""
    rng = h.rng
    st = h.state(at)
    admins = [u for u in h.dev.users if u.kind == "admin"] or h.ctx_admins()
    if not admins or "termsvc" not in st.procs:
        return
    admin = admins[int(rng.random() * len(admins))]
    source = h.admin_source(admin)
    port = 49_152 + int(rng.random() * 16_000)
    h.emit.network(
        h.dev,
        at - 5 * SECOND,
        st["termsvc"],
        "InboundConnectionAccepted",
        source.address_at(at),
        port,
        local_port=3389,
    )
    _client_side(
        h,
        source,
        at - 6 * SECOND,
        "mstsc",
        f'"C:\\Windows\\system32\\mstsc.exe" /v:{h.dev.name}',
        3389,
    )
    if rng.random() < 0.05 and h.ctx.role("workstation"):
        # Someone without the right to sign in to servers tries RDP first.
        other = _client(h)
        if other.users:
            h.emit.logon(
                h.dev,
                at - 20 * SECOND,
                st["lsass"],
                "LogonFailed",
                "RemoteInteractive",
                other.users[0],
                protocol="Negotiate",
                failure="UnauthorizedLogonType",
                is_local_admin=False,
                remote=(other.short.upper(), other.address_at(at), 0),
            )
    if rng.random() < 0.1:
        h.emit.logon(
            h.dev,
            at - 3 * SECOND,
            st["lsass"],
            "LogonFailed",
            "RemoteInteractive",
            admin,
            protocol="Negotiate",
            failure="InvalidUserNameOrPassword",
            is_local_admin=True,
            remote=(source.short.upper(), source.address_at(at), 0),
        )
    desk = h.sign_in(
        st, admin, at, "RemoteInteractive", remote=(source.short.upper(), source.address_at(at))
    )
    h.spawn(desk.explorer, "rdpclip", "rdpclip", at + 4 * SECOND)
    commands = ADMIN_COMMANDS + (DC_COMMANDS if h.dev.role == "srv-dc" else ())
    for _ in range(1 + int(rng.random() * 3)):
        at = h.minutes(at, 1, 12)
        key, cmd, powershell_command = commands[int(rng.random() * len(commands))]
        if key == "repadmin":
            key, cmd = "cmd", "cmd.exe /c repadmin /replsummary"
        proc = h.spawn(desk.explorer, key, cmd, at)
        if powershell_command == "Invoke-WebRequest":
            h.emit.network(
                h.dev, at + 2 * SECOND, proc, "ConnectionSuccess", "23.62.227.30", 443, "aka.ms"
            )
        if powershell_command is not None:
            h.emit.image_load(h.dev, at + SECOND, proc, h.image("sma"))
            h.emit.event(
                h.dev,
                at + 2 * SECOND,
                proc,
                "PowerShellCommand",
                AdditionalFields=compact_json({"Command": powershell_command}),
            )
            if powershell_command.startswith("Get-AD") and h.dev.role != "srv-dc":
                dcs = h.ctx.role("srv-dc")
                if dcs:
                    to_device(h, at + 2 * SECOND, proc, dcs[0], 9389)


def _client_side(h: WindowsHost, source: Device, at: int, key: str, cmd: str, port: int) -> None:
    """The admin workstation's side of a connection: the client tool and its connection."""
    if not source.users or not source.start <= at <= source.end:
        return
    user = source.users[0]
    explorer = Proc(
        h.images.get("explorer"),
        4 * (1000 + int(source.rng.random() * 3000)),
        at - 3 * 3600 * SECOND,
        "C:\\Windows\\Explorer.EXE",
        user,
        None,
        logon_id=h.logon_id(),
        integrity="Medium",
        elevation="TokenElevationTypeLimited",
        session=1,
    )
    tool = Proc(
        h.images.get(key),
        h.pid(),
        at,
        cmd,
        user,
        explorer,
        logon_id=explorer.logon_id,
        integrity="Medium",
        elevation="TokenElevationTypeLimited",
        session=1,
    )
    h.emit.process(source, tool)
    h.emit.network(source, at + SECOND, tool, "ConnectionSuccess", h.dev.local_ip, port, h.dev.name)


def service_logons(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    services = [u for u in h.dev.users if u.kind == "service"] or h.ctx_services()
    if not services:
        return
    account = services[int(h.rng.random() * len(services))]
    logon_type = "Service" if h.rng.random() < 0.6 else "Batch"
    h.emit.logon(
        h.dev,
        at,
        st["services"],
        "LogonSuccess",
        logon_type,
        account,
        protocol="Negotiate",
        is_local_admin=False,
        logon_id=h.logon_id(),
        additional=compact_json({"IsLocalLogon": True}),
    )


def winrm(h: WindowsHost, at: int) -> None:
    """PowerShell remoting from an administrator's workstation."""
    rng = h.rng
    st = h.state(at)
    admins = h.ctx_admins()
    if not admins or "winrm" not in st.procs:
        return
    admin = admins[int(rng.random() * len(admins))]
    source = h.admin_source(admin)
    h.emit.network(
        h.dev,
        at,
        st["ntoskrnl"],
        "InboundConnectionAccepted",
        source.address_at(at),
        49_152 + int(rng.random() * 16_000),
        local_port=5985,
    )
    logon_id = h.logon_id()
    h.emit.logon(
        h.dev,
        at + SECOND // 5,
        st["lsass"],
        "LogonSuccess",
        "Network",
        admin,
        protocol="Kerberos",
        is_local_admin=True,
        logon_id=logon_id,
        remote=(source.short.upper(), source.address_at(at), 0),
    )
    host = h.spawn(
        st["dcom"],
        "wsmprovhost",
        "C:\\Windows\\system32\\wsmprovhost.exe -Embedding",
        at + SECOND,
        account=admin,
        integrity="High",
        elevation="TokenElevationTypeFull",
        logon_id=logon_id,
    )
    h.emit.event(
        h.dev,
        at + 2 * SECOND,
        host,
        "PowerShellCommand",
        AdditionalFields=compact_json(
            {"Command": rng.choice(("Get-Service", "Get-Process", "Get-HotFix", "Invoke-Command"))}
        ),
    )
    _client_side(
        h,
        source,
        at - SECOND,
        "powershell",
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" ',
        5985,
    )


def sql_job(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    rng = h.rng
    database = rng.choice(("Sales", "HR", "Inventory", "Finance", "master"))
    shell = h.spawn(
        st["sqlagent"],
        "powershell",
        f'"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -File "D:\\Scripts\\Backup-Database.ps1" -Database {database}',
        at,
    )
    path = f"D:\\SQLBackup\\{database}_{at // (86_400 * SECOND)}.bak"
    h.emit.file(
        h.dev,
        at + 2 * MINUTE,
        st["sqlservr"],
        "FileCreated",
        path,
        size=int(2e8 * (0.1 + rng.random())),
    )
    h.emit.event(
        h.dev,
        at + SECOND,
        shell,
        "PowerShellCommand",
        AdditionalFields=compact_json({"Command": "Backup-SqlDatabase"}),
    )


def backup(h: WindowsHost, at: int) -> None:
    """The backup service account at work: benign wbadmin and vssadmin use."""
    st = h.state(at)
    rng = h.rng
    accounts = [u for u in h.ctx_services() if "backup" in u.name] or h.ctx_services()
    if not accounts:
        return
    account = accounts[0]
    task = h.spawn(
        st["schedule"],
        "cmd",
        'C:\\Windows\\system32\\cmd.exe /c "C:\\Scripts\\nightly-backup.cmd"',
        at,
        account=account,
        integrity="High",
        elevation="TokenElevationTypeFull",
        logon_id=h.logon_id(),
    )
    files = h.ctx.role("srv-file")
    target = files[-1].short if files else "backup01"
    if rng.random() < 0.5:
        h.spawn(
            task,
            "wbadmin",
            f"wbadmin  start backup -backupTarget:\\\\{target}\\Backups -include:C: -allCritical -quiet",
            at + SECOND,
        )
    else:
        h.spawn(task, "vssadmin", "vssadmin  list shadows", at + SECOND)
    connect(
        h,
        at + 2 * SECOND,
        st["ntoskrnl"],
        net.Service(target, (files[-1].local_ip if files else "10.10.200.9",), 445),
        url=False,
    )


def web(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    if "w3wp" not in st.procs:
        return
    rng = h.rng
    if rng.random() < 0.3:
        h.spawn(
            st["w3wp"],
            "csc",
            f'"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe" /noconfig /fullpaths @"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\{guid(h)[:8]}\\{guid(h)[:8]}\\{guid(h)[:8]}.cmdline"',
            at,
        )
    day = (at // (86_400 * SECOND)) % 100
    h.emit.file(
        h.dev,
        at,
        st["ntoskrnl"],
        "FileModified",
        f"C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex2506{day:02d}.log",
        size=int(rng.random() * 5e7),
    )
    sqls = h.ctx.role("srv-sql")
    if sqls:
        to_device(h, at + SECOND, st["w3wp"], sqls[int(rng.random() * len(sqls))], 1433)


def dc_replication(h: WindowsHost, at: int) -> None:
    st = h.state(at)
    if h.rng.random() < 0.15:
        size = 4_000_000_000 + int(h.rng.random() * 1e9)
        h.emit.file(
            h.dev, at, st["lsass"], "FileModified", "C:\\Windows\\NTDS\\ntds.dit", size=size
        )
    others = [d for d in h.ctx.role("srv-dc") if d is not h.dev]
    if not others:
        return
    peer = others[int(h.rng.random() * len(others))]
    to_device(h, at, st["dfsrs"], peer, 5722)
    to_device(h, at + SECOND, st["lsass"], peer, 135)


def activities(h: WindowsHost) -> list[Activity]:
    role = h.dev.role
    table: list[Activity] = [
        (14, 4.0, lambda at: inbound(h, at)),
        (2, 9.0, lambda at: admin_session(h, at)),
        (2, 1.0, lambda at: service_logons(h, at)),
        (1, 5.0, lambda at: winrm(h, at)),
    ]
    if role == "srv-sql":
        table.append((3, 3.0, lambda at: sql_job(h, at)))
    if role in ("srv-file", "srv-sql") or "Backup" in h.dev.tags:
        table.append((1, 3.0, lambda at: backup(h, at)))
    if role in ("srv-web", "srv-exch", "srv-app"):
        table.append((5, 3.0, lambda at: web(h, at)))
    if role == "srv-dc":
        table.append((3, 2.0, lambda at: dc_replication(h, at)))
    return table
