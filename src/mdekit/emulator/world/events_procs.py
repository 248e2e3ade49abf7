"""Accounts, binaries and running processes, and the column blocks they fill in event rows.

Every event row of a Device* table names the process that caused it (the 30-odd
`InitiatingProcess*` columns, including that process's parent); a process-creation row
also describes the new process itself. A `Proc` computes both blocks once, as tuples in
a fixed column order, and each table picks the columns it has with an `itemgetter`, so a
million rows cost a tuple concatenation each. Times are integer microseconds since 1970."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mdekit.emulator.world.catalog_files import FILES_BY_KEY
from mdekit.emulator.world.catalog_images import IMAGE_SPECS, ImageSpec
from mdekit.emulator.world.ids import stable_hex
from mdekit.emulator.world.ticks import UNIX_EPOCH_TICKS

SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def ticks_to_us(ticks: int) -> int:
    """.NET ticks (the world's clock) to microseconds since 1970."""
    return (ticks - UNIX_EPOCH_TICKS) // 10


def us_to_ticks(us: int) -> int:
    return us * 10 + UNIX_EPOCH_TICKS


@dataclass(frozen=True, slots=True)
class Account:
    """Who a process runs as, in the form the Account* columns show."""

    domain: str | None
    name: str
    sid: str | None = None
    upn: str | None = None
    object_id: str | None = None
    kind: str = "system"
    """"system", "service", "user" or "admin"."""


SYSTEM = Account("nt authority", "system", "S-1-5-18")
LOCAL_SERVICE = Account("nt authority", "local service", "S-1-5-19")
NETWORK_SERVICE = Account("nt authority", "network service", "S-1-5-20")
SYSTEM_LOGON_IDS = {"S-1-5-18": 999, "S-1-5-19": 997, "S-1-5-20": 996}
"""Logon ids of the built-in sessions (0x3e7, 0x3e5, 0x3e4)."""


def file_hashes(key: str, name: str, size: int) -> tuple[str, str, str]:
    """SHA-1, SHA-256, MD5 of a catalogued file, as `entities.FileRegistry` derives them."""
    identity = f"{key}|{name}|{size}"
    return stable_hex(identity, "sha1"), stable_hex(identity, "sha256"), stable_hex(identity, "md5")


@dataclass(frozen=True, slots=True)
class Image:
    """A binary on a device: full path, hashes and version resource."""

    key: str
    name: str
    path: str
    folder: str
    sha1: str
    sha256: str
    md5: str
    size: int
    company: str | None
    product: str | None
    version: str | None
    description: str | None
    original: str | None
    internal: str | None
    signer: str | None
    issuer: str | None
    signer_type: str
    signature_status: str
    family: str


def _signer_type(spec: ImageSpec) -> str:
    if spec.signer is None:
        return "None"
    if spec.signer == "Microsoft Windows":
        return "OsVendor"
    return "Microsoft" if spec.signer.startswith("Microsoft") else "ThirdParty"


class Images:
    """Binaries by catalogue key, with per-user install folders filled in (cached)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], Image] = {}
        self._hashes: dict[str, tuple[str, str, str]] = {}

    def get(self, key: str, user: str = "") -> Image:
        cached = self._cache.get((key, user))
        if cached is not None:
            return cached
        spec = IMAGE_SPECS.get(key)
        base = FILES_BY_KEY.get(key)
        if spec is None:
            if base is None:
                raise KeyError(key)
            spec = ImageSpec(
                key,
                base.name,
                base.folder,
                base.size,
                base.family,
                base.publisher,
                base.product,
                None,
                None,
                None,
                base.signer,
                base.issuer,
            )
        elif base is not None:
            # The alert evidence's file facts win: same name, folder and size, same hashes.
            spec = ImageSpec(
                key,
                base.name,
                base.folder,
                base.size,
                spec.family,
                spec.company,
                spec.product,
                spec.version,
                spec.description,
                spec.original,
                spec.signer,
                spec.issuer,
            )
        folder = spec.folder.replace("{user}", user or "public")
        separator = "\\" if spec.family == "windows" else "/"
        hashes = self._hashes.get(key)
        if hashes is None:
            hashes = self._hashes[key] = file_hashes(key, spec.name, spec.size)
        sha1, sha256, md5 = hashes
        internal = spec.original.split(".")[0].upper() if spec.original else None
        image = Image(
            key,
            spec.name,
            f"{folder}{separator}{spec.name}",
            folder,
            sha1,
            sha256,
            md5,
            spec.size,
            spec.company,
            spec.product,
            spec.version,
            spec.description,
            spec.original,
            internal,
            spec.signer,
            spec.issuer,
            _signer_type(spec),
            "Valid" if spec.signer else "Unsigned",
            spec.family,
        )
        self._cache[(key, user)] = image
        return image

    def all_images(self) -> list[Image]:
        """Every catalogued binary (hashes do not depend on the user folder)."""
        return [self.get(key) for key in sorted(set(IMAGE_SPECS) | set(FILES_BY_KEY))]

    def all_signed(self) -> list[Image]:
        return [image for image in self.all_images() if image.signer]


class Proc:
    """One running process: its binary, command line, account and parent."""

    __slots__ = (
        "account",
        "cmd",
        "created",
        "elevation",
        "id",
        "image",
        "integrity",
        "logon_id",
        "parent",
        "pid",
        "remote",
        "session",
    )

    def __init__(
        self,
        image: Image,
        pid: int,
        created: int,
        cmd: str,
        account: Account,
        parent: Proc | None,
        *,
        logon_id: int | None = None,
        integrity: str | None = None,
        elevation: str | None = None,
        session: int | None = None,
        remote: tuple[str, str] | None = None,
    ) -> None:
        self.image = image
        self.pid = pid
        self.created = created
        self.cmd = cmd
        self.account = account
        self.parent = parent
        self.logon_id = logon_id
        self.integrity = integrity
        self.elevation = elevation
        self.session = session
        self.remote = remote
        """(device name, IP) of the remote session the process runs in, if any."""
        self.id = 0
        """Row id in the run's process table, given when an event first names it."""

    def row(self) -> tuple[Any, ...]:
        """The process-table row: id, case-kept path, then `INIT_COLUMNS` values."""
        image, account, parent = self.image, self.account, self.parent
        windows = image.family == "windows"
        remote = self.remote
        return (
            self.id,
            image.path,
            account.domain,
            account.name,
            account.sid,
            account.upn,
            account.object_id,
            self.logon_id,
            self.integrity,
            self.elevation,
            image.sha1,
            image.sha256,
            image.md5,
            image.name,
            image.size,
            image.company,
            image.product,
            image.version,
            image.internal,
            image.original,
            image.description,
            self.pid,
            self.cmd,
            self.created,
            image.path.lower() if windows else image.path,
            parent.pid if parent else None,
            parent.image.name if parent else None,
            parent.created if parent else None,
            image.signer_type if windows else None,
            image.signature_status if windows else None,
            self.session,
            remote is not None,
            remote[0] if remote else None,
            remote[1] if remote else None,
        )


INIT_COLUMNS = (
    "InitiatingProcessAccountDomain",
    "InitiatingProcessAccountName",
    "InitiatingProcessAccountSid",
    "InitiatingProcessAccountUpn",
    "InitiatingProcessAccountObjectId",
    "InitiatingProcessLogonId",
    "InitiatingProcessIntegrityLevel",
    "InitiatingProcessTokenElevation",
    "InitiatingProcessSHA1",
    "InitiatingProcessSHA256",
    "InitiatingProcessMD5",
    "InitiatingProcessFileName",
    "InitiatingProcessFileSize",
    "InitiatingProcessVersionInfoCompanyName",
    "InitiatingProcessVersionInfoProductName",
    "InitiatingProcessVersionInfoProductVersion",
    "InitiatingProcessVersionInfoInternalFileName",
    "InitiatingProcessVersionInfoOriginalFileName",
    "InitiatingProcessVersionInfoFileDescription",
    "InitiatingProcessId",
    "InitiatingProcessCommandLine",
    "InitiatingProcessCreationTime",
    "InitiatingProcessFolderPath",
    "InitiatingProcessParentId",
    "InitiatingProcessParentFileName",
    "InitiatingProcessParentCreationTime",
    "InitiatingProcessSignerType",
    "InitiatingProcessSignatureStatus",
    "InitiatingProcessSessionId",
    "IsInitiatingProcessRemoteSession",
    "InitiatingProcessRemoteSessionDeviceName",
    "InitiatingProcessRemoteSessionIP",
)
OWN_FROM_INIT = {
    "FileName": "InitiatingProcessFileName",
    "FolderPath": "_path",
    "SHA1": "InitiatingProcessSHA1",
    "SHA256": "InitiatingProcessSHA256",
    "MD5": "InitiatingProcessMD5",
    "FileSize": "InitiatingProcessFileSize",
    "ProcessVersionInfoCompanyName": "InitiatingProcessVersionInfoCompanyName",
    "ProcessVersionInfoProductName": "InitiatingProcessVersionInfoProductName",
    "ProcessVersionInfoProductVersion": "InitiatingProcessVersionInfoProductVersion",
    "ProcessVersionInfoInternalFileName": "InitiatingProcessVersionInfoInternalFileName",
    "ProcessVersionInfoOriginalFileName": "InitiatingProcessVersionInfoOriginalFileName",
    "ProcessVersionInfoFileDescription": "InitiatingProcessVersionInfoFileDescription",
    "ProcessId": "InitiatingProcessId",
    "ProcessCommandLine": "InitiatingProcessCommandLine",
    "ProcessIntegrityLevel": "InitiatingProcessIntegrityLevel",
    "ProcessTokenElevation": "InitiatingProcessTokenElevation",
    "ProcessCreationTime": "InitiatingProcessCreationTime",
    "AccountDomain": "InitiatingProcessAccountDomain",
    "AccountName": "InitiatingProcessAccountName",
    "AccountSid": "InitiatingProcessAccountSid",
    "AccountUpn": "InitiatingProcessAccountUpn",
    "AccountObjectId": "InitiatingProcessAccountObjectId",
    "LogonId": "InitiatingProcessLogonId",
    "CreatedProcessSessionId": "InitiatingProcessSessionId",
    "IsProcessRemoteSession": "IsInitiatingProcessRemoteSession",
    "ProcessRemoteSessionDeviceName": "InitiatingProcessRemoteSessionDeviceName",
    "ProcessRemoteSessionIP": "InitiatingProcessRemoteSessionIP",
}
"""A process event's columns about the new process, read from its process-table row."""
PROC_TABLE = "_mdekit_procs"
PROC_COLUMNS = ("_id", "_path", *INIT_COLUMNS)
"""The run's process table: one row per process some event names."""
