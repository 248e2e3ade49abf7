"""A stamp that changes whenever the directory does, so that a process may cache directory
reads (tenants, apps, credentials, service principals, consent, signing keys) and still see
a change that another process made at once: it reads this one row per request and drops its
cache when the stamp moved.

Every INSERT, UPDATE or DELETE on a directory table writes a new random stamp in the same
transaction (a SQLAlchemy `after_execute` hook on the engine), so no writer can forget it,
whichever repository or migration made the change."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import UpdateBase

from mdekit.emulator.store import schema as t

STAMP_KEY = "directory_stamp"
DIRECTORY_TABLES = frozenset(
    table.name
    for table in (
        t.tenants,
        t.applications,
        t.password_credentials,
        t.key_credentials,
        t.service_principals,
        t.app_role_assignments,
        t.signing_keys,
    )
)
_READ = select(t.meta.c.value).where(t.meta.c.key == STAMP_KEY)


def _new_stamp() -> str:
    return uuid.uuid4().hex


def _after_execute(conn: Connection, clause: Any, *_args: Any) -> None:
    if not isinstance(clause, UpdateBase):
        return
    table = getattr(clause, "table", None)
    if getattr(table, "name", None) in DIRECTORY_TABLES:
        conn.execute(update(t.meta).where(t.meta.c.key == STAMP_KEY).values(value=_new_stamp()))


def watch_directory_writes(engine: Engine) -> None:
    """Make every directory write on `engine` change the stamp (idempotent)."""
    if not event.contains(engine, "after_execute", _after_execute):
        event.listen(engine, "after_execute", _after_execute)
    with engine.connect() as conn:
        if conn.execute(_READ).first() is not None:
            return
    try:
        with engine.begin() as conn:
            conn.execute(insert(t.meta).values(key=STAMP_KEY, value=_new_stamp()))
    except IntegrityError:
        pass  # another process made the row first: that is all we wanted


class StampReader:
    """Reads the stamp (one primary-key read) with the SQL compiled once: a third of the
    cost of going through SQLAlchemy's `Connection`, and it is paid on every request.

    On a SQLite file each thread reads on a connection of its own, kept open: checking a
    pooled connection out and back in cost as much as the read itself, some 5% of a token
    request. The reads run in autocommit and are read to the end, so no connection holds a
    snapshot between them. PostgreSQL reads take a pooled connection, as everything else."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        compiled = _READ.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        self._sql = str(compiled)
        self._own: threading.local | None = None
        self._opened: list[Any] = []
        self._opened_lock = threading.Lock()
        database = engine.url.database
        if engine.dialect.name == "sqlite" and database and Path(database).is_file():
            self._own = threading.local()
            event.listen(engine, "engine_disposed", self._close_own)

    def __call__(self) -> str | None:
        if self._own is not None:
            return self._read_own(self._own)
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(self._sql)
                row = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()
        return None if row is None else str(row[0])

    def _read_own(self, own: threading.local) -> str | None:
        connection = getattr(own, "connection", None)
        if connection is None:
            connection = own.connection = self._connect()
        rows = connection.execute(self._sql).fetchall()
        return str(rows[0][0]) if rows else None

    def _connect(self) -> Any:
        dialect = self._engine.dialect
        cargs, cparams = dialect.create_connect_args(self._engine.url)
        # The engine's own settings for SQLite: wait out a writer's lock, any thread may
        # close it (on dispose), autocommit (a SELECT opens no transaction to leave behind).
        cparams = {**cparams, "timeout": 10, "check_same_thread": False, "isolation_level": None}
        connection = dialect.connect(*cargs, **cparams)
        with self._opened_lock:
            self._opened.append(connection)
        return connection

    def _close_own(self, _engine: Engine) -> None:
        with self._opened_lock:
            opened, self._opened = self._opened, []
        # Threads that read before open a new connection on their next read.
        self._own = threading.local()
        for connection in opened:
            connection.close()


def read_directory_stamp(engine: Engine) -> str | None:
    """The current stamp (one primary-key read)."""
    with engine.connect() as conn:
        value = conn.execute(_READ).scalar()
    return None if value is None else str(value)
