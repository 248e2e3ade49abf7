"""mv-expand and parse: operators that turn one value into several rows or columns.

mv-expand follows KQL: a null value gives one row with null, an empty array or bag gives
no row, a bag expands into single-property bags (`kind=array`: `[key, value]` pairs),
several columns expand in parallel (shorter ones padded with null), `to typeof(T)` casts.
parse builds one RE2 pattern from the `with` pattern and extracts all captures at once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.naming import result_name
from mdekit.kql.relation import Output, Relation, Typed, select
from mdekit.kql.scalar import parse_json_sql
from mdekit.kql.syntax import Assign, Expr
from mdekit.kql.syntax_ops import MvExpand, Operator, Parse

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler


def expansion_list(value: exp.Expression, bag_as_array: bool = False) -> exp.Expression:
    """The elements one dynamic value expands to, as a DuckDB JSON[] list."""
    kind = S.fn("json_type", value)
    key = exp.column("k")
    member = S.fn("json_extract", value, S.fn("concat", S.string('$."'), key, S.string('"')))
    entry = S.fn("json_array", key, member) if bag_as_array else S.fn("json_object", key, member)
    return S.case(
        [
            (
                exp.Is(this=S.paren(value), expression=exp.Null()),
                exp.Array(expressions=[S.cast(S.null(), "JSON")]),
            ),
            (S.binop("=", kind, S.string("ARRAY")), S.cast(value, "JSON[]")),
            (
                S.binop("=", kind, S.string("OBJECT")),
                S.fn("list_transform", S.fn("json_keys", value), S.lambda_("k", entry)),
            ),
        ],
        exp.Array(expressions=[value]),
    )


def mv_expand(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, MvExpand)
    return expand(cp, rel, env, op.items, op.types, op.item_index, op.limit, op.bag_as_array)


def expand(
    cp: Compiler,
    rel: Relation,
    env: Env,
    items: tuple[Expr, ...],
    types: tuple[str | None, ...],
    item_index: str | None,
    row_limit: Expr | None,
    bag_as_array: bool = False,
) -> Relation:
    """The rows of `rel` with `items` expanded in parallel (shared by mv-expand, mv-apply)."""
    ctx = cp.ctx
    tr = cp.translator(rel, env, "mv-expand")
    outputs = [Output(c.name, c.type, S.col(c.sql)) for c in rel.columns]
    lists: list[exp.Expression] = []
    targets: dict[str, str | None] = {}
    limit = None
    if row_limit is not None:
        limit = tr.expr(row_limit).sql
    for item, to_type in zip(items, types, strict=True):
        target = item.expr if isinstance(item, Assign) else item
        name = item.names[0] if isinstance(item, Assign) else result_name(target, None)
        if not name:
            name = ctx.default_column_name(lambda n: any(o.name == n for o in outputs))
        value = tr.expr(target)
        dynamic = (
            value.sql
            if value.type == T.DYNAMIC
            else (parse_json_sql(value.sql) if value.type == T.STRING else C.to_json(value))
        )
        elements = expansion_list(dynamic, bag_as_array)
        if limit is not None:
            elements = S.fn("list_slice", elements, S.number(1), limit)
        lists.append(elements)
        expanded = Output(name, T.DYNAMIC, S.fn("unnest", elements))
        position = next((i for i, o in enumerate(outputs) if o.name == name), None)
        if position is None:
            outputs.append(expanded)
        else:
            outputs[position] = expanded
        targets[name] = to_type
    if item_index:
        longest = (
            S.fn("greatest", *(S.fn("len", lst) for lst in lists))
            if len(lists) > 1
            else S.fn("len", lists[0])
        )
        outputs.append(Output(item_index, T.LONG, S.fn("unnest", S.fn("range", longest))))
    expanded_rel = select(rel, ctx.alias(), outputs)
    final: list[Output] = []
    for column in expanded_rel.columns:
        to_type = targets.get(column.name)
        ref = Typed(S.col(column.sql), column.type)
        if to_type and to_type != T.DYNAMIC:
            final.append(Output(column.name, to_type, C.from_dynamic(ref, to_type)))
        else:
            final.append(Output(column.name, column.type, ref.sql))
    return select(expanded_rel, ctx.alias(), final)


_TYPE_PATTERNS = {
    T.LONG: r"(-?\d+)", T.INT: r"(-?\d+)", T.REAL: r"(-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)",
    T.BOOL: r"(true|false|True|False|TRUE|FALSE|0|1)",
    T.GUID: r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})",
}  # fmt: skip


def parse_pattern(
    parts: tuple[str | tuple[str, str], ...], kind: str
) -> tuple[str, list[tuple[str, str]]]:
    """RE2 pattern and captured (name, type) list for a `parse ... with` pattern."""
    pattern = "^"
    captures: list[tuple[str, str]] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "*":
            pattern += "(?:.*)" if last else "(?:.*?)"
        elif isinstance(part, str):
            text = part[1:]
            pattern += text if kind == "regex" else re.escape(text)
        else:
            name, kql_type = part
            if kql_type in _TYPE_PATTERNS:
                pattern += _TYPE_PATTERNS[kql_type]
            else:
                pattern += "(.*)" if last else "(.*?)"
            captures.append((name, kql_type))
    if kind != "regex" and isinstance(parts[-1], tuple):
        pattern += "$"
    return pattern, captures


def parse(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Parse)
    ctx = cp.ctx
    tr = cp.translator(rel, env, "parse-where" if op.where else "parse")
    source = C.to_string(tr.expr(op.source))
    pattern, captures = parse_pattern(op.parts, op.kind)
    if not captures:
        raise KqlSemanticError("parse: the pattern extracts no column.")
    groups = [S.string(f"g{i}") for i in range(len(captures))]
    struct = S.fn("regexp_extract", source, S.string(pattern), exp.Array(expressions=groups))
    matched = S.fn("regexp_matches", source, S.string(pattern))
    outputs = [Output(c.name, c.type, S.col(c.sql)) for c in rel.columns]
    outputs.append(Output("_parsed", T.STRING, S.case([(matched, struct)], S.null())))
    staged = select(rel, ctx.alias(), outputs, where=matched if op.where else None)
    parsed_sql = next(c.sql for c in staged.columns if c.name == "_parsed")
    final = [Output(c.name, c.type, S.col(c.sql)) for c in staged.columns if c.name != "_parsed"]
    for i, (name, kql_type) in enumerate(captures):
        field = S.fn("struct_extract", S.col(parsed_sql), S.string(f"g{i}"))
        value: exp.Expression = field
        if kql_type != T.STRING:
            value = C.coerce(Typed(S.fn("nullif", field, S.string("")), T.STRING), kql_type)
        out = Output(name, kql_type, value)
        position = next((j for j, o in enumerate(final) if o.name == name), None)
        if position is None:
            final.append(out)
        else:
            final[position] = out
    return select(staged, ctx.alias(), final)
