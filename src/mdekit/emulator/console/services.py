"""What the console's pages act with: the directory (through its consent and Graph rules), the
Defender services (data, hunting, signing keys, clock) and the request journal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request

from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.graph.service import GraphDirectory
from mdekit.emulator.identity.consent import ConsentService
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.identity.services import IdentityServices
from mdekit.emulator.journal import JournalWriter


def _no_journal() -> JournalWriter | None:
    return None


@dataclass
class ConsoleServices:
    consent: ConsentService
    admin_key: str
    loopback_open: bool
    """Whether loopback callers are the admin without the key (loopback-bound emulator)."""
    defender: DefenderServices | None = None
    graph: GraphDirectory | None = None
    journal: Callable[[], JournalWriter | None] = field(default=_no_journal)
    """The journal writer of this process; a callable because the runtime may replace it."""

    @property
    def directory(self) -> Directory:
        return self.consent.directory

    @property
    def identity(self) -> IdentityServices:
        return self.data.identity

    @property
    def data(self) -> DefenderServices:
        if self.defender is None:
            raise LookupError("the console was built without the Defender services")
        return self.defender

    @property
    def apps(self) -> GraphDirectory:
        return self.graph or GraphDirectory(self.directory)


def console_services(request: Request) -> ConsoleServices:
    svc: ConsoleServices = request.app.state.console
    return svc
