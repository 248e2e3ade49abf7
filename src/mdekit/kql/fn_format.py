"""format_datetime() and format_timespan(): .NET-style format strings rendered in SQL."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.relation import Typed
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


def _dt(value: Typed) -> exp.Expression:
    return C.coerce(value, T.DATETIME)


def _span(value: Typed) -> exp.Expression:
    return C.coerce(value, T.TIMESPAN)


_FORMAT_TOKENS = [
    ("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"), ("M", "%-m"),
    ("dddd", "%A"), ("ddd", "%a"), ("dd", "%d"), ("d", "%-d"), ("HH", "%H"), ("H", "%-H"),
    ("hh", "%I"), ("h", "%-I"), ("mm", "%M"), ("m", "%-M"), ("ss", "%S"), ("s", "%-S"),
    ("tt", "%p"),
]  # fmt: skip


def format_datetime(tr: ExprTranslator, node: Call) -> Typed:
    value, fmt = tr.args(node, 2)
    if not isinstance(fmt.const, str):
        raise KqlSemanticError("format_datetime(): the format must be a constant string.")
    stamp = _dt(value)
    parts: list[exp.Expression] = []
    pending = ""
    text = fmt.const
    i = 0
    while i < len(text):
        fraction = re.match(r"[fF]{1,7}", text[i:])
        if fraction:
            if pending:
                parts.append(S.fn("strftime", stamp, S.string(pending)))
                pending = ""
            width = len(fraction.group(0))
            micros = S.fn("strftime", stamp, S.string("%f"))
            parts.append(S.fn("left", S.fn("concat", micros, S.string("0")), S.number(width)))
            i += width
            continue
        for token, code in _FORMAT_TOKENS:
            if text.startswith(token, i):
                pending += code
                i += len(token)
                break
        else:
            pending += "%%" if text[i] == "%" else text[i]
            i += 1
    if pending:
        parts.append(S.fn("strftime", stamp, S.string(pending)))
    return Typed(S.fn("concat", *parts) if len(parts) != 1 else parts[0], T.STRING)


def format_timespan(tr: ExprTranslator, node: Call) -> Typed:
    """.NET-style timespan formats: d, h/hh, m/mm, s/ss, f… (fractions), literal text."""
    value, fmt = tr.args(node, 2)
    if not isinstance(fmt.const, str):
        return Typed(C.timespan_text(_span(value)), T.STRING)
    micros = S.fn("abs", _span(value))
    units = {"d": T.MICROS_PER_DAY, "h": 3_600_000_000, "m": 60_000_000, "s": 1_000_000}
    modulo = {"d": 0, "h": 24, "m": 60, "s": 60}
    parts: list[exp.Expression] = []
    text, i = fmt.const, 0
    while i < len(text):
        run = re.match(r"d+|h+|H+|m+|s+|f+|F+", text[i:])
        if run is None:
            literal = text[i + 1] if text[i] == "\\" and i + 1 < len(text) else text[i]
            parts.append(S.string(literal))
            i += 2 if text[i] == "\\" else 1
            continue
        token = run.group(0)
        kind = token[0].lower()
        if kind == "f":
            fraction = S.fn("printf", S.string("%06d"), S.binop("%", micros, S.number(1_000_000)))
            parts.append(
                S.fn("left", S.fn("concat", fraction, S.string("0")), S.number(len(token)))
            )
        else:
            amount = S.binop("//", micros, S.number(units[kind]))
            if modulo[kind]:
                amount = S.binop("%", amount, S.number(modulo[kind]))
            parts.append(S.fn("printf", S.string(f"%0{len(token)}d"), amount))
        i += len(token)
    return Typed(S.fn("concat", *parts) if len(parts) != 1 else parts[0], T.STRING)


FORMAT_FUNCTIONS: dict[str, Handler] = {
    "format_datetime": format_datetime,
    "format_timespan": format_timespan,
}
