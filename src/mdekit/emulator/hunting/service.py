"""Running an Advanced Hunting query as the service does: KQL over the tenant's tables, with
its limits: 100,000 rows at most, a result size cap (124 MB), a time limit per request
(200 s) and a budget of engine time per tenant (10 minutes an hour, 3 hours a day)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.emulator.domain.errors import InvalidInput, Throttled
from mdekit.emulator.domain.throttle import Limiter, Quota
from mdekit.emulator.hunting.stats import QueryMeter
from mdekit.emulator.hunting.store import FILE_PROFILES, HuntingStore
from mdekit.kql import CompiledQueries, KqlError, Result, run

MAX_ROWS = 100_000
MAX_RESULT_BYTES = 124 * 1024 * 1024
CPU_BUDGETS = (Quota(600, 3600), Quota(3 * 3600, 86400))
"""Engine seconds per tenant: 10 minutes per hour and 3 hours per day."""
RETENTION = timedelta(days=30)
"""Both hunting APIs see the last 30 days unless the Graph call's Timespan says otherwise."""
TIMED_TABLES = tuple(
    name for name, columns in HUNTING_TABLES.items() if any(c == "Timestamp" for c, _ in columns)
)
EVENT_TABLES = tuple(
    name
    for name, columns in HUNTING_TABLES.items()
    if {"Timestamp", "DeviceId", "ReportId"} <= {c for c, _ in columns}
)
"""Tables whose rows an alert can reference (create-alert-by-reference)."""


@dataclass
class HuntingLimits:
    max_rows: int = MAX_ROWS
    max_result_bytes: int = MAX_RESULT_BYTES
    timeout_seconds: float = 200.0


class CpuBudget:
    """Engine time used per tenant, in fixed windows like the call quotas (and switched off
    or scaled with them), counted in whole milliseconds in the limiter's counter store, so
    that every process serving the tenant spends from one budget."""

    def __init__(self, limiter: Limiter) -> None:
        self._limiter = limiter

    @staticmethod
    def _counter(tenant_id: str, budget: Quota, now: float) -> tuple[str, int]:
        window = int(now // budget.seconds) * budget.seconds
        return f"{tenant_id}|hunting.cpu-ms|{budget.seconds}", window

    def check(self, tenant_id: str, now: float) -> None:
        if not self._limiter.enabled:
            return
        for budget in CPU_BUDGETS:
            key, window = self._counter(tenant_id, budget, now)
            used_ms = self._limiter.store.value(key, window)
            if used_ms >= budget.calls * 1000 * self._limiter.scale:
                raise Throttled(
                    "Query execution has exceeded the allowed CPU resources for your "
                    f"organization: {budget.calls // 60} minutes of query time per "
                    f"{budget.seconds // 3600} hours. Try again later.",
                    retry_after=max(1, int(window + budget.seconds - now)),
                    code="429",
                )

    def spend(self, tenant_id: str, seconds: float, now: float) -> None:
        milliseconds = round(seconds * 1000)
        if not self._limiter.enabled or milliseconds <= 0:
            return
        for budget in CPU_BUDGETS:
            key, window = self._counter(tenant_id, budget, now)
            self._limiter.store.increment(key, window, budget.seconds, amount=milliseconds)


def _interrupt_after(connection: Any, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, connection.interrupt)
    timer.daemon = True
    timer.start()
    return timer


class HuntingService:
    def __init__(
        self,
        store: HuntingStore,
        limiter: Limiter,
        meta: Callable[[str], dict[str, Any]],
        limits: HuntingLimits | None = None,
    ) -> None:
        self.store = store
        self.meta = meta
        self.limits = limits or HuntingLimits()
        self.budget = CpuBudget(limiter)
        # Every tenant has the same tables: one set of compiled queries serves them all.
        self.compiled = CompiledQueries(HUNTING_TABLES, file_profile=FILE_PROFILES)

    def run(
        self,
        tenant_id: str,
        query: object,
        now: datetime,
        *,
        window: tuple[datetime, datetime] | None = None,
    ) -> Result:
        """Run `query` over the tenant's events of `window` (default: the last 30 days)."""
        if not isinstance(query, str) or not query.strip():
            raise InvalidInput("Parameter Query is missing", code="MissingRequiredParameter")
        self.budget.check(tenant_id, now.timestamp())
        connection = self.store.cursor(tenant_id, self.meta(tenant_id))
        started = time.perf_counter()
        timer = _interrupt_after(connection, self.limits.timeout_seconds)
        try:
            _restrict_to(connection, tenant_id, query, window or (now - RETENTION, now))
            result = run(
                connection,
                query,
                HUNTING_TABLES,
                now=now,
                max_rows=self.limits.max_rows,
                file_profile=FILE_PROFILES,
                compiled_by=self.compiled,
            )
        except KqlError as exc:
            if "INTERRUPT" in exc.message.upper():
                raise InvalidInput(
                    "Query execution has exceeded the allowed time limit of "
                    f"{self.limits.timeout_seconds:.0f} seconds. "
                    "Optimize your query and try again.",
                    code="BadRequest",
                ) from exc
            raise InvalidInput(exc.message, code="BadRequest") from exc
        finally:
            timer.cancel()
            self.budget.spend(tenant_id, time.perf_counter() - started, now.timestamp())
            connection.close()
        return result

    def find_event(
        self, tenant_id: str, machine_id: str, report_id: int, event_time: datetime
    ) -> tuple[str, dict[str, Any]] | None:
        """The event (table, row) a device reported with this ReportId at this moment.

        Times match to the microsecond: the API prints seven fraction digits, DuckDB keeps
        six, so the caller's value is truncated the same way as the stored one."""
        connection = self.store.cursor(tenant_id, self.meta(tenant_id))
        moment = event_time.replace(tzinfo=None)
        try:
            for table in EVENT_TABLES:
                # Table names come from the catalog; the values are parameters.
                cursor = connection.execute(
                    f'SELECT * FROM "{table}" WHERE "DeviceId" = ? AND "ReportId" = ? '  # noqa: S608
                    'AND "Timestamp" = ? LIMIT 1',
                    [machine_id, report_id, moment],
                )
                row = cursor.fetchone()
                if row is not None:
                    names = [d[0] for d in cursor.description or ()]
                    return table, dict(zip(names, row, strict=True))
        finally:
            connection.close()
        return None

    def api_body(self, result: Result, meter: QueryMeter | None = None) -> str:
        """The MDE answer `{"Stats": {...}, "Schema": [...], "Results": [...]}`, within the
        size cap; `meter` was started before the query ran."""
        body = result.to_api()
        text = self.encode(body)
        if meter is None:
            return text
        rows = body["Results"]
        assert isinstance(rows, list)
        stats = meter.stats(len(rows), len(text))
        return '{"Stats":' + json.dumps(stats, separators=(",", ":")) + "," + text[1:]

    def encode(self, body: dict[str, Any]) -> str:
        """A hunting answer as JSON, or the service's error when it is over the size cap."""
        text = json.dumps(body, separators=(",", ":"))
        if len(text) > self.limits.max_result_bytes:
            raise InvalidInput(
                "Query execution has exceeded the allowed result size. Optimize your query by "
                "limiting the number of results and try again.",
                code="BadRequest",
            )
        return text


_WILDCARD_SOURCES = re.compile(r"\b(search|find)\b|\bunion\b[^|]*\*", re.IGNORECASE)
"""Operators that can read tables the query does not name."""


def _restrict_to(
    connection: Any, tenant_id: str, query: str, window: tuple[datetime, datetime]
) -> None:
    """Shadow each timed table the query names with a view of the window's rows.

    Temporary views live in the cursor's own catalog, searched before the file's, so the
    stored tables stay untouched and other queries see their own windows."""
    start, end = (moment.replace(tzinfo=None) for moment in window)
    database = tenant_id.replace('"', '""')
    every_table = _WILDCARD_SOURCES.search(query) is not None
    for table in TIMED_TABLES:
        # A view costs about half a millisecond: only the tables the query can reach.
        if not every_table and re.search(rf"\b{table}\b", query) is None:
            continue
        # DDL takes no parameters: the names are the catalog's and the tenant's id (a GUID
        # from a validated token), the bounds are formatted from datetimes.
        connection.execute(
            f'CREATE TEMP VIEW "{table}" AS SELECT * FROM "{database}".main."{table}" '  # noqa: S608
            f"WHERE \"Timestamp\" BETWEEN TIMESTAMP '{start.isoformat()}' "
            f"AND TIMESTAMP '{end.isoformat()}'"
        )
