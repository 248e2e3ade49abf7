"""Binary operators: logic, comparison, arithmetic and KQL's string and list operators.

Semantics kept from KQL: `=~`, `has`, `contains`, `startswith`, `in~` ignore case and the
`_cs` forms do not; `has` matches whole terms (maximal runs of ASCII letters and digits);
a missing string equals the empty string, so negated operators are true for it;
datetime minus datetime is a timespan; integer division truncates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.relation import NO_CONST, Typed
from mdekit.kql.syntax import Between, Binary, InList, Name, Star

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator

_COMPARISONS = {"==": "=", "!=": "<>", "<>": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
NOT_TERM = "[^0-9A-Za-z]"


def translate(tr: ExprTranslator, node: Binary | InList | Between) -> Typed:
    if isinstance(node, InList):
        from mdekit.kql import lists

        return lists.translate_in(tr, node)
    if isinstance(node, Between):
        return between(tr, node)
    op = node.op
    if op in ("and", "or"):
        first, second = tr.predicate(node.left), tr.predicate(node.right)
        return Typed((S.and_ if op == "and" else S.or_)(first, second), T.BOOL)
    if isinstance(node.left, Star) and op not in _ARITHMETIC:
        return _any_column(tr, node)
    left, right = tr.expr(node.left), tr.expr(node.right)
    if op in _COMPARISONS:
        return Typed(compare(_COMPARISONS[op], left, right), T.BOOL)
    if op in _ARITHMETIC:
        return arithmetic(op, left, right)
    if op == "=~":
        return Typed(_equals_ignore_case(_text(left), right), T.BOOL)
    if op == "!~":
        equal = _equals_ignore_case(_text(left), right)
        return Typed(S.not_(S.coalesce(equal, S.boolean(False))), T.BOOL)
    return Typed(string_operator(op, left, right), T.BOOL)


def _any_column(tr: ExprTranslator, node: Binary) -> Typed:
    """`* has "x"`: the operator holds for some string-like column of the row."""
    negated = node.op.startswith("!") and node.op not in ("!=",)
    op = node.op[1:] if negated else node.op
    tests: list[exp.Expression] = []
    for column in tr.scope.columns:
        if column.type in (T.STRING, T.DYNAMIC, T.GUID):
            each = Binary(op, Name(column.name, at=node.at), node.right, at=node.at)
            tests.append(S.coalesce(tr.predicate(each), S.boolean(False)))
    found = S.or_(*tests) if tests else S.boolean(False)
    return Typed(S.not_(found) if negated else found, T.BOOL)


# ---------------------------------------------------------------- comparison


def comparable(left: Typed, right: Typed) -> tuple[exp.Expression, exp.Expression, str]:
    """Bring two values to a common type for comparison (lenient implicit conversions)."""
    lt, rt = left.type, right.type
    if lt == rt or T.NULL in (lt, rt):
        if lt == T.DYNAMIC and rt == T.DYNAMIC:
            return S.cast(left.sql, "VARCHAR"), S.cast(right.sql, "VARCHAR"), T.STRING
        return left.sql, right.sql, lt if lt != T.NULL else rt
    if lt in T.NUMERIC and rt in T.NUMERIC:
        return left.sql, right.sql, T.common_numeric(lt, rt)
    if lt == T.DYNAMIC:
        return C.from_dynamic(left, rt), right.sql, rt
    if rt == T.DYNAMIC:
        return left.sql, C.from_dynamic(right, lt), lt
    if {lt, rt} <= {T.STRING, T.GUID}:
        return left.sql, right.sql, T.STRING
    # A constant converts to the other side's type (`Timestamp > "2024-01-01"`).
    if right.is_const:
        return left.sql, C.coerce(right, lt), lt
    if left.is_const:
        return C.coerce(left, rt), right.sql, rt
    if rt in (T.STRING, T.GUID):
        return C.to_string(left), right.sql, T.STRING
    if lt in (T.STRING, T.GUID):
        return left.sql, C.to_string(right), T.STRING
    return left.sql, C.coerce(right, lt), lt


def compare(op: str, left: Typed, right: Typed) -> exp.Expression:
    lsql, rsql, kind = comparable(left, right)
    if kind in (T.STRING, T.GUID) and op in ("=", "<>"):
        # Missing strings are empty strings in KQL; coalesce unless a side is non-empty text.
        solid = any(isinstance(v.const, str) and v.const for v in (left, right))
        if not solid:
            lsql, rsql = S.coalesce(lsql, S.string("")), S.coalesce(rsql, S.string(""))
        elif op == "<>":
            lsql = S.coalesce(lsql, S.string(""))
    return S.binop(op, lsql, rsql)


def between(tr: ExprTranslator, node: Between) -> Typed:
    value, low, high = tr.expr(node.left), tr.expr(node.low), tr.expr(node.high)
    if value.type == T.DATETIME and high.type == T.TIMESPAN:
        high = arithmetic("+", low, high)
    lower = compare(">=", value, low)
    upper = compare("<=", value, high)
    result = S.and_(lower, upper)
    return Typed(S.not_(result) if node.negated else result, T.BOOL)


# ---------------------------------------------------------------- arithmetic


def arithmetic(op: str, left: Typed, right: Typed) -> Typed:
    lt, rt = left.type, right.type
    if T.DYNAMIC in (lt, rt):
        left = Typed(C.coerce(left, T.REAL), T.REAL) if lt == T.DYNAMIC else left
        right = Typed(C.coerce(right, T.REAL), T.REAL) if rt == T.DYNAMIC else right
        lt, rt = left.type, right.type
    if lt in T.NUMERIC and rt in T.NUMERIC:
        kind = T.common_numeric(lt, rt)
        if op in ("/", "%") and kind != T.REAL:
            # Integer division by zero gives null rather than failing the query.
            divisor = S.fn("nullif", right.sql, S.number(0))
            folded = _fold(op, left, right) if right.const else NO_CONST
            return Typed(S.binop("//" if op == "/" else "%", left.sql, divisor), kind, folded)
        return Typed(S.binop(op, left.sql, right.sql), kind, _fold(op, left, right))
    if lt == T.DATETIME and rt == T.TIMESPAN and op in ("+", "-"):
        return Typed(_shift(left.sql, op, right.sql), T.DATETIME)
    if lt == T.TIMESPAN and rt == T.DATETIME and op == "+":
        return Typed(_shift(right.sql, "+", left.sql), T.DATETIME)
    if lt == T.DATETIME and rt == T.DATETIME and op == "-":
        sql = S.binop("-", S.fn("epoch_us", left.sql), S.fn("epoch_us", right.sql))
        return Typed(sql, T.TIMESPAN)
    if lt == T.TIMESPAN and rt == T.TIMESPAN:
        if op == "/":
            return Typed(S.binop("/", S.cast(left.sql, "DOUBLE"), right.sql), T.REAL)
        if op in ("+", "-", "%"):
            return Typed(S.binop(op, left.sql, right.sql), T.TIMESPAN, _fold(op, left, right))
    if lt == T.TIMESPAN and rt in T.NUMERIC and op in ("*", "/"):
        scaled = S.binop(op, S.cast(left.sql, "DOUBLE"), right.sql)
        return Typed(S.cast(S.fn("round", scaled), "BIGINT"), T.TIMESPAN)
    if lt in T.NUMERIC and rt == T.TIMESPAN and op == "*":
        scaled = S.binop("*", S.cast(right.sql, "DOUBLE"), left.sql)
        return Typed(S.cast(S.fn("round", scaled), "BIGINT"), T.TIMESPAN)
    if lt == T.DATETIME and rt in T.NUMERIC and op in ("+", "-"):
        # Numbers added to datetimes count 100 ns ticks.
        ticks = S.cast(S.binop("//", right.sql, S.number(10)), "BIGINT")
        return Typed(_shift(left.sql, op, ticks), T.DATETIME)
    raise KqlSemanticError(
        f"The operator '{op}' is not defined for the operand types ({lt}, {rt})."
    )


def _shift(stamp: exp.Expression, op: str, micros: exp.Expression) -> exp.Expression:
    return S.binop(op, stamp, S.fn("to_microseconds", micros))


def _fold(op: str, left: Typed, right: Typed) -> object:
    a, b = left.const, right.const
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
    return NO_CONST


# ---------------------------------------------------------------- string operators


def term_pattern(term: str, *, prefix_only: bool = False, suffix_only: bool = False) -> str:
    """RE2 pattern for `has`: the term, bounded by non-alphanumerics where it has letters."""
    body = re.escape(term)
    start = "" if suffix_only or not term[:1].isalnum() else f"(?:^|{NOT_TERM})"
    end = "" if prefix_only or not term[-1:].isalnum() else f"(?:$|{NOT_TERM})"
    return f"{start}{body}{end}"


def _text(value: Typed) -> exp.Expression:
    return value.sql if value.type in (T.STRING, T.GUID) else C.to_string(value)


def string_operator(op: str, left: Typed, right: Typed) -> exp.Expression:
    negated = op.startswith("!")
    base = op.lstrip("!")
    positive = _positive_string_operator(base, left, right)
    if negated:
        return S.not_(S.coalesce(positive, S.boolean(False)))
    return positive


def _positive_string_operator(base: str, left: Typed, right: Typed) -> exp.Expression:
    text = _text(left)
    if base == "matches regex":
        return S.fn("regexp_matches", text, _text(right))
    cs = base.endswith("_cs")
    name = base.removesuffix("_cs")
    needle_const = right.const if isinstance(right.const, str) else None
    if name in ("has", "hasprefix", "hassuffix"):
        return _has(name, text, right, needle_const, cs)
    if name == "like":
        return (
            exp.Like(this=text, expression=_text(right))
            if cs
            else exp.ILike(this=text, expression=_text(right))
        )
    functions = {"contains": "contains", "startswith": "starts_with", "endswith": "ends_with"}
    if name not in functions:
        raise KqlSemanticError(f"The operator '{base}' is not supported.")
    if cs:
        return S.fn(functions[name], text, _text(right))
    if needle_const is not None and _like_safe(needle_const):
        # ILIKE with a plain pattern is DuckDB's fastest case-insensitive test.
        before = "" if name == "startswith" else "%"
        after = "" if name == "endswith" else "%"
        return exp.ILike(this=text, expression=S.string(before + needle_const + after))
    if needle_const is not None:
        return S.fn(functions[name], S.fn("lower", text), S.string(needle_const.lower()))
    return S.fn(functions[name], S.fn("lower", text), S.fn("lower", _text(right)))


def _like_safe(needle: str) -> bool:
    """A constant that can go into a LIKE pattern as is (no wildcard characters)."""
    return "%" not in needle and "_" not in needle


def _equals_ignore_case(text: exp.Expression, right: Typed) -> exp.Expression:
    if isinstance(right.const, str) and right.const and _like_safe(right.const):
        return exp.ILike(this=text, expression=S.string(right.const))
    if isinstance(right.const, str):
        return S.binop(
            "=", S.fn("lower", S.coalesce(text, S.string(""))), S.string(right.const.lower())
        )
    return S.binop(
        "=",
        S.fn("lower", S.coalesce(text, S.string(""))),
        S.fn("lower", S.coalesce(_text(right), S.string(""))),
    )


def _has(
    name: str, text: exp.Expression, right: Typed, needle: str | None, cs: bool
) -> exp.Expression:
    flags = "" if cs else "(?i)"
    if needle is not None:
        if needle == "":
            return S.boolean(True)
        pattern = term_pattern(
            needle, prefix_only=name == "hasprefix", suffix_only=name == "hassuffix"
        )
        plain = not needle[:1].isalnum() and not needle[-1:].isalnum()
        if cs:
            quick = S.fn("contains", text, S.string(needle))
        elif _like_safe(needle):
            quick = exp.ILike(this=text, expression=S.string(f"%{needle}%"))
        else:
            quick = S.fn("contains", S.fn("lower", text), S.string(needle.lower()))
        if plain and name == "has":
            return quick
        # The substring test is cheap and rejects most rows before the regex runs.
        return S.and_(quick, S.fn("regexp_matches", text, S.string(flags + pattern)))
    escaped = S.fn("regexp_escape", _text(right))
    opening = "" if name == "hassuffix" else f"(?:^|{NOT_TERM})"
    closing = "" if name == "hasprefix" else f"(?:$|{NOT_TERM})"
    dynamic = S.fn("concat", S.string(flags + opening), escaped, S.string(closing))
    return S.fn("regexp_matches", text, dynamic)
