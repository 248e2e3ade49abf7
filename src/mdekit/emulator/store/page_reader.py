"""The plain page read (one tenant's rows in stored order, `$top`/`$skip`, no filter or
ordering): the most frequent query of the Defender API, read on every call as any other
(nothing cached), but with its SQL compiled once per table and run on a pooled DBAPI
connection. Building, caching-by-key and executing the same statement through SQLAlchemy's
`Connection` costs more than reading the 100 rows themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Integer, Table, bindparam, select


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None
    """Parameter names in order for a positional DBAPI style (SQLite's `?`), else None
    (psycopg's named `%(name)s`)."""


class PageReader:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._compiled: dict[tuple[str, bool], _Compiled] = {}

    def _compile(self, table: Table, with_evidence: bool) -> _Compiled:
        key = (table.name, with_evidence)
        found = self._compiled.get(key)
        if found is not None:
            return found
        columns = [table.c.doc, table.c.evidence] if with_evidence else [table.c.doc]
        statement = (
            select(*columns)
            .where(table.c.tenant_id == bindparam("tenant_id"))
            .order_by(table.c.seq)
            .limit(bindparam("top", type_=Integer))
            .offset(bindparam("skip", type_=Integer))
        )
        compiled = statement.compile(dialect=self._engine.dialect)
        positional = self._engine.dialect.paramstyle in ("qmark", "format", "numeric")
        made = _Compiled(str(compiled), tuple(compiled.positiontup or ()) if positional else None)
        self._compiled[key] = made
        return made

    def read(
        self, table: Table, tenant_id: str, *, top: int, skip: int, with_evidence: bool
    ) -> list[tuple[Any, ...]]:
        """Rows of (doc,) or (doc, evidence)."""
        compiled = self._compile(table, with_evidence)
        values: dict[str, Any] = {"tenant_id": tenant_id, "top": top, "skip": skip}
        params: Any = (
            tuple(values[name] for name in compiled.positions)
            if compiled.positions is not None
            else values
        )
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(compiled.sql, params)
                rows = list(cursor.fetchall())
            finally:
                cursor.close()
        finally:
            connection.close()
        return rows
