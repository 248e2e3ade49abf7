"""The emulator's hunting service over a hand-filled store: the 30-day window and Graph's
Timespan, the 100,000-row cap, the CPU budget, the time limit, event lookup, and the store
rebuilding a tenant's file when its world changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mdekit.emulator.domain.errors import InvalidInput, Throttled
from mdekit.emulator.domain.throttle import Limiter, MemoryCounters
from mdekit.emulator.graph.hunting import timespan_window
from mdekit.emulator.hunting.service import HuntingLimits, HuntingService
from mdekit.emulator.hunting.store import HuntingStore

TENANT = "2f9a7c51-0d4b-4e8a-9a55-3c1e6c2b7d10"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _events(conn: duckdb.DuckDBPyConnection, meta: dict[str, Any]) -> None:
    """One process event per hour over the last 40 days; ReportId counts them."""
    hours = int(meta["hours"])
    conn.execute(
        'INSERT INTO "DeviceProcessEvents" ("Timestamp", "DeviceId", "DeviceName", "ReportId", '
        '"FileName", "ProcessId", "AccountName") '
        "SELECT ?::TIMESTAMP - to_hours(i), 'dev1', 'pc1', i, 'cmd.exe', 100 + i, 'alice' "
        "FROM range(?) AS t(i)",
        [NOW.replace(tzinfo=None), hours],
    )


def _service(tmp_path: Path, *, hours: int = 40 * 24, **limits: Any) -> HuntingService:
    store = HuntingStore(tmp_path / "hunting", _events)
    limiter = Limiter(MemoryCounters())
    return HuntingService(
        store, limiter, meta=lambda tenant: {"hours": hours}, limits=HuntingLimits(**limits)
    )


def test_queries_see_the_last_thirty_days(tmp_path: Path) -> None:
    service = _service(tmp_path)
    result = service.run(TENANT, "DeviceProcessEvents | count", NOW)
    assert result.rows == [(30 * 24 + 1,)]
    wider = service.run(
        TENANT, "DeviceProcessEvents | count", NOW, window=timespan_window("P35D", NOW)
    )
    assert wider.rows == [(35 * 24 + 1,)]


def test_graph_timespans(tmp_path: Path) -> None:
    start, end = timespan_window("2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", NOW)
    assert (start, end) == (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
    assert timespan_window("P1D/2026-11-02T00:00:00Z", NOW)[0] == datetime(2026, 11, 1, tzinfo=UTC)
    assert timespan_window("2026-11-01T00:00:00Z/PT12H", NOW)[1] == datetime(
        2026, 11, 1, 12, tzinfo=UTC
    )
    assert timespan_window("2026-11-20T00:00:00Z", NOW) == (datetime(2026, 11, 20, tzinfo=UTC), NOW)
    assert timespan_window(None, NOW) == (NOW - timedelta(days=30), NOW)
    with pytest.raises(InvalidInput, match="Invalid Timespan"):
        timespan_window("last week", NOW)


def test_answers_stop_at_the_row_cap(tmp_path: Path) -> None:
    service = _service(tmp_path, max_rows=50)
    result = service.run(TENANT, "DeviceProcessEvents", NOW)
    assert len(result.rows) == 50


def test_answers_over_the_size_cap_are_refused(tmp_path: Path) -> None:
    service = _service(tmp_path, max_result_bytes=1000)
    result = service.run(TENANT, "DeviceProcessEvents", NOW)
    with pytest.raises(InvalidInput, match="allowed result size"):
        service.api_body(result)


def test_query_errors_are_bad_requests_with_the_engine_message(tmp_path: Path) -> None:
    service = _service(tmp_path)
    with pytest.raises(InvalidInput, match=r"Syntax error.*line \[1,"):
        service.run(TENANT, "DeviceProcessEvents | where", NOW)
    with pytest.raises(InvalidInput, match="Parameter Query is missing"):
        service.run(TENANT, "  ", NOW)


def test_a_query_over_its_time_limit_is_stopped(tmp_path: Path) -> None:
    service = _service(tmp_path, timeout_seconds=0.2)
    slow = "range i from 1 to 3000000000 step 1 | summarize dcount(i % 1000000007)"
    with pytest.raises(InvalidInput, match="allowed time limit"):
        service.run(TENANT, slow, NOW)


def test_the_cpu_budget_throttles_the_tenant(tmp_path: Path) -> None:
    service = _service(tmp_path)
    moment = NOW.timestamp()
    service.budget.spend(TENANT, 600.0, moment)
    with pytest.raises(Throttled) as caught:
        service.run(TENANT, "DeviceProcessEvents | count", NOW)
    assert caught.value.code == "429"
    assert 0 < caught.value.retry_after <= 3600
    other = "9d1b8c8e-5a0f-4b53-8f0e-2b8d7f1c4a22"
    assert service.run(other, "DeviceProcessEvents | count", NOW).rows


def test_events_are_found_by_device_report_and_time(tmp_path: Path) -> None:
    service = _service(tmp_path)
    moment = NOW - timedelta(hours=5)
    found = service.find_event(TENANT, "dev1", 5, moment)
    assert found is not None
    table, row = found
    assert table == "DeviceProcessEvents"
    assert row["ProcessId"] == 105
    assert service.find_event(TENANT, "dev1", 5, moment + timedelta(microseconds=1)) is None
    assert service.find_event(TENANT, "dev2", 5, moment) is None


def test_the_store_rebuilds_when_the_world_changes(tmp_path: Path) -> None:
    hours = {"n": 10}
    built: list[dict[str, Any]] = []

    def builder(conn: duckdb.DuckDBPyConnection, meta: dict[str, Any]) -> None:
        built.append(meta)
        _events(conn, meta)

    store = HuntingStore(tmp_path / "hunting", builder)
    service = HuntingService(
        store, Limiter(MemoryCounters()), meta=lambda tenant: {"hours": hours["n"]}
    )
    assert service.run(TENANT, "DeviceProcessEvents | count", NOW).rows == [(10,)]
    assert service.run(TENANT, "DeviceProcessEvents | count", NOW).rows == [(10,)]
    hours["n"] = 20
    assert service.run(TENANT, "DeviceProcessEvents | count", NOW).rows == [(20,)]
    assert len(built) == 2
    # A new process (another worker, a restart) reuses the file on disk.
    again = HuntingService(
        HuntingStore(tmp_path / "hunting", builder),
        Limiter(MemoryCounters()),
        meta=lambda tenant: {"hours": 20},
    )
    assert again.run(TENANT, "DeviceProcessEvents | count", NOW).rows == [(20,)]
    assert len(built) == 2
    store.close()
