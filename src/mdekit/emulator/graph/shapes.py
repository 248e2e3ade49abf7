"""Microsoft Graph's JSON shapes for the directory objects the emulator keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mdekit.catalog.permissions import ResourceApi, resource_for
from mdekit.emulator.store.records import (
    Application,
    AppRoleAssignment,
    KeyCredential,
    PasswordCredential,
    ServicePrincipal,
    Tenant,
)


def graph_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def password_json(cred: PasswordCredential, secret_text: str | None = None) -> dict[str, Any]:
    return {
        "customKeyIdentifier": None,
        "displayName": cred.display_name,
        "endDateTime": graph_time(cred.end),
        "hint": cred.hint,
        "keyId": cred.key_id,
        "secretText": secret_text,
        "startDateTime": graph_time(cred.start),
    }


def key_json(cred: KeyCredential) -> dict[str, Any]:
    return {
        "customKeyIdentifier": cred.thumbprint_sha1,
        "displayName": cred.display_name,
        "endDateTime": graph_time(cred.end),
        "key": None,
        "keyId": cred.key_id,
        "startDateTime": graph_time(cred.start),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }


def application_json(
    app: Application,
    tenant: Tenant,
    passwords: list[PasswordCredential],
    keys: list[KeyCredential],
) -> dict[str, Any]:
    return {
        "id": app.object_id,
        "deletedDateTime": None,
        "appId": app.app_id,
        "createdDateTime": graph_time(app.created),
        "displayName": app.display_name,
        "publisherDomain": tenant.default_domain,
        "signInAudience": app.sign_in_audience,
        "identifierUris": [],
        "tags": [],
        "requiredResourceAccess": [entry.to_graph() for entry in app.required_resource_access],
        "passwordCredentials": [password_json(p) for p in passwords],
        "keyCredentials": [key_json(k) for k in keys],
        "web": {"redirectUris": list(app.web_redirect_uris), "homePageUrl": None},
    }


def app_roles_json(api: ResourceApi) -> list[dict[str, Any]]:
    return [
        {
            "allowedMemberTypes": list(role.allowed_member_types),
            "description": role.description,
            "displayName": role.display_name,
            "id": role.id,
            "isEnabled": True,
            "origin": "Application",
            "value": role.value,
        }
        for role in api.app_roles
    ]


def service_principal_json(sp: ServicePrincipal, app: Application | None) -> dict[str, Any]:
    api = resource_for(sp.app_id)
    return {
        "id": sp.object_id,
        "deletedDateTime": None,
        "accountEnabled": True,
        "appDisplayName": sp.display_name,
        "appId": sp.app_id,
        "appOwnerOrganizationId": sp.app_owner_tenant_id,
        "displayName": sp.display_name,
        "servicePrincipalNames": [sp.app_id],
        "servicePrincipalType": "Application",
        "signInAudience": app.sign_in_audience if app else "AzureADMultipleOrgs",
        "appRoles": app_roles_json(api) if api else [],
        "tags": [],
        "createdDateTime": graph_time(sp.created),
    }


def assignment_json(
    assignment: AppRoleAssignment, principal: ServicePrincipal, resource: ServicePrincipal
) -> dict[str, Any]:
    return {
        "id": assignment.id,
        "deletedDateTime": None,
        "appRoleId": assignment.app_role_id,
        "createdDateTime": graph_time(assignment.created),
        "principalDisplayName": principal.display_name,
        "principalId": principal.object_id,
        "principalType": "ServicePrincipal",
        "resourceDisplayName": resource.display_name,
        "resourceId": resource.object_id,
    }


def organization_json(tenant: Tenant) -> dict[str, Any]:
    return {
        "id": tenant.id,
        "displayName": tenant.display_name,
        "createdDateTime": graph_time(tenant.created),
        "tenantType": "AAD",
        "verifiedDomains": [
            {
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": True,
                "isInitial": True,
                "name": tenant.default_domain,
                "type": "Managed",
            }
        ],
    }
