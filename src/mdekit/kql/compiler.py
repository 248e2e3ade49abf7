"""Compiles a parsed KQL query into one DuckDB SQL query with a known output schema.

Statements bind `let` names; the tabular statement is compiled source first, then one
operator at a time, each wrapping the previous SQL as a subquery (DuckDB flattens these).
`compile_query()` is the public entry point.

The final pass narrows `SELECT *` over a table, under a query that reads only some of its
columns, to those columns: DuckDB prunes columns itself in most plans but not through
every operator (a top-N over the 70 columns of DeviceProcessEvents carries them all).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlglot import exp

from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import (
    Context,
    Env,
    FileProfileHook,
    FunctionBinding,
    RelationBinding,
    RowScope,
    TabularBinding,
)
from mdekit.kql.errors import KqlSemanticError, unknown_table
from mdekit.kql.parser import parse
from mdekit.kql.relation import Relation, table_relation
from mdekit.kql.scalar import ExprTranslator, bind_let
from mdekit.kql.syntax import (
    Call,
    CallSource,
    Expr,
    Let,
    Name,
    Paren,
    Query,
    QueryStatement,
    Statement,
    SubQuery,
    TableRef,
)
from mdekit.kql.syntax_ops import Operator

OperatorHandler = Callable[["Compiler", Relation, Operator, Env], Relation]


@dataclass(frozen=True)
class CompiledQuery:
    """DuckDB SQL for the query and its output columns as (name, KQL type) pairs."""

    sql: str
    columns: tuple[tuple[str, str], ...]


class Compiler:
    """Compiles statements and tabular expressions within one `Context`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        ctx.compile_tabular = self.tabular

    # -- statements ----------------------------------------------------------------

    def script(self, statements: Sequence[Statement], env: Env) -> Relation:
        result: Relation | None = None
        for statement in statements:
            if isinstance(statement, Let):
                bind_let(self.ctx, env, statement, ExprTranslator(self.ctx, env, RowScope(), "let"))
            elif isinstance(statement, QueryStatement) and result is None:
                result = self.statement_relation(statement.query, env)
        if result is None:
            raise KqlSemanticError("The query has no tabular expression statement to run.")
        return result

    def statement_relation(self, value: Query | Expr, env: Env) -> Relation:
        if isinstance(value, Query | SubQuery | Name | Call | Paren):
            return self.tabular(value, env)
        from mdekit.kql.tab_sources import print_relation

        return print_relation(self, [value], env)

    # -- tabular expressions -------------------------------------------------------

    def tabular(self, value: Query | Expr, env: Env) -> Relation:
        if isinstance(value, SubQuery):
            return self.tabular(value.query, env)
        if isinstance(value, Paren):
            return self.tabular(value.inner, env)
        if isinstance(value, Name):
            return self.named(value.name, env, value.at)
        if isinstance(value, Call):
            return self.call_source(value, env)
        if not isinstance(value, Query):
            raise KqlSemanticError("A tabular expression is expected here.")
        relation = self.source(value.source, env)
        from mdekit.kql.registry import OPERATORS

        for op in value.ops:
            handler = OPERATORS.get(type(op))
            if handler is None:
                raise KqlSemanticError(f"The operator {type(op).__name__} is not supported.")
            relation = handler(self, relation, op, env)
        return relation

    def source(self, source: object, env: Env) -> Relation:
        if isinstance(source, Query):
            return self.tabular(source, env)
        if isinstance(source, TableRef):
            return self.named(source.name, env, source.at)
        if isinstance(source, CallSource):
            return self.call_source(source.call, env)
        from mdekit.kql.tab_sources import other_source

        return other_source(self, source, env)

    def named(self, name: str, env: Env, at: int = 0) -> Relation:
        binding = env.lookup(name)
        if isinstance(binding, TabularBinding):
            return self.tabular(binding.query, binding.env)
        if isinstance(binding, RelationBinding):
            return binding.relation
        if isinstance(binding, FunctionBinding) and not binding.definition.params:
            return self.call_source(Call(name, (), at=at), env)
        if binding is not None:
            raise KqlSemanticError(f"'{name}' is a scalar value; a table is expected.")
        table = self.table_name(name)
        if table is not None:
            return table_relation(table, tuple(self.ctx.tables[table]))
        raise unknown_table(name)

    def table_name(self, name: str) -> str | None:
        """The schema's spelling of a table name; a unique case-insensitive match is accepted
        because published queries use both `GraphApiAuditEvents` and `GraphAPIAuditEvents`."""
        if name in self.ctx.tables:
            return name
        folded = [t for t in self.ctx.tables if t.lower() == name.lower()]
        return folded[0] if len(folded) == 1 else None

    def table_names(self, pattern: str) -> list[str]:
        """Tables matching a `union` name that may contain `*` wildcards."""
        if "*" not in pattern:
            return [pattern]
        return sorted(t for t in self.ctx.tables if fnmatch.fnmatchcase(t, pattern))

    def call_source(self, call: Call, env: Env) -> Relation:
        from mdekit.kql.tab_sources import call_relation

        return call_relation(self, call, env)

    def translator(self, relation: Relation, env: Env, operator: str, **kw: bool) -> ExprTranslator:
        return ExprTranslator(self.ctx, env, RowScope.of(relation), operator, **kw)


def finish(ctx: Context, relation: Relation) -> str:
    """The final SQL: materialized CTEs first, the result ordered by its sort keys."""
    query = relation.query
    already_sorted = _keeps_order(query)
    if relation.order and not already_sorted:
        keys = [
            exp.Ordered(this=S.col(name), desc=desc, nulls_first=nulls)
            for name, desc, nulls in relation.order
        ]
        query = (
            exp.Select()
            .select(exp.Star(), copy=False)
            .from_(S.subquery(query, "_result"), copy=False)
            .order_by(*keys, copy=False)
        )
    prune_columns(query, ctx.tables)
    if ctx.ctes:
        assert isinstance(query, exp.Select | exp.Union)
        for name, cte in ctx.ctes:
            query = query.with_(S.ident(name), as_=cte, materialized=True, copy=False)
    return S.to_sql(query)


_ORDER_BREAKERS = ("joins", "group", "distinct", "having", "qualify", "laterals", "with")


def _keeps_order(query: exp.Expression) -> bool:
    """Whether the query already returns its rows sorted: it has an ORDER BY, or it only
    projects or filters the rows of one sorted subquery (DuckDB keeps the order of its
    input through projections and filters, so sorting again would only cost time)."""
    while isinstance(query, exp.Select):
        if query.args.get("order"):
            return True
        if any(query.args.get(part) for part in _ORDER_BREAKERS):
            return False
        if any(isinstance(e, exp.Window) for e in query.expressions):
            return False
        source = query.args.get("from_") or query.args.get("from")
        inner = source.this if isinstance(source, exp.From) else None
        if not isinstance(inner, exp.Subquery):
            return False
        query = inner.this
    return False


def compile_query(
    text: str,
    tables: Mapping[str, Sequence[tuple[str, str]]],
    *,
    now: datetime | None = None,
    file_profile: FileProfileHook | str | None = None,
    probe: Callable[[str], list[tuple[object, ...]]] | None = None,
) -> CompiledQuery:
    """Compile KQL `text` against `tables` (name -> ordered (column, KQL type) pairs).

    `now` fixes `now()` and `ago()` (default: the current UTC time). `file_profile` names
    the DuckDB table that `invoke FileProfile()` reads (without it, the profile columns
    come back empty). `probe` runs SQL and returns rows: plugins whose output columns depend
    on the data (bag_unpack, pivot) use it. Raises KqlSyntaxError or KqlSemanticError.
    """
    return compile_in_context(text, tables, now=now, file_profile=file_profile, probe=probe)[0]


def compile_in_context(
    text: str,
    tables: Mapping[str, Sequence[tuple[str, str]]],
    *,
    now: datetime | None = None,
    file_profile: FileProfileHook | str | None = None,
    probe: Callable[[str], list[tuple[object, ...]]] | None = None,
) -> tuple[CompiledQuery, Context]:
    """`compile_query()`, with the context it compiled in (what the query depended on)."""
    statements = parse(text)
    moment = now or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    hook = FileProfileHook(file_profile) if isinstance(file_profile, str) else file_profile
    ctx = Context(tables=_checked(tables), moment=moment, file_profile=hook, probe=probe)
    relation = Compiler(ctx).script(statements, Env())
    return CompiledQuery(finish(ctx, relation), relation.schema), ctx


def _checked(tables: Mapping[str, Sequence[tuple[str, str]]]) -> CheckedTables:
    # Already checked (a `CompiledQueries` keeps one): its checks carry over.
    return tables if isinstance(tables, CheckedTables) else CheckedTables(tables)


class CheckedTables(Mapping[str, tuple[tuple[str, str], ...]]):
    """The tables with canonical KQL types, each checked when a query first names it: a
    query reads one or two of the Advanced Hunting tables, and checking them all made
    compiling a short query against that schema take 0.84 ms instead of 0.48."""

    def __init__(self, tables: Mapping[str, Sequence[tuple[str, str]]]) -> None:
        self._tables = tables
        self._checked: dict[str, tuple[tuple[str, str], ...]] = {}

    def __getitem__(self, name: str) -> tuple[tuple[str, str], ...]:
        found = self._checked.get(name)
        if found is None:
            fixed = []
            for column, kql_type in self._tables[name]:
                canonical = T.canonical_type(kql_type)
                if canonical is None:
                    raise ValueError(f"table {name}: column {column} has unknown type {kql_type!r}")
                fixed.append((column, canonical))
            found = self._checked[name] = tuple(fixed)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __contains__(self, name: object) -> bool:
        return name in self._tables


# ---------------------------------------------------------------- column pruning


def prune_columns(query: exp.Expression, tables: Mapping[str, Sequence[tuple[str, str]]]) -> None:
    """Narrow, in place, each `(SELECT * FROM table …) AS a` to the columns its reader uses.

    The translator shares subtrees between readers (queries are built without copying), so
    a subquery that occurs more than once is left alone.
    """
    seen: dict[int, int] = {}
    for node in query.walk():
        if isinstance(node, exp.Subquery):
            seen[id(node.this)] = seen.get(id(node.this), 0) + 1
    shared = {key for key, count in seen.items() if count > 1}
    for outer in list(query.find_all(exp.Select)):
        sources = [outer.args.get("from_") or outer.args.get("from")]
        sources += list(outer.args.get("joins") or [])
        for source in sources:
            sub = source.this if isinstance(source, exp.From | exp.Join) else None
            if (
                isinstance(sub, exp.Subquery)
                and isinstance(sub.this, exp.Select)
                and id(sub.this) not in shared
            ):
                _narrow(outer, sub, tables)


def _narrow(
    outer: exp.Select, sub: exp.Subquery, tables: Mapping[str, Sequence[tuple[str, str]]]
) -> None:
    inner = sub.this
    assert isinstance(inner, exp.Select)
    if not _is_star_over_table(inner):
        return
    from_ = inner.args.get("from_") or inner.args.get("from")
    assert isinstance(from_, exp.From)
    assert isinstance(from_.this, exp.Table)
    schema = tables.get(from_.this.name)
    if schema is None:
        return
    alias = sub.alias
    if any(isinstance(e, exp.Star) for e in outer.expressions):
        return  # `SELECT *` reads every column
    wanted: set[str] = set()
    for node in outer.walk(prune=lambda n: n is sub):
        if not isinstance(node, exp.Column) or node.table not in ("", alias):
            continue
        if isinstance(node.this, exp.Star):
            return  # `alias.*`
        wanted.add(node.name)
    columns = [name for name, _ in schema if name in wanted]
    if columns and len(columns) < len(schema):
        inner.set("expressions", [exp.column(name, quoted=True) for name in columns])


def _is_star_over_table(select: exp.Select) -> bool:
    if len(select.expressions) != 1 or not isinstance(select.expressions[0], exp.Star):
        return False
    if select.args.get("distinct") or select.args.get("joins") or select.args.get("group"):
        return False
    from_ = select.args.get("from_") or select.args.get("from")
    return isinstance(from_, exp.From) and isinstance(from_.this, exp.Table)
