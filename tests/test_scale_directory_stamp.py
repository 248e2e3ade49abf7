"""The directory stamp: a change one process makes is seen by every other at its next read,
whichever thread reads, on SQLite (a connection of each thread's own) and PostgreSQL."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from mdekit.emulator.store import schema as t
from mdekit.emulator.store.db import open_engine
from mdekit.emulator.store.directory_stamp import StampReader, watch_directory_writes
from tests.support.scale import database_url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_write_by_another_process_is_seen_by_every_thread_at_once(
    kind: str, tmp_path: Path
) -> None:
    with database_url(kind, tmp_path) as url:
        reading, writing = open_engine(url), open_engine(url)  # two processes' engines
        try:
            watch_directory_writes(reading)
            watch_directory_writes(writing)
            reader = StampReader(reading)
            with ThreadPoolExecutor(max_workers=3) as threads:
                seen = {reader(), *threads.map(lambda _: reader(), range(6))}
                assert len(seen) == 1
                assert None not in seen
                for round_ in range(3):
                    with writing.begin() as conn:  # a directory write: the stamp moves
                        conn.execute(
                            sa.insert(t.tenants).values(
                                id=f"00000000-0000-0000-0000-00000000000{round_}",
                                display_name=f"t{round_}",
                                default_domain=f"t{round_}.example",
                                created=1_795_000_000.0,
                            )
                        )
                    now = {reader(), *threads.map(lambda _: reader(), range(6))}
                    assert len(now) == 1
                    assert now.isdisjoint(seen), "a thread read a stale stamp"
                    seen |= now
        finally:
            writing.dispose()
            reading.dispose()


def test_disposing_the_engine_closes_the_sqlite_readers_connections(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'stamp.db'}")
    watch_directory_writes(engine)
    reader = StampReader(engine)
    with ThreadPoolExecutor(max_workers=2) as threads:
        list(threads.map(lambda _: reader(), range(4)))
    opened = list(reader._opened)
    assert opened, "the SQLite reader keeps connections of its own"
    before = reader()
    engine.dispose()
    for connection in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
            connection.execute("SELECT 1")
    assert reader() == before, "a read after dispose opens a new connection"
    engine.dispose()
