"""`evaluate` plugins: bag_unpack and pivot, whose output columns depend on the data.

Kusto decides their columns from the rows; so does this engine. Given an output schema
(`evaluate pivot(X) : (A:string, …)`) the columns come from it; otherwise the caller's
`probe` (run() passes one that queries the connection) looks at the data first. Without
either, the query cannot be compiled and a clear error says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env, RowScope
from mdekit.kql.errors import KqlSemanticError, unsupported
from mdekit.kql.relation import Column, Output, Relation, SqlNames, Typed, select
from mdekit.kql.scalar import ExprTranslator
from mdekit.kql.syntax import Call, Name
from mdekit.kql.syntax_ops import Evaluate, Operator

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler

_JSON_TYPES = {
    "VARCHAR": T.STRING, "BIGINT": T.LONG, "UBIGINT": T.LONG, "DOUBLE": T.REAL,
    "BOOLEAN": T.BOOL,
}  # fmt: skip


def evaluate(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Evaluate)
    plugin = op.call.name
    if plugin == "bag_unpack":
        return bag_unpack(cp, rel, op, env)
    if plugin == "pivot":
        return pivot(cp, rel, op, env)
    if plugin == "ipv4_lookup":
        from mdekit.kql.tab_join import ipv4_lookup

        return ipv4_lookup(cp, rel, op, env)
    raise unsupported(f"The evaluate plugin '{plugin}'")


def _probe(cp: Compiler, query: exp.Expression, plugin: str) -> list[tuple[object, ...]]:
    if cp.ctx.probe is None:
        raise KqlSemanticError(
            f"evaluate {plugin}(): the output columns depend on the data; give an output schema"
            " (`: (Column:type, ...)`) or run the query against data."
        )
    return cp.ctx.probe(S.to_sql(query))


def bag_keys(cp: Compiler, rel: Relation, bag: Typed) -> list[tuple[str, str]]:
    """(key, KQL type) of every property found in the bag column, keys sorted."""
    inner = (
        exp.Select()
        .select(S.alias(bag.sql, "b"), copy=False)
        .from_(S.subquery(rel.query, cp.ctx.alias()), copy=False)
    )
    inner = inner.where(S.binop("=", S.fn("json_type", S.col("b")), S.string("OBJECT")), copy=False)
    keys = (
        exp.Select()
        .select(S.alias(S.fn("unnest", S.fn("json_keys", S.col("b"))), "k"), S.col("b"), copy=False)
        .from_(S.subquery(inner, "_bags"), copy=False)
    )
    member = S.fn(
        "json_extract", S.col("b"), S.fn("concat", S.string('$."'), S.col("k"), S.string('"'))
    )
    probe = (
        exp.Select()
        .select(
            S.col("k"),
            S.fn(
                "string_agg", exp.Distinct(expressions=[S.fn("json_type", member)]), S.string(",")
            ),
            copy=False,
        )
        .from_(S.subquery(keys, "_keys"), copy=False)
        .group_by(S.col("k"), copy=False)
        .order_by(S.col("k"), copy=False)
    )
    found: list[tuple[str, str]] = []
    for key, kinds in _probe(cp, probe, "bag_unpack"):
        types = {
            _JSON_TYPES.get(k, T.DYNAMIC) for k in str(kinds or "").split(",") if k and k != "NULL"
        }
        if types == {T.LONG, T.REAL}:
            types = {T.REAL}
        found.append((str(key), types.pop() if len(types) == 1 else T.DYNAMIC))
    return found


def bag_unpack(cp: Compiler, rel: Relation, op: Evaluate, env: Env) -> Relation:
    tr = cp.translator(rel, env, "evaluate")
    args = op.call.args
    if not args:
        raise KqlSemanticError("bag_unpack(): expects the column holding the property bag.")
    bag = tr.expr(args[0])
    prefix = ""
    if len(args) > 1:
        second = tr.expr(args[1])
        prefix = second.const if isinstance(second.const, str) else ""
    dropped = args[0].name if isinstance(args[0], Name) else None
    kept = [c for c in rel.columns if c.name != dropped]
    if op.schema:
        wanted = list(op.schema)
    else:
        wanted = [(c.name, c.type) for c in kept]
        existing = {c.name for c in kept}
        for key, kind in bag_keys(cp, rel, bag):
            name = prefix + key
            if name in existing:
                raise KqlSemanticError(
                    f"bag_unpack(): the property '{key}' conflicts with a column."
                )
            wanted.append((name, kind))
    by_name = {c.name: c for c in kept}
    outputs: list[Output] = []
    for name, kind in wanted:
        column = by_name.get(name)
        if column is not None:
            value = Typed(S.col(column.sql), column.type)
        else:
            key = name[len(prefix) :] if prefix and name.startswith(prefix) else name
            value = tr.json_step(bag, key, None)
        outputs.append(Output(name, kind, C.coerce(value, kind)))
    return select(rel, cp.ctx.alias(), outputs)


def pivot(cp: Compiler, rel: Relation, op: Evaluate, env: Env) -> Relation:
    """Rows grouped by the other columns, one column per value of the pivot column."""
    args = op.call.args
    if not args or not isinstance(args[0], Name):
        raise KqlSemanticError("pivot(): expects the pivot column first.")
    scope = RowScope.of(rel)
    plain = ExprTranslator(cp.ctx, env, scope, "evaluate")
    grouped = ExprTranslator(cp.ctx, env, scope, "evaluate", aggregate=True)
    pivot_value = C.to_string(plain.expr(args[0]))
    aggregate_call = args[1] if len(args) > 1 and isinstance(args[1], Call) else Call("count", ())
    aggregate = grouped.expr(aggregate_call)
    group_names = [a.name for a in args[2:] if isinstance(a, Name)]
    if not group_names:
        used = {args[0].name} | {a.name for a in aggregate_call.args if isinstance(a, Name)}
        group_names = [c.name for c in rel.columns if c.name not in used]
    groups = [c for c in rel.columns if c.name in group_names]
    if op.schema:
        values = [name for name, _ in op.schema if name not in group_names]
    else:
        probe = (
            exp.Select()
            .select(S.alias(pivot_value, "v"), copy=False)
            .from_(S.subquery(rel.query, cp.ctx.alias()), copy=False)
            .distinct(copy=False)
            .order_by(S.col("v"), copy=False)
        )
        values = [str(row[0]) for row in _probe(cp, probe, "pivot") if row[0] is not None]
    inner = (
        exp.Select()
        .select(
            *(S.col(c.sql) for c in groups),
            S.alias(pivot_value, S.ident("_pivot"), quoted=True),
            S.alias(aggregate.sql, S.ident("_value"), quoted=True),
            copy=False,
        )
        .from_(S.subquery(rel.query, cp.ctx.alias()), copy=False)
        .group_by(*(exp.Literal.number(i + 1) for i in range(len(groups) + 1)), copy=False)
    )
    names = SqlNames()
    columns: list[Column] = []
    projections: list[exp.Expression] = []
    for column in groups:
        sql_name = names.pick(column.name)
        columns.append(Column(column.name, column.type, sql_name))
        projections.append(S.alias(S.col(column.sql), S.ident(sql_name), quoted=True))
    empty = S.number(0) if aggregate_call.name in ("count", "dcount", "countif") else S.null()
    for value in values:
        picked = exp.Filter(
            this=S.fn("any_value", S.col("_value")),
            expression=exp.Where(this=S.binop("=", S.col("_pivot"), S.string(value))),
        )
        sql_name = names.pick(value)
        columns.append(Column(value, aggregate.type, sql_name))
        projections.append(S.alias(S.coalesce(picked, empty), S.ident(sql_name), quoted=True))
    query = (
        exp.Select()
        .select(*projections, copy=False)
        .from_(S.subquery(inner, cp.ctx.alias()), copy=False)
    )
    if groups:
        query = query.group_by(*(exp.Literal.number(i + 1) for i in range(len(groups))), copy=False)
    return Relation(query, tuple(columns))
