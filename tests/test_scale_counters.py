"""Quota counters shared by processes: the database store (SQLite, PostgreSQL) and the Redis
store behave like the in-memory one, count atomically under concurrent calls, and give two
limiters (two processes) one quota; the hunting CPU budget is spent from the same store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from mdekit.emulator.domain.errors import Throttled
from mdekit.emulator.domain.throttle import CounterStore, Limiter, MemoryCounters, Quota
from mdekit.emulator.hunting.service import CpuBudget
from mdekit.emulator.store.counters import RedisCounters, SqlCounters
from mdekit.emulator.store.db import open_engine
from tests.support.emulators import in_process
from tests.support.scale import database_url, redis_url

KINDS = ["memory", "sqlite", "postgresql", "redis"]


@pytest.fixture(scope="module", params=KINDS)
def stores(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[CounterStore, ...]]:
    """Two handles on one counter store, as two processes would hold them (one store per
    module: each test counts under keys of its own)."""
    kind = request.param
    if kind == "memory":
        memory = MemoryCounters()
        yield memory, memory
    elif kind == "redis":
        url = redis_url()
        if url is None:
            pytest.skip("MDE_TEST_REDIS_URL is not set: Redis counter tests skipped")
        instance = uuid.uuid4().hex
        first = RedisCounters.from_url(url, instance)
        second = RedisCounters.from_url(url, instance)
        yield first, second
        first.clear()
        first.close()
        second.close()
    else:
        with database_url(kind, tmp_path_factory.mktemp(kind)) as url:
            engines = [open_engine(url), open_engine(url)]
            yield SqlCounters(engines[0]), SqlCounters(engines[1])
            for engine in engines:
                engine.dispose()


def test_counting_in_windows(stores: tuple[CounterStore, ...]) -> None:
    first, second = stores
    assert first.increment("app|alerts", 60, 60) == 1
    assert second.increment("app|alerts", 60, 60) == 2
    assert first.increment("app|alerts", 120, 60) == 1  # a new window
    assert first.increment("other", 60, 60) == 1
    assert second.increment("app|alerts", 60, 60, amount=40) == 42
    second.decrement("app|alerts", 60)
    assert first.value("app|alerts", 60) == 41
    assert first.value("never", 60) == 0


def test_clearing_forgets_every_counter(stores: tuple[CounterStore, ...]) -> None:
    first, second = stores
    first.increment("cleared|a", 60, 60)
    second.increment("cleared|b", 120, 60, amount=5)
    first.clear()
    assert second.value("cleared|a", 60) == 0
    assert second.value("cleared|b", 120) == 0
    assert second.increment("cleared|a", 60, 60) == 1


def test_concurrent_increments_are_all_counted(stores: tuple[CounterStore, ...]) -> None:
    def hit(index: int) -> int:
        return stores[index % 2].increment("busy", 0, 60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(hit, range(120)))
    # Each call saw a different count: no two increments were lost into one.
    assert sorted(answers) == list(range(1, 121))
    assert stores[0].value("busy", 0) == 120


def test_two_limiters_on_one_store_share_the_quota(stores: tuple[CounterStore, ...]) -> None:
    quotas = [Quota(10, 60), Quota(100, 3600)]
    first, second = Limiter(stores[0], scale=0.3), Limiter(stores[1], scale=0.3)
    now = 7200.0
    decisions = [
        (first if i % 2 else second).check("t|app|machines", quotas, now) for i in range(5)
    ]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert decisions[3].exceeded == Quota(3, 60)
    assert 0 < decisions[3].retry_after <= 60
    # Refused calls were given back: the hour window counted only the three allowed.
    assert stores[0].value("t|app|machines|3600", 7200) == 3


def test_the_hunting_cpu_budget_is_one_budget_for_every_process(
    stores: tuple[CounterStore, ...],
) -> None:
    here, there = CpuBudget(Limiter(stores[0])), CpuBudget(Limiter(stores[1]))
    tenant = "4f9b1c2e-0000-4000-8000-000000000001"
    now = 3600.0 * 5 + 10
    here.spend(tenant, 599.9994, now)  # rounds to 599,999 ms: a millisecond left
    there.check(tenant, now)
    here.spend(tenant, 0.0014, now)
    with pytest.raises(Throttled) as refused:
        there.check(tenant, now)
    assert refused.value.retry_after == 3590
    here.check("4f9b1c2e-0000-4000-8000-000000000002", now)  # other tenants are not charged


def test_switched_off_quotas_spend_nothing(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'off.db'}")
    store = SqlCounters(engine)
    budget = CpuBudget(Limiter(store, enabled=False))
    budget.spend("t", 5000.0, 100.0)
    budget.check("t", 100.0)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM quota_counters")).scalar() == 0
    engine.dispose()


def test_expired_database_counters_are_pruned(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'prune.db'}")
    store = SqlCounters(engine)
    store.increment("old", 0, -3600)  # already past its expiry
    store.increment("fresh", 0, 3600)
    assert store.prune() == 1
    assert store.value("old", 0) == 0
    assert store.value("fresh", 0) == 1
    engine.dispose()


def test_an_emulator_given_redis_keeps_its_quota_counters_there(tmp_path: Path) -> None:
    url = redis_url()
    if url is None:
        pytest.skip("MDE_TEST_REDIS_URL is not set: Redis counter tests skipped")
    with in_process(tmp_path / "emu", redis_url=url, machines=4, alerts=2) as emu:
        store = emu.emulator.defender.limiter.store
        assert isinstance(store, RedisCounters)
        emu.emulator.runtime.change_quotas({"enabled": True, "scale": 0.02})
        emu.emulator.clock.freeze()  # all three calls in one quota window
        token = emu.token()
        statuses = [emu.api("GET", "/api/machines", token).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        names = list(store.client.scan_iter(match=f"{store.prefix}*"))
        assert any(b"machines.list|60|" in name for name in names)
        emu.emulator.runtime.reset()
        assert list(store.client.scan_iter(match=f"{store.prefix}*")) == []
