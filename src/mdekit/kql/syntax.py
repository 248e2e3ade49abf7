"""Typed syntax tree of a KQL query: scalar expressions, tabular operators, statements.

The parser builds these frozen dataclasses; the translator walks them. Every node keeps
`at`, the character offset of its first token, so that semantic errors can point at the
query text the way syntax errors do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mdekit.kql.syntax_ops import Operator, Union

# ---------------------------------------------------------------- scalar expressions


@dataclass(frozen=True)
class Node:
    """Base of every syntax node; `at` is the offset of the node's first character."""

    at: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True)
class Literal(Node):
    """A constant: `value` is None for typed nulls such as `int(null)` or `datetime(null)`."""

    value: object
    type: str


@dataclass(frozen=True)
class Name(Node):
    """A bare name: a column, a `let` variable, a table, or `$left`/`$right`."""

    name: str


@dataclass(frozen=True)
class Star(Node):
    """`*` inside an argument list (`arg_max(T, *)`, `count(*)`) or a column list."""


@dataclass(frozen=True)
class TypeRef(Node):
    """A type name used as a value: `typeof(string)`, `to typeof(long)`."""

    name: str


@dataclass(frozen=True)
class Call(Node):
    """A function call; arguments can be expressions, `Star`, or nested tabular queries."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Binary(Node):
    """Binary operator; `op` is the KQL spelling (`==`, `=~`, `!has`, `matches regex`, …)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Unary(Node):
    """Unary minus or plus."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class InList(Node):
    """`x in (…)`, `x !in~ (…)`, `x has_any (…)`, `x has_all (…)`: items or one subquery."""

    op: str
    left: Expr
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Between(Node):
    """`x between (low .. high)` and its negation `!between`."""

    left: Expr
    low: Expr
    high: Expr
    negated: bool


@dataclass(frozen=True)
class Member(Node):
    """`x.name` on a dynamic value (also `x['name']` with a constant string)."""

    target: Expr
    name: str


@dataclass(frozen=True)
class Index(Node):
    """`x[expr]` on a dynamic value: array index or computed key."""

    target: Expr
    index: Expr


@dataclass(frozen=True)
class Paren(Node):
    """Parentheses kept for naming rules (`(x)` still names its column `x`)."""

    inner: Expr


@dataclass(frozen=True)
class SubQuery(Node):
    """A tabular expression used where a scalar or a list is expected."""

    query: Query


@dataclass(frozen=True)
class Assign(Node):
    """`Name = expr` or `(A, B) = expr` inside project/extend/summarize lists."""

    names: tuple[str, ...]
    expr: Expr


@dataclass(frozen=True)
class OrderKey(Node):
    """One `sort by` key: `desc` and `nulls_first` are None when left to the default."""

    expr: Expr
    desc: bool | None = None
    nulls_first: bool | None = None


Expr = (
    Literal | Name | Star | TypeRef | Call | Binary | Unary | InList | Between | Member
    | Index | Paren | SubQuery | Assign | OrderKey
)  # fmt: skip

# ---------------------------------------------------------------- sources and statements


@dataclass(frozen=True)
class TableRef(Node):
    """A name in source position; wildcards (`Device*`) are allowed in `union`."""

    name: str


@dataclass(frozen=True)
class Datatable(Node):
    schema: tuple[tuple[str, str], ...]
    values: tuple[Expr, ...]


@dataclass(frozen=True)
class ExternalData(Node):
    schema: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PrintSource(Node):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class RangeSource(Node):
    name: str
    start: Expr
    stop: Expr
    step: Expr


@dataclass(frozen=True)
class CallSource(Node):
    """A function call in source position: user function, `materialize()`, `table()`."""

    call: Call


@dataclass(frozen=True)
class UnionSource(Node):
    union: Union


@dataclass(frozen=True)
class SearchSource(Node):
    tables: tuple[str, ...]
    predicate: Expr


@dataclass(frozen=True)
class Query(Node):
    """A pipeline: a source followed by piped operators."""

    source: Source
    ops: tuple[Operator, ...] = ()


@dataclass(frozen=True)
class FindSource(Node):
    """`find [withsource=N] [in (T, …)] where P [project c, …]`: matching rows of many tables."""

    tables: tuple[str, ...]
    predicate: Expr
    source_column: str = "source_"
    columns: tuple[tuple[str, str | None], ...] | None = None
    pack_rest: bool = True


Source = (
    TableRef | Datatable | ExternalData | PrintSource | RangeSource | CallSource | UnionSource
    | SearchSource | FindSource | Query
)  # fmt: skip


@dataclass(frozen=True)
class Param(Node):
    """A user-function parameter: scalar type name, or a tabular schema (None = any)."""

    name: str
    type: str | None
    tabular: tuple[tuple[str, str], ...] | None = None
    default: Expr | None = None


@dataclass(frozen=True)
class FunctionDef(Node):
    params: tuple[Param, ...]
    body: tuple[Statement, ...]


@dataclass(frozen=True)
class Let(Node):
    name: str
    value: Expr | Query | FunctionDef


@dataclass(frozen=True)
class QueryStatement(Node):
    query: Query | Expr


@dataclass(frozen=True)
class OptionStatement(Node):
    """`set`, `declare`, `alias` and similar statements that do not produce rows."""

    text: str


Statement = Let | QueryStatement | OptionStatement
