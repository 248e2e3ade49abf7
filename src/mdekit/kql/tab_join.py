"""join, lookup and union.

The default join kind is `innerunique`: the left side is first reduced to one row per key
(`DISTINCT ON`), then inner-joined. Output columns are the left ones, then the right ones;
a right column whose name is taken gets a numeric suffix (`DeviceId1`). Semi and anti
joins return one side only. `union` matches columns by name, in order of appearance.

`evaluate ipv4_lookup(Lookup, SourceIp, LookupRange [, ExtraKey …] [, return_unmatched])`
is a join too: each row meets the lookup rows whose IPv4 address or CIDR range contains its
address (and whose extra key columns are equal); with `return_unmatched` the rows without a
match are kept with empty lookup columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env
from mdekit.kql.errors import KqlSemanticError, unknown_column, unknown_table
from mdekit.kql.fn_network import ipv4_number
from mdekit.kql.naming import make_unique
from mdekit.kql.relation import Column, Output, Relation, SqlNames, Typed
from mdekit.kql.syntax import Assign, Binary, Expr, Literal, Member, Name, Paren, Query, TableRef
from mdekit.kql.syntax_ops import Evaluate, Join, Operator, Union

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler

_KINDS = {
    None: "innerunique", "innerunique": "innerunique", "inner": "inner",
    "leftouter": "leftouter", "rightouter": "rightouter", "fullouter": "fullouter",
    "outer": "fullouter", "leftsemi": "leftsemi", "semi": "leftsemi", "leftanti": "leftanti",
    "anti": "leftanti", "leftantisemi": "leftanti", "rightsemi": "rightsemi",
    "rightanti": "rightanti", "rightantisemi": "rightanti",
}  # fmt: skip


def _side_column(expr: Expr, side: str) -> str | None:
    if isinstance(expr, Member) and isinstance(expr.target, Name) and expr.target.name == side:
        return expr.name
    return None


def join_keys(condition: Expr, left: Relation, right: Relation) -> list[tuple[Column, Column]]:
    """Pairs of (left column, right column) from `on Key` or `$left.A == $right.B` terms."""
    while isinstance(condition, Paren):
        condition = condition.inner
    if isinstance(condition, Name):
        lcol, rcol = left.find(condition.name), right.find(condition.name)
        if lcol is None or rcol is None:
            raise KqlSemanticError(
                f"The column '{condition.name}' must exist on both sides of the join."
            )
        return [(lcol, rcol)]
    if isinstance(condition, Binary) and condition.op == "and":
        return join_keys(condition.left, left, right) + join_keys(condition.right, left, right)
    if isinstance(condition, Binary) and condition.op == "==":
        a, b = condition.left, condition.right
        names = (_side_column(a, "$left"), _side_column(b, "$right"))
        if names[0] is None:
            names = (_side_column(b, "$left"), _side_column(a, "$right"))
        if names[0] is not None and names[1] is not None:
            lcol, rcol = left.find(names[0]), right.find(names[1])
            if lcol is None:
                raise KqlSemanticError(f"Failed to resolve column '$left.{names[0]}'")
            if rcol is None:
                raise KqlSemanticError(f"Failed to resolve column '$right.{names[1]}'")
            return [(lcol, rcol)]
    raise KqlSemanticError(
        "The join condition must be either the name of a column common to both tables or in "
        "the form $left.<column> == $right.<column>."
    )


def _key_equal(lcol: Column, rcol: Column, lq: str, rq: str) -> exp.Expression:
    lt, rt = Typed(S.col(lcol.sql, lq), lcol.type), Typed(S.col(rcol.sql, rq), rcol.type)
    if lcol.type == rcol.type or {lcol.type, rcol.type} <= T.NUMERIC:
        return S.binop("=", lt.sql, rt.sql)
    if T.DYNAMIC in (lcol.type, rcol.type) or T.STRING in (lcol.type, rcol.type):
        return S.binop("=", C.to_string(lt), C.to_string(rt))
    return S.binop("=", lt.sql, C.coerce(rt, lcol.type))


def join(cp: Compiler, left: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Join)
    ctx = cp.ctx
    right = cp.tabular(op.right, env)
    kind = _KINDS.get(op.kind if not op.lookup else (op.kind or "leftouter"))
    if kind is None or (op.lookup and kind not in ("leftouter", "inner")):
        raise KqlSemanticError(f"Unknown join kind '{op.kind}'.")
    pairs = [pair for condition in op.on for pair in join_keys(condition, left, right)]
    lq, rq = ctx.alias(), ctx.alias()
    condition = S.and_(*(_key_equal(lc, rc, lq, rq) for lc, rc in pairs))
    left_query = left.query
    if kind == "innerunique" and not op.lookup:
        keys = [S.col(lc.sql) for lc, _ in pairs]
        left_query = (
            exp.Select()
            .select(exp.Star(), copy=False)
            .from_(S.subquery(left.query, ctx.alias()), copy=False)
            .distinct(*keys, copy=False)
        )
        kind = "inner"
    if kind in ("leftsemi", "leftanti", "rightsemi", "rightanti"):
        keep, other = (left, right) if kind.startswith("left") else (right, left)
        keep_q, other_q = (lq, rq) if kind.startswith("left") else (rq, lq)
        keep_query = left_query if keep is left else keep.query
        exists = exp.Exists(
            this=exp.Select()
            .select(exp.Literal.number(1), copy=False)
            .from_(S.subquery(other.query, other_q), copy=False)
            .where(condition, copy=False)
        )
        test = exists if kind.endswith("semi") else exp.Not(this=exists)
        query = (
            exp.Select()
            .select(exp.Star(), copy=False)
            .from_(S.subquery(keep_query, keep_q), copy=False)
            .where(test, copy=False)
        )
        return Relation(query, keep.columns)
    right_columns = list(right.columns)
    if op.lookup:
        used = {rc.sql for _, rc in pairs}
        right_columns = [c for c in right_columns if c.sql not in used]
    sides = [(c, lq) for c in left.columns] + [(c, rq) for c in right_columns]
    names = make_unique([c.name for c, _ in sides])
    sql_names = SqlNames()
    columns: list[Column] = []
    projections: list[exp.Expression] = []
    for (column, qualifier), name in zip(sides, names, strict=True):
        sql_name = sql_names.pick(name)
        columns.append(Column(name, column.type, sql_name))
        projections.append(S.alias(S.col(column.sql, qualifier), S.ident(sql_name), quoted=True))
    join_kind = {"inner": "INNER", "leftouter": "LEFT", "rightouter": "RIGHT", "fullouter": "FULL"}[
        kind
    ]
    query = (
        exp.Select()
        .select(*projections, copy=False)
        .from_(S.subquery(left_query, lq), copy=False)
        .join(S.subquery(right.query, rq), on=condition, join_type=join_kind, copy=False)
    )
    return Relation(query, tuple(columns))


def _legs(
    cp: Compiler, items: tuple[Query, ...], env: Env, fuzzy: bool
) -> list[tuple[str, Relation]]:
    legs: list[tuple[str, Relation]] = []
    for i, item in enumerate(items):
        if (
            isinstance(item.source, TableRef)
            and not item.ops
            and env.lookup(item.source.name) is None
        ):
            names = cp.table_names(item.source.name)
            for name in names:
                table = cp.table_name(name)
                if table is not None:
                    legs.append((table, cp.named(table, env)))
                elif not fuzzy:
                    raise unknown_table(name)
            continue
        label = (
            item.source.name
            if isinstance(item.source, TableRef) and not item.ops
            else f"union_arg{i}"
        )
        legs.append((label, cp.tabular(item, env)))
    return legs


def union_relations(
    cp: Compiler, legs: list[tuple[str, Relation]], kind: str, with_source: str | None
) -> Relation:
    if not legs:
        raise KqlSemanticError("union: none of the tables exist.")
    order: list[tuple[str, str]] = []
    for _, rel in legs:
        for column in rel.columns:
            if (column.name, column.type) not in order:
                order.append((column.name, column.type))
    if kind == "inner":
        common = set.intersection(*({(c.name, c.type) for c in rel.columns} for _, rel in legs))
        order = [key for key in order if key in common]
    typed_names: dict[tuple[str, str], str] = {}
    for name, kql_type in order:
        clash = sum(1 for n, _ in order if n == name) > 1
        typed_names[(name, kql_type)] = f"{name}_{kql_type}" if clash else name
    outputs = [typed_names[key] for key in order]
    if with_source:
        outputs = [with_source, *outputs]
    sql_names = SqlNames()
    picked = [sql_names.pick(name) for name in outputs]
    queries: list[exp.Expression] = []
    for label, rel in legs:
        by_key = {(c.name, c.type): c for c in rel.columns}
        parts: list[exp.Expression] = []
        if with_source:
            parts.append(S.alias(S.string(label), S.ident(picked[0]), quoted=True))
        for key, sql_name in zip(order, picked[1:] if with_source else picked, strict=True):
            found = by_key.get(key)
            # A bare NULL takes its type from the legs that have the column.
            value = S.col(found.sql) if found else S.null()
            parts.append(S.alias(value, S.ident(sql_name), quoted=True))
        queries.append(
            exp.Select()
            .select(*parts, copy=False)
            .from_(S.subquery(rel.query, cp.ctx.alias()), copy=False)
        )
    query = queries[0]
    for more in queries[1:]:
        query = exp.Union(this=query, expression=more, distinct=False)
    types = ([T.STRING] if with_source else []) + [t for _, t in order]
    columns = tuple(Column(n, t, s) for n, t, s in zip(outputs, types, picked, strict=True))
    return Relation(query, columns)


def union(cp: Compiler, rel: Relation | None, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Union)
    legs = _legs(cp, op.items, env, op.fuzzy)
    if rel is not None:
        legs.insert(0, ("union_arg0", rel))
    return union_relations(cp, legs, op.kind, op.with_source)


def output_of(column: Column) -> Output:
    return Output(column.name, column.type, S.col(column.sql))


# ---------------------------------------------------------------- evaluate ipv4_lookup


def _column(rel: Relation, arg: object, side: str) -> Column:
    if not isinstance(arg, Name):
        raise KqlSemanticError(f"ipv4_lookup(): expects a column of the {side} table here.")
    column = rel.find(arg.name)
    if column is None:
        raise unknown_column(arg.name, "evaluate")
    return column


def ipv4_lookup(cp: Compiler, rel: Relation, op: Evaluate, env: Env) -> Relation:
    args = list(op.call.args)
    if len(args) < 3:
        raise KqlSemanticError("ipv4_lookup(): expects a lookup table and two key columns.")
    keep_unmatched = False
    last = args[-1]
    if isinstance(last, Assign) and last.names == ("return_unmatched",):
        last = last.expr
    if isinstance(last, Literal) and isinstance(last.value, bool):
        keep_unmatched = last.value
        args.pop()
    lookup = cp.tabular(args[0], env)
    source_key = _column(rel, args[1], "source")
    range_key = _column(lookup, args[2], "lookup")
    extra = [(_column(rel, a, "source"), _column(lookup, a, "lookup")) for a in args[3:]]
    lq, rq = cp.ctx.alias(), cp.ctx.alias()
    ip = ipv4_number(C.to_string(Typed(S.col(source_key.sql, lq), source_key.type)))
    text = C.to_string(Typed(S.col(range_key.sql, rq), range_key.type))
    network = ipv4_number(S.fn("split_part", text, S.string("/"), S.number(1)))
    bits = S.coalesce(
        S.try_cast(S.fn("split_part", text, S.string("/"), S.number(2)), "BIGINT"), S.number(32)
    )
    block = S.cast(S.fn("pow", S.number(2), S.binop("-", S.number(32), bits)), "BIGINT")
    condition = S.binop("=", S.binop("//", ip, block), S.binop("//", network, block))
    for left, right in extra:
        condition = S.and_(condition, S.binop("=", S.col(left.sql, lq), S.col(right.sql, rq)))
    used = {right.sql for _, right in extra}
    sides = [(c, lq) for c in rel.columns] + [(c, rq) for c in lookup.columns if c.sql not in used]
    names = make_unique([c.name for c, _ in sides])
    sql_names = SqlNames()
    columns: list[Column] = []
    projections: list[exp.Expression] = []
    for (column, qualifier), name in zip(sides, names, strict=True):
        sql_name = sql_names.pick(name)
        columns.append(Column(name, column.type, sql_name))
        projections.append(S.alias(S.col(column.sql, qualifier), S.ident(sql_name), quoted=True))
    query = (
        exp.Select()
        .select(*projections, copy=False)
        .from_(S.subquery(rel.query, lq), copy=False)
        .join(
            S.subquery(lookup.query, rq),
            on=condition,
            join_type="LEFT" if keep_unmatched else "INNER",
            copy=False,
        )
    )
    return Relation(query, tuple(columns))
