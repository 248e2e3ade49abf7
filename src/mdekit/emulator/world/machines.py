"""Devices: profiles plus Machine dicts in the key order of a live `/api/machines` answer."""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from typing import TypeVar

from mdekit.emulator.world import catalog_hosts as hosts
from mdekit.emulator.world.ids import (
    ipv6_link_local,
    mac_address,
    machine_id,
    random_guid,
)
from mdekit.emulator.world.model import MachineProfile, UserProfile, WireDict
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, TickFormatter

T = TypeVar("T")
_NAME_CHARS = string.ascii_lowercase + string.digits


def weighted(rng: random.Random, table: Sequence[tuple[T, int]]) -> T:
    """Pick a value from `(value, weight)` pairs."""
    values = [value for value, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(values, weights)[0]


def build_rbac_groups(rng: random.Random) -> dict[str, int]:
    """Device groups with tenant-specific ids (small consecutive integers, as in MDE)."""
    base = 60 + rng.randrange(400)
    return {name: base + offset for offset, name in enumerate(hosts.DEVICE_GROUPS)}


def build_machines(
    rng: random.Random,
    count: int,
    domain: str,
    users: list[UserProfile],
    groups: dict[str, int],
    now_ticks: int,
    fmt: TickFormatter,
) -> tuple[list[MachineProfile], list[WireDict]]:
    """`count` devices (about one in seven a server) and the accounts that use them."""
    servers = round(count * hosts.SERVER_FRACTION) if count >= 4 else 0
    roles = [True] * servers + [False] * (count - servers)
    rng.shuffle(roles)
    people = [u for u in users if u.kind == "user"] or users
    admins = [u for u in users if u.kind == "admin"] or users
    services = [u for u in users if u.kind == "service"]
    subscription = random_guid(rng)
    names: set[str] = set()
    site_counters = [0] * len(hosts.SITES)
    role_counters: dict[str, int] = {}
    profiles: list[MachineProfile] = []
    machines: list[WireDict] = []
    for index, is_server in enumerate(roles):
        site = 0 if rng.random() < 0.6 else rng.randrange(len(hosts.SITES))
        octet, egress = hosts.SITES[site]
        slot = site_counters[site]
        site_counters[site] += 1
        vm_metadata = None
        if is_server:
            role = weighted(rng, [(r, r.weight) for r in hosts.SERVER_ROLES])
            release = weighted(
                rng, [(r, r.weight) for r in hosts.SERVER_RELEASES if r.family == role.family]
            )
            role_counters[role.stem] = role_counters.get(role.stem, 0) + 1
            host = f"{role.stem}-{role_counters[role.stem]:02d}"
            group, value = role.group, role.device_value
            local_ip = f"10.{octet}.{200 + slot // 250}.{slot % 250 + 5}"
            signed_in = [admins[int(rng.random() * len(admins))]]
            if services and rng.random() < 0.5:
                signed_in.append(services[int(rng.random() * len(services))])
            if rng.random() < 0.4:
                vm_metadata = {
                    "vmId": random_guid(rng),
                    "cloudProvider": "Azure",
                    "resourceId": f"/subscriptions/{subscription}/resourceGroups/rg-{role.stem}"
                    f"/providers/Microsoft.Compute/virtualMachines/{host}",
                    "subscriptionId": subscription,
                }
        else:
            release = weighted(rng, [(r, r.weight) for r in hosts.CLIENT_RELEASES])
            owner = people[index % len(people)]
            signed_in = [owner]
            if rng.random() < 0.06:
                signed_in.append(admins[int(rng.random() * len(admins))])
            if release.family == "macos":
                host, group = f"{owner.account_name}-mbp", hosts.MAC_GROUP
            else:
                laptop = rng.random() < 0.45
                length = 8 if laptop else 7
                suffix = "".join(rng.choices(_NAME_CHARS, k=length))
                host = ("laptop-" if laptop else "desktop-") + suffix
                group = hosts.CLIENT_GROUPS[int(rng.random() * len(hosts.CLIENT_GROUPS))]
            value = weighted(rng, hosts.CLIENT_VALUE_WEIGHTS)
            local_ip = f"10.{octet}.{slot // 250}.{slot % 250 + 5}"
        host = _unique_host(host, names)
        if rng.random() < 0.03:
            group = hosts.UNASSIGNED_GROUP
        first_seen, last_seen, active_until, health = _timeline(rng, now_ticks)
        remote = not is_server and rng.random() < 0.15
        external = f"198.51.100.{10 + int(rng.random() * 50)}" if remote else rng.choice(egress)
        profile = MachineProfile(
            index=index,
            machine_id=machine_id(rng),
            dns_name=f"{host}.{domain}",
            host_name=host,
            family=release.family,
            os_platform=release.os_platform,
            is_server=is_server,
            local_ip=local_ip,
            external_ip=external,
            rbac_group_id=groups[group],
            rbac_group_name=group,
            first_seen_ticks=first_seen,
            last_seen_ticks=last_seen,
            active_until_ticks=active_until,
            user_indices=list(dict.fromkeys(u.index for u in signed_in)),
        )
        for user_index in profile.user_indices:
            users[user_index].machine_indices.append(index)
        profiles.append(profile)
        aad_joined = release.family == "windows" and not is_server and rng.random() < 0.85
        tags_pool = hosts.SERVER_TAGS if is_server else hosts.CLIENT_TAGS
        tags = rng.sample(tags_pool, 1 + int(rng.random() * 2)) if rng.random() < 0.35 else []
        machines.append(
            {
                "id": profile.machine_id,
                "mergedIntoMachineId": None,
                "isPotentialDuplication": False,
                "isExcluded": False,
                "exclusionReason": None,
                "computerDnsName": profile.dns_name,
                "firstSeen": fmt.iso(first_seen),
                "lastSeen": fmt.iso(last_seen),
                "osPlatform": release.os_platform,
                "osVersion": None,
                "osProcessor": release.os_processor,
                "version": release.version,
                "lastIpAddress": local_ip,
                "lastExternalIpAddress": external,
                "agentVersion": release.agent_version,
                "osBuild": release.os_build,
                "healthStatus": health,
                "deviceValue": value,
                "rbacGroupId": profile.rbac_group_id,
                "rbacGroupName": group,
                "riskScore": "None",
                "exposureLevel": weighted(rng, hosts.EXPOSURE_WEIGHTS),
                "isAadJoined": aad_joined,
                "aadDeviceId": random_guid(rng) if aad_joined else None,
                "machineTags": tags,
                "defenderAvStatus": weighted(rng, hosts.AV_STATUS_WEIGHTS),
                "onboardingStatus": "Onboarded",
                "osArchitecture": "64-bit",
                "managedBy": _managed_by(rng, release.family, is_server),
                "managedByStatus": "Success" if rng.random() < 0.9 else "Unknown",
                "ipAddresses": _interfaces(rng, release.family, local_ip, not is_server),
                "vmMetadata": vm_metadata,
            }
        )
    return profiles, machines


def _unique_host(host: str, taken: set[str]) -> str:
    candidate, number = host, 1
    while candidate in taken:
        number += 1
        candidate = f"{host}{number}"
    taken.add(candidate)
    return candidate


def _timeline(rng: random.Random, now: int) -> tuple[int, int, int, str]:
    """First seen, last full report, last activity and health, consistent with each other."""
    recent = rng.random() < 0.05
    age_days = 1 + rng.random() * 28 if recent else 30 + rng.random() * 870
    first_seen = now - int(age_days * TICKS_PER_DAY)
    health = weighted(rng, hosts.HEALTH_WEIGHTS)
    if health == "Inactive" and age_days > 9:
        silent_days = 7 + rng.random() * min(33.0, age_days - 8)
        active_until = now - int(silent_days * TICKS_PER_DAY)
        return first_seen, active_until, active_until, health
    if health in ("ImpairedCommunication", "NoSensorData", "NoSensorDataImpairedCommunication"):
        active_until = now - int((1 + rng.random() * 5) * TICKS_PER_DAY)
        active_until = max(active_until, first_seen + TICKS_PER_HOUR)
        return first_seen, active_until, active_until, health
    health = "Active"
    active_until = now - int(rng.random() * 2 * TICKS_PER_HOUR)
    last_seen = now - int(rng.random() * 24 * TICKS_PER_HOUR)
    last_seen = max(first_seen, min(last_seen, active_until))
    return first_seen, last_seen, active_until, health


def _managed_by(rng: random.Random, family: str, is_server: bool) -> str:
    if family == "windows" and not is_server:
        return weighted(rng, hosts.MANAGED_BY_WEIGHTS)
    if family == "macos":
        return "Intune"
    return "MicrosoftDefenderForEndpoint"


def _interfaces(
    rng: random.Random, family: str, local_ip: str, wireless_possible: bool
) -> list[WireDict]:
    """`ipAddresses` as live devices report them: the NIC (v4 and v6) and the loopbacks."""
    mac = mac_address(rng)
    kind = "Wireless80211" if wireless_possible and rng.random() < 0.4 else "Ethernet"
    interfaces: list[WireDict] = [
        {"ipAddress": local_ip, "macAddress": mac, "type": kind, "operationalStatus": "Up"},
        {
            "ipAddress": ipv6_link_local(rng),
            "macAddress": mac,
            "type": kind,
            "operationalStatus": "Up",
        },
    ]
    if family == "windows":
        interfaces.append(
            {
                "ipAddress": "127.0.0.1",
                "macAddress": None,
                "type": "SoftwareLoopback",
                "operationalStatus": "Up",
            }
        )
        interfaces.append(
            {
                "ipAddress": "::1",
                "macAddress": None,
                "type": "SoftwareLoopback",
                "operationalStatus": "Up",
            }
        )
    return interfaces
