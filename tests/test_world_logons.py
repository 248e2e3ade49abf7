"""World additions: logon users per device, internal-address history (find-by-IP) and the
live response library."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.emulator.world import World, generate_world
from mdekit.emulator.world.ticks import TICKS_PER_MINUTE, ticks_to_datetime
from mdekit.models import LibraryFile, User, as_utc

TENANT = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LOGON_USER_KEYS = (
    "id", "accountName", "accountDomain", "firstSeen", "lastSeen", "logonTypes",
    "isDomainAdmin", "isOnlyNetworkUser",
)  # fmt: skip
"""The keys of the get-machine-log-on-users example."""
LIBRARY_KEYS = {
    "fileName", "sha256", "description", "creationTime", "lastUpdatedTime", "createdBy",
    "hasParameters", "parametersDescription",
}  # fmt: skip


@cache
def world(seed: int = 7, machines: int = 150) -> World:
    return generate_world(tenant_id=TENANT, seed=seed, now=NOW, machines=machines, alerts=50)


def when(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def test_logon_users_are_the_accounts_the_devices_name() -> None:
    w = world()
    users = {u["id"]: u for u in w.users}
    listed_on: dict[str, int] = defaultdict(int)
    assert set(w.logon_users) == {m["id"] for m in w.machines}
    for profile in w.machine_profiles:
        entries = w.logon_users[profile.machine_id]
        expected = [w.users[i]["id"] for i in profile.user_indices]
        assert [e["id"] for e in entries] == expected
        for entry in entries:
            assert tuple(entry) == LOGON_USER_KEYS
            User.model_validate(entry)
            listed_on[entry["id"]] += 1
            user = users[entry["id"]]
            assert entry["accountName"] == user["accountName"]
            assert entry["isDomainAdmin"] == user["isDomainAdmin"]
            assert entry["isOnlyNetworkUser"] == (entry["logonTypes"] == "Network")
            first, last = when(entry["firstSeen"]), when(entry["lastSeen"])
            assert when(user["firstSeen"]) <= first <= last <= when(user["lastSeen"]) <= NOW
    for user in w.users:
        assert listed_on[user["id"]] == user["logOnMachinesCount"]


def test_admins_sign_in_remotely_on_servers_and_services_over_the_network() -> None:
    w = world()
    kinds = {f"contoso\\{u.account_name}": u.kind for u in w.user_profiles}
    seen_types = set()
    for profile in w.machine_profiles:
        for entry in w.logon_users[profile.machine_id]:
            kind = kinds[entry["id"]]
            seen_types.add(entry["logonTypes"])
            if kind == "service":
                assert entry["logonTypes"] == "Network"
            if kind == "admin" and profile.is_server:
                assert entry["logonTypes"] == "RemoteInteractive"
            if kind == "user":
                assert entry["logonTypes"] == "Interactive"
    assert {"Interactive", "RemoteInteractive", "Network"} <= seen_types


def assert_no_address_is_shared_at_once(w: World) -> None:
    by_address = defaultdict(list)
    for interval in w.ip_history:
        assert interval.start_ticks <= interval.end_ticks
        by_address[interval.ip_address].append(interval)
    for intervals in by_address.values():
        intervals.sort(key=lambda i: i.start_ticks)
        for before, after in itertools.pairwise(intervals):
            assert before.end_ticks < after.start_ticks, (before, after)


def test_ip_history_is_consistent_with_the_machines() -> None:
    w = world()
    per_machine = defaultdict(list)
    for interval in w.ip_history:
        per_machine[interval.machine_id].append(interval)
    starts = [i.start_ticks for i in w.ip_history]
    assert starts == sorted(starts)
    for profile, machine in zip(w.machine_profiles, w.machines, strict=True):
        intervals = sorted(per_machine[profile.machine_id], key=lambda i: i.start_ticks)
        assert intervals[-1].ip_address == machine["lastIpAddress"]
        assert intervals[-1].end_ticks == profile.active_until_ticks
        assert intervals[0].start_ticks >= profile.first_seen_ticks
        for before, after in itertools.pairwise(intervals):
            assert before.end_ticks == after.start_ticks  # leases follow each other
        if profile.is_server:
            assert len(intervals) == 1
    assert any(len(v) > 1 for v in per_machine.values()), "some clients moved"
    assert_no_address_is_shared_at_once(w)


def test_pool_addresses_are_reused_by_other_devices_later() -> None:
    w = world(machines=400)
    holders = defaultdict(set)
    for interval in w.ip_history:
        holders[interval.ip_address].add(interval.machine_id)
    assert any(len(machines) > 1 for machines in holders.values())
    machine_ips = {m["lastIpAddress"] for m in w.machines}
    pool = {i.ip_address for i in w.ip_history} - machine_ips
    assert pool
    assert all(ip.split(".")[2].isdigit() and 128 <= int(ip.split(".")[2]) < 200 for ip in pool)


def test_find_by_ip_answers_within_fifteen_minutes() -> None:
    w = world()
    lease = next(
        i for i in w.ip_history if i.ip_address not in {m["lastIpAddress"] for m in w.machines}
    )
    middle = ticks_to_datetime((lease.start_ticks + lease.end_ticks) // 2)
    assert lease.machine_id in w.machines_seen_with_ip(lease.ip_address, middle)
    after_end = lease.end + timedelta(minutes=14)
    assert lease.machine_id in w.machines_seen_with_ip(lease.ip_address, after_end)
    too_late = lease.end + timedelta(minutes=16)
    assert lease.machine_id not in w.machines_seen_with_ip(lease.ip_address, too_late)
    assert w.machines_seen_with_ip("192.0.2.77", middle) == []
    machine = w.machines[0]
    recent = ticks_to_datetime(w.machine_profiles[0].active_until_ticks - 5 * TICKS_PER_MINUTE)
    assert machine["id"] in w.machines_seen_with_ip(machine["lastIpAddress"], recent)
    assert lease.start >= ticks_to_datetime(0)
    assert lease.end <= NOW


def test_library_files_hash_their_contents() -> None:
    w = world()
    assert len(w.library_files) >= 4
    assert set(w.library_file_contents) == {f["fileName"] for f in w.library_files}
    analysts = {"secops1@contoso.com", "secops2@contoso.com", "soc.analyst@contoso.com",
                "ir.lead@contoso.com"}  # fmt: skip
    for entry in w.library_files:
        assert set(entry) == LIBRARY_KEYS
        LibraryFile.model_validate(entry)
        content = w.library_file_contents[entry["fileName"]]
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert b"contoso.com" in content
        assert when(entry["creationTime"]) <= when(entry["lastUpdatedTime"]) <= NOW
        assert entry["createdBy"] in analysts
        assert entry["hasParameters"] == (entry["parametersDescription"] is not None)
    other = generate_world(tenant_id=TENANT, seed=7, now=NOW, machines=5, alerts=0,
                           domain="fabrikam.com")  # fmt: skip
    assert {f["sha256"] for f in other.library_files}.isdisjoint(
        f["sha256"] for f in w.library_files
    )


def test_additions_are_deterministic() -> None:
    one = generate_world(tenant_id=TENANT, seed=3, now=NOW, machines=60, alerts=10)
    two = generate_world(tenant_id=TENANT, seed=3, now=NOW, machines=60, alerts=10)
    assert one.logon_users == two.logon_users
    assert one.ip_history == two.ip_history
    assert one.library_files == two.library_files
    assert one.library_file_contents == two.library_file_contents


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), machines=st.integers(1, 60))
def test_no_two_devices_hold_an_address_at_once(seed: int, machines: int) -> None:
    w = generate_world(tenant_id=TENANT, seed=seed, now=NOW, machines=machines, alerts=0)
    assert_no_address_is_shared_at_once(w)
    assert {i.machine_id for i in w.ip_history} == {m["id"] for m in w.machines}
