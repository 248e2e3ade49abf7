"""Pratt parser for KQL scalar expressions.

Precedence, lowest first: `or`; `and`; equality and the string operators (`==`, `=~`,
`has`, `!contains`, `in~`, `between`, `matches regex`, …); relational (`<`, `>=`);
additive; multiplicative; unary minus; then postfix member access, indexing and calls.
"""

from __future__ import annotations

import math
from datetime import datetime

from mdekit.kql import types as T
from mdekit.kql.lexer import TokenKind
from mdekit.kql.parser_base import TokenCursor
from mdekit.kql.syntax import (
    Assign,
    Between,
    Binary,
    Call,
    Expr,
    Index,
    InList,
    Literal,
    Member,
    Name,
    Paren,
    Query,
    Star,
    SubQuery,
    TypeRef,
    Unary,
)

STRING_OPERATORS = frozenset(
    f"{base}{suffix}"
    for base in ("has", "hasprefix", "hassuffix", "contains", "startswith", "endswith")
    for suffix in ("", "_cs")
) | {"like", "like_cs"}
_DEPRECATED_OPERATORS = {
    "notcontains": "!contains", "notcontainscs": "!contains_cs", "containscs": "contains_cs",
    "notbetween": "!between", "notlike": "!like", "notlikecs": "!like_cs", "likecs": "like_cs",
}  # fmt: skip
LIST_OPERATORS = frozenset({"in", "in~", "!in", "!in~", "has_any", "has_all", "!has_any"})
_PUNCT_PRECEDENCE = {
    "==": 3, "!=": 3, "<>": 3, "=~": 3, "!~": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
}  # fmt: skip
_BOOLEANS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_TYPED_VALUE_KEYWORDS = frozenset(
    {"int", "long", "real", "double", "bool", "boolean", "decimal", "int64", "int32", "float"}
)


class ExprParser(TokenCursor):
    """Expression half of the parser; the query half supplies `parse_query_or_expr`."""

    # Inside a `search` predicate `Column:"term"` means `Column has "term"`.
    search_mode = False

    def parse_query_or_expr(self) -> Query | Expr:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- entry points --------------------------------------------------------------

    def parse_expr(self) -> Expr:
        with self.nested():
            return self.parse_binary(1)

    def parse_named_item(self) -> Expr:
        """A list item of project/extend/summarize: `Name = expr`, `(A, B) = expr` or `expr`."""
        at = self.tok.offset
        names = self._assignment_names()
        if names is not None:
            return Assign(names, self.parse_expr(), at=at)
        return self.parse_expr()

    def _assignment_names(self) -> tuple[str, ...] | None:
        if self.tok.kind is TokenKind.IDENT and self.peek(1).text == "=":
            name = str(self.advance().value)
            self.advance()
            return (name,)
        if (
            self.at("[")
            and self.peek(1).kind is TokenKind.STRING
            and self.peek(2).text == "]"
            and self.peek(3).text == "="
        ):
            name = str(self.peek(1).value)
            self.advance(4)
            return (name,)
        if self.at("("):
            close = self.matching_close()
            if close > 1 and self.peek(close + 1).text == "=":
                inner = [self.peek(k) for k in range(1, close)]
                words = inner[::2]
                commas = inner[1::2]
                if all(t.kind is TokenKind.IDENT for t in words) and all(
                    t.text == "," for t in commas
                ):
                    self.advance(close + 2)
                    return tuple(str(t.value) for t in words)
        return None

    # -- binary operators ----------------------------------------------------------

    def _binary_operator(self) -> tuple[str, int, int] | None:
        """(operator, precedence, tokens to consume) for the operator at the cursor, if any."""
        t = self.tok
        if t.kind is TokenKind.PUNCT:
            if t.text == ":" and self.search_mode:
                return "has", 3, 1
            if t.text in _PUNCT_PRECEDENCE:
                return t.text, _PUNCT_PRECEDENCE[t.text], 1
            if t.text == "!" and self.adjacent(1) and self.peek(1).kind is TokenKind.IDENT:
                word = str(self.peek(1).value)
                if word == "in" and self.peek(2).text == "~" and self.adjacent(2):
                    return "!in~", 3, 3
                if word in STRING_OPERATORS or word in ("in", "between", "has_any"):
                    return f"!{word}", 3, 2
            return None
        if t.kind is not TokenKind.IDENT:
            return None
        word = str(t.value)
        if word == "or":
            return "or", 1, 1
        if word == "and":
            return "and", 2, 1
        if word == "in":
            if self.peek(1).text == "~" and self.adjacent(1):
                return "in~", 3, 2
            return "in", 3, 1
        if word in STRING_OPERATORS or word in ("has_any", "has_all", "between"):
            return word, 3, 1
        if word in _DEPRECATED_OPERATORS:
            return _DEPRECATED_OPERATORS[word], 3, 1
        if word == "matches" and self.word_at(1) == "regex":
            return "matches regex", 3, 2
        return None

    def parse_binary(self, min_precedence: int) -> Expr:
        left = self.parse_unary()
        while True:
            found = self._binary_operator()
            if found is None or found[1] < min_precedence:
                return left
            op, precedence, width = found
            at = self.tok.offset
            self.advance(width)
            if op in LIST_OPERATORS:
                left = InList(op, left, self.parse_list(), at=at)
            elif op in ("between", "!between"):
                self.expect("(", "'(' after between")
                low = self.parse_binary(4)
                self.expect("..", "'..' between the two bounds")
                high = self.parse_binary(4)
                self.expect(")")
                left = Between(left, low, high, op == "!between", at=at)
            else:
                right = self.parse_binary(precedence + 1)
                left = Binary(op, left, right, at=at)

    def parse_list(self) -> tuple[Expr, ...]:
        """The right side of `in`/`has_any`: `( item, … )`; an item may be a subquery."""
        if not self.at("("):
            return (self.parse_unary(),)
        self.advance()
        items: list[Expr] = []
        while not self.at(")"):
            items.append(self.as_expr(self.parse_query_or_expr()))
            if not self.accept(","):
                break
        self.expect(")", "')' or ',' in the list")
        return tuple(items)

    @staticmethod
    def as_expr(value: Query | Expr) -> Expr:
        return SubQuery(value, at=value.at) if isinstance(value, Query) else value

    # -- unary, postfix, primary ---------------------------------------------------

    def parse_unary(self) -> Expr:
        if self.at("-", "+"):
            at = self.tok.offset
            op = str(self.advance().text)
            with self.nested():
                operand = self.parse_unary()
            if (
                op == "-"
                and isinstance(operand, Literal)
                and operand.type in T.NUMERIC | {T.TIMESPAN}
            ):
                assert isinstance(operand.value, int | float)
                return Literal(-operand.value, operand.type, at=at)
            return Unary(op, operand, at=at)
        return self.parse_postfix(self.parse_primary())

    def parse_postfix(self, expr: Expr) -> Expr:
        while True:
            at = self.tok.offset
            if self.at(".") and self.peek(1).kind is TokenKind.IDENT:
                self.advance()
                expr = Member(expr, str(self.advance().value), at=at)
            elif self.at(".") and self.peek(1).text == "[":
                self.advance()
            elif self.at("["):
                self.advance()
                index = self.parse_expr()
                self.expect("]")
                if isinstance(index, Literal) and index.type == T.STRING:
                    expr = Member(expr, str(index.value), at=at)
                else:
                    expr = Index(expr, index, at=at)
            else:
                return expr

    def parse_primary(self) -> Expr:
        t = self.tok
        at = t.offset
        if t.kind is TokenKind.STRING:
            parts = [str(self.advance().value)]
            while self.at_kind(TokenKind.STRING):
                parts.append(str(self.advance().value))
            return Literal("".join(parts), T.STRING, at=at)
        if t.kind is TokenKind.LONG:
            return Literal(self.advance().value, T.LONG, at=at)
        if t.kind is TokenKind.REAL:
            return Literal(self.advance().value, T.REAL, at=at)
        if t.kind is TokenKind.TIMESPAN:
            return Literal(self.advance().value, T.TIMESPAN, at=at)
        if t.kind is TokenKind.RAW:
            return self._raw_literal()
        if t.kind is TokenKind.IDENT:
            return self._word()
        if self.at("("):
            self.advance()
            inner = self.parse_query_or_expr()
            self.expect(")", "')'")
            return SubQuery(inner, at=at) if isinstance(inner, Query) else Paren(inner, at=at)
        if self.at("[") and self.peek(1).kind is TokenKind.STRING and self.peek(2).text == "]":
            name = str(self.peek(1).value)
            self.advance(3)
            return Name(name, at=at)
        if self.at("*"):
            self.advance()
            return Star(at=at)
        raise self.error("an expression")

    def _raw_literal(self) -> Literal:
        t = self.advance()
        assert isinstance(t.value, tuple)
        keyword, raw = str(t.value[0]), str(t.value[1])
        kql_type = T.canonical_type(keyword) or T.GUID
        if raw.lower() == "null":
            return Literal(None, kql_type, at=t.offset)
        if kql_type == T.DATETIME:
            value = T.parse_datetime_text(raw)
            if value is None:
                raise self.error("a datetime value such as 2024-01-31T10:00:00Z", t)
            return Literal(value, T.DATETIME, at=t.offset)
        if kql_type == T.TIMESPAN:
            span = T.parse_timespan_text(raw)
            if span is None:
                raise self.error("a timespan value such as 1d or 01:00:00", t)
            return Literal(span, T.TIMESPAN, at=t.offset)
        return Literal(raw.lower(), T.GUID, at=t.offset)

    def _word(self) -> Expr:
        t = self.tok
        word = str(t.value)
        if word in _BOOLEANS:
            self.advance()
            return Literal(_BOOLEANS[word], T.BOOL, at=t.offset)
        if self.peek(1).text == "(":
            if word == "dynamic":
                return self._dynamic_literal()
            if word in _TYPED_VALUE_KEYWORDS:
                return self._typed_value()
            if word == "typeof":
                self.advance(2)
                name = self.expect_word("a type name")
                self.expect(")")
                return TypeRef(name, at=t.offset)
            return self._call()
        self.advance()
        return Name(word, at=t.offset)

    def _call(self) -> Call:
        t = self.advance()
        self.advance()
        args: list[Expr] = []
        while not self.at(")"):
            if self.at("*") and self.peek(1).text in (")", ","):
                args.append(Star(at=self.advance().offset))
            else:
                args.append(self.parse_argument())
            if not self.accept(","):
                break
        self.expect(")", "')' or ',' in the argument list")
        return Call(str(t.value), tuple(args), at=t.offset)

    def parse_argument(self) -> Expr:
        if self.tok.kind is TokenKind.IDENT and self.peek(1).text == "=":
            at = self.tok.offset
            name = str(self.advance().value)
            self.advance()
            return Assign((name,), self.as_expr(self.parse_query_or_expr()), at=at)
        return self.as_expr(self.parse_query_or_expr())

    def _typed_value(self) -> Literal:
        t = self.advance()
        self.advance()
        kql_type = T.canonical_type(str(t.value)) or T.REAL
        negative = self.accept("-")
        self.accept("+")
        v = self.tok
        value: object
        if v.kind is TokenKind.IDENT and str(v.value).lower() == "null":
            value = None
        elif v.kind in (TokenKind.LONG, TokenKind.REAL):
            value = v.value
        elif v.kind is TokenKind.IDENT and str(v.value).lower() in ("nan", "inf", "infinity"):
            value = math.nan if str(v.value).lower() == "nan" else math.inf
        elif v.kind is TokenKind.IDENT and str(v.value) in _BOOLEANS:
            value = _BOOLEANS[str(v.value)]
        else:
            raise self.error(f"a {kql_type} value or null")
        self.advance()
        self.expect(")")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = -value if negative else value
            if kql_type in (T.INT, T.LONG):
                value = int(value)
            elif kql_type in (T.REAL, T.DECIMAL):
                value = float(value)
            elif kql_type == T.BOOL:
                value = bool(value)
        return Literal(value, kql_type, at=t.offset)

    def _dynamic_literal(self) -> Literal:
        at = self.advance().offset
        self.advance()
        value = self._json_value()
        self.expect(")", "')' closing dynamic(…)")
        return Literal(value, T.DYNAMIC, at=at)

    def _json_value(self) -> object:
        with self.nested():
            t = self.tok
            if self.accept("["):
                items: list[object] = []
                while not self.at("]"):
                    items.append(self._json_value())
                    if not self.accept(","):
                        break
                self.expect("]", "']' or ',' in the array")
                return items
            if self.accept("{"):
                bag: dict[str, object] = {}
                while not self.at("}"):
                    key = self.tok
                    if key.kind not in (TokenKind.STRING, TokenKind.IDENT):
                        raise self.error("a property name")
                    self.advance()
                    self.expect(":", "':' after the property name")
                    bag[str(key.value)] = self._json_value()
                    if not self.accept(","):
                        break
                self.expect("}", "'}' or ',' in the property bag")
                return bag
            if t.kind is TokenKind.IDENT and str(t.value) == "null":
                self.advance()
                return None
            literal = self.parse_unary()
            if not isinstance(literal, Literal):
                raise self.error("a constant value inside dynamic()", t)
            if literal.type == T.DATETIME and literal.value is not None:
                assert isinstance(literal.value, datetime)
                return T.format_datetime(literal.value)
            if literal.type == T.TIMESPAN and literal.value is not None:
                assert isinstance(literal.value, int)
                return T.format_timespan(literal.value)
            return literal.value
