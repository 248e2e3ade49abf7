"""Row-by-row tabular operators: where, project*, extend, sort, top, take, distinct, count."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env, RowScope
from mdekit.kql.errors import KqlSemanticError, unknown_column
from mdekit.kql.fn_series_multi import MULTI_VALUED
from mdekit.kql.naming import Projection, is_column_ref
from mdekit.kql.relation import Column, Output, Relation, Typed, inline_source, select
from mdekit.kql.scalar import ExprTranslator
from mdekit.kql.syntax import Assign, Call, Expr, Name, OrderKey, Star
from mdekit.kql.syntax_ops import (
    CountRows,
    Distinct,
    Extend,
    Operator,
    Project,
    ProjectAway,
    ProjectRename,
    ProjectReorder,
    Sample,
    Serialize,
    Sort,
    Take,
    Top,
    Where,
)

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler


def passthrough(rel: Relation) -> list[Output]:
    return [Output(c.name, c.type, S.col(c.sql)) for c in rel.columns]


def where(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Where)
    tr = cp.translator(rel, env, "where")
    return select(rel, cp.ctx.alias(), where=tr.predicate(op.predicate))


def project_items(
    cp: Compiler, rel: Relation, items: tuple[Expr, ...], env: Env, operator: str, *, extend: bool
) -> list[Output]:
    """Outputs of `project` (extend=False) or `extend` (extend=True), Kusto's naming rules."""
    scope = RowScope.of(rel)
    tr = ExprTranslator(cp.ctx, env, scope, operator)
    projection = (
        Projection.starting_with(cp.ctx, passthrough(rel)) if extend else Projection(cp.ctx)
    )
    input_names = {c.name for c in rel.columns}
    for item in items:
        several = multi_valued(tr, item)
        if several is not None:
            for name, value in several:
                name = projection.declare(name, value, replace=True)
                scope.overrides[name] = value
            continue
        if isinstance(item, Assign):
            value = tr.expr(item.expr)
            if len(item.names) != 1:
                raise KqlSemanticError(
                    f"'{operator}' operator: the expression does not have multiple values."
                )
            name = projection.declare(item.names[0], value, replace=True)
        elif isinstance(item, Star):
            raise KqlSemanticError(f"'{operator}' operator: '*' is not allowed here.")
        else:
            value = tr.expr(item)
            if is_column_ref(item) and extend:
                name = projection.add(projection.default_name(item), value)
            elif is_column_ref(item):
                name = projection.declare(projection.default_name(item), value)
            else:
                name = projection.add(
                    projection.default_name(item, input_names), value, replace=extend
                )
        scope.overrides[name] = value
    return projection.outputs


def multi_valued(tr: ExprTranslator, item: Expr) -> list[tuple[str, Typed]] | None:
    """`(a, b) = series_stats(x)` or a bare `series_stats(x)`: one column per result."""
    call = item.expr if isinstance(item, Assign) else item
    if not isinstance(call, Call) or call.name not in MULTI_VALUED:
        return None
    parts, handler = MULTI_VALUED[call.name]
    values = handler(tr, call)
    if isinstance(item, Assign):
        if len(item.names) > len(parts):
            raise KqlSemanticError(
                f"{call.name}() returns {len(parts)} values; {len(item.names)} names were given."
            )
        return list(zip(item.names, values, strict=False))
    first = call.args[0] if call.args else None
    stem = f"{call.name}_{first.name}" if isinstance(first, Name) else call.name
    return [(f"{stem}_{part}", value) for part, value in zip(parts, values, strict=True)]


def project(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Project)
    return select(
        rel, cp.ctx.alias(), project_items(cp, rel, op.items, env, "project", extend=False)
    )


def extend(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Extend)
    return select(rel, cp.ctx.alias(), project_items(cp, rel, op.items, env, "extend", extend=True))


def matching(rel: Relation, pattern: str, operator: str) -> list[Column]:
    if "*" in pattern:
        return [c for c in rel.columns if fnmatch.fnmatchcase(c.name, pattern)]
    column = rel.find(pattern)
    if column is None:
        raise unknown_column(pattern, operator)
    return [column]


def project_away(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, ProjectAway)
    operator = "project-keep" if op.keep else "project-away"
    chosen = {c.sql for name in op.names for c in matching(rel, name, operator)}
    kept = [c for c in rel.columns if (c.sql in chosen) == op.keep]
    return select(rel, cp.ctx.alias(), [Output(c.name, c.type, S.col(c.sql)) for c in kept])


def project_rename(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, ProjectRename)
    renames: dict[str, str] = {}
    for new, old in op.pairs:
        column = rel.find(old)
        if column is None:
            raise unknown_column(old, "project-rename")
        renames[column.sql] = new
    outputs = [Output(renames.get(c.sql, c.name), c.type, S.col(c.sql)) for c in rel.columns]
    names = [o.name for o in outputs]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise KqlSemanticError(f"A column with the name '{duplicate}' is already declared.")
    return select(rel, cp.ctx.alias(), outputs)


def project_reorder(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, ProjectReorder)
    first: list[Column] = []
    for pattern, order in op.keys:
        found = [c for c in matching(rel, pattern, "project-reorder") if c not in first]
        if order in ("asc", "granny-asc"):
            found.sort(key=lambda c: c.name.lower())
        elif order in ("desc", "granny-desc"):
            found.sort(key=lambda c: c.name.lower(), reverse=True)
        first += found
    rest = [c for c in rel.columns if c not in first]
    return select(rel, cp.ctx.alias(), [Output(c.name, c.type, S.col(c.sql)) for c in first + rest])


def order_terms(
    tr: ExprTranslator, keys: tuple[OrderKey, ...]
) -> tuple[list[exp.Ordered], list[tuple[str, bool, bool]]]:
    """SQL ORDER BY terms (KQL default: descending, nulls last; ascending, nulls first)."""
    terms: list[exp.Ordered] = []
    plain: list[tuple[str, bool, bool]] = []
    for key in keys:
        value = tr.expr(key.expr)
        if value.is_const:
            continue  # a constant key orders nothing (and SQL would read `1` as a position)
        desc = key.desc is not False
        nulls_first = key.nulls_first if key.nulls_first is not None else not desc
        sql = value.sql if value.type != T.DYNAMIC else C.json_string(value)
        terms.append(exp.Ordered(this=sql, desc=desc, nulls_first=nulls_first))
        if isinstance(value.sql, exp.Column):
            plain.append((value.sql.name, desc, nulls_first))
    return terms, plain


def _ordered(
    cp: Compiler,
    rel: Relation,
    env: Env,
    keys: tuple[OrderKey, ...],
    operator: str,
    limit: exp.Expression | None,
) -> Relation:
    tr = cp.translator(rel, env, operator)
    terms, plain = order_terms(tr, keys)
    query = star_over(rel, cp.ctx.alias())
    if terms:
        query = query.order_by(*terms, copy=False)
    if limit is not None:
        query = query.limit(limit, copy=False)
    order = tuple(plain) if terms and len(plain) == len(terms) else ()
    return Relation(query, rel.columns, order)


def sort(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Sort)
    return _ordered(cp, rel, env, op.keys, "sort", None)


def row_limit(cp: Compiler, rel: Relation, env: Env, count: Expr, operator: str) -> exp.Expression:
    value = cp.translator(rel, env, operator).expr(count)
    if value.type not in T.NUMERIC:
        raise KqlSemanticError(f"'{operator}' operator: the row count must be a number.")
    return value.sql if not value.is_const else S.number(int(value.const))  # type: ignore[call-overload]


def top(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Top)
    return _ordered(cp, rel, env, (op.key,), "top", row_limit(cp, rel, env, op.count, "top"))


def take(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Take | Sample)
    limit = row_limit(cp, rel, env, op.count, "take")
    source = rel.query
    if isinstance(op, Take) and isinstance(source, exp.Select) and _sorted_only(source):
        # sort + take is top: put the limit on the sorted query itself.
        query = exp.Select(**source.args)
        return Relation(query.limit(limit, copy=False), rel.columns, rel.order)
    query = star_over(rel, cp.ctx.alias())
    if isinstance(op, Sample):
        query = query.order_by(S.fn("random"), copy=False)
    return Relation(query.limit(limit, copy=False), rel.columns, rel.order)


def _sorted_only(query: exp.Select) -> bool:
    if not query.args.get("order") or query.args.get("limit") or query.args.get("offset"):
        return False
    return not (query.args.get("group") or query.args.get("distinct"))


def star_over(rel: Relation, alias: str) -> exp.Select:
    """`SELECT * FROM <rel>`, reusing a plain `SELECT * FROM x WHERE c` instead of nesting it."""
    source, condition = inline_source(rel.query, alias)
    query = exp.Select(expressions=[exp.Star()]).from_(source, copy=False)
    if condition is not None:
        query = query.where(condition, copy=False)
    return query


def distinct(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Distinct)
    if len(op.items) == 1 and isinstance(op.items[0], Star):
        outputs = passthrough(rel)
    else:
        outputs = project_items(cp, rel, op.items, env, "distinct", extend=False)
    projected = select(rel, cp.ctx.alias(), outputs)
    query = projected.query
    assert isinstance(query, exp.Select)
    query = query.distinct(copy=False)
    if op.limit is not None:
        query = query.limit(row_limit(cp, rel, env, op.limit, "sample-distinct"), copy=False)
    return Relation(query, projected.columns)


def count_rows(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, CountRows)
    out = Output("Count", T.LONG, S.fn("count_star"))
    return select(rel, cp.ctx.alias(), [out])


def serialize(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Serialize)
    if not op.items:
        return rel
    return select(
        rel, cp.ctx.alias(), project_items(cp, rel, op.items, env, "serialize", extend=True)
    )


def unchanged(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    return rel
