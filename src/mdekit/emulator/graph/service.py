"""The Microsoft Graph directory subset: applications, credentials, service principals and
app role assignments, acting in the caller's tenant."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mdekit.catalog.permissions import resource_for
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.graph import shapes
from mdekit.emulator.identity.assertions import certificate_thumbprints
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.store.records import (
    Application,
    KeyCredential,
    ResourceAccess,
    ServicePrincipal,
    load_required_access,
)

_FILTER = re.compile(
    r"^\s*(?:(?P<prop>appId|displayName|id)\s+eq\s+'(?P<value>(?:[^']|'')*)'"
    r"|startswith\(\s*displayName\s*,\s*'(?P<prefix>(?:[^']|'')*)'\s*\))\s*$",
    re.IGNORECASE,
)
_KEY = re.compile(r"^\(appId='(?P<app_id>[^']+)'\)$", re.IGNORECASE)


def _matches(filter_text: str | None, values: dict[str, str]) -> bool:
    """The small `$filter` subset Graph clients use on these collections."""
    if not filter_text:
        return True
    found = _FILTER.match(filter_text)
    if found is None:
        raise InvalidInput(f"Unsupported or invalid query filter clause specified: {filter_text}")
    if found.group("prefix") is not None:
        prefix = found.group("prefix").replace("''", "'").lower()
        return values["displayName"].lower().startswith(prefix)
    prop = {"appid": "appId", "displayname": "displayName", "id": "id"}[found.group("prop").lower()]
    return values[prop].lower() == found.group("value").replace("''", "'").lower()


def _parse_time(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput(f"Invalid value for property '{field}': expected a date-time string.")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"Invalid value '{value}' for property '{field}'.") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class GraphDirectory:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.repo = directory.repo

    # -- applications --------------------------------------------------------------------

    def _app_json(self, app: Application) -> dict[str, Any]:
        tenant = self.directory.tenant(app.tenant_id)
        return shapes.application_json(
            app, tenant, self.repo.passwords(app.object_id), self.repo.keys(app.object_id)
        )

    def application(self, tenant_id: str, key: str) -> Application:
        found = _KEY.match(key)
        app = (
            self.repo.application_by_app_id(found.group("app_id"))
            if found
            else self.repo.application(key)
        )
        if app is None or app.tenant_id != tenant_id:
            raise NotFound(
                f"Resource '{key}' does not exist or one of its queried reference-property "
                "objects are not present.",
                code="Request_ResourceNotFound",
            )
        return app

    def list_applications(self, tenant_id: str, filter_text: str | None) -> list[dict[str, Any]]:
        return [
            self._app_json(app)
            for app in self.repo.applications(tenant_id)
            if _matches(
                filter_text,
                {"appId": app.app_id, "displayName": app.display_name, "id": app.object_id},
            )
        ]

    def get_application(self, tenant_id: str, key: str) -> dict[str, Any]:
        return self._app_json(self.application(tenant_id, key))

    def create_application(self, tenant_id: str, body: dict[str, Any]) -> dict[str, Any]:
        name = body.get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("Property 'displayName' is required and must be a string.")
        app = self.directory.register_application(
            tenant_id,
            name.strip(),
            sign_in_audience=str(body.get("signInAudience") or "AzureADMyOrg"),
            required_access=self._required_access(body.get("requiredResourceAccess", [])),
            redirect_uris=self._redirect_uris(body),
        )
        for cert in body.get("keyCredentials") or []:
            self._add_key(app, cert)
        return self._app_json(app)

    @staticmethod
    def _required_access(value: object) -> tuple[ResourceAccess, ...]:
        if not isinstance(value, list):
            raise InvalidInput("Property 'requiredResourceAccess' must be an array.")
        try:
            return load_required_access(json.dumps(value))
        except (KeyError, TypeError, AttributeError) as exc:
            raise InvalidInput(
                "Invalid requiredResourceAccess: each entry needs resourceAppId and "
                "resourceAccess [{id, type}]."
            ) from exc

    @staticmethod
    def _redirect_uris(body: dict[str, Any]) -> tuple[str, ...]:
        web = body.get("web") or {}
        uris = web.get("redirectUris", []) if isinstance(web, dict) else []
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            raise InvalidInput("Property 'web.redirectUris' must be an array of strings.")
        return tuple(uris)

    def update_application(self, tenant_id: str, key: str, body: dict[str, Any]) -> None:
        app = self.application(tenant_id, key)
        if "requiredResourceAccess" in body:
            access = self._required_access(body["requiredResourceAccess"])
            self.directory.validate_access(access)
            self.repo.set_required_access(app.object_id, access)
        values: dict[str, Any] = {}
        if "displayName" in body:
            if not isinstance(body["displayName"], str) or not body["displayName"].strip():
                raise InvalidInput("Property 'displayName' must be a non-empty string.")
            values["display_name"] = body["displayName"].strip()
        if "signInAudience" in body:
            if body["signInAudience"] not in ("AzureADMyOrg", "AzureADMultipleOrgs"):
                raise InvalidInput("signInAudience must be AzureADMyOrg or AzureADMultipleOrgs.")
            values["sign_in_audience"] = body["signInAudience"]
        if "web" in body:
            values["web_redirect_uris"] = json.dumps(list(self._redirect_uris(body)))
        if values:
            self.repo.update_application(app.object_id, **values)
        if "keyCredentials" in body:
            self._replace_keys(app, body["keyCredentials"] or [])

    def _replace_keys(self, app: Application, wanted: object) -> None:
        """PATCH keyCredentials replaces the collection: entries naming an existing keyId
        without a `key` keep that key, entries with a `key` add one, the rest go."""
        if not isinstance(wanted, list):
            raise InvalidInput("Property 'keyCredentials' must be an array.")
        existing = {k.key_id: k for k in self.repo.keys(app.object_id)}
        keep = {
            str(entry.get("keyId")).lower()
            for entry in wanted
            if isinstance(entry, dict) and not entry.get("key") and entry.get("keyId")
        }
        unknown = keep - set(existing)
        if unknown:
            raise InvalidInput(f"No key credential found with keyId {sorted(unknown)[0]}.")
        additions = [e for e in wanted if not (isinstance(e, dict) and not e.get("key"))]
        for key_id in set(existing) - keep:
            self.repo.remove_key(app.object_id, key_id)
        for entry in additions:
            self._add_key(app, entry)

    def delete_application(self, tenant_id: str, key: str) -> None:
        self.repo.delete_application(self.application(tenant_id, key))

    # -- credentials ---------------------------------------------------------------------

    def add_password(self, tenant_id: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        app = self.application(tenant_id, key)
        cred = body.get("passwordCredential") or {}
        if not isinstance(cred, dict):
            raise InvalidInput("Property 'passwordCredential' must be an object.")
        end = _parse_time(cred["endDateTime"], "endDateTime") if cred.get("endDateTime") else None
        start = (
            _parse_time(cred["startDateTime"], "startDateTime")
            if cred.get("startDateTime")
            else None
        )
        new = self.directory.add_secret(
            app, display_name=cred.get("displayName"), end=end, start=start
        )
        return shapes.password_json(new.credential, secret_text=new.value)

    def remove_password(self, tenant_id: str, key: str, body: dict[str, Any]) -> None:
        app = self.application(tenant_id, key)
        key_id = body.get("keyId")
        if not isinstance(key_id, str) or not self.repo.remove_password(app.object_id, key_id):
            raise InvalidInput(f"No password credential found with keyId {key_id}.")

    def _add_key(self, app: Application, cred: object) -> KeyCredential:
        if not isinstance(cred, dict) or not isinstance(cred.get("key"), str):
            raise InvalidInput("A keyCredential needs 'key': the base64 DER or PEM certificate.")
        raw = cred["key"].strip()
        try:
            if "BEGIN CERTIFICATE" in raw:
                certificate = x509.load_pem_x509_certificate(raw.encode())
            else:
                certificate = x509.load_der_x509_certificate(base64.b64decode(raw))
        except (ValueError, binascii.Error) as exc:
            raise InvalidInput("Key credential 'key' is not a valid X.509 certificate.") from exc
        pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
        sha1, sha256 = certificate_thumbprints(pem)
        start = cred.get("startDateTime")
        end = cred.get("endDateTime")
        key = KeyCredential(
            key_id=str(cred.get("keyId") or uuid.uuid4()).lower(),
            application_object_id=app.object_id,
            display_name=cred.get("displayName") or certificate.subject.rfc4514_string(),
            thumbprint_sha1=sha1,
            thumbprint_sha256=sha256,
            certificate_pem=pem,
            start=(
                _parse_time(start, "startDateTime") if start else certificate.not_valid_before_utc
            ).timestamp(),
            end=(
                _parse_time(end, "endDateTime") if end else certificate.not_valid_after_utc
            ).timestamp(),
        )
        self.repo.add_key(key)
        return key

    def add_key(self, tenant_id: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        app = self.application(tenant_id, key)
        return shapes.key_json(self._add_key(app, body.get("keyCredential")))

    def remove_key(self, tenant_id: str, key: str, body: dict[str, Any]) -> None:
        app = self.application(tenant_id, key)
        key_id = body.get("keyId")
        if not isinstance(key_id, str) or not self.repo.remove_key(app.object_id, key_id):
            raise InvalidInput(f"No key credential found with keyId {key_id}.")

    # -- service principals --------------------------------------------------------------

    def principal(self, tenant_id: str, key: str) -> ServicePrincipal:
        found = _KEY.match(key)
        sp = (
            self.repo.service_principal(tenant_id, found.group("app_id"))
            if found
            else self.repo.service_principal_by_id(key)
        )
        if sp is None or sp.tenant_id != tenant_id:
            raise NotFound(
                f"Resource '{key}' does not exist or one of its queried reference-property "
                "objects are not present.",
                code="Request_ResourceNotFound",
            )
        return sp

    def _sp_json(self, sp: ServicePrincipal) -> dict[str, Any]:
        return shapes.service_principal_json(sp, self.repo.application_by_app_id(sp.app_id))

    def list_service_principals(
        self, tenant_id: str, filter_text: str | None
    ) -> list[dict[str, Any]]:
        return [
            self._sp_json(sp)
            for sp in self.repo.service_principals(tenant_id)
            if _matches(
                filter_text,
                {"appId": sp.app_id, "displayName": sp.display_name, "id": sp.object_id},
            )
        ]

    def get_service_principal(self, tenant_id: str, key: str) -> dict[str, Any]:
        return self._sp_json(self.principal(tenant_id, key))

    def create_service_principal(self, tenant_id: str, body: dict[str, Any]) -> dict[str, Any]:
        app_id = body.get("appId")
        if not isinstance(app_id, str):
            raise InvalidInput("Property 'appId' is required.")
        if self.repo.service_principal(tenant_id, app_id) is not None:
            raise InvalidInput(
                "The service principal already exists for this application in this tenant.",
                code="Request_MultipleObjectsWithSameKeyValue",
            )
        app = self.repo.application_by_app_id(app_id)
        if app is None:
            raise InvalidInput(
                f"The appId '{app_id}' of the service principal does not reference a valid "
                "application object.",
            )
        return self._sp_json(self.directory.ensure_service_principal(tenant_id, app))

    def delete_service_principal(self, tenant_id: str, key: str) -> None:
        self.repo.delete_service_principal(self.principal(tenant_id, key).object_id)

    # -- app role assignments ------------------------------------------------------------

    def _assignment_json(self, assignment_id: str) -> dict[str, Any]:
        assignment = self.repo.assignment(assignment_id)
        if assignment is None:
            raise NotFound(
                f"Resource '{assignment_id}' does not exist.", code="Request_ResourceNotFound"
            )
        principal = self.repo.service_principal_by_id(assignment.principal_id)
        resource = self.repo.service_principal_by_id(assignment.resource_id)
        assert principal is not None
        assert resource is not None
        return shapes.assignment_json(assignment, principal, resource)

    def list_assignments(
        self, tenant_id: str, key: str, *, as_resource: bool
    ) -> list[dict[str, Any]]:
        sp = self.principal(tenant_id, key)
        found = (self.repo.assignments_to if as_resource else self.repo.assignments_of)(
            sp.object_id
        )
        return [self._assignment_json(a.id) for a in found]

    def assign(
        self, tenant_id: str, key: str, body: dict[str, Any], *, as_resource: bool
    ) -> dict[str, Any]:
        """POST .../appRoleAssignedTo (path names the resource) or .../appRoleAssignments
        (path names the principal): the body always carries principalId, resourceId, appRoleId."""
        path_sp = self.principal(tenant_id, key)
        fields = {name: body.get(name) for name in ("principalId", "resourceId", "appRoleId")}
        for name, value in fields.items():
            if not isinstance(value, str) or not value:
                raise InvalidInput(f"Property '{name}' is required.")
        principal = self.principal(tenant_id, str(fields["principalId"]))
        resource = self.principal(tenant_id, str(fields["resourceId"]))
        if (resource if as_resource else principal).object_id != path_sp.object_id:
            side = "resourceId" if as_resource else "principalId"
            raise InvalidInput(f"Property '{side}' must match the service principal in the URL.")
        api = resource_for(resource.app_id)
        if api is None or api.role_by_id(str(fields["appRoleId"])) is None:
            raise InvalidInput(
                "Permission being assigned was not found on application "
                f"'{resource.display_name}'.",
            )
        assignment = self.directory.assign_role(tenant_id, principal, api, str(fields["appRoleId"]))
        existing = [
            a
            for a in self.repo.assignments_of(principal.object_id)
            if a.resource_id == resource.object_id and a.app_role_id == assignment.app_role_id
        ]
        return self._assignment_json(existing[0].id)

    def unassign(self, tenant_id: str, key: str, assignment_id: str) -> None:
        sp = self.principal(tenant_id, key)
        assignment = self.repo.assignment(assignment_id)
        if assignment is None or sp.object_id not in (
            assignment.principal_id,
            assignment.resource_id,
        ):
            raise NotFound(
                f"Resource '{assignment_id}' does not exist.", code="Request_ResourceNotFound"
            )
        self.repo.delete_assignment(assignment_id)

    def organization(self, tenant_id: str) -> dict[str, Any]:
        return shapes.organization_json(self.directory.tenant(tenant_id))
