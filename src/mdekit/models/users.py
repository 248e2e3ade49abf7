"""User entity, as the examples show it (user.md has no property table, §6.7)."""

from __future__ import annotations

from mdekit.models._base import WireDateTime, WireModel

__all__ = ["LOGON_TYPES", "User"]

LOGON_TYPES = (
    "Interactive",
    "Network",
    "RemoteInteractive",
    "Batch",
    "Service",
    "CachedInteractive",
    "Unlock",
)
"""Logon type names; `logonTypes` joins the ones seen with ", "."""


class User(WireModel):
    """A user seen on devices (`/api/alerts/{id}/user`, `/api/machines/{id}/logonusers`).

    `id` is "domain\\\\name"; `logonTypes` is one string (e.g. "Network")."""

    id: str
    account_name: str | None = None
    account_domain: str | None = None
    account_sid: str | None = None
    first_seen: WireDateTime | None = None
    last_seen: WireDateTime | None = None
    most_prevalent_machine_id: str | None = None
    least_prevalent_machine_id: str | None = None
    logon_types: str | None = None
    log_on_machines_count: int | None = None
    is_domain_admin: bool | None = None
    is_only_network_user: bool | None = None
