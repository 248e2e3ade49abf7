# ruff: noqa: E501, S108  (data table: long command lines and Unix paths are the data)
"""Data tables for files: system binaries, malicious payloads, everyday processes.

A file's hashes are fixed by its catalog key (see `ids.stable_hex`), so the same file
has the same SHA-1/SHA-256/MD5 in every alert, every tenant and every event."""

from __future__ import annotations

from dataclasses import dataclass

MS_PUBLISHER = "Microsoft Corporation"
MS_PRODUCT = "Microsoft® Windows® Operating System"
MS_SIGNER = "Microsoft Windows"
MS_ISSUER = "Microsoft Windows Production PCA 2011"


@dataclass(frozen=True)
class FileSpec:
    """A file the world can show: where it lives and what the file profile says of it."""

    key: str
    name: str
    folder: str
    """May contain "{user}" (the account name) for per-user paths."""
    size: int
    publisher: str | None = None
    product: str | None = None
    signer: str | None = None
    issuer: str | None = None
    is_pe: bool = True
    determination_type: str = "Unknown"
    determination_value: str | None = None
    global_prevalence: int = 1_000_000_000
    family: str = "windows"


def _system(key: str, name: str, folder: str, size: int) -> FileSpec:
    return FileSpec(key, name, folder, size, MS_PUBLISHER, MS_PRODUCT, MS_SIGNER, MS_ISSUER)


SYSTEM_FILES = (
    _system(
        "powershell", "powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", 455_680
    ),
    _system("cmd", "cmd.exe", "C:\\Windows\\System32", 323_584),
    _system("rundll32", "rundll32.exe", "C:\\Windows\\System32", 71_680),
    _system("rundll32_wow", "rundll32.exe", "C:\\Windows\\SysWOW64", 61_440),
    _system("explorer", "explorer.exe", "C:\\Windows", 5_464_392),
    _system("services", "services.exe", "C:\\Windows\\System32", 721_432),
    _system("svchost", "svchost.exe", "C:\\Windows\\System32", 57_360),
    _system("lsass", "lsass.exe", "C:\\Windows\\System32", 60_392),
    _system("wmiprvse", "WmiPrvSE.exe", "C:\\Windows\\System32\\wbem", 556_032),
    _system("reg", "reg.exe", "C:\\Windows\\System32", 77_824),
    _system("schtasks", "schtasks.exe", "C:\\Windows\\System32", 235_520),
    _system("vssadmin", "vssadmin.exe", "C:\\Windows\\System32", 136_704),
    _system("certutil", "certutil.exe", "C:\\Windows\\System32", 1_452_032),
    _system("whoami", "whoami.exe", "C:\\Windows\\System32", 74_240),
    _system("net", "net.exe", "C:\\Windows\\System32", 57_344),
    _system("nltest", "nltest.exe", "C:\\Windows\\System32", 504_832),
    _system("mshta", "mshta.exe", "C:\\Windows\\System32", 43_520),
    FileSpec(
        "winword",
        "WINWORD.EXE",
        "C:\\Program Files\\Microsoft Office\\root\\Office16",
        1_629_600,
        MS_PUBLISHER,
        "Microsoft Office",
        "Microsoft Corporation",
        "Microsoft Code Signing PCA 2011",
    ),
    FileSpec(
        "psexesvc",
        "PSEXESVC.exe",
        "C:\\Windows",
        199_040,
        "Sysinternals - www.sysinternals.com",
        "Sysinternals PsExec",
        "Microsoft Corporation",
        "Microsoft Code Signing PCA 2010",
        global_prevalence=4_200_000,
    ),
    FileSpec("bash", "bash", "/usr/bin", 1_396_520, is_pe=False, family="linux"),
    FileSpec("python3", "python3.10", "/usr/bin", 5_904_904, is_pe=False, family="linux"),
    FileSpec("sshd", "sshd", "/usr/sbin", 921_480, is_pe=False, family="linux"),
    FileSpec("zsh", "zsh", "/bin", 1_361_200, is_pe=False, family="macos"),
    FileSpec("launchd", "launchd", "/sbin", 1_086_032, is_pe=False, family="macos"),
)


def _bad(
    key: str,
    name: str,
    folder: str,
    size: int,
    threat: str,
    family: str = "windows",
    determination: str = "Malware",
) -> FileSpec:
    return FileSpec(
        key,
        name,
        folder,
        size,
        determination_type=determination,
        determination_value=threat,
        global_prevalence=0,
        family=family,
        is_pe=family == "windows",
    )


TEMP = "C:\\Users\\{user}\\AppData\\Local\\Temp"
DOWNLOADS = "C:\\Users\\{user}\\Downloads"

PAYLOAD_FILES = (
    _bad("mimikatz", "mimikatz.exe", TEMP, 1_250_056, "HackTool:Win32/Mimikatz.D"),
    _bad("lockbit", "LB3.exe", "C:\\ProgramData", 162_816, "Ransom:Win32/Lockbit.AA"),
    _bad("skeeyah", "invoice_0424.exe", DOWNLOADS, 388_608, "Trojan:Win32/Skeeyah.A!bit"),
    _bad("wacatac", "setup_x64.exe", DOWNLOADS, 2_413_568, "Trojan:Win32/Wacatac.B!ml"),
    _bad("emotet", "rcb4.dll", TEMP, 455_168, "Trojan:Win32/Emotet.RPX!MTB"),
    _bad("eicar", "eicar.com", DOWNLOADS, 68, "Virus:DOS/EICAR_Test_File"),
    _bad(
        "presenoker",
        "PDFConverterSetup.exe",
        DOWNLOADS,
        1_802_240,
        "PUA:Win32/Presenoker",
        determination="Pua",
    ),
    _bad("swfexploit", "banner.swf", TEMP, 24_576, "Exploit:SWF/CVE-2014-0515"),
    _bad("meterpreter", "update.jar", TEMP, 13_312, "VirTool:Java/Meterpreter.A"),
    _bad("macrodoc", "Q3_report.docm", DOWNLOADS, 86_016, "TrojanDownloader:O97M/Obfuse.RVJ!MTB"),
    _bad("dropper_dll", "ntuser_cache.dll", "C:\\Users\\{user}\\AppData\\Roaming", 231_424, "Trojan:Win32/Bumblebee.MK!MTB"),
    _bad("mirai", "kworkerd", "/tmp", 122_880, "Backdoor:Linux/Mirai.B", family="linux"),
    _bad("xmrig", "xmrig", "/var/tmp/.cache", 3_563_520, "Trojan:Linux/CoinMiner.A", family="linux"),
    _bad(
        "pirrit",
        "MyShopcoupon.app",
        "/Users/{user}/Applications",
        2_097_152,
        "PUA:MacOS/Pirrit",
        family="macos",
        determination="Pua",
    ),
)  # fmt: skip

FILES_BY_KEY = {spec.key: spec for spec in (*SYSTEM_FILES, *PAYLOAD_FILES)}

BENIGN_PROCESSES: dict[str, tuple[tuple[str, str], ...]] = {
    "windows": (
        ("svchost", "svchost.exe -k netsvcs -p -s Schedule"),
        ("svchost", "svchost.exe -k LocalServiceNetworkRestricted -p"),
        ("explorer", "C:\\Windows\\Explorer.EXE"),
        ("powershell", 'powershell.exe -ExecutionPolicy Bypass -File "C:\\IT\\inventory.ps1"'),
        ("cmd", 'cmd.exe /c "C:\\Program Files\\Backup\\nightly.cmd"'),
        ("winword", '"WINWORD.EXE" /n "C:\\Users\\{user}\\Documents\\notes.docx"'),
        ("wmiprvse", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding"),
        ("reg", "reg.exe query HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"),
    ),
    "linux": (
        ("bash", "/bin/bash -c /usr/local/bin/healthcheck.sh"),
        ("python3", "python3 /opt/app/worker.py --queue default"),
        ("sshd", "sshd: {user} [priv]"),
    ),
    "macos": (
        ("zsh", "/bin/zsh -l"),
        ("launchd", "/sbin/launchd"),
    ),
}
"""Everyday processes per OS family: (file key, command line). For the event generator."""
