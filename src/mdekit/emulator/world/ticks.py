"""Time in .NET ticks (100 ns since 0001-01-01) and the service's timestamp text.

The world works in integer ticks: they order cheaply, the alert ids embed them, and
the service prints 7 fraction digits, which is exactly tick precision. Formatting is
the hot loop of world generation, so dates are cached per day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

TICKS_PER_SECOND = 10_000_000
TICKS_PER_MINUTE = 60 * TICKS_PER_SECOND
TICKS_PER_HOUR = 60 * TICKS_PER_MINUTE
TICKS_PER_DAY = 24 * TICKS_PER_HOUR
UNIX_EPOCH_TICKS = 621_355_968_000_000_000
"""Ticks of 1970-01-01T00:00:00Z."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def datetime_to_ticks(moment: datetime) -> int:
    """Ticks of an aware datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return UNIX_EPOCH_TICKS + micros * 10


def ticks_to_datetime(ticks: int) -> datetime:
    """The UTC datetime of a tick count (sub-microsecond digits dropped)."""
    micros = (ticks - UNIX_EPOCH_TICKS) // 10
    return _EPOCH + timedelta(microseconds=micros)


class TickFormatter:
    """Formats ticks as "2021-01-26T20:33:57.7220239Z" (or the export-row form).

    Holds per-day and per-minute caches, so one formatter per generation run; never
    shared globally."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._minutes: dict[int, str] = {}

    def _day_prefix(self, day: int) -> str:
        prefix = self._days.get(day)
        if prefix is None:
            date = ticks_to_datetime(day * TICKS_PER_DAY)
            prefix = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
            self._days[day] = prefix
        return prefix

    def _minute_prefix(self, minute: int) -> str:
        day, minute_of_day = divmod(minute, 1440)
        hours, minutes = divmod(minute_of_day, 60)
        prefix = f"{self._day_prefix(day)}T{hours:02d}:{minutes:02d}:"
        self._minutes[minute] = prefix
        return prefix

    def iso(self, ticks: int) -> str:
        """The API form: ISO 8601, 7 fraction digits, `Z`."""
        minute, rest = divmod(ticks, TICKS_PER_MINUTE)
        prefix = self._minutes.get(minute) or self._minute_prefix(minute)
        seconds, fraction = divmod(rest, TICKS_PER_SECOND)
        return f"{prefix}{seconds:02d}.{fraction:07d}Z"

    def iso_seconds(self, ticks: int) -> str:
        """The API form at whole seconds ("2019-12-08T06:33:39Z"), as some fields come."""
        day, rest = divmod(ticks, TICKS_PER_DAY)
        seconds = rest // TICKS_PER_SECOND
        hours, seconds = divmod(seconds, 3600)
        minutes, seconds = divmod(seconds, 60)
        return f"{self._day_prefix(day)}T{hours:02d}:{minutes:02d}:{seconds:02d}Z"

    def export(self, ticks: int) -> str:
        """The export-row form: "2021-01-11 09:47:58.854" (space, milliseconds, no zone)."""
        day, rest = divmod(ticks, TICKS_PER_DAY)
        seconds, fraction = divmod(rest, TICKS_PER_SECOND)
        hours, seconds = divmod(seconds, 3600)
        minutes, seconds = divmod(seconds, 60)
        millis = fraction // 10_000
        return f"{self._day_prefix(day)} {hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
