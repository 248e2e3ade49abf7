"""Recursive-descent parser for OData ``$filter`` and the list-shaped query options.

Precedence follows OData v4 (and the .NET parser the service runs on): ``or`` < ``and`` <
comparisons (``eq ne gt ge lt le in``, left-associative) < ``not`` < primary.  So
``not status eq 'New'`` means ``(not status) eq 'New'`` and is rejected when bound;
write ``not (status eq 'New')``.

Every failure is an :class:`ODataSyntaxError`.  Input length, nesting depth and node count
are bounded so that hostile input fails fast instead of exhausting the Python stack.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

from mdekit.odata.ast import (
    FUNCTION_ARITY,
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
    OrderByItem,
    Property,
    Timestamp,
    Variable,
    conjunction,
    disjunction,
    walk,
)
from mdekit.odata.errors import ODataSyntaxError
from mdekit.odata.lexer import Token, TokenKind, syntax_error, tokenize

# Longer than any URL the service would accept; keeps tokenizing and error texts bounded.
MAX_EXPRESSION_LENGTH = 32_768
# Nesting of parentheses, `not`, function calls, lambdas and comparison chains.  (.NET allows
# 800, but each level costs about seven Python frames here and more in SQLAlchemy's compiler;
# 50 keeps parse + to_sql + compile under ~400 frames, and real filters nest a few levels.)
MAX_DEPTH = 50
# Tree size; the literals of an `in` list do not count.  .NET Web API's own default is 100.
MAX_NODE_COUNT = 500

_COMPARISON_WORDS = {op.value: op for op in CompareOp}
_LITERAL_KINDS: dict[TokenKind, LiteralKind] = {
    TokenKind.STRING: LiteralKind.STRING,
    TokenKind.INT: LiteralKind.INT,
    TokenKind.DECIMAL: LiteralKind.DECIMAL,
    TokenKind.DATETIME: LiteralKind.DATETIME,
    TokenKind.DATE: LiteralKind.DATE,
    TokenKind.GUID: LiteralKind.GUID,
}


def parse_filter(text: str, *, max_node_count: int = MAX_NODE_COUNT) -> Expr:
    """Parse a ``$filter`` value (URL-decoded) into a syntax tree."""
    parser = _Parser(text)
    expr = parser.parse_expression()
    parser.expect_end()
    nodes = 0
    for node in walk(expr):
        nodes += 1 - (len(node.items) if isinstance(node, In) else 0)
    if nodes > max_node_count:
        raise ODataSyntaxError(
            f"The node count limit of '{max_node_count}' has been exceeded. To increase the "
            "limit, set the 'MaxNodeCount' property on EnableQueryAttribute or "
            "ODataValidationSettings.",
            0,
        )
    return expr


def parse_orderby(text: str) -> tuple[OrderByItem, ...]:
    """Parse ``$orderby``: ``prop [asc|desc], ...`` (directions case-insensitive)."""
    parser = _Parser(text)
    items: list[OrderByItem] = []
    while True:
        start = parser.current.position
        name = parser.property_path()
        descending = False
        if parser.current.is_word("asc", "desc"):
            descending = parser.advance().text.lower() == "desc"
        items.append(OrderByItem(name, descending, start))
        if not parser.accept(TokenKind.COMMA):
            break
    parser.expect_end()
    return tuple(items)


def parse_name_list(text: str) -> tuple[str, ...]:
    """Parse ``$select``/``$expand``: comma-separated property names (or ``*``)."""
    parser = _Parser(text)
    names: list[str] = []
    while True:
        if parser.accept(TokenKind.STAR):
            names.append("*")
        else:
            names.append(parser.property_path())
        if not parser.accept(TokenKind.COMMA):
            break
    parser.expect_end()
    return tuple(names)


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise ODataSyntaxError(
                f"The query expression is longer than the limit of {MAX_EXPRESSION_LENGTH} "
                "characters.",
                MAX_EXPRESSION_LENGTH,
            )
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.scopes: list[str] = []

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not TokenKind.END:
            self.index += 1
        return token

    def accept(self, kind: TokenKind) -> bool:
        if self.current.kind is kind:
            self.advance()
            return True
        return False

    def expect(self, kind: TokenKind, message: str) -> Token:
        if self.current.kind is not kind:
            position = self.current.position
            raise ODataSyntaxError(f"{message} at position {position} in '{self.text}'.", position)
        return self.advance()

    def expect_end(self) -> None:
        if self.current.kind is not TokenKind.END:
            raise syntax_error(self.text, self.current.position)

    def check_depth(self, position: int, extra: int = 0) -> None:
        """Fail if one more level (plus ``extra``) would pass MAX_DEPTH."""
        if self.depth + extra > MAX_DEPTH:
            raise ODataSyntaxError("The recursion limit has been exceeded.", position)

    def property_path(self) -> str:
        """``name`` or ``name/name/...``."""
        segments = [self.expect(TokenKind.IDENTIFIER, "Expression expected").text]
        while self.accept(TokenKind.SLASH):
            segments.append(self.expect(TokenKind.IDENTIFIER, "Expression expected").text)
        return "/".join(segments)

    def parse_expression(self) -> Expr:
        """``or`` level; the entry point for parenthesised and argument expressions."""
        self.check_depth(self.current.position)
        self.depth += 1
        try:
            return self._binary_chain("or", self.parse_and, disjunction)
        finally:
            self.depth -= 1

    def parse_and(self) -> Expr:
        return self._binary_chain("and", self.parse_comparison, conjunction)

    def _binary_chain(
        self, word: str, operand: Callable[[], Expr], combine: Callable[..., Expr]
    ) -> Expr:
        start = self.current.position
        operands = [operand()]
        while self.current.is_word(word):
            self.advance()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else combine(*operands, position=start)

    def parse_comparison(self) -> Expr:
        start = self.current.position
        left = self.parse_unary()
        chain = 0
        while True:
            token = self.current
            if token.is_word(*_COMPARISON_WORDS):
                self.advance()
                op = _COMPARISON_WORDS[token.text.lower()]
                left = Compare(op, left, self.parse_unary(), start)
            elif token.is_word("in"):
                self.advance()
                left = In(left, self._in_list(), start)
            else:
                return left
            chain += 1
            self.check_depth(token.position, chain)

    def _in_list(self) -> tuple[Literal, ...]:
        self.expect(TokenKind.OPEN, "'(' expected")
        items: list[Literal] = []
        while True:
            item = self.parse_primary()
            if not isinstance(item, Literal):
                raise syntax_error(self.text, item.position)
            items.append(item)
            if not self.accept(TokenKind.COMMA):
                break
        self.expect(TokenKind.CLOSE, "')' or ',' expected")
        return tuple(items)

    def parse_unary(self) -> Expr:
        token = self.current
        if not token.is_word("not"):
            return self.parse_primary()
        self.advance()
        self.check_depth(token.position)
        self.depth += 1
        try:
            return Not(self.parse_unary(), token.position)
        finally:
            self.depth -= 1

    def parse_primary(self) -> Expr:
        token = self.current
        kind = _LITERAL_KINDS.get(token.kind)
        if kind is not None:
            self.advance()
            return Literal(_literal_value(token), kind, token.position)
        if token.kind is TokenKind.OPEN:
            self.advance()
            inner = self.parse_expression()
            self.expect(TokenKind.CLOSE, "')' or operator expected")
            return inner
        if token.kind is not TokenKind.IDENTIFIER:
            raise ODataSyntaxError(
                f"Expression expected at position {token.position} in '{self.text}'.",
                token.position,
            )
        self.advance()
        word = token.text.lower()
        if word in ("true", "false"):
            return Literal(word == "true", LiteralKind.BOOL, token.position)
        if word == "null":
            return Literal(None, LiteralKind.NULL, token.position)
        if self.current.kind is TokenKind.OPEN:
            return self._call(token)
        if token.text in self.scopes:
            return Variable(token.text, token.position)
        return self._member_path(token)

    def _member_path(self, first: Token) -> Expr:
        """``prop``, ``prop/sub``, or ``prop/any(...)`` / ``prop/all(...)``."""
        segments = [first.text]
        while self.accept(TokenKind.SLASH):
            segment = self.expect(TokenKind.IDENTIFIER, "Expression expected")
            if segment.is_word("any", "all") and self.current.kind is TokenKind.OPEN:
                collection = Property("/".join(segments), first.position)
                return self._lambda(collection, LambdaKind(segment.text.lower()))
            segments.append(segment.text)
        return Property("/".join(segments), first.position)

    def _lambda(self, collection: Property, kind: LambdaKind) -> Lambda:
        open_paren = self.expect(TokenKind.OPEN, "'(' expected")
        if kind is LambdaKind.ANY and self.accept(TokenKind.CLOSE):
            return Lambda(collection, kind, None, None, collection.position)
        variable = self.expect(TokenKind.IDENTIFIER, "Expression expected")
        if variable.text in self.scopes:
            raise ODataSyntaxError(
                f"The range variable '{variable.text}' has already been declared.",
                variable.position,
            )
        self.expect(TokenKind.COLON, "':' expected")
        self.check_depth(open_paren.position)
        self.scopes.append(variable.text)
        try:
            predicate = self.parse_expression()
        finally:
            self.scopes.pop()
        self.expect(TokenKind.CLOSE, "')' or operator expected")
        return Lambda(collection, kind, variable.text, predicate, collection.position)

    def _call(self, name: Token) -> Call:
        try:
            function = FunctionName(name.text.lower())
        except ValueError:
            raise ODataSyntaxError(
                f"An unknown function with name '{name.text}' was found. This may also be a "
                "function import or a key lookup on a navigation property, which is not allowed.",
                name.position,
            ) from None
        self.advance()  # the opening parenthesis
        args: list[Expr] = []
        if not self.accept(TokenKind.CLOSE):
            while True:
                args.append(self.parse_expression())
                if not self.accept(TokenKind.COMMA):
                    break
            self.expect(TokenKind.CLOSE, "')' or ',' expected")
        if len(args) != FUNCTION_ARITY[function]:
            raise ODataSyntaxError(
                f"No function signature for the function with name '{function.value}' matches "
                "the specified arguments.",
                name.position,
            )
        return Call(function, tuple(args), name.position)


def _literal_value(token: Token) -> str | int | Decimal | Timestamp | date | UUID:
    value = token.value
    assert value is not None, "literal tokens always carry a value"
    return value
