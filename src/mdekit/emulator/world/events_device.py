"""One device as the event generator sees it, and the writer of its Device* event rows.

`Device` holds what every row repeats (id, name, addresses) and the device's ReportId
counter: like the real sensor, each device numbers its reports itself, so a ReportId is
unique per device (the service documents it as unique together with DeviceName and
Timestamp). `Emitter` turns one event into one row tuple per table and appends it to
that table's sink; every method returns the ReportId it used."""

from __future__ import annotations

import bisect
import json
import random
from dataclasses import dataclass, field
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

import duckdb

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.emulator.world.events_load import DUCKDB_TYPES, Sinks, TableSink
from mdekit.emulator.world.events_procs import (
    INIT_COLUMNS,
    OWN_FROM_INIT,
    PROC_COLUMNS,
    PROC_TABLE,
    Account,
    Image,
    Proc,
)


@dataclass
class Device:
    """A device's identity and state during generation."""

    index: int
    id: str
    name: str
    short: str
    family: str
    role: str
    """"workstation", "mac", or a server role stem such as "srv-dc" or "lnx-web"."""
    is_server: bool
    local_ip: str
    public_ip: str
    start: int
    """First moment (µs) the device reports in the window."""
    end: int
    """Last moment (µs) the device reports."""
    users: list[Account] = field(default_factory=list)
    """Domain accounts that sign in here, the primary user first."""
    rng: random.Random = field(default_factory=random.Random)
    rid: int = 1
    tags: tuple[str, ...] = ()
    group: str = ""
    lease_starts: list[int] = field(default_factory=list)
    lease_addresses: list[str] = field(default_factory=list)
    """The internal addresses the device held, from when (µs), oldest first."""

    def address_at(self, at: int) -> str:
        """The internal address the device had at `at` (its current one if unknown)."""
        starts = self.lease_starts
        if len(starts) < 2:
            return self.local_ip
        index = bisect.bisect_right(starts, at) - 1
        return self.lease_addresses[max(index, 0)]

    def next_rid(self) -> int:
        rid = self.rid
        self.rid = rid + 1 + (rid & 1)
        return rid


def ip_type(address: str) -> str:
    """RemoteIPType/LocalIPType of an address, in the service's vocabulary."""
    if address.startswith("::ffff:"):
        return "FourToSixMapping"
    if address.startswith("127.") or address == "::1":
        return "Loopback"
    if address.startswith(("10.", "192.168.", "fe80:", "fd")):
        return "Private"
    if address.startswith("172."):
        second = int(address.split(".")[1])
        return "Private" if 16 <= second <= 31 else "Public"
    if address.startswith(("169.254.", "0.")):
        return "Reserved"
    if address == "255.255.255.255" or address.startswith("224."):
        return "Broadcast"
    return "Public"


_COMPACT = json.JSONEncoder(separators=(",", ":"))
_C_COMPACT = (
    None
    if c_make_encoder is None
    else c_make_encoder(
        None, _COMPACT.default, encode_basestring_ascii, None, ":", ",", False, False, True
    )
)
"""One encoder for every row, as `_COMPACT.encode` would build for each call (the same text):
`json.dumps` with arguments builds a new encoder per call, and the hunting tables encode a
few hundred thousand values (a third of the time, before)."""


def compact_json(value: Any) -> str:
    if _C_COMPACT is None or isinstance(value, str):
        return _COMPACT.encode(value)
    return "".join(_C_COMPACT(value, 0))


PROCESS = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "ReportId",
    "AdditionalFields",
    "_c",
)
NETWORK = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "RemoteIP",
    "RemotePort",
    "RemoteUrl",
    "LocalIP",
    "LocalPort",
    "Protocol",
    "LocalIPType",
    "RemoteIPType",
    "ReportId",
    "AdditionalFields",
)
FILE = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "FileName",
    "FolderPath",
    "SHA1",
    "SHA256",
    "MD5",
    "FileSize",
    "FileOriginUrl",
    "FileOriginReferrerUrl",
    "FileOriginIP",
    "PreviousFolderPath",
    "PreviousFileName",
    "RequestProtocol",
    "RequestSourceIP",
    "RequestAccountName",
    "RequestAccountDomain",
    "ShareName",
    "ReportId",
    "AdditionalFields",
)
REGISTRY = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "RegistryKey",
    "RegistryValueType",
    "RegistryValueName",
    "RegistryValueData",
    "PreviousRegistryKey",
    "PreviousRegistryValueName",
    "PreviousRegistryValueData",
    "ReportId",
)
LOGON = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "LogonType",
    "AccountDomain",
    "AccountName",
    "AccountSid",
    "Protocol",
    "FailureReason",
    "IsLocalAdmin",
    "LogonId",
    "RemoteDeviceName",
    "RemoteIP",
    "RemoteIPType",
    "RemotePort",
    "ReportId",
    "AdditionalFields",
)
IMAGE = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "FileName",
    "FolderPath",
    "SHA1",
    "SHA256",
    "MD5",
    "FileSize",
    "ReportId",
)
EVENT = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "FileName",
    "FolderPath",
    "SHA1",
    "SHA256",
    "MD5",
    "FileSize",
    "AccountDomain",
    "AccountName",
    "AccountSid",
    "RemoteUrl",
    "RemoteDeviceName",
    "ProcessId",
    "ProcessCommandLine",
    "ProcessCreationTime",
    "ProcessTokenElevation",
    "LogonId",
    "RegistryKey",
    "RegistryValueName",
    "RegistryValueData",
    "RemoteIP",
    "RemotePort",
    "LocalIP",
    "LocalPort",
    "FileOriginUrl",
    "FileOriginIP",
    "ReportId",
    "AdditionalFields",
)
_EVENT_FIELDS = {name: position for position, name in enumerate(EVENT)}
LAYOUTS = {
    "DeviceProcessEvents": PROCESS,
    "DeviceNetworkEvents": NETWORK,
    "DeviceFileEvents": FILE,
    "DeviceRegistryEvents": REGISTRY,
    "DeviceLogonEvents": LOGON,
    "DeviceImageLoadEvents": IMAGE,
    "DeviceEvents": EVENT,
}
EVENT_TABLES = tuple(LAYOUTS)


def _path_name(path: str) -> str:
    cut = max(path.rfind("\\"), path.rfind("/"))
    return path[cut + 1 :]


def _drop(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {table}")


def _join_select(table: str) -> str:
    """The SELECT that completes a batch with its process columns from the process table."""
    columns = {name for name, _ in HUNTING_TABLES[table]}
    parts = [f'p."{name}"' for name in INIT_COLUMNS if name in columns]
    joins = f"LEFT JOIN {PROC_TABLE} p ON p._id = b._p"
    exclude = '"_p"'
    if table == "DeviceProcessEvents":
        parts += [f'c."{source}" AS "{name}"' for name, source in OWN_FROM_INIT.items()]
        joins = f"JOIN {PROC_TABLE} c ON c._id = b._c " + joins
        exclude = '"_p", "_c"'
    return f"SELECT b.* EXCLUDE ({exclude}), {', '.join(parts)} FROM {{batch}} b {joins}"  # noqa: S608  (names from the schema)


class Emitter:
    """Writes Device* event rows for any device; counts what it wrote.

    A row carries the id of the process that caused it; the process's 30-odd columns are
    written once to the run's process table and joined in when the batch is inserted.
    Events outside the device's reporting window are dropped (their methods return 0)."""

    def __init__(self, sinks: Sinks) -> None:
        self.emitted = 0
        self._next_id = 1
        conn = sinks.conn
        kinds = {
            **dict(HUNTING_TABLES["DeviceNetworkEvents"]),
            **dict(HUNTING_TABLES["DeviceProcessEvents"]),
        }
        proc_kinds = ["long", "string", *(kinds[name] for name in INIT_COLUMNS)]
        if conn is not None:
            body = ", ".join(
                f'"{name}" {DUCKDB_TYPES[kind]}'
                for name, kind in zip(PROC_COLUMNS, proc_kinds, strict=True)
            )
            conn.execute(f"CREATE OR REPLACE TABLE {PROC_TABLE} ({body})")
            sinks.on_close(lambda: _drop(conn, PROC_TABLE))
        self._procs = TableSink(conn, PROC_TABLE, PROC_COLUMNS, kinds=proc_kinds, batch_rows=10**9)
        self._sinks: dict[str, TableSink] = {}
        for table, head in LAYOUTS.items():
            kinds_of = dict(HUNTING_TABLES[table])
            self._sinks[table] = sinks.open(
                table,
                (*head, "_p"),
                kinds=[*(kinds_of.get(name, "long") for name in head), "long"],
                select=_join_select(table),
                before_flush=self._procs.flush,
                staged=True,
            )
        self._proc = self._sinks["DeviceProcessEvents"].append
        self._net = self._sinks["DeviceNetworkEvents"].append
        self._file = self._sinks["DeviceFileEvents"].append
        self._reg = self._sinks["DeviceRegistryEvents"].append
        self._logon = self._sinks["DeviceLogonEvents"].append
        self._image = self._sinks["DeviceImageLoadEvents"].append
        self._event = self._sinks["DeviceEvents"].append

    def flush(self) -> None:
        """Write every waiting event row (and the processes they name)."""
        for sink in self._sinks.values():
            sink.finish()

    def ref(self, proc: Proc) -> int:
        """The process-table id of `proc`, writing its row the first time."""
        pid = proc.id
        if pid == 0:
            pid = proc.id = self._next_id
            self._next_id += 1
            self._procs.append(proc.row())
        return pid

    def process(self, dev: Device, proc: Proc, additional: str | None = None) -> int:
        """ProcessCreated for `proc`, initiated by its parent, at its creation time."""
        at = proc.created
        if not dev.start <= at <= dev.end:
            return 0
        assert proc.parent is not None
        rid = dev.next_rid()
        self._proc(
            (
                at,
                dev.id,
                dev.name,
                "ProcessCreated",
                rid,
                additional,
                self.ref(proc),
                self.ref(proc.parent),
            )
        )
        self.emitted += 1
        return rid

    def network(
        self,
        dev: Device,
        ts: int,
        proc: Proc,
        action: str,
        remote_ip: str | None,
        remote_port: int | None,
        remote_url: str | None = None,
        *,
        local_ip: str | None = None,
        local_port: int | None = None,
        protocol: str = "Tcp",
        additional: str | None = None,
    ) -> int:
        ts = max(ts, proc.created + 1_000)  # never before the process that causes it
        if not dev.start <= ts <= dev.end:
            return 0
        rid = dev.next_rid()
        local = local_ip or dev.address_at(ts)
        if local_port is None:
            local_port = 49_152 + int(dev.rng.random() * 16_000)
        self._net(
            (
                ts,
                dev.id,
                dev.name,
                action,
                remote_ip,
                remote_port,
                remote_url,
                local,
                local_port,
                protocol,
                ip_type(local),
                ip_type(remote_ip) if remote_ip else None,
                rid,
                additional,
                self.ref(proc),
            )
        )
        self.emitted += 1
        return rid

    def file(
        self,
        dev: Device,
        ts: int,
        proc: Proc,
        action: str,
        path: str,
        *,
        hashes: tuple[str | None, str | None, str | None] | None = None,
        size: int | None = None,
        origin_url: str | None = None,
        referrer: str | None = None,
        origin_ip: str | None = None,
        previous_path: str | None = None,
        request: tuple[str, str | None, str | None, str | None, str | None] | None = None,
        additional: str | None = None,
    ) -> int:
        """A file event; `request` is (protocol, source IP, account, domain, share)."""
        ts = max(ts, proc.created + 1_000)  # never before the process that causes it
        if not dev.start <= ts <= dev.end:
            return 0
        rid = dev.next_rid()
        sha1, sha256, md5 = hashes if hashes is not None else (None, None, None)
        protocol, source, req_account, req_domain, share = request or (
            "Local",
            None,
            None,
            None,
            None,
        )
        self._file(
            (
                ts,
                dev.id,
                dev.name,
                action,
                _path_name(path),
                path,
                sha1,
                sha256,
                md5,
                size,
                origin_url,
                referrer,
                origin_ip,
                previous_path,
                _path_name(previous_path) if previous_path else None,
                protocol,
                source,
                req_account,
                req_domain,
                share,
                rid,
                additional,
                self.ref(proc),
            )
        )
        self.emitted += 1
        return rid

    def registry(
        self,
        dev: Device,
        ts: int,
        proc: Proc,
        action: str,
        key: str,
        value_name: str | None = None,
        value_type: str | None = None,
        value_data: str | None = None,
        previous: tuple[str | None, str | None, str | None] = (None, None, None),
    ) -> int:
        ts = max(ts, proc.created + 1_000)  # never before the process that causes it
        if not dev.start <= ts <= dev.end:
            return 0
        rid = dev.next_rid()
        self._reg(
            (
                ts,
                dev.id,
                dev.name,
                action,
                key,
                value_type,
                value_name,
                value_data,
                *previous,
                rid,
                self.ref(proc),
            )
        )
        self.emitted += 1
        return rid

    def logon(
        self,
        dev: Device,
        ts: int,
        proc: Proc,
        action: str,
        logon_type: str,
        account: Account,
        *,
        protocol: str | None = None,
        failure: str | None = None,
        is_local_admin: bool | None = False,
        logon_id: int | None = None,
        remote: tuple[str | None, str | None, int | None] = (None, None, None),
        additional: str | None = None,
    ) -> int:
        """A logon; `remote` is (device name, IP, port) of where it came from."""
        ts = max(ts, proc.created + 1_000)  # never before the process that causes it
        if not dev.start <= ts <= dev.end:
            return 0
        rid = dev.next_rid()
        remote_name, remote_ip, remote_port = remote
        self._logon(
            (
                ts,
                dev.id,
                dev.name,
                action,
                logon_type,
                account.domain,
                account.name,
                account.sid,
                protocol,
                failure,
                is_local_admin,
                logon_id,
                remote_name,
                remote_ip,
                ip_type(remote_ip) if remote_ip else None,
                remote_port,
                rid,
                additional,
                self.ref(proc),
            )
        )
        self.emitted += 1
        return rid

    def image_load(self, dev: Device, ts: int, proc: Proc, image: Image) -> int:
        ts = max(ts, proc.created + 1_000)  # never before the process that causes it
        if not dev.start <= ts <= dev.end:
            return 0
        rid = dev.next_rid()
        self._image(
            (
                ts,
                dev.id,
                dev.name,
                "ImageLoaded",
                image.name,
                image.path,
                image.sha1,
                image.sha256,
                image.md5,
                image.size,
                rid,
                self.ref(proc),
            )
        )
        self.emitted += 1
        return rid

    def event(self, dev: Device, ts: int, proc: Proc, action: str, **fields: Any) -> int:
        """A DeviceEvents row; `fields` are its other columns by name."""
        ts = max(ts, proc.created + 1_000)  # never before the process that causes it
        if not dev.start <= ts <= dev.end:
            return 0
        rid = dev.next_rid()
        row: list[Any] = [None] * (len(EVENT) + 1)
        row[0], row[1], row[2], row[3] = ts, dev.id, dev.name, action
        for name, value in fields.items():
            row[_EVENT_FIELDS[name]] = value
        row[_EVENT_FIELDS["ReportId"]] = rid
        row[-1] = self.ref(proc)
        self._event(tuple(row))
        self.emitted += 1
        return rid

    def target_fields(self, target: Proc) -> dict[str, Any]:
        """DeviceEvents columns that describe a target process (injection, access...)."""
        image, account = target.image, target.account
        return {
            "FileName": image.name,
            "FolderPath": image.path,
            "SHA1": image.sha1,
            "SHA256": image.sha256,
            "MD5": image.md5,
            "FileSize": image.size,
            "AccountDomain": account.domain,
            "AccountName": account.name,
            "AccountSid": account.sid,
            "ProcessId": target.pid,
            "ProcessCommandLine": target.cmd,
            "ProcessCreationTime": target.created,
            "ProcessTokenElevation": target.elevation,
            "LogonId": target.logon_id,
        }
