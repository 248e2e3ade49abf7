"""Schema migrations on SQLite and PostgreSQL: ordered steps run once, a database made by the
first release is brought forward with its settings, a newer schema is refused, and several
processes opening one new database at once migrate it exactly once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from mdekit.emulator.store import schema as t
from mdekit.emulator.store.db import DatabaseUrlError, ensure_schema, normalize_url
from mdekit.emulator.store.migrations import MIGRATIONS, migrate, stored_version
from mdekit.emulator.store.runtime_repo import RuntimeRepository
from tests.support.scale import database_url
from tests.support.scale_children import migrate_together


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool)


def test_steps_are_numbered_in_order_and_end_at_the_schema_version() -> None:
    assert [step.version for step in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert MIGRATIONS[-1].version == t.SCHEMA_VERSION
    assert all(step.description for step in MIGRATIONS)


def test_a_new_database_gets_every_step_once(url: str) -> None:
    engine = _engine(url)
    assert migrate(engine) == [step.version for step in MIGRATIONS]
    assert migrate(engine) == []
    tables = set(sa.inspect(engine).get_table_names())
    assert {table.name for table in t.metadata.sorted_tables} <= tables
    with engine.connect() as conn:
        assert stored_version(conn) == t.SCHEMA_VERSION
    entries = RuntimeRepository(engine).entries()
    assert {"clock", "quotas", "actions", "tokens", "keys", "faults"} <= set(entries)
    engine.dispose()


def test_a_first_release_database_is_brought_forward(url: str) -> None:
    engine = _engine(url)
    first = [table for table in t.metadata.sorted_tables if table.name not in _LATER_TABLES]
    t.metadata.create_all(engine, tables=first)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(t.meta),
            [
                {"key": "schema_version", "value": "1"},
                {"key": "clock_offset_seconds", "value": "7200.0"},
                {"key": "clock_frozen_at", "value": ""},
                {"key": "token_lifetime_seconds", "value": "600"},
                {"key": "dev_app_id", "value": "kept"},
            ],
        )
    assert migrate(engine) == [2, 3]
    entries = RuntimeRepository(engine).entries()
    assert entries["clock"].value == {"offsetSeconds": 7200.0, "frozenAt": None}
    assert entries["tokens"].value == {"lifetimeSeconds": 600}
    with engine.connect() as conn:
        left = {r.key: r.value for r in conn.execute(sa.select(t.meta.c.key, t.meta.c.value))}
    assert left["dev_app_id"] == "kept"
    assert left["schema_version"] == str(t.SCHEMA_VERSION)
    assert "clock_offset_seconds" not in left
    assert "token_lifetime_seconds" not in left
    engine.dispose()


_LATER_TABLES = {"runtime_state", "fault_rules", "quota_counters"}


def test_a_newer_schema_is_refused(url: str) -> None:
    engine = _engine(url)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(sa.update(t.meta).where(t.meta.c.key == "schema_version").values(value="999"))
    with pytest.raises(DatabaseUrlError, match="newer than this mdekit"):
        ensure_schema(engine)
    engine.dispose()


def test_processes_starting_at_once_migrate_exactly_once(url: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    results = context.Queue()
    children = [
        context.Process(target=migrate_together, args=(url, barrier, results)) for _ in range(3)
    ]
    for child in children:
        child.start()
    answers = [results.get(timeout=90) for _ in children]
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    # Every step ran in exactly one process; the others found nothing left to do.
    ran = sorted(version for steps, _ in answers for version in steps)
    assert ran == [step.version for step in MIGRATIONS]
    assert [version for _, version in answers] == [t.SCHEMA_VERSION] * 3
    engine = _engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(t.runtime_state)).scalar()
    assert rows == 6
    engine.dispose()
