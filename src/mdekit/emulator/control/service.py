"""What the control API does: tenants, scripted consent, signing-key rotation, the clock and
token lifetime. Each change is stored in the database, so that every process serving it
sees it and a restart keeps it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mdekit.catalog.permissions import DEFENDER
from mdekit.emulator.control.shared_state import SharedState
from mdekit.emulator.domain.clock import ClockState
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.identity.services import IdentityServices
from mdekit.emulator.identity.tenants import is_guid
from mdekit.emulator.store.records import Tenant
from mdekit.emulator.store.runtime_repo import State

MIN_TOKEN_LIFETIME = 60
MAX_TOKEN_LIFETIME = 24 * 3600


def tenant_json(tenant: Tenant) -> dict[str, Any]:
    return {
        "id": tenant.id,
        "displayName": tenant.display_name,
        "defaultDomain": tenant.default_domain,
    }


def changed_clock(state: ClockState, body: dict[str, Any], real_now: float) -> ClockState:
    """The clock after a control API request (`advance`, `set`, `freeze`, `thaw`)."""
    if "advance" in body:
        seconds = body["advance"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise InvalidInput("'advance' must be a number of seconds.")
        state = state.advanced(float(seconds))
    if "set" in body:
        try:
            target = datetime.fromisoformat(str(body["set"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidInput("'set' must be an ISO 8601 date-time.") from exc
        if target.tzinfo is None:
            target = target.replace(tzinfo=UTC)
        state = state.advanced(target.timestamp() - state.timestamp(real_now))
    if body.get("freeze"):
        state = state.frozen(real_now)
    if body.get("thaw"):
        state = state.thawed(real_now)
    return state


@dataclass
class Control:
    identity: IdentityServices
    seed_tenant: Callable[[Tenant], object]
    """Generates a new tenant's synthetic world."""
    dev_app_id: str
    shared: SharedState

    # -- tenants -------------------------------------------------------------------------

    def tenants(self) -> list[dict[str, Any]]:
        return [tenant_json(t) for t in self.identity.repo.tenants()]

    def tenant(self, key: str) -> Tenant:
        repo = self.identity.repo
        found = repo.tenant(key.lower()) if is_guid(key) else repo.tenant_by_domain(key)
        if found is None:
            raise NotFound(f"Tenant {key} does not exist.")
        return found

    def add_tenant(self, name: str, domain: str | None = None) -> dict[str, Any]:
        directory = self.identity.directory
        tenant = directory.create_tenant(name, domain=domain)
        # The emulator's dev app is its admin tool: consented in every tenant it makes, so
        # that `--tenant T` works with the dev credentials.
        directory.grant_admin_consent(tenant.id, directory.application(self.dev_app_id))
        self.seed_tenant(tenant)
        return tenant_json(tenant)

    # -- consent -------------------------------------------------------------------------

    def grant_consent(self, tenant_key: str, client_id: str) -> dict[str, Any]:
        tenant = self.tenant(tenant_key)
        directory = self.identity.directory
        app = directory.application(client_id)
        granted = directory.grant_admin_consent(tenant.id, app)
        principal = self.identity.repo.service_principal(tenant.id, app.app_id)
        roles = directory.roles_of(principal, DEFENDER) if principal else ()
        return {
            "tenant": tenant.id,
            "clientId": app.app_id,
            "granted": len(granted),
            "roles": list(roles),
        }

    def revoke_consent(self, tenant_key: str, client_id: str) -> None:
        tenant = self.tenant(tenant_key)
        principal = self.identity.repo.service_principal(tenant.id, client_id)
        if principal is None:
            raise NotFound(f"Application {client_id} has no service principal in {tenant.id}.")
        self.identity.repo.delete_service_principal(principal.object_id)

    # -- keys, clock, tokens -------------------------------------------------------------

    def rotate_keys(self) -> dict[str, Any]:
        kid = self.identity.keys.rotate(self.identity.clock.now())
        return {"kid": kid, "keys": [k["kid"] for k in self.identity.keys.jwks()["keys"]]}

    def clock(self) -> dict[str, Any]:
        state = self.identity.clock.state
        return {
            "now": self.identity.clock.now().isoformat().replace("+00:00", "Z"),
            "offsetSeconds": state.offset_seconds,
            "frozen": state.frozen_at is not None,
        }

    def change_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        def change(value: State | None) -> State:
            return changed_clock(ClockState.from_json(value), body, time.time()).to_json()

        self.shared.change("clock", change)
        return self.clock()

    def settings(self) -> dict[str, Any]:
        return {"tokenLifetimeSeconds": self.identity.tokens.settings.lifetime_seconds}

    def change_settings(self, body: dict[str, Any]) -> dict[str, Any]:
        if "tokenLifetimeSeconds" in body:
            lifetime = body["tokenLifetimeSeconds"]
            if (
                not isinstance(lifetime, int)
                or isinstance(lifetime, bool)
                or not MIN_TOKEN_LIFETIME <= lifetime <= MAX_TOKEN_LIFETIME
            ):
                raise InvalidInput(
                    f"tokenLifetimeSeconds must be an integer from {MIN_TOKEN_LIFETIME} to "
                    f"{MAX_TOKEN_LIFETIME}."
                )
            self.shared.change("tokens", lambda _value: {"lifetimeSeconds": lifetime})
        return self.settings()
