"""KQL scalar types: names and aliases, their DuckDB storage types, and literal parsing.

Storage choices (see docs/kql.md): `datetime` is a DuckDB TIMESTAMP in UTC (microsecond
precision; KQL ticks are 100 ns), `timespan` is a BIGINT count of microseconds so that
arithmetic and comparisons stay plain integer SQL, `dynamic` is DuckDB JSON, and `guid`
is text in its canonical lower-case form.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

STRING = "string"
LONG = "long"
INT = "int"
REAL = "real"
BOOL = "bool"
DATETIME = "datetime"
TIMESPAN = "timespan"
DYNAMIC = "dynamic"
GUID = "guid"
DECIMAL = "decimal"
NULL = "null"  # the type of a bare null before it meets a column

KQL_TYPES = (STRING, LONG, INT, REAL, BOOL, DATETIME, TIMESPAN, DYNAMIC, GUID, DECIMAL)
NUMERIC = frozenset({LONG, INT, REAL, DECIMAL})

_ALIASES = {
    "string": STRING, "long": LONG, "int64": LONG, "int": INT, "int32": INT,
    "real": REAL, "double": REAL, "float": REAL, "bool": BOOL, "boolean": BOOL,
    "datetime": DATETIME, "date": DATETIME, "timespan": TIMESPAN, "time": TIMESPAN,
    "dynamic": DYNAMIC, "guid": GUID, "uuid": GUID, "uniqueid": GUID, "decimal": DECIMAL,
}  # fmt: skip

_DUCKDB = {
    STRING: "VARCHAR", LONG: "BIGINT", INT: "INTEGER", REAL: "DOUBLE", BOOL: "BOOLEAN",
    DATETIME: "TIMESTAMP", TIMESPAN: "BIGINT", DYNAMIC: "JSON", GUID: "VARCHAR",
    DECIMAL: "DOUBLE", NULL: "VARCHAR",
}  # fmt: skip

MICROS_PER_DAY = 86_400_000_000
EPOCH = datetime(1970, 1, 1)


def canonical_type(name: str) -> str | None:
    """The canonical KQL type for a spelling such as `int64`, `boolean` or `date`."""
    return _ALIASES.get(name.lower())


def duckdb_type(kql_type: str) -> str:
    """The DuckDB column type that stores values of `kql_type`."""
    return _DUCKDB[kql_type]


def common_numeric(a: str, b: str) -> str:
    """Result type of arithmetic between two numeric types (int < long < real)."""
    if REAL in (a, b) or DECIMAL in (a, b):
        return REAL
    if LONG in (a, b):
        return LONG
    return INT if a == INT and b == INT else LONG


_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_datetime_text(text: str) -> datetime | None:
    """Parse the text of a `datetime(…)` literal or a `todatetime()` argument to naive UTC.

    ISO 8601 (date only, space or `T`, up to 7 fraction digits, `Z` or an offset),
    `yyyy/MM/dd` and RFC 822/850 forms are accepted; anything else gives None.
    """
    s = text.strip()
    m = _ISO.match(s)
    if m:
        year, month, day, hh, mm, ss, frac, zone = m.groups()
        micros = int((frac or "0")[:6].ljust(6, "0"))
        try:
            value = datetime(
                int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0), micros
            )
        except ValueError:
            return None
        if zone and zone.upper() != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            value -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return value
    m = _SLASHED.match(s)
    if m:
        try:
            year, month, day, hh, mm, ss = (int(g or 0) for g in m.groups())
            return datetime(year, month, day, hh, mm, ss)
        except ValueError:
            return None
    try:
        parsed = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


_SPAN_UNITS = {
    "d": MICROS_PER_DAY, "day": MICROS_PER_DAY, "days": MICROS_PER_DAY,
    "h": 3_600_000_000, "hr": 3_600_000_000, "hrs": 3_600_000_000,
    "hour": 3_600_000_000, "hours": 3_600_000_000,
    "m": 60_000_000, "min": 60_000_000, "minute": 60_000_000, "minutes": 60_000_000,
    "s": 1_000_000, "sec": 1_000_000, "second": 1_000_000, "seconds": 1_000_000,
    "ms": 1000, "milli": 1000, "millis": 1000, "millisec": 1000,
    "millisecond": 1000, "milliseconds": 1000,
    "micro": 1, "micros": 1, "microsec": 1, "microsecond": 1, "microseconds": 1,
    "tick": 0.1, "ticks": 0.1,
    "nano": 0.001, "nanos": 0.001, "nanosec": 0.001, "nanosecond": 0.001, "nanoseconds": 0.001,
}  # fmt: skip
_SPAN_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)\s*([a-z]+)?$", re.IGNORECASE)
_SPAN_CLOCK = re.compile(r"^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$")


def parse_timespan_text(text: str) -> int | None:
    """Parse `1d`, `1.5h`, `100ms`, `01:30:00`, `2.00:00:00.5` to microseconds (None if not)."""
    s = text.strip()
    m = _SPAN_NUMBER.match(s)
    if m:
        unit = (m.group(2) or "d").lower()
        if unit not in _SPAN_UNITS:
            return None
        return round(float(m.group(1)) * _SPAN_UNITS[unit])
    m = _SPAN_CLOCK.match(s)
    if m:
        neg, days, hh, mm, ss, frac = m.groups()
        micros = (
            int(days or 0) * MICROS_PER_DAY
            + int(hh) * 3_600_000_000
            + int(mm) * 60_000_000
            + int(ss or 0) * 1_000_000
            + int((frac or "0")[:6].ljust(6, "0"))
        )
        return -micros if neg else micros
    return None


def format_timespan(micros: int) -> str:
    """KQL's text form of a timespan: `[-][d.]hh:mm:ss[.fffffff]`."""
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    days, rest = divmod(micros, MICROS_PER_DAY)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, frac = divmod(rest, 1_000_000)
    text = f"{sign}{f'{days}.' if days else ''}{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{text}.{frac:06d}0" if frac else text


def format_datetime(value: datetime) -> str:
    """The service's JSON form of a datetime: ISO 8601, seven fraction digits, `Z`."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0Z"
