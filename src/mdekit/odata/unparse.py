"""Syntax tree -> OData text, the inverse of :func:`mdekit.odata.parser.parse_filter`.

The output parses back to an equal tree: strings are quoted with ``''`` escaping, date-times
are bare UTC ISO-8601 with ``Z``, and parentheses are added wherever precedence needs them.
The builder uses it; it is also handy for logging a normalised filter.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from mdekit.odata.ast import (
    And,
    Call,
    Compare,
    Expr,
    In,
    Lambda,
    Literal,
    LiteralKind,
    Not,
    Or,
    Property,
    Timestamp,
    Variable,
)


def to_odata(expr: Expr) -> str:
    """The OData ``$filter`` text of ``expr``."""
    match expr:
        case Literal():
            return format_literal(expr)
        case Property(name=name) | Variable(name=name):
            return name
        case Compare(op=op, left=left, right=right):
            return f"{_operand(left)} {op.value} {_operand(right)}"
        case In(operand=operand, items=items):
            return f"{_operand(operand)} in ({','.join(format_literal(i) for i in items)})"
        case And(operands=operands):
            return " and ".join(_grouped(o, (And, Or)) for o in operands)
        case Or(operands=operands):
            return " or ".join(_grouped(o, (Or,)) for o in operands)
        case Not(operand=operand):
            return f"not {_operand(operand)}"
        case Call(function=function, args=args):
            return f"{function.value}({','.join(to_odata(a) for a in args)})"
        case Lambda(collection=collection, kind=kind, variable=variable, predicate=predicate):
            if variable is None or predicate is None:
                return f"{collection.name}/{kind.value}()"
            return f"{collection.name}/{kind.value}({variable}: {to_odata(predicate)})"
    raise TypeError(f"not an OData expression node: {expr!r}")


def format_literal(literal: Literal) -> str:
    """One literal as OData text."""
    value = literal.value
    match literal.kind:
        case LiteralKind.STRING:
            assert isinstance(value, str)
            return quote(value)
        case LiteralKind.BOOL:
            return "true" if value else "false"
        case LiteralKind.NULL:
            return "null"
        case LiteralKind.INT:
            assert isinstance(value, int)
            return str(value)
        case LiteralKind.DECIMAL:
            assert isinstance(value, Decimal)
            return _format_decimal(value)
        case LiteralKind.DATETIME:
            assert isinstance(value, Timestamp)
            return value.iso_short()
        case LiteralKind.DATE:
            assert isinstance(value, date)
            return value.isoformat()
        case LiteralKind.GUID:
            assert isinstance(value, UUID)
            return str(value)
    raise TypeError(f"unknown literal kind: {literal.kind!r}")


def quote(text: str) -> str:
    """A single-quoted OData string literal (``'`` doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _format_decimal(value: Decimal) -> str:
    text = str(value)
    # A decimal must keep a point or an exponent, or it would read back as an integer.
    return text if any(c in text for c in ".eE") else text + ".0"


def _operand(expr: Expr) -> str:
    """An operand of a comparison or of ``not``: anything below primary level is grouped."""
    return _grouped(expr, (Compare, In, And, Or, Not))


def _grouped(expr: Expr, needs_parens: tuple[type, ...]) -> str:
    text = to_odata(expr)
    return f"({text})" if isinstance(expr, needs_parens) else text
