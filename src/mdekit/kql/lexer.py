"""Tokenizer for KQL: turns query text into a list of tokens with line and column.

The lexical traps of Advanced Hunting queries are handled here: Unicode spaces count as
whitespace, every string form is decoded (`"…"`, `'…'`, verbatim `@"…"`, obfuscated
`h"…"`, multi-line ```` ``` ````), timespans (`7d`, `1.5h`, `100ms`) are values of their own,
names may begin with a digit (`3rdParty`), and the raw content of `datetime(…)`,
`timespan(…)` and `guid(…)` literals is captured unparsed. Hyphenated operator names,
`!has`, `in~` and the like are put together by the parser from adjacent tokens.
"""

from __future__ import annotations

import bisect
import enum
import re
from dataclasses import dataclass

from mdekit.kql.errors import KqlSyntaxError

WHITESPACE = frozenset(
    "\t \r\n\f\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"
)

# Longest suffix first so that "ms" wins over "m" and "minutes" over "min".
_TIMESPAN_UNITS: tuple[tuple[str, float], ...] = tuple(
    sorted(
        [
            *((s, 60e6) for s in ("m", "min", "minute", "minutes")),
            *((s, 1e6) for s in ("s", "sec", "second", "seconds")),
            *((s, 86400e6) for s in ("d", "day", "days")),
            *((s, 3600e6) for s in ("h", "hr", "hrs", "hour", "hours")),
            *(
                (s, 1e3)
                for s in ("ms", "milli", "millis", "millisec", "millisecond", "milliseconds")
            ),
            *((s, 1.0) for s in ("micro", "micros", "microsec", "microsecond", "microseconds")),
            *((s, 1e-3) for s in ("nano", "nanos", "nanosec", "nanosecond", "nanoseconds")),
            *((s, 0.1) for s in ("tick", "ticks")),
        ],
        key=lambda unit: -len(unit[0]),
    )
)

# Typed literals whose argument is raw text rather than an expression.
RAW_LITERAL_KEYWORDS = frozenset(
    {"datetime", "date", "timespan", "time", "guid", "uuid", "uniqueid"}
)

_PUNCTUATION = (
    "==", "!=", "<>", "<=", ">=", "=~", "!~", "=>", "..",
    "(", ")", "[", "]", "{", "}", "|", ".", ",", ";", ":", "=", "<", ">",
    "+", "-", "*", "/", "%", "!", "?", "@", "~",
)  # fmt: skip


_RAW_GUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


class TokenKind(enum.Enum):
    """What a token is; keywords are identifiers and the parser decides by context."""

    IDENT = "identifier"
    LONG = "long literal"
    REAL = "real literal"
    TIMESPAN = "timespan literal"
    STRING = "string literal"
    RAW = "typed literal"
    PUNCT = "punctuation"
    END = "end of query"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: `text` is the source spelling, `value` the decoded literal value."""

    kind: TokenKind
    text: str
    value: object
    offset: int
    line: int
    column: int
    space_before: bool


_DIGITS_TEXT = frozenset("0123456789")


def is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch in "_$"


def is_ident_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class _Lexer:
    """Single-pass scanner; `tokens()` returns the whole list ending with an END token."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def fail(self, offset: int, found: str, expected: str) -> KqlSyntaxError:
        line, column = self.where(offset)
        return KqlSyntaxError(line, column, found, expected)

    def peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.text[i] if i < len(self.text) else ""

    def skip_trivia(self) -> bool:
        start = self.pos
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in WHITESPACE:
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break
        return self.pos > start

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            spaced = self.skip_trivia() or self.pos == 0
            start = self.pos
            kind, value = self.scan()
            line, column = self.where(start)
            text = self.text[start : self.pos]
            out.append(Token(kind, text, value, start, line, column, spaced))
            if kind is TokenKind.END:
                return out

    def scan(self) -> tuple[TokenKind, object]:
        ch = self.peek()
        if not ch:
            return TokenKind.END, None
        if ch in "'\"" or self.text.startswith(("```", "~~~"), self.pos):
            return TokenKind.STRING, self.scan_string()
        if ch == "@" and self.peek(1) in ("'", '"'):
            return TokenKind.STRING, self.scan_string()
        if ch in "hH" and (
            self.peek(1) in ("'", '"')
            or (self.peek(1) == "@" and self.peek(2) in ("'", '"'))
            or self.text.startswith(("```", "~~~"), self.pos + 1)
        ):
            self.pos += 1
            return TokenKind.STRING, self.scan_string()
        guid = _RAW_GUID.match(self.text, self.pos)
        if guid and not is_ident_char(self.text[guid.end() : guid.end() + 1] or " "):
            self.pos = guid.end()  # a bare guid is a literal (`8c1d…-…-…-…-…`)
            return TokenKind.RAW, ("guid", guid.group())
        if ch in _DIGITS_TEXT:
            return self.scan_number()
        if is_ident_start(ch):
            return self.scan_identifier()
        for punct in _PUNCTUATION:
            if self.text.startswith(punct, self.pos):
                self.pos += len(punct)
                return TokenKind.PUNCT, punct
        raise self.fail(self.pos, ch, "a token; this character is not part of the language")

    def scan_identifier(self) -> tuple[TokenKind, object]:
        start = self.pos
        self.pos += 1
        while self.pos < len(self.text) and is_ident_char(self.text[self.pos]):
            self.pos += 1
        name = self.text[start : self.pos]
        if name in RAW_LITERAL_KEYWORDS:
            save = self.pos
            self.skip_trivia()
            if self.peek() == "(":
                end = self.text.find(")", self.pos)
                if end < 0:
                    raise self.fail(self.pos, "(", "')' closing the literal")
                raw = self.text[self.pos + 1 : end].strip()
                self.pos = end + 1
                return TokenKind.RAW, (name, raw)
            self.pos = save
        return TokenKind.IDENT, name

    def scan_number(self) -> tuple[TokenKind, object]:
        text, start = self.text, self.pos
        if text.startswith(("0x", "0X"), start):
            end = start + 2
            while end < len(text) and text[end] in "0123456789abcdefABCDEF":
                end += 1
            if end > start + 2 and not (end < len(text) and is_ident_char(text[end])):
                self.pos = end
                return TokenKind.LONG, int(text[start + 2 : end], 16)
        end = start
        while end < len(text) and text[end] in _DIGITS_TEXT:
            end += 1
        number_end = end
        if end < len(text) and text[end] == "." and not text.startswith("..", end):
            frac = end + 1
            while frac < len(text) and text[frac] in _DIGITS_TEXT:
                frac += 1
            number_end = frac
        exponent_end = self._exponent(number_end)
        tail = text[exponent_end] if exponent_end < len(text) else ""
        if (exponent_end > number_end or number_end > end) and not is_ident_char(tail):
            self.pos = exponent_end
            return TokenKind.REAL, float(text[start:exponent_end])
        for suffix, micros in _TIMESPAN_UNITS:
            if text.startswith(suffix, number_end):
                after = number_end + len(suffix)
                if after >= len(text) or not is_ident_char(text[after]):
                    self.pos = after
                    return TokenKind.TIMESPAN, round(float(text[start:number_end]) * micros)
        if not (end < len(text) and is_ident_char(text[end])):
            self.pos = end
            return TokenKind.LONG, int(text[start:end])
        # Names may start with a digit when they are not numbers (e.g. 3rdPartyApp).
        while end < len(text) and is_ident_char(text[end]):
            end += 1
        self.pos = end
        return TokenKind.IDENT, text[start:end]

    def _exponent(self, pos: int) -> int:
        text = self.text
        if pos < len(text) and text[pos] in "eE":
            digits = pos + 1
            if digits < len(text) and text[digits] in "+-":
                digits += 1
            end = digits
            while end < len(text) and text[end] in _DIGITS_TEXT:
                end += 1
            if end > digits:
                return end
        return pos

    def scan_string(self) -> str:
        text, start = self.text, self.pos
        for fence in ("```", "~~~"):
            if text.startswith(fence, start):
                end = text.find(fence, start + 3)
                if end < 0:
                    raise self.fail(start, fence, f"'{fence}' closing the multi-line string")
                self.pos = end + 3
                return text[start + 3 : end]
        verbatim = text[start] == "@"
        pos = start + 1 if verbatim else start
        quote = text[pos]
        pos += 1
        parts: list[str] = []
        plain = _PLAIN_RUNS.get(quote)
        while True:
            if plain is not None:
                # Whole runs of ordinary characters at once: a character at a time, a 3 MB
                # literal took seconds.
                run = plain.match(text, pos)
                if run is not None:
                    parts.append(run.group())
                    pos = run.end()
            if pos >= len(text) or text[pos] == "\n":
                raise self.fail(start, text[start:pos][:20], f"{quote} closing the string literal")
            ch = text[pos]
            if ch == quote:
                if verbatim and text.startswith(quote * 2, pos):
                    parts.append(quote)
                    pos += 2
                    continue
                self.pos = pos + 1
                return "".join(parts)
            if ch == "\\" and not verbatim:
                decoded, pos = _decode_escape(text, pos)
                parts.append(decoded)
                continue
            parts.append(ch)
            pos += 1


_PLAIN_RUNS = {quote: re.compile(f"[^{quote}\\\\\n]+") for quote in ("'", '"')}
"""Characters a string literal keeps as they are: anything but its quote, `\\`, newline."""

_SIMPLE_ESCAPES = {
    "'": "'", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f",
    "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0",
}  # fmt: skip


def _decode_escape(text: str, pos: int) -> tuple[str, int]:
    """Decode the backslash escape at `pos`; unknown escapes keep the character as is."""
    nxt = text[pos + 1] if pos + 1 < len(text) else ""
    if nxt in ("u", "U", "x"):
        width = {"u": 4, "U": 8, "x": 2}[nxt]
        digits = text[pos + 2 : pos + 2 + width]
        if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
            return chr(int(digits, 16)), pos + 2 + width
    if nxt in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[nxt], pos + 2
    if not nxt:
        return "\\", pos + 1
    return nxt, pos + 2


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens; raises KqlSyntaxError on a character KQL does not know."""
    return _Lexer(text).tokens()
