"""Putting a generated world into the store, and taking it out again: one function per
direction, used on first start, by `seed` and by `reset`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete

from mdekit.emulator.defender.library_samples import seed_library
from mdekit.emulator.defender.scans_seed import seed_scans
from mdekit.emulator.defender.tvm_source import tvm_documents, world_meta
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.defender_repo import DefenderRepository
from mdekit.emulator.store.entity_repo import EntityRepository
from mdekit.emulator.store.records import Tenant
from mdekit.emulator.world import World, generate_tvm, generate_world
from mdekit.models import format_wire_datetime


def _keyed(
    items: Iterable[dict[str, Any]], key: str = "id", parent: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for item in items:
        yield parent, str(item[key]), item


def world_for(tenant: Tenant, *, seed: int, now: datetime, machines: int, alerts: int) -> World:
    return generate_world(
        tenant_id=tenant.id,
        seed=seed,
        now=now,
        machines=machines,
        alerts=alerts,
        domain=tenant.default_domain.split(".")[0] + ".com",
    )


def clear_tenant(engine: Engine, tenant_id: str) -> None:
    """Remove a tenant's Defender data (not its directory: apps and consent stay)."""
    with engine.begin() as conn:
        for table in (
            t.alerts,
            t.machines,
            t.entities,
            t.machine_actions,
            t.files,
            t.library_files,
        ):
            conn.execute(delete(table).where(table.c.tenant_id == tenant_id))


def store_world(world: World, engine: Engine) -> None:
    tenant = world.tenant_id
    repo, entities = DefenderRepository(engine), EntityRepository(engine)
    tvm = generate_tvm(world)
    repo.add_machines(tenant, world.machines)
    repo.add_alerts(tenant, world.alerts)
    entities.add(tenant, "users", _keyed(world.users))
    entities.add(tenant, "files", _keyed(world.files, "sha1"))
    entities.add(tenant, "ips", _keyed(world.ips, "ipAddress"))
    entities.add(tenant, "domains", _keyed(world.domains, "host"))
    entities.add(tenant, "investigations", _keyed(world.investigations))
    entities.add(tenant, "logonusers", _logon_users(world))
    entities.add(tenant, "iphistory", _ip_history(world))
    for kind, items in tvm_documents(tvm):
        entities.add(tenant, kind, items)
    seed_library(
        engine, tenant, world.now, files=world.library_files, contents=world.library_file_contents
    )
    seed_scans(
        engine,
        tenant,
        world.now,
        agents=tvm.scan_agents,
        definitions=tvm.scan_definitions,
        sessions=tvm.scan_sessions,
    )
    entities.put(tenant, "meta", "world", world_meta(world))


def _logon_users(world: World) -> Iterator[tuple[str, str, Any]]:
    """`GET /api/machines/{id}/logonusers`: one entity per account, parent = the device."""
    for machine_id, users in world.logon_users.items():
        yield from _keyed(users, parent=machine_id)


def _ip_history(world: World) -> Iterator[tuple[str, str, Any]]:
    """Find-by-IP's intervals, parent = the address (so one address is one indexed read)."""
    for index, interval in enumerate(world.ip_history):
        doc = {
            "machineId": interval.machine_id,
            "ipAddress": interval.ip_address,
            "from": format_wire_datetime(interval.start),
            "to": format_wire_datetime(interval.end),
        }
        yield interval.ip_address, str(index), doc


def seed_tenant(
    engine: Engine, tenant: Tenant, *, seed: int, now: datetime, machines: int, alerts: int
) -> World:
    """Replace a tenant's Defender data with a freshly generated world."""
    world = world_for(tenant, seed=seed, now=now, machines=machines, alerts=alerts)
    clear_tenant(engine, tenant.id)
    store_world(world, engine)
    return world
