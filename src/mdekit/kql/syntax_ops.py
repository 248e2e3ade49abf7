"""Syntax nodes of the tabular operators that follow a pipe (`| where`, `| summarize`, …)."""

from __future__ import annotations

from dataclasses import dataclass

from mdekit.kql.syntax import Call, Expr, Node, OrderKey, Query


@dataclass(frozen=True)
class Operator(Node):
    """Base of the operators that follow a pipe."""


@dataclass(frozen=True)
class Where(Operator):
    predicate: Expr


@dataclass(frozen=True)
class Project(Operator):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Extend(Operator):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class ProjectAway(Operator):
    """`project-away` (keep=False) or `project-keep` (keep=True); names may use wildcards."""

    names: tuple[str, ...]
    keep: bool = False


@dataclass(frozen=True)
class ProjectRename(Operator):
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProjectReorder(Operator):
    keys: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Summarize(Operator):
    aggregates: tuple[Expr, ...]
    by: tuple[Expr, ...]


@dataclass(frozen=True)
class Sort(Operator):
    keys: tuple[OrderKey, ...]


@dataclass(frozen=True)
class Top(Operator):
    count: Expr
    key: OrderKey


@dataclass(frozen=True)
class Take(Operator):
    count: Expr


@dataclass(frozen=True)
class Distinct(Operator):
    items: tuple[Expr, ...]
    limit: Expr | None = None


@dataclass(frozen=True)
class CountRows(Operator):
    """The `count` operator (one row, column `Count`)."""


@dataclass(frozen=True)
class Join(Operator):
    kind: str | None
    right: Query
    on: tuple[Expr, ...]
    lookup: bool = False


@dataclass(frozen=True)
class MvExpand(Operator):
    items: tuple[Expr, ...]
    types: tuple[str | None, ...]
    item_index: str | None
    limit: Expr | None
    bag_as_array: bool = False


@dataclass(frozen=True)
class Partition(Operator):
    """`partition by Key (ops)` runs ops per key; `{ query }` has its own source."""

    key: str
    subquery: Query
    own_source: bool = False


@dataclass(frozen=True)
class MvApply(Operator):
    items: tuple[Expr, ...]
    types: tuple[str | None, ...]
    item_index: str | None
    subquery: Query


@dataclass(frozen=True)
class Parse(Operator):
    """`parse` / `parse-where`: `parts` alternate literal strings and (name, type) captures."""

    source: Expr
    parts: tuple[str | tuple[str, str], ...]
    kind: str
    where: bool = False


@dataclass(frozen=True)
class Serialize(Operator):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Ignored(Operator):
    """Operators that do not change rows here (`render`, hints-only operators)."""

    name: str


@dataclass(frozen=True)
class TopNested(Operator):
    """Each level: (count or None, name=aggregate, by-expression, others name or None, desc)."""

    levels: tuple[tuple[Expr | None, Expr, OrderKey, bool], ...]


@dataclass(frozen=True)
class MakeSeries(Operator):
    aggregates: tuple[tuple[Expr, Expr | None], ...]
    axis: Expr
    start: Expr | None
    end: Expr | None
    step: Expr
    by: tuple[Expr, ...]


@dataclass(frozen=True)
class Evaluate(Operator):
    call: Call
    schema: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class Invoke(Operator):
    call: Call


@dataclass(frozen=True)
class Union(Operator):
    """`union` as an operator (the piped table is the first leg) or as a source."""

    items: tuple[Query, ...]
    kind: str = "outer"
    with_source: str | None = None
    fuzzy: bool = False


@dataclass(frozen=True)
class Sample(Operator):
    count: Expr


@dataclass(frozen=True)
class GetSchema(Operator):
    pass


@dataclass(frozen=True)
class AsOperator(Operator):
    name: str
