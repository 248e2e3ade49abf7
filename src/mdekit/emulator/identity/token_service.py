"""The client-credentials grant at /{tenant}/oauth2/token (v1) and /oauth2/v2.0/token (v2):
checks in Entra's order, then a v1.0 access token signed with the current key."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from mdekit.catalog.permissions import ResourceApi, resource_for
from mdekit.emulator.domain.clock import Clock
from mdekit.emulator.identity import aadsts
from mdekit.emulator.identity.aadsts import AadstsError
from mdekit.emulator.identity.assertions import ASSERTION_TYPE, verify_assertion
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.identity.directory_cache import DirectoryCache, DirectoryView
from mdekit.emulator.identity.keys import KeyRing
from mdekit.emulator.identity.secrets import secret_matches
from mdekit.emulator.identity.tenants import is_guid, resolve_tenant
from mdekit.emulator.store.records import Application, ServicePrincipal, Tenant

OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})


@dataclass(frozen=True)
class TokenSettings:
    lifetime_seconds: int = 3600
    """From issue to expiry. Entra backdates `iat`/`nbf` by five minutes on top."""
    backdate_seconds: int = 300


@dataclass(frozen=True)
class TokenRequest:
    version: Literal["v1", "v2"]
    tenant_segment: str
    form: dict[str, str]
    basic_auth: tuple[str, str] | None = None
    endpoint_urls: tuple[str, ...] = field(default=())
    """The URLs this request could have been sent to: the accepted client-assertion audiences.
    Empty: made from `origin` and the tenant's id, domain and the path's segment."""
    origin: str = ""
    """Scheme and host the request came to."""


@dataclass(frozen=True)
class Issued:
    body: dict[str, Any]
    claims: dict[str, Any]
    tenant: Tenant
    app: Application


def _random_b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_AIO_BYTES, _RH_BYTES, _UTI_BYTES = 60, 48, 16


def endpoint_urls(origin: str, segment: str, tenant: Tenant) -> tuple[str, ...]:
    """The token endpoint URLs that name `tenant` (by the path's segment, id or domain)."""
    urls = []
    for name in {segment, tenant.id, tenant.default_domain}:
        urls.append(f"{origin}/{name}/oauth2/v2.0/token")
        urls.append(f"{origin}/{name}/oauth2/token")
    return tuple(urls)


class TokenService:
    def __init__(
        self, directory: Directory, keys: KeyRing, clock: Clock, settings: TokenSettings
    ) -> None:
        self.directory = directory
        self.keys = keys
        self.clock = clock
        self.settings = settings
        self.cache = DirectoryCache(directory.repo)
        self._keys_stamp: str | None = self.cache.view().stamp

    def directory_now(self) -> DirectoryView:
        """The cached directory as of now; the key ring is re-read when the directory moved
        (another process may have rotated the signing key)."""
        view = self.cache.view()
        if view.stamp != self._keys_stamp:
            self.keys.refresh()
            self._keys_stamp = view.stamp
        return view

    def issue(self, request: TokenRequest) -> Issued:
        form = request.form
        view = self.directory_now()
        tenant = resolve_tenant(view, request.tenant_segment)
        grant = form.get("grant_type")
        if not grant:
            raise aadsts.missing_parameter("grant_type")
        if grant != "client_credentials":
            raise aadsts.unsupported_grant(grant)
        client_id = self._client_id(request)
        requested, api = self._resource(request, tenant)
        app = view.application_by_app_id(client_id)
        if app is None:
            raise aadsts.app_not_found(client_id, tenant.display_name)
        principal = view.service_principal(tenant.id, app.app_id)
        if principal is None:
            raise aadsts.app_not_found(client_id, tenant.display_name)
        acr = self._authenticate(request, app, tenant, view)
        roles = view.roles_of(principal, api)
        claims = self._claims(tenant, app, principal, requested, roles, acr)
        token = self.keys.sign(claims)
        return Issued(self._body(request, token, claims, requested), claims, tenant, app)

    # -- steps ---------------------------------------------------------------------------

    @staticmethod
    def _client_id(request: TokenRequest) -> str:
        client_id = request.form.get("client_id")
        if request.basic_auth is not None:
            basic_id = request.basic_auth[0]
            if client_id and client_id.lower() != basic_id.lower():
                raise aadsts.client_id_mismatch()
            client_id = basic_id
        if not client_id:
            raise aadsts.missing_parameter("client_id")
        if not is_guid(client_id):
            raise aadsts.malformed_client_id(client_id)
        return client_id.lower()

    def _resource(self, request: TokenRequest, tenant: Tenant) -> tuple[str, ResourceApi]:
        """(the resource as the caller named it, the API it is)."""
        form = request.form
        if request.version == "v2":
            if form.get("resource"):
                raise aadsts.resource_on_v2()
            requested = self._resource_from_scope(form.get("scope", ""))
        else:
            requested = form.get("resource", "")
            if not requested:
                raise aadsts.missing_parameter("resource")
        api = resource_for(requested)
        if api is None:
            raise aadsts.resource_not_found(requested, tenant.display_name)
        return requested, api

    @staticmethod
    def _resource_from_scope(scope: str) -> str:
        scopes = [s for s in scope.split() if s]
        if not scopes:
            raise aadsts.missing_scope()
        resources = []
        for item in scopes:
            if item.lower() in OIDC_SCOPES:
                continue
            if item.lower().endswith("/.default"):
                resources.append(item[: -len("/.default")])
                continue
            looks_like_resource = is_guid(item) or (
                "://" in item and item.split("://", 1)[1].rstrip("/").count("/") == 0
            )
            if looks_like_resource:
                raise aadsts.invalid_scope(item)
            raise aadsts.scope_needs_default(item)
        if not resources:
            raise aadsts.scope_needs_default(scope)
        if len({resource.rstrip("/").lower() for resource in resources}) > 1:
            raise aadsts.several_resources()
        return resources[0]

    def _authenticate(
        self, request: TokenRequest, app: Application, tenant: Tenant, view: DirectoryView
    ) -> str:
        """Check the client's credential; returns `appidacr` ("1" secret, "2" certificate)."""
        form = request.form
        assertion = form.get("client_assertion")
        secret = request.basic_auth[1] if request.basic_auth else form.get("client_secret")
        if assertion:
            assertion_type = form.get("client_assertion_type", "")
            if assertion_type != ASSERTION_TYPE:
                raise aadsts.missing_parameter("client_assertion_type")
            audiences = request.endpoint_urls or endpoint_urls(
                request.origin, request.tenant_segment, tenant
            )
            verify_assertion(
                assertion,
                client_id=app.app_id,
                audiences=audiences,
                keys=view.keys(app.object_id),
                now=self.clock.timestamp(),
            )
            return "2"
        if not secret:
            raise aadsts.no_client_credential()
        now = self.clock.timestamp()
        expired_match = False
        for credential in view.passwords(app.object_id):
            if secret_matches(secret, credential.salt, credential.secret_hash):
                if credential.start - 300 <= now <= credential.end:
                    return "1"
                expired_match = True
        if expired_match:
            raise aadsts.expired_secret(app.app_id)
        raise aadsts.invalid_secret(app.app_id)

    def _claims(
        self,
        tenant: Tenant,
        app: Application,
        principal: ServicePrincipal,
        audience: str,
        roles: tuple[str, ...],
        acr: str,
    ) -> dict[str, Any]:
        now = int(self.clock.timestamp())
        issuer = f"https://sts.windows.net/{tenant.id}/"
        # One read of the system's random source for the three opaque claims (each read is
        # a system call, a few percent of a token request).
        raw = secrets.token_bytes(_AIO_BYTES + _RH_BYTES + _UTI_BYTES)
        aio, rh, uti = raw[:_AIO_BYTES], raw[_AIO_BYTES:-_UTI_BYTES], raw[-_UTI_BYTES:]
        claims: dict[str, Any] = {
            "aud": audience,
            "iss": issuer,
            "iat": now - self.settings.backdate_seconds,
            "nbf": now - self.settings.backdate_seconds,
            "exp": now + self.settings.lifetime_seconds,
            "aio": _random_b64(aio),
            "app_displayname": app.display_name,
            "appid": app.app_id,
            "appidacr": acr,
            "idp": issuer,
            "oid": principal.object_id,
            "rh": f"0.{_random_b64(rh)}.",
        }
        if roles:
            claims["roles"] = list(roles)
        claims.update(
            {"sub": principal.object_id, "tid": tenant.id, "uti": _random_b64(uti), "ver": "1.0"}
        )
        return claims

    def _body(
        self, request: TokenRequest, token: str, claims: dict[str, Any], resource: str
    ) -> dict[str, Any]:
        expires_in = int(claims["exp"]) - int(self.clock.timestamp()) - 1
        if request.version == "v2":
            return {
                "token_type": "Bearer",
                "expires_in": expires_in,
                "ext_expires_in": expires_in,
                "access_token": token,
            }
        # v1 answers with strings throughout, and echoes the resource as sent.
        return {
            "token_type": "Bearer",
            "expires_in": str(expires_in),
            "ext_expires_in": str(expires_in),
            "expires_on": str(claims["exp"]),
            "not_before": str(claims["nbf"]),
            "resource": resource,
            "access_token": token,
        }


__all__ = ["AadstsError", "Issued", "TokenRequest", "TokenService", "TokenSettings"]
