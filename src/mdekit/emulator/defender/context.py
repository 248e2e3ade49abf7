"""What a Defender API handler gets: the matched endpoint, the caller, the request's parts,
and the services to act with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mdekit.catalog.endpoints import Endpoint
from mdekit.emulator.domain.actions import Mode, Timings
from mdekit.emulator.domain.clock import Clock
from mdekit.emulator.domain.throttle import Limiter, MemoryCounters
from mdekit.emulator.hunting.service import HuntingService
from mdekit.emulator.identity.bearer import Caller
from mdekit.emulator.identity.services import IdentityServices
from mdekit.emulator.store.defender_repo import DefenderRepository
from mdekit.emulator.store.entity_repo import EntityRepository


@dataclass
class ActionSettings:
    """How machine actions progress (the control API changes it)."""

    mode: Mode = Mode.AUTO
    timings: Timings = field(default_factory=Timings)


@dataclass
class DefenderServices:
    identity: IdentityServices
    repo: DefenderRepository
    entities: EntityRepository
    clock: Clock
    limiter: Limiter = field(default_factory=lambda: Limiter(MemoryCounters()))
    actions: ActionSettings = field(default_factory=ActionSettings)
    file_secret: str = ""
    """Signs short-lived download links."""
    hunting: HuntingService | None = None


@dataclass(frozen=True)
class Reply:
    """A handler's answer: JSON text (already serialised), raw bytes, or nothing."""

    status: int = 200
    json_text: str | None = None
    media_type: str = "application/json; odata.metadata=minimal"
    headers: tuple[tuple[str, str], ...] = ()
    content: bytes | None = None


@dataclass(frozen=True)
class HandlerContext:
    services: DefenderServices
    endpoint: Endpoint
    path_params: dict[str, str]
    caller: Caller
    params: tuple[tuple[str, str], ...]
    body: Any
    api_base: str
    request_path: str
    request_id: str
    origin: str = ""
    """Scheme and host the client used: the base of download links."""
    form: dict[str, Any] | None = None
    """Multipart form fields (library upload), when the request carried one."""

    @property
    def tenant(self) -> str:
        return self.caller.tenant_id

    def param(self, name: str) -> str | None:
        """A query parameter, matched without regard to case (the docs print both)."""
        wanted = name.lower()
        return next((v for k, v in self.params if k.lower() == wanted), None)
