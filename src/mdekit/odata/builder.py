"""Build ``$filter`` strings from Python expressions, without pasting strings together.

    >>> from mdekit.odata.builder import F
    >>> str((F.status == "New") & (F.severity.in_(["High", "Medium"])))
    "status eq 'New' and severity in ('High','Medium')"
    >>> str(F.machineTags.any(lambda tag: tag == "prod"))
    "machineTags/any(tag: tag eq 'prod')"

Values become OData literals with correct quoting (``'`` doubled); aware datetimes become
bare UTC ISO-8601 with ``Z`` (naive datetimes are refused: their zone is unknown).  Combine
conditions with ``&``, ``|`` and ``~`` (Python's ``and``/``or``/``not`` cannot be overloaded,
so using them raises TypeError).  ``F["name"]`` reaches a property whose name is awkward as
an attribute.
"""

from __future__ import annotations

import enum
import inspect
import math
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from mdekit.odata.ast import (
    Call,
    Compare,
    CompareOp,
    Expr,
    FunctionName,
    In,
    Lambda,
    LambdaKind,
    Literal,
    LiteralKind,
    Not,
    Property,
    Timestamp,
    Variable,
    conjunction,
    disjunction,
)
from mdekit.odata.unparse import to_odata

PythonValue = str | int | float | Decimal | bool | datetime | date | UUID | enum.Enum | None
# Words the parser reads as operators or literals cannot name a lambda variable.
_RESERVED = frozenset(
    {"and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in"}
    | {"true", "false", "null", "any", "all", "asc", "desc"}
)


class Filter:
    """A boolean OData expression; ``str()`` gives the ``$filter`` text."""

    __slots__ = ("expr",)

    def __init__(self, expr: Expr) -> None:
        self.expr = expr

    def __and__(self, other: Filter) -> Filter:
        return Filter(conjunction(self.expr, _filter(other).expr))

    def __or__(self, other: Filter) -> Filter:
        return Filter(disjunction(self.expr, _filter(other).expr))

    def __invert__(self) -> Filter:
        return Filter(Not(self.expr))

    def __bool__(self) -> bool:
        raise TypeError("combine filters with &, | and ~, not with and/or/not")

    def __str__(self) -> str:
        return to_odata(self.expr)

    def __repr__(self) -> str:
        return f"Filter({str(self)!r})"


class Value:
    """A non-boolean operand: a property, a lambda variable or ``tolower(...)``."""

    __slots__ = ("expr",)

    def __init__(self, expr: Expr) -> None:
        self.expr = expr

    def __eq__(self, other: Value | PythonValue) -> Filter:  # type: ignore[override]
        return self._compare(CompareOp.EQ, other)

    def __ne__(self, other: Value | PythonValue) -> Filter:  # type: ignore[override]
        return self._compare(CompareOp.NE, other)

    def __gt__(self, other: Value | PythonValue) -> Filter:
        return self._compare(CompareOp.GT, other)

    def __ge__(self, other: Value | PythonValue) -> Filter:
        return self._compare(CompareOp.GE, other)

    def __lt__(self, other: Value | PythonValue) -> Filter:
        return self._compare(CompareOp.LT, other)

    def __le__(self, other: Value | PythonValue) -> Filter:
        return self._compare(CompareOp.LE, other)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise TypeError("a filter operand has no truth value; compare it with ==, < ...")

    def is_null(self) -> Filter:
        return self == None  # noqa: E711 - builds "eq null"

    def in_(self, values: Iterable[PythonValue]) -> Filter:
        items = tuple(literal(v) for v in values)
        if not items:
            raise ValueError("in_() needs at least one value")
        return Filter(In(self.expr, items))

    def startswith(self, prefix: Value | str) -> Filter:
        return self._call(FunctionName.STARTSWITH, prefix)

    def endswith(self, suffix: Value | str) -> Filter:
        return self._call(FunctionName.ENDSWITH, suffix)

    def contains(self, part: Value | str) -> Filter:
        return self._call(FunctionName.CONTAINS, part)

    def tolower(self) -> Value:
        return Value(Call(FunctionName.TOLOWER, (self.expr,)))

    def toupper(self) -> Value:
        return Value(Call(FunctionName.TOUPPER, (self.expr,)))

    def _compare(self, op: CompareOp, other: Value | PythonValue) -> Filter:
        return Filter(Compare(op, self.expr, _operand(other)))

    def _call(self, function: FunctionName, argument: Value | str) -> Filter:
        return Filter(Call(function, (self.expr, _operand(argument))))

    def __str__(self) -> str:
        return to_odata(self.expr)

    def __repr__(self) -> str:
        return f"Value({str(self)!r})"


class Prop(Value):
    """An entity property; collection properties also offer ``any`` and ``all``."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(Property(name))

    def any(self, predicate: Callable[[Value], Filter] | None = None) -> Filter:
        """``prop/any(v: ...)``; with no predicate, ``prop/any()`` (non-empty)."""
        return self._lambda(LambdaKind.ANY, predicate)

    def all(self, predicate: Callable[[Value], Filter]) -> Filter:
        """``prop/all(v: ...)``."""
        return self._lambda(LambdaKind.ALL, predicate)

    def _lambda(self, kind: LambdaKind, predicate: Callable[[Value], Filter] | None) -> Filter:
        assert isinstance(self.expr, Property)
        if predicate is None:
            return Filter(Lambda(self.expr, kind, None, None))
        variable = _variable_name(predicate)
        body = _filter(predicate(Value(Variable(variable))))
        return Filter(Lambda(self.expr, kind, variable, body.expr))


class _Properties:
    """``F.name`` / ``F["name"]`` -> the property called ``name``."""

    def __getattr__(self, name: str) -> Prop:
        if name.startswith("__"):
            raise AttributeError(name)
        return Prop(name)

    def __getitem__(self, name: str) -> Prop:
        return Prop(name)


F = _Properties()


def prop(name: str) -> Prop:
    """The property called ``name`` (same as ``F[name]``)."""
    return Prop(name)


def literal(value: PythonValue) -> Literal:
    """A Python value as an OData literal node."""
    if isinstance(value, enum.Enum):
        return literal(value.value)
    if value is None:
        return Literal(None, LiteralKind.NULL)
    if isinstance(value, bool):
        return Literal(value, LiteralKind.BOOL)
    if isinstance(value, int):
        return Literal(value, LiteralKind.INT)
    if isinstance(value, float | Decimal):
        # Decimal literals are compared as doubles, so they must fit one.
        if not math.isfinite(value) or not math.isfinite(float(value)):
            raise ValueError(f"OData filters take numbers that fit a double, not {value!r}")
        number = Decimal(repr(value)) if isinstance(value, float) else value
        return Literal(number, LiteralKind.DECIMAL)
    if isinstance(value, str):
        return Literal(value, LiteralKind.STRING)
    if isinstance(value, datetime):
        return Literal(Timestamp.from_datetime(value), LiteralKind.DATETIME)
    if isinstance(value, date):
        return Literal(value, LiteralKind.DATE)
    if isinstance(value, UUID):
        return Literal(value, LiteralKind.GUID)
    raise TypeError(f"cannot use {type(value).__name__} as an OData literal")


def _operand(value: Value | PythonValue) -> Expr:
    return value.expr if isinstance(value, Value) else literal(value)


def _filter(value: object) -> Filter:
    if not isinstance(value, Filter):
        raise TypeError(f"expected a Filter (a condition), got {type(value).__name__}")
    return value


def _variable_name(predicate: Callable[[Value], Filter]) -> str:
    """The lambda's own parameter name (``lambda tag: ...`` -> ``tag``), else ``x``."""
    try:
        names = list(inspect.signature(predicate).parameters)
    except (TypeError, ValueError):
        return "x"
    name = names[0] if names else "x"
    usable = name.isidentifier() and not name.startswith("_") and name.lower() not in _RESERVED
    return name if usable else "x"
