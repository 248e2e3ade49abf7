"""What the scale tests run in child processes (spawned: a child imports this module only,
so it starts quickly)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from mdekit.emulator.store.db import normalize_url, open_engine
from mdekit.emulator.store.migrations import migrate, stored_version


def migrate_together(url: str, barrier: Any, results: Any) -> None:
    """When every child is ready, migrate; then open the database as a server would."""
    # SQLite's default busy timeout is 5 s: on a loaded machine one migration outlasted it
    # and a waiting process failed with "database is locked" (the emulator's own engines
    # wait 10 s and migrate inside the start-up lock).
    timeout = {"timeout": 60} if url.startswith("sqlite") else {}
    engine = sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool, connect_args=timeout)
    barrier.wait(timeout=60)
    ran = migrate(engine)
    engine.dispose()
    opened = open_engine(url)
    with opened.connect() as conn:
        results.put((ran, stored_version(conn)))
    opened.dispose()


def probe_builder(log: str) -> Any:
    """A hunting-table builder that records each build in `log` and takes its time, so two
    processes asking at once overlap."""

    def build(conn: Any, meta: dict[str, Any]) -> None:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        time.sleep(0.5)
        conn.execute(f"CREATE TABLE Probe AS SELECT range AS n FROM range({int(meta['rows'])})")

    return build


def count_probe_rows(directory: str, log: str, rows: int, barrier: Any, results: Any) -> None:
    """When every child is ready, open the tenant's hunting file and count its rows."""
    from mdekit.emulator.hunting.store import HuntingStore

    store = HuntingStore(Path(directory), probe_builder(log))
    barrier.wait(timeout=60)
    cursor = store.cursor("tenant-1", {"rows": rows})
    results.put(cursor.execute("SELECT count(*) FROM Probe").fetchone()[0])
    cursor.close()
    store.close()
