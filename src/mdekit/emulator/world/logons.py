"""Who signs in where, and which internal address each device had when.

Logon users (`GET /api/machines/{id}/logonusers`) are exactly the accounts the device
profiles name, so a user's `logOnMachinesCount` and the devices that list the user
agree; each (user, device) pair has its own first and last sign-in inside both the
device's and the user's seen times.

IP history: servers keep their address for life. Client devices move: before their
current lease they held addresses from their site's DHCP or VPN pool. Pool addresses
are handed out in time order and reused only an hour after they were released, so two
devices never hold one address at the same moment and find-by-IP at a time has one
answer (or two, right at a hand-over, as in the real service)."""

from __future__ import annotations

import heapq
import random
from datetime import datetime

from mdekit.emulator.world.model import IpInterval, MachineProfile, UserProfile, WireDict
from mdekit.emulator.world.ticks import (
    TICKS_PER_DAY,
    TICKS_PER_HOUR,
    TickFormatter,
    datetime_to_ticks,
)

LOGON_USER_KEYS = (
    "id", "accountName", "accountDomain", "firstSeen", "lastSeen", "logonTypes",
    "isDomainAdmin", "isOnlyNetworkUser",
)  # fmt: skip
"""Keys of a logon user as the docs' example shows them."""
REUSE_GAP_TICKS = TICKS_PER_HOUR
"""A released pool address is not handed out again for an hour."""
HISTORY_TICKS = 31 * TICKS_PER_DAY
"""Client devices' address history covers at least this long before now."""
POOL_FIRST_OCTET = 128
POOL_BLOCK = 72 * 250
"""Pool addresses are 10.<site>.128-199.x: clients' fixed addresses use third octets from 0
up (250 devices per octet), servers' from 200 up, so the pool never meets either."""


def logon_types(user: UserProfile, machine: MachineProfile) -> str:
    """How an account signs in on a device ("Interactive", "RemoteInteractive"...)."""
    if user.kind == "service":
        return "Network"
    if user.kind == "admin":
        return "RemoteInteractive" if machine.is_server else "Network"
    return "Interactive"


def build_logon_users(
    rng: random.Random,
    users: list[UserProfile],
    user_dicts: list[WireDict],
    machines: list[MachineProfile],
    fmt: TickFormatter,
) -> dict[str, list[WireDict]]:
    """Machine id -> User entities of the accounts that signed in there."""
    by_machine: dict[str, list[WireDict]] = {}
    for machine in machines:
        entries: list[WireDict] = []
        for user_index in machine.user_indices:
            user = users[user_index]
            user_dict = user_dicts[user_index]
            user_first = _parse(user_dict["firstSeen"])
            user_last = _parse(user_dict["lastSeen"])
            first = max(user_first, machine.first_seen_ticks + int(rng.random() * TICKS_PER_DAY))
            last = min(
                user_last, machine.active_until_ticks - int(rng.random() * 8 * TICKS_PER_HOUR)
            )
            last = max(last, user_first)
            first = min(first, last)
            types = logon_types(user, machine)
            entries.append(
                {
                    "id": user_dict["id"],
                    "accountName": user.account_name,
                    "accountDomain": user_dict["accountDomain"],
                    "firstSeen": fmt.iso_seconds(first),
                    "lastSeen": fmt.iso_seconds(last),
                    "logonTypes": types,
                    "isDomainAdmin": user.kind == "admin",
                    "isOnlyNetworkUser": types == "Network",
                }
            )
        by_machine[machine.machine_id] = entries
    return by_machine


def _parse(text: str) -> int:
    return datetime_to_ticks(datetime.fromisoformat(text.replace("Z", "+00:00")))


def build_ip_history(
    rng: random.Random, machines: list[MachineProfile], now_ticks: int
) -> list[IpInterval]:
    """Every (device, internal address, from, to) interval, sorted by start time."""
    current: list[IpInterval] = []
    wanted: list[tuple[int, int, int, int, int]] = []
    """Earlier leases to place: (start, end, machine index, site octet, order)."""
    for machine in machines:
        start = machine.first_seen_ticks
        if not machine.is_server and machine.family != "linux":
            # The history reaches back at least over the last 31 days (what the event
            # tables show): a device that stays put held its address all that time, one
            # that roams went through pool leases until then.
            horizon = max(machine.first_seen_ticks, now_ticks - HISTORY_TICKS)
            held = int((0.5 + rng.random() * 20) * TICKS_PER_DAY)
            start = max(machine.first_seen_ticks, machine.active_until_ticks - held)
            end = start
            moves = 1 + int(rng.random() * 3) if rng.random() < 0.45 else 0
            if moves == 0:
                start = end = min(start, horizon)
            count = 0
            while count < moves or end > horizon:
                count += 1
                lease = int((0.3 + rng.random() * 6) * TICKS_PER_DAY)
                begin = max(machine.first_seen_ticks, end - lease)
                if begin >= end:
                    break
                site = int(machine.local_ip.split(".")[1])
                wanted.append((begin, end, machine.index, site, len(wanted)))
                end = begin
        current.append(
            IpInterval(machine.machine_id, machine.local_ip, start, machine.active_until_ticks)
        )
    leases = _allocate(wanted, machines)
    return sorted(current + leases, key=lambda i: (i.start_ticks, i.ip_address, i.machine_id))


def _allocate(
    wanted: list[tuple[int, int, int, int, int]], machines: list[MachineProfile]
) -> list[IpInterval]:
    """Give each earlier lease a pool address free at its start (earliest-released first)."""
    free: dict[int, list[tuple[int, str]]] = {}
    fresh: dict[int, int] = {}
    leases = []
    for begin, end, machine_index, site, _ in sorted(wanted):
        heap = free.setdefault(site, [])
        if heap and heap[0][0] + REUSE_GAP_TICKS <= begin:
            _, address = heapq.heappop(heap)
        else:
            number = fresh.get(site, 0)
            fresh[site] = number + 1
            # Blocks of 128 x 250 addresses; a site that outgrows one spills into the
            # unused second octets above it (11-19 for site 10, and so on).
            block, within = divmod(number, POOL_BLOCK)
            address = f"10.{site + block}.{POOL_FIRST_OCTET + within // 250}.{within % 250 + 5}"
        heapq.heappush(heap, (end, address))
        leases.append(IpInterval(machines[machine_index].machine_id, address, begin, end))
    return leases
