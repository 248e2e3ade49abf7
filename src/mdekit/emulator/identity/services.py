"""The identity side's services, bundled for the routes (held on `app.state.identity`)."""

from __future__ import annotations

from dataclasses import dataclass

from mdekit.emulator.domain.clock import Clock
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.identity.keys import KeyRing
from mdekit.emulator.identity.token_service import TokenService
from mdekit.emulator.store.identity_repo import IdentityRepository


@dataclass
class IdentityServices:
    repo: IdentityRepository
    clock: Clock
    keys: KeyRing
    directory: Directory
    tokens: TokenService

    def tenant_exists(self, tenant_id: str) -> bool:
        """Asked on every API call: answered from the cached directory."""
        return self.tokens.directory_now().tenant(tenant_id) is not None
