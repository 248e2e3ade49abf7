"""Directory reads that the token endpoint and every bearer check make, cached in memory.

Invalidation, safe with several worker processes on one database: every write to a
directory table changes a stamp row in the same transaction (`store.directory_stamp`), and
`DirectoryCache.view()` reads that one row (by primary key) on every request, starting an
empty cache whenever it moved. So a consent revoked, a secret removed or a key rotated by
any process is seen by the very next request of every process; no time-based expiry."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from mdekit.catalog.permissions import ResourceApi
from mdekit.emulator.store.directory_stamp import StampReader, watch_directory_writes
from mdekit.emulator.store.identity_repo import IdentityRepository
from mdekit.emulator.store.records import (
    Application,
    AppRoleAssignment,
    KeyCredential,
    PasswordCredential,
    ServicePrincipal,
    Tenant,
)

MAX_ENTRIES = 20_000
"""Per stamp: lookups of unknown ids are cached too, so a flood of junk ids is bounded."""

T = TypeVar("T")


class DirectoryReader(Protocol):
    """The directory reads the token service and bearer checks need (the repository's)."""

    def tenant(self, tenant_id: str) -> Tenant | None: ...
    def tenant_by_domain(self, domain: str) -> Tenant | None: ...
    def application_by_app_id(self, app_id: str) -> Application | None: ...
    def service_principal(self, tenant_id: str, app_id: str) -> ServicePrincipal | None: ...
    def passwords(self, application_object_id: str) -> Sequence[PasswordCredential]: ...
    def keys(self, application_object_id: str) -> Sequence[KeyCredential]: ...
    def assignments_of(self, principal_id: str) -> Sequence[AppRoleAssignment]: ...


def roles_granted(
    reader: DirectoryReader, principal: ServicePrincipal, api: ResourceApi
) -> tuple[str, ...]:
    """Role values granted to `principal` on `api` in the principal's tenant."""
    resource = reader.service_principal(principal.tenant_id, api.app_id)
    if resource is None:
        return ()
    values: list[str] = []
    for assignment in reader.assignments_of(principal.object_id):
        if assignment.resource_id != resource.object_id:
            continue
        role = api.role_by_id(assignment.app_role_id)
        if role is not None and role.value not in values:
            values.append(role.value)
    return tuple(values)


class _Generation:
    """Everything read while the stamp had one value."""

    def __init__(self, stamp: str | None) -> None:
        self.stamp = stamp
        self.entries: dict[tuple[str, ...], object] = {}


class DirectoryView:
    """The directory as of one stamp: reads go to the cache, misses to the repository."""

    def __init__(self, repo: IdentityRepository, generation: _Generation) -> None:
        self._repo = repo
        self._generation = generation

    @property
    def stamp(self) -> str | None:
        return self._generation.stamp

    def _memo(self, key: tuple[str, ...], load: Callable[[], T]) -> T:
        entries = self._generation.entries
        if key in entries:
            return entries[key]  # type: ignore[return-value]
        value = load()
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[key] = value
        return value

    def tenant(self, tenant_id: str) -> Tenant | None:
        return self._memo(("tenant", tenant_id), lambda: self._repo.tenant(tenant_id))

    def tenant_by_domain(self, domain: str) -> Tenant | None:
        key = ("domain", domain.lower())
        return self._memo(key, lambda: self._repo.tenant_by_domain(domain))

    def application_by_app_id(self, app_id: str) -> Application | None:
        key = ("app", app_id.lower())
        return self._memo(key, lambda: self._repo.application_by_app_id(app_id))

    def service_principal(self, tenant_id: str, app_id: str) -> ServicePrincipal | None:
        key = ("sp", tenant_id, app_id.lower())
        return self._memo(key, lambda: self._repo.service_principal(tenant_id, app_id))

    def passwords(self, application_object_id: str) -> Sequence[PasswordCredential]:
        key = ("passwords", application_object_id)
        return self._memo(key, lambda: tuple(self._repo.passwords(application_object_id)))

    def keys(self, application_object_id: str) -> Sequence[KeyCredential]:
        key = ("keys", application_object_id)
        return self._memo(key, lambda: tuple(self._repo.keys(application_object_id)))

    def assignments_of(self, principal_id: str) -> Sequence[AppRoleAssignment]:
        key = ("assignments", principal_id)
        return self._memo(key, lambda: tuple(self._repo.assignments_of(principal_id)))

    def roles_of(self, principal: ServicePrincipal, api: ResourceApi) -> tuple[str, ...]:
        key = ("roles", principal.object_id, principal.tenant_id, api.app_id)
        return self._memo(key, lambda: roles_granted(self, principal, api))


class DirectoryCache:
    """Hands out a `DirectoryView` of the current stamp; see the module docstring."""

    def __init__(self, repo: IdentityRepository) -> None:
        self._repo = repo
        watch_directory_writes(repo.engine)
        self._read_stamp = StampReader(repo.engine)
        self._lock = threading.Lock()
        self._generation = _Generation(self._read_stamp())

    def view(self) -> DirectoryView:
        """The directory now: reads the stamp (one indexed row) and starts afresh if it moved."""
        stamp = self._read_stamp()
        generation = self._generation
        if generation.stamp != stamp:
            with self._lock:
                generation = self._generation
                if generation.stamp != stamp:
                    generation = self._generation = _Generation(stamp)
        return DirectoryView(self._repo, generation)
