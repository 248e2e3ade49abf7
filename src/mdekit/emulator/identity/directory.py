"""The directory's rules: tenants, app registrations, credentials, service principals and
admin consent (app role assignments). Graph routes, the console, the control API and the
token service all go through here."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from mdekit.catalog.permissions import RESOURCE_APIS, ResourceApi, resource_for
from mdekit.emulator.domain.clock import Clock
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.identity import secrets
from mdekit.emulator.identity.directory_cache import roles_granted
from mdekit.emulator.store.identity_repo import IdentityRepository
from mdekit.emulator.store.records import (
    Application,
    AppRoleAssignment,
    PasswordCredential,
    ResourceAccess,
    ServicePrincipal,
    Tenant,
)

MICROSOFT_SERVICES_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
"""The tenant that owns Microsoft's first-party apps (WindowsDefenderATP, Graph)."""

SIGN_IN_AUDIENCES = ("AzureADMyOrg", "AzureADMultipleOrgs")
DEFAULT_SECRET_LIFETIME = timedelta(days=730)


@dataclass(frozen=True)
class NewSecret:
    credential: PasswordCredential
    value: str


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]", "", name.lower())
    return slug[:40] or "tenant"


class Directory:
    def __init__(self, repo: IdentityRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    # -- tenants -------------------------------------------------------------------------

    def create_tenant(self, display_name: str, *, domain: str | None = None) -> Tenant:
        """A tenant with Microsoft's first-party APIs provisioned in it."""
        name = display_name.strip()
        if not name:
            raise InvalidInput("A tenant needs a name.")
        domain = (domain or f"{_slug(name)}.onmicrosoft.com").lower()
        if self.repo.tenant_by_domain(domain) is not None:
            raise InvalidInput(f"A tenant with the domain {domain} already exists.")
        tenant = Tenant(str(uuid.uuid4()), name, domain, self.clock.timestamp())
        self.repo.add_tenant(tenant)
        for api in RESOURCE_APIS:
            self.repo.add_service_principal(
                ServicePrincipal(
                    object_id=str(uuid.uuid4()),
                    tenant_id=tenant.id,
                    app_id=api.app_id,
                    display_name=api.name,
                    app_owner_tenant_id=MICROSOFT_SERVICES_TENANT,
                    created=self.clock.timestamp(),
                )
            )
        return tenant

    def tenant(self, tenant_id: str) -> Tenant:
        tenant = self.repo.tenant(tenant_id.lower())
        if tenant is None:
            raise NotFound(f"Tenant {tenant_id} was not found.")
        return tenant

    # -- applications --------------------------------------------------------------------

    def register_application(
        self,
        tenant_id: str,
        display_name: str,
        *,
        sign_in_audience: str = "AzureADMyOrg",
        required_access: tuple[ResourceAccess, ...] = (),
        redirect_uris: tuple[str, ...] = (),
    ) -> Application:
        if sign_in_audience not in SIGN_IN_AUDIENCES:
            raise InvalidInput(
                f"signInAudience must be one of {', '.join(SIGN_IN_AUDIENCES)}; "
                f"got {sign_in_audience!r}."
            )
        self.validate_access(required_access)
        app = Application(
            object_id=str(uuid.uuid4()),
            app_id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            display_name=display_name,
            sign_in_audience=sign_in_audience,
            required_resource_access=required_access,
            web_redirect_uris=redirect_uris,
            created=self.clock.timestamp(),
        )
        self.repo.add_application(app)
        return app

    @staticmethod
    def validate_access(required_access: tuple[ResourceAccess, ...]) -> None:
        for entry in required_access:
            api = resource_for(entry.resource_app_id)
            if api is None:
                raise InvalidInput(f"Unknown resource application {entry.resource_app_id}.")
            for role_id in entry.role_ids:
                if api.role_by_id(role_id) is None:
                    raise InvalidInput(
                        f"Permission {role_id} does not exist on {api.name} ({api.app_id})."
                    )

    def application(self, app_id: str) -> Application:
        app = self.repo.application_by_app_id(app_id)
        if app is None:
            raise NotFound(f"Application {app_id} was not found.")
        return app

    # -- credentials ---------------------------------------------------------------------

    def add_secret(
        self,
        app: Application,
        *,
        display_name: str | None = None,
        end: datetime | None = None,
        start: datetime | None = None,
    ) -> NewSecret:
        now = self.clock.now()
        start = start or now
        end = end or now + DEFAULT_SECRET_LIFETIME
        if end <= start:
            raise InvalidInput("A secret's end date must be after its start date.")
        value = secrets.new_secret()
        salt = secrets.new_salt()
        credential = PasswordCredential(
            key_id=str(uuid.uuid4()),
            application_object_id=app.object_id,
            display_name=display_name,
            hint=secrets.hint_of(value),
            salt=salt,
            secret_hash=secrets.hash_secret(value, salt),
            start=start.timestamp(),
            end=end.timestamp(),
        )
        self.repo.add_password(credential)
        return NewSecret(credential, value)

    # -- service principals and consent --------------------------------------------------

    def ensure_service_principal(self, tenant_id: str, app: Application) -> ServicePrincipal:
        """The app's service principal in `tenant_id`, created if missing."""
        existing = self.repo.service_principal(tenant_id, app.app_id)
        if existing is not None:
            return existing
        if tenant_id != app.tenant_id and not app.multi_tenant:
            raise InvalidInput(
                f"Application {app.app_id} is single-tenant (AzureADMyOrg); it can only have a "
                "service principal in its home tenant. Make it multi-tenant first."
            )
        sp = ServicePrincipal(
            object_id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            app_id=app.app_id,
            display_name=app.display_name,
            app_owner_tenant_id=app.tenant_id,
            created=self.clock.timestamp(),
        )
        self.repo.add_service_principal(sp)
        return sp

    def resource_principal(self, tenant_id: str, api: ResourceApi) -> ServicePrincipal:
        sp = self.repo.service_principal(tenant_id, api.app_id)
        if sp is None:
            raise NotFound(f"{api.name} has no service principal in tenant {tenant_id}.")
        return sp

    def assign_role(
        self, tenant_id: str, principal: ServicePrincipal, api: ResourceApi, role_id: str
    ) -> AppRoleAssignment:
        if api.role_by_id(role_id) is None:
            raise InvalidInput(f"Permission {role_id} does not exist on {api.name}.")
        resource = self.resource_principal(tenant_id, api)
        assignment = AppRoleAssignment(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            principal_id=principal.object_id,
            resource_id=resource.object_id,
            app_role_id=role_id.lower(),
            created=self.clock.timestamp(),
        )
        self.repo.add_assignment(assignment)
        return assignment

    def grant_admin_consent(self, tenant_id: str, app: Application) -> list[AppRoleAssignment]:
        """What an admin's "Grant admin consent" does: the service principal exists in the
        tenant and holds every application permission the registration asks for."""
        principal = self.ensure_service_principal(tenant_id, app)
        granted = []
        for entry in app.required_resource_access:
            api = resource_for(entry.resource_app_id)
            if api is None:
                continue
            for role_id in entry.role_ids:
                granted.append(self.assign_role(tenant_id, principal, api, role_id))
        return granted

    def roles_of(self, principal: ServicePrincipal, api: ResourceApi) -> tuple[str, ...]:
        """Role values granted to `principal` on `api` in the principal's tenant."""
        return roles_granted(self.repo, principal, api)


def access_for(role_values: list[str]) -> tuple[ResourceAccess, ...]:
    """requiredResourceAccess for permission names, grouped by API (names are checked)."""
    by_api: dict[str, list[str]] = {}
    for value in role_values:
        for api in RESOURCE_APIS:
            role = api.role(value)
            if role is not None:
                by_api.setdefault(api.app_id, []).append(role.id)
                break
        else:
            raise InvalidInput(f"Unknown permission {value!r}.")
    return tuple(ResourceAccess(app_id, tuple(ids)) for app_id, ids in by_api.items())
