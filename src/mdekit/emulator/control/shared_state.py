"""The runtime switches every emulator process on one database shares: the clock, quotas
(on/off and scale), machine-action progression, token lifetime, signing keys and fault
rules. Each lives in the database with a version; a background thread polls the versions
(`sync_seconds`, a quarter second by default) and reloads what another process changed,
and a change made here is applied here at once.

So a worker sees another's control-API change within one poll, and a restarted process
starts from what the service was doing, not from its command line."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from mdekit.emulator.defender.context import ActionSettings
from mdekit.emulator.domain.actions import Mode, Timings
from mdekit.emulator.domain.clock import Clock, ClockState
from mdekit.emulator.domain.throttle import Limiter
from mdekit.emulator.identity.keys import KeyRing
from mdekit.emulator.identity.token_service import TokenService, TokenSettings
from mdekit.emulator.store.runtime_repo import RuntimeEntry, RuntimeRepository, State

DEFAULT_SYNC_SECONDS = 0.25
HOUSEKEEPING_SECONDS = 60.0
log = logging.getLogger("mdekit.emulator.shared")


def actions_json(settings: ActionSettings) -> State:
    return {
        "mode": settings.mode.value,
        "pendingSeconds": settings.timings.pending_seconds,
        "doneSeconds": settings.timings.done_seconds,
    }


def actions_from_json(value: State | None) -> ActionSettings:
    if not value:
        return ActionSettings()
    defaults = Timings()
    return ActionSettings(
        Mode(str(value.get("mode", Mode.AUTO.value))),
        Timings(
            float(value.get("pendingSeconds", defaults.pending_seconds)),
            float(value.get("doneSeconds", defaults.done_seconds)),
        ),
    )


class SharedState:
    """This process's view of the shared switches, and the way to change them."""

    def __init__(
        self,
        repo: RuntimeRepository,
        *,
        clock: Clock,
        limiter: Limiter,
        actions: ActionSettings,
        tokens: TokenService,
        keys: KeyRing,
        reload_faults: Callable[[], None],
        default_lifetime: int,
        sync_seconds: float = DEFAULT_SYNC_SECONDS,
        housekeeping: Callable[[], object] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.limiter = limiter
        self.actions = actions
        self.tokens = tokens
        self.keys = keys
        self._reload_faults = reload_faults
        self._default_lifetime = default_lifetime
        self._default_quotas = limiter.enabled
        self._sync_seconds = sync_seconds
        self._housekeeping = housekeeping
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Apply whatever changed since the last look (one small query)."""
        for entry in self.repo.entries().values():
            self._apply(entry)

    def _apply(self, entry: RuntimeEntry) -> None:
        with self._lock:
            # A change made here may be applied before an older poll result arrives.
            if entry.version <= self._seen.get(entry.name, -1):
                return
            self._seen[entry.name] = entry.version
            applier = self._appliers().get(entry.name)
            if applier is not None:
                applier(entry.value)

    def _appliers(self) -> dict[str, Callable[[State | None], None]]:
        return {
            "clock": lambda value: self.clock.set_state(ClockState.from_json(value)),
            "quotas": self._apply_quotas,
            "actions": self._apply_actions,
            "tokens": self._apply_tokens,
            "keys": lambda _value: self.keys.reload(),
            "faults": lambda _value: self._reload_faults(),
        }

    def _apply_quotas(self, value: State | None) -> None:
        value = value or {}
        self.limiter.enabled = bool(value.get("enabled", self._default_quotas))
        self.limiter.scale = float(value.get("scale", 1.0))

    def _apply_actions(self, value: State | None) -> None:
        stored = actions_from_json(value)
        self.actions.mode = stored.mode
        self.actions.timings = stored.timings

    def _apply_tokens(self, value: State | None) -> None:
        lifetime = (value or {}).get("lifetimeSeconds", self._default_lifetime)
        self.tokens.settings = TokenSettings(lifetime_seconds=int(lifetime))

    # -- changing ------------------------------------------------------------------------

    def change(self, name: str, change: Callable[[State | None], State]) -> State:
        """Change a switch for every process; `change` gets the stored value (None when never
        set) and may raise to refuse (nothing is written then)."""
        entry = self.repo.update(name, change)
        self._apply(entry)
        assert entry.value is not None
        return entry.value

    # -- polling -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None and self._sync_seconds > 0:
            self._thread = threading.Thread(target=self._run, name="mdekit-shared", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        ticks_per_housekeeping = max(1, round(HOUSEKEEPING_SECONDS / self._sync_seconds))
        tick = 0
        while not self._stop.wait(self._sync_seconds):
            tick += 1
            try:
                self.refresh()
                if self._housekeeping is not None and tick % ticks_per_housekeeping == 0:
                    self._housekeeping()
            except SQLAlchemyError as exc:
                # The database is away for a moment: keep serving with what we know.
                log.warning("could not read the shared state: %s", exc)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


def quota_switch(
    limiter: Limiter, enabled: bool | None, scale: float | None
) -> Callable[[State | None], State]:
    """A `change` for the quotas row: what is stored (this process's switches when nothing
    is), with `enabled` and `scale` replaced when given."""

    def change(value: State | None) -> State:
        current = {"enabled": limiter.enabled, "scale": limiter.scale}
        updated: dict[str, Any] = {**current, **(value or {})}
        if enabled is not None:
            updated["enabled"] = enabled
        if scale is not None:
            updated["scale"] = scale
        return updated

    return change
