"""Parsers for the tabular operators that follow a pipe, one small method per operator."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from mdekit.kql import types as T
from mdekit.kql.lexer import TokenKind
from mdekit.kql.parser_expr import ExprParser
from mdekit.kql.syntax import Call, Expr, Literal, OrderKey, Star
from mdekit.kql.syntax_ops import (
    CountRows,
    Distinct,
    Extend,
    Ignored,
    Operator,
    Project,
    ProjectAway,
    ProjectRename,
    ProjectReorder,
    Sort,
    Summarize,
    Take,
    Top,
    Where,
)

OPERATOR_WORDS = frozenset(
    {
        "where", "filter", "project", "extend", "project-away", "project-keep",
        "project-rename", "project-reorder", "summarize", "sort", "order", "top", "take",
        "limit", "distinct", "count", "join", "lookup", "union", "mv-expand", "mvexpand",
        "mv-apply", "mvapply", "parse", "parse-where", "render", "serialize", "top-nested",
        "make-series", "evaluate", "invoke", "as", "sample", "sample-distinct", "getschema",
        "search", "facet", "fork", "partition", "reduce", "scan", "consume", "parse-kv",
        "top-hitters", "find", "project-smart", "extend-smart", "lookup-smart", "make-graph",
        "graph-match", "graph-shortest-paths", "graph-to-table", "graph-mark-components",
        "macro-expand", "assert-schema",
    }
)  # fmt: skip
# Valid operators this engine does not run: parsed by skipping, refused when translated.
_SKIPPED = frozenset(
    {
        "facet", "fork", "reduce", "scan", "consume", "parse-kv", "top-hitters", "find",
        "make-graph", "graph-match", "graph-shortest-paths", "graph-to-table",
        "graph-mark-components", "macro-expand", "assert-schema",
    }
)  # fmt: skip
STOPS = frozenset({"|", ";", ")", "}"})


class BasicOperatorParser(ExprParser):
    """The common operators and the helpers every operator parser uses."""

    # Set by the mv-expand parameters: expand property bags into [key, value] arrays.
    bag_as_array = False

    def parse_operator(self) -> Operator:
        at = self.tok.offset
        word = self.glued_word(OPERATOR_WORDS)
        if word is None:
            raise self.error("a query operator such as where, project, extend or summarize")
        self.advance(2 * word.count("-") + 1)
        if word in _SKIPPED:
            self.skip_balanced_until(STOPS)
            return Ignored(f"unsupported:{word}", at=at)
        handler: Callable[[], Operator] = getattr(self, "op_" + _METHOD.get(word, word))
        return dataclasses.replace(handler(), at=at)

    # -- helpers -------------------------------------------------------------------

    def parse_params(self, names: frozenset[str]) -> dict[str, object]:
        """`name=value` operator parameters (`kind=inner`, `hint.strategy=broadcast`, …)."""
        params: dict[str, object] = {}
        while self.tok.kind is TokenKind.IDENT:
            name, width = str(self.tok.value), 1
            while self.peek(width).text == "." and self.peek(width + 1).kind is TokenKind.IDENT:
                name += "." + str(self.peek(width + 1).value)
                width += 2
            if self.peek(width).text != "=" or not (name in names or name.startswith("hint.")):
                break
            self.advance(width + 1)
            value = self.tok
            if value.kind in (TokenKind.END, TokenKind.PUNCT):
                raise self.error(f"a value for {name}")
            self.advance()
            params[name] = value.value
        return params

    def parse_items(self) -> tuple[Expr, ...]:
        items = [self.parse_named_item()]
        while self.accept(","):
            items.append(self.parse_named_item())
        return tuple(items)

    def parse_column_name(self) -> str:
        if self.at("[") and self.peek(1).kind is TokenKind.STRING and self.peek(2).text == "]":
            name = str(self.peek(1).value)
            self.advance(3)
            return name
        return self.expect_word("a column name")

    def parse_wildcard_name(self) -> str:
        """A column name that may contain `*` wildcards glued to it (`Initiating*`)."""
        if not (self.at("*") or self.tok.kind is TokenKind.IDENT):
            return self.parse_column_name()
        parts = [str(self.advance().text)]
        while (self.at("*") or self.tok.kind is TokenKind.IDENT) and self.adjacent(0):
            parts.append(str(self.advance().text))
        return "".join(parts)

    def parse_order_key(self) -> OrderKey:
        at = self.tok.offset
        expr = self.parse_expr()
        desc: bool | None = None
        nulls: bool | None = None
        if self.accept("asc"):
            desc = False
        elif self.accept("desc"):
            desc = True
        if self.at("nulls"):
            self.advance()
            which = self.expect_word("first or last")
            if which not in ("first", "last"):
                raise self.error("first or last", self.tokens[self.i - 1])
            nulls = which == "first"
        return OrderKey(expr, desc, nulls, at=at)

    def parse_type_name(self) -> str:
        word = self.expect_word("a type name")
        canonical = T.canonical_type(word)
        if canonical is None:
            raise self.error(
                "a type name such as string, long or datetime", self.tokens[self.i - 1]
            )
        return canonical

    # -- operators -----------------------------------------------------------------

    def op_where(self) -> Operator:
        return Where(self.parse_expr())

    def op_project(self) -> Operator:
        return Project(self.parse_items())

    def op_extend(self) -> Operator:
        return Extend(self.parse_items())

    def op_project_away(self, keep: bool = False) -> Operator:
        names = [self.parse_wildcard_name()]
        while self.accept(","):
            names.append(self.parse_wildcard_name())
        return ProjectAway(tuple(names), keep)

    def op_project_keep(self) -> Operator:
        return self.op_project_away(keep=True)

    def op_project_rename(self) -> Operator:
        pairs = []
        while True:
            new = self.parse_column_name()
            self.expect("=", "'=' in NewName = OldName")
            pairs.append((new, self.parse_column_name()))
            if not self.accept(","):
                return ProjectRename(tuple(pairs))

    def op_project_reorder(self) -> Operator:
        keys: list[tuple[str, str | None]] = []
        while True:
            name = self.parse_wildcard_name()
            order = None
            if self.at("asc", "desc"):
                order = str(self.advance().text)
            elif self.at("granny") and self.peek(1).text == "-":
                order = "granny-" + str(self.advance(3).text)
            keys.append((name, order))
            if not self.accept(","):
                return ProjectReorder(tuple(keys))

    def op_summarize(self) -> Operator:
        self.parse_params(frozenset())
        aggregates: tuple[Expr, ...] = ()
        if not self.at("by"):
            aggregates = self.parse_items()
        by: tuple[Expr, ...] = ()
        if self.accept("by"):
            by = self.parse_items()
        return Summarize(aggregates, by)

    def op_sort(self) -> Operator:
        self.parse_params(frozenset())
        self.expect("by", "'by' after sort")
        keys = [self.parse_order_key()]
        while self.accept(","):
            keys.append(self.parse_order_key())
        return Sort(tuple(keys))

    def op_top(self) -> Operator:
        count = self.parse_expr()
        self.expect("by", "'by' after the number of rows")
        return Top(count, self.parse_order_key())

    def op_take(self) -> Operator:
        self.parse_params(frozenset())
        return Take(self.parse_expr())

    def op_distinct(self) -> Operator:
        self.parse_params(frozenset())
        if self.at("*"):
            self.advance()
            return Distinct((Star(),))
        return Distinct(self.parse_items())

    def op_count(self) -> Operator:
        return CountRows()


def any_column_has(term: Literal) -> Expr:
    """`search "x"` keeps rows where any string column has the term."""
    return Call("$any_column_has", (term,), at=term.at)


_METHOD = {
    "filter": "where", "order": "sort", "limit": "take", "mvexpand": "mv_expand",
    "mvapply": "mv_apply", "project-away": "project_away", "project-keep": "project_keep",
    "project-rename": "project_rename", "project-reorder": "project_reorder",
    "mv-expand": "mv_expand", "mv-apply": "mv_apply", "parse-where": "parse_where",
    "top-nested": "top_nested", "make-series": "make_series",
    "sample-distinct": "sample_distinct", "project-smart": "project", "extend-smart": "extend",
    "lookup-smart": "lookup",
}  # fmt: skip

__all__ = ["OPERATOR_WORDS", "STOPS", "BasicOperatorParser", "any_column_has"]
