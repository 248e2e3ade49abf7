"""Translation state: the schema, the clock, `let` bindings and the row scope.

`Context` is one per compiled query (counters, CTEs, hooks); `Env` is the chain of `let`
bindings (function bodies get a child); `RowScope` maps the KQL column names visible to an
expression onto SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlglot import exp

from mdekit.kql import sql as S
from mdekit.kql.relation import Column, Relation, Typed
from mdekit.kql.syntax import Expr, FunctionDef, Query


@dataclass(frozen=True)
class ScalarBinding:
    value: Typed


@dataclass(frozen=True)
class TabularBinding:
    """A tabular `let`: compiled where it is used (so filters can be pushed into it)."""

    query: Query | Expr
    env: Env


@dataclass(frozen=True)
class RelationBinding:
    """A tabular value already compiled once (materialize(), function arguments)."""

    relation: Relation


@dataclass(frozen=True)
class FunctionBinding:
    name: str
    definition: FunctionDef
    env: Env


Binding = ScalarBinding | TabularBinding | RelationBinding | FunctionBinding


class Env:
    """Lexically scoped `let` bindings."""

    def __init__(self, parent: Env | None = None) -> None:
        self.parent = parent
        self.names: dict[str, Binding] = {}

    def lookup(self, name: str) -> Binding | None:
        env: Env | None = self
        while env is not None:
            if name in env.names:
                return env.names[name]
            env = env.parent
        return None

    def bind(self, name: str, binding: Binding) -> None:
        self.names[name] = binding

    def child(self) -> Env:
        return Env(self)


@dataclass(frozen=True)
class FileProfileHook:
    """Where `invoke FileProfile()` finds file facts: a DuckDB table or view name.

    The table has the FileProfile columns (see `FILE_PROFILE_COLUMNS`); rows are matched
    on the hash column the query names (SHA1 by default).
    """

    table: str


@dataclass
class RowScope:
    """Columns visible to an expression; `left`/`right` are the two sides of a join."""

    columns: tuple[Column, ...] = ()
    qualifier: str | None = None
    left: RowScope | None = None
    right: RowScope | None = None
    order: tuple[tuple[str, bool, bool], ...] = ()
    # Columns defined earlier in the same extend/project, visible to later items.
    overrides: dict[str, Typed] = field(default_factory=dict)

    def find(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    def ref(self, column: Column) -> exp.Expression:
        return S.col(column.sql, self.qualifier)

    @classmethod
    def of(cls, relation: Relation, qualifier: str | None = None) -> RowScope:
        return cls(relation.columns, qualifier, order=relation.order)


@dataclass
class Context:
    """Per-query translation state shared by every translator."""

    tables: Mapping[str, Sequence[tuple[str, str]]]
    moment: datetime
    file_profile: FileProfileHook | None = None
    compile_tabular: Callable[[Query | Expr, Env], Relation] | None = None
    # Runs SQL and returns rows; plugins whose columns depend on the data use it.
    probe: Callable[[str], list[tuple[object, ...]]] | None = None
    ctes: list[tuple[str, exp.Expression]] = field(default_factory=list)
    _aliases: int = 0
    _default_columns: int = 0
    # Whether the SQL depends on the moment of compiling (now(), ago()): such a query's
    # compiled form cannot be reused at another moment (see `plan_cache`).
    clock_read: bool = False

    @property
    def now(self) -> datetime:
        """The query's `now()`; reading it marks the compiled SQL as bound to this moment."""
        self.clock_read = True
        return self.moment

    def has_table(self, name: str) -> bool:
        """Exact name, or a unique case-insensitive match (see Compiler.table_name)."""
        if name in self.tables:
            return True
        return sum(1 for t in self.tables if t.lower() == name.lower()) == 1

    def alias(self) -> str:
        self._aliases += 1
        return f"_q{self._aliases}"

    def default_column_name(self, taken: Callable[[str], bool]) -> str:
        """`Column1`, `Column2`, …: Kusto's names for unnamed computed columns."""
        while True:
            self._default_columns += 1
            name = f"Column{self._default_columns}"
            if not taken(name):
                return name

    def tabular(self, query: Query | Expr, env: Env) -> Relation:
        assert self.compile_tabular is not None
        return self.compile_tabular(query, env)
