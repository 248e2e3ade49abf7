"""Opening the emulator's database: SQLite (default) or PostgreSQL, migrated on start."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from mdekit.emulator.store.migrations import SchemaTooNew, migrate


class DatabaseUrlError(ValueError):
    """The --db URL is not one the emulator can use."""


def normalize_url(url: str) -> str:
    """Accept the URLs people type (`postgresql://`, `postgres://`); use the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(
            f"not a database URL: {url!r}; use sqlite:///PATH or postgresql://USER@HOST/DB"
        ) from exc
    backend = parsed.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise DatabaseUrlError(
            f"unsupported database {backend!r}; use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers run beside one writer; busy_timeout makes concurrent writers
    # (several workers on one file) wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_engine(url: str, *, migrate_now: bool = True) -> Engine:
    """An engine for `url` with the schema in place (or, with `migrate_now=False`, for the
    caller to migrate with `ensure_schema` once it holds the start-up lock)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        # A pooled connection for each handler thread that may read at once: connections
        # past the pool are opened and closed per request, pragmas and all.
        in_memory = make_url(url).database in (None, "", ":memory:")
        pool: dict[str, Any] = {} if in_memory else {"pool_size": 20, "max_overflow": 30}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, **pool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    if migrate_now:
        ensure_schema(engine)
    return engine


def ensure_schema(engine: Engine) -> None:
    """Run the migrations this database has not had (see `store.migrations`); refuse a
    database that a newer mdekit migrated."""
    try:
        migrate(engine)
    except SchemaTooNew as exc:
        raise DatabaseUrlError(str(exc)) from None
