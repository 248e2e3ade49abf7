"""The generated world: wire-format dicts for the API plus the facts behind them.

The dicts (`machines`, `alerts`, ...) have exactly the camelCase keys the service
returns. The profiles keep what an event generator needs and the dicts do not say
plainly: each device's OS family, users, addresses and timeline, each user's SID."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.ticks import TICKS_PER_SECOND, datetime_to_ticks, ticks_to_datetime

WireDict = dict[str, Any]


@dataclass
class UserProfile:
    """A directory account and where it signs in."""

    index: int
    account_name: str
    netbios_domain: str
    """Upper-case NetBIOS domain ("CONTOSO"), as evidence and relatedUser show it."""
    dns_domain: str
    sid: str
    aad_user_id: str
    upn: str
    kind: str
    """"user", "admin" or "service"."""
    machine_indices: list[int] = field(default_factory=list)


@dataclass
class MachineProfile:
    """A device: the facts behind its Machine dict, in generator-friendly types."""

    index: int
    machine_id: str
    dns_name: str
    host_name: str
    family: str
    """"windows", "linux" or "macos"."""
    os_platform: str
    is_server: bool
    local_ip: str
    external_ip: str
    rbac_group_id: int
    rbac_group_name: str
    first_seen_ticks: int
    last_seen_ticks: int
    active_until_ticks: int
    """Last moment the device reported anything (now for healthy devices)."""
    user_indices: list[int] = field(default_factory=list)
    """Accounts that sign in here; the first is the primary user."""


@dataclass(frozen=True)
class FileFacts:
    """One distinct file: its hashes and catalog key."""

    key: str
    sha1: str
    sha256: str
    md5: str
    name: str


@dataclass(frozen=True)
class IpInterval:
    """A device held an internal address from `start_ticks` to `end_ticks` (inclusive)."""

    machine_id: str
    ip_address: str
    start_ticks: int
    end_ticks: int

    @property
    def start(self) -> datetime:
        return ticks_to_datetime(self.start_ticks)

    @property
    def end(self) -> datetime:
        return ticks_to_datetime(self.end_ticks)


FIND_BY_IP_TOLERANCE = timedelta(minutes=15)
"""find-by-IP matches devices seen with the address within 15 minutes of the time."""


@dataclass
class World:
    """One tenant's synthetic world, deterministic in (seed, tenant_id, sizes, now)."""

    tenant_id: str
    seed: int | str
    domain: str
    now: datetime
    now_ticks: int
    machines: list[WireDict]
    users: list[WireDict]
    alerts: list[WireDict]
    files: list[WireDict]
    ips: list[WireDict]
    domains: list[WireDict]
    investigations: list[WireDict]
    machine_actions: list[WireDict]
    machine_profiles: list[MachineProfile]
    user_profiles: list[UserProfile]
    file_facts: dict[str, FileFacts]
    """By catalog key (e.g. "powershell", "mimikatz")."""
    rbac_groups: dict[str, int]
    """Device group name -> id."""
    logon_users: dict[str, list[WireDict]] = field(default_factory=dict)
    """Machine id -> the User entities of `GET /api/machines/{id}/logonusers`."""
    ip_history: list[IpInterval] = field(default_factory=list)
    """Every (device, internal IP, from, to) interval, by start time; the last interval of a
    device holds its `lastIpAddress` and ends at its last report."""
    library_files: list[WireDict] = field(default_factory=list)
    """Live response library (`GET /api/libraryfiles`)."""
    library_file_contents: dict[str, bytes] = field(default_factory=dict)
    """File name -> the bytes whose SHA-256 the library entity gives."""

    def rng_for(self, section: str) -> random.Random:
        """A private generator for a further section (e.g. "events"), same rules as the rest."""
        return section_rng(self.seed, self.tenant_id, section)

    def machine_by_id(self) -> dict[str, WireDict]:
        """Machines keyed by device id."""
        return {machine["id"]: machine for machine in self.machines}

    def machines_seen_with_ip(
        self, ip_address: str, at: datetime, tolerance: timedelta = FIND_BY_IP_TOLERANCE
    ) -> list[str]:
        """Ids of the devices that held `ip_address` within `tolerance` of `at`, sorted.

        The answer of find-by-IP; a naive `at` is taken as UTC. The 30-day limit of the
        endpoint is the caller's to enforce."""
        moment = datetime_to_ticks(at)
        slack = int(tolerance.total_seconds() * TICKS_PER_SECOND)
        return sorted(
            {
                interval.machine_id
                for interval in self.ip_history
                if interval.ip_address == ip_address
                and interval.start_ticks - slack <= moment <= interval.end_ticks + slack
            }
        )
