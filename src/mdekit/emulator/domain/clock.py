"""The emulator's clock: real time plus a controllable offset, or frozen.

Token lifetimes, alert times and machine-action progress are all read from one clock so
that tests move time instead of waiting."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class ClockState:
    """What is persisted: an offset from real time, or a frozen instant (epoch seconds)."""

    offset_seconds: float = 0.0
    frozen_at: float | None = None

    def timestamp(self, real_now: float) -> float:
        """The emulator's time when real time is `real_now`."""
        return self.frozen_at if self.frozen_at is not None else real_now + self.offset_seconds

    def advanced(self, seconds: float) -> ClockState:
        frozen = None if self.frozen_at is None else self.frozen_at + seconds
        return ClockState(self.offset_seconds + seconds, frozen)

    def frozen(self, real_now: float) -> ClockState:
        if self.frozen_at is not None:
            return self
        return ClockState(self.offset_seconds, real_now + self.offset_seconds)

    def thawed(self, real_now: float) -> ClockState:
        if self.frozen_at is None:
            return self
        # Resume from the frozen instant: the offset absorbs the time spent frozen.
        return ClockState(self.frozen_at - real_now, None)

    def to_json(self) -> dict[str, float | None]:
        return {"offsetSeconds": self.offset_seconds, "frozenAt": self.frozen_at}

    @staticmethod
    def from_json(value: dict[str, object] | None) -> ClockState:
        if not value:
            return ClockState()
        offset = value.get("offsetSeconds", 0.0)
        frozen = value.get("frozenAt")
        return ClockState(
            float(offset) if isinstance(offset, int | float) else 0.0,
            float(frozen) if isinstance(frozen, int | float) else None,
        )


class Clock:
    """Thread-safe controllable clock. `now()` is timezone-aware UTC."""

    def __init__(self, state: ClockState | None = None) -> None:
        self._lock = threading.Lock()
        self._state = state or ClockState()

    @property
    def state(self) -> ClockState:
        return self._state

    def set_state(self, state: ClockState) -> None:
        with self._lock:
            self._state = state

    def timestamp(self) -> float:
        return self._state.timestamp(time.time())

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def advance(self, delta: timedelta) -> ClockState:
        with self._lock:
            self._state = self._state.advanced(delta.total_seconds())
            return self._state

    def freeze(self) -> ClockState:
        with self._lock:
            self._state = self._state.frozen(time.time())
            return self._state

    def thaw(self) -> ClockState:
        with self._lock:
            self._state = self._state.thawed(time.time())
            return self._state
