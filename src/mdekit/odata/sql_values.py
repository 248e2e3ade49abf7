"""Typed operands and comparisons for the ``$filter`` -> SQL translation.

A comparison is turned into SQL that is never NULL (see :mod:`mdekit.odata.sql_filter` for
the semantics), after the literal side is checked against and converted to the other side's
type: enum names to their canonical spelling, date-times to the column's storage form,
strings to their case-folded key.
"""

from __future__ import annotations

import operator
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from mdekit.odata.ast import CompareOp, Literal, LiteralKind, Timestamp
from mdekit.odata.errors import ODataSemanticError
from mdekit.odata.fields import DateTimeStorage, FieldSpec, FieldType
from mdekit.odata.sql_constructs import binary_text, fold_case

_FOLD_TABLE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_UPPER_TABLE = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_INT64_MAX = 2**63 - 1
_SQL_OPERATORS: dict[CompareOp, Callable[[Any, Any], Any]] = {
    CompareOp.EQ: operator.eq,
    CompareOp.NE: operator.ne,
    CompareOp.GT: operator.gt,
    CompareOp.GE: operator.ge,
    CompareOp.LT: operator.lt,
    CompareOp.LE: operator.le,
}
MIRRORED = {
    CompareOp.EQ: CompareOp.EQ,
    CompareOp.NE: CompareOp.NE,
    CompareOp.GT: CompareOp.LT,
    CompareOp.GE: CompareOp.LE,
    CompareOp.LT: CompareOp.GT,
    CompareOp.LE: CompareOp.GE,
}
_LITERAL_FIELD_TYPES = {
    LiteralKind.STRING: FieldType.STRING,
    LiteralKind.INT: FieldType.INT,
    LiteralKind.DECIMAL: FieldType.FLOAT,
    LiteralKind.BOOL: FieldType.BOOL,
    LiteralKind.DATETIME: FieldType.DATETIME,
    LiteralKind.DATE: FieldType.DATETIME,
    LiteralKind.GUID: FieldType.GUID,
}
_TEXTUAL = frozenset({FieldType.STRING, FieldType.GUID})
_NUMERIC = frozenset({FieldType.INT, FieldType.FLOAT})


def fold(text: str) -> str:
    """The case-insensitive comparison key of ``text``: ASCII letters lower-cased."""
    return text.translate(_FOLD_TABLE)


def ascii_upper_text(text: str) -> str:
    """``toupper`` as the SQL side does it: ASCII letters only."""
    return text.translate(_UPPER_TABLE)


@dataclass(frozen=True)
class Operand:
    """One side of a comparison: a SQL expression or a literal, with its OData type.

    ``type`` is None only for the ``null`` literal.  ``spec`` is set for properties;
    computed booleans (``startswith(...)``) are never NULL, so ``nullable`` is False.
    """

    type: FieldType | None
    type_name: str
    position: int
    sql: ColumnElement[Any] | None = None
    spec: FieldSpec | None = None
    literal: Literal | None = None
    nullable: bool = True

    @classmethod
    def of_literal(cls, node: Literal) -> Operand:
        return cls(_LITERAL_FIELD_TYPES.get(node.kind), _literal_type_name(node), node.position,
                   literal=node, nullable=False)  # fmt: skip

    def expression(self) -> ColumnElement[Any]:
        assert self.sql is not None, "literal operands have no SQL expression"
        return self.sql


def incompatible(left: Operand, right: Operand, kind: str) -> ODataSemanticError:
    return ODataSemanticError(
        "A binary operator with incompatible types was detected. Found operand types "
        f"'{left.type_name}' and '{right.type_name}' for operator kind '{kind}'.",
        left.position,
    )


def compare_literals(op: CompareOp, left: Operand, right: Operand) -> ColumnElement[bool]:
    """Both sides constant: decide in Python."""
    assert left.literal is not None
    assert right.literal is not None
    (left_domain, left_key), (right_domain, right_key) = _key(left.literal), _key(right.literal)
    if left_domain != right_domain or (op.is_ordering and left_domain == "bool"):
        raise incompatible(left, right, op.kind)
    return true() if _SQL_OPERATORS[op](left_key, right_key) else false()


def compare_to_literal(op: CompareOp, target: Operand, lit: Operand) -> ColumnElement[bool]:
    """``target op literal`` where target is a column or computed value."""
    assert lit.literal is not None
    if target.spec is None and target.type is FieldType.BOOL and lit.type is FieldType.BOOL:
        if op.is_ordering:
            raise incompatible(target, lit, op.kind)
        positive = (lit.literal.value is True) == (op is CompareOp.EQ)
        return target.expression() if positive else ~target.expression()
    bound = bind_literal(op, target, lit)
    if isinstance(bound, bool):
        return true() if bound else false()
    lhs, op, value = bound
    comparison: ColumnElement[bool] = _SQL_OPERATORS[op](lhs, value)
    if not target.nullable:
        return comparison
    if op is CompareOp.NE:
        return or_(target.expression().is_(None), comparison)
    return and_(target.expression().is_not(None), comparison)


def compare_columns(op: CompareOp, left: Operand, right: Operand) -> ColumnElement[bool]:
    """``left op right`` where neither side is a literal."""
    lhs, rhs = comparable(left, op, right), comparable(right, op, left)
    if op is CompareOp.EQ:
        return lhs.is_not_distinct_from(rhs)
    if op is CompareOp.NE:
        return lhs.is_distinct_from(rhs)
    guards = [side.expression().is_not(None) for side in (left, right) if side.nullable]
    return and_(*guards, _SQL_OPERATORS[op](lhs, rhs))


def comparable(side: Operand, op: CompareOp, other: Operand) -> ColumnElement[Any]:
    """The SQL form of ``side`` to compare against ``other`` (also a SQL operand)."""
    kinds = {side.type, other.type}
    if op.is_ordering and kinds & {FieldType.BOOL, FieldType.GUID}:
        raise incompatible(side, other, op.kind)
    if kinds <= _TEXTUAL:
        return fold_case(side.expression())
    if kinds <= _NUMERIC or kinds == {FieldType.BOOL}:
        return side.expression()
    if kinds == {FieldType.ENUM}:
        assert side.spec is not None
        assert other.spec is not None
        if side.spec.enum_values != other.spec.enum_values:
            raise incompatible(side, other, op.kind)
        return enum_ordinal(side.spec) if op.is_ordering else side.expression()
    if kinds == {FieldType.DATETIME}:
        assert side.spec is not None
        assert other.spec is not None
        storage = side.spec.datetime_storage
        if storage is not other.spec.datetime_storage:
            raise incompatible(side, other, op.kind)
        text = storage is DateTimeStorage.TEXT
        return binary_text(side.expression()) if text else side.expression()
    raise incompatible(side, other, op.kind)


def enum_ordinal(spec: FieldSpec) -> ColumnElement[Any]:
    """The position of the column's value in ``spec.enum_values``; orders like .NET enums."""
    whens = {spec.stored(name): index for index, name in enumerate(spec.enum_values)}
    return case(whens, value=spec.column)


Bound = tuple[ColumnElement[Any], CompareOp, Any] | bool


def bind_literal(op: CompareOp, target: Operand, lit: Operand) -> Bound:
    """Check ``lit`` against ``target``'s type; give (SQL side, operator, Python value).

    A bool instead means the comparison is decided without looking at the row (only
    possible for ``eq``/``ne``, e.g. a 100 ns literal against a microsecond column).
    """
    node = lit.literal
    assert node is not None
    spec, column, kind = target.spec, target.expression(), target.type
    if kind is FieldType.STRING and node.kind in (LiteralKind.STRING, LiteralKind.GUID):
        return fold_case(column), op, fold(str(node.value))
    if kind is FieldType.ENUM and node.kind is LiteralKind.STRING and spec is not None:
        name = spec.canonical_enum_value(str(node.value), lit.position)
        if op.is_ordering:
            return enum_ordinal(spec), op, spec.enum_values.index(name)
        return column, op, spec.stored(name)
    if kind in _NUMERIC and node.kind in (LiteralKind.INT, LiteralKind.DECIMAL):
        value = node.value
        if isinstance(value, int) and abs(value) > _INT64_MAX:
            raise ODataSemanticError(f"The value '{value}' is out of range for 'Edm.Int64'.",
                                     lit.position)  # fmt: skip
        number = float(value) if isinstance(value, Decimal) else value
        return column, op, number if spec is None else spec.stored(number)
    if kind is FieldType.BOOL and node.kind is LiteralKind.BOOL and not op.is_ordering:
        return column, op, node.value if spec is None else spec.stored(node.value)
    if kind is FieldType.GUID and not op.is_ordering:
        guid = _as_guid(node)
        if guid is not None and spec is not None and spec.to_storage is not None:
            return column, op, spec.stored(guid)
        if guid is not None:
            return fold_case(column), op, guid
    if kind is FieldType.DATETIME and spec is not None:
        instant = _as_timestamp(node)
        if instant is not None and spec.datetime_storage is DateTimeStorage.TEXT:
            return binary_text(column), op, instant.iso7()
        if instant is not None:
            return _bind_native_datetime(column, op, instant)
    raise incompatible(target, lit, op.kind)


def _bind_native_datetime(column: ColumnElement[Any], op: CompareOp, instant: Timestamp) -> Bound:
    """Compare a microsecond column with a 100 ns literal exactly.

    With a sub-microsecond remainder, no stored value equals the literal, and
    ``x >= L`` holds exactly when ``x > floor_us(L)`` (likewise for the others).
    """
    floor = instant.to_datetime()
    if instant.sub_microsecond == 0:
        return column, op, floor
    if op in (CompareOp.EQ, CompareOp.NE):
        return op is CompareOp.NE
    adjusted = {CompareOp.GE: CompareOp.GT, CompareOp.LT: CompareOp.LE}.get(op, op)
    return column, adjusted, floor


def _as_guid(node: Literal) -> str | None:
    if isinstance(node.value, UUID):
        return str(node.value)
    if isinstance(node.value, str) and node.kind is LiteralKind.STRING:
        try:
            return str(UUID(node.value))
        except ValueError:
            return None
    return None


def _as_timestamp(node: Literal) -> Timestamp | None:
    if isinstance(node.value, Timestamp):
        return node.value
    if isinstance(node.value, date):
        return Timestamp.from_date(node.value)
    return None


def _key(node: Literal) -> tuple[str, Any]:
    """A literal's comparison domain and key, for constant folding."""
    value = node.value
    if node.kind in (LiteralKind.STRING, LiteralKind.GUID):
        return "text", fold(str(value))
    if node.kind in (LiteralKind.INT, LiteralKind.DECIMAL):
        return "number", float(value) if isinstance(value, Decimal) else value
    if node.kind in (LiteralKind.DATETIME, LiteralKind.DATE):
        instant = _as_timestamp(node)
        assert instant is not None
        return "time", instant.ticks
    return "bool", value


def _literal_type_name(node: Literal) -> str:
    # .NET types small integer literals as Edm.Int32 and larger ones as Edm.Int64.
    if node.kind is LiteralKind.INT and isinstance(node.value, int) and abs(node.value) < 2**31:
        return "Edm.Int32"
    return node.kind.value


def constant(value: bool) -> ColumnElement[bool]:
    return true() if value else false()
