"""Data: the CVE catalogue, each CVE with the product versions that fix it.

Real public CVEs with their publication dates and (our) CVSS v3.1 base vectors; the
summaries are our own words. A CVE affects a product's versions that are in the fix's
version line, at or after `introduced` and before `fixed`. Windows CVEs are fixed by the
cumulative update of their Patch Tuesday, so their fixes (version and KB) are derived
from `WINDOWS_UPDATES`. Exploit levels: "none", "public", "verified" (exploited in the
wild), "kit" (in exploit kits)."""

from __future__ import annotations

from dataclasses import dataclass

from mdekit.emulator.world.catalog_software import (
    WINDOWS_PRODUCT_BY_BUILD,
    windows_update,
)


@dataclass(frozen=True)
class Fix:
    """The first version of a product that no longer has the CVE."""

    product: str
    """Product id ("google-_-chrome")."""
    fixed: str
    line: str = ""
    """Version line the fix is for ("3.0", "10.0.22631"); "" means every version."""
    introduced: str = ""
    """First affected version; "" means every version before `fixed`."""
    kb: str | None = None
    """Microsoft KB number of the security update ("5058411")."""


@dataclass(frozen=True)
class Cve:
    """One CVE as the catalogue knows it."""

    id: str
    summary: str
    vector: str
    published: str
    exploit: str
    exploit_types: tuple[str, ...]
    fixes: tuple[Fix, ...]


RCE = ("Remote code execution",)
LPE = ("Local privilege escalation", "Local")
DOS = ("Denial of service",)

_NET_UI = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H"
_NET_UI_SCOPE = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H"
_NET = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
_LOCAL_FILE = "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H"
_LOCAL_PRIV = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"
_NET_DOS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
_JAVA = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N"

_CHROME = "google-_-chrome"
_EDGE = "microsoft-_-edge"
_FIREFOX = "mozilla-_-firefox"
_OFFICE = "microsoft-_-office"


def _browser(chrome: str, edge: str, firefox: str | None = None) -> tuple[Fix, ...]:
    fixes = [Fix(_CHROME, chrome), Fix(_EDGE, edge)]
    if firefox:
        fixes.append(Fix(_FIREFOX, firefox))
    return tuple(fixes)


def windows_cve(
    cve_id: str,
    summary: str,
    vector: str,
    patch_tuesday: str,
    exploit: str,
    types: tuple[str, ...],
    builds: tuple[str, ...] = tuple(WINDOWS_PRODUCT_BY_BUILD),
) -> Cve:
    """A Windows CVE fixed by the cumulative update of `patch_tuesday` on `builds`."""
    fixes = []
    for build in builds:
        update = windows_update(patch_tuesday, build)
        if update is None:
            continue  # the build did not exist yet, or the month is outside the table
        revision, kb = update
        product = f"microsoft-_-{WINDOWS_PRODUCT_BY_BUILD[build]}"
        fixes.append(Fix(product, f"10.0.{build}.{revision}", f"10.0.{build}", kb=kb))
    return Cve(cve_id, summary, vector, patch_tuesday, exploit, types, tuple(fixes))


_WINDOWS_11_BUILDS = ("22621", "22631", "26100")

CVES: tuple[Cve, ...] = (
    Cve("CVE-2023-4863", "Heap buffer overflow in the libwebp image library lets a crafted "
        "WebP image write out of bounds in the browser.", _NET_UI, "2023-09-12", "verified",
        RCE, _browser("116.0.5845.187", "116.0.1938.76", "117.0.1")),
    Cve("CVE-2023-5217", "Heap buffer overflow in VP8 encoding of the libvpx library.",
        _NET_UI, "2023-09-28", "verified", RCE,
        _browser("117.0.5938.132", "117.0.2045.47", "118.0.1")),
    Cve("CVE-2024-0519", "Out-of-bounds memory access in the V8 JavaScript engine through a "
        "crafted page.", _NET_UI, "2024-01-16", "verified", RCE,
        _browser("120.0.6099.224", "120.0.2210.144")),
    Cve("CVE-2024-4671", "Use after free in the Visuals component allows a sandbox escape "
        "from a compromised renderer.", _NET_UI_SCOPE, "2024-05-14", "verified", RCE,
        _browser("124.0.6367.201", "124.0.2478.97")),
    Cve("CVE-2024-4947", "Type confusion in V8 allows heap corruption from a crafted page.",
        _NET_UI, "2024-05-22", "verified", RCE, _browser("125.0.6422.112", "125.0.2535.67")),
    Cve("CVE-2024-7971", "Type confusion in V8 allows heap corruption from a crafted page.",
        _NET_UI, "2024-08-21", "verified", RCE, _browser("128.0.6613.84", "128.0.2739.42")),
    Cve("CVE-2024-7965", "Inappropriate implementation in V8 allows heap corruption from a "
        "crafted page.", _NET_UI, "2024-08-21", "verified", RCE,
        _browser("128.0.6613.84", "128.0.2739.42")),
    Cve("CVE-2025-2783", "Incorrect handle provided in Mojo on Windows allows a sandbox "
        "escape through a malicious file.", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:H/A:N",
        "2025-03-26", "verified", RCE, _browser("134.0.6998.177", "134.0.3124.93")),
    Cve("CVE-2025-4664", "Insufficient policy enforcement in Loader leaks cross-origin data "
        "through a crafted page.", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N",
        "2025-05-14", "verified", (), _browser("136.0.7103.113", "136.0.3240.76")),
    Cve("CVE-2024-9680", "Use after free in animation timelines allows code execution in the "
        "content process.", _NET, "2024-10-09", "verified", RCE, (Fix(_FIREFOX, "131.0.2"),)),
    Cve("CVE-2024-24691", "Improper input validation in the Zoom desktop client for Windows "
        "may allow privilege escalation over the network.", _NET_UI_SCOPE, "2024-02-14",
        "none", (), (Fix("zoom-_-zoom", "5.16.5"),)),
    Cve("CVE-2024-39825", "Buffer overflow in Zoom Workplace apps may let an authenticated "
        "user escalate privileges over the network.",
        "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:N", "2024-08-14", "none", (),
        (Fix("zoom-_-zoom", "6.1.5"),)),
    Cve("CVE-2022-29072", "Heap overflow through the 7-Zip help file may allow privilege "
        "escalation (disputed by the vendor).", _LOCAL_PRIV, "2022-04-15", "public", LPE,
        (Fix("7-zip-_-7-zip", "22.00"),)),
    Cve("CVE-2024-11477", "Integer underflow in Zstandard decompression allows code execution "
        "when a crafted archive is opened.", _LOCAL_FILE, "2024-11-22", "public", RCE,
        (Fix("7-zip-_-7-zip", "24.07"),)),
    Cve("CVE-2025-0411", "Mark-of-the-Web is not propagated to files extracted from nested "
        "archives, bypassing SmartScreen checks.",
        "CVSS:3.1/AV:L/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", "2025-01-25", "verified", (),
        (Fix("7-zip-_-7-zip", "24.09"),)),
    Cve("CVE-2023-38831", "Opening a benign-looking file inside a ZIP archive can run a script "
        "with a similar name from the archive.", _LOCAL_FILE, "2023-08-23", "kit", RCE,
        (Fix("rarlab-_-winrar", "6.23"),)),
    Cve("CVE-2023-40477", "Improper validation of recovery volumes allows code execution when "
        "a crafted archive is opened.", _LOCAL_FILE, "2023-08-17", "public", RCE,
        (Fix("rarlab-_-winrar", "6.23"),)),
    Cve("CVE-2023-26369", "Out-of-bounds write in Acrobat Reader allows code execution when a "
        "crafted PDF is opened.", _LOCAL_FILE, "2023-09-13", "verified", RCE,
        (Fix("adobe-_-acrobat_reader_dc", "23.006.20320"),)),
    Cve("CVE-2024-41869", "Use after free in Acrobat Reader allows code execution when a "
        "crafted PDF is opened.", _LOCAL_FILE, "2024-09-13", "public", RCE,
        (Fix("adobe-_-acrobat_reader_dc", "24.003.20112"),)),
    Cve("CVE-2023-21930", "Flaw in the JSSE component of Java SE lets an unauthenticated "
        "attacker compromise it over TLS.", _JAVA, "2023-04-18", "none", (),
        (Fix("oracle-_-jre", "8.0.371"),)),
    Cve("CVE-2024-20918", "Flaw in the Hotspot component of Java SE lets an unauthenticated "
        "attacker compromise it over the network.", _JAVA, "2024-01-16", "none", (),
        (Fix("oracle-_-jre", "8.0.401"),)),
    Cve("CVE-2024-21147", "Flaw in the Hotspot component of Java SE lets an unauthenticated "
        "attacker compromise it over the network.", _JAVA, "2024-07-16", "none", (),
        (Fix("oracle-_-jre", "8.0.421"),)),
    Cve("CVE-2023-23397", "Outlook leaks the user's Net-NTLMv2 hash to an attacker's server "
        "through a crafted reminder, with no user interaction.", _NET, "2023-03-14", "kit",
        ("Privilege escalation",), (Fix(_OFFICE, "16.0.16130.20332"),)),
    Cve("CVE-2023-36884", "Crafted Office documents can run code through HTML handling in "
        "Office and Windows.", _NET_UI, "2023-07-11", "verified", RCE,
        (Fix(_OFFICE, "16.0.16626.20170"),)),
    Cve("CVE-2024-30103", "Outlook allows an authenticated attacker to bypass registry block "
        "lists and run code.", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "2024-06-11",
        "none", RCE, (Fix(_OFFICE, "16.0.17628.20144"),)),
    Cve("CVE-2024-38021", "Outlook can be made to run code and leak NTLM credentials through "
        "a crafted message.", _NET_UI, "2024-07-09", "public", RCE,
        (Fix(_OFFICE, "16.0.17726.20160"),)),
    Cve("CVE-2023-40031", "Heap buffer overflow in the UTF-16 to UTF-8 conversion of "
        "Notepad++.", _LOCAL_FILE, "2023-08-25", "public", RCE,
        (Fix("notepad++-_-notepad++", "8.5.7"),)),
    Cve("CVE-2024-31497", "Biased ECDSA nonces for NIST P-521 keys let an attacker recover "
        "the private key from about sixty signatures.",
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", "2024-04-15", "public", (),
        (Fix("putty-_-putty", "0.81", introduced="0.68"),)),
    Cve("CVE-2024-32002", "Recursive clone of a crafted repository with submodules can run "
        "a hook through a symbolic link.", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:H/A:H",
        "2024-05-14", "public", RCE, (Fix("git-scm-_-git", "2.45.1"),)),
    Cve("CVE-2024-21410", "Exchange Server accepts relayed NTLM credentials, letting an "
        "attacker act as the victim.", _NET, "2024-02-13", "verified",
        ("Privilege escalation",), (Fix("microsoft-_-exchange_server_2019", "15.2.1544.4"),)),
    Cve("CVE-2022-3602", "Four-byte stack overflow when checking a crafted email address in an "
        "X.509 certificate.", _NET_DOS, "2022-11-01", "public", DOS,
        (Fix("openssl-_-openssl", "3.0.7", "3.0"),)),
    Cve("CVE-2022-3786", "Stack overflow of arbitrary length when checking a crafted email "
        "address in an X.509 certificate.", _NET_DOS, "2022-11-01", "public", DOS,
        (Fix("openssl-_-openssl", "3.0.7", "3.0"),)),
    Cve("CVE-2023-0286", "Type confusion on X.400 addresses in GENERAL_NAME may let an "
        "attacker read memory or crash the process.",
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H", "2023-02-08", "none", DOS,
        (Fix("openssl-_-openssl", "3.0.8", "3.0"),)),
    Cve("CVE-2024-5535", "SSL_select_next_proto with an empty client list reads beyond the "
        "buffer.", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", "2024-06-27", "none", (),
        (Fix("openssl-_-openssl", "3.0.15", "3.0"),)),
    Cve("CVE-2024-6119", "Crafted X.509 name checks can read invalid memory and crash the "
        "process.", _NET_DOS, "2024-09-03", "none", DOS,
        (Fix("openssl-_-openssl", "3.0.15", "3.0"),)),
    Cve("CVE-2024-6387", "Signal handler race condition in sshd lets an unauthenticated "
        "attacker run code as root (regreSSHion).",
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "2024-07-01", "public", RCE,
        (Fix("openbsd-_-openssh", "9.8p1", introduced="8.5p1"),)),
    Cve("CVE-2023-48795", "Prefix truncation of the SSH transport protocol lets a "
        "man-in-the-middle downgrade connection security (Terrapin).",
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", "2023-12-18", "public", (),
        (Fix("openbsd-_-openssh", "9.6p1"), Fix("putty-_-putty", "0.80"))),
    Cve("CVE-2023-4911", "Buffer overflow in the dynamic loader's GLIBC_TUNABLES handling "
        "lets a local user gain root (Looney Tunables).", _LOCAL_PRIV, "2023-10-03",
        "verified", LPE, (Fix("gnu-_-glibc", "2.39", introduced="2.34"),)),
    Cve("CVE-2023-22809", "sudoedit mishandles extra arguments in editor variables, letting a "
        "user edit files they should not.", _LOCAL_PRIV, "2023-01-18", "public", LPE,
        (Fix("sudo_project-_-sudo", "1.9.12p2", introduced="1.8.0"),)),
    Cve("CVE-2023-38545", "Heap buffer overflow in curl's SOCKS5 proxy handshake with long "
        "host names.", _NET, "2023-10-18", "public", RCE,
        (Fix("haxx-_-curl", "8.4.0", introduced="7.69.0"),)),
    Cve("CVE-2024-3094", "Malicious code in the xz release tarballs backdoors liblzma and, "
        "through it, sshd.", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "2024-03-29",
        "verified", RCE, (Fix("tukaani-_-xz", "5.6.2", introduced="5.6.0"),)),
    Cve("CVE-2024-1086", "Use after free in the netfilter nf_tables component lets a local "
        "user gain root.", _LOCAL_PRIV, "2024-01-31", "verified", LPE,
        (Fix("linux-_-linux_kernel", "5.15.149", "5.15"),)),
    Cve("CVE-2024-10979", "PL/Perl lets an unprivileged database user change environment "
        "variables of the server process.", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
        "2024-11-14", "none", (), (Fix("postgresql-_-postgresql", "16.5", "16"),)),
    Cve("CVE-2021-23017", "Off-by-one in the nginx resolver lets a forged DNS response "
        "overwrite one byte of memory.", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:L/A:H",
        "2021-06-01", "public", RCE, (Fix("f5-_-nginx", "1.21.0", introduced="0.6.18"),)),
    windows_cve("CVE-2024-21412", "Internet Shortcut files can bypass Mark-of-the-Web "
                "security checks.", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N",
                "2024-02-13", "verified", ()),
    windows_cve("CVE-2024-38063", "Crafted IPv6 packets can run code in the Windows TCP/IP "
                "stack without authentication.", _NET, "2024-08-13", "public", RCE),
    windows_cve("CVE-2024-38193", "Use after free in the Ancillary Function Driver for "
                "WinSock lets a local user gain SYSTEM.", _LOCAL_PRIV, "2024-08-13",
                "verified", LPE),
    windows_cve("CVE-2024-43451", "A user's NTLMv2 hash leaks to an attacker when a crafted "
                "file is selected or inspected.",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N", "2024-11-12", "verified", ()),
    windows_cve("CVE-2024-49039", "Windows Task Scheduler lets a low-privileged "
                "AppContainer call RPC functions it should not.",
                "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", "2024-11-12", "verified",
                ("Privilege escalation",)),
    windows_cve("CVE-2024-49138", "Heap overflow in the Common Log File System driver lets a "
                "local user gain SYSTEM.", _LOCAL_PRIV, "2024-12-10", "verified", LPE),
    windows_cve("CVE-2025-21333", "Heap overflow in the Hyper-V NT Kernel Integration VSP "
                "lets a local user gain SYSTEM.", _LOCAL_PRIV, "2025-01-14", "verified", LPE,
                (*_WINDOWS_11_BUILDS, "20348")),
    windows_cve("CVE-2025-21418", "Ancillary Function Driver for WinSock flaw lets a local "
                "user gain SYSTEM.", _LOCAL_PRIV, "2025-02-11", "verified", LPE),
    windows_cve("CVE-2025-24983", "Use after free in the Win32 kernel subsystem lets a local "
                "user gain SYSTEM.", "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H",
                "2025-03-11", "verified", LPE, ("19044", "19045", "17763", "14393")),
    windows_cve("CVE-2025-29824", "Use after free in the Common Log File System driver lets "
                "a local user gain SYSTEM.", _LOCAL_PRIV, "2025-04-08", "verified", LPE),
    windows_cve("CVE-2025-30397", "Type confusion in the Microsoft Scripting Engine lets a "
                "crafted link run code.", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H",
                "2025-05-13", "verified", RCE),
    windows_cve("CVE-2024-49112", "Integer overflow in Windows LDAP lets crafted LDAP calls "
                "run code in the LDAP service.", _NET, "2024-12-10", "public", RCE),
    windows_cve("CVE-2025-21298", "Use after free in Windows OLE lets a crafted RTF email "
                "run code when previewed.", _NET, "2025-01-14", "public", RCE),
)  # fmt: skip
