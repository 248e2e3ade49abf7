"""Repository of the directory: tenants, applications, credentials, service principals,
app role assignments and signing keys."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, Row, delete, func, select, update

from mdekit.emulator.store import schema as t
from mdekit.emulator.store.records import (
    Application,
    AppRoleAssignment,
    KeyCredential,
    PasswordCredential,
    ResourceAccess,
    ServicePrincipal,
    SigningKey,
    Tenant,
    dump_required_access,
    load_required_access,
)
from mdekit.emulator.store.runtime_repo import bump_version


def _application(row: Row[Any]) -> Application:
    return Application(
        object_id=row.object_id,
        app_id=row.app_id,
        tenant_id=row.tenant_id,
        display_name=row.display_name,
        sign_in_audience=row.sign_in_audience,
        required_resource_access=load_required_access(row.required_resource_access),
        web_redirect_uris=tuple(json.loads(row.web_redirect_uris or "[]")),
        created=row.created,
    )


class IdentityRepository:
    """All directory reads and writes go through here."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- tenants -------------------------------------------------------------------------

    def add_tenant(self, tenant: Tenant) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.tenants.insert().values(**tenant.__dict__))

    def tenant(self, tenant_id: str) -> Tenant | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.tenants).where(t.tenants.c.id == tenant_id)).first()
        return Tenant(**row._mapping) if row else None

    def tenant_by_domain(self, domain: str) -> Tenant | None:
        query = select(t.tenants).where(func.lower(t.tenants.c.default_domain) == domain.lower())
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return Tenant(**row._mapping) if row else None

    def tenants(self) -> list[Tenant]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.tenants).order_by(t.tenants.c.created)).all()
        return [Tenant(**row._mapping) for row in rows]

    # -- applications --------------------------------------------------------------------

    def add_application(self, app: Application) -> None:
        values = {
            "object_id": app.object_id,
            "app_id": app.app_id,
            "tenant_id": app.tenant_id,
            "display_name": app.display_name,
            "sign_in_audience": app.sign_in_audience,
            "required_resource_access": dump_required_access(app.required_resource_access),
            "web_redirect_uris": json.dumps(list(app.web_redirect_uris)),
            "created": app.created,
        }
        with self.engine.begin() as conn:
            conn.execute(t.applications.insert().values(**values))

    def application_by_app_id(self, app_id: str) -> Application | None:
        query = select(t.applications).where(t.applications.c.app_id == app_id.lower())
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _application(row) if row else None

    def application(self, object_id: str) -> Application | None:
        query = select(t.applications).where(t.applications.c.object_id == object_id.lower())
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _application(row) if row else None

    def applications(self, tenant_id: str) -> list[Application]:
        query = (
            select(t.applications)
            .where(t.applications.c.tenant_id == tenant_id)
            .order_by(t.applications.c.created)
        )
        with self.engine.connect() as conn:
            return [_application(row) for row in conn.execute(query)]

    def set_required_access(self, object_id: str, access: tuple[ResourceAccess, ...]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.applications)
                .where(t.applications.c.object_id == object_id)
                .values(required_resource_access=dump_required_access(access))
            )

    def update_application(self, object_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.applications)
                .where(t.applications.c.object_id == object_id)
                .values(**values)
            )

    def delete_application(self, app: Application) -> None:
        """Delete the registration, its credentials and its service principals everywhere."""
        with self.engine.begin() as conn:
            sp_ids = select(t.service_principals.c.object_id).where(
                t.service_principals.c.app_id == app.app_id
            )
            conn.execute(
                delete(t.app_role_assignments).where(
                    t.app_role_assignments.c.principal_id.in_(sp_ids)
                )
            )
            conn.execute(
                delete(t.service_principals).where(t.service_principals.c.app_id == app.app_id)
            )
            for table in (t.password_credentials, t.key_credentials):
                conn.execute(delete(table).where(table.c.application_object_id == app.object_id))
            conn.execute(delete(t.applications).where(t.applications.c.object_id == app.object_id))

    # -- credentials ---------------------------------------------------------------------

    def add_password(self, cred: PasswordCredential) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.password_credentials.insert().values(**cred.__dict__))

    def passwords(self, application_object_id: str) -> list[PasswordCredential]:
        query = (
            select(t.password_credentials)
            .where(t.password_credentials.c.application_object_id == application_object_id)
            .order_by(t.password_credentials.c.start)
        )
        with self.engine.connect() as conn:
            return [PasswordCredential(**row._mapping) for row in conn.execute(query)]

    def remove_password(self, application_object_id: str, key_id: str) -> bool:
        table = t.password_credentials
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(table).where(
                    table.c.application_object_id == application_object_id,
                    table.c.key_id == key_id.lower(),
                )
            )
        return result.rowcount > 0

    def add_key(self, cred: KeyCredential) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.key_credentials.insert().values(**cred.__dict__))

    def keys(self, application_object_id: str) -> list[KeyCredential]:
        query = (
            select(t.key_credentials)
            .where(t.key_credentials.c.application_object_id == application_object_id)
            .order_by(t.key_credentials.c.start)
        )
        with self.engine.connect() as conn:
            return [KeyCredential(**row._mapping) for row in conn.execute(query)]

    def remove_key(self, application_object_id: str, key_id: str) -> bool:
        table = t.key_credentials
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(table).where(
                    table.c.application_object_id == application_object_id,
                    table.c.key_id == key_id.lower(),
                )
            )
        return result.rowcount > 0

    # -- service principals and consent ---------------------------------------------------

    def add_service_principal(self, sp: ServicePrincipal) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.service_principals.insert().values(**sp.__dict__))

    def service_principal(self, tenant_id: str, app_id: str) -> ServicePrincipal | None:
        sps = t.service_principals
        query = select(sps).where(sps.c.tenant_id == tenant_id, sps.c.app_id == app_id.lower())
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return ServicePrincipal(**row._mapping) if row else None

    def service_principal_by_id(self, object_id: str) -> ServicePrincipal | None:
        sps = t.service_principals
        with self.engine.connect() as conn:
            row = conn.execute(select(sps).where(sps.c.object_id == object_id.lower())).first()
        return ServicePrincipal(**row._mapping) if row else None

    def service_principals(self, tenant_id: str) -> list[ServicePrincipal]:
        sps = t.service_principals
        query = select(sps).where(sps.c.tenant_id == tenant_id).order_by(sps.c.created)
        with self.engine.connect() as conn:
            return [ServicePrincipal(**row._mapping) for row in conn.execute(query)]

    def delete_service_principal(self, object_id: str) -> None:
        with self.engine.begin() as conn:
            assignments = t.app_role_assignments
            conn.execute(
                delete(assignments).where(
                    (assignments.c.principal_id == object_id)
                    | (assignments.c.resource_id == object_id)
                )
            )
            conn.execute(
                delete(t.service_principals).where(t.service_principals.c.object_id == object_id)
            )

    def add_assignment(self, assignment: AppRoleAssignment) -> bool:
        """Record an assignment; False (and nothing written) when it already exists."""
        table = t.app_role_assignments
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(table.c.id).where(
                    table.c.principal_id == assignment.principal_id,
                    table.c.resource_id == assignment.resource_id,
                    table.c.app_role_id == assignment.app_role_id,
                )
            ).first()
            if exists:
                return False
            conn.execute(table.insert().values(**assignment.__dict__))
        return True

    def assignments_of(self, principal_id: str) -> list[AppRoleAssignment]:
        table = t.app_role_assignments
        query = select(table).where(table.c.principal_id == principal_id).order_by(table.c.created)
        with self.engine.connect() as conn:
            return [AppRoleAssignment(**row._mapping) for row in conn.execute(query)]

    def assignments_to(self, resource_id: str) -> list[AppRoleAssignment]:
        table = t.app_role_assignments
        query = select(table).where(table.c.resource_id == resource_id).order_by(table.c.created)
        with self.engine.connect() as conn:
            return [AppRoleAssignment(**row._mapping) for row in conn.execute(query)]

    def assignment(self, assignment_id: str) -> AppRoleAssignment | None:
        table = t.app_role_assignments
        with self.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.id == assignment_id)).first()
        return AppRoleAssignment(**row._mapping) if row else None

    def delete_assignment(self, assignment_id: str) -> bool:
        table = t.app_role_assignments
        with self.engine.begin() as conn:
            result = conn.execute(delete(table).where(table.c.id == assignment_id))
        return result.rowcount > 0

    # -- signing keys --------------------------------------------------------------------

    def signing_keys(self) -> list[SigningKey]:
        keys = t.signing_keys
        query = select(keys).where(keys.c.status != "retired").order_by(keys.c.created.desc())
        with self.engine.connect() as conn:
            return [SigningKey(**row._mapping) for row in conn.execute(query)]

    def rotate_signing_key(self, new_key: SigningKey) -> None:
        """Make `new_key` current, the current one previous, and retire older ones."""
        keys = t.signing_keys
        with self.engine.begin() as conn:
            # First, so that two rotations at once take turns (and never leave two current
            # keys), and so that every process reloads its key ring.
            bump_version(conn, "keys")
            conn.execute(update(keys).where(keys.c.status == "previous").values(status="retired"))
            conn.execute(update(keys).where(keys.c.status == "current").values(status="previous"))
            conn.execute(keys.insert().values(**new_key.__dict__))

    # -- settings ------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.meta.c.value).where(t.meta.c.key == key)).first()
        return str(row.value) if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            updated = conn.execute(update(t.meta).where(t.meta.c.key == key).values(value=value))
            if updated.rowcount == 0:
                conn.execute(t.meta.insert().values(key=key, value=value))
