"""A stamp that changes whenever the directory does, so that a process may cache directory
reads (tenants, apps, credentials, service principals, consent, signing keys) and still see
a change that another process made at once: it reads this one row per request and drops its
cache when the stamp moved.

Every INSERT, UPDATE or DELETE on a directory table writes a new random stamp in the same
transaction (a SQLAlchemy `after_execute` hook on the engine), so no writer can forget it,
whichever repository or migration made the change."""

from __future__ import annotations

import uuid
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
    """Reads the stamp (one primary-key read) on a pooled DBAPI connection with the SQL
    compiled once: a third of the cost of going through SQLAlchemy's `Connection`, and
    it is paid on every request."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        compiled = _READ.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        self._sql = str(compiled)

    def __call__(self) -> str | None:
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


def read_directory_stamp(engine: Engine) -> str | None:
    """The current stamp (one primary-key read)."""
    with engine.connect() as conn:
        value = conn.execute(_READ).scalar()
    return None if value is None else str(value)
