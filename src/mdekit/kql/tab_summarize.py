"""The summarize operator: group keys first, then aggregates, with Kusto's column names.

The SQL has two levels: the inner SELECT groups and aggregates (multi-column aggregates
such as `arg_max(Timestamp, *)` aggregate one struct so that all columns come from the
same row), the outer SELECT names the columns and unpacks the structs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import aggregates as A
from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env, RowScope
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.naming import Projection, is_column_ref, result_name
from mdekit.kql.relation import Column, Output, Relation, Typed
from mdekit.kql.scalar import ExprTranslator
from mdekit.kql.syntax import Assign, Call, Expr, Name, Paren, Star
from mdekit.kql.syntax_ops import Operator, Summarize

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler

MULTI = frozenset({"arg_max", "arg_min", "argmax", "argmin", "take_any", "any", "percentiles"})


@dataclass
class Field:
    """One output column of a multi-column aggregate."""

    name: str
    value: Typed
    declared: bool = False


def _unwrap(expr: Expr) -> Expr:
    while isinstance(expr, Paren):
        expr = expr.inner
    return expr


def by_columns(by: tuple[Expr, ...]) -> set[str]:
    """Names of plain columns in the by clause (excluded from `arg_max(x, *)`)."""
    return {_unwrap(e).name for e in by if isinstance(_unwrap(e), Name)}  # type: ignore[union-attr]


def multi_fields(tr: ExprTranslator, call: Call, by: set[str]) -> list[Field]:
    """The columns `arg_max`, `take_any` and `percentiles` produce, with their names."""
    name = call.name
    if name == "percentiles":
        value = tr.expr(call.args[0])
        base = result_name(call.args[0], "") or ""
        percentiles: list[Field] = []
        for arg in call.args[1:]:
            rank = tr.expr(arg).const
            if not isinstance(rank, int | float):
                raise KqlSemanticError("percentiles(): the percentiles must be constant numbers.")
            label = str(rank).replace(".", "_")
            percentiles.append(
                Field(f"percentile_{base}_{label}", A.percentile_value(value, float(rank)))
            )
        return percentiles
    is_arg = name in ("arg_max", "arg_min", "argmax", "argmin")
    deprecated_prefix = {"argmax": "max_", "argmin": "min_", "any": "any_"}.get(name, "")
    prefix = "max" if name in ("arg_max", "argmax") else "min"
    star = any(isinstance(a, Star) for a in call.args)
    primary = result_name(call.args[0], "") if call.args else ""
    fields: list[Field] = []
    seen: set[str] = set()
    for i, arg in enumerate(call.args):
        if isinstance(arg, Star):
            for column in tr.scope.columns:
                if column.name in seen or column.name in by:
                    continue
                seen.add(column.name)
                value = Typed(tr.scope.ref(column), column.type)
                fields.append(Field(deprecated_prefix + column.name, value))
            continue
        target = arg.expr if isinstance(arg, Assign) else arg
        value = tr.expr(target)
        if isinstance(arg, Assign):
            label, declared = arg.names[0], True
        elif is_column_ref(target):
            label, declared = result_name(target, "") or "", False
            if star and (label in seen or (i > 0 and is_arg and label in by)):
                continue
        else:
            label, declared = result_name(target, None) or "", False
            if not label:
                if is_arg:
                    label = f"{prefix}_" if i == 0 else f"{prefix}_{primary}_arg{i}"
                else:
                    label = f"any_arg{i}"
        seen.add(label)
        fields.append(Field(deprecated_prefix + label, value, declared))
    return fields


def summarize(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Summarize)
    ctx = cp.ctx
    scope = RowScope.of(rel)
    plain = ExprTranslator(ctx, env, scope, "summarize")
    grouped = ExprTranslator(ctx, env, scope, "summarize", aggregate=True)
    projection = Projection(ctx)
    inner: list[exp.Expression] = []
    outer: list[Output] = []

    def add_inner(sql: exp.Expression) -> str:
        alias = f"_s{len(inner)}"
        inner.append(S.alias(sql, S.ident(alias), quoted=True))
        return alias

    for item in op.by:
        target = item.expr if isinstance(item, Assign) else item
        value = plain.expr(target)
        alias = add_inner(value.sql)
        ref = Typed(S.col(alias), value.type)
        if isinstance(item, Assign):
            projection.declare(item.names[0], ref)
        else:
            projection.add(projection.default_name(target), ref)
    group_count = len(inner)
    excluded = by_columns(op.by)
    for item in op.aggregates:
        names = item.names if isinstance(item, Assign) else ()
        target = _unwrap(item.expr if isinstance(item, Assign) else item)
        if (
            isinstance(target, Call)
            and target.name in MULTI
            and (
                target.name not in ("take_any", "any")
                or len(target.args) > 1
                or any(isinstance(a, Star) for a in target.args)
            )
        ):
            _multi(plain, target, names, excluded, projection, add_inner)
            continue
        value = grouped.expr(target)
        alias = add_inner(value.sql)
        ref = Typed(S.col(alias), value.type)
        if names:
            projection.declare(names[0], ref)
        else:
            projection.add(projection.default_name(target), ref)
    outer = projection.outputs
    query = (
        exp.Select()
        .select(*inner, copy=False)
        .from_(S.subquery(rel.query, ctx.alias()), copy=False)
    )
    if group_count:
        query = query.group_by(*(exp.Literal.number(i + 1) for i in range(group_count)), copy=False)
    inner_alias = ctx.alias()
    inner_relation = Relation(
        query, tuple(Column(f"_s{i}", T.STRING, f"_s{i}") for i in range(len(inner)))
    )
    from mdekit.kql.relation import select

    return select(inner_relation, inner_alias, outer)


def _multi(
    plain: ExprTranslator,
    call: Call,
    names: tuple[str, ...],
    by: set[str],
    projection: Projection,
    add_inner: object,
) -> None:
    assert callable(add_inner)
    fields = multi_fields(plain, call, by)
    if not fields:
        raise KqlSemanticError(f"{call.name}(): nothing to return.")
    if call.name == "percentiles":
        for i, field in enumerate(fields):
            alias = add_inner(field.value.sql)
            label = names[i] if i < len(names) else field.name
            projection.add(label, Typed(S.col(alias), field.value.type))
        return
    is_arg = call.name in ("arg_max", "argmax", "arg_min", "argmin")
    if is_arg and len(fields) == 2 and fields[0].value.type != T.DYNAMIC:
        # One returned column: max(key) and arg_max(column, key) come from the same row by
        # definition, and skip packing a struct per row (about twice as fast).
        key_field, other = fields
        extreme = "max" if call.name in ("arg_max", "argmax") else "min"
        parts = (
            (key_field, S.fn(extreme, key_field.value.sql)),
            (other, S.fn(f"arg_{extreme}", other.value.sql, key_field.value.sql)),
        )
        for i, (field, aggregate_sql) in enumerate(parts):
            value = Typed(S.col(add_inner(aggregate_sql)), field.value.type)
            if i < len(names):
                projection.declare(names[i], value)
            elif field.declared:
                projection.declare(field.name, value)
            else:
                projection.add(field.name, value)
        return
    struct = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier(f"f{i}"), expression=f.value.sql)
            for i, f in enumerate(fields)
        ]
    )
    if call.name in ("take_any", "any"):
        aggregate: exp.Expression = S.fn("any_value", struct)
    else:
        key = fields[0].value
        key_sql = key.sql if key.type != T.DYNAMIC else C.json_string(key)
        aggregate = S.fn(
            "arg_max" if call.name in ("arg_max", "argmax") else "arg_min", struct, key_sql
        )
    alias = add_inner(aggregate)
    for i, field in enumerate(fields):
        value = Typed(S.fn("struct_extract", S.col(alias), S.string(f"f{i}")), field.value.type)
        if i < len(names):
            projection.declare(names[i], value)
        elif field.declared:
            projection.declare(field.name, value)
        else:
            projection.add(field.name, value)
