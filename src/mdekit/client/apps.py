"""The guide's portal steps as one call: register an app, add application permissions,
grant admin consent, add a secret. Works against the real Graph and the emulator."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mdekit.catalog.permissions import (
    AppRole,
    ResourceApi,
    find_permission,
    resource_for,
    suggest_permission,
)
from mdekit.client.errors import ConfigurationError
from mdekit.client.graph import GraphClient, required_resource_access
from mdekit.client.jwt_info import decode


def resolve_permissions(names: Sequence[str]) -> list[tuple[ResourceApi, AppRole]]:
    """Permission names checked against the catalog, with a suggestion for typos."""
    resolved: list[tuple[ResourceApi, AppRole]] = []
    for name in names:
        found = find_permission(name)
        if found is None or not found[1].is_application_permission:
            suggestion = suggest_permission(name)
            raise ConfigurationError(
                f"unknown application permission {name!r}"
                + (f" -> did you mean {suggestion}?" if suggestion else ""),
                hint="see `mdekit permissions` for the WindowsDefenderATP and Graph permissions",
            )
        if found not in resolved:
            resolved.append(found)
    return resolved


@dataclass
class CreatedApp:
    tenant_id: str
    client_id: str
    object_id: str
    display_name: str
    permissions: list[str]
    consented: bool
    multi_tenant: bool
    client_secret: str | None = None
    secret_id: str | None = None
    secret_end_date: str | None = None
    certificate_thumbprint: str | None = None
    granted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def create_app(
    graph: GraphClient,
    name: str,
    permissions: Sequence[str],
    *,
    grant_consent: bool = False,
    multi_tenant: bool = False,
    secret: bool = True,
    secret_end: datetime | None = None,
    certificate_path: str | None = None,
) -> CreatedApp:
    roles = resolve_permissions(permissions)
    tenant_id = str(decode(graph.token()).claims.get("tid", graph.settings.tenant_id or ""))
    app = graph.create_application(name, roles, multi_tenant=multi_tenant)
    created = CreatedApp(
        tenant_id=tenant_id,
        client_id=app["appId"],
        object_id=app["id"],
        display_name=app["displayName"],
        permissions=[role.value for _, role in roles],
        consented=False,
        multi_tenant=multi_tenant,
    )
    graph.ensure_service_principal(app["appId"])
    if certificate_path:
        key = add_certificate(graph, app["appId"], certificate_path)
        created.certificate_thumbprint = key.get("customKeyIdentifier")
    if secret:
        password = graph.add_password(app["id"], "mdekit", secret_end)
        created.client_secret = password["secretText"]
        created.secret_id = password["keyId"]
        created.secret_end_date = password["endDateTime"]
    if grant_consent:
        granted = graph.grant_admin_consent(app)
        created.consented = True
        names = {role.id: role.value for _, role in roles}
        created.granted = [names.get(a["appRoleId"], a["appRoleId"]) for a in granted]
    return created


# -- managing an existing registration ----------------------------------------------------


def app_summary(app: dict[str, Any]) -> dict[str, Any]:
    """The fields people look at, with permission names instead of role GUIDs."""
    return {
        "client_id": app["appId"],
        "object_id": app["id"],
        "display_name": app["displayName"],
        "sign_in_audience": app.get("signInAudience"),
        "permissions": permission_names(app),
        "secrets": [
            {
                "secret_id": p["keyId"],
                "hint": p.get("hint"),
                "display_name": p.get("displayName"),
                "end_date": p.get("endDateTime"),
            }
            for p in app.get("passwordCredentials", [])
        ],
        "certificates": [
            {
                "key_id": k["keyId"],
                "thumbprint": k.get("customKeyIdentifier"),
                "display_name": k.get("displayName"),
                "end_date": k.get("endDateTime"),
            }
            for k in app.get("keyCredentials", [])
        ],
        "redirect_uris": (app.get("web") or {}).get("redirectUris", []),
    }


def permission_names(app: dict[str, Any]) -> list[str]:
    names = []
    for entry in app.get("requiredResourceAccess", []):
        api = resource_for(entry.get("resourceAppId", ""))
        for access in entry.get("resourceAccess", []):
            role = api.role_by_id(access["id"]) if api else None
            names.append(role.value if role else f"{entry.get('resourceAppId')}/{access['id']}")
    return names


def _roles_of(app: dict[str, Any]) -> list[tuple[ResourceApi, AppRole]]:
    roles = []
    for entry in app.get("requiredResourceAccess", []):
        api = resource_for(entry.get("resourceAppId", ""))
        for access in entry.get("resourceAccess", []):
            role = api.role_by_id(access["id"]) if api else None
            if api is not None and role is not None:
                roles.append((api, role))
    return roles


def change_permissions(
    graph: GraphClient, client_id: str, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> list[str]:
    """Add and remove application permissions on a registration; returns the new list.
    Consent is separate: `grant_consent` afterwards."""
    app = graph.application_by_app_id(client_id)
    current = _roles_of(app)
    for pair in resolve_permissions(add):
        if pair not in current:
            current.append(pair)
    dropped = resolve_permissions(remove)
    current = [pair for pair in current if pair not in dropped]
    graph.update_application(
        app["id"], {"requiredResourceAccess": required_resource_access(current)}
    )
    return [role.value for _, role in current]


def grant_consent(
    home: GraphClient,
    client_id: str,
    target: GraphClient | None = None,
    permissions: Sequence[str] = (),
) -> list[str]:
    """Admin consent for a registration's permissions, in `target`'s tenant (default: home).

    The registration is read in its home tenant; a customer tenant cannot read it, so
    `permissions` may name the roles when the home tenant is out of reach."""
    if permissions:
        roles = resolve_permissions(permissions)
    else:
        roles = _roles_of(home.application_by_app_id(client_id))
    graph = target or home
    principal = graph.ensure_service_principal(client_id)
    have = {(a["resourceId"], a["appRoleId"]) for a in graph.assignments(principal["id"])}
    granted = []
    for api, role in roles:
        resource = graph.service_principal(api.app_id)
        if resource is None:
            raise ConfigurationError(
                f"{api.name} has no service principal in this tenant",
                hint="is the product provisioned in the tenant?",
            )
        if (resource["id"], role.id) not in have:
            graph.grant(principal["id"], resource["id"], role.id)
        granted.append(role.value)
    return granted


def revoke_consent(
    graph: GraphClient, client_id: str, permissions: Sequence[str] = ()
) -> list[str]:
    """Remove the app's role assignments in the graph's tenant (all, or the named ones)."""
    principal = graph.service_principal(client_id)
    if principal is None:
        return []
    wanted = {role.id for _, role in resolve_permissions(permissions)} if permissions else None
    revoked = []
    for assignment in graph.assignments(principal["id"]):
        if wanted is None or assignment["appRoleId"] in wanted:
            graph.revoke(principal["id"], assignment["id"])
            revoked.append(assignment["appRoleId"])
    return revoked


def add_certificate(
    graph: GraphClient, client_id: str, pem_path: str, display_name: str | None = None
) -> dict[str, Any]:
    """Upload the public certificate of a PEM file (a private key in it is not sent)."""
    try:
        text = Path(pem_path).read_bytes()
        certificate = x509.load_pem_x509_certificate(text)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read a PEM certificate from {pem_path}: {exc}") from None
    der = certificate.public_bytes(serialization.Encoding.DER)
    app = graph.application_by_app_id(client_id)
    keep = [
        {
            "keyId": k["keyId"],
            "type": k.get("type", "AsymmetricX509Cert"),
            "usage": k.get("usage", "Verify"),
        }
        for k in app.get("keyCredentials", [])
    ]
    new = {
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "key": base64.b64encode(der).decode(),
        "displayName": display_name or certificate.subject.rfc4514_string(),
    }
    graph.update_application(app["id"], {"keyCredentials": [*keep, new]})
    after = graph.application_by_app_id(client_id)
    known = {k["keyId"] for k in keep}
    added = next(k for k in after.get("keyCredentials", []) if k["keyId"] not in known)
    return dict(added)


def remove_certificate(graph: GraphClient, client_id: str, key_id: str) -> None:
    app = graph.application_by_app_id(client_id)
    keys = app.get("keyCredentials", [])
    if not any(k["keyId"] == key_id.lower() for k in keys):
        raise ConfigurationError(f"the app has no certificate with key id {key_id}")
    keep = [
        {
            "keyId": k["keyId"],
            "type": k.get("type", "AsymmetricX509Cert"),
            "usage": k.get("usage", "Verify"),
        }
        for k in keys
        if k["keyId"] != key_id.lower()
    ]
    graph.update_application(app["id"], {"keyCredentials": keep})


def parse_expiry(text: str, now: datetime | None = None) -> datetime:
    """`90d`, `12w`, `6m` (months of 30 days), `1y`, `36h`, or a date / date-time."""
    moment = now or datetime.now(UTC)
    found = re.fullmatch(r"\s*(\d+)\s*([hdwmy])\s*", text.lower())
    if found:
        amount, unit = int(found.group(1)), found.group(2)
        days = {
            "h": amount / 24,
            "d": amount,
            "w": 7 * amount,
            "m": 30 * amount,
            "y": 365 * amount,
        }[unit]
        return moment + timedelta(days=days)
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigurationError(
            f"not a duration or date: {text!r}", hint="use e.g. 90d, 12w, 6m, 1y or 2027-01-31"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def consent_url(
    authority: str,
    client_id: str,
    tenant: str | None = None,
    scope: str | None = None,
    redirect_uri: str | None = None,
) -> str:
    """The link a customer's admin opens to consent: the guide's legacy link for any tenant,
    or the v2 adminconsent endpoint of one tenant."""
    if tenant is None:
        query = urlencode(
            {
                "prompt": "consent",
                "client_id": client_id,
                "response_type": "code",
                "sso_reload": "true",
            }
        )
        return f"{authority}/common/oauth2/authorize?{query}"
    params = {
        "client_id": client_id,
        "scope": scope or "https://api.securitycenter.microsoft.com/.default",
    }
    if redirect_uri:
        params["redirect_uri"] = redirect_uri
    return f"{authority}/{tenant}/v2.0/adminconsent?{urlencode(params)}"
