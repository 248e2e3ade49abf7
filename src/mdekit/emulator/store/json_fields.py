"""Reading one field of a stored JSON document in SQL, the same on SQLite and PostgreSQL,
so that `$filter` and `$orderby` work over entities kept as JSON text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, String, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeEngine

_PG_CAST = {"text": "", "bigint": "BIGINT", "float": "DOUBLE PRECISION", "bool": "BOOLEAN"}


class json_field(FunctionElement[Any]):
    """`doc.key` as text, number, boolean, or (for `raw`) the JSON text of an array/object."""

    inherit_cache = True
    name = "json_field"
    # The key and kind are part of the compiled SQL, so they must be part of the statement
    # cache key: without them `doc.state` and `doc.machineId` share one cached compilation.
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads it as given)
        *FunctionElement._traverse_internals,
        ("field_name", InternalTraversal.dp_string),
        ("kind", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], key: str, kind: str = "text") -> None:
        if kind not in ("text", "bigint", "float", "bool", "raw"):
            raise ValueError(f"unknown JSON field kind {kind!r}")
        self.field_name = key
        self.kind = kind
        types: dict[str, TypeEngine[Any]] = {
            "text": String(),
            "bigint": BigInteger(),
            "float": Float(),
            "bool": Boolean(),
            "raw": Text(),
        }
        self.type = types[kind]
        super().__init__(column)


def _quoted(key: str) -> str:
    return key.replace("'", "''").replace('"', '\\"')


@compiles(json_field)
def _sqlite(element: json_field, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"json_extract({column}, '$.\"{_quoted(element.field_name)}\"')"


@compiles(json_field, "postgresql")
def _postgresql(element: json_field, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    key = element.field_name.replace("'", "''")
    if element.kind == "raw":
        return f"(CAST({column} AS JSONB) -> '{key}')::text"
    text = f"(CAST({column} AS JSONB) ->> '{key}')"
    cast = _PG_CAST[element.kind]
    return f"CAST({text} AS {cast})" if cast else text
