"""Date and time functions: ago/now, bin, startof*/endof*, datetime_diff/add, formatting.

`now` is fixed per query (the caller's clock), so `ago(7d)` becomes a constant and DuckDB
can prune on it. Weeks start on Sunday as in KQL. `bin()` rounds down to a multiple of the
bin size counted from 0001-01-01, which is how KQL aligns datetimes.
"""

from __future__ import annotations

from datetime import timedelta
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

# Microseconds between 0001-01-01 and 1970-01-01: KQL's bins are aligned to year 1.
_YEAR_ONE_US = 62_135_596_800_000_000


def _dt(value: Typed) -> exp.Expression:
    return C.coerce(value, T.DATETIME)


def _span(value: Typed) -> exp.Expression:
    return C.coerce(value, T.TIMESPAN)


def _step(value: Typed) -> exp.Expression:
    """A bin size; zero gives null bins instead of a division error."""
    return S.fn("nullif", _span(value), S.number(0))


def ago(tr: ExprTranslator, node: Call) -> Typed:
    (span,) = tr.args(node, 1)
    if isinstance(span.const, int):
        return C.literal(tr.ctx.now - timedelta(microseconds=span.const), T.DATETIME)
    return Typed(
        S.binop("-", S.timestamp(tr.ctx.now), S.fn("to_microseconds", _span(span))), T.DATETIME
    )


def now(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 0, 1)
    if args and isinstance(args[0].const, int):
        return C.literal(tr.ctx.now + timedelta(microseconds=args[0].const), T.DATETIME)
    if args:
        return Typed(
            S.binop("+", S.timestamp(tr.ctx.now), S.fn("to_microseconds", _span(args[0]))),
            T.DATETIME,
        )
    return C.literal(tr.ctx.now, T.DATETIME)


def bin_value(value: Typed, size: Typed, origin: Typed | None = None) -> Typed:
    """`bin(value, size)`: floor to a multiple of size (datetimes from year 1 or `origin`)."""
    if value.type == T.DATETIME:
        offset: exp.Expression = S.number(_YEAR_ONE_US)
        if origin is not None:
            offset = exp.Neg(this=S.fn("epoch_us", _dt(origin)))
        shifted = S.binop("+", S.fn("epoch_us", value.sql), offset)
        step = _step(size)
        floored = S.binop("*", S.fn("floor", S.binop("/", shifted, step)), step)
        micros = S.cast(S.binop("-", floored, offset), "BIGINT")
        return Typed(S.fn("make_timestamp", micros), T.DATETIME)
    if value.type == T.TIMESPAN:
        step = _step(size)
        return Typed(
            S.cast(S.binop("*", S.fn("floor", S.binop("/", value.sql, step)), step), "BIGINT"),
            T.TIMESPAN,
        )
    kind = value.type if value.type in T.NUMERIC else T.REAL
    number = C.coerce(value, kind) if value.type != kind else value.sql
    step_sql = C.coerce(size, T.REAL) if size.type not in T.NUMERIC else size.sql
    step_sql = S.fn("nullif", step_sql, S.number(0))
    if origin is not None:
        base = C.coerce(origin, T.REAL)
        number = S.binop("-", number, base)
    floored = S.binop("*", S.fn("floor", S.binop("/", number, step_sql)), step_sql)
    if origin is not None:
        floored = S.binop("+", floored, C.coerce(origin, T.REAL))
    result_type = T.REAL if kind == T.REAL or size.type == T.REAL else T.LONG
    if result_type == T.LONG:
        floored = S.cast(floored, "BIGINT")
    return Typed(floored, result_type)


def bin_(tr: ExprTranslator, node: Call) -> Typed:
    value, size = tr.args(node, 2)
    return bin_value(value, size)


def bin_at(tr: ExprTranslator, node: Call) -> Typed:
    value, size, origin = tr.args(node, 3)
    return bin_value(value, size, origin)


def _trunc(unit: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 1, 2)
        start = start_of(unit, _dt(args[0]))
        if len(args) == 2:
            start = _add_units(unit, start, C.coerce(args[1], T.LONG))
        return Typed(start, T.DATETIME)

    return handler


def start_of(unit: str, value: exp.Expression) -> exp.Expression:
    if unit == "week":
        day = S.fn("date_trunc", S.string("day"), value)
        return S.binop("-", day, S.fn("to_days", S.fn("dayofweek", value)))
    return S.fn("date_trunc", S.string(unit), value)


def _add_units(unit: str, value: exp.Expression, count: exp.Expression) -> exp.Expression:
    functions = {
        "year": "to_years", "quarter": "to_months", "month": "to_months", "week": "to_weeks",
        "day": "to_days", "hour": "to_hours", "minute": "to_minutes", "second": "to_seconds",
        "millisecond": "to_milliseconds", "microsecond": "to_microseconds",
    }  # fmt: skip
    if unit == "quarter":
        count = S.binop("*", count, S.number(3))
    if unit == "nanosecond":
        return S.binop("+", value, S.fn("to_microseconds", S.binop("//", count, S.number(1000))))
    return S.binop(
        "+",
        value,
        S.fn(
            functions[unit],
            S.cast(count, "INTEGER" if unit in ("year", "month", "quarter") else "BIGINT"),
        ),
    )


def _end(unit: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 1, 2)
        start = start_of(unit, _dt(args[0]))
        if len(args) == 2:
            start = _add_units(unit, start, C.coerce(args[1], T.LONG))
        following = _add_units(unit, start, S.number(1))
        return Typed(S.binop("-", following, S.fn("to_microseconds", S.number(1))), T.DATETIME)

    return handler


_PARTS = {
    "year": "year", "quarter": "quarter", "month": "month", "week": "week", "day": "day",
    "hour": "hour", "minute": "minute", "second": "second", "millisecond": "millisecond",
    "microsecond": "microsecond", "nanosecond": "nanosecond", "dayofyear": "dayofyear",
    "weekofyear": "week", "week_of_year": "week",
}  # fmt: skip


def _unit(value: Typed, function: str) -> str:
    if not isinstance(value.const, str):
        raise KqlSemanticError(f"{function}(): the period must be a constant string.")
    unit = value.const.lower().rstrip("s") if value.const.lower() not in ("s",) else "second"
    aliases = {"ms": "millisecond", "microsecond": "microsecond", "nanosecond": "nanosecond"}
    unit = aliases.get(unit, unit)
    if unit not in _PARTS:
        raise KqlSemanticError(f"{function}(): unknown period '{value.const}'.")
    return unit


def datetime_add(tr: ExprTranslator, node: Call) -> Typed:
    part, amount, value = tr.args(node, 3)
    unit = _unit(part, node.name)
    return Typed(_add_units(unit, _dt(value), C.coerce(amount, T.LONG)), T.DATETIME)


def datetime_diff(tr: ExprTranslator, node: Call) -> Typed:
    """Calendar difference `first - second` counted in boundaries of the period."""
    part, first, second = tr.args(node, 3)
    unit = _unit(part, node.name)
    a, b = _dt(first), _dt(second)
    if unit == "week":
        days = S.fn("date_diff", S.string("day"), start_of("week", b), start_of("week", a))
        return Typed(S.binop("//", days, S.number(7)), T.LONG)
    if unit == "nanosecond":
        micros = S.fn("date_diff", S.string("microsecond"), b, a)
        return Typed(S.binop("*", micros, S.number(1000)), T.LONG)
    return Typed(S.fn("date_diff", S.string(unit), b, a), T.LONG)


def datetime_part(tr: ExprTranslator, node: Call) -> Typed:
    part, value = tr.args(node, 2)
    unit = _unit(part, node.name)
    if unit == "week":
        return Typed(S.fn("weekofyear", _dt(value)), T.INT)
    if unit == "nanosecond":
        return Typed(
            S.binop(
                "*",
                S.binop("%", S.fn("microsecond", _dt(value)), S.number(1_000_000)),
                S.number(1000),
            ),
            T.INT,
        )
    if unit in ("millisecond", "microsecond"):
        divisor = 1000 if unit == "millisecond" else 1
        sub = S.binop("%", S.fn("microsecond", _dt(value)), S.number(1_000_000))
        return Typed(S.binop("//", sub, S.number(divisor)), T.INT)
    return Typed(S.fn(_PARTS[unit], _dt(value)), T.INT)


def _part(fn_name: str, out: str = T.INT) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        (value,) = tr.args(node, 1)
        return Typed(S.fn(fn_name, _dt(value)), out)

    return handler


def dayofweek(tr: ExprTranslator, node: Call) -> Typed:
    """KQL returns a timespan: whole days since the preceding Sunday."""
    (value,) = tr.args(node, 1)
    days = S.cast(S.fn("dayofweek", _dt(value)), "BIGINT")
    return Typed(S.binop("*", days, S.number(T.MICROS_PER_DAY)), T.TIMESPAN)


def todatetime(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    if value.is_const and isinstance(value.const, str):
        return C.literal(T.parse_datetime_text(value.const), T.DATETIME)
    if value.type in (T.LONG, T.INT):
        ticks = S.binop("-", S.binop("//", value.sql, S.number(10)), S.number(_YEAR_ONE_US))
        return Typed(S.fn("make_timestamp", ticks), T.DATETIME)
    return Typed(_dt(value), T.DATETIME)


def totimespan(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    if value.is_const and isinstance(value.const, str):
        return C.literal(T.parse_timespan_text(value.const), T.TIMESPAN)
    if value.type in (T.LONG, T.INT, T.REAL):
        return Typed(S.cast(S.binop("/", value.sql, S.number(10)), "BIGINT"), T.TIMESPAN)
    if value.type == T.TIMESPAN:
        return value
    text = C.to_string(value)
    clock = r"^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$"

    def group(n: int) -> exp.Expression:
        return S.fn("regexp_extract", text, S.string(clock), S.number(n))

    def num(n: int, scale: int) -> exp.Expression:
        return S.binop(
            "*", S.coalesce(S.try_cast(group(n), "BIGINT"), S.number(0)), S.number(scale)
        )

    frac = S.coalesce(
        S.try_cast(
            S.fn("rpad", S.fn("left", group(6), S.number(6)), S.number(6), S.string("0")), "BIGINT"
        ),
        S.number(0),
    )
    total = S.binop(
        "+",
        S.binop(
            "+",
            S.binop("+", num(2, T.MICROS_PER_DAY), num(3, 3_600_000_000)),
            S.binop("+", num(4, 60_000_000), num(5, 1_000_000)),
        ),
        frac,
    )
    signed = S.case([(S.binop("=", group(1), S.string("-")), exp.Neg(this=S.paren(total)))], total)
    matched = S.fn("regexp_matches", text, S.string(clock))
    return Typed(S.case([(matched, signed)], S.typed_null(T.TIMESPAN)), T.TIMESPAN)


def make_datetime(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 3, 7)
    whole = [C.coerce(a, T.LONG) for a in args[:5]]
    whole += [S.number(0)] * (5 - len(whole))
    seconds = C.coerce(args[5], T.REAL) if len(args) >= 6 else S.number(0.0)
    # An impossible date (month 13) is null, not an error.
    return Typed(S.fn("try", S.fn("make_timestamp", *whole, seconds)), T.DATETIME)


def make_timespan(tr: ExprTranslator, node: Call) -> Typed:
    args = [C.coerce(a, T.REAL) for a in tr.args(node, 2, 5)]
    scales = [T.MICROS_PER_DAY, 3_600_000_000, 60_000_000, 1_000_000]
    if len(args) < 4:
        scales = scales[1:]
    total: exp.Expression = S.number(0)
    for part, scale in zip(args, scales, strict=False):
        total = S.binop("+", total, S.binop("*", part, S.number(scale)))
    return Typed(S.cast(total, "BIGINT"), T.TIMESPAN)


def _unixtime(micros_per_unit: int, divisor: int = 1) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        (value,) = tr.args(node, 1)
        micros = S.binop(
            "/", S.binop("*", C.coerce(value, T.REAL), S.number(micros_per_unit)), S.number(divisor)
        )
        return Typed(S.fn("make_timestamp", S.cast(micros, "BIGINT")), T.DATETIME)

    return handler


def datetime_utc_to_local(tr: ExprTranslator, node: Call) -> Typed:
    value, zone = tr.args(node, 2)
    local = S.fn("timezone", _text_zone(zone), S.cast(_dt(value), "TIMESTAMPTZ"))
    return Typed(S.cast(local, "TIMESTAMP"), T.DATETIME)


def datetime_local_to_utc(tr: ExprTranslator, node: Call) -> Typed:
    value, zone = tr.args(node, 2)
    utc = S.fn("timezone", S.string("UTC"), S.fn("timezone", _text_zone(zone), _dt(value)))
    return Typed(S.cast(utc, "TIMESTAMP"), T.DATETIME)


def _text_zone(zone: Typed) -> exp.Expression:
    return C.to_string(zone)


DATETIME_FUNCTIONS: dict[str, Handler] = {
    "ago": ago, "now": now, "bin": bin_, "floor": bin_, "bin_at": bin_at,
    "startofday": _trunc("day"), "startofweek": _trunc("week"), "startofmonth": _trunc("month"),
    "startofyear": _trunc("year"), "endofday": _end("day"), "endofweek": _end("week"),
    "endofmonth": _end("month"), "endofyear": _end("year"), "datetime_add": datetime_add,
    "datetime_diff": datetime_diff, "datetime_part": datetime_part, "datepart": datetime_part,
    "getyear": _part("year"), "getmonth": _part("month"), "monthofyear": _part("month"),
    "dayofmonth": _part("day"), "dayofyear": _part("dayofyear"), "hourofday": _part("hour"),
    "weekofyear": _part("weekofyear"), "week_of_year": _part("weekofyear"),
    "dayofweek": dayofweek, "todatetime": todatetime, "totimespan": totimespan,
    "totime": totimespan,
    "make_datetime": make_datetime, "make_timespan": make_timespan,
    "unixtime_seconds_todatetime": _unixtime(1_000_000),
    "unixtime_milliseconds_todatetime": _unixtime(1000),
    "unixtime_microseconds_todatetime": _unixtime(1),
    "unixtime_nanoseconds_todatetime": _unixtime(1, 1000),
    "datetime_utc_to_local": datetime_utc_to_local, "datetime_local_to_utc": datetime_local_to_utc,
}  # fmt: skip
