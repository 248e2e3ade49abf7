"""Client-side pacing under the documented quotas (100/min and 1,500/h by default; hunting
45/min; batch alert update 10/min; ...), so that a long run against the real service is not
throttled in the first place. One pacer per client, shared by its threads and tasks.

`reserve()` is pure bookkeeping: it books the next free slot in every window of the
endpoint's quotas and says how long to wait for it; the caller sleeps (or awaits) that long."""

from __future__ import annotations

import bisect
import math
import threading
from dataclasses import dataclass

from mdekit.catalog.endpoints import Endpoint


@dataclass(frozen=True)
class PacingSettings:
    enabled: bool = True
    scale: float = 0.95
    """Fraction of each documented quota to use: a little headroom for other clients of the
    same app, and for the service's own window alignment."""


class Pacer:
    def __init__(self, settings: PacingSettings | None = None) -> None:
        self.settings = settings or PacingSettings()
        self._lock = threading.Lock()
        self._booked: dict[tuple[str, int], list[float]] = {}

    def reserve(self, endpoint: Endpoint, now: float) -> float:
        """Seconds to wait before calling `endpoint`; the slot is booked."""
        if not self.settings.enabled or not endpoint.rate_limits:
            return 0.0
        key = endpoint.operation
        with self._lock:
            windows = [
                (
                    self._window(key, limit.seconds, now),
                    limit.seconds,
                    max(1, math.floor(limit.calls * self.settings.scale)),
                )
                for limit in endpoint.rate_limits
            ]
            start = now
            moved = True
            # The earliest moment at which every window has room; moving later for one
            # window can only free room in the others, so this settles.
            while moved:
                moved = False
                for booked, seconds, calls in windows:
                    inside = len(booked) - bisect.bisect_right(booked, start - seconds)
                    if inside >= calls:
                        # Wait until the oldest of the last `calls` bookings leaves the window.
                        earliest = booked[len(booked) - calls] + seconds
                        if earliest > start:
                            start, moved = earliest, True
            for booked, _seconds, _calls in windows:
                bisect.insort(booked, start)
            return max(0.0, start - now)

    def _window(self, key: str, seconds: int, now: float) -> list[float]:
        """The bookings of one window, without those that ended before `now`."""
        booked = self._booked.setdefault((key, seconds), [])
        expired = bisect.bisect_right(booked, now - seconds)
        if expired:
            del booked[:expired]
        return booked

    def used(self, endpoint: Endpoint, now: float) -> int:
        """Calls booked in the endpoint's shortest window ending at `now` (for tests, logs)."""
        if not endpoint.rate_limits:
            return 0
        shortest = min(endpoint.rate_limits, key=lambda limit: limit.seconds)
        with self._lock:
            booked = self._window(endpoint.operation, shortest.seconds, now)
            return bisect.bisect_right(booked, now)
