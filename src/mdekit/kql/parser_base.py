"""Token cursor shared by the KQL expression and query parsers.

It knows how to look ahead, how to glue adjacent tokens into one word (`project-away`,
`!has`, `in~`), how to match brackets ahead without consuming them, and how to raise a
syntax error that names the line, the column and what was expected there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mdekit.kql.errors import KqlSyntaxError
from mdekit.kql.lexer import Token, TokenKind

# Deep nesting is refused well before Python's own recursion limit is in sight.
MAX_NESTING = 60

_OPEN_TO_CLOSE = {"(": ")", "[": "]", "{": "}"}


class TokenCursor:
    """Position in a token list with the small look-ahead helpers the parsers need."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    # -- looking -------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        j = min(self.i + k, len(self.tokens) - 1)
        return self.tokens[j]

    def at(self, *texts: str) -> bool:
        """True when the current token is an identifier or punctuation spelled as one of `texts`."""
        t = self.tok
        return t.kind in (TokenKind.IDENT, TokenKind.PUNCT) and t.text in texts

    def at_kind(self, kind: TokenKind) -> bool:
        return self.tok.kind is kind

    def at_end(self) -> bool:
        return self.tok.kind is TokenKind.END

    def adjacent(self, k: int) -> bool:
        """True when token i+k starts exactly where token i+k-1 ends (no space between)."""
        prev, nxt = self.peek(k - 1), self.peek(k)
        return nxt.offset == prev.offset + len(prev.text) and nxt.kind is not TokenKind.END

    def word_at(self, k: int = 0) -> str | None:
        t = self.peek(k)
        return t.text if t.kind is TokenKind.IDENT else None

    def glued_word(self, words: frozenset[str]) -> str | None:
        """A hyphenated word (`project-away`, `graph-shortest-paths`) starting here, if it is
        in `words`; the longest one wins."""
        first = self.word_at()
        if first is None:
            return None
        found = first if first in words else None
        word, k = first, 1
        while self.peek(k).text == "-" and self.adjacent(k) and self.adjacent(k + 1):
            part = self.word_at(k + 1)
            if part is None:
                break
            word, k = f"{word}-{part}", k + 2
            if word in words:
                found = word
        return found

    def matching_close(self, k: int = 0) -> int:
        """Index offset (from the cursor) of the bracket closing the one at offset `k`, or -1."""
        stack: list[str] = []
        j = self.i + k
        while j < len(self.tokens):
            t = self.tokens[j]
            if t.kind is TokenKind.PUNCT and t.text in _OPEN_TO_CLOSE:
                stack.append(_OPEN_TO_CLOSE[t.text])
            elif t.kind is TokenKind.PUNCT and stack and t.text == stack[-1]:
                stack.pop()
                if not stack:
                    return j - self.i
            elif t.kind is TokenKind.END:
                return -1
            j += 1
        return -1

    # -- consuming -----------------------------------------------------------------

    def advance(self, count: int = 1) -> Token:
        t = self.tok
        self.i = min(self.i + count, len(self.tokens) - 1)
        return t

    def accept(self, *texts: str) -> bool:
        if self.at(*texts):
            self.advance()
            return True
        return False

    def expect(self, text: str, expected: str | None = None) -> Token:
        if not self.at(text):
            raise self.error(expected or f"'{text}'")
        return self.advance()

    def expect_word(self, what: str) -> str:
        if self.tok.kind is not TokenKind.IDENT:
            raise self.error(what)
        return str(self.advance().text)

    def skip_balanced_until(self, stops: frozenset[str]) -> None:
        """Skip tokens, stepping over bracketed groups whole, until a stop token at depth 0."""
        while not self.at_end() and not self.at(*stops):
            if self.tok.kind is TokenKind.PUNCT and self.tok.text in _OPEN_TO_CLOSE:
                close = self.matching_close()
                if close < 0:
                    raise self.error(f"'{_OPEN_TO_CLOSE[self.tok.text]}'")
                self.advance(close + 1)
            else:
                self.advance()

    # -- errors and nesting --------------------------------------------------------

    def error(self, expected: str, token: Token | None = None) -> KqlSyntaxError:
        t = token or self.tok
        return KqlSyntaxError(t.line, t.column, t.text, expected)

    @contextmanager
    def nested(self) -> Iterator[None]:
        """Count one level of nesting; refuse queries nested deeper than MAX_NESTING."""
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise self.error(f"at most {MAX_NESTING} levels of nesting")
            yield
        finally:
            self.depth -= 1
