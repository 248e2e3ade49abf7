"""Data: the software products devices run, with their releases, paths and support dates.

Names follow TVM's CPE-style spelling (`vendor-_-name`, lower case, underscores). Each
product lists real public releases (version and ship date), oldest first; a device gets
one of the releases that existed when it last reported, how far behind depends on the
device's exposure. Windows releases come from the monthly cumulative updates, so a
Windows device's OS version names the KB it has. Only data lives here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Release:
    """One version of a product and the day its vendor shipped it."""

    version: str
    date: str


@dataclass(frozen=True)
class Product:
    """A product TVM inventories."""

    vendor: str
    name: str
    display: str
    """Human name ("Chrome"): a recommendation's `relatedComponent`."""
    releases: tuple[Release, ...]
    rates: tuple[tuple[str, float], ...]
    """(machine kind, install probability); the first kind the device has wins."""
    paths: tuple[tuple[str, str], ...] = ()
    """(family, disk path); `{user}` is the primary user's account name."""
    registry: str | None = None
    """Uninstall key (Windows); `{sid}` is the primary user's SID, `{version}` the version."""
    eos_date: str | None = None
    """End of support of the whole product ("EOS Software")."""
    eos_lines: tuple[tuple[str, str], ...] = ()
    """(version line, date): end of support of some versions ("EOS Version")."""
    remediation: str = "Update"
    os_lines: bool = False
    """An operating system: a device only gets releases of its own line (build)."""

    @property
    def id(self) -> str:
        return f"{self.vendor}-_-{self.name}"


def rel(*pairs: str) -> tuple[Release, ...]:
    """Releases from alternating version/date strings."""
    return tuple(Release(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))


WINDOWS_UPDATES: tuple[tuple[str, dict[str, tuple[int, str]]], ...] = (
    # (Patch Tuesday, {build: (revision, KB number)}): the monthly cumulative updates.
    ("2024-08-13", {"22631": (4037, "5041585"), "19045": (4780, "5041580"),
                    "20348": (2655, "5041160"), "17763": (6189, "5041578"),
                    "14393": (7259, "5041773")}),
    ("2024-10-08", {"22631": (4317, "5044285"), "26100": (2033, "5044284"),
                    "19045": (5011, "5044273"), "20348": (2762, "5044281"),
                    "17763": (6414, "5044277"), "14393": (7428, "5044293")}),
    ("2024-11-12", {"22631": (4460, "5046633"), "26100": (2314, "5046617"),
                    "19045": (5131, "5046613"), "20348": (2849, "5046616"),
                    "17763": (6532, "5046615"), "14393": (7515, "5046612")}),
    ("2024-12-10", {"22631": (4602, "5048685"), "26100": (2605, "5048667"),
                    "19045": (5247, "5048652"), "20348": (2966, "5048654"),
                    "17763": (6659, "5048661"), "14393": (7606, "5048671")}),
    ("2025-01-14", {"22631": (4751, "5050021"), "26100": (2894, "5050009"),
                    "19045": (5371, "5049981"), "20348": (3091, "5049983"),
                    "17763": (6775, "5050008"), "14393": (7699, "5049993")}),
    ("2025-02-11", {"22631": (4890, "5051989"), "26100": (3194, "5051987"),
                    "19045": (5487, "5051974"), "20348": (3207, "5051979"),
                    "17763": (6893, "5052000"), "14393": (7785, "5052006")}),
    ("2025-03-11", {"22631": (5039, "5053602"), "26100": (3476, "5053598"),
                    "19045": (5608, "5053606"), "20348": (3328, "5053603"),
                    "17763": (7009, "5053596"), "14393": (7876, "5053594")}),
    ("2025-04-08", {"22631": (5189, "5055528"), "26100": (3775, "5055523"),
                    "19045": (5737, "5055518"), "20348": (3453, "5055526"),
                    "17763": (7136, "5055519"), "14393": (7970, "5055521")}),
    ("2025-05-13", {"22631": (5335, "5058405"), "26100": (4061, "5058411"),
                    "19045": (5854, "5058379"), "20348": (3692, "5058385"),
                    "17763": (7314, "5058392"), "14393": (8066, "5058383")}),
)  # fmt: skip
SHARED_BUILDS = {"22621": "22631", "19044": "19045"}
"""Builds that get the same update (same revision, same KB) as another build."""
WINDOWS_PRODUCT_BY_BUILD = {
    "22621": "windows_11",
    "22631": "windows_11",
    "26100": "windows_11",
    "19044": "windows_10",
    "19045": "windows_10",
    "20348": "windows_server_2022",
    "17763": "windows_server_2019",
    "14393": "windows_server_2016",
}


def windows_update(date: str, build: str) -> tuple[int, str] | None:
    """The (revision, KB) a build got on a Patch Tuesday, or None."""
    for day, builds in WINDOWS_UPDATES:
        if day == date:
            return builds.get(SHARED_BUILDS.get(build, build))
    return None


def _windows_releases(name: str) -> tuple[Release, ...]:
    releases = []
    for build, product in sorted(WINDOWS_PRODUCT_BY_BUILD.items()):
        if product != name:
            continue
        for day, builds in WINDOWS_UPDATES:
            update = builds.get(SHARED_BUILDS.get(build, build))
            if update is not None:
                releases.append(Release(f"10.0.{build}.{update[0]}", day))
    return tuple(releases)


def _windows(
    name: str,
    display: str,
    eos_date: str | None = None,
    eos_lines: tuple[tuple[str, str], ...] = (),
) -> Product:
    return Product(
        "microsoft",
        name,
        display,
        _windows_releases(name),
        rates=(),
        eos_date=eos_date,
        eos_lines=eos_lines,
        os_lines=True,
    )


OPERATING_SYSTEMS = (
    _windows("windows_11", "Windows 11", eos_lines=(("10.0.22621", "2025-10-14"),)),
    _windows("windows_10", "Windows 10", eos_date="2025-10-14"),
    _windows("windows_server_2022", "Windows Server 2022"),
    _windows("windows_server_2019", "Windows Server 2019"),
    _windows("windows_server_2016", "Windows Server 2016", eos_date="2027-01-12"),
    Product(
        "apple",
        "macos",
        "macOS",
        rel("14.7", "2024-09-16", "14.7.1", "2024-10-28", "14.7.2", "2024-12-11",
            "14.7.4", "2025-02-10", "14.7.5", "2025-03-31", "14.7.6", "2025-05-12",
            "15.1", "2024-10-28", "15.1.1", "2024-11-19"),
        rates=(),
        os_lines=True,
    ),
    Product(
        "canonical", "ubuntu_linux", "Ubuntu Linux", rel("22.04", "2022-04-21"), (), os_lines=True
    ),
    Product(
        "redhat", "enterprise_linux", "Red Hat Enterprise Linux", rel("9.4", "2024-04-30"), (),
        os_lines=True,
    ),
)  # fmt: skip

_UNINSTALL = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"
_UNINSTALL32 = (
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"
)
_USER_UNINSTALL = "HKEY_USERS\\{sid}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"

APPLICATIONS = (
    Product(
        "microsoft", "edge", "Edge",
        rel("116.0.1938.81", "2023-09-15", "117.0.2045.47", "2023-09-29",
            "120.0.2210.144", "2024-01-17", "124.0.2478.97", "2024-05-14",
            "125.0.2535.67", "2024-05-24", "128.0.2739.42", "2024-08-22",
            "130.0.2849.80", "2024-11-14", "131.0.2903.112", "2024-12-19",
            "133.0.3065.92", "2025-02-21", "134.0.3124.93", "2025-03-27",
            "136.0.3240.76", "2025-05-15"),
        (("windows", 1.0), ("macos", 0.25)),
        (("windows", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"),
         ("macos", "/Applications/Microsoft Edge.app")),
        _UNINSTALL32 + "Microsoft Edge",
    ),
    Product(
        "google", "chrome", "Chrome",
        rel("116.0.5845.188", "2023-09-12", "117.0.5938.132", "2023-09-27",
            "120.0.6099.225", "2024-01-16", "124.0.6367.202", "2024-05-13",
            "125.0.6422.112", "2024-05-23", "128.0.6613.84", "2024-08-21",
            "130.0.6723.117", "2024-11-12", "131.0.6778.205", "2024-12-18",
            "133.0.6943.127", "2025-02-19", "134.0.6998.178", "2025-03-26",
            "136.0.7103.114", "2025-05-14"),
        (("win-client", 0.75), ("macos", 0.8), ("win-server", 0.1)),
        (("windows", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"),
         ("macos", "/Applications/Google Chrome.app")),
        _UNINSTALL + "Google Chrome",
    ),
    Product(
        "mozilla", "firefox", "Firefox",
        rel("117.0.1", "2023-09-12", "118.0.1", "2023-09-29", "124.0.1", "2024-03-22",
            "131.0.2", "2024-10-09", "133.0.3", "2024-12-10", "136.0", "2025-03-04",
            "138.0.1", "2025-05-01"),
        (("win-client", 0.18), ("macos", 0.2)),
        (("windows", "C:\\Program Files\\Mozilla Firefox\\firefox.exe"),
         ("macos", "/Applications/Firefox.app")),
        _UNINSTALL + "Mozilla Firefox {version} (x64 en-US)",
    ),
    Product(
        "microsoft", "office", "Microsoft 365 Apps",
        rel("16.0.16130.20332", "2023-03-14", "16.0.16626.20170", "2023-08-08",
            "16.0.17425.20176", "2024-04-09", "16.0.17628.20144", "2024-06-11",
            "16.0.17726.20160", "2024-07-09", "16.0.18129.20158", "2024-11-12",
            "16.0.18324.20194", "2025-01-14", "16.0.18429.20158", "2025-02-11",
            "16.0.18623.20208", "2025-04-08", "16.0.18730.20142", "2025-05-13"),
        (("win-client", 0.92), ("srv-rds", 1.0)),
        (("windows", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"),),
        _UNINSTALL + "O365ProPlusRetail - en-us",
    ),
    Product(
        "microsoft", "teams", "Microsoft Teams",
        rel("24165.1414.2987.41", "2024-07-15", "24295.605.3225.8804", "2024-11-05",
            "25044.2208.3471.2155", "2025-03-04"),
        (("win-client", 0.85), ("macos", 0.6)),
        (("windows", "C:\\Program Files\\WindowsApps\\MSTeams_8wekyb3d8bbwe\\ms-teams.exe"),
         ("macos", "/Applications/Microsoft Teams.app")),
    ),
    Product(
        "microsoft", "onedrive", "OneDrive",
        rel("24.151.0728.0003", "2024-08-19", "24.201.1006.0005", "2024-11-04",
            "25.040.0302.0002", "2025-03-24"),
        (("win-client", 0.95), ("macos", 0.5)),
        (("windows", "C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe"),
         ("macos", "/Applications/OneDrive.app")),
        _USER_UNINSTALL + "OneDriveSetup.exe",
    ),
    Product(
        "microsoft", ".net_framework", ".NET Framework",
        rel("4.8.04084", "2019-04-18", "4.8.09032", "2022-08-09"),
        (("windows", 1.0),),
        (),
        "SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full\\Install",
    ),
    Product(
        "microsoft", "visual_studio_code", "Visual Studio Code",
        rel("1.90.2", "2024-06-18", "1.95.3", "2024-11-13", "1.100.2", "2025-05-15"),
        (("win-client", 0.2), ("macos", 0.35), ("lnx-build", 0.5)),
        (("windows", "C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe"),
         ("macos", "/Applications/Visual Studio Code.app"), ("linux", "/usr/share/code/code")),
    ),
    Product(
        "zoom", "zoom", "Zoom",
        rel("5.15.11", "2023-09-18", "5.16.5", "2024-01-09", "5.17.11", "2024-04-15",
            "6.1.5", "2024-07-15", "6.2.11", "2024-12-10", "6.4.0", "2025-03-17"),
        (("win-client", 0.4), ("macos", 0.5)),
        (("windows", "C:\\Users\\{user}\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe"),
         ("macos", "/Applications/zoom.us.app")),
        _USER_UNINSTALL + "ZoomUMX",
    ),
    Product(
        "adobe", "acrobat_reader_dc", "Adobe Acrobat Reader",
        rel("23.003.20284", "2023-08-08", "23.006.20320", "2023-09-12",
            "24.002.21005", "2024-07-09", "24.003.20112", "2024-09-10",
            "24.005.20320", "2024-12-10", "25.001.20428", "2025-03-11"),
        (("win-client", 0.55), ("macos", 0.3)),
        (("windows", "C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe"),
         ("macos", "/Applications/Adobe Acrobat Reader.app")),
        _UNINSTALL + "{AC76BA86-1033-1033-7760-BC15014EA700}",
    ),
    Product(
        "7-zip", "7-zip", "7-Zip",
        rel("19.00", "2019-02-21", "21.07", "2021-12-26", "22.01", "2022-07-15",
            "23.01", "2023-06-20", "24.07", "2024-06-19", "24.08", "2024-08-11",
            "24.09", "2024-11-29"),
        (("win-client", 0.35), ("win-server", 0.3)),
        (("windows", "C:\\Program Files\\7-Zip\\7zFM.exe"),),
        _UNINSTALL + "7-Zip",
    ),
    Product(
        "rarlab", "winrar", "WinRAR",
        rel("6.11", "2022-03-20", "6.22", "2023-05-15", "6.23", "2023-08-02",
            "7.01", "2024-05-13", "7.10", "2025-02-25"),
        (("win-client", 0.08),),
        (("windows", "C:\\Program Files\\WinRAR\\WinRAR.exe"),),
        _UNINSTALL + "WinRAR archiver",
    ),
    Product(
        "oracle", "jre", "Java Runtime Environment",
        rel("8.0.361", "2023-01-17", "8.0.371", "2023-04-18", "8.0.381", "2023-07-18",
            "8.0.391", "2023-10-17", "8.0.401", "2024-01-16", "8.0.411", "2024-04-16",
            "8.0.421", "2024-07-16", "8.0.431", "2024-10-15", "8.0.441", "2025-01-21",
            "8.0.451", "2025-04-15"),
        (("win-client", 0.2), ("srv-app", 0.6), ("win-server", 0.1)),
        (("windows", "C:\\Program Files\\Java\\jre-1.8\\bin\\java.exe"),),
        _UNINSTALL + "{26A24AE4-039D-4CA4-87B4-2F64180{version}F0}",
    ),
    Product(
        "notepad++", "notepad++", "Notepad++",
        rel("8.5.4", "2023-06-20", "8.5.7", "2023-09-06", "8.6.9", "2024-07-03",
            "8.7.5", "2024-12-25", "8.8.1", "2025-05-20"),
        (("win-client", 0.18), ("win-server", 0.2)),
        (("windows", "C:\\Program Files\\Notepad++\\notepad++.exe"),),
        _UNINSTALL + "Notepad++",
    ),
    Product(
        "putty", "putty", "PuTTY",
        rel("0.78", "2022-10-29", "0.79", "2023-08-26", "0.80", "2023-12-18",
            "0.81", "2024-04-15", "0.82", "2024-11-27", "0.83", "2025-02-08"),
        (("win-client", 0.08), ("win-server", 0.25)),
        (("windows", "C:\\Program Files\\PuTTY\\putty.exe"),),
        _UNINSTALL + "PuTTY release {version} (64-bit)",
    ),
    Product(
        "git-scm", "git", "Git",
        rel("2.42.0", "2023-08-21", "2.44.0", "2024-02-23", "2.45.1", "2024-05-14",
            "2.47.1", "2024-11-25", "2.49.0", "2025-03-17"),
        (("win-client", 0.12), ("lnx-build", 1.0)),
        (("windows", "C:\\Program Files\\Git\\cmd\\git.exe"), ("linux", "/usr/bin/git")),
        _UNINSTALL + "Git_is1",
    ),
    Product(
        "python", "python", "Python",
        rel("3.11.9", "2024-04-02", "3.12.8", "2024-12-03", "3.13.3", "2025-04-08"),
        (("win-client", 0.1), ("lnx-build", 1.0)),
        (("windows", "C:\\Program Files\\Python312\\python.exe"),
         ("linux", "/usr/bin/python3")),
    ),
    Product(
        "microsoft", "visual_c++_2015-2022_redistributable", "Visual C++ Redistributable",
        rel("14.38.33135.0", "2023-11-14", "14.42.34433.0", "2024-11-12"),
        (("windows", 0.9),),
        (),
        _UNINSTALL32 + "{57A73DF6-4BA9-4C1D-BBBB-517289FF6C13}",
    ),
    Product(
        "microsoft", "sql_server_2019", "SQL Server 2019",
        rel("15.0.4385.2", "2024-08-01", "15.0.4415.2", "2025-01-14"),
        (("srv-sql", 1.0),),
        (("windows", "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL"
                      "\\Binn\\sqlservr.exe"),),
        _UNINSTALL + "Microsoft SQL Server SQL2019",
        eos_lines=(("15.0", "2030-01-08"),),
    ),
    Product(
        "microsoft", "exchange_server_2019", "Exchange Server 2019",
        rel("15.2.1258.12", "2023-05-03", "15.2.1544.4", "2024-02-13",
            "15.2.1544.14", "2024-11-12", "15.2.1748.10", "2025-02-10"),
        (("srv-exch", 1.0),),
        (("windows", "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin\\"
                      "Microsoft.Exchange.Store.Service.exe"),),
        _UNINSTALL + "Microsoft Exchange v15",
        eos_date="2025-10-14",
    ),
    # Linux packages (upstream version numbers).
    Product(
        "openssl", "openssl", "OpenSSL",
        rel("3.0.2", "2022-03-15", "3.0.7", "2022-11-01", "3.0.8", "2023-02-07",
            "3.0.13", "2024-01-30", "3.0.15", "2024-09-03", "3.0.16", "2025-02-11"),
        (("linux", 1.0),),
        (("linux", "/usr/bin/openssl"),),
    ),
    Product(
        "openbsd", "openssh", "OpenSSH",
        rel("8.9p1", "2022-02-23", "9.3p2", "2023-07-19", "9.6p1", "2023-12-18",
            "9.8p1", "2024-07-01", "9.9p1", "2024-09-20"),
        (("linux", 1.0),),
        (("linux", "/usr/sbin/sshd"),),
    ),
    Product(
        "gnu", "glibc", "glibc",
        rel("2.34", "2021-08-02", "2.35", "2022-02-03", "2.39", "2024-01-31",
            "2.40", "2024-07-22"),
        (("linux", 1.0),),
        (("linux", "/usr/lib/x86_64-linux-gnu/libc.so.6"),),
    ),
    Product(
        "sudo_project", "sudo", "sudo",
        rel("1.9.9", "2022-01-19", "1.9.12p2", "2023-01-18", "1.9.15p5", "2023-12-30",
            "1.9.16p2", "2024-11-25"),
        (("linux", 1.0),),
        (("linux", "/usr/bin/sudo"),),
    ),
    Product(
        "haxx", "curl", "curl",
        rel("7.81.0", "2022-01-05", "8.4.0", "2023-10-11", "8.5.0", "2023-12-06",
            "8.11.1", "2024-12-11", "8.13.0", "2025-04-02"),
        (("linux", 1.0),),
        (("linux", "/usr/bin/curl"),),
    ),
    Product(
        "tukaani", "xz", "XZ Utils",
        rel("5.2.5", "2020-03-17", "5.4.5", "2023-11-01", "5.6.1", "2024-03-09",
            "5.6.2", "2024-05-29", "5.8.1", "2025-04-03"),
        (("linux", 1.0),),
        (("linux", "/usr/bin/xz"),),
    ),
    Product(
        "linux", "linux_kernel", "Linux kernel",
        rel("5.15.116", "2023-06-09", "5.15.149", "2024-02-23", "5.15.167", "2024-09-12",
            "5.15.180", "2025-04-10"),
        (("linux", 1.0),),
        (("linux", "/boot/vmlinuz"),),
    ),
    Product(
        "f5", "nginx", "nginx",
        rel("1.18.0", "2020-04-21", "1.24.0", "2023-04-11", "1.26.2", "2024-08-14",
            "1.28.0", "2025-04-23"),
        (("lnx-web", 1.0),),
        (("linux", "/usr/sbin/nginx"),),
    ),
    Product(
        "postgresql", "postgresql", "PostgreSQL",
        rel("16.2", "2024-02-08", "16.4", "2024-08-08", "16.5", "2024-11-14",
            "16.8", "2025-02-20", "16.9", "2025-05-08"),
        (("lnx-db", 1.0),),
        (("linux", "/usr/lib/postgresql/16/bin/postgres"),),
    ),
)  # fmt: skip

PRODUCTS = OPERATING_SYSTEMS + APPLICATIONS
"""Every product, operating systems first."""

OS_PRODUCT_BY_RELEASE = {
    # (osPlatform, version) of the Machine entity -> (product name, version line)
    ("Windows11", "22H2"): ("windows_11", "10.0.22621"),
    ("Windows11", "23H2"): ("windows_11", "10.0.22631"),
    ("Windows11", "24H2"): ("windows_11", "10.0.26100"),
    ("Windows10", "22H2"): ("windows_10", "10.0.19045"),
    ("Windows10", "21H2"): ("windows_10", "10.0.19044"),
    ("WindowsServer2022", "21H2"): ("windows_server_2022", "10.0.20348"),
    ("WindowsServer2019", "1809"): ("windows_server_2019", "10.0.17763"),
    ("WindowsServer2016", "1607"): ("windows_server_2016", "10.0.14393"),
    ("macOS", "14.7"): ("macos", "14.7"),
    ("macOS", "15.1"): ("macos", "15.1"),
    ("Linux", "22.04"): ("ubuntu_linux", "22.04"),
    ("Linux", "9.4"): ("enterprise_linux", "9.4"),
}

NON_CPE_SOFTWARE = (
    # (vendor, name, version, machine kind): software TVM sees but cannot match to a CPE.
    ("{org} lob apps", "expense_client", "3.2.1", "win-client"),
    ("{org} lob apps", "timesheet", "60.273.3", "win-client"),
    ("intel", "intel®_software_installer", "22.20.2.2", "win-client"),
    ("realtek", "realtek_audio_driver", "6.0.9549.1", "win-client"),
    ("dell", "dell_supportassist", "4.2.1.25", "win-client"),
    ("microsoft", "vs_communitymsi", "17.11.35222.181", "win-client"),
    ("{org} it", "asset_tag_agent", "1.4.0", "windows"),
    ("veeam", "veeam_agent_for_microsoft_windows", "6.1.2.134", "win-server"),
    ("{org} it", "inventory_collector", "2.0.7", "linux"),
)
