"""Quotas as the Defender API applies them: per app, per tenant, per endpoint (hunting: per
tenant), in fixed windows ("maximum allowed 45 per 00:01:00"). Counting is behind a small
store interface so one process can count in memory and many can share a database or Redis."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Quota:
    calls: int
    seconds: int

    def describe(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{self.calls} per {hours:02d}:{minutes:02d}:{seconds:02d}"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0
    exceeded: Quota | None = None
    remaining: int | None = None
    """Calls left in the tightest window after this one (for a header)."""


class CounterStore(Protocol):
    """Counters in fixed windows: in memory for one process, in the database or Redis when
    several processes serve as one (see `store.counters`)."""

    def increment(self, key: str, window: int, ttl_seconds: int, amount: int = 1) -> int:
        """Add `amount` to the counter of `key` in `window`; return the new count."""
        ...

    def decrement(self, key: str, window: int) -> None:
        """Undo one increment (a refused call does not use up the other windows)."""
        ...

    def value(self, key: str, window: int) -> int:
        """The counter of `key` in `window` (0 when never counted)."""
        ...

    def clear(self) -> None:
        """Forget every counter (the control API's reset)."""
        ...


class MemoryCounters:
    """Counters in this process's memory; windows older than their TTL are dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], tuple[int, float]] = {}

    def increment(self, key: str, window: int, ttl_seconds: int, amount: int = 1) -> int:
        with self._lock:
            count, _ = self._counts.get((key, window), (0, 0.0))
            self._counts[(key, window)] = (count + amount, window + ttl_seconds)
            if len(self._counts) > 50_000:
                self._prune(window)
            return count + amount

    def decrement(self, key: str, window: int) -> None:
        with self._lock:
            found = self._counts.get((key, window))
            if found is not None:
                self._counts[(key, window)] = (max(0, found[0] - 1), found[1])

    def value(self, key: str, window: int) -> int:
        with self._lock:
            return self._counts.get((key, window), (0, 0.0))[0]

    def _prune(self, newest_window: int) -> None:
        for entry_key, (_, expiry) in list(self._counts.items()):
            if expiry < newest_window - 7200:
                del self._counts[entry_key]

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


@dataclass
class Limiter:
    """Checks a call against its quotas. `scale` multiplies every quota (tests make them
    small or huge); `enabled` False lets everything through."""

    store: CounterStore
    enabled: bool = True
    scale: float = 1.0

    def check(self, key: str, quotas: Sequence[Quota], now: float) -> Decision:
        if not self.enabled or not quotas:
            return Decision(True)
        counted: list[tuple[str, int]] = []
        remaining: int | None = None
        for quota in quotas:
            limit = max(1, math.floor(quota.calls * self.scale))
            window = int(now // quota.seconds) * quota.seconds
            window_key = f"{key}|{quota.seconds}"
            count = self.store.increment(window_key, window, quota.seconds)
            counted.append((window_key, window))
            if count > limit:
                for undo_key, undo_window in counted:
                    self.store.decrement(undo_key, undo_window)
                retry = max(1, math.ceil(window + quota.seconds - now))
                return Decision(False, retry, Quota(limit, quota.seconds))
            left = limit - count
            remaining = left if remaining is None else min(remaining, left)
        return Decision(True, remaining=remaining)
