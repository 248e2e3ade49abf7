"""Typed syntax tree of an OData ``$filter`` expression.

Nodes are frozen dataclasses.  Each carries the 0-based source ``position`` of its first
character, which is left out of equality so that two trees that mean the same thing compare
equal whatever their spacing.  ``and``/``or`` chains are kept flat (n-ary) so that long chains
never make deep trees.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

_EPOCH = datetime(1, 1, 1, tzinfo=UTC)
TICKS_PER_SECOND = 10_000_000
# The last representable instant, 9999-12-31T23:59:59.9999999Z, in ticks.
MAX_TICKS = (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - _EPOCH) // timedelta(
    microseconds=1
) * 10 + (TICKS_PER_SECOND - 1)


@dataclass(frozen=True, order=True)
class Timestamp:
    """An instant in UTC with .NET precision: ``ticks`` of 100 ns since 0001-01-01T00:00:00Z.

    Python datetimes stop at microseconds; the Defender API prints 7 fractional digits, so
    a literal such as ``2021-01-26T20:33:57.7220239Z`` needs the extra digit to compare right.
    """

    ticks: int

    @classmethod
    def from_datetime(cls, value: datetime) -> Timestamp:
        """Convert an aware datetime (any offset) to a UTC timestamp."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware datetime (UTC)")
        micros = (value - _EPOCH) // timedelta(microseconds=1)
        return cls(micros * 10)

    @classmethod
    def from_date(cls, value: date) -> Timestamp:
        """Midnight UTC at the start of ``value``."""
        return cls.from_datetime(datetime(value.year, value.month, value.day, tzinfo=UTC))

    @property
    def sub_microsecond(self) -> int:
        """The 100 ns digit that a Python datetime cannot hold (0-9)."""
        return self.ticks % 10

    def to_datetime(self) -> datetime:
        """The instant as an aware UTC datetime, truncated to microseconds."""
        return _EPOCH + timedelta(microseconds=self.ticks // 10)

    def iso7(self) -> str:
        """Canonical text, as the Defender API stores it: ``2021-01-26T20:33:57.7220239Z``."""
        return f"{self._whole_seconds()}.{self.ticks % TICKS_PER_SECOND:07d}Z"

    def iso_short(self) -> str:
        """Shortest exact text: fraction digits only as far as needed (``...:00Z``)."""
        whole = self._whole_seconds()
        fraction = f"{self.ticks % TICKS_PER_SECOND:07d}".rstrip("0")
        return f"{whole}.{fraction}Z" if fraction else f"{whole}Z"

    def _whole_seconds(self) -> str:
        # Not strftime: on glibc it prints year 1 as "1", not "0001".
        v = self.to_datetime()
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"


class LiteralKind(enum.StrEnum):
    """The OData primitive type a literal was written as."""

    STRING = "Edm.String"
    INT = "Edm.Int64"
    DECIMAL = "Edm.Decimal"
    BOOL = "Edm.Boolean"
    NULL = "null"
    DATETIME = "Edm.DateTimeOffset"
    DATE = "Edm.Date"
    GUID = "Edm.Guid"


LiteralValue = str | int | Decimal | bool | None | Timestamp | date | UUID


class CompareOp(enum.StrEnum):
    """Comparison operators; ``kind`` is the .NET name used in error messages."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GE = "ge"
    LT = "lt"
    LE = "le"

    @property
    def kind(self) -> str:
        return _OP_KINDS[self]

    @property
    def is_ordering(self) -> bool:
        return self not in (CompareOp.EQ, CompareOp.NE)


_OP_KINDS = {
    CompareOp.EQ: "Equal",
    CompareOp.NE: "NotEqual",
    CompareOp.GT: "GreaterThan",
    CompareOp.GE: "GreaterThanOrEqual",
    CompareOp.LT: "LessThan",
    CompareOp.LE: "LessThanOrEqual",
}


class FunctionName(enum.StrEnum):
    """The built-in functions this package understands."""

    STARTSWITH = "startswith"
    ENDSWITH = "endswith"
    CONTAINS = "contains"
    TOLOWER = "tolower"
    TOUPPER = "toupper"


PREDICATE_FUNCTIONS = frozenset(
    {FunctionName.STARTSWITH, FunctionName.ENDSWITH, FunctionName.CONTAINS}
)
FUNCTION_ARITY = {
    FunctionName.STARTSWITH: 2,
    FunctionName.ENDSWITH: 2,
    FunctionName.CONTAINS: 2,
    FunctionName.TOLOWER: 1,
    FunctionName.TOUPPER: 1,
}


class LambdaKind(enum.StrEnum):
    ANY = "any"
    ALL = "all"


@dataclass(frozen=True)
class Literal:
    """A constant: string, number, boolean, null, date-time, date or GUID."""

    value: LiteralValue
    kind: LiteralKind
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Property:
    """A property of the entity, as written (matched case-insensitively when bound)."""

    name: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Variable:
    """The range variable of an enclosing ``any``/``all`` (e.g. ``tag`` in ``tag: tag eq 'x'``)."""

    name: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Compare:
    op: CompareOp
    left: Expr
    right: Expr
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class In:
    """``operand in (literal, ...)``."""

    operand: Expr
    items: tuple[Literal, ...]
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: Expr
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    function: FunctionName
    args: tuple[Expr, ...]
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Lambda:
    """``collection/any(var: predicate)``, ``collection/all(...)`` or bare ``collection/any()``."""

    collection: Property
    kind: LambdaKind
    variable: str | None
    predicate: Expr | None
    position: int = field(default=0, compare=False)


Expr = Literal | Property | Variable | Compare | In | And | Or | Not | Call | Lambda


def conjunction(*operands: Expr, position: int = 0) -> Expr:
    """``a and b and ...`` with nested ``And`` nodes flattened into one."""
    flat: list[Expr] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, And) else (operand,))
    return flat[0] if len(flat) == 1 else And(tuple(flat), position)


def disjunction(*operands: Expr, position: int = 0) -> Expr:
    """``a or b or ...`` with nested ``Or`` nodes flattened into one."""
    flat: list[Expr] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, Or) else (operand,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat), position)


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``node``."""
    match node:
        case Compare(left=left, right=right):
            return (left, right)
        case In(operand=operand, items=items):
            return (operand, *items)
        case And(operands=operands) | Or(operands=operands):
            return operands
        case Not(operand=operand):
            return (operand,)
        case Call(args=args):
            return args
        case Lambda(collection=collection, predicate=predicate):
            return (collection,) if predicate is None else (collection, predicate)
        case _:
            return ()


def walk(node: Expr) -> Iterator[Expr]:
    """Every node of the tree, parents first; iterative, so deep trees are safe."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


@dataclass(frozen=True)
class OrderByItem:
    """One ``$orderby`` key: a property (path) and its direction."""

    property: str
    descending: bool = False
    position: int = field(default=0, compare=False)
