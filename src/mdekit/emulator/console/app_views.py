"""What the app registration pages show and change, as the portal does it: the permissions an
app asks for with their consent status per tenant, the catalog to add from, credentials
(secret hints only, never values), and the portal's side effects (registering in the portal
also creates the app's service principal in its home tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from mdekit.catalog.permissions import DEFENDER, GRAPH, ResourceApi, resource_for
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.store.records import Application, ResourceAccess, Tenant

CATALOG_APIS: tuple[ResourceApi, ...] = (DEFENDER, GRAPH)
"""The APIs whose application permissions the console offers (the guide's and Graph's)."""

SECRET_LIFETIMES = tuple(
    (str(days), f"{days} days ({months} months)")
    for days, months in ((180, 6), (365, 12), (545, 18), (730, 24))
)
"""The portal's choices for a new secret's lifetime."""
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class PermissionRow:
    api: str
    value: str
    display_name: str
    description: str
    key: str
    """`resourceAppId:roleId`, what the remove form posts."""
    granted: tuple[bool, ...]
    """Per tenant of `PermissionsView.tenants`: is it granted there?"""


@dataclass(frozen=True)
class Choice:
    key: str
    value: str
    display_name: str
    description: str
    configured: bool


@dataclass(frozen=True)
class PermissionsView:
    rows: list[PermissionRow]
    tenants: list[Tenant]
    """Tenants where the app has a service principal, its home tenant first."""
    catalog: list[tuple[str, list[Choice]]]
    all_granted_at_home: bool


def permission_key(api: ResourceApi, role_id: str) -> str:
    return f"{api.app_id}:{role_id}"


def _granted_ids(directory: Directory, tenant_id: str, app: Application) -> set[tuple[str, str]]:
    """(resource app id, role id) pairs granted to the app's principal in `tenant_id`."""
    repo = directory.repo
    principal = repo.service_principal(tenant_id, app.app_id)
    if principal is None:
        return set()
    by_object = {sp.object_id: sp.app_id for sp in repo.service_principals(tenant_id)}
    return {
        (by_object.get(a.resource_id, ""), a.app_role_id)
        for a in repo.assignments_of(principal.object_id)
    }


def consent_tenants(directory: Directory, app: Application) -> list[Tenant]:
    tenants = directory.repo.tenants()
    home = [t for t in tenants if t.id == app.tenant_id]
    others = [
        t
        for t in tenants
        if t.id != app.tenant_id and directory.repo.service_principal(t.id, app.app_id)
    ]
    return home + others


def permissions_view(directory: Directory, app: Application) -> PermissionsView:
    tenants = consent_tenants(directory, app)
    granted = [_granted_ids(directory, t.id, app) for t in tenants]
    rows = []
    configured = set()
    for entry in app.required_resource_access:
        api = resource_for(entry.resource_app_id)
        for role_id in entry.role_ids:
            role = api.role_by_id(role_id) if api else None
            if api is None or role is None:
                continue
            configured.add(permission_key(api, role.id))
            rows.append(
                PermissionRow(
                    api.name,
                    role.value,
                    role.display_name,
                    role.description,
                    permission_key(api, role.id),
                    tuple((api.app_id, role.id) in ids for ids in granted),
                )
            )
    catalog = [
        (
            api.name,
            [
                Choice(
                    permission_key(api, role.id),
                    role.value,
                    role.display_name,
                    role.description,
                    permission_key(api, role.id) in configured,
                )
                for role in sorted(api.application_roles, key=lambda r: r.value.lower())
            ],
        )
        for api in CATALOG_APIS
    ]
    at_home = bool(rows) and all(row.granted[0] for row in rows if row.granted)
    return PermissionsView(rows, tenants, catalog, at_home)


def _parse_key(key: str) -> tuple[ResourceApi, str]:
    app_id, _, role_id = key.partition(":")
    api = resource_for(app_id) if app_id else None
    if api is None or api not in CATALOG_APIS or api.role_by_id(role_id) is None:
        raise InvalidInput(f"Unknown permission {key!r}.")
    return api, role_id.lower()


def with_permissions(app: Application, keys: list[str]) -> tuple[ResourceAccess, ...]:
    """The app's requiredResourceAccess with the chosen permissions added (in order)."""
    wanted: dict[str, list[str]] = {
        entry.resource_app_id: list(entry.role_ids) for entry in app.required_resource_access
    }
    for key in keys:
        api, role_id = _parse_key(key)
        roles = wanted.setdefault(api.app_id, [])
        if role_id not in roles:
            roles.append(role_id)
    return tuple(ResourceAccess(app_id, tuple(ids)) for app_id, ids in wanted.items())


def without_permission(app: Application, key: str) -> tuple[ResourceAccess, ...]:
    api, role_id = _parse_key(key)
    access = []
    for entry in app.required_resource_access:
        ids = entry.role_ids
        if entry.resource_app_id == api.app_id:
            ids = tuple(i for i in ids if i != role_id)
        if ids:
            access.append(ResourceAccess(entry.resource_app_id, ids))
    return tuple(access)


def revoke_consent(directory: Directory, tenant_id: str, app: Application) -> int:
    """Delete the app's role assignments in `tenant_id` (the portal's "Revoke admin consent");
    the service principal stays. Returns how many were removed."""
    repo = directory.repo
    principal = repo.service_principal(tenant_id, app.app_id)
    if principal is None:
        return 0
    assignments = repo.assignments_of(principal.object_id)
    for assignment in assignments:
        repo.delete_assignment(assignment.id)
    return len(assignments)


def register(
    directory: Directory, tenant: Tenant, name: str, audience: str, redirect_uri: str
) -> Application:
    """Register as the portal does: the registration plus its service principal at home."""
    name = name.strip()
    if not name:
        raise InvalidInput("The app needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"The name is longer than {MAX_NAME_LENGTH} characters.")
    uris: tuple[str, ...] = ()
    if redirect_uri:
        if not redirect_uri.startswith(("https://", "http://localhost")):
            raise InvalidInput("A web redirect URI must start with https:// (or http://localhost).")
        uris = (redirect_uri,)
    app = directory.register_application(
        tenant.id, name, sign_in_audience=audience, redirect_uris=uris
    )
    directory.ensure_service_principal(tenant.id, app)
    return app


def secret_lifetime(days_text: str) -> timedelta:
    allowed = {days for days, _ in SECRET_LIFETIMES}
    if days_text not in allowed:
        raise InvalidInput("Choose one of the offered lifetimes.")
    return timedelta(days=int(days_text))
