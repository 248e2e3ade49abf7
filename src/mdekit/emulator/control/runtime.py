"""The control API's runtime switches: reset and reseed, machine-action progression, quotas,
fault injection and the request journal. Switches are changed through `SharedState`, so
every process on the database sees them (see `control.shared_state`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mdekit.emulator.control.shared_faults import SharedFaults
from mdekit.emulator.control.shared_state import (
    SharedState,
    actions_from_json,
    actions_json,
    quota_switch,
)
from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.domain import actions
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.emulator.domain.faults import FaultRule
from mdekit.emulator.journal import JournalWriter
from mdekit.emulator.store.records import Tenant
from mdekit.emulator.store.runtime_repo import State


def _number(body: dict[str, Any], name: str, *, low: float, high: float) -> float | None:
    if name not in body:
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InvalidInput(f"'{name}' must be a number from {low:g} to {high:g}.")
    return float(value)


@dataclass
class Runtime:
    defender: DefenderServices
    shared: SharedState
    faults: SharedFaults
    journal: JournalWriter
    reseed: Callable[[Tenant, dict[str, int]], dict[str, Any]]
    """Regenerates one tenant's world with the given sizes/seed overrides."""
    tenants: Callable[[], list[Tenant]]
    tenant: Callable[[str], Tenant]

    # -- data ----------------------------------------------------------------------------

    def reset(self) -> dict[str, Any]:
        """Every tenant back to its seeded world; faults, quotas and the journal cleared."""
        done = [self.reseed(tenant, {}) for tenant in self.tenants()]
        self.faults.clear()
        self.defender.limiter.store.clear()
        self.journal.clear()
        return {"tenants": done}

    def seed(self, body: dict[str, Any]) -> dict[str, Any]:
        sizes: dict[str, int] = {}
        for name, high in (("machines", 200_000), ("alerts", 2_000_000), ("seed", 2**31)):
            value = _number(body, name, low=0, high=high)
            if value is not None:
                sizes[name] = int(value)
        key = body.get("tenant")
        targets = [self.tenant(str(key))] if key else self.tenants()[:1]
        return {"tenants": [self.reseed(tenant, sizes) for tenant in targets]}

    # -- machine actions -----------------------------------------------------------------

    def action_settings(self) -> dict[str, Any]:
        return actions_json(self.defender.actions)

    def change_action_settings(self, body: dict[str, Any]) -> dict[str, Any]:
        def change(value: State | None) -> State:
            settings = actions_from_json(value) if value else self.defender.actions
            mode = settings.mode
            if "mode" in body:
                try:
                    mode = actions.Mode(str(body["mode"]).lower())
                except ValueError as exc:
                    modes = ", ".join(m.value for m in actions.Mode)
                    raise InvalidInput(f"'mode' must be one of {modes}.") from exc
            pending = _number(body, "pendingSeconds", low=0, high=86400)
            done = _number(body, "doneSeconds", low=0, high=86400)
            pending = settings.timings.pending_seconds if pending is None else pending
            done = settings.timings.done_seconds if done is None else done
            if done < pending:
                raise InvalidInput("'doneSeconds' must not be less than 'pendingSeconds'.")
            return {"mode": mode.value, "pendingSeconds": pending, "doneSeconds": done}

        return self.shared.change("actions", change)

    # -- quotas --------------------------------------------------------------------------

    def quotas(self) -> dict[str, Any]:
        limiter = self.defender.limiter
        return {"enabled": limiter.enabled, "scale": limiter.scale}

    def change_quotas(self, body: dict[str, Any]) -> dict[str, Any]:
        enabled = body.get("enabled")
        if "enabled" in body and not isinstance(enabled, bool):
            raise InvalidInput("'enabled' must be true or false.")
        scale = _number(body, "scale", low=0.0001, high=1_000_000)
        self.shared.change("quotas", quota_switch(self.defender.limiter, enabled, scale))
        return self.quotas()

    # -- faults --------------------------------------------------------------------------

    def list_faults(self) -> list[dict[str, object]]:
        return [rule.describe() for rule in self.faults.rules()]

    def add_fault(self, body: dict[str, Any]) -> dict[str, object]:
        path = body.get("path")
        if not isinstance(path, str) or not path.startswith(("/", "*")):
            raise InvalidInput("'path' must be a path pattern such as /api/alerts* .")
        status = body.get("status", 503)
        if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
            raise InvalidInput("'status' must be an HTTP status code or null.")
        count = body.get("count", 1)
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise InvalidInput("'count' must be a whole number or null (until cleared).")
        retry_after = _number(body, "retryAfter", low=0, high=86400)
        stall = _number(body, "stallSeconds", low=0, high=600) or 0.0
        method = body.get("method")
        try:
            rule = self.faults.add(
                FaultRule(
                    path=path,
                    status=status,
                    count=count,
                    retry_after=int(retry_after) if retry_after is not None else None,
                    stall_seconds=stall,
                    method=str(method) if method else None,
                )
            )
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        return rule.describe()

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- journal -------------------------------------------------------------------------

    def journal_entries(self, query: dict[str, str]) -> list[dict[str, Any]]:
        def number(name: str, default: int) -> int:
            text = query.get(name)
            if text is None:
                return default
            if not text.isdigit():
                raise InvalidInput(f"'{name}' must be a whole number.")
            return int(text)

        status = query.get("status")
        return self.journal.entries(
            since_seq=number("since", 0),
            limit=min(number("limit", 500), 5000),
            status=number("status", 0) if status else None,
            app_id=query.get("app"),
            tenant_id=query.get("tenant"),
            path_contains=query.get("path"),
        )
