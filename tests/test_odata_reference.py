"""A small pure-Python evaluator of $filter trees: the reference for the SQL property test.

It states the semantics documented in mdekit.odata.sql_filter independently of the SQL
translation (two-valued logic, ASCII case-insensitive strings, instants to 100 ns, enums in
declared order), over the little schema the property test uses.  Rows hold plain Python
values: date-times as ticks, GUIDs as text, collections as lists.
"""

from __future__ import annotations

import string
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from mdekit.odata import (
    And,
    Call,
    Compare,
    CompareOp,
    Expr,
    FieldType,
    FunctionName,
    In,
    Lambda,
    LambdaKind,
    Literal,
    LiteralKind,
    Not,
    Or,
    Property,
    Timestamp,
    Variable,
    parse_filter,
)

STATUS = ("New", "InProgress", "Resolved")

# Column name -> (OData type, how the reference normalises).  "seen" is stored as text,
# "seenNative" as a timezone-aware datetime (whole microseconds only).
SCHEMA: dict[str, FieldType] = {
    "name": FieldType.STRING,
    "code": FieldType.STRING,
    "n": FieldType.INT,
    "x": FieldType.FLOAT,
    "flag": FieldType.BOOL,
    "status": FieldType.ENUM,
    "seen": FieldType.DATETIME,
    "seenNative": FieldType.DATETIME,
    "gid": FieldType.GUID,
    "tags": FieldType.STRING_COLLECTION,
}

_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def ref_type(node: Expr) -> FieldType | None:
    """The type that decides how the other side of a comparison is normalised."""
    if isinstance(node, Property):
        return SCHEMA[node.name]
    if isinstance(node, Variable | Call) and not _is_predicate(node):
        return FieldType.STRING
    if _is_predicate(node):
        return FieldType.BOOL
    return None


def _is_predicate(node: Expr) -> bool:
    if isinstance(node, Call):
        return node.function in (
            FunctionName.STARTSWITH,
            FunctionName.ENDSWITH,
            FunctionName.CONTAINS,
        )
    return isinstance(node, Compare | In | And | Or | Not | Lambda)


def ref_value(
    node: Expr, row: dict[str, Any], env: dict[str, str | None], kind: FieldType | None
) -> Any:
    """A normalised, directly comparable value (None for null)."""
    if _is_predicate(node):
        return ref_eval(node, row, env)
    if isinstance(node, Variable):
        value = env[node.name]
        return None if value is None else value.translate(_LOWER)
    if isinstance(node, Call):
        inner = ref_value(node.args[0], row, env, FieldType.STRING)
        return inner  # already folded; tolower/toupper change nothing under folding
    if isinstance(node, Property):
        return _normalise(row[node.name], SCHEMA[node.name], is_literal=False)
    assert isinstance(node, Literal)
    return None if node.kind is LiteralKind.NULL else _normalise(node.value, kind, is_literal=True)


def _normalise(value: Any, kind: FieldType | None, *, is_literal: bool) -> Any:
    if value is None:
        return None
    if kind in (FieldType.STRING, FieldType.GUID):
        return str(UUID(str(value))) if kind is FieldType.GUID else str(value).translate(_LOWER)
    if kind is FieldType.ENUM:
        folded = [s.lower() for s in STATUS]
        return folded.index(str(value).lower())
    if kind is FieldType.DATETIME:
        if isinstance(value, Timestamp):
            return value.ticks
        if isinstance(value, date) and not isinstance(value, datetime):
            return Timestamp.from_date(value).ticks
        return value  # rows hold ticks already
    if isinstance(value, Decimal):
        return float(value)
    return value


def ref_compare(op: CompareOp, left: Any, right: Any) -> bool:
    if left is None or right is None:
        if op is CompareOp.EQ:
            return left is None and right is None
        if op is CompareOp.NE:
            return not (left is None and right is None)
        return False
    outcome: bool = {
        CompareOp.EQ: left == right,
        CompareOp.NE: left != right,
        CompareOp.GT: left > right,
        CompareOp.GE: left >= right,
        CompareOp.LT: left < right,
        CompareOp.LE: left <= right,
    }[op]
    return outcome


def ref_eval(node: Expr, row: dict[str, Any], env: dict[str, str | None]) -> bool:
    match node:
        case And(operands=operands):
            return all(ref_eval(o, row, env) for o in operands)
        case Or(operands=operands):
            return any(ref_eval(o, row, env) for o in operands)
        case Not(operand=operand):
            return not ref_eval(operand, row, env)
        case Literal(kind=LiteralKind.BOOL, value=value):
            return value is True
        case Property(name=name):
            return row[name] is True
        case Compare(op=op, left=left, right=right):
            kind = ref_type(left) or ref_type(right)
            return ref_compare(
                op, ref_value(left, row, env, kind), ref_value(right, row, env, kind)
            )
        case In(operand=operand, items=items):
            kind = ref_type(operand)
            value = ref_value(operand, row, env, kind)
            return any(
                ref_compare(CompareOp.EQ, value, ref_value(i, row, env, kind)) for i in items
            )
        case Call(function=function, args=(haystack, needle)):
            text = ref_value(haystack, row, env, FieldType.STRING)
            part = ref_value(needle, row, env, FieldType.STRING)
            if text is None or part is None:
                return False
            if function is FunctionName.STARTSWITH:
                return bool(text.startswith(part))
            if function is FunctionName.ENDSWITH:
                return bool(text.endswith(part))
            return part in text
        case Lambda(kind=kind, variable=variable, predicate=predicate):
            elements = row["tags"] or []
            if variable is None or predicate is None:
                return bool(elements)
            results = [ref_eval(predicate, row, {**env, variable: e}) for e in elements]
            return any(results) if kind is LambdaKind.ANY else all(results)
    raise AssertionError(f"unexpected node {node!r}")


def _row(**values: Any) -> dict[str, Any]:
    return {name: values.get(name) for name in SCHEMA}


@pytest.mark.parametrize(
    ("text", "row", "expected"),
    [
        ("name ne 'a'", _row(), True),
        ("name eq 'a'", _row(), False),
        ("not startswith(name, 'a')", _row(), True),
        ("name eq 'ABC'", _row(name="abc"), True),
        ("name eq 'É'", _row(name="é"), False),  # only ASCII letters fold
        ("n gt null or n lt null", _row(n=1), False),
        ("n eq null", _row(), True),
        ("status gt 'new'", _row(status="InProgress"), True),
        ("tags/all(t: t eq 'x')", _row(), True),
        ("tags/any()", _row(tags=[]), False),
        ("tags/any(t: t eq 'X')", _row(tags=["x"]), True),
        ("seen gt 2021-01-26Z", _row(seen=Timestamp.from_date(date(2021, 1, 26)).ticks + 1), True),
        ("x ge 2.5 and x le 2.5", _row(x=2.5), True),
        ("gid eq '00000000-0000-0000-0000-00000000000A'", _row(gid=str(UUID(int=10))), True),
    ],
)
def test_reference_semantics(text: str, row: dict[str, Any], expected: bool) -> None:
    """The evaluator itself follows the documented rules on hand-picked rows."""
    assert ref_eval(parse_filter(text), row, {}) is expected
