"""What the translator passes around: typed SQL values, relations with their KQL schema.

A `Relation` is a SQL query plus its ordered KQL columns. Each column has a KQL name and
a separate SQL name, because DuckDB names are case-insensitive while KQL names are not
(`filename` and `FileName` can both exist in KQL); SQL names are chosen unique without
regard to case, and equal to the KQL name whenever that is possible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from mdekit.kql import sql as S
from mdekit.kql import types as T


class _NoConst:
    def __repr__(self) -> str:
        return "NO_CONST"


NO_CONST: object = _NoConst()


@dataclass(frozen=True)
class Typed:
    """A translated scalar: its SQL, its KQL type and, when known, its constant value.

    For dynamic values read from a JSON path, `json_base`/`json_path` keep the pieces so
    that a later conversion to string can use DuckDB's `json_extract_string` directly.
    """

    sql: exp.Expression
    type: str
    const: object = NO_CONST
    json_base: exp.Expression | None = None
    json_path: str | None = None

    @property
    def is_const(self) -> bool:
        return self.const is not NO_CONST


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    sql: str


@dataclass(frozen=True)
class Relation:
    """A query and its columns; `order` lists (sql column, descending, nulls first) keys."""

    query: exp.Expression
    columns: tuple[Column, ...]
    order: tuple[tuple[str, bool, bool], ...] = ()

    def find(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    @property
    def schema(self) -> tuple[tuple[str, str], ...]:
        return tuple((c.name, c.type) for c in self.columns)


@dataclass
class SqlNames:
    """Chooses SQL column names that never collide, ignoring case as DuckDB does."""

    taken: set[str] = field(default_factory=set)

    def pick(self, wanted: str) -> str:
        base = wanted if wanted and not wanted.startswith("__") else f"c_{wanted}"
        name, n = base, 1
        while name.lower() in self.taken:
            name = f"{base}__{n}"
            n += 1
        self.taken.add(name.lower())
        return name


@dataclass
class Output:
    """One output column being built: KQL name and type, and the SQL computing it."""

    name: str
    type: str
    sql: exp.Expression


def select(
    source: Relation,
    alias: str,
    outputs: list[Output] | None = None,
    *,
    where: exp.Expression | None = None,
) -> Relation:
    """`SELECT <outputs> FROM (<source>) AS alias [WHERE …]`; None outputs keep all columns.

    Columns that pass through unchanged at the front are written as `*` (the usual case of
    where and extend). Sort keys of the source survive when their columns pass through.
    """
    subquery, earlier = inline_source(source.query, alias)
    if earlier is not None:
        where = earlier if where is None else S.and_(earlier, where)
    if outputs is None:
        query = exp.Select(expressions=[exp.Star()]).from_(subquery, copy=False)
        if where is not None:
            query = query.where(where, copy=False)
        return Relation(query, source.columns, source.order)
    kept = _unchanged_prefix(source, outputs)
    names = SqlNames({c.sql.lower() for c in source.columns[:kept]})
    columns: list[Column] = list(source.columns[:kept])
    projections: list[exp.Expression] = [exp.Star()] if kept else []
    renamed: dict[str, str] = {c.sql: c.sql for c in columns}
    for out in outputs[kept:]:
        sql_name = names.pick(out.name)
        columns.append(Column(out.name, out.type, sql_name))
        projections.append(S.alias(out.sql, sql_name))
        if isinstance(out.sql, exp.Column) and not out.sql.table:
            renamed.setdefault(out.sql.name, sql_name)
    query = exp.Select(expressions=projections).from_(subquery, copy=False)
    if where is not None:
        query = query.where(where, copy=False)
    order = tuple(
        (renamed[key], desc, nulls) for key, desc, nulls in source.order if key in renamed
    )
    return Relation(query, tuple(columns), order if len(order) == len(source.order) else ())


def inline_source(
    query: exp.Expression, alias: str
) -> tuple[exp.Expression, exp.Expression | None]:
    """The FROM clause for a query over `query`, and a filter to carry over.

    A source that is only `SELECT * FROM x [WHERE c]` is not wrapped again: its FROM and
    its filter are reused, which keeps the SQL flat (less for DuckDB to plan).
    """
    if isinstance(query, exp.Select) and _is_plain_star(query):
        source = query.args["from_"].this
        condition = query.args.get("where")
        return source, condition.this if condition is not None else None
    return S.subquery(query, alias), None


def _is_plain_star(query: exp.Select) -> bool:
    projections = query.expressions
    if len(projections) != 1 or not isinstance(projections[0], exp.Star):
        return False
    if projections[0].args.get("except") or projections[0].args.get("replace"):
        return False
    blocked = (
        "joins", "group", "having", "order", "limit", "offset", "qualify", "distinct", "with",
        "windows", "exclude", "laterals",
    )  # fmt: skip
    if any(query.args.get(key) for key in blocked):
        return False
    return query.args.get("from_") is not None


def _unchanged_prefix(source: Relation, outputs: list[Output]) -> int:
    """How many outputs repeat all source columns in order, so `*` can stand for them."""
    if len(outputs) < len(source.columns):
        return 0
    for out, src in zip(outputs, source.columns, strict=False):
        same = (
            isinstance(out.sql, exp.Column)
            and not out.sql.table
            and out.sql.name == src.sql
            and out.name == src.name
            and out.type == src.type
        )
        if not same:
            return 0
    return len(source.columns)


def table_relation(table: str, schema: tuple[tuple[str, str], ...]) -> Relation:
    """A base table: `SELECT * FROM "table"` with the table's declared columns."""
    names = SqlNames()
    columns = tuple(Column(name, kql_type, names.pick(name)) for name, kql_type in schema)
    query = (
        exp.Select()
        .select(exp.Star(), copy=False)
        .from_(exp.Table(this=S.ident(table)), copy=False)
    )
    return Relation(query, columns)


def check_type(kql_type: str) -> str:
    if kql_type not in T.KQL_TYPES:
        raise ValueError(f"unknown KQL type {kql_type!r}")
    return kql_type
