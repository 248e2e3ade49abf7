"""Application permissions (app roles) and delegated scopes of the APIs mdekit knows:
WindowsDefenderATP and the part of Microsoft Graph mdekit needs. Data only: the emulator,
the client and the CLI all read it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from mdekit.catalog.defender_permissions import (
    DEFENDER_APP_ROWS,
    DEFENDER_SCOPE_ROWS,
    DEFENDER_USER_ROWS,
    DOC_SPELLINGS,
    Row,
)


@dataclass(frozen=True)
class AppRole:
    """One app role as an API's service principal publishes it."""

    value: str
    id: str
    display_name: str
    description: str
    allowed_member_types: tuple[str, ...] = ("Application",)
    """`Application` for application permissions; `User` for roles only users may hold."""

    @property
    def is_application_permission(self) -> bool:
        return "Application" in self.allowed_member_types


@dataclass(frozen=True)
class DelegatedScope:
    """One delegated permission (oauth2PermissionScope): what an app may do for a user."""

    value: str
    id: str
    display_name: str
    description: str


@dataclass(frozen=True)
class ResourceApi:
    """An API that apps ask tokens for (a "resource" in v1 terms)."""

    name: str
    app_id: str
    identifiers: tuple[str, ...]
    """Every string Entra accepts as this resource: App ID URIs and the app id GUID."""
    app_roles: tuple[AppRole, ...] = field(default=())
    scopes: tuple[DelegatedScope, ...] = field(default=())

    def role(self, value: str) -> AppRole | None:
        for role in self.app_roles:
            if role.value.lower() == value.lower():
                return role
        return None

    def role_by_id(self, role_id: str) -> AppRole | None:
        for role in self.app_roles:
            if role.id == role_id.lower():
                return role
        return None

    def scope(self, value: str) -> DelegatedScope | None:
        for scope in self.scopes:
            if scope.value.lower() == value.lower():
                return scope
        return None

    @property
    def role_values(self) -> tuple[str, ...]:
        return tuple(role.value for role in self.app_roles)

    @property
    def application_roles(self) -> tuple[AppRole, ...]:
        """The roles an application (not a user) can be granted."""
        return tuple(role for role in self.app_roles if role.is_application_permission)

    @property
    def scope_values(self) -> tuple[str, ...]:
        return tuple(scope.value for scope in self.scopes)

    def matches(self, identifier: str) -> bool:
        """True when `identifier` (an audience or a v1 resource) names this API."""
        wanted = identifier.rstrip("/").lower()
        return any(wanted == known.rstrip("/").lower() for known in self.identifiers)


def _roles(
    rows: tuple[Row, ...], member_types: tuple[str, ...] = ("Application",)
) -> tuple[AppRole, ...]:
    return tuple(AppRole(v, i.lower(), d, desc, member_types) for v, i, d, desc in rows)


def _scopes(rows: tuple[Row, ...]) -> tuple[DelegatedScope, ...]:
    return tuple(DelegatedScope(v, i.lower(), d, desc) for v, i, d, desc in rows)


DEFENDER = ResourceApi(
    name="WindowsDefenderATP",
    app_id="fc780465-2017-40d4-a0c5-307022471b92",
    # `https://api.security.microsoft.com` is *not* here although it is the newest API host:
    # as an App ID URI it names Microsoft Threat Protection, another service principal.
    identifiers=(
        "https://api.securitycenter.microsoft.com",
        "https://api.securitycenter.windows.com",
        "https://securitycenter.onmicrosoft.com/windowsatpservice",
        "https://api-gcc.securitycenter.microsoft.us",
        "https://api-gov.securitycenter.microsoft.us",
        "fc780465-2017-40d4-a0c5-307022471b92",
    ),
    app_roles=(*_roles(DEFENDER_APP_ROWS), *_roles(DEFENDER_USER_ROWS, ("User",))),
    scopes=_scopes(DEFENDER_SCOPE_ROWS),
)

THREAT_PROTECTION = ResourceApi(
    name="Microsoft Threat Protection",
    app_id="8ee8fdad-f234-4243-8f3b-15c294843740",
    identifiers=("https://api.security.microsoft.com", "8ee8fdad-f234-4243-8f3b-15c294843740"),
)
"""The Microsoft 365 Defender API's service principal. Known so that a token asked for
`https://api.security.microsoft.com` is recognised as *not* a Defender for Endpoint token;
its own roles (incidents, hunting) are not modelled."""

_GRAPH_ROLES: tuple[Row, ...] = (
    # Ids, display names and descriptions from the Microsoft Graph permissions reference and
    # dumps of the Microsoft Graph service principal's appRoles.
    ("Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Read all applications",
     "Allows the app to read all applications and service principals without a signed-in "
     "user."),
    ("Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
     "Read and write all applications",
     "Allows the app to create, read, update and delete applications and service principals "
     "without a signed-in user.  Does not allow management of consent grants."),
    ("Application.ReadWrite.OwnedBy", "18a4783c-866b-4cc7-a460-3d5e5662c884",
     "Manage apps that this app creates or owns",
     "Allows the app to create other applications, and fully manage those applications "
     "(read, update, update application secrets and delete), without a signed-in user. "
     "\u00a0It cannot update any apps that it is not an owner of."),
    ("AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f",
     "Manage app permission grants and app role assignments",
     "Allows the app to manage permission grants for application permissions to any API "
     "(including Microsoft Graph) and application assignments for any app, without a "
     "signed-in user."),
    ("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Read directory data",
     "Allows the app to read data in your organization's directory, such as users, groups "
     "and apps, without a signed-in user."),
    ("SecurityAlert.Read.All", "472e4a4d-bb4a-4026-98d1-0b0d74cb74a5",
     "Read all security alerts",
     "Allows the app to read all security alerts, without a signed-in user."),
    ("SecurityAlert.ReadWrite.All", "ed4fca05-be46-441f-9803-1873825f8fdb",
     "Read and write to all security alerts",
     "Allows the app to read and write to all security alerts, without a signed-in user."),
    ("SecurityIncident.Read.All", "45cc0394-e837-488b-a098-1918f48d186c",
     "Read all security incidents",
     "Allows the app to read all security incidents, without a signed-in user."),
    ("ThreatHunting.Read.All", "dd98c7f5-2d42-42d3-a0e4-633161547251", "Run hunting queries",
     "Allows the app to run hunting queries, without a signed-in user."),
)  # fmt: skip

GRAPH = ResourceApi(
    name="Microsoft Graph",
    app_id="00000003-0000-0000-c000-000000000000",
    identifiers=(
        "https://graph.microsoft.com",
        "https://graph.microsoft.us",
        "https://dod-graph.microsoft.us",
        "00000003-0000-0000-c000-000000000000",
    ),
    app_roles=_roles(_GRAPH_ROLES),
)

RESOURCE_APIS: tuple[ResourceApi, ...] = (DEFENDER, GRAPH, THREAT_PROTECTION)


def resource_for(identifier: str) -> ResourceApi | None:
    """The API an audience, v1 resource or app id names, if any."""
    for api in RESOURCE_APIS:
        if api.matches(identifier):
            return api
    return None


def find_permission(name: str) -> tuple[ResourceApi, AppRole] | None:
    """Look an app role up by its value, case-insensitively, in every known API."""
    for api in RESOURCE_APIS:
        role = api.role(name)
        if role is not None:
            return api, role
    return None


def published_spelling(name: str) -> str | None:
    """The published value for a permission name the docs misprint, else None."""
    for printed, published in DOC_SPELLINGS:
        if printed.lower() == name.lower():
            return published
    return None


def suggest_permission(name: str) -> str | None:
    """The closest known application permission, for "did you mean ...?" messages."""
    known = published_spelling(name)
    if known is not None and find_permission(known) is not None:
        return known
    values = [role.value for api in RESOURCE_APIS for role in api.application_roles]
    lowered = {value.lower(): value for value in values}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None
