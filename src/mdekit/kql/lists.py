"""`in`, `in~`, `!in`, `has_any`, `has_all`: membership in constants, arrays or subqueries.

Constant lists become `IN (…)` or one RE2 alternation (for `has_any`); a tabular operand
becomes `IN (SELECT …)`; a dynamic array that is only known at run time is unnested. A
dynamic-array column of a subquery (`summarize make_set(x)`) is flattened to its items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.operators import NOT_TERM, compare, term_pattern
from mdekit.kql.relation import Relation, Typed
from mdekit.kql.syntax import InList

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator


@dataclass
class Members:
    """The right side of a list operator, sorted by how it can be tested."""

    constants: list[object] = field(default_factory=list)
    constant_types: list[str] = field(default_factory=list)
    scalars: list[Typed] = field(default_factory=list)
    arrays: list[Typed] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def collect(tr: ExprTranslator, node: InList) -> Members:
    members = Members()
    for item in node.items:
        relation = tr.tabular_operand(item)
        if relation is not None:
            members.relations.append(relation)
            continue
        value = tr.expr(item)
        if value.is_const and value.type == T.DYNAMIC and isinstance(value.const, list):
            for element in value.const:
                members.constants.append(element)
                members.constant_types.append(_json_type(element))
        elif value.is_const:
            members.constants.append(value.const)
            members.constant_types.append(value.type)
        elif value.type == T.DYNAMIC:
            members.arrays.append(value)
        else:
            members.scalars.append(value)
    return members


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return T.BOOL
    if isinstance(value, int):
        return T.LONG
    if isinstance(value, float):
        return T.REAL
    if isinstance(value, str):
        return T.STRING
    return T.DYNAMIC


def translate_in(tr: ExprTranslator, node: InList) -> Typed:
    left = tr.expr(node.left)
    members = collect(tr, node)
    op = node.op.lstrip("!")
    if op in ("has_any", "has_all"):
        result = _has_list(op, left, members)
    else:
        result = _membership(left, members, ignore_case=op == "in~")
    if node.op.startswith("!"):
        result = S.not_(S.coalesce(result, S.boolean(False)))
    return Typed(result, T.BOOL)


def relation_values(relation: Relation, alias: str) -> exp.Expression:
    """`SELECT first column FROM (relation)`, flattening a dynamic-array column to items."""
    first = relation.columns[0]
    column: exp.Expression = S.col(first.sql)
    if first.type == T.DYNAMIC:
        items = S.case(
            [
                (
                    S.binop("=", S.fn("json_type", column), S.string("ARRAY")),
                    S.fn("json_extract_string", column, S.string("$[*]")),
                )
            ],
            exp.Array(expressions=[S.fn("json_extract_string", column, S.string("$"))]),
        )
        column = S.fn("unnest", items)
    return (
        exp.Select()
        .select(S.alias(column, "v"), copy=False)
        .from_(S.subquery(relation.query, alias), copy=False)
    )


def _membership(left: Typed, members: Members, *, ignore_case: bool) -> exp.Expression:
    kind = left.type
    if kind == T.DYNAMIC:
        kind = members.constant_types[0] if members.constant_types else T.STRING
        left = Typed(C.coerce(left, kind), kind)
    textual = kind in (T.STRING, T.GUID)
    probe = left.sql
    if textual and any(v == "" for v in members.constants):
        probe = S.coalesce(probe, S.string(""))
    if ignore_case:
        probe = S.fn("lower", C.to_string(left)) if not textual else S.fn("lower", probe)
    tests: list[exp.Expression] = []
    if members.constants:
        values = []
        for value, vtype in zip(members.constants, members.constant_types, strict=True):
            if value is None:
                continue
            typed = (
                C.literal(value, vtype) if vtype != T.DYNAMIC else C.literal(str(value), T.STRING)
            )
            if ignore_case or textual:
                text = str(value).lower() if ignore_case else _text_of(value)
                values.append(S.string(text))
            else:
                values.append(C.coerce(typed, kind))
        if values:
            tests.append(exp.In(this=S.paren(probe), expressions=values))
    for scalar in members.scalars:
        if ignore_case:
            tests.append(S.binop("=", probe, S.fn("lower", C.to_string(scalar))))
        else:
            tests.append(compare("=", left, scalar))
    for array in members.arrays:
        elements = S.fn("json_extract_string", array.sql, S.string("$[*]"))
        if ignore_case:
            elements = S.fn(
                "list_transform", elements, S.lambda_("e", S.fn("lower", exp.column("e")))
            )
        tests.append(S.fn("list_contains", elements, probe if textual else C.to_string(left)))
    for i, relation in enumerate(members.relations):
        subquery: exp.Expression = relation_values(relation, f"_in{i}")
        first_type = relation.columns[0].type
        same_type = first_type == kind or {first_type, kind} <= T.NUMERIC
        target = probe
        if ignore_case or not same_type or first_type == T.DYNAMIC:
            as_text = S.cast(exp.column("v"), "VARCHAR")
            converted = S.fn("lower", as_text) if ignore_case else as_text
            subquery = (
                exp.Select()
                .select(S.alias(converted, "v"), copy=False)
                .from_(S.subquery(subquery, f"_inv{i}"), copy=False)
            )
            if not textual and not ignore_case:
                target = C.to_string(left)
        tests.append(exp.In(this=S.paren(target), query=exp.Subquery(this=subquery)))
    if not tests:
        return S.boolean(False)
    return S.or_(*tests)


def _text_of(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _has_list(op: str, left: Typed, members: Members) -> exp.Expression:
    text = left.sql if left.type in (T.STRING, T.GUID) else C.to_string(left)
    terms = [_text_of(v) for v in members.constants if v is not None]
    tests: list[exp.Expression] = []
    if op == "has_all":
        for term in terms:
            tests.append(
                S.fn("regexp_matches", text, S.string("(?i)" + term_pattern(term)))
                if term
                else S.boolean(True)
            )
        combined = S.and_(*tests) if tests else S.boolean(True)
        return combined
    if any(t == "" for t in terms):
        return S.boolean(True)
    if terms:
        alternation = "|".join(term_pattern(t) for t in dict.fromkeys(terms))
        tests.append(S.fn("regexp_matches", text, S.string(f"(?i)(?:{alternation})")))
    for scalar in members.scalars:
        tests.append(S.fn("regexp_matches", text, _dynamic_pattern(C.to_string(scalar))))
    dynamic_sources: list[exp.Expression] = []
    for i, relation in enumerate(members.relations):
        dynamic_sources.append(relation_values(relation, f"_has{i}"))
    for array in members.arrays:
        unnest = S.fn("unnest", S.fn("json_extract_string", array.sql, S.string("$[*]")))
        dynamic_sources.append(exp.Select().select(S.alias(unnest, "v"), copy=False))
    for i, values in enumerate(dynamic_sources):
        v = S.cast(exp.column("v"), "VARCHAR")
        pattern_query = (
            exp.Select()
            .select(
                S.fn(
                    "concat",
                    S.string("(?i)(?:"),
                    S.fn("string_agg", _dynamic_term(v), S.string("|")),
                    S.string(")"),
                ),
                copy=False,
            )
            .from_(S.subquery(values, f"_terms{i}"), copy=False)
            .where(S.binop("<>", S.coalesce(v, S.string("")), S.string("")), copy=False)
        )
        tests.append(
            S.coalesce(
                S.fn("regexp_matches", text, S.scalar_subquery(pattern_query)), S.boolean(False)
            )
        )
    if not tests:
        return S.boolean(False)
    return S.or_(*tests)


def _dynamic_term(term: exp.Expression) -> exp.Expression:
    """SQL building the `has` pattern of a term known only at run time."""
    starts = S.fn("regexp_matches", term, S.string("^[0-9A-Za-z]"))
    ends = S.fn("regexp_matches", term, S.string("[0-9A-Za-z]$"))
    return S.fn(
        "concat",
        S.case([(starts, S.string(f"(?:^|{NOT_TERM})"))], S.string("")),
        S.fn("regexp_escape", term),
        S.case([(ends, S.string(f"(?:$|{NOT_TERM})"))], S.string("")),
    )


def _dynamic_pattern(term: exp.Expression) -> exp.Expression:
    return S.fn("concat", S.string("(?i)"), _dynamic_term(term))
