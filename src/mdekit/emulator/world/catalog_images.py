# ruff: noqa: E501, S108  (data table: paths and descriptions are the data)
"""Data: executables and libraries the event generator starts and loads, with version info.

A binary's hashes come from its key, name and size exactly as in `entities.FileRegistry`,
so an image whose key is also in `catalog_files` (powershell, mimikatz...) has the same
SHA-1 in process events as in alert evidence and the File entity. Folders use "{user}"
for per-user installs. Version strings are those of current releases; descriptions and
original file names are what the files' version resources say."""

from __future__ import annotations

from dataclasses import dataclass

W = "windows"
L = "linux"
M = "macos"
MS = "Microsoft Corporation"
WIN = "Microsoft® Windows® Operating System"
WINVER = "10.0.22621.4391"
SYS32 = "C:\\Windows\\System32"


@dataclass(frozen=True)
class ImageSpec:
    """One executable or library: where it lives and what its version resource says."""

    key: str
    name: str
    folder: str
    size: int
    family: str = W
    company: str | None = MS
    product: str | None = WIN
    version: str | None = WINVER
    description: str | None = None
    original: str | None = None
    signer: str | None = "Microsoft Windows"
    issuer: str | None = "Microsoft Windows Production PCA 2011"


def _os(
    key: str,
    name: str,
    size: int,
    description: str,
    folder: str = SYS32,
    original: str | None = None,
) -> ImageSpec:
    return ImageSpec(key, name, folder, size, description=description, original=original or name)


def _app(
    key: str,
    name: str,
    folder: str,
    size: int,
    company: str,
    product: str,
    version: str,
    description: str,
    signer: str | None = None,
    issuer: str = "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1",
) -> ImageSpec:
    return ImageSpec(
        key,
        name,
        folder,
        size,
        W,
        company,
        product,
        version,
        description,
        name,
        signer or company,
        issuer,
    )


def _msapp(
    key: str, name: str, folder: str, size: int, product: str, version: str, description: str
) -> ImageSpec:
    return ImageSpec(
        key,
        name,
        folder,
        size,
        W,
        MS,
        product,
        version,
        description,
        name,
        MS,
        "Microsoft Code Signing PCA 2011",
    )


def _unix(
    key: str, name: str, folder: str, size: int, family: str = L, description: str | None = None
) -> ImageSpec:
    return ImageSpec(
        key, name, folder, size, family, None, None, None, description, None, None, None
    )


def _tool(
    key: str,
    name: str,
    folder: str,
    size: int,
    description: str,
    company: str | None = None,
    product: str | None = None,
    version: str | None = None,
    signer: str | None = None,
) -> ImageSpec:
    """A hacking tool or payload: usually unsigned, with whatever version info it carries."""
    issuer = "Microsoft Code Signing PCA 2010" if signer else None
    return ImageSpec(
        key,
        name,
        folder,
        size,
        W,
        company,
        product,
        version,
        description,
        name if company else None,
        signer,
        issuer,
    )


DEFENDER_PLATFORM = "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0"
SENSE = "C:\\Program Files\\Windows Defender Advanced Threat Protection"
OFFICE = "C:\\Program Files\\Microsoft Office\\root\\Office16"
DOTNET = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319"
SQL = "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn"
TEMP = "C:\\Users\\{user}\\AppData\\Local\\Temp"

WINDOWS_SYSTEM = (
    _os("ntoskrnl", "ntoskrnl.exe", 11_935_040, "NT Kernel & System"),
    _os("smss", "smss.exe", 155_648, "Windows Session Manager"),
    _os("csrss", "csrss.exe", 22_520, "Client Server Runtime Process"),
    _os("wininit", "wininit.exe", 479_232, "Windows Start-Up Application", original="WinInit.exe"),
    _os("winlogon", "winlogon.exe", 913_408, "Windows Logon Application", original="WINLOGON.EXE"),
    _os("services", "services.exe", 721_432, "Services and Controller app"),
    _os("lsass", "lsass.exe", 60_392, "Local Security Authority Process"),
    _os("svchost", "svchost.exe", 57_360, "Host Process for Windows Services"),
    _os("explorer", "explorer.exe", 5_464_392, "Windows Explorer", folder="C:\\Windows", original="EXPLORER.EXE"),
    _os("userinit", "userinit.exe", 31_232, "Userinit Logon Application", original="USERINIT.EXE"),
    _os("dwm", "dwm.exe", 120_832, "Desktop Window Manager"),
    _os("sihost", "sihost.exe", 126_976, "Shell Infrastructure Host"),
    _os("taskhostw", "taskhostw.exe", 97_792, "Host Process for Windows Tasks"),
    _os("runtimebroker", "RuntimeBroker.exe", 143_360, "Runtime Broker"),
    _os("ctfmon", "ctfmon.exe", 19_456, "CTF Loader"),
    _os("searchindexer", "SearchIndexer.exe", 1_060_864, "Microsoft Windows Search Indexer"),
    _os("searchprotocolhost", "SearchProtocolHost.exe", 424_448, "Microsoft Windows Search Protocol Host"),
    _os("spoolsv", "spoolsv.exe", 946_176, "Spooler SubSystem App"),
    _os("conhost", "conhost.exe", 1_032_192, "Console Window Host", original="CONHOST.EXE"),
    _os("cmd", "cmd.exe", 323_584, "Windows Command Processor", original="Cmd.Exe"),
    _os("powershell", "powershell.exe", 455_680, "Windows PowerShell", folder="C:\\Windows\\System32\\WindowsPowerShell\\v1.0", original="PowerShell.EXE.MUI"),
    _os("reg", "reg.exe", 77_824, "Registry Console Tool", original="reg.exe"),
    _os("schtasks", "schtasks.exe", 235_520, "Task Scheduler Configuration Tool", original="schtasks.exe"),
    _os("sc", "sc.exe", 70_144, "Service Control Manager Configuration Tool"),
    _os("net", "net.exe", 57_344, "Net Command"),
    _os("net1", "net1.exe", 183_296, "Net Command"),
    _os("netsh", "netsh.exe", 96_768, "Network Command Shell"),
    _os("ipconfig", "ipconfig.exe", 35_328, "IP Configuration Utility"),
    _os("ping", "PING.EXE", 22_016, "TCP/IP Ping Command", original="ping.exe"),
    _os("nslookup", "nslookup.exe", 97_280, "nslookup"),
    _os("whoami", "whoami.exe", 74_240, "whoami - displays logged on user information"),
    _os("nltest", "nltest.exe", 504_832, "Microsoft® Logon Server Test Utility"),
    _os("hostname", "HOSTNAME.EXE", 12_800, "Hostname APP", original="hostname.exe"),
    _os("systeminfo", "systeminfo.exe", 88_064, "Displays system information"),
    _os("tasklist", "tasklist.exe", 96_256, "Lists the current running tasks"),
    _os("taskkill", "taskkill.exe", 91_136, "Terminates Processes"),
    _os("wmic", "WMIC.exe", 571_904, "WMI Commandline Utility", folder="C:\\Windows\\System32\\wbem", original="wmic.exe"),
    _os("wmiprvse", "WmiPrvSE.exe", 556_032, "WMI Provider Host", folder="C:\\Windows\\System32\\wbem", original="Wmiprvse.exe"),
    _os("msiexec", "msiexec.exe", 69_632, "Windows® installer", original="msiexec.exe"),
    _os("rundll32", "rundll32.exe", 71_680, "Windows host process (Rundll32)", original="RUNDLL32.EXE"),
    _os("rundll32_wow", "rundll32.exe", 61_440, "Windows host process (Rundll32)", folder="C:\\Windows\\SysWOW64", original="RUNDLL32.EXE"),
    _os("regsvr32", "regsvr32.exe", 25_600, "Microsoft(C) Register Server", original="REGSVR32.EXE"),
    _os("mshta", "mshta.exe", 43_520, "Microsoft (R) HTML Application host", original="MSHTA.EXE"),
    _os("certutil", "certutil.exe", 1_452_032, "CertUtil.exe", original="CertUtil.exe"),
    _os("bitsadmin", "bitsadmin.exe", 200_192, "BITS administration utility"),
    _os("vssadmin", "vssadmin.exe", 136_704, "Command Line Interface for Microsoft® Volume Shadow Copy Service"),
    _os("wbadmin", "wbadmin.exe", 338_432, "Command Line Interface for Microsoft® BLB Backup", original="WBADMIN.EXE"),
    _os("bcdedit", "bcdedit.exe", 479_744, "Boot Configuration Data Editor", original="bcdedit.exe"),
    _os("wevtutil", "wevtutil.exe", 231_424, "Eventing Command Line Utility", original="wevtutil.exe"),
    _os("gpupdate", "gpupdate.exe", 28_672, "Microsoft® Group Policy Update Utility", original="GPUpdate.exe"),
    _os("dllhost", "dllhost.exe", 20_992, "COM Surrogate"),
    _os("consent", "consent.exe", 159_232, "Consent UI for administrative applications"),
    _os("werfault", "WerFault.exe", 547_328, "Windows Problem Reporting", original="WerFault.exe"),
    _os("mousocoreworker", "MoUsoCoreWorker.exe", 1_110_016, "MoUSO Core Worker Process"),
    _os("tiworker", "TiWorker.exe", 200_704, "Windows Modules Installer Worker", folder="C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.22621.4385_none_7b5a6e3c2d4f1f8a"),
    _os("trustedinstaller", "TrustedInstaller.exe", 131_584, "Windows Modules Installer", folder="C:\\Windows\\servicing"),
    _os("compattelrunner", "CompatTelRunner.exe", 149_504, "Microsoft Compatibility Telemetry"),
    _os("sppsvc", "sppsvc.exe", 4_483_072, "Microsoft Software Protection Platform Service"),
    _os("backgroundtaskhost", "backgroundTaskHost.exe", 19_456, "Background Task Host"),
    _os("smartscreen", "smartscreen.exe", 2_562_048, "Windows Defender SmartScreen"),
    _os("securityhealthservice", "SecurityHealthService.exe", 1_041_920, "Windows Security Health Service"),
    _os("notepad", "notepad.exe", 201_216, "Notepad"),
    _os("mstsc", "mstsc.exe", 1_411_072, "Remote Desktop Connection"),
    _os("rdpclip", "rdpclip.exe", 1_200_128, "RDP Clipboard Monitor"),
    _os("mmc", "mmc.exe", 2_014_720, "Microsoft Management Console"),
    _os("wsmprovhost", "wsmprovhost.exe", 53_248, "Host process for WinRM plug-ins"),
    _os("dism", "Dism.exe", 324_096, "Dism Image Servicing Utility", folder="C:\\Windows\\System32", original="Dism.exe"),
    _os("wsl", "wsl.exe", 247_296, "Microsoft Windows Subsystem for Linux Launcher"),
    _os("pktmon", "PktMon.exe", 125_440, "Packet Monitor"),
    _os("runas", "runas.exe", 46_080, "Run As Utility"),
    _os("robocopy", "Robocopy.exe", 142_848, "Microsoft Robocopy"),
    _os("findstr", "findstr.exe", 36_352, "Find String (QGREP) Utility"),
    _os("curl", "curl.exe", 591_360, "The curl executable"),
    _os("tar", "tar.exe", 121_344, "bsdtar archive tool"),
    _os("control", "control.exe", 129_536, "Windows Control Panel"),
    _os("dsac", "dsac.exe", 2_432_512, "Active Directory Administrative Center"),
    _os("dns", "dns.exe", 3_123_200, "Domain Name System (DNS) Server"),
    _os("dfsrs", "dfsrs.exe", 4_022_272, "Distributed File System Replication"),
    _os("adws", "Microsoft.ActiveDirectory.WebServices.exe", 409_088, "Microsoft.ActiveDirectory.WebServices", folder="C:\\Windows\\ADWS"),
    _os("w3wp", "w3wp.exe", 32_768, "IIS Worker Process", folder="C:\\Windows\\System32\\inetsrv"),
    _os("csc", "csc.exe", 2_759_232, "Visual C# Command Line Compiler", folder=DOTNET),
    _os("msbuild", "MSBuild.exe", 357_448, "MSBuild.exe", folder=DOTNET),
    _os("installutil", "InstallUtil.exe", 43_072, "Microsoft .NET Framework installation utility", folder=DOTNET),
    ImageSpec("msmpeng", "MsMpEng.exe", DEFENDER_PLATFORM, 133_624, W, MS, "Microsoft® Windows® Operating System", "4.18.24090.11", "Antimalware Service Executable", "MsMpEng.exe"),
    ImageSpec("mpcmdrun", "MpCmdRun.exe", DEFENDER_PLATFORM, 1_604_920, W, MS, "Microsoft® Windows® Operating System", "4.18.24090.11", "Microsoft Malware Protection Command Line Utility", "MpCmdRun.exe"),
    ImageSpec("nissrv", "NisSrv.exe", DEFENDER_PLATFORM, 3_149_624, W, MS, "Microsoft® Windows® Operating System", "4.18.24090.11", "Microsoft Network Realtime Inspection Service", "NisSrv.exe"),
    ImageSpec("mssense", "MsSense.exe", SENSE, 4_821_312, W, MS, "Microsoft® Windows® Operating System", "10.8760.22621.1017", "Windows Defender Advanced Threat Protection Service Executable", "MsSense.exe"),
    ImageSpec("sensendr", "SenseNdr.exe", SENSE, 2_014_208, W, MS, "Microsoft® Windows® Operating System", "10.8760.22621.1017", "Windows Defender Advanced Threat Protection Network Detection and Response", "SenseNdr.exe"),
    ImageSpec("sensecnc", "SenseCncProxy.exe", SENSE, 618_496, W, MS, "Microsoft® Windows® Operating System", "10.8760.22621.1017", "Windows Defender Advanced Threat Protection Communication Module", "SenseCncProxy.exe"),
    ImageSpec("senseir", "SenseIR.exe", SENSE, 6_931_456, W, MS, "Microsoft® Windows® Operating System", "10.8760.22621.1017", "Windows Defender Advanced Threat Protection Automated Investigation", "SenseIR.exe"),
)  # fmt: skip

PROGRAM_FILES = "C:\\Program Files"
X86 = "C:\\Program Files (x86)"

WINDOWS_APPS = (
    _app("chrome", "chrome.exe", f"{PROGRAM_FILES}\\Google\\Chrome\\Application", 3_155_736, "Google LLC", "Google Chrome", "131.0.6778.86", "Google Chrome", "Google LLC"),
    _app("googleupdate", "GoogleUpdate.exe", f"{X86}\\Google\\Update", 160_080, "Google LLC", "Google Update", "1.3.36.412", "Google Installer", "Google LLC"),
    _app("firefox", "firefox.exe", f"{PROGRAM_FILES}\\Mozilla Firefox", 667_648, "Mozilla Corporation", "Firefox", "133.0", "Firefox", "Mozilla Corporation"),
    _msapp("msedge", "msedge.exe", f"{X86}\\Microsoft\\Edge\\Application", 4_174_392, "Microsoft Edge", "131.0.2903.70", "Microsoft Edge"),
    _msapp("msedgewebview2", "msedgewebview2.exe", f"{X86}\\Microsoft\\EdgeWebView\\Application\\131.0.2903.70", 3_211_832, "Microsoft Edge WebView2", "131.0.2903.70", "Microsoft Edge WebView2"),
    _msapp("edgeupdate", "MicrosoftEdgeUpdate.exe", f"{X86}\\Microsoft\\EdgeUpdate", 214_976, "Microsoft Edge Update", "1.3.195.35", "Microsoft Edge Update"),
    _msapp("teams", "ms-teams.exe", f"{PROGRAM_FILES}\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe", 1_213_600, "Microsoft Teams", "24295.605.3225.8804", "Microsoft Teams"),
    _msapp("onedrive", "OneDrive.exe", "C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive", 3_456_056, "Microsoft OneDrive", "24.226.1110.0004", "Microsoft OneDrive"),
    _msapp("onedriveupdater", "OneDriveStandaloneUpdater.exe", "C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive", 3_592_248, "Microsoft OneDrive", "24.226.1110.0004", "Standalone Updater"),
    _msapp("winword", "WINWORD.EXE", OFFICE, 1_629_600, "Microsoft Office", "16.0.18129.20116", "Microsoft Word"),
    _msapp("excel", "EXCEL.EXE", OFFICE, 66_044_536, "Microsoft Office", "16.0.18129.20116", "Microsoft Excel"),
    _msapp("powerpnt", "POWERPNT.EXE", OFFICE, 1_880_992, "Microsoft Office", "16.0.18129.20116", "Microsoft PowerPoint"),
    _msapp("outlook", "OUTLOOK.EXE", OFFICE, 43_227_576, "Microsoft Office", "16.0.18129.20116", "Microsoft Outlook"),
    _msapp("officec2r", "OfficeClickToRun.exe", f"{PROGRAM_FILES}\\Common Files\\microsoft shared\\ClickToRun", 12_155_832, "Microsoft Office", "16.0.18129.20116", "Microsoft Office Click-to-Run"),
    _msapp("intune", "Microsoft.Management.Services.IntuneWindowsAgent.exe", f"{X86}\\Microsoft Intune Management Extension", 64_440, "Microsoft Intune", "1.83.107.0", "Microsoft Intune Management Extension"),
    _msapp("agentexecutor", "AgentExecutor.exe", f"{X86}\\Microsoft Intune Management Extension", 45_496, "Microsoft Intune", "1.83.107.0", "AgentExecutor"),
    _msapp("ccmexec", "CcmExec.exe", "C:\\Windows\\CCM", 2_631_584, "System Center Configuration Manager", "5.00.9128.1007", "SMS Agent Host"),
    _msapp("code", "Code.exe", "C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code", 163_406_904, "Visual Studio Code", "1.95.3", "Visual Studio Code"),
    _msapp("msbuild_vs", "MSBuild.exe", f"{PROGRAM_FILES}\\Microsoft Visual Studio\\2022\\Professional\\MSBuild\\Current\\Bin", 356_200, "Microsoft® Build Tools", "17.11.9.46202", "MSBuild.exe"),
    _msapp("sqlservr", "sqlservr.exe", SQL, 507_800, "Microsoft SQL Server", "2019.150.4395.2", "SQL Server Windows NT - 64 Bit"),
    _msapp("sqlagent", "SQLAGENT.EXE", SQL, 690_088, "Microsoft SQL Server", "2019.150.4395.2", "SQLAGENT - SQL Server Agent"),
    _msapp("pwsh", "pwsh.exe", f"{PROGRAM_FILES}\\PowerShell\\7", 287_712, "PowerShell", "7.4.6", "pwsh"),
    _app("git", "git.exe", f"{PROGRAM_FILES}\\Git\\cmd", 46_008, "The Git Development Community", "Git", "2.47.0.2", "Git for Windows", "Johannes Schindelin"),
    _app("python", "python.exe", "C:\\Users\\{user}\\AppData\\Local\\Programs\\Python\\Python312", 103_192, "Python Software Foundation", "Python", "3.12.7", "Python", "Python Software Foundation"),
    _app("node", "node.exe", f"{PROGRAM_FILES}\\nodejs", 83_496_448, "Node.js", "Node.js", "22.11.0", "Node.js JavaScript Runtime", "OpenJS Foundation"),
    _app("7zg", "7zG.exe", f"{PROGRAM_FILES}\\7-Zip", 694_784, "Igor Pavlov", "7-Zip", "24.08", "7-Zip GUI", None),
    _app("acrobat", "Acrobat.exe", f"{PROGRAM_FILES}\\Adobe\\Acrobat DC\\Acrobat", 7_128_592, "Adobe Inc.", "Adobe Acrobat", "24.4.20272.0", "Adobe Acrobat", "Adobe Inc."),
    _app("zoom", "Zoom.exe", "C:\\Users\\{user}\\AppData\\Roaming\\Zoom\\bin", 426_656, "Zoom Video Communications, Inc.", "Zoom", "6.2.11.52", "Zoom Meetings", "Zoom Video Communications, Inc."),
    _app("anydesk", "AnyDesk.exe", X86 + "\\AnyDesk", 5_242_880, "AnyDesk Software GmbH", "AnyDesk", "8.1.0", "AnyDesk", "philandro Software GmbH"),
    _app("teamviewer", "TeamViewer.exe", f"{PROGRAM_FILES}\\TeamViewer", 66_560_960, "TeamViewer Germany GmbH", "TeamViewer", "15.59.5", "TeamViewer 15", "TeamViewer Germany GmbH"),
    _app("vmtoolsd", "vmtoolsd.exe", f"{PROGRAM_FILES}\\VMware\\VMware Tools", 98_264, "VMware, Inc.", "VMware Tools", "12.4.5.23787635", "VMware Tools Core Service", "VMware, Inc."),
    _app("javaw", "javaw.exe", f"{PROGRAM_FILES}\\Java\\jre-1.8\\bin", 270_824, "Oracle Corporation", "Java(TM) Platform SE 8", "8.0.4310.10", "Java(TM) Platform SE binary", "Oracle America, Inc."),
    _app("notepadpp", "notepad++.exe", f"{PROGRAM_FILES}\\Notepad++", 6_389_616, "Don HO don.h@free.fr", "Notepad++", "8.7.1", "Notepad++", "Notepad++"),
)  # fmt: skip

SYSINTERNALS = "Sysinternals - www.sysinternals.com"
TOOLS = (
    ImageSpec("psexesvc", "PSEXESVC.exe", "C:\\Windows", 199_040, W, SYSINTERNALS, "Sysinternals PsExec", "2.43", "PsExec Service", "psexesvc.exe", MS, "Microsoft Code Signing PCA 2010"),
    ImageSpec("psexec", "PsExec.exe", "C:\\Tools", 716_176, W, SYSINTERNALS, "Sysinternals PsExec", "2.43", "Execute processes remotely", "psexec.exe", MS, "Microsoft Code Signing PCA 2010"),
    ImageSpec("procdump", "procdump64.exe", TEMP, 424_856, W, SYSINTERNALS, "ProcDump", "11.0", "Sysinternals process dump utility", "procdump", MS, "Microsoft Code Signing PCA 2010"),
    _tool("mimikatz", "mimikatz.exe", TEMP, 1_250_056, "mimikatz for Windows", "gentilkiwi (Benjamin DELPY)", "mimikatz", "2.2.0.0"),
    _tool("adfind", "AdFind.exe", "C:\\Users\\Public", 1_604_608, "Joeware ADFind", "www.joeware.net", "AdFind", "1.57.0.0"),
    _tool("sharphound", "SharpHound.exe", "C:\\Users\\Public", 1_051_136, "SharpHound", None, None, None),
    _tool("rubeus", "Rubeus.exe", TEMP, 446_976, "Rubeus", None, None, None),
    _tool("rclone", "rclone.exe", "C:\\ProgramData\\sync", 56_123_904, "Rsync for cloud storage", "https://rclone.org", "Rclone", "1.68.2"),
    _tool("lockbit", "LB3.exe", "C:\\ProgramData", 162_816, "LB3"),
    _tool("beacon", "OneDriveUpdate.exe", "C:\\ProgramData\\Microsoft\\OneDriveUpdate", 289_280, "OneDrive Update", "Microsoft Corporation", "Microsoft OneDrive", "24.201.1006.0005"),
    _tool("stealer", "svchosts.exe", "C:\\Users\\{user}\\AppData\\Roaming\\Microsoft", 612_352, "Host Process"),
    _tool("skeeyah", "invoice_0424.exe", "C:\\Users\\{user}\\Downloads", 388_608, "Invoice"),
    _tool("wacatac", "setup_x64.exe", "C:\\Users\\{user}\\Downloads", 2_413_568, "Setup"),
    _tool("presenoker", "PDFConverterSetup.exe", "C:\\Users\\{user}\\Downloads", 1_802_240, "PDF Converter Setup", "PDF Pro Tools", "PDF Converter", "3.2.1.0"),
)  # fmt: skip

LIBRARIES = (
    _os("ntdll", "ntdll.dll", 2_181_744, "NT Layer DLL"),
    _os("amsi", "amsi.dll", 102_400, "Anti-Malware Scan Interface"),
    _os("samlib", "samlib.dll", 139_264, "SAM Library DLL"),
    _os("dbghelp", "dbghelp.dll", 1_875_968, "Windows Image Helper"),
    _os("dbgcore", "dbgcore.dll", 166_400, "Windows DbgCore"),
    _os("comsvcs", "comsvcs.dll", 2_191_360, "COM+ Services"),
    _os("vaultcli", "vaultcli.dll", 253_952, "Credential Vault Client Library"),
    _os("wininet", "wininet.dll", 5_179_392, "Internet Extensions for Win32"),
    _os("winhttp", "winhttp.dll", 1_017_856, "Windows HTTP Services"),
    _os("urlmon", "urlmon.dll", 1_917_440, "OLE32 Extensions for Win32"),
    _os("wldp", "wldp.dll", 430_080, "Windows Lockdown Policy"),
    _os("clr", "clr.dll", 10_508_360, "Microsoft .NET Runtime Common Language Runtime - WorkStation", folder=DOTNET),
    _os("clrjit", "clrjit.dll", 1_527_880, "Microsoft .NET Runtime Just-In-Time Compiler", folder=DOTNET),
    _os("sma", "System.Management.Automation.ni.dll", 33_114_112, "System.Management.Automation", folder="C:\\Windows\\assembly\\NativeImages_v4.0.30319_64\\System.Manaa57fc8cc#\\a1b2c3d4e5f60718293a4b5c6d7e8f90"),
    _os("vbe7", "VBE7.DLL", 3_214_168, "Visual Basic for Applications Runtime", folder=f"{PROGRAM_FILES}\\Common Files\\Microsoft Shared\\VBA\\VBA7.1"),
    _os("mso", "mso.dll", 14_350_400, "Microsoft Office component", folder=f"{PROGRAM_FILES}\\Common Files\\Microsoft Shared\\Office16"),
    _os("chrome_dll", "chrome.dll", 247_500_000, "Google Chrome", folder=f"{PROGRAM_FILES}\\Google\\Chrome\\Application\\131.0.6778.86"),
    _os("msedge_dll", "msedge.dll", 253_000_000, "Microsoft Edge", folder=f"{X86}\\Microsoft\\Edge\\Application\\131.0.2903.70"),
    _os("kerberos", "kerberos.dll", 1_009_664, "Kerberos Security Package"),
    _os("cryptdll", "cryptdll.dll", 98_304, "Cryptography Manager"),
    _os("mpoav", "MpOAV.dll", 407_048, "IOfficeAntiVirus Module", folder=DEFENDER_PLATFORM),
    _os("wshom", "wshom.ocx", 73_728, "Windows Script Host Runtime Library"),
    _os("scrrun", "scrrun.dll", 204_800, "Microsoft ® Script Runtime"),
    _tool("sideload_dll", "version.dll", "C:\\Users\\{user}\\AppData\\Local\\Temp\\7zS4A21", 118_784, "Version Checking and File Installation Libraries", "Microsoft Corporation", WIN, WINVER),
)  # fmt: skip

LINUX = (
    _unix("systemd", "systemd", "/usr/lib/systemd", 96_160),
    _unix("bash", "bash", "/usr/bin", 1_396_520),
    _unix("sh", "dash", "/usr/bin", 125_688),
    _unix("sshd", "sshd", "/usr/sbin", 921_480),
    _unix("cron", "cron", "/usr/sbin", 55_944),
    _unix("python3", "python3.10", "/usr/bin", 5_904_904),
    _unix("apt", "apt", "/usr/bin", 18_824),
    _unix("dpkg", "dpkg", "/usr/bin", 318_736),
    _unix("unattended", "unattended-upgrade", "/usr/bin", 103_406),
    _unix("curl_l", "curl", "/usr/bin", 260_328),
    _unix("wget", "wget", "/usr/bin", 531_296),
    _unix("sudo", "sudo", "/usr/bin", 232_416),
    _unix("usermod", "usermod", "/usr/sbin", 122_344),
    _unix("useradd", "useradd", "/usr/sbin", 137_776),
    _unix("crontab", "crontab", "/usr/bin", 43_720),
    _unix("chmod", "chmod", "/usr/bin", 64_448),
    _unix("nginx", "nginx", "/usr/sbin", 1_190_024),
    _unix("postgres", "postgres", "/usr/lib/postgresql/14/bin", 9_112_392),
    _unix("dockerd", "dockerd", "/usr/bin", 95_446_240),
    _unix("containerd", "containerd", "/usr/bin", 39_079_512),
    _unix("wdavdaemon", "wdavdaemon", "/opt/microsoft/mdatp/sbin", 9_433_736),
    _unix("journald", "systemd-journald", "/usr/lib/systemd", 161_112),
    _unix("git_l", "git", "/usr/bin", 3_806_440),
    _unix("tar_l", "tar", "/usr/bin", 531_232),
    _unix("ps", "ps", "/usr/bin", 137_688),
    _unix("cat", "cat", "/usr/bin", 35_280),
    _unix("id", "id", "/usr/bin", 39_424),
    _unix("uname", "uname", "/usr/bin", 35_280),
    _unix("nc", "nc.openbsd", "/usr/bin", 47_480),
    _unix("mirai", "kworkerd", "/tmp", 122_880),
    _unix("xmrig", "xmrig", "/var/tmp/.cache", 3_563_520),
)  # fmt: skip

MACOS = (
    _unix("launchd", "launchd", "/sbin", 1_086_032, M),
    _unix("zsh", "zsh", "/bin", 1_361_200, M),
    _unix("bash_m", "bash", "/bin", 1_326_080, M),
    _unix("safari", "Safari", "/Applications/Safari.app/Contents/MacOS", 39_616, M),
    _unix("chrome_m", "Google Chrome", "/Applications/Google Chrome.app/Contents/MacOS", 207_568, M),
    _unix("teams_m", "MSTeams", "/Applications/Microsoft Teams.app/Contents/MacOS", 2_219_728, M),
    _unix("outlook_m", "Microsoft Outlook", "/Applications/Microsoft Outlook.app/Contents/MacOS", 135_544_064, M),
    _unix("word_m", "Microsoft Word", "/Applications/Microsoft Word.app/Contents/MacOS", 112_766_112, M),
    _unix("mdworker", "mdworker_shared", "/System/Library/Frameworks/CoreServices.framework/Versions/A/Frameworks/Metadata.framework/Versions/A/Support", 263_824, M),
    _unix("softwareupdated", "softwareupdated", "/System/Library/PrivateFrameworks/SoftwareUpdate.framework/Versions/A/Resources", 2_372_896, M),
    _unix("wdavdaemon_m", "wdavdaemon", "/Library/Application Support/Microsoft/Defender", 11_018_624, M),
    _unix("curl_m", "curl", "/usr/bin", 207_744, M),
    _unix("osascript", "osascript", "/usr/bin", 136_432, M),
    _unix("sudo_m", "sudo", "/usr/bin", 1_093_424, M),
    _unix("git_m", "git", "/usr/bin", 167_120, M),
    _unix("python3_m", "python3", "/usr/bin", 167_120, M),
    _unix("pirrit", "MyShopcoupon", "/Users/{user}/Applications/MyShopcoupon.app/Contents/MacOS", 2_097_152, M),
)  # fmt: skip

IMAGE_SPECS = {
    spec.key: spec for spec in (*WINDOWS_SYSTEM, *WINDOWS_APPS, *TOOLS, *LIBRARIES, *LINUX, *MACOS)
}
