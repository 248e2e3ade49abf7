"""Tokenizer for OData query expressions (``$filter``, ``$orderby``, ``$select``, ``$expand``).

The input is the already URL-decoded option value.  Only ASCII space, tab, CR and LF separate
tokens.  A ``+`` is *not* read as a space: a form decoder has already turned every ``+`` of
the raw query string into a space, so a ``+`` that reaches us was sent as ``%2B`` and is a
literal plus.  It is valid only as the sign of a date-time offset (``...T10:00:00+02:00``) or of
an exponent; anywhere else it is a syntax error, as it is for the real (.NET) service.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from uuid import UUID

from mdekit.odata.ast import MAX_TICKS, TICKS_PER_SECOND, LiteralKind, Timestamp
from mdekit.odata.errors import ODataSyntaxError


class TokenKind(enum.Enum):
    IDENTIFIER = "identifier"
    STRING = "string"
    INT = "int"
    DECIMAL = "decimal"
    DATETIME = "datetime"
    DATE = "date"
    GUID = "guid"
    OPEN = "("
    CLOSE = ")"
    COMMA = ","
    SLASH = "/"
    COLON = ":"
    STAR = "*"
    END = "end"


TokenValue = str | int | Decimal | Timestamp | date | UUID | None


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    value: TokenValue
    position: int

    def is_word(self, *words: str) -> bool:
        """True if this is an identifier equal (case-insensitively) to one of ``words``."""
        return self.kind is TokenKind.IDENTIFIER and self.text.lower() in words


_WHITESPACE = " \t\r\n"
_PUNCTUATION = {
    "(": TokenKind.OPEN,
    ")": TokenKind.CLOSE,
    ",": TokenKind.COMMA,
    "/": TokenKind.SLASH,
    ":": TokenKind.COLON,
    "*": TokenKind.STAR,
}
_NOT_IDENTIFIER_CHAR = r"(?!\w)"
_GUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}" + _NOT_IDENTIFIER_CHAR)
_DATETIME = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
    r"(?:T(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]+))?)?)?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?" + _NOT_IDENTIFIER_CHAR,
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"-?[0-9]+(?P<fraction>\.[0-9]+)?(?P<exponent>[eE][+-]?[0-9]+)?" + _NOT_IDENTIFIER_CHAR
)
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_TYPED_STRING_PREFIXES = {
    "datetime": TokenKind.DATETIME,
    "datetimeoffset": TokenKind.DATETIME,
    "guid": TokenKind.GUID,
}
# OData (and .NET) accept offsets up to +/-14:00 and at most 7 fractional second digits.
_MAX_OFFSET_MINUTES = 14 * 60
_MAX_FRACTION_DIGITS = 7


def syntax_error(text: str, position: int) -> ODataSyntaxError:
    return ODataSyntaxError(f"Syntax error at position {position} in '{text}'.", position)


def unrecognized_literal(kind: str, literal: str, text: str, position: int) -> ODataSyntaxError:
    return ODataSyntaxError(
        f"Unrecognized '{kind}' literal '{literal}' at '{position}' in '{text}'.", position
    )


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an END token; raise ODataSyntaxError."""
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while True:
        while position < length and text[position] in _WHITESPACE:
            position += 1
        if position >= length:
            tokens.append(Token(TokenKind.END, "", None, length))
            return tokens
        token = _next_token(text, position)
        tokens.append(token)
        position += len(token.text)


def _next_token(text: str, position: int) -> Token:
    char = text[position]
    if char in _PUNCTUATION:
        return Token(_PUNCTUATION[char], char, None, position)
    if char == "'":
        string, end = _read_string(text, position)
        return Token(TokenKind.STRING, text[position:end], string, position)
    if match := _GUID.match(text, position):
        return Token(TokenKind.GUID, match.group(), UUID(match.group()), position)
    if match := _DATETIME.match(text, position):
        kind, instant = _datetime_value(match, text, position)
        return Token(kind, match.group(), instant, position)
    if match := _NUMBER.match(text, position):
        return _number_token(match, text, position)
    if match := _IDENTIFIER.match(text, position):
        end = match.end()
        prefix = _TYPED_STRING_PREFIXES.get(match.group().lower())
        if prefix is not None and end < len(text) and text[end] == "'":
            return _typed_string_token(prefix, text, position, end)
        return Token(TokenKind.IDENTIFIER, match.group(), None, position)
    raise ODataSyntaxError(
        f"Syntax error: character '{char}' is not valid at position {position} in '{text}'.",
        position,
    )


def _read_string(text: str, start: int) -> tuple[str, int]:
    """Read a single-quoted literal starting at ``start``; ``''`` stands for one quote."""
    parts: list[str] = []
    position = start + 1
    while True:
        close = text.find("'", position)
        if close < 0:
            raise ODataSyntaxError(
                f"There is an unterminated literal at position {start} in '{text}'.", start
            )
        parts.append(text[position:close])
        if close + 1 < len(text) and text[close + 1] == "'":
            parts.append("'")
            position = close + 2
            continue
        return "".join(parts), close + 1


def _typed_string_token(kind: TokenKind, text: str, start: int, quote: int) -> Token:
    """Legacy typed literals: ``datetime'2019-01-01T00:00:00Z'`` and ``guid'...'``."""
    inner, end = _read_string(text, quote)
    raw = text[start:end]
    if kind is TokenKind.GUID:
        match = _GUID.fullmatch(inner)
        if match is None:
            raise unrecognized_literal(LiteralKind.GUID.value, raw, text, start)
        return Token(kind, raw, UUID(inner), start)
    dt_match = _DATETIME.fullmatch(inner)
    if dt_match is None:
        raise unrecognized_literal(LiteralKind.DATETIME.value, raw, text, start)
    _, value = _datetime_value(dt_match, text, start, force_datetime=True)
    return Token(TokenKind.DATETIME, raw, value, start)


def _datetime_value(
    match: re.Match[str], text: str, position: int, *, force_datetime: bool = False
) -> tuple[TokenKind, Timestamp | date]:
    """Turn a date or date-time match into a UTC Timestamp (or a date for bare dates)."""
    groups = match.groupdict()
    zone = (groups["zone"] or "").upper()
    literal = match.group()
    fraction = groups["f"] or ""
    try:
        day = date(int(groups["y"]), int(groups["mo"]), int(groups["d"]))
        if groups["h"] is None:
            if zone not in ("", "Z"):
                raise ValueError("a date takes no offset")
            if not force_datetime:
                return TokenKind.DATE, day
        if len(fraction) > _MAX_FRACTION_DIGITS:
            raise ValueError("too many fractional digits")
        local = datetime(
            day.year, day.month, day.day, int(groups["h"] or 0), int(groups["mi"] or 0),
            int(groups["s"] or 0),
        )  # fmt: skip
    except ValueError:
        raise unrecognized_literal(LiteralKind.DATETIME.value, literal, text, position) from None
    offset_minutes = 0
    if zone not in ("", "Z"):
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        offset_minutes = (hours * 60 + minutes) * (-1 if zone[0] == "-" else 1)
        if minutes >= 60 or abs(offset_minutes) > _MAX_OFFSET_MINUTES:
            raise unrecognized_literal(LiteralKind.DATETIME.value, literal, text, position)
    ticks = Timestamp.from_date(local.date()).ticks
    ticks += (local.hour * 3600 + local.minute * 60 + local.second) * TICKS_PER_SECOND
    ticks += int(fraction.ljust(_MAX_FRACTION_DIGITS, "0")) if fraction else 0
    ticks -= offset_minutes * 60 * TICKS_PER_SECOND
    if not 0 <= ticks <= MAX_TICKS:
        raise unrecognized_literal(LiteralKind.DATETIME.value, literal, text, position)
    return TokenKind.DATETIME, Timestamp(ticks)


def _number_token(match: re.Match[str], text: str, position: int) -> Token:
    literal = match.group()
    if match.group("fraction") is None and match.group("exponent") is None:
        try:
            return Token(TokenKind.INT, literal, int(literal), position)
        except ValueError:  # more digits than Python's int() conversion limit
            raise unrecognized_literal(LiteralKind.INT.value, literal, text, position) from None
    try:
        value = Decimal(literal)
        finite = abs(float(value)) != float("inf")
    except (InvalidOperation, OverflowError):
        finite = False
    if not finite:
        raise unrecognized_literal(LiteralKind.DECIMAL.value, literal, text, position)
    return Token(TokenKind.DECIMAL, literal, value, position)
