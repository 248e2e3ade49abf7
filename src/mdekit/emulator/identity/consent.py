"""Admin consent as Entra runs it: the guide's legacy link
(`/common/oauth2/authorize?prompt=consent&client_id=...&response_type=code`), and the
`/{tenant}/adminconsent` and `/{tenant}/v2.0/adminconsent` endpoints. This module holds the
rules (which app, which permissions, where to redirect); the console renders the page."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

from mdekit.catalog.permissions import resource_for
from mdekit.emulator.identity import aadsts
from mdekit.emulator.identity.aadsts import AadstsError
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.identity.tenants import ALIASES, is_guid, resolve_tenant
from mdekit.emulator.store.records import Application, Tenant

Flow = Literal["authorize", "adminconsent", "v2-adminconsent"]


@dataclass(frozen=True)
class ConsentRequest:
    flow: Flow
    tenant_segment: str
    client_id: str
    redirect_uri: str | None = None
    state: str | None = None
    scope: str | None = None


@dataclass(frozen=True)
class RequestedPermission:
    api: str
    value: str
    display_name: str
    description: str


@dataclass
class ConsentView:
    """What the consent page shows."""

    app: Application
    publisher_domain: str
    permissions: list[RequestedPermission]
    tenants: list[Tenant]
    fixed_tenant: Tenant | None
    redirect_uri: str | None
    notes: list[str] = field(default_factory=list)


def _redirect(uri: str, params: dict[str, str | None]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{uri}{'&' if '?' in uri else '?'}{query}"


class ConsentService:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.repo = directory.repo

    def view(self, request: ConsentRequest) -> ConsentView:
        if not request.client_id:
            raise aadsts.missing_parameter("client_id")
        if not is_guid(request.client_id):
            raise aadsts.malformed_client_id(request.client_id)
        app = self.repo.application_by_app_id(request.client_id)
        fixed = None
        if request.tenant_segment.lower() not in ALIASES:
            fixed = resolve_tenant(self.repo, request.tenant_segment)
        if app is None:
            name = fixed.display_name if fixed else request.tenant_segment
            raise aadsts.app_not_found(request.client_id, name)
        redirect = self._redirect_uri(app, request)
        home = self.directory.tenant(app.tenant_id)
        permissions = []
        for entry in app.required_resource_access:
            api = resource_for(entry.resource_app_id)
            for role_id in entry.role_ids:
                role = api.role_by_id(role_id) if api else None
                if api is not None and role is not None:
                    permissions.append(
                        RequestedPermission(
                            api.name, role.value, role.display_name, role.description
                        )
                    )
        tenants = [fixed] if fixed else self.repo.tenants()
        if not app.multi_tenant:
            tenants = [t for t in tenants if t.id == app.tenant_id]
            if not tenants:
                raise AadstsError(
                    50194,
                    "invalid_request",
                    f"Application '{app.app_id}'({app.display_name}) is not configured as a "
                    "multi-tenant application. Consent in another tenant is not possible.",
                )
        return ConsentView(app, home.default_domain, permissions, tenants, fixed, redirect)

    def _redirect_uri(self, app: Application, request: ConsentRequest) -> str | None:
        """The reply address: the one asked for, which must be registered on the app, or
        the app's first. (Entra refuses an app with none; the emulator then shows a page.)"""
        if request.redirect_uri:
            if request.redirect_uri not in app.web_redirect_uris:
                raise AadstsError(
                    50011,
                    "invalid_request",
                    f"The redirect URI '{request.redirect_uri}' specified in the request does not "
                    f"match the redirect URIs configured for the application '{app.app_id}'. "
                    "Make sure the redirect URI sent in the request matches one added to your "
                    "application in the Azure portal.",
                )
            return request.redirect_uri
        return app.web_redirect_uris[0] if app.web_redirect_uris else None

    def accept(self, request: ConsentRequest, tenant_id: str) -> tuple[Tenant, str | None]:
        """Grant admin consent in `tenant_id`; (tenant, redirect URL or None)."""
        view = self.view(request)
        tenant = next((t for t in view.tenants if t.id == tenant_id), None)
        if tenant is None:
            raise aadsts.tenant_not_found(tenant_id)
        self.directory.grant_admin_consent(tenant.id, view.app)
        if view.redirect_uri is None:
            return tenant, None
        if request.flow == "authorize":
            params: dict[str, str | None] = {
                "code": secrets.token_urlsafe(48),
                "state": request.state,
                "session_state": str(uuid.uuid4()),
            }
        else:
            params = {"admin_consent": "True", "tenant": tenant.id, "state": request.state}
            if request.flow == "v2-adminconsent":
                params["scope"] = request.scope
        return tenant, _redirect(view.redirect_uri, params)

    def decline(self, request: ConsentRequest) -> str | None:
        view = self.view(request)
        if view.redirect_uri is None:
            return None
        if request.flow == "authorize":
            return _redirect(
                view.redirect_uri,
                {
                    "error": "access_denied",
                    "error_description": "AADSTS65004: User declined to consent to access the app.",
                    "state": request.state,
                },
            )
        return _redirect(
            view.redirect_uri,
            {
                "admin_consent": "True",
                "error": "consent_required",
                "error_description": "AADSTS65004: The resource owner or authorization server "
                "denied "
                "the request.",
                "state": request.state,
            },
        )
