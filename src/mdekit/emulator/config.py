"""How an emulator instance is set up: where its state lives and what world it starts with."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_state_dir() -> Path:
    """`$MDE_EMULATOR_STATE_DIR`, else `$XDG_STATE_HOME/mdekit/emulator` (~/.local/state/...)."""
    explicit = os.environ.get("MDE_EMULATOR_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "mdekit" / "emulator"


@dataclass(frozen=True)
class EmulatorConfig:
    state_dir: Path
    db_url: str | None = None
    """SQLAlchemy URL; SQLite in the state directory when None."""
    seed: int = 1
    """Seed of the synthetic world: the same seed gives the same machines and alerts."""
    machines: int = 25
    alerts: int = 60
    events: int | None = None
    """Advanced Hunting event rows per tenant; None: a volume in proportion to the world."""
    token_lifetime_seconds: int = 3600
    quotas: bool | None = True
    """Switch the documented quotas on or off at start, for every process on the database;
    None keeps what the database says (on when nothing was ever set)."""
    tenant_name: str = "Contoso"
    loopback_admin: bool = True
    """Whether callers on loopback are the admin without the admin key (true when the
    emulator listens on loopback only)."""
    redis_url: str | None = None
    """Redis for the quota counters (several processes or hosts); the database when None."""
    sync_seconds: float = 0.25
    """How often a process looks for switches (clock, faults, quotas, keys) changed by
    another process on the same database."""

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.state_dir / 'emulator.db'}"
