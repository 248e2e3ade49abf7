"""Quota counters that every emulator process shares: in the database (an atomic
upsert-increment per call) or in Redis (INCRBY and EXPIRE in one MULTI). Both implement
`domain.throttle.CounterStore`.

A counter lives `ttl_seconds` of real time after its last increment: windows are on the
emulator's clock, which tests move, so expiry in real time only bounds what is kept."""

from __future__ import annotations

import time
from typing import Any

import redis
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from mdekit.emulator.store import schema as t

qc = t.quota_counters
EXPIRY_GRACE_SECONDS = 60
"""Kept a little past the window, so a call at the window's last instant still counts."""


class SqlCounters:
    """Counters in the `quota_counters` table (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dialect: Any = postgresql if engine.dialect.name == "postgresql" else sqlite

    def increment(self, key: str, window: int, ttl_seconds: int, amount: int = 1) -> int:
        expires = time.time() + ttl_seconds + EXPIRY_GRACE_SECONDS
        statement = (
            self._dialect.insert(qc)
            .values(counter_key=key, window_start=window, hits=amount, expires=expires)
            .on_conflict_do_update(
                index_elements=[qc.c.counter_key, qc.c.window_start],
                set_={"hits": qc.c.hits + amount, "expires": expires},
            )
            .returning(qc.c.hits)
        )
        with self.engine.begin() as conn:
            return int(conn.execute(statement).scalar_one())

    def decrement(self, key: str, window: int) -> None:
        statement = (
            update(qc)
            .where(qc.c.counter_key == key, qc.c.window_start == window, qc.c.hits > 0)
            .values(hits=qc.c.hits - 1)
        )
        with self.engine.begin() as conn:
            conn.execute(statement)

    def value(self, key: str, window: int) -> int:
        query = select(qc.c.hits).where(qc.c.counter_key == key, qc.c.window_start == window)
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar_one_or_none()
        return int(found or 0)

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(qc))

    def prune(self) -> int:
        """Drop expired counters; returns how many."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(qc).where(qc.c.expires < time.time())).rowcount)


class RedisCounters:
    """Counters in Redis under `prefix` (one per emulator database)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, instance_id: str) -> RedisCounters:
        return cls(redis.Redis.from_url(url), f"mdekit:{instance_id}:quota:")

    def _name(self, key: str, window: int) -> str:
        return f"{self.prefix}{key}|{window}"

    def increment(self, key: str, window: int, ttl_seconds: int, amount: int = 1) -> int:
        name = self._name(key, window)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.incrby(name, amount)
            pipe.expire(name, ttl_seconds + EXPIRY_GRACE_SECONDS)
            count, _ = pipe.execute()
        return int(count)

    def decrement(self, key: str, window: int) -> None:
        self.client.decr(self._name(key, window))

    def value(self, key: str, window: int) -> int:
        found = self.client.get(self._name(key, window))
        return int(found) if found is not None else 0

    def clear(self) -> None:
        batch: list[Any] = []
        for name in self.client.scan_iter(match=f"{self.prefix}*", count=500):
            batch.append(name)
            if len(batch) >= 500:
                self.client.delete(*batch)
                batch.clear()
        if batch:
            self.client.delete(*batch)

    def prune(self) -> int:
        return 0  # Redis expires keys itself

    def close(self) -> None:
        self.client.close()
