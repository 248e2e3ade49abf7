"""Locks that make emulator processes starting at once on one database take turns.

Migrations run in one exclusive transaction (PostgreSQL: a transaction-scoped advisory
lock; SQLite: `BEGIN IMMEDIATE`, which takes the file's write lock at once). The first
start of a state (tenant, dev app, first signing key) writes through many connections, so
it holds a lock of its own: a session advisory lock on PostgreSQL, an `flock` on a file
beside the database on SQLite (a SQLite database is only ever shared on one host)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

MIGRATION_LOCK = 0x6D64656B_0001
"""Advisory lock keys; advisory locks are per database, so different databases never wait
on each other."""
STARTUP_LOCK = 0x6D64656B_0002


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def sqlite_path(engine: Engine) -> Path | None:
    """The SQLite database file, or None for an in-memory database."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


@contextmanager
def exclusive_transaction(engine: Engine, key: int = MIGRATION_LOCK) -> Iterator[Connection]:
    """A transaction that no other process holding the same lock runs beside; committed when
    the block ends, rolled back when it raises."""
    if is_postgresql(engine):
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            yield conn
        return
    with engine.connect() as conn:
        # The driver would open its own deferred transaction; take the write lock now so
        # that two processes cannot both read "version 1" and both migrate.
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Held while a process sets up what every process shares on first start."""
    if is_postgresql(engine):
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK})
                conn.commit()
        return
    path = sqlite_path(engine)
    if path is None:
        yield
        return
    with file_lock(path.with_name(path.name + ".startup-lock")):
        yield


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive `flock` on `path` (created if missing), released when the block ends or
    the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
