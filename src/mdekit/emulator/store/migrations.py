"""The emulator's schema migrations: an ordered list of numbered steps, each run once per
database, in one exclusive transaction, so that several processes starting at once on one
database never race (the first migrates, the others wait and find nothing left to do).

A database records the last step it ran as `meta.schema_version`. To change the schema,
add a step at the end (never edit one that shipped) and bump `schema.SCHEMA_VERSION`.
A new table needs no step of its own: tables that exist in `schema.py` but not in the
database are created after the steps (DDL changes to existing tables do need one)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, update

from mdekit.emulator.store import schema as t
from mdekit.emulator.store.locks import exclusive_transaction


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer mdekit than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


RUNTIME_NAMES = ("clock", "quotas", "actions", "tokens", "keys", "faults")
"""The rows of `runtime_state` (see `control.shared_state`)."""

_FIRST_TABLES = (
    t.meta,
    t.tenants,
    t.applications,
    t.password_credentials,
    t.key_credentials,
    t.service_principals,
    t.app_role_assignments,
    t.signing_keys,
    t.alerts,
    t.machines,
    t.entities,
    t.journal,
    t.machine_actions,
    t.files,
    t.library_files,
)


def _first_tables(conn: Connection) -> None:
    t.metadata.create_all(conn, tables=list(_FIRST_TABLES), checkfirst=True)


def _shared_runtime(conn: Connection) -> None:
    for table in (t.runtime_state, t.fault_rules, t.quota_counters):
        table.create(conn, checkfirst=True)
    conn.execute(
        insert(t.runtime_state),
        [{"name": name, "version": 0, "value": None} for name in RUNTIME_NAMES],
    )
    # Names this database's keys in a shared Redis, so that two emulators (or two test
    # databases) on one Redis never count into each other's quotas.
    conn.execute(insert(t.meta).values(key="instance_id", value=uuid.uuid4().hex))


def _settings_to_runtime_state(conn: Connection) -> None:
    """The clock and the token lifetime were kept as loose `meta` rows; they become versioned
    runtime state like the other switches."""
    stored = {row.key: row.value for row in conn.execute(select(t.meta.c.key, t.meta.c.value))}
    offset = stored.get("clock_offset_seconds")
    if offset is not None:
        frozen = stored.get("clock_frozen_at")
        clock = {"offsetSeconds": float(offset), "frozenAt": float(frozen) if frozen else None}
        _set_runtime(conn, "clock", clock)
    lifetime = stored.get("token_lifetime_seconds")
    if lifetime:
        _set_runtime(conn, "tokens", {"lifetimeSeconds": int(lifetime)})
    conn.execute(
        delete(t.meta).where(
            t.meta.c.key.in_(("clock_offset_seconds", "clock_frozen_at", "token_lifetime_seconds"))
        )
    )


def _set_runtime(conn: Connection, name: str, value: Mapping[str, object]) -> None:
    conn.execute(
        update(t.runtime_state)
        .where(t.runtime_state.c.name == name)
        .values(value=json.dumps(value), version=t.runtime_state.c.version + 1)
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the first tables: directory, keys, entities, actions, files", _first_tables),
    Migration(2, "shared runtime state, fault rules and quota counters", _shared_runtime),
    Migration(3, "clock and token lifetime move to runtime_state", _settings_to_runtime_state),
)


def stored_version(conn: Connection) -> int:
    query = select(t.meta.c.value).where(t.meta.c.key == "schema_version")
    value = conn.execute(query).scalar_one_or_none()
    return int(value) if value is not None else 0


def migrate(engine: Engine, steps: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Bring the database to the last step; return the steps this call ran."""
    newest = steps[-1].version
    with exclusive_transaction(engine) as conn:
        t.meta.create(conn, checkfirst=True)
        current = stored_version(conn)
        if current > newest:
            raise SchemaTooNew(
                f"the database has schema version {current}, newer than this mdekit "
                f"({newest}); upgrade mdekit or use another --db"
            )
        ran = []
        for step in steps:
            if step.version > current:
                step.apply(conn)
                ran.append(step.version)
        t.metadata.create_all(conn, checkfirst=True)
        if ran:
            values = {"key": "schema_version", "value": str(newest)}
            if current == 0:
                conn.execute(insert(t.meta).values(**values))
            else:
                conn.execute(
                    update(t.meta).where(t.meta.c.key == "schema_version").values(value=str(newest))
                )
    return ran
