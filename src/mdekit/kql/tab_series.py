"""Less common operators: getschema, mv-apply, partition, ignored ones, and the entry
points of make-series and top-nested (built in `tab_make_series`).

mv-apply numbers the input rows, expands them, and runs the subquery with every grouping
operator partitioned by the row number; the result is joined back to the row's other
columns.

`partition by Key (subquery)` runs the subquery once per key value: the input becomes a
CTE, and a LATERAL join runs the subquery over the rows of each distinct key (`IS NOT
DISTINCT FROM`, so the null key is a partition too), which DuckDB decorrelates. In the
`{ query }` form the subquery has its own source and sees the key through `toscalar(Key)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env, RelationBinding
from mdekit.kql.errors import KqlSemanticError, unknown_column, unsupported
from mdekit.kql.relation import Column, Output, Relation, SqlNames, select
from mdekit.kql.syntax import Assign, Call, Name
from mdekit.kql.syntax_ops import (
    CountRows,
    Distinct,
    Ignored,
    MvApply,
    Operator,
    Partition,
    Project,
    Sample,
    Summarize,
    Take,
    Top,
)

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler

ROW_ID = "__mv_apply_row"

_DOTNET = {
    T.STRING: "System.String", T.LONG: "System.Int64", T.INT: "System.Int32",
    T.REAL: "System.Double", T.BOOL: "System.Boolean", T.DATETIME: "System.DateTime",
    T.TIMESPAN: "System.TimeSpan", T.DYNAMIC: "System.Object", T.GUID: "System.Guid",
    T.DECIMAL: "System.Data.SqlTypes.SqlDecimal",
}  # fmt: skip


def ignored(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Ignored)
    if op.name.startswith("unsupported:"):
        raise unsupported(f"The {op.name.split(':', 1)[1]} operator")
    return rel


def getschema(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    from mdekit.kql.tab_sources import constant_relation

    rows = [
        [
            S.string(c.name),
            S.cast(S.number(i), "INTEGER"),
            S.string(_DOTNET[c.type]),
            S.string(c.type),
        ]
        for i, c in enumerate(rel.columns)
    ]
    schema = [
        ("ColumnName", T.STRING), ("ColumnOrdinal", T.INT), ("DataType", T.STRING),
        ("ColumnType", T.STRING),
    ]  # fmt: skip
    return constant_relation(rows, schema)


def with_row_numbers(cp: Compiler, rel: Relation) -> Relation:
    outputs = [Output(c.name, c.type, S.col(c.sql)) for c in rel.columns]
    outputs.append(Output(ROW_ID, T.LONG, exp.Window(this=S.fn("row_number"))))
    return select(rel, cp.ctx.alias(), outputs)


def partitioned_limit(cp: Compiler, rel: Relation, op: Top | Take | Sample, env: Env) -> Relation:
    """`top`/`take` inside mv-apply: N rows per input row (ROW_NUMBER over the row id)."""
    from mdekit.kql.tab_basic import order_terms

    tr = cp.translator(rel, env, "mv-apply")
    order = order_terms(tr, (op.key,))[0] if isinstance(op, Top) else []
    row_id = rel.find(ROW_ID)
    assert row_id is not None
    rank = exp.Window(
        this=S.fn("row_number"),
        partition_by=[S.col(row_id.sql)],
        order=exp.Order(expressions=order) if order else None,
    )
    limit = tr.expr(op.count).sql
    query = (
        exp.Select()
        .select(exp.Star(), copy=False)
        .from_(S.subquery(rel.query, cp.ctx.alias()), copy=False)
        .qualify(S.binop("<=", rank, limit), copy=False)
    )
    return Relation(query, rel.columns)


def mv_apply(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, MvApply)
    from mdekit.kql.registry import OPERATORS
    from mdekit.kql.tab_expand import expand

    numbered = with_row_numbers(cp, rel)
    expanded = expand(cp, numbered, env, op.items, op.types, op.item_index, None)
    current = expanded
    for sub_op in op.subquery.ops:
        if isinstance(sub_op, Top | Take | Sample):
            current = partitioned_limit(cp, current, sub_op, env)
            continue
        rewritten = _partitioned(sub_op)
        handler = OPERATORS.get(type(rewritten))
        if handler is None:
            raise unsupported(f"{type(sub_op).__name__} inside mv-apply")
        current = handler(cp, current, rewritten, env)
    if current.find(ROW_ID) is None:
        raise KqlSemanticError("mv-apply: the subquery lost track of its input rows.")
    produced = {c.name for c in current.columns}
    kept = [c for c in numbered.columns if c.name not in produced and c.name != ROW_ID]
    left, right = cp.ctx.alias(), cp.ctx.alias()
    names = SqlNames()
    columns: list[Column] = []
    projections: list[exp.Expression] = []
    for column, qualifier in [(c, left) for c in kept] + [
        (c, right) for c in current.columns if c.name != ROW_ID
    ]:
        sql_name = names.pick(column.name)
        columns.append(Column(column.name, column.type, sql_name))
        projections.append(S.alias(S.col(column.sql, qualifier), S.ident(sql_name), quoted=True))
    left_id = numbered.find(ROW_ID)
    right_id = current.find(ROW_ID)
    assert left_id is not None
    assert right_id is not None
    query = (
        exp.Select()
        .select(*projections, copy=False)
        .from_(S.subquery(numbered.query, left), copy=False)
        .join(
            S.subquery(current.query, right),
            on=S.binop("=", S.col(left_id.sql, left), S.col(right_id.sql, right)),
            join_type="INNER",
            copy=False,
        )
    )
    return Relation(query, tuple(columns))


def _partitioned(op: Operator) -> Operator:
    """Rewrite a subquery operator so that it works per input row of mv-apply."""
    row = Name(ROW_ID)
    if isinstance(op, Summarize):
        return Summarize(op.aggregates, (*op.by, row), at=op.at)
    if isinstance(op, Project):
        return Project((*op.items, row), at=op.at)
    if isinstance(op, Distinct):
        return Distinct((*op.items, row), op.limit, at=op.at)
    if isinstance(op, CountRows):
        return Summarize((Assign(("Count",), Call("count", ())),), (row,), at=op.at)
    return op


def make_series(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    from mdekit.kql.tab_make_series import make_series as build

    return build(cp, rel, op, env)


def top_nested(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    from mdekit.kql.tab_make_series import top_nested as build

    return build(cp, rel, op, env)


# ---------------------------------------------------------------- partition


def partition(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Partition)
    key = rel.find(op.key)
    if key is None:
        raise unknown_column(op.key, "partition")
    ctx = cp.ctx
    table = f"_partition{len(ctx.ctes) + 1}"
    ctx.ctes.append((table, rel.query))
    outer = ctx.alias()
    keys = (
        exp.Select(distinct=exp.Distinct())
        .select(S.col(key.sql), copy=False)
        .from_(exp.Table(this=S.ident(table)), copy=False)
    )
    child = env.child()
    if op.own_source:
        value = exp.Select().select(S.alias(S.col(key.sql, outer), key.sql), copy=False)
        child.bind(op.key, RelationBinding(Relation(value, (Column(key.name, key.type, key.sql),))))
    else:
        rows = (
            exp.Select()
            .select(exp.Star(), copy=False)
            .from_(exp.Table(this=S.ident(table)), copy=False)
            .where(
                exp.NullSafeEQ(this=S.col(key.sql, table), expression=S.col(key.sql, outer)),
                copy=False,
            )
        )
        child.bind("$partition_rows", RelationBinding(Relation(rows, rel.columns)))
    inner = cp.tabular(op.subquery, child)
    inner_alias = ctx.alias()
    query = (
        exp.Select()
        .select(exp.Column(this=exp.Star(), table=S.ident(inner_alias)), copy=False)
        .from_(S.subquery(keys, outer), copy=False)
        .join(
            exp.Lateral(this=S.paren(inner.query), alias=exp.TableAlias(this=S.ident(inner_alias))),
            copy=False,
        )
    )
    return Relation(query, inner.columns)
