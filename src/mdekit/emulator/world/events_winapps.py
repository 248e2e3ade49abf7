# ruff: noqa: E501  (command lines, paths and URLs are data)
"""What people do on Windows workstations: browse, work in Office, Outlook and Teams,
sync OneDrive, open a console now and then, develop, plug in USB drives.

Apps run under the signed-in user's explorer and are reused for the rest of the day,
as real users keep their browser open; downloads go through the browser's temporary
`.crdownload` name and carry their origin URL, as the sensor reports them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mdekit.emulator.world import catalog_network as net
from mdekit.emulator.world.events_device import compact_json
from mdekit.emulator.world.events_procs import HOUR, MINUTE, SECOND, Proc, file_hashes
from mdekit.emulator.world.events_winsys import connect, connect_any, encoded, guid

if TYPE_CHECKING:
    from mdekit.emulator.world.events_host import Activity
    from mdekit.emulator.world.events_windows import Desktop, WindowsHost

BROWSERS = {
    "chrome": '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" ',
    "msedge": '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --profile-directory=Default',
    "firefox": '"C:\\Program Files\\Mozilla Firefox\\firefox.exe" ',
}
DOWNLOADS = (
    # (file name, origin URL, size, file type)
    (
        "Invoice_2024_11.pdf",
        "https://{org}.sharepoint.com/sites/finance/Shared%20Documents/Invoice_2024_11.pdf",
        182_331,
        "Pdf",
    ),
    (
        "ZoomInstallerFull.exe",
        "https://zoom.us/client/6.2.11.52/ZoomInstallerFull.exe",
        92_448_112,
        "PortableExecutable",
    ),
    (
        "ChromeSetup.exe",
        "https://dl.google.com/tag/s/appguid/chrome/install/ChromeSetup.exe",
        1_358_552,
        "PortableExecutable",
    ),
    (
        "npp.8.7.1.Installer.x64.exe",
        "https://github.com/notepad-plus-plus/notepad-plus-plus/releases/download/v8.7.1/npp.8.7.1.Installer.x64.exe",
        5_914_552,
        "PortableExecutable",
    ),
    ("Q3_results.xlsx", "https://{org}-my.sharepoint.com/personal/Q3_results.xlsx", 77_804, "Xlsx"),
    (
        "meeting_notes.docx",
        "https://{org}-my.sharepoint.com/personal/meeting_notes.docx",
        41_200,
        "Docx",
    ),
    ("brochure.pdf", "https://www.salesforce.com/content/dam/brochure.pdf", 2_203_113, "Pdf"),
    ("photos.zip", "https://www.dropbox.com/s/photos.zip?dl=1", 38_004_812, "Zip"),
    ("7z2408-x64.exe", "https://www.7-zip.org/a/7z2408-x64.exe", 1_634_464, "PortableExecutable"),
    (
        "Teams_windows_x64.msi",
        "https://statics.teams.cdn.office.net/production-windows-x64/Teams_windows_x64.msi",
        141_434_880,
        "Msi",
    ),
    (
        "AcroRdrDCx642400420272_en_US.exe",
        "https://ardownload2.adobe.com/pub/adobe/acrobat/win/AcrobatDC/AcroRdrDCx642400420272_en_US.exe",
        356_227_664,
        "PortableExecutable",
    ),
    (
        "ubuntu-24.04.1-desktop-amd64.iso",
        "https://releases.ubuntu.com/24.04.1/ubuntu-24.04.1-desktop-amd64.iso",
        6_114_656_256,
        "Iso",
    ),
)
DOCUMENTS = (
    "Project plan.docx",
    "Budget 2025.xlsx",
    "Quarterly review.pptx",
    "Team roster.xlsx",
    "Vendor contract.docx",
    "Roadmap.pptx",
    "Expenses.xlsx",
    "Minutes.docx",
)
OFFICE_APPS = {".docx": "winword", ".xlsx": "excel", ".pptx": "powerpnt"}
SHELL_COMMANDS = (
    ("ipconfig", "ipconfig  /all"),
    ("ipconfig", "ipconfig /flushdns"),
    ("ping", "ping  -n 4 {fileserver}"),
    ("nslookup", "nslookup  {fileserver}"),
    ("whoami", "whoami"),
    ("net", "net  use Z: \\\\{fileserver}\\Shared /persistent:yes"),
    ("gpupdate", "gpupdate  /force"),
    ("tasklist", "tasklist"),
    ("systeminfo", "systeminfo"),
    ("hostname", "hostname"),
)
IT_COMMANDS = (
    ("net", "net  user {user} /domain"),
    ("net", "net  localgroup administrators"),
    ("whoami", "whoami  /groups"),
    ("nltest", "nltest  /dsgetdc:{domain}"),
    ("netsh", "netsh  wlan show interfaces"),
    ("curl", "curl  -I https://www.microsoft.com"),
    ("wmic", "wmic  qfe list brief"),
)
RUN_MRU = (
    "cmd\\1",
    "notepad\\1",
    "mstsc\\1",
    "\\\\{fileserver}\\Shared\\1",
    "control\\1",
    "%temp%\\1",
    "services.msc\\1",
    "excel\\1",
)
USB_DEVICES = (
    (
        "DiskDrive",
        "SanDisk Ultra USB Device",
        "USBSTOR\\DISK&VEN_SANDISK&PROD_ULTRA&REV_1.00\\4C530001230511112233&0",
        "USBSTOR\\DiskSanDisk_Ultra___________1.00",
    ),
    (
        "DiskDrive",
        "Kingston DataTraveler 3.0 USB Device",
        "USBSTOR\\DISK&VEN_KINGSTON&PROD_DATATRAVELER_3.0&REV_PMAP\\60A44C3FAE7BB1B0B9A70178&0",
        "USBSTOR\\DiskKingstonDataTraveler_3.0PMAP",
    ),
    (
        "USB",
        "Apple Mobile Device USB Composite Device (iPhone)",
        "USB\\VID_05AC&PID_12A8\\00008110001A2B3C4D5E6F7A",
        "USB\\VID_05AC&PID_12A8",
    ),
    (
        "HIDClass",
        "USB Input Device",
        "USB\\VID_046D&PID_C52B&MI_00\\7&2A1B3C4D&0&0000",
        "USB\\VID_046D&PID_C52B",
    ),
    (
        "Image",
        "Logitech BRIO",
        "USB\\VID_046D&PID_085E&MI_00\\7&1F2E3D4C&0&0000",
        "USB\\VID_046D&PID_085E",
    ),
)


def _desktop(h: WindowsHost, at: int) -> Desktop | None:
    desk = h.state(at).desktop
    if desk is None or desk.explorer.created > at:
        return None
    return desk


def app(h: WindowsHost, desk: Desktop, key: str, cmd: str, at: int) -> Proc:
    """The user's running instance of an app, or a new one started from explorer."""
    proc = desk.running.get(key)
    if proc is not None and proc.created <= at < proc.created + 9 * HOUR:
        return proc
    proc = h.spawn(desk.explorer, key, cmd, at)
    desk.running[key] = proc
    return proc


def user_path(desk: Desktop, *parts: str) -> str:
    return "\\".join(("C:\\Users", desk.account.name, *parts))


def onedrive_dir(h: WindowsHost, desk: Desktop) -> str:
    return user_path(desk, f"OneDrive - {h.ctx.org.capitalize()}")


def startup(h: WindowsHost, desk: Desktop, at: int) -> None:
    """Apps the user's Run keys start at sign-in."""
    user = desk.account.name
    desk.running["onedrive"] = h.spawn(
        desk.explorer,
        "onedrive",
        f'"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background',
        at,
    )
    desk.running["teams"] = h.spawn(
        desk.explorer,
        "teams",
        '"C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe" msteams:system-initiated',
        at + 4 * SECOND,
    )


def browser_key(h: WindowsHost) -> str:
    roll = (int(h.dev.id[:6], 16) % 100) / 100
    return "chrome" if roll < 0.55 else "msedge" if roll < 0.95 else "firefox"


def browse(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    key = browser_key(h)
    browser = app(h, desk, key, BROWSERS[key], at)
    sites: tuple[net.Service, ...] = net.WEB + net.EDGE_CHROME + net.OFFICE[:2]
    if desk.account.kind == "admin" or "Developer" in h.dev.tags:
        sites += net.SECURITY_RESEARCH + net.DEVELOPER[:3]
    at = connect_any(h, at, browser, sites, 2 + int(rng.random() * 4))
    roll = rng.random()
    if roll < 0.15 and key != "firefox":
        image = h.image(key)
        h.spawn(
            browser,
            key,
            f'"{image.path}" --type=renderer --string-annotations --no-pre-read-main-dll --lang=en-US --device-scale-factor=1 --num-raster-threads=4 --enable-main-frame-before-activation --renderer-client-id={int(rng.random() * 90) + 5} --time-ticks-at-unix-epoch=-1733000000000000 --launch-time-ticks={int(rng.random() * 9e11)} --field-trial-handle=2124,i,{rng.getrandbits(60)},{rng.getrandbits(60)},262144 /prefetch:1',
            at + SECOND,
        )
    elif roll < 0.27:
        download(h, desk, browser, at + 5 * SECOND)
    elif roll < 0.31:
        smartscreen(h, browser, at)
    elif roll < 0.35:
        extension_update(h, desk, browser, at)
    elif roll < 0.37 and key != "firefox":
        # A native messaging host (password manager, SSO helper) runs through cmd.exe.
        host = rng.choice(NATIVE_HOSTS)
        h.spawn(
            browser,
            "cmd",
            f'C:\\Windows\\system32\\cmd.exe /d /c "{host}" chrome-extension://{EXTENSION_IDS[0]}/ --parent-window=0 < \\\\.\\pipe\\chrome.nativeMessaging.in.{rng.getrandbits(64):x} > \\\\.\\pipe\\chrome.nativeMessaging.out.{rng.getrandbits(64):x}',
            at + SECOND,
        )


NATIVE_HOSTS = (
    "C:\\Program Files\\1Password\\app\\8\\1Password-BrowserSupport.bat",
    "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\native-host.bat",
    "C:\\Program Files\\Bitwarden\\resources\\native-messaging.bat",
)
EXTENSION_IDS = (
    "aeblfdkhhhdcdjpifhhbejegchfcmjmo",
    "cjpalhdlnbpafiamejdnhcphjbkeiagm",
    "efaidnbmnnnibpcajpcglclefindmkaj",
    "ghbmnnjooekpmoecnnnilnnbdlolhkhi",
)


def smartscreen(h: WindowsHost, browser: Proc, at: int) -> None:
    """A SmartScreen (Edge) or network protection (other browsers) warning; some users
    click through."""
    rng = h.rng
    url = f"https://{rng.choice(('login-verify', 'secure-docs', 'account-update', 'free-pdf-tools'))}.example.com/{guid(h)[:8]}"
    if browser.image.key != "msedge":
        fields = {
            "ResponseCategory": rng.choice(("Malicious", "Phishing", "CustomPolicy")),
            "DisplayName": url.split("/")[2],
            "IsAudit": True,
        }
        h.emit.event(
            h.dev,
            at,
            browser,
            "ExploitGuardNetworkProtectionAudited",
            RemoteUrl=url,
            AdditionalFields=compact_json(fields),
        )
        return
    warn = rng.choice(("Phishing", "Malicious", "Untrusted"))
    h.emit.event(
        h.dev,
        at,
        browser,
        "SmartScreenUrlWarning",
        RemoteUrl=url,
        AdditionalFields=compact_json({"Experience": warn}),
    )
    if rng.random() < 0.35:
        h.emit.event(
            h.dev,
            at + 20 * SECOND,
            browser,
            "SmartScreenUserOverride",
            RemoteUrl=url,
            AdditionalFields=compact_json({"Experience": warn}),
        )


def extension_update(h: WindowsHost, desk: Desktop, browser: Proc, at: int) -> None:
    """The browser updates an extension: files under the profile's Extensions folder."""
    rng = h.rng
    folder = "Google\\Chrome" if browser.image.key == "chrome" else "Microsoft\\Edge"
    extension = EXTENSION_IDS[int(rng.random() * len(EXTENSION_IDS))]
    base = user_path(
        desk,
        "AppData",
        "Local",
        folder,
        "User Data",
        "Default",
        "Extensions",
        extension,
        f"{1 + int(rng.random() * 30)}.{int(rng.random() * 9)}.0_0",
    )
    for name in ("manifest.json", "background.js"):
        h.emit.file(
            h.dev,
            at,
            browser,
            "FileCreated",
            f"{base}\\{name}",
            size=2_000 + int(rng.random() * 90_000),
        )


def download(h: WindowsHost, desk: Desktop, browser: Proc, at: int) -> None:
    rng = h.rng
    name, url, size, kind = DOWNLOADS[int(rng.random() * len(DOWNLOADS))]
    url = url.replace("{org}", h.ctx.org)
    host = url.split("/")[2]
    hashes = file_hashes("download", name, size)
    path = user_path(desk, "Downloads", name)
    referrer = f"https://{host}/"
    temp = (
        path + ".crdownload"
        if browser.image.key == "chrome"
        else path[:-4] + f".{guid(h)[:8]}.partial"
    )
    h.emit.file(
        h.dev,
        at,
        browser,
        "FileCreated",
        temp,
        origin_url=url,
        referrer=referrer,
        origin_ip="13.107.136.10",
    )
    h.emit.file(
        h.dev,
        at + 3 * SECOND,
        browser,
        "FileRenamed",
        path,
        hashes=hashes,
        size=size,
        origin_url=url,
        referrer=referrer,
        previous_path=temp,
        additional=compact_json({"FileType": kind}),
    )


def office(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    name = DOCUMENTS[int(rng.random() * len(DOCUMENTS))]
    key = OFFICE_APPS[name[name.rfind(".") :]]
    path = f"{onedrive_dir(h, desk)}\\Documents\\{name}"
    image = h.image(key)
    proc = app(h, desk, key, f'"{image.path}" /n "{path}" /o ""', at)
    connect_any(h, at + 2 * SECOND, proc, net.OFFICE, 1 + int(rng.random() * 2))
    saved = h.minutes(at, 2, 40)
    h.emit.file(
        h.dev,
        saved,
        proc,
        "FileModified",
        path,
        hashes=file_hashes("doc", path, saved // HOUR),
        size=20_000 + int(rng.random() * 2_000_000),
    )
    if rng.random() < 0.35:
        sid = desk.account.sid
        org = h.ctx.org
        h.emit.registry(
            h.dev,
            at + 3 * SECOND,
            proc,
            "RegistryValueSet",
            f"HKEY_CURRENT_USER\\{sid}\\SOFTWARE\\Microsoft\\Office\\16.0\\Common\\Internet\\Server Cache\\https://{org}-my.sharepoint.com/personal/{desk.account.name}_{org}_com/Documents/",
            "Expiration",
            "Binary",
            "A0F1C2D3E4F50607",
        )


def outlook(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    proc = app(
        h,
        desk,
        "outlook",
        '"C:\\Program Files\\Microsoft Office\\Root\\Office16\\OUTLOOK.EXE" ',
        at,
    )
    connect(h, at, proc, net.OFFICE[0])
    roll = rng.random()
    if roll < 0.25:
        url = rng.choice(
            (
                f"https://{h.ctx.org}.sharepoint.com/sites/intranet/SitePages/News.aspx",
                "https://teams.microsoft.com/l/meetup-join/19%3ameeting",
                "https://zoom.us/j/93451234567",
                "https://www.linkedin.com/feed/",
            )
        )
        h.emit.event(h.dev, at + 30 * SECOND, proc, "BrowserLaunchedToOpenUrl", RemoteUrl=url)
    elif roll < 0.4:
        name = rng.choice(("Invoice.pdf", "Agenda.docx", "Report.xlsx", "scan_0042.pdf"))
        folder = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(8))
        path = user_path(
            desk,
            "AppData",
            "Local",
            "Microsoft",
            "Windows",
            "INetCache",
            "Content.Outlook",
            folder,
            name,
        )
        h.emit.file(
            h.dev,
            at + MINUTE,
            proc,
            "FileCreated",
            path,
            hashes=file_hashes("attachment", name, at // HOUR),
            size=30_000 + int(rng.random() * 500_000),
        )


def teams(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    proc = app(
        h,
        desk,
        "teams",
        '"C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe" ',
        at,
    )
    at = connect_any(h, at, proc, net.TEAMS, 1 + int(h.rng.random() * 2))
    if h.rng.random() < 0.2:
        h.spawn(
            proc,
            "msedgewebview2",
            '"C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\131.0.2903.70\\msedgewebview2.exe" --embedded-browser-webview=1 --webview-exe-name=ms-teams.exe --user-data-dir="C:\\Users\\'
            + desk.account.name
            + '\\AppData\\Local\\Packages\\MSTeams_8wekyb3d8bbwe\\LocalCache\\Microsoft\\MSTeams\\EBWebView" --noerrdialogs',
            at,
        )


def onedrive(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    proc = app(
        h,
        desk,
        "onedrive",
        f'"C:\\Users\\{desk.account.name}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background',
        at,
    )
    connect(h, at, proc, net.ONEDRIVE[int(rng.random() * 2)])
    name = rng.choice(DOCUMENTS)
    path = f"{onedrive_dir(h, desk)}\\{rng.choice(('Documents', 'Shared', 'Desktop'))}\\{name}"
    action = "FileCreated" if rng.random() < 0.3 else "FileModified"
    h.emit.file(
        h.dev,
        at + 10 * SECOND,
        proc,
        action,
        path,
        hashes=file_hashes("doc", path, at // HOUR),
        size=15_000 + int(rng.random() * 900_000),
    )


def shell(h: WindowsHost, at: int) -> None:
    """The user opens a console and runs a command or two (more of them for IT staff)."""
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    values = {"fileserver": _file_server(h), "user": desk.account.name, "domain": h.ctx.domain}
    it = desk.account.kind == "admin" or "Developer" in h.dev.tags
    pool = SHELL_COMMANDS + IT_COMMANDS if it else SHELL_COMMANDS
    if rng.random() < 0.6:
        console = h.spawn(desk.explorer, "cmd", '"C:\\Windows\\system32\\cmd.exe" ', at)
    else:
        console = h.spawn(
            desk.explorer,
            "powershell",
            '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" ',
            at,
        )
        h.emit.image_load(h.dev, at + SECOND, console, h.image("amsi"))
    h.spawn(
        console,
        "conhost",
        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
        at + SECOND // 10,
    )
    for _ in range(1 + int(rng.random() * 2)):
        at += int((5 + rng.random() * 60) * SECOND)
        key, template = pool[int(rng.random() * len(pool))]
        h.spawn(console, key, template.format(**values), at)
    if it and rng.random() < 0.08:
        admin = f"adm-{desk.account.name}"
        h.spawn(
            console,
            "runas",
            f"runas  /user:{h.ctx.netbios}\\{admin} /savecred mmc.exe",
            at + SECOND,
        )
    if rng.random() < 0.3:
        letter = "abcdefghij"[int(rng.random() * 10)]
        h.emit.registry(
            h.dev,
            at,
            desk.explorer,
            "RegistryValueSet",
            f"HKEY_CURRENT_USER\\{desk.account.sid}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RunMRU",
            letter,
            "String",
            rng.choice(RUN_MRU).format(**values),
        )


def _file_server(h: WindowsHost) -> str:
    servers = h.ctx.role("srv-file")
    return servers[int(h.rng.random() * len(servers))].short if servers else "fileserver"


def unlock(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    st = h.state(at)
    if rng.random() < 0.12:
        h.emit.logon(
            h.dev,
            at - 20 * SECOND,
            st["lsass"],
            "LogonFailed",
            "Unlock",
            desk.account,
            protocol="Negotiate",
            failure="InvalidUserNameOrPassword",
            is_local_admin=False,
        )
    logon_type = (
        "Unlock"
        if rng.random() < 0.7
        else "CachedInteractive"
        if rng.random() < 0.3
        else "Interactive"
    )
    h.emit.logon(
        h.dev,
        at,
        st["lsass"],
        "LogonSuccess",
        logon_type,
        desk.account,
        protocol="Negotiate",
        is_local_admin=False,
        logon_id=desk.logon_id,
        additional=compact_json({"IsLocalLogon": True}),
    )


def developer(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    user = desk.account.name
    repo = rng.choice(
        ("payments-api", "web-portal", "infra-scripts", "data-pipeline", "mobile-app")
    )
    code = app(
        h,
        desk,
        "code",
        f'"C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe" ',
        at,
    )
    roll = rng.random()
    if roll < 0.35:
        git = h.spawn(
            code,
            "git",
            rng.choice(
                (
                    f'"C:\\Program Files\\Git\\cmd\\git.exe" clone https://github.com/{h.ctx.org}/{repo}.git',
                    '"C:\\Program Files\\Git\\cmd\\git.exe" pull --tags origin main',
                    '"C:\\Program Files\\Git\\cmd\\git.exe" fetch --all --prune',
                )
            ),
            at + 2 * SECOND,
        )
        connect(h, at + 3 * SECOND, git, net.DEVELOPER[0])
    elif roll < 0.6:
        py = h.spawn(
            code,
            "python",
            f'"C:\\Users\\{user}\\AppData\\Local\\Programs\\Python\\Python312\\python.exe" -m pip install {rng.choice(("requests", "pandas", "azure-identity", "pytest", "boto3"))}',
            at + 2 * SECOND,
        )
        connect_any(h, at + 3 * SECOND, py, net.DEVELOPER[3:5], 2)
    elif roll < 0.75:
        node = h.spawn(
            code,
            "node",
            '"C:\\Program Files\\nodejs\\node.exe" "C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js" install',
            at + 2 * SECOND,
        )
        connect(h, at + 3 * SECOND, node, net.DEVELOPER[5])
    elif roll < 0.82:
        fetch = h.spawn(
            desk.explorer,
            "powershell",
            f'"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -Command "Invoke-WebRequest -Uri https://github.com/{h.ctx.org}/{repo}/releases/latest/download/tool.zip -OutFile tool.zip"',
            at,
        )
        connect(h, at + 2 * SECOND, fetch, net.DEVELOPER[0])
        connect(h, at + 3 * SECOND, fetch, net.DEVELOPER[2])
    elif roll < 0.9:
        console = h.spawn(desk.explorer, "cmd", '"C:\\Windows\\system32\\cmd.exe" ', at)
        target = rng.choice(
            (
                "https://github.com/cli/cli/releases/download/v2.62.0/gh_2.62.0_windows_amd64.zip",
                "https://api.github.com/repos/microsoft/vscode/releases/latest",
                "https://pypi.org/simple/requests/",
            )
        )
        curl = h.spawn(console, "curl", f"curl  -L -O {target}", at + 10 * SECOND)
        connect(h, at + 11 * SECOND, curl, net.DEVELOPER[int(rng.random() * 4)])
    elif roll < 0.94:
        h.spawn(desk.explorer, "wsl", '"C:\\Windows\\system32\\wsl.exe" -d Ubuntu', at)
    else:
        build = h.spawn(
            code,
            "msbuild_vs",
            f'"C:\\Program Files\\Microsoft Visual Studio\\2022\\Professional\\MSBuild\\Current\\Bin\\MSBuild.exe" {repo}.sln /t:Build /p:Configuration=Release',
            at + 2 * SECOND,
        )
        server = h.spawn(
            code,
            "node",
            '"C:\\Program Files\\nodejs\\node.exe" server.js --port 3000',
            at + 30 * SECOND,
        )
        h.emit.network(
            h.dev,
            at + 31 * SECOND,
            server,
            "ListeningConnectionCreated",
            None,
            None,
            local_ip="127.0.0.1",
            local_port=3000,
        )
        h.emit.network(
            h.dev,
            at + 40 * SECOND,
            code,
            "ConnectionSuccess",
            "127.0.0.1",
            3000,
            None,
            local_ip="127.0.0.1",
        )
        del build


def file_work(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    explorer = desk.explorer
    name = rng.choice(DOCUMENTS)
    roll = rng.random()
    if roll < 0.4:
        path = user_path(desk, "Documents", name)
        h.emit.file(
            h.dev,
            at,
            explorer,
            "FileCreated",
            path,
            hashes=file_hashes("doc", path, at // HOUR),
            size=10_000 + int(rng.random() * 400_000),
        )
    elif roll < 0.65:
        archive = user_path(desk, "Downloads", "photos.zip")
        seven = h.spawn(
            explorer,
            "7zg",
            f'"C:\\Program Files\\7-Zip\\7zG.exe" x -o"{archive[:-4]}\\" -spe -an -ai#7zMap{int(rng.random() * 30000)}:48:7zEvent{int(rng.random() * 30000)}',
            at,
        )
        for index in range(1 + int(rng.random() * 3)):
            path = f"{archive[:-4]}\\IMG_{4000 + int(rng.random() * 5000)}.jpg"
            h.emit.file(
                h.dev,
                at + index * SECOND,
                seven,
                "FileCreated",
                path,
                size=1_000_000 + int(rng.random() * 4_000_000),
            )
    elif roll < 0.8:
        link = user_path(desk, "Desktop", name.rsplit(".", 1)[0] + ".lnk")
        h.emit.event(
            h.dev,
            at,
            explorer,
            "ShellLinkCreateFileEvent",
            FileName=link.rsplit("\\", 1)[1],
            FolderPath=link,
            AdditionalFields=compact_json(
                {
                    "ShellLinkIconPath": "",
                    "ShellLinkWorkingDirectory": user_path(desk, "Documents"),
                    "ShellLinkCommandLine": "",
                }
            ),
        )
    else:
        old = user_path(desk, "Documents", name)
        new = user_path(desk, "Documents", "Archive", name)
        h.emit.file(
            h.dev,
            at,
            explorer,
            "FileRenamed",
            new,
            previous_path=old,
            size=50_000 + int(rng.random() * 100_000),
        )


def usb(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    klass, description, device_id, vendor = USB_DEVICES[int(rng.random() * len(USB_DEVICES))]
    st = h.state(at)
    h.emit.event(
        h.dev,
        at,
        st["ntoskrnl"],
        "PnpDeviceConnected",
        AdditionalFields=compact_json(
            {
                "ClassName": klass,
                "DeviceDescription": description,
                "DeviceId": device_id,
                "VendorIds": vendor,
            }
        ),
    )
    if klass == "DiskDrive":
        h.emit.event(
            h.dev,
            at + 2 * SECOND,
            st["ntoskrnl"],
            "UsbDriveMounted",
            AdditionalFields=compact_json(
                {
                    "DriveLetter": "E:",
                    "ProductName": description.split(" USB")[0],
                    "Manufacturer": description.split()[0],
                    "SerialNumber": device_id.rsplit("\\", 1)[1][:-2],
                    "Volume": "\\\\?\\Volume{" + guid(h) + "}\\",
                }
            ),
        )
        name = rng.choice(DOCUMENTS)
        h.emit.file(
            h.dev,
            at + MINUTE,
            desk.explorer,
            "FileCreated",
            f"E:\\{name}",
            size=20_000 + int(rng.random() * 300_000),
        )


def asr_audit(h: WindowsHost, at: int) -> None:
    desk = _desktop(h, at)
    if desk is None:
        return
    rng = h.rng
    if rng.random() < 0.5:
        name, _, size, _ = DOWNLOADS[int(rng.random() * len(DOWNLOADS))]
        if not name.endswith(".exe"):
            return
        path = user_path(desk, "Downloads", name)
        sha1, sha256, md5 = file_hashes("download", name, size)
        h.emit.event(
            h.dev,
            at,
            desk.explorer,
            "AsrUntrustedExecutableAudited",
            FileName=name,
            FolderPath=path,
            SHA1=sha1,
            SHA256=sha256,
            MD5=md5,
            FileSize=size,
            AdditionalFields=compact_json({"IsAudit": True}),
        )
    else:
        excel = app(
            h,
            desk,
            "excel",
            '"C:\\Program Files\\Microsoft Office\\Root\\Office16\\EXCEL.EXE" ',
            at,
        )
        h.emit.image_load(h.dev, at, excel, h.image("vbe7"))
        h.emit.event(
            h.dev,
            at + SECOND,
            excel,
            "AsrOfficeMacroWin32ApiCallsAudited",
            FileName="Budget 2025.xlsm",
            FolderPath=f"{onedrive_dir(h, desk)}\\Documents\\Budget 2025.xlsm",
            AdditionalFields=compact_json({"IsAudit": True}),
        )


def remote_support(h: WindowsHost, at: int) -> None:
    """The helpdesk connects with TeamViewer to help the user."""
    desk = _desktop(h, at)
    if desk is None:
        return
    viewer = h.spawn(
        desk.explorer, "teamviewer", '"C:\\Program Files\\TeamViewer\\TeamViewer.exe" ', at
    )
    number = 1 + int(h.rng.random() * 16)
    h.emit.network(
        h.dev,
        at + 2 * SECOND,
        viewer,
        "ConnectionSuccess",
        f"217.146.{number}.{10 + number}",
        5938,
        f"router{number}.teamviewer.com",
    )
    h.emit.network(
        h.dev,
        at + 3 * SECOND,
        viewer,
        "ConnectionSuccess",
        "213.227.173.72",
        443,
        "client.teamviewer.com",
    )


def encoded_helper(h: WindowsHost, at: int) -> None:
    """A helpdesk tool that runs PowerShell with -EncodedCommand: benign, and noisy."""
    desk = _desktop(h, at)
    if desk is None:
        return
    command = h.rng.choice(
        (
            "Get-Printer | Select-Object Name, DriverName",
            "Get-NetAdapter | Where-Object Status -eq 'Up'",
            "Get-ChildItem Env: | Out-String",
        )
    )
    shell = h.spawn(
        desk.explorer,
        "powershell",
        f'"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -WindowStyle Hidden -EncodedCommand {encoded(command)}',
        at,
    )
    h.emit.event(
        h.dev,
        at + SECOND,
        shell,
        "PowerShellCommand",
        AdditionalFields=compact_json({"Command": command.split()[0]}),
    )


def ACTIVITIES(h: WindowsHost) -> list[Activity]:
    table: list[Activity] = [
        (16, 6.0, lambda at: browse(h, at)),
        (6, 4.0, lambda at: office(h, at)),
        (6, 2.5, lambda at: outlook(h, at)),
        (4, 3.0, lambda at: teams(h, at)),
        (3, 2.5, lambda at: onedrive(h, at)),
        (3, 4.0, lambda at: shell(h, at)),
        (3, 1.3, lambda at: unlock(h, at)),
        (2, 2.5, lambda at: file_work(h, at)),
        (0.3, 3.0, lambda at: usb(h, at)),
        (0.6, 2.0, lambda at: asr_audit(h, at)),
        (0.3, 2.0, lambda at: encoded_helper(h, at)),
        (0.25, 3.0, lambda at: remote_support(h, at)),
    ]
    if "Developer" in h.dev.tags or h.dev.group == "Workstations - Engineering":
        table.append((8, 4.0, lambda at: developer(h, at)))
    return table
