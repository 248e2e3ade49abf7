"""Statement and source parser: the entry point `parse()` turns query text into statements.

A query is `let`/`set`/`declare` statements separated by `;` and a tabular expression:
a source (a table, `union`, `datatable`, `print`, `range`, a function call, a parenthesized
query) followed by piped operators. Whether a plain name is a table, a tabular `let` or a
scalar is decided later by the translator, which knows the schema.
"""

from __future__ import annotations

from mdekit.kql import types as T
from mdekit.kql.lexer import TokenKind, tokenize
from mdekit.kql.parser_ops_more import OperatorParser
from mdekit.kql.syntax import (
    Call,
    CallSource,
    Datatable,
    Expr,
    ExternalData,
    FindSource,
    FunctionDef,
    Let,
    Name,
    OptionStatement,
    Param,
    Paren,
    PrintSource,
    Query,
    QueryStatement,
    RangeSource,
    SearchSource,
    Source,
    Statement,
    SubQuery,
    TableRef,
    UnionSource,
)
from mdekit.kql.syntax_ops import Union

_OPTION_STATEMENTS = frozenset({"set", "declare", "alias", "restrict", "pattern"})


class Parser(OperatorParser):
    """Recursive-descent parser over the token list of one query text."""

    def parse_script(self) -> tuple[Statement, ...]:
        statements: list[Statement] = []
        while not self.at_end():
            if self.accept(";"):
                continue
            statements.append(self.parse_statement())
            if not self.at_end() and not self.at(";"):
                if self.at("|"):
                    raise self.error("a query operator after '|'")
                raise self.error("';' or the end of the query")
        if not statements:
            raise self.error("a query")
        return tuple(statements)

    def parse_statement(self) -> Statement:
        at = self.tok.offset
        word = self.word_at()
        if word == "let":
            self.advance()
            name = self.parse_column_name()
            self.expect("=", "'=' after the let name")
            return Let(name, self.parse_let_value(), at=at)
        if word in _OPTION_STATEMENTS and self.peek(1).kind is TokenKind.IDENT:
            start = self.tok.offset
            self.skip_balanced_until(frozenset({";"}))
            return OptionStatement(word or "", at=start)
        return QueryStatement(self.parse_query_or_expr(), at=at)

    def parse_let_value(self) -> Expr | Query | FunctionDef:
        if self.word_at() == "view" and self.peek(1).text == "(":
            self.advance()  # `let T = view () { … }`: a function without parameters
            return self.parse_function_def()
        if self.at("("):
            close = self.matching_close()
            if close > 0 and self.peek(close + 1).text == "{":
                return self.parse_function_def()
        return self.parse_query_or_expr()

    def parse_function_def(self) -> FunctionDef:
        at = self.tok.offset
        self.expect("(")
        params: list[Param] = []
        while not self.at(")"):
            params.append(self.parse_param())
            if not self.accept(","):
                break
        self.expect(")", "')' or ',' in the parameter list")
        self.expect("{")
        body: list[Statement] = []
        while not self.at("}"):
            if self.accept(";"):
                continue
            body.append(self.parse_statement())
            if not self.at("}", ";"):
                raise self.error("';' or '}'")
        self.expect("}")
        if not body:
            raise self.error("a function body")
        return FunctionDef(tuple(params), tuple(body), at=at)

    def parse_param(self) -> Param:
        at = self.tok.offset
        name = self.parse_column_name()
        self.expect(":", "':' and the parameter type")
        if self.at("("):
            schema = self.parse_schema(allow_star=True)
            return Param(name, None, schema, at=at)
        kql_type = self.parse_type_name()
        default = self.parse_expr() if self.accept("=") else None
        return Param(name, kql_type, None, default, at=at)

    # -- tabular expressions -------------------------------------------------------

    def parse_query_or_expr(self) -> Query | Expr:
        """A tabular expression or a scalar one; a name or call followed by `|` is tabular."""
        with self.nested():
            at = self.tok.offset
            source = self._keyword_source()
            if source is None:
                expr = self.parse_expr()
                if not self.at("|"):
                    if isinstance(expr, SubQuery):
                        return expr.query
                    return expr
                source = self.expr_to_source(expr)
            ops = []
            while self.accept("|"):
                ops.append(self.parse_operator())
            if isinstance(source, Query) and not ops:
                return source
            return Query(source, tuple(ops), at=at)

    def _keyword_source(self) -> Source | None:
        at = self.tok.offset
        word = self.word_at()
        nxt = self.peek(1)
        if (word == "union" and nxt.text != "(") or (word == "union" and self._union_paren()):
            self.advance()
            return UnionSource(_as_union(self.op_union()), at=at)
        if word == "datatable" and nxt.text == "(":
            self.advance()
            schema = self.parse_schema()
            self.expect("[", "'[' and the values")
            values: list[Expr] = []
            while not self.at("]"):
                values.append(self.parse_expr())
                if not self.accept(","):
                    break
            self.expect("]", "']' or ',' in the values")
            return Datatable(schema, tuple(values), at=at)
        if word in ("externaldata", "external_data") and nxt.text == "(":
            self.advance()
            schema = self.parse_schema()
            self.skip_balanced_until(frozenset({"|", ";", ")"}))
            return ExternalData(schema, at=at)
        if (word == "print" and nxt.kind is not TokenKind.PUNCT) or (
            word == "print"
            and nxt.text
            in (
                "(",
                "-",
            )
        ):
            self.advance()
            return PrintSource(self.parse_items(), at=at)
        if word == "range" and nxt.kind is TokenKind.IDENT and self.word_at(2) == "from":
            self.advance()
            name = self.expect_word("a column name")
            self.expect("from")
            start = self.parse_expr()
            self.expect("to")
            stop = self.parse_expr()
            self.expect("step")
            return RangeSource(name, start, stop, self.parse_expr(), at=at)
        if word == "search" and nxt.text not in ("(", "|", ",", ")", "="):
            return self._search_source()
        if word == "find" and nxt.text not in ("(", "|", ",", ")", "="):
            return self._find_source()
        return None

    def _find_source(self) -> Source:
        at = self.advance().offset
        params = self.parse_params(frozenset({"withsource"}))
        tables: list[str] = []
        if self.accept("in"):
            self.expect("(")
            while not self.at(")"):
                tables.append(self.parse_wildcard_name())
                if not self.accept(","):
                    break
            self.expect(")")
        self.accept("where")
        self.search_mode = True
        try:
            predicate = self.parse_expr()
        finally:
            self.search_mode = False
        columns: list[tuple[str, str | None]] | None = None
        pack_rest = True
        if self.glued_word(frozenset({"project-smart"})):
            self.advance(3)
        elif self.accept("project"):
            columns, pack_rest = [], False
            while True:
                if self.word_at() == "pack_all" and self.peek(1).text == "(":
                    self.advance(3)
                    pack_rest = True
                else:
                    name = self.parse_column_name()
                    columns.append((name, self.parse_type_name() if self.accept(":") else None))
                if not self.accept(","):
                    break
        source = params.get("withsource")
        return FindSource(
            tuple(tables) or ("*",),
            predicate,
            str(source) if source is not None else "source_",
            tuple(columns) if columns is not None else None,
            pack_rest,
            at=at,
        )

    def _union_paren(self) -> bool:
        """`union (T1), T2` starts with a parenthesis too; `union(...)` alone is not a call."""
        close = self.matching_close(1)
        return close > 0 and self.peek(close + 1).text in (",", "|", ";", ")", "")

    def _search_source(self) -> Source:
        at = self.advance().offset
        self.parse_params(frozenset({"kind"}))
        tables: list[str] = []
        if self.accept("in"):
            self.expect("(")
            while not self.at(")"):
                tables.append(self.parse_wildcard_name())
                if not self.accept(","):
                    break
            self.expect(")")
        self.search_mode = True
        try:
            predicate = self.parse_expr()
        finally:
            self.search_mode = False
        return SearchSource(tuple(tables) or ("*",), predicate, at=at)

    def expr_to_source(self, expr: Expr) -> Source:
        if isinstance(expr, Name):
            return TableRef(expr.name, at=expr.at)
        if isinstance(expr, Call):
            return CallSource(expr, at=expr.at)
        if isinstance(expr, SubQuery):
            return expr.query
        if isinstance(expr, Paren):
            return self.expr_to_source(expr.inner)
        raise self.error("a table, a tabular variable or a function call before '|'")

    def parse_source_query(self) -> Query:
        """The right side of join/lookup: `(query)`, a name, or a call."""
        at = self.tok.offset
        if self.at("("):
            self.advance()
            inner = self.parse_query_or_expr()
            self.expect(")", "')' closing the subquery")
            source = inner if isinstance(inner, Query) else self.expr_to_source(inner)
        else:
            expr = self.parse_postfix(self.parse_primary())
            source = self.expr_to_source(expr)
        return source if isinstance(source, Query) else Query(source, (), at=at)

    def parse_union_items(self) -> tuple[Query, ...]:
        items: list[Query] = []
        while True:
            at = self.tok.offset
            if self.at("(") or (self.tok.kind is TokenKind.IDENT and self.peek(1).text == "("):
                items.append(self.parse_source_query())
            else:
                name = self.parse_wildcard_name()
                items.append(Query(TableRef(name, at=at), (), at=at))
            if not self.accept(","):
                return tuple(items)


def _as_union(op: object) -> Union:
    assert isinstance(op, Union)
    return op


def parse(text: str) -> tuple[Statement, ...]:
    """Parse a whole query text; raises KqlSyntaxError with line, column and expectation."""
    return Parser(tokenize(text)).parse_script()


__all__ = ["T", "parse"]
