"""Conversions between KQL types as SQL: tostring() formatting, dynamic to scalar, packing.

These are the places where KQL and SQL disagree on details: `tostring(1.0)` is `1`,
datetimes print as ISO 8601 with `Z`, timespans as `d.hh:mm:ss`, a dynamic string prints
without quotes, and values packed into a dynamic array keep their KQL text forms.
"""

from __future__ import annotations

from datetime import datetime

from sqlglot import exp

from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.relation import Typed


def literal(value: object, kql_type: str) -> Typed:
    """A KQL constant as SQL, keeping the Python value for constant folding."""
    if value is None:
        return Typed(S.typed_null(kql_type if kql_type != T.NULL else T.STRING), kql_type, None)
    if kql_type in (T.STRING, T.GUID):
        return Typed(S.string(str(value)), kql_type, value)
    if kql_type == T.BOOL:
        return Typed(S.boolean(bool(value)), kql_type, bool(value))
    if kql_type in (T.LONG, T.TIMESPAN):
        assert isinstance(value, int | float)
        return Typed(S.cast(S.number(int(value)), "BIGINT"), kql_type, int(value))
    if kql_type == T.INT:
        assert isinstance(value, int | float)
        return Typed(S.cast(S.number(int(value)), "INTEGER"), kql_type, int(value))
    if kql_type in (T.REAL, T.DECIMAL):
        assert isinstance(value, int | float)
        return Typed(S.cast(S.number(float(value)), "DOUBLE"), T.REAL, float(value))
    if kql_type == T.DATETIME:
        assert isinstance(value, datetime)
        return Typed(S.timestamp(value), kql_type, value)
    if kql_type == T.DYNAMIC:
        return Typed(S.json_text(value), kql_type, value)
    raise ValueError(f"no literal of type {kql_type}")


def datetime_text(sql: exp.Expression) -> exp.Expression:
    """KQL's text form of a datetime: `2024-01-31T10:00:00Z`, fractions with 7 digits."""
    whole = S.fn("strftime", sql, S.string("%Y-%m-%dT%H:%M:%S"))
    fraction = S.case(
        [
            (
                S.binop(
                    "<>", S.binop("%", S.fn("epoch_us", sql), S.number(1_000_000)), S.number(0)
                ),
                S.fn("concat", S.string("."), S.fn("strftime", sql, S.string("%f")), S.string("0")),
            )
        ],
        S.string(""),
    )
    return S.fn("concat", whole, fraction, S.string("Z"))


def timespan_text(sql: exp.Expression) -> exp.Expression:
    """KQL's text form of a timespan (microseconds): `[-][d.]hh:mm:ss[.fffffff]`."""
    a = S.fn("abs", sql)
    days = S.binop("//", a, S.number(T.MICROS_PER_DAY))
    hours = S.binop("%", S.binop("//", a, S.number(3_600_000_000)), S.number(24))
    minutes = S.binop("%", S.binop("//", a, S.number(60_000_000)), S.number(60))
    seconds = S.binop("%", S.binop("//", a, S.number(1_000_000)), S.number(60))
    micros = S.binop("%", a, S.number(1_000_000))
    return S.fn(
        "concat",
        S.case([(S.binop("<", sql, S.number(0)), S.string("-"))], S.string("")),
        S.case(
            [(S.binop(">", days, S.number(0)), S.fn("concat", days, S.string(".")))], S.string("")
        ),
        S.fn("printf", S.string("%02d:%02d:%02d"), hours, minutes, seconds),
        S.case(
            [(S.binop(">", micros, S.number(0)), S.fn("printf", S.string(".%06d0"), micros))],
            S.string(""),
        ),
    )


def real_text(sql: exp.Expression) -> exp.Expression:
    """`tostring()` of a real: whole numbers print without `.0` as in KQL."""
    whole = S.and_(
        S.binop("=", sql, S.fn("trunc", sql)), S.binop("<", S.fn("abs", sql), S.number(1e15))
    )
    return S.case([(whole, S.cast(S.cast(sql, "BIGINT"), "VARCHAR"))], S.cast(sql, "VARCHAR"))


def json_string(value: Typed) -> exp.Expression:
    """The text of a dynamic value: strings unquoted, everything else as compact JSON."""
    if value.json_base is not None and value.json_path is not None:
        return S.fn("json_extract_string", value.json_base, S.string(value.json_path))
    return S.fn("json_extract_string", value.sql, S.string("$"))


def to_string(value: Typed) -> exp.Expression:
    """SQL for `tostring(value)`."""
    if value.is_const and value.type in (T.STRING, T.GUID):
        return S.string("" if value.const is None else str(value.const))
    kind = value.type
    if kind in (T.STRING, T.GUID):
        return value.sql
    if kind == T.DYNAMIC:
        return json_string(value)
    if kind == T.REAL:
        return real_text(value.sql)
    if kind == T.DATETIME:
        return datetime_text(value.sql)
    if kind == T.TIMESPAN:
        return timespan_text(value.sql)
    return S.cast(value.sql, "VARCHAR")


def to_json(value: Typed) -> exp.Expression:
    """SQL for the value as a dynamic (JSON) element, e.g. inside `pack_array()`."""
    kind = value.type
    if kind == T.DYNAMIC:
        return value.sql
    if kind == T.NULL:
        return S.cast(S.string("null"), "JSON")
    if kind in (T.DATETIME, T.TIMESPAN):
        return S.fn("to_json", to_string(value))
    return S.fn("to_json", value.sql)


def from_dynamic(value: Typed, target: str) -> exp.Expression:
    """Read a dynamic value as a scalar of `target` type (null when it does not convert)."""
    text = json_string(value)
    if target in (T.STRING, T.GUID):
        return text
    if target == T.BOOL:
        return S.try_cast(text, "BOOLEAN")
    if target == T.DATETIME:
        return S.try_cast(text, "TIMESTAMP")
    if target == T.DYNAMIC:
        return value.sql
    if target in (T.LONG, T.TIMESPAN):
        return S.try_cast(S.fn("trunc", S.try_cast(text, "DOUBLE")), "BIGINT")
    if target == T.INT:
        return S.try_cast(S.fn("trunc", S.try_cast(text, "DOUBLE")), "INTEGER")
    return S.try_cast(text, "DOUBLE")


def coerce(value: Typed, target: str) -> exp.Expression:
    """Convert `value` to `target` type the lenient way KQL's implicit conversions do."""
    source = value.type
    if source == target or source == T.NULL:
        return value.sql if source != T.NULL else S.typed_null(target)
    if value.is_const and value.const is not None:
        folded = fold(value.const, source, target)
        if folded is not None:
            return literal(folded, target).sql
    if source == T.DYNAMIC:
        return from_dynamic(value, target)
    if target in (T.STRING, T.GUID):
        return to_string(value)
    if target == T.DYNAMIC:
        return to_json(value)
    if source in T.NUMERIC and target in T.NUMERIC:
        if target in (T.LONG, T.INT) and source in (T.REAL, T.DECIMAL):
            return S.try_cast(S.fn("trunc", value.sql), T.duckdb_type(target))
        if target == T.INT and source == T.LONG:
            return S.try_cast(value.sql, "INTEGER")  # out of range: null
        return S.cast(value.sql, T.duckdb_type(target))
    if source in (T.STRING, T.GUID):
        if target == T.DATETIME:
            return S.try_cast(value.sql, "TIMESTAMP")
        if target in (T.LONG, T.INT, T.TIMESPAN):
            whole = S.fn("trunc", S.try_cast(value.sql, "DOUBLE"))
            return S.try_cast(whole, "INTEGER" if target == T.INT else "BIGINT")
        return S.try_cast(value.sql, T.duckdb_type(target))
    if source == T.DATETIME and target in (T.LONG, T.INT):
        # A datetime as a number is its count of 100 ns ticks since 0001-01-01.
        return S.binop(
            "*",
            S.binop("+", S.fn("epoch_us", value.sql), S.number(62_135_596_800_000_000)),
            S.number(10),
        )
    if source == T.TIMESPAN and target in (T.LONG, T.INT, T.REAL):
        return S.binop("*", value.sql, S.number(10))
    return S.try_cast(value.sql, T.duckdb_type(target))


def fold(value: object, source: str, target: str) -> object | None:
    """Convert a constant at compile time when that is simple and exact, else None."""
    if source in (T.STRING, T.GUID) and isinstance(value, str):
        if target == T.DATETIME:
            return T.parse_datetime_text(value)
        if target == T.TIMESPAN:
            return T.parse_timespan_text(value)
        if target in (T.LONG, T.INT):
            try:
                number = int(value.strip())
            except ValueError:
                return None
            bits = 31 if target == T.INT else 63
            return number if -(2**bits) <= number < 2**bits else None
        if target == T.REAL:
            try:
                return float(value.strip())
            except ValueError:
                return None
    if source in (T.LONG, T.INT) and target == T.REAL and isinstance(value, int):
        return float(value)
    if source in (T.LONG, T.INT, T.REAL) and target == T.STRING and isinstance(value, int):
        return str(value)
    return None


def common_type(types: list[str]) -> str:
    """The type several branches (iff, case, coalesce) unify to."""
    known = [t for t in types if t != T.NULL]
    if not known:
        return T.STRING
    if all(t == known[0] for t in known):
        return known[0]
    if all(t in T.NUMERIC for t in known):
        result = known[0]
        for t in known[1:]:
            result = T.common_numeric(result, t)
        return result
    if T.DYNAMIC in known:
        return T.DYNAMIC
    return T.STRING


def as_bool(value: Typed) -> exp.Expression:
    """A predicate from any value (dynamic true, numbers non-zero)."""
    if value.type == T.BOOL:
        return value.sql
    if value.type == T.DYNAMIC:
        return from_dynamic(value, T.BOOL)
    if value.type in T.NUMERIC:
        return S.binop("<>", value.sql, S.number(0))
    if value.type in (T.STRING, T.GUID):
        return S.fn("lower", value.sql).eq(S.string("true"))
    return S.try_cast(value.sql, "BOOLEAN")
