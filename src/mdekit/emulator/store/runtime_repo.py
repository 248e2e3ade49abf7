"""Repository of the shared runtime state: versioned JSON switches (`runtime_state`) and the
injected fault rules, read and changed by every emulator process on the database.

A change bumps its row's version first: on PostgreSQL that locks the row, on SQLite it
takes the write lock, so a read-modify-write (advance the clock by 60 s) made by two
processes at once is applied twice rather than once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from mdekit.emulator.store import schema as t

State = dict[str, Any]
rs = t.runtime_state
fr = t.fault_rules


@dataclass(frozen=True)
class RuntimeEntry:
    name: str
    version: int
    value: State | None


@dataclass(frozen=True)
class StoredFault:
    rule: State
    remaining: int | None
    """Requests left to fault; None: until cleared."""


class RuntimeRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- versioned switches --------------------------------------------------------------

    def entries(self) -> dict[str, RuntimeEntry]:
        """Every row: what a process polls to see what changed elsewhere."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(rs.c.name, rs.c.version, rs.c.value)).all()
        return {
            row.name: RuntimeEntry(row.name, int(row.version), _load(row.value)) for row in rows
        }

    def update(self, name: str, change: Callable[[State | None], State]) -> RuntimeEntry:
        """Replace `name`'s value with `change(current value)`, atomically across processes."""
        with self.engine.begin() as conn:
            version = self._bump(conn, name)
            current = conn.execute(select(rs.c.value).where(rs.c.name == name)).scalar_one()
            value = change(_load(current))
            conn.execute(update(rs).where(rs.c.name == name).values(value=json.dumps(value)))
        return RuntimeEntry(name, version, value)

    def _bump(self, conn: Connection, name: str) -> int:
        return bump_version(conn, name)

    # -- fault rules ---------------------------------------------------------------------

    def faults(self) -> list[StoredFault]:
        """Rules still active, oldest first."""
        query = (
            select(fr.c.rule, fr.c.remaining)
            .where(fr.c.remaining.is_(None) | (fr.c.remaining > 0))
            .order_by(fr.c.seq)
        )
        with self.engine.connect() as conn:
            return [StoredFault(json.loads(row.rule), row.remaining) for row in conn.execute(query)]

    def add_fault(self, rule_id: str, rule: State, remaining: int | None) -> int:
        with self.engine.begin() as conn:
            conn.execute(insert(fr).values(id=rule_id, rule=json.dumps(rule), remaining=remaining))
            return self._bump(conn, "faults")

    def claim_fault(self, rule_id: str) -> bool:
        """Use up one request of a counted rule; False when another process used the last."""
        statement = (
            update(fr)
            .where(fr.c.id == rule_id, fr.c.remaining > 0)
            .values(remaining=fr.c.remaining - 1)
        )
        with self.engine.begin() as conn:
            return conn.execute(statement).rowcount > 0

    def clear_faults(self) -> int:
        with self.engine.begin() as conn:
            conn.execute(delete(fr))
            return self._bump(conn, "faults")


def bump_version(conn: Connection, name: str) -> int:
    """Tell every process that `name` changed, inside the caller's transaction; the row stays
    locked until it ends. Returns the new version."""
    statement = update(rs).where(rs.c.name == name).values(version=rs.c.version + 1)
    if conn.execute(statement).rowcount == 0:
        conn.execute(_insert_ignore(conn, {"name": name, "version": 0, "value": None}))
        conn.execute(statement)
    version = conn.execute(select(rs.c.version).where(rs.c.name == name)).scalar_one()
    return int(version)


def _load(text: str | None) -> State | None:
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def _insert_ignore(conn: Connection, values: State) -> Any:
    """INSERT that does nothing when the row exists (another process made it first)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(rs).values(**values).on_conflict_do_nothing(index_elements=["name"])
