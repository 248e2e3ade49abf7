"""Compiled queries kept by text (`CompiledQueries`): reused only when nothing in them depends
on the moment or the data they were compiled against."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from mdekit.emulator.domain.throttle import Limiter, MemoryCounters
from mdekit.emulator.hunting.service import HuntingLimits, HuntingService
from mdekit.emulator.hunting.store import HuntingStore
from mdekit.kql import (
    CacheStats,
    CompiledQueries,
    KqlSemanticError,
    KqlSyntaxError,
    compile_query,
    run,
)
from tests.kql import EVENTS, NOW, database

CLOCK_FREE = "Events | where FileName =~ 'cmd.exe' | top 2 by ProcessId desc | project ProcessId"


def test_a_clock_free_query_is_compiled_once_and_answers_alike() -> None:
    conn = database()
    cache = CompiledQueries(EVENTS)
    first = run(conn, CLOCK_FREE, EVENTS, now=NOW, compiled_by=cache)
    later = run(conn, CLOCK_FREE, EVENTS, now=NOW + timedelta(days=3), compiled_by=cache)
    assert first.rows == later.rows == [(500,), (100,)]
    assert first.sql == later.sql == compile_query(CLOCK_FREE, EVENTS, now=NOW).sql
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (1, 1, 1)


def test_a_query_that_reads_the_clock_is_compiled_at_each_moment() -> None:
    conn = database()
    cache = CompiledQueries(EVENTS)
    query = "Events | where Timestamp > ago(1d) | count"
    # NOW is 2024-06-01 00:00: three events in the day before it, none ten days on.
    assert run(conn, query, EVENTS, now=NOW, compiled_by=cache).rows == [(3,)]
    assert run(conn, query, EVENTS, now=NOW + timedelta(days=10), compiled_by=cache).rows == [(0,)]
    assert cache.stats().entries == 0
    assert cache.stats().hits == 0
    moments = [
        run(conn, "print t = now()", EVENTS, now=NOW + timedelta(hours=n), compiled_by=cache).rows
        for n in (0, 1)
    ]
    assert moments[0] != moments[1]
    assert cache.stats().entries == 0


def test_a_query_that_looks_at_the_data_is_never_kept() -> None:
    conn = database()
    cache = CompiledQueries(EVENTS)
    query = (
        "Events | where ProcessId < 300 | project ProcessId, Bag = parse_json(AdditionalFields)"
        " | evaluate bag_unpack(Bag)"
    )
    before = run(conn, query, EVENTS, now=NOW, compiled_by=cache)
    assert [name for name, _ in before.columns] == ["ProcessId", "a", "b"]
    conn.execute(
        'INSERT INTO "Events" ("ProcessId", "AdditionalFields") VALUES (150, \'{"c":true}\')'
    )
    after = run(conn, query, EVENTS, now=NOW, compiled_by=cache)
    assert [name for name, _ in after.columns] == ["ProcessId", "a", "b", "c"]
    assert cache.stats().entries == 0


def test_errors_are_not_kept() -> None:
    cache = CompiledQueries(EVENTS)
    for _ in range(2):
        with pytest.raises(KqlSyntaxError):
            cache.compile("Events | where", now=NOW)
        with pytest.raises(KqlSemanticError):
            cache.compile("Nowhere | count", now=NOW)
    assert cache.stats() == CacheStats(hits=0, misses=4, entries=0)


def test_the_least_recently_used_query_goes_first() -> None:
    cache = CompiledQueries(EVENTS, size=2)
    queries = [f"Events | take {n}" for n in (1, 2, 3)]
    cache.compile(queries[0], now=NOW)
    cache.compile(queries[1], now=NOW)
    cache.compile(queries[0], now=NOW)  # used again: the second is now the oldest
    cache.compile(queries[2], now=NOW)
    assert cache.stats().entries == 2
    hits = cache.stats().hits
    cache.compile(queries[0], now=NOW)
    assert cache.stats().hits == hits + 1
    cache.compile(queries[1], now=NOW)
    assert cache.stats().hits == hits + 1, "the evicted query was compiled again"
    with pytest.raises(ValueError, match="at least 1"):
        CompiledQueries(EVENTS, size=0)


def test_a_cache_answers_only_for_its_own_schema() -> None:
    conn = database()
    cache = CompiledQueries(EVENTS)
    other = dict(EVENTS)
    with pytest.raises(ValueError, match="other tables"):
        run(conn, CLOCK_FREE, other, now=NOW, compiled_by=cache)
    with pytest.raises(ValueError, match="file_profile"):
        run(conn, CLOCK_FREE, EVENTS, now=NOW, compiled_by=cache, file_profile="Profiles")


def test_threads_share_one_cache() -> None:
    cache = CompiledQueries(EVENTS, size=8)
    queries = [f"Events | take {n} | project ProcessId" for n in range(16)]
    failures: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_ in range(20):
                text = queries[(offset + round_) % len(queries)]
                assert cache.compile(text, now=NOW).sql == compile_query(text, EVENTS).sql
        except BaseException as error:  # reported below, in the main thread
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stats = cache.stats()
    assert stats.hits + stats.misses == 80
    assert stats.entries <= 8


def test_the_hunting_service_compiles_a_repeated_query_once(tmp_path: Path) -> None:
    def events(conn: object, meta: object) -> None:
        return None

    service = HuntingService(
        HuntingStore(tmp_path / "hunting", events),
        Limiter(MemoryCounters()),
        meta=lambda tenant: {},
        limits=HuntingLimits(),
    )
    tenant = "2f9a7c51-0d4b-4e8a-9a55-3c1e6c2b7d10"
    for _ in range(3):
        assert service.run(tenant, "DeviceInfo | count", NOW).rows == [(0,)]
        service.run(tenant, "DeviceInfo | where Timestamp > ago(1h) | count", NOW)
    stats = service.compiled.stats()
    assert (stats.hits, stats.entries) == (2, 1)
