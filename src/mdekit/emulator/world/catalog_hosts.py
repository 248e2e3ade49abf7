"""Data tables for devices and people: operating systems, roles, device groups, names.

Only data lives here; `machines.py` and `users.py` draw from it. Weights are relative."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OsRelease:
    """One operating system release as the Machine entity reports it."""

    os_platform: str
    version: str
    os_build: int | None
    family: str
    """"windows", "linux" or "macos": what the event generator keys on."""
    agent_version: str
    os_processor: str = "x64"
    weight: int = 1


CLIENT_RELEASES = (
    OsRelease("Windows11", "23H2", 22631, "windows", "10.8760.22631.4460", weight=34),
    OsRelease("Windows11", "24H2", 26100, "windows", "10.8760.26100.2314", weight=22),
    OsRelease("Windows11", "22H2", 22621, "windows", "10.8760.22621.4460", weight=6),
    OsRelease("Windows10", "22H2", 19045, "windows", "10.8760.19045.5131", weight=30),
    OsRelease("Windows10", "21H2", 19044, "windows", "10.8760.19044.5131", weight=5),
    OsRelease("macOS", "14.7", None, "macos", "101.24092.0004", "ARM64", weight=5),
    OsRelease("macOS", "15.1", None, "macos", "101.24092.0004", "ARM64", weight=3),
)

SERVER_RELEASES = (
    OsRelease("WindowsServer2022", "21H2", 20348, "windows", "10.8760.20348.2849", weight=40),
    OsRelease("WindowsServer2019", "1809", 17763, "windows", "10.8760.17763.6532", weight=35),
    OsRelease("WindowsServer2016", "1607", 14393, "windows", "10.8760.14393.7515", weight=8),
    OsRelease("Linux", "22.04", None, "linux", "101.24082.0004", weight=10),
    OsRelease("Linux", "9.4", None, "linux", "101.24082.0004", weight=7),
)


@dataclass(frozen=True)
class ServerRole:
    """A server role: its name stem, device group and how it is valued."""

    stem: str
    group: str
    device_value: str
    family: str
    weight: int


SERVER_ROLES = (
    ServerRole("srv-dc", "Servers - Tier 0", "High", "windows", 3),
    ServerRole("srv-sql", "Servers", "High", "windows", 6),
    ServerRole("srv-file", "Servers", "Normal", "windows", 5),
    ServerRole("srv-app", "Servers", "Normal", "windows", 8),
    ServerRole("srv-web", "Servers", "Normal", "windows", 6),
    ServerRole("srv-rds", "Servers", "Normal", "windows", 3),
    ServerRole("srv-exch", "Servers - Tier 0", "High", "windows", 2),
    ServerRole("lnx-web", "Linux Servers", "Normal", "linux", 5),
    ServerRole("lnx-db", "Linux Servers", "High", "linux", 3),
    ServerRole("lnx-build", "Linux Servers", "Low", "linux", 2),
)

CLIENT_GROUPS = ("Workstations", "Workstations - Finance", "Workstations - Engineering")
MAC_GROUP = "Mac Devices"
UNASSIGNED_GROUP = "UnassignedGroup"
DEVICE_GROUPS = (
    *CLIENT_GROUPS,
    MAC_GROUP,
    "Servers",
    "Servers - Tier 0",
    "Linux Servers",
    UNASSIGNED_GROUP,
)
"""Device groups (RBAC groups) of a tenant, in the order their ids are handed out."""

SERVER_FRACTION = 0.14
"""Share of servers among devices, roughly what a mid-size organization has."""

CLIENT_TAGS = ("VIP", "Finance", "Remote", "Pilot", "Kiosk", "Developer")
SERVER_TAGS = ("Production", "PCI", "Internet facing", "Backup", "Critical")

HEALTH_WEIGHTS = (
    ("Active", 90),
    ("Inactive", 6),
    ("ImpairedCommunication", 2),
    ("NoSensorData", 1),
    ("NoSensorDataImpairedCommunication", 1),
)
EXPOSURE_WEIGHTS = (("None", 3), ("Low", 35), ("Medium", 47), ("High", 15))
CLIENT_VALUE_WEIGHTS = (("Normal", 90), ("Low", 5), ("High", 5))
AV_STATUS_WEIGHTS = (("Updated", 88), ("OutOfDate", 9), ("Unknown", 3))
MANAGED_BY_WEIGHTS = (("Intune", 70), ("MicrosoftDefenderForEndpoint", 15), ("ConfigMgr", 15))

SITES = (
    # (second octet of the private range, public egress addresses of the site)
    (10, ("203.0.113.24", "203.0.113.25")),
    (20, ("198.51.100.70",)),
    (30, ("203.0.113.140",)),
)
"""Office sites: devices get 10.<site>.x.y addresses and leave through the site egress.
Documentation ranges (RFC 5737) stand in for public addresses."""

FIRST_NAMES = (
    "Adele", "Alex", "Allan", "Amir", "Ana", "Ben", "Bianca", "Carlos", "Chen", "Chloe",
    "Daniel", "Diego", "Elena", "Emily", "Farah", "Felix", "Grace", "Hannah", "Hiro", "Ines",
    "Isaac", "Jana", "Jonas", "Julia", "Kai", "Karin", "Lara", "Lee", "Lena", "Lucas",
    "Maria", "Mateo", "Megan", "Mia", "Nadia", "Nathan", "Nina", "Omar", "Pat", "Priya",
    "Quinn", "Rafael", "Ravi", "Rosa", "Sam", "Sara", "Sofia", "Tom", "Uma", "Victor",
    "Wei", "Yara", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Bauer", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Gupta",
    "Hansen", "Ito", "Jensen", "Khan", "Kim", "Kowalski", "Larsen", "Lopez", "Martin",
    "Meyer", "Moreau", "Nakamura", "Novak", "Okafor", "Olsen", "Patel", "Perez", "Quist",
    "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Torres", "Vance",
    "Wagner", "Weber", "Wilson", "Young", "Zhang", "Ziegler",
)  # fmt: skip

SERVICE_ACCOUNTS = ("svc-sql", "svc-backup", "svc-iis", "svc-scan", "svc-deploy", "svc-monitor")
ANALYSTS = ("secops1", "secops2", "soc.analyst", "ir.lead")
"""Local parts of the SOC analysts who assign and comment alerts."""
