"""Small builders for the sqlglot expressions the translator emits (DuckDB dialect).

Functions are emitted as `exp.Anonymous` so that sqlglot prints the DuckDB function name
exactly as written instead of re-interpreting it.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime

from sqlglot import exp

from mdekit.kql import types as T


def ident(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def string(value: str) -> exp.Expression:
    return exp.Literal.string(value)


def number(value: int | float) -> exp.Expression:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        text = "nan" if value != value else ("inf" if value > 0 else "-inf")
        return exp.Cast(this=string(text), to=exp.DataType.build("DOUBLE"))
    if (isinstance(value, int) and value < 0) or (isinstance(value, float) and value < 0):
        return exp.Neg(this=exp.Literal.number(repr(-value)))
    return exp.Literal.number(repr(value))


def boolean(value: bool) -> exp.Expression:
    return exp.Boolean(this=value)


def null() -> exp.Expression:
    return exp.Null()


@functools.lru_cache(maxsize=64)
def _data_type(duck_type: str) -> exp.DataType:
    return exp.DataType.build(duck_type, dialect="duckdb")


_SIMPLE_TYPES = {
    "VARCHAR": exp.DataType.Type.VARCHAR, "BIGINT": exp.DataType.Type.BIGINT,
    "INTEGER": exp.DataType.Type.INT, "DOUBLE": exp.DataType.Type.DOUBLE,
    "BOOLEAN": exp.DataType.Type.BOOLEAN, "TIMESTAMP": exp.DataType.Type.TIMESTAMP,
    "JSON": exp.DataType.Type.JSON, "TIMESTAMPTZ": exp.DataType.Type.TIMESTAMPTZ,
}  # fmt: skip


def data_type(duck_type: str) -> exp.DataType:
    """A DuckDB type node, built directly: sqlglot's type parser is slow on hot paths."""
    if duck_type in _SIMPLE_TYPES:
        return exp.DataType(this=_SIMPLE_TYPES[duck_type])
    if duck_type.endswith("[]") and duck_type[:-2] in _SIMPLE_TYPES:
        inner = exp.DataType(this=_SIMPLE_TYPES[duck_type[:-2]])
        return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[inner], nested=True)
    return _data_type(duck_type).copy()


def cast(expr: exp.Expression, duck_type: str) -> exp.Expression:
    return exp.Cast(this=expr, to=data_type(duck_type))


def try_cast(expr: exp.Expression, duck_type: str) -> exp.Expression:
    return exp.TryCast(this=expr, to=data_type(duck_type))


def typed_null(kql_type: str) -> exp.Expression:
    return cast(null(), T.duckdb_type(kql_type))


def timestamp(value: datetime) -> exp.Expression:
    return cast(string(value.strftime("%Y-%m-%d %H:%M:%S.%f")), "TIMESTAMP")


def json_text(value: object) -> exp.Expression:
    """A JSON constant from a Python value (KQL `dynamic(...)` literal)."""
    return cast(string(json.dumps(value, separators=(",", ":"), ensure_ascii=False)), "JSON")


def and_(*parts: exp.Expression) -> exp.Expression:
    result = parts[0]
    for part in parts[1:]:
        result = exp.And(this=paren(result), expression=paren(part))
    return result


def or_(*parts: exp.Expression) -> exp.Expression:
    result = parts[0]
    for part in parts[1:]:
        result = exp.Or(this=paren(result), expression=paren(part))
    return result


def not_(expr: exp.Expression) -> exp.Expression:
    return exp.Not(this=paren(expr))


def paren(expr: exp.Expression) -> exp.Expression:
    if isinstance(expr, exp.Column | exp.Literal | exp.Paren | exp.Anonymous | exp.Cast | exp.Null):
        return expr
    return exp.Paren(this=expr)


def case(whens: list[tuple[exp.Expression, exp.Expression]], default: exp.Expression) -> exp.Case:
    node = exp.Case()
    for condition, value in whens:
        node = node.when(condition, value)
    return node.else_(default)


def coalesce(*args: exp.Expression) -> exp.Expression:
    return fn("coalesce", *args)


def binop(op: str, left: exp.Expression, right: exp.Expression) -> exp.Expression:
    """Arithmetic and comparison operators by their SQL spelling."""
    cls = _BINOPS[op]
    return cls(this=paren(left), expression=paren(right))


_BINOPS: dict[str, type[exp.Expression]] = {
    "+": exp.Add, "-": exp.Sub, "*": exp.Mul, "/": exp.Div, "%": exp.Mod, "//": exp.IntDiv,
    "=": exp.EQ, "<>": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE,
}  # fmt: skip


def lambda_(param: str, body: exp.Expression) -> exp.Expression:
    return exp.Lambda(this=body, expressions=[exp.to_identifier(param)])


def subquery(query: exp.Expression, alias: str) -> exp.Expression:
    return exp.Subquery(this=query, alias=exp.TableAlias(this=ident(alias)))


def scalar_subquery(query: exp.Expression) -> exp.Expression:
    return exp.Subquery(this=query)


def to_sql(query: exp.Expression) -> str:
    return query.sql(dialect="duckdb", copy=False)


def alias(expr: exp.Expression, name: str | exp.Identifier, quoted: bool = True) -> exp.Expression:
    """`expr AS "name"` (names are always quoted; `quoted` exists for call-site symmetry)."""
    identifier = name if isinstance(name, exp.Identifier) else ident(name)
    return exp.Alias(this=expr, alias=identifier)
