"""Where a tenant's Advanced Hunting tables come from: its world, regenerated from the
parameters seeding stored (`meta/world`, see `tvm_source`), written into DuckDB once per
parameter set by the hunting store.

The parameters plus the events volume and a format version make the fingerprint of the
tenant's hunting file: a reseed (new `now`, new sizes), a different `--events` or a new
generator version builds a new file, everything else reuses the one on disk."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import duckdb

from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.defender.tvm_source import WorldKey, regenerate, world_key
from mdekit.emulator.hunting.store import FILE_PROFILES
from mdekit.emulator.world import World
from mdekit.emulator.world.events import write_hunting_tables

EVENTS_FORMAT = 2
"""Bump when the generated events change shape, so stored hunting files are rebuilt."""
EVENTS_PER_DEVICE = 2_000
DEFAULT_MIN_EVENTS = 20_000
DEFAULT_MAX_EVENTS = 500_000


def hunting_meta(services: DefenderServices, tenant_id: str, events: int | None) -> dict[str, Any]:
    """What the tenant's hunting file is built from."""
    key = world_key(services, tenant_id)
    return {"world": asdict(key), "events": events, "format": EVENTS_FORMAT}


def world_parameters(
    tenant_id: str,
    *,
    now: datetime,
    machines: int,
    alerts: int | None = None,
    events: int | None = None,
    seed: int = 1,
) -> dict[str, Any]:
    """A `hunting_meta` document for a world that was never seeded (the corpus report)."""
    key = WorldKey(
        tenant_id=tenant_id, seed=seed, now=now.isoformat(), machines=machines,
        alerts=machines * 2 if alerts is None else alerts, domain="contoso.com",
    )  # fmt: skip
    return {"world": asdict(key), "events": events, "format": EVENTS_FORMAT}


def build_hunting_tables(conn: duckdb.DuckDBPyConnection, meta: dict[str, Any]) -> None:
    """Fill a fresh hunting database for `meta` (a `hunting_meta` document)."""
    key = WorldKey(**meta["world"])
    world, tvm = regenerate(key)
    # Events are dated from the world's own `now` (when it was seeded), not the clock's: the
    # same world gives the same file, and as the clock moves on the events age, as real
    # ones do, and leave the 30-day window.
    write_hunting_tables(
        world, tvm, conn, events=event_volume(meta), now=world.now.replace(tzinfo=None)
    )
    _write_file_profiles(conn, world)


def event_volume(meta: dict[str, Any]) -> int:
    """Rows across the Device* event tables: as configured, else 2,000 per device (at
    least 20,000 and at most 500,000, so that the first hunt builds in seconds)."""
    configured = meta.get("events")
    if configured is not None:
        return int(configured)
    machines = int(meta["world"]["machines"])
    return min(DEFAULT_MAX_EVENTS, max(DEFAULT_MIN_EVENTS, EVENTS_PER_DEVICE * machines))


def _when(text: object) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if isinstance(text, str) else None


def _write_file_profiles(conn: duckdb.DuckDBPyConnection, world: World) -> None:
    """`invoke FileProfile()` reads the File entities of the world (the API's /api/files)."""
    rows = [
        (
            f.get("sha1"), f.get("sha256"), f.get("md5"), f.get("size"),
            f.get("globalPrevalence"), _when(f.get("globalFirstObserved")),
            _when(f.get("globalLastObserved")), f.get("signer"), f.get("issuer"),
            f.get("signerHash"), f.get("isValidCertificate"),
            "Microsoft" in str(f.get("issuer") or ""),
            "SignedValid" if f.get("isValidCertificate") else "Unsigned",
            bool(f.get("isPeFile")),
            f.get("determinationValue") if f.get("determinationType") == "Malware" else None,
            f.get("filePublisher"), f.get("fileProductName"), "Available",
        )
        for f in world.files
    ]  # fmt: skip
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        statement = f'INSERT INTO "{FILE_PROFILES}" VALUES ({marks})'  # noqa: S608 - constant
        conn.executemany(statement, rows)
