"""Plain records the repositories hand out: no SQL types leak above the store."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Tenant:
    id: str
    display_name: str
    default_domain: str
    created: float


@dataclass(frozen=True)
class ResourceAccess:
    """One entry of an application's requiredResourceAccess: roles asked of one API."""

    resource_app_id: str
    role_ids: tuple[str, ...]

    def to_graph(self) -> dict[str, object]:
        return {
            "resourceAppId": self.resource_app_id,
            "resourceAccess": [{"id": role_id, "type": "Role"} for role_id in self.role_ids],
        }


def dump_required_access(items: tuple[ResourceAccess, ...]) -> str:
    return json.dumps([item.to_graph() for item in items])


def load_required_access(text: str) -> tuple[ResourceAccess, ...]:
    items = []
    for entry in json.loads(text):
        role_ids = tuple(
            str(access["id"]).lower()
            for access in entry.get("resourceAccess", [])
            if access.get("type", "Role") == "Role"
        )
        items.append(ResourceAccess(str(entry["resourceAppId"]).lower(), role_ids))
    return tuple(items)


@dataclass(frozen=True)
class Application:
    object_id: str
    app_id: str
    tenant_id: str
    display_name: str
    sign_in_audience: str
    required_resource_access: tuple[ResourceAccess, ...]
    web_redirect_uris: tuple[str, ...]
    created: float

    @property
    def multi_tenant(self) -> bool:
        return self.sign_in_audience != "AzureADMyOrg"


@dataclass(frozen=True)
class PasswordCredential:
    key_id: str
    application_object_id: str
    display_name: str | None
    hint: str
    salt: str
    secret_hash: str
    start: float
    end: float


@dataclass(frozen=True)
class KeyCredential:
    key_id: str
    application_object_id: str
    display_name: str | None
    thumbprint_sha1: str
    thumbprint_sha256: str
    certificate_pem: str
    start: float
    end: float


@dataclass(frozen=True)
class ServicePrincipal:
    object_id: str
    tenant_id: str
    app_id: str
    display_name: str
    app_owner_tenant_id: str | None
    created: float


@dataclass(frozen=True)
class AppRoleAssignment:
    id: str
    tenant_id: str
    principal_id: str
    resource_id: str
    app_role_id: str
    created: float


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key_pem: str
    certificate_pem: str
    created: float
    status: str
