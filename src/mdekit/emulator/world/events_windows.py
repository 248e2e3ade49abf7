# ruff: noqa: E501, S104  (command lines and listening sockets are data)
"""Windows devices: the process tree of a boot, user sessions, and the activity table.

A boot starts the chain every Windows sensor reports (smss, csrss, wininit, services,
lsass, the svchost groups, Defender and the MDE sensor, role services such as SQL Server,
IIS or the domain controller's services) with their real command lines, and opens the
listening ports of the device's role. On workstations the primary user signs in a few
minutes after the boot (winlogon, userinit, explorer); everything the user starts later
descends from that explorer. The activities themselves live in `events_winapps` (users)
and `events_winsys` (system and servers)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mdekit.emulator.world import events_winapps as apps
from mdekit.emulator.world import events_winsys as system
from mdekit.emulator.world.events_device import Device
from mdekit.emulator.world.events_host import Activity, Context, Host
from mdekit.emulator.world.events_procs import (
    LOCAL_SERVICE,
    MINUTE,
    NETWORK_SERVICE,
    SECOND,
    SYSTEM,
    SYSTEM_LOGON_IDS,
    Account,
    Proc,
)

SYSTEM_INTEGRITY = ("System", "TokenElevationTypeDefault")
USER_INTEGRITY = ("Medium", "TokenElevationTypeLimited")
ADMIN_INTEGRITY = ("High", "TokenElevationTypeFull")

SVCHOST_GROUPS = (
    # (key, command line, account)
    ("dcom", "svchost.exe -k DcomLaunch -p", SYSTEM),
    ("rpcss", "svchost.exe -k RPCSS -p", NETWORK_SERVICE),
    ("schedule", "svchost.exe -k netsvcs -p -s Schedule", SYSTEM),
    ("wmi", "svchost.exe -k netsvcs -p -s Winmgmt", SYSTEM),
    (
        "dhcp",
        "svchost.exe -k LocalServiceNetworkRestricted -p -s Dhcp",
        LOCAL_SERVICE,
    ),
    (
        "dnscache",
        "svchost.exe -k NetworkService -p -s Dnscache",
        NETWORK_SERVICE,
    ),
    ("wu", "svchost.exe -k netsvcs -p -s wuauserv", SYSTEM),
    ("bits", "svchost.exe -k netsvcs -p -s BITS", SYSTEM),
    ("uso", "svchost.exe -k netsvcs -p -s UsoSvc", SYSTEM),
    ("diagtrack", "svchost.exe -k utcsvc -p", SYSTEM),
    (
        "cryptsvc",
        "svchost.exe -k NetworkService -p -s CryptSvc",
        NETWORK_SERVICE,
    ),
    ("gpsvc", "svchost.exe -k netsvcs -p -s gpsvc", SYSTEM),
    (
        "lanman",
        "svchost.exe -k NetworkService -p -s LanmanWorkstation",
        NETWORK_SERVICE,
    ),
)
CLIENT_GROUPS = (
    ("cdp", "svchost.exe -k LocalService -p -s CDPSvc", LOCAL_SERVICE),
    ("dosvc", "svchost.exe -k NetworkService -p -s DoSvc", NETWORK_SERVICE),
)
SERVER_GROUPS = (
    ("termsvc", "svchost.exe -k termsvcs -s TermService", NETWORK_SERVICE),
    ("winrm", "svchost.exe -k NetworkService -p -s WinRM", NETWORK_SERVICE),
)
SQL_ACCOUNT = Account(
    "nt service", "mssqlserver", "S-1-5-80-3880718306-3832830129-1677859214-2598158968-1052248003"
)
APPPOOL = Account(
    "iis apppool", "defaultapppool", "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"
)
LISTEN_CLIENT = (
    ("ntoskrnl", 445),
    ("ntoskrnl", 139),
    ("rpcss", 135),
    ("cdp", 5040),
    ("dosvc", 7680),
)
LISTEN_SERVER = (
    ("ntoskrnl", 445),
    ("ntoskrnl", 139),
    ("rpcss", 135),
    ("termsvc", 3389),
    ("ntoskrnl", 5985),
)
LISTEN_ROLE = {
    "srv-dc": (
        ("lsass", 88),
        ("lsass", 389),
        ("lsass", 636),
        ("lsass", 3268),
        ("dns", 53),
        ("adws", 9389),
    ),
    "srv-sql": (("sqlservr", 1433), ("sqlservr", 1434)),
    "srv-web": (("ntoskrnl", 80), ("ntoskrnl", 443)),
    "srv-exch": (("ntoskrnl", 443), ("ntoskrnl", 80), ("ntoskrnl", 25)),
    "srv-app": (("ntoskrnl", 8080), ("ntoskrnl", 443)),
    "srv-rds": (),
    "srv-file": (),
}


@dataclass
class Desktop:
    """A signed-in user's session: the shell and what runs in it."""

    account: Account
    logon_id: int
    explorer: Proc
    winlogon: Proc
    running: dict[str, Proc] = field(default_factory=dict)


@dataclass
class WinBoot:
    """The always-running processes of one boot."""

    at: int
    procs: dict[str, Proc]
    desktop: Desktop | None = None

    def __getitem__(self, key: str) -> Proc:
        return self.procs[key]


class WindowsHost(Host[WinBoot]):
    """Generates one Windows device's events."""

    family = "windows"

    def __init__(self, ctx: Context, dev: Device) -> None:
        super().__init__(ctx, dev)
        self.user = dev.users[0] if dev.users else None
        self.workstation = dev.role == "workstation" or dev.role == "srv-rds"

    def logon_id(self) -> int:
        return 0x100000 + int(self.rng.random() * 0x7FF00000)

    def boot(self, at: int) -> WinBoot:
        rng = self.rng
        system_proc = Proc(
            self.image("ntoskrnl"),
            4,
            at,
            "",
            SYSTEM,
            None,
            logon_id=999,
            integrity="System",
            elevation="TokenElevationTypeDefault",
            session=0,
        )
        procs: dict[str, Proc] = {"ntoskrnl": system_proc}
        t = at + 2 * SECOND

        def start(key: str, parent: str, image: str, cmd: str, account: Account = SYSTEM) -> Proc:
            nonlocal t
            t += int((0.05 + rng.random() * 0.6) * SECOND)
            proc = self.spawn(
                procs[parent],
                image,
                cmd,
                t,
                account=account,
                logon_id=SYSTEM_LOGON_IDS.get(account.sid or "", 999),
            )
            procs[key] = proc
            return proc

        start("smss", "ntoskrnl", "smss", "\\SystemRoot\\System32\\smss.exe")
        start(
            "csrss",
            "smss",
            "csrss",
            "%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16",
        )
        start("wininit", "smss", "wininit", "wininit.exe")
        start("winlogon", "smss", "winlogon", "winlogon.exe")
        start("services", "wininit", "services", "C:\\Windows\\system32\\services.exe")
        start("lsass", "wininit", "lsass", "C:\\Windows\\system32\\lsass.exe")
        groups = SVCHOST_GROUPS + (SERVER_GROUPS if self.dev.is_server else CLIENT_GROUPS)
        for key, cmd, account in groups:
            start(key, "services", "svchost", cmd, account)
        start(
            "msmpeng",
            "services",
            "msmpeng",
            '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe"',
        )
        start(
            "nissrv",
            "services",
            "nissrv",
            '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\NisSrv.exe"',
            LOCAL_SERVICE,
        )
        start(
            "mssense",
            "services",
            "mssense",
            '"C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe"',
        )
        start(
            "sensecnc",
            "mssense",
            "sensecnc",
            '"C:\\Program Files\\Windows Defender Advanced Threat Protection\\SenseCncProxy.exe"',
        )
        start(
            "sensendr",
            "mssense",
            "sensendr",
            '"C:\\Program Files\\Windows Defender Advanced Threat Protection\\SenseNdr.exe"',
        )
        start("spoolsv", "services", "spoolsv", "C:\\Windows\\System32\\spoolsv.exe")
        start(
            "searchindexer",
            "services",
            "searchindexer",
            "C:\\Windows\\system32\\SearchIndexer.exe /Embedding",
        )
        start(
            "securityhealth",
            "services",
            "securityhealthservice",
            "C:\\Windows\\system32\\SecurityHealthService.exe",
        )
        self._role_services(start)
        for key, port in LISTEN_CLIENT if not self.dev.is_server else LISTEN_SERVER:
            self._listen(procs, key, port, t)
        for key, port in LISTEN_ROLE.get(self.dev.role, ()):
            self._listen(procs, key, port, t)
        state = WinBoot(at, procs)
        if self.dev.role == "workstation" and self.user is not None:
            state.desktop = self.sign_in(
                state, self.user, t + int((60 + rng.random() * 600) * SECOND), "Interactive"
            )
        return state

    def _role_services(self, start: system.Starter) -> None:
        dev, machine_managed = self.dev, self.dev.tags
        role = dev.role
        if role == "srv-dc":
            start("dns", "services", "dns", "C:\\Windows\\system32\\dns.exe")
            start(
                "adws",
                "services",
                "adws",
                "C:\\Windows\\ADWS\\Microsoft.ActiveDirectory.WebServices.exe",
            )
            start("dfsrs", "services", "dfsrs", "C:\\Windows\\system32\\DFSRs.exe")
        elif role == "srv-sql":
            start(
                "sqlservr",
                "services",
                "sqlservr",
                '"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe" -sMSSQLSERVER',
                SQL_ACCOUNT,
            )
            start(
                "sqlagent",
                "services",
                "sqlagent",
                '"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE" -i MSSQLSERVER',
                SQL_ACCOUNT,
            )
        elif role in ("srv-web", "srv-exch", "srv-app"):
            start("iis", "services", "svchost", "svchost.exe -k iissvcs")
            start(
                "w3wp",
                "iis",
                "w3wp",
                'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0" -l "webengine4.dll" -a \\\\.\\pipe\\iisipm5c2b7e1f-3c4d-4b8e-9a1f-2d3e4f5a6b7c -h "C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config" -w "" -m 0',
                APPPOOL,
            )
        if dev.is_server and "virtual" in machine_managed:
            start(
                "vmtoolsd",
                "services",
                "vmtoolsd",
                '"C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe"',
            )
        if "ConfigMgr" in machine_managed:
            start("ccmexec", "services", "ccmexec", "C:\\Windows\\CCM\\CcmExec.exe")
        if "Intune" in machine_managed:
            start(
                "intune",
                "services",
                "intune",
                '"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Microsoft.Management.Services.IntuneWindowsAgent.exe"',
            )

    def _listen(self, procs: dict[str, Proc], key: str, port: int, at: int) -> None:
        proc = procs.get(key)
        if proc is None or not self.live(at):
            return
        local = "0.0.0.0" if port not in (88, 389) else "::ffff:0.0.0.0"
        protocol = "Udp" if port in (53, 1434) else "Tcp"
        self.emit.network(
            self.dev,
            at,
            proc,
            "ListeningConnectionCreated",
            None,
            None,
            local_ip=local,
            local_port=port,
            protocol=protocol,
        )

    def sign_in(
        self,
        state: WinBoot,
        account: Account,
        at: int,
        logon_type: str,
        remote: tuple[str, str] | None = None,
    ) -> Desktop:
        """A user signs in: logon event, userinit and explorer (in a remote session for RDP)."""
        winlogon = state["winlogon"]
        logon_id = self.logon_id()
        admin = account.kind == "admin"
        if remote is not None:
            csrss = self.spawn(state["smss"], "csrss", state["csrss"].cmd, at - 3 * SECOND)
            winlogon = self.spawn(state["smss"], "winlogon", "winlogon.exe", at - 2 * SECOND)
            winlogon.session = csrss.session = 2 + int(self.rng.random() * 5)
            winlogon.remote = remote
        if self.live(at):
            self.emit.logon(
                self.dev,
                at,
                state["lsass"],
                "LogonSuccess",
                logon_type,
                account,
                protocol="Kerberos" if self.rng.random() < 0.8 else "Negotiate",
                is_local_admin=admin
                or (self.dev.role == "workstation" and self.rng.random() < 0.1),
                logon_id=logon_id,
                remote=(remote[0], remote[1], 0) if remote else (None, None, None),
                additional=system.logon_fields(logon_type),
            )
        integrity, elevation = ADMIN_INTEGRITY if admin else USER_INTEGRITY
        userinit = self.spawn(
            winlogon,
            "userinit",
            "C:\\Windows\\system32\\userinit.exe",
            at + 2 * SECOND,
            account=account,
            integrity=integrity,
            elevation=elevation,
            logon_id=logon_id,
        )
        explorer = self.spawn(userinit, "explorer", "C:\\Windows\\Explorer.EXE", at + 3 * SECOND)
        desktop = Desktop(account, logon_id, explorer, winlogon)
        if remote is None and self.dev.role == "workstation":
            apps.startup(self, desktop, at + 20 * SECOND)
        return desktop

    def activities(self) -> list[Activity]:
        role = self.dev.role
        table: list[Activity] = [
            (6, 3.0, lambda at: system.defender(self, at)),
            (5, 2.5, lambda at: system.sensor(self, at)),
            (4, 4.0, lambda at: system.updates(self, at)),
            (5, 2.5, lambda at: system.scheduled_task(self, at)),
            (2, 3.0, lambda at: system.management(self, at)),
            (4, 2.0, lambda at: system.domain_traffic(self, at)),
            (2, 2.0, lambda at: system.registry_noise(self, at)),
            (1, 1.5, lambda at: system.device_events(self, at)),
        ]
        if role == "workstation":
            table += apps.ACTIVITIES(self)
        else:
            table += system.server_activities(self)
        return table

    def minutes(self, at: int, low: float, high: float) -> int:
        return at + int((low + self.rng.random() * (high - low)) * MINUTE)
