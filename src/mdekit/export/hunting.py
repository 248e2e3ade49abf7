"""Hunting through either API, whole or in time windows.

`HuntRows` is one answer in a single shape whichever API gave it (the Defender API's
`Schema`/`Results` or Graph's `schema`/`results`). `hunt_in_windows` runs one query over
consecutive time windows, so that answers larger than the service's 100,000-row cap come
back complete: a window whose answer reaches the cap is split in two and run again, until
every window fits. Windows are run and yielded oldest first."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mdekit.client.errors import MdeError
from mdekit.kql.windows import restrict_to_window

ROW_CAP = 100_000
"""The most rows the service returns for one query; an answer this long may be cut."""
SMALLEST_WINDOW = timedelta(seconds=1)


@dataclass
class HuntRows:
    """Columns as (name, API type name) and rows as dicts keyed by column name."""

    columns: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_mde(cls, body: Mapping[str, Any]) -> HuntRows:
        schema = body.get("Schema") or []
        return cls([(c["Name"], c["Type"]) for c in schema], list(body.get("Results") or []))

    @classmethod
    def from_graph(cls, body: Mapping[str, Any]) -> HuntRows:
        schema = body.get("schema") or []
        columns = [(c.get("name") or c.get("Name"), c.get("type") or c.get("Type")) for c in schema]
        return cls([(str(n), str(t)) for n, t in columns], list(body.get("results") or []))


class WindowTooDense(MdeError):
    """Even the smallest window holds more rows than one answer can carry."""


Runner = Callable[[str, tuple[datetime, datetime]], HuntRows]
"""Runs a (rewritten) query; the window is given too, for APIs that take a time span."""


@dataclass(frozen=True)
class WindowDone:
    """Progress after a window: how far in time the hunt has come, and rows so far."""

    start: datetime
    end: datetime
    rows: int
    total_rows: int
    calls: int


def plan_windows(
    start: datetime, end: datetime, size: timedelta | None
) -> list[tuple[datetime, datetime]]:
    """Consecutive windows covering [start, end): one when `size` is None (auto)."""
    if end <= start:
        raise ValueError("the end of the hunt must come after its start")
    if size is None:
        return [(start, end)]
    if size < SMALLEST_WINDOW:
        raise ValueError("windows must be at least one second long")
    windows = []
    cursor = start
    while cursor < end:
        windows.append((cursor, min(cursor + size, end)))
        cursor += size
    return windows


def hunt_in_windows(
    run: Runner,
    query: str,
    tables: Mapping[str, Sequence[tuple[str, str]]],
    start: datetime,
    end: datetime,
    *,
    window: timedelta | None = None,
    cap: int = ROW_CAP,
    on_window: Callable[[WindowDone], None] | None = None,
) -> Iterator[HuntRows]:
    """Yield the answer of each window, oldest first; a window that reaches `cap` rows is
    halved and run again (its first answer is dropped, so no row comes twice)."""
    start, end = _utc(start), _utc(end)
    pending = list(reversed(plan_windows(start, end, window)))
    total = calls = 0
    while pending:
        low, high = pending.pop()
        answer = run(restrict_to_window(query, tables, low, high), (low, high))
        calls += 1
        if len(answer.rows) >= cap:
            if high - low <= SMALLEST_WINDOW:
                raise WindowTooDense(
                    f"The query returns {cap:,} rows or more between {low.isoformat()} and "
                    f"{high.isoformat()}; one second cannot be split further",
                    hint="narrow the query (filter or project fewer rows) and run it again",
                )
            middle = low + (high - low) / 2
            pending.extend([(middle, high), (low, middle)])
            continue
        total += len(answer.rows)
        if on_window is not None:
            on_window(WindowDone(low, high, len(answer.rows), total, calls))
        yield answer


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
