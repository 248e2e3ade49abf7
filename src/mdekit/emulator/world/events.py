"""Advanced Hunting tables filled from a world: `write_hunting_tables` and `alert_event_refs`.

Order of work: the tables are (re)created empty; every alert's storyline is written
first (so its ReportIds do not depend on the requested volume), then a few undetected
attack storylines, then each device's everyday activity until the Device* event tables
hold about `events` rows, then the snapshots (DeviceInfo, DeviceNetworkInfo, file
certificates), AlertInfo/AlertEvidence, the DeviceTvm* tables, the Identity* tables and a
little CloudAppEvents. Everything is dated in the 30 days before `now` and is a function
of (world, events, now)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.emulator.world.events_attacks import (
    SCENARIO_BY_DETECTOR,
    EventRef,
    Story,
    alert_story,
    story_rng,
    us_datetime,
    wire_us,
)
from mdekit.emulator.world.events_device import EVENT_TABLES, Device, Emitter
from mdekit.emulator.world.events_host import Context, Host
from mdekit.emulator.world.events_load import Sinks
from mdekit.emulator.world.events_procs import DAY, Account, Images, ticks_to_us
from mdekit.emulator.world.events_unix import LinuxHost, MacHost
from mdekit.emulator.world.events_windows import WindowsHost
from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.model import World
from mdekit.emulator.world.ticks import datetime_to_ticks
from mdekit.emulator.world.tvm import Tvm

RETENTION = 30 * DAY
ROLE_WEIGHTS = {
    "workstation": 1.0,
    "mac": 0.8,
    "srv-dc": 2.5,
    "srv-file": 1.6,
    "srv-sql": 1.4,
    "srv-web": 1.4,
    "srv-exch": 1.6,
    "srv-rds": 2.0,
    "srv-app": 1.3,
}
"""Relative activity of devices by role (servers and shared hosts are busier)."""


def write_hunting_tables(
    world: World,
    tvm: Tvm | None,
    conn: duckdb.DuckDBPyConnection,
    *,
    events: int,
    now: datetime,
) -> dict[str, int]:
    """Create every Advanced Hunting table in `conn` (replacing existing ones) and fill it.

    `events` is the wanted number of rows across the seven Device* event tables; `now`
    (naive = UTC) is the emulator clock. Returns rows written per table (0 for the tables
    left empty). `tvm` may be None to leave the DeviceTvm* tables empty."""
    from mdekit.emulator.world import events_alerts, events_identity, events_state, events_tvm
    from mdekit.emulator.world.events_stories import write_extra_stories
    from mdekit.kql import create_tables

    if events < 0:
        raise ValueError("events must not be negative")
    create_tables(conn, HUNTING_TABLES, replace=True)
    sinks = Sinks(conn)
    run = Run(world, now, sinks)
    run.alert_stories()
    write_extra_stories(run.ctx, world)
    run.background(max(0, events - run.emitter.emitted))
    run.emitter.flush()
    certificates = events_state.write_certificates(run.ctx, sinks)
    # The devices' TVM states, derived once for DeviceInfo and the DeviceTvm* tables alike
    # (deriving one is the dearest step of both).
    export = tvm.export_context() if tvm is not None else None
    states = {s.profile.machine_id: s for s in export.states()} if export is not None else {}
    events_state.write(run.ctx, world, sinks, states, budget=events // 4)
    events_state.write_discovered(run.ctx, world, sinks)
    events_alerts.write(run.ctx, world, sinks)
    if tvm is not None and export is not None:
        events_tvm.write(run.ctx, tvm, sinks, export, states)
    events_identity.write(run.ctx, world, sinks, volume=events // 30)
    counts = sinks.close()
    counts["DeviceFileCertificateInfo"] = certificates
    return {table: counts.get(table, 0) for table in HUNTING_TABLES}


def alert_event_refs(world: World, *, now: datetime) -> dict[str, list[EventRef]]:
    """Alert id -> its events (table, DeviceId, ReportId, Timestamp), without any database.

    The same storylines `write_hunting_tables` writes, replayed; an alert older than the
    30-day window (or on a device silent by then) has an empty list."""
    run = Run(world, now, Sinks(None))
    return {
        alert_id: [EventRef(table, device, rid, us_datetime(at)) for table, rid, at in refs]
        for alert_id, (device, refs) in run.alert_stories().items()
    }


class Run:
    """The devices, context and writer of one generation run."""

    def __init__(self, world: World, now: datetime, sinks: Sinks) -> None:
        self.world = world
        self.now = ticks_to_us(datetime_to_ticks(now))
        self.emitter = Emitter(sinks)
        self.devices = build_devices(world, self.now)
        self.accounts = user_accounts(world)
        self.ctx = build_context(world, self.devices, self.accounts, self.emitter, self.now)

    def alert_stories(self) -> dict[str, tuple[str, list[tuple[str, int, int]]]]:
        """Write every alert's storyline; alert id -> (device id, its events' references)."""
        refs: dict[str, tuple[str, list[tuple[str, int, int]]]] = {}
        by_id = {device.id: device for device in self.devices}
        for alert in self.world.alerts:
            device = by_id.get(alert["machineId"])
            scenario = SCENARIO_BY_DETECTOR.get(alert["detectorId"])
            first = wire_us(alert["firstEventTime"])
            if device is None or scenario is None or not device.start <= first <= device.end:
                refs[alert["id"]] = (alert["machineId"], [])
                continue
            story = Story(
                self.ctx, device, story_rng(self.world.seed, self.world.tenant_id, alert["id"])
            )
            alert_story(story, alert, scenario, self.accounts)
            refs[alert["id"]] = (device.id, story.refs)
        return refs

    def background(self, budget: int) -> None:
        """Everyday activity on every device, about `budget` rows in all."""
        weights = []
        for device in self.devices:
            active = max(0, device.end - device.start) / RETENTION
            weights.append(ROLE_WEIGHTS.get(device.role, 1.0) * active)
        total = sum(weights) or 1.0
        for device, weight in zip(self.devices, weights, strict=True):
            share = round(budget * weight / total)
            host_for(self.ctx, device).run(share)


def host_for(ctx: Context, device: Device) -> Host[Any]:
    if device.family == "linux":
        return LinuxHost(ctx, device)
    if device.family == "macos":
        return MacHost(ctx, device)
    return WindowsHost(ctx, device)


def user_accounts(world: World) -> dict[str, Account]:
    """Directory accounts by account name, as the Account* columns show them."""
    return {
        user.account_name: Account(
            user.netbios_domain.lower(),
            user.account_name,
            user.sid,
            user.upn,
            user.aad_user_id,
            user.kind,
        )
        for user in world.user_profiles
    }


def _role(profile_host: str, is_server: bool, family: str) -> str:
    if family == "macos":
        return "mac"
    if not is_server:
        return "workstation"
    stem = profile_host.rsplit("-", 1)[0]
    return stem if stem.startswith(("srv-", "lnx-")) else "srv-app"


def build_devices(world: World, now: int) -> list[Device]:
    """Every device with its reporting window inside the 30 days before `now`."""
    world_now = ticks_to_us(world.now_ticks)
    accounts = user_accounts(world)
    leases: dict[str, list[tuple[int, str]]] = {}
    for lease in world.ip_history:
        leases.setdefault(lease.machine_id, []).append(
            (ticks_to_us(lease.start_ticks), lease.ip_address)
        )
    devices = []
    for profile, machine in zip(world.machine_profiles, world.machines, strict=True):
        end = ticks_to_us(profile.active_until_ticks)
        if machine["healthStatus"] == "Active":
            end += max(0, now - world_now)
        end = min(end, now)
        start = max(now - RETENTION, ticks_to_us(profile.first_seen_ticks))
        rng = section_rng(world.seed, world.tenant_id, f"events|{profile.machine_id}")
        tags = list(machine.get("machineTags") or [])
        tags.append(str(machine.get("managedBy")))
        if machine.get("vmMetadata") is not None or (profile.is_server and rng.random() < 0.5):
            tags.append("virtual")
        users = [accounts[world.user_profiles[i].account_name] for i in profile.user_indices]
        devices.append(
            Device(
                index=profile.index,
                id=profile.machine_id,
                name=profile.dns_name,
                short=profile.host_name,
                family=profile.family,
                role=_role(profile.host_name, profile.is_server, profile.family),
                is_server=profile.is_server,
                local_ip=profile.local_ip,
                public_ip=profile.external_ip,
                start=start,
                end=end,
                users=users,
                rng=rng,
                rid=1 + int(rng.random() * 40_000),
                tags=tuple(tags),
                group=profile.rbac_group_name,
                lease_starts=[start for start, _ in sorted(leases.get(profile.machine_id, []))],
                lease_addresses=[ip for _, ip in sorted(leases.get(profile.machine_id, []))],
            )
        )
    return devices


def build_context(
    world: World,
    devices: list[Device],
    accounts: dict[str, Account],
    emitter: Emitter,
    now: int,
) -> Context:
    by_role: dict[str, list[Device]] = {}
    for device in devices:
        by_role.setdefault(device.role, []).append(device)
    primary = {d.users[0].name: d for d in devices if d.users and d.role == "workstation"}
    admins = [a for a in accounts.values() if a.kind == "admin"]
    sources = {a.name: primary[a.name[4:]] for a in admins if a.name[4:] in primary}
    org = world.domain.split(".", 1)[0]
    return Context(
        emitter=emitter,
        images=Images(),
        devices=devices,
        org=org,
        domain=world.domain,
        netbios=org.upper(),
        window_start=now - RETENTION,
        now=now,
        by_role=by_role,
        admins=admins,
        services=[a for a in accounts.values() if a.kind == "service"],
        by_ip={d.local_ip: d for d in devices},
        admin_sources=sources,
    )


__all__ = ["EVENT_TABLES", "EventRef", "alert_event_refs", "write_hunting_tables"]
