"""App registrations through Microsoft Graph: the same calls against the real Graph and the
emulator's `/v1.0` subset. Used by `mdekit app ...` and the demo."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from azure.core.credentials import TokenCredential

from mdekit.catalog.permissions import RESOURCE_APIS, AppRole, ResourceApi
from mdekit.client.auth import BearerAuth
from mdekit.client.credentials import build_credential
from mdekit.client.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    NotFound,
    TransportError,
    Unauthorized,
)
from mdekit.client.settings import Settings, load_settings
from mdekit.client.sync_client import USER_AGENT, verify_option
from mdekit.client.tokens import TokenProvider

GRAPH_APP_ROLES_NEEDED = ("Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All")


def _graph_error(response: httpx.Response) -> ApiError:
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    code = error.get("code") if isinstance(error, dict) else None
    message = (error.get("message") if isinstance(error, dict) else None) or response.reason_phrase
    inner = error.get("innerError", {}) if isinstance(error, dict) else {}
    request_id = inner.get("request-id") if isinstance(inner, dict) else None
    common: dict[str, Any] = {
        "status": response.status_code,
        "code": code,
        "request_id": request_id,
    }
    if response.status_code == 401:
        return Unauthorized(message, **common)
    if response.status_code == 403:
        return Forbidden(
            message,
            required_roles=GRAPH_APP_ROLES_NEEDED,
            **common,
            hint="the caller needs the Microsoft Graph application permissions "
            "Application.ReadWrite.All and AppRoleAssignment.ReadWrite.All (admin-consented), "
            "or an Application Administrator role for a signed-in user",
        )
    if response.status_code == 404:
        return NotFound(message, **common)
    if response.status_code < 500:
        return BadRequest(message, **common)
    return ApiError(message, **common)


class GraphClient:
    """A thin Graph client for app management, authenticated like `Client`."""

    def __init__(
        self,
        credential: TokenCredential | None = None,
        *,
        settings: Settings | None = None,
        transport: httpx.BaseTransport | None = None,
        **overrides: Any,
    ) -> None:
        self.settings = settings or load_settings(**overrides)
        factory: Callable[[], TokenCredential] | None = None
        if credential is None:
            factory = lambda: build_credential(self.settings)  # noqa: E731
            credential = factory()
        self._tokens = TokenProvider(credential, self.settings.graph_scope, factory=factory)
        self._http = httpx.Client(
            base_url=self.settings.graph_url + "/v1.0",
            auth=BearerAuth(self._tokens),
            transport=transport,
            timeout=60.0,
            verify=verify_option(self.settings),
            headers={"User-Agent": USER_AGENT},
        )

    def token(self) -> str:
        return self._tokens.get()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise TransportError(f"{method} {self.settings.graph_url}/v1.0{path}: {exc}") from None
        if not response.is_success:
            raise _graph_error(response)
        return response.json() if response.content else None

    # -- applications --------------------------------------------------------------------

    def create_application(
        self, name: str, roles: list[tuple[ResourceApi, AppRole]], *, multi_tenant: bool = False
    ) -> dict[str, Any]:
        return dict(
            self._call(
                "POST",
                "/applications",
                json={
                    "displayName": name,
                    "signInAudience": "AzureADMultipleOrgs" if multi_tenant else "AzureADMyOrg",
                    "requiredResourceAccess": required_resource_access(roles),
                },
            )
        )

    def applications(self, filter_text: str | None = None) -> list[dict[str, Any]]:
        params = {"$filter": filter_text} if filter_text else None
        return list(self._call("GET", "/applications", params=params)["value"])

    def application_by_app_id(self, app_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/applications(appId='{app_id}')"))

    def update_application(self, object_id: str, patch: dict[str, Any]) -> None:
        self._call("PATCH", f"/applications/{object_id}", json=patch)

    def delete_application(self, object_id: str) -> None:
        self._call("DELETE", f"/applications/{object_id}")

    def add_password(
        self, object_id: str, display_name: str | None = None, end: datetime | None = None
    ) -> dict[str, Any]:
        credential: dict[str, Any] = {"displayName": display_name or "mdekit"}
        if end is not None:
            credential["endDateTime"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
        return dict(
            self._call(
                "POST",
                f"/applications/{object_id}/addPassword",
                json={"passwordCredential": credential},
            )
        )

    def remove_password(self, object_id: str, key_id: str) -> None:
        self._call("POST", f"/applications/{object_id}/removePassword", json={"keyId": key_id})

    # -- service principals and consent --------------------------------------------------

    def service_principal(self, app_id: str) -> dict[str, Any] | None:
        found = self._call("GET", "/servicePrincipals", params={"$filter": f"appId eq '{app_id}'"})[
            "value"
        ]
        return dict(found[0]) if found else None

    def create_service_principal(self, app_id: str) -> dict[str, Any]:
        return dict(self._call("POST", "/servicePrincipals", json={"appId": app_id}))

    def ensure_service_principal(self, app_id: str) -> dict[str, Any]:
        return self.service_principal(app_id) or self.create_service_principal(app_id)

    def assignments(self, principal_id: str) -> list[dict[str, Any]]:
        return list(
            self._call("GET", f"/servicePrincipals/{principal_id}/appRoleAssignments")["value"]
        )

    def grant(self, principal_id: str, resource_id: str, role_id: str) -> dict[str, Any]:
        return dict(
            self._call(
                "POST",
                f"/servicePrincipals/{resource_id}/appRoleAssignedTo",
                json={
                    "principalId": principal_id,
                    "resourceId": resource_id,
                    "appRoleId": role_id,
                },
            )
        )

    def revoke(self, principal_id: str, assignment_id: str) -> None:
        self._call(
            "DELETE", f"/servicePrincipals/{principal_id}/appRoleAssignments/{assignment_id}"
        )

    def grant_admin_consent(self, app: dict[str, Any]) -> list[dict[str, Any]]:
        """What the portal's "Grant admin consent" does for application permissions: the
        app's service principal gets every role its registration asks for."""
        principal = self.ensure_service_principal(app["appId"])
        have = {(a["resourceId"], a["appRoleId"]) for a in self.assignments(principal["id"])}
        granted = []
        for entry in app.get("requiredResourceAccess", []):
            resource = self.service_principal(entry["resourceAppId"])
            if resource is None:
                raise NotFound(
                    f"the API {entry['resourceAppId']} has no service principal in this tenant",
                    status=404,
                )
            for access in entry.get("resourceAccess", []):
                if access.get("type") != "Role" or (resource["id"], access["id"]) in have:
                    continue
                granted.append(self.grant(principal["id"], resource["id"], access["id"]))
        return granted

    def organization(self) -> dict[str, Any]:
        return dict(self._call("GET", "/organization")["value"][0])

    # -- advanced hunting ----------------------------------------------------------------

    def run_hunting_query(
        self, query: str, *, timespan: str | None = None, max_attempts: int = 6
    ) -> dict[str, Any]:
        """`POST /security/runHuntingQuery`: `{"schema": [...], "results": [...]}`.

        A 429 (45 calls a minute per tenant, or the CPU quota) is waited out as its
        Retry-After says, up to `max_attempts` calls in all."""
        body: dict[str, Any] = {"Query": query}
        if timespan:
            body["Timespan"] = timespan
        for attempt in range(1, max_attempts + 1):
            try:
                # The service gives a query up to 200 s of run time.
                response = self._http.post("/security/runHuntingQuery", json=body, timeout=230.0)
            except httpx.TransportError as exc:
                raise TransportError(
                    f"POST {self.settings.graph_url}/v1.0/security/runHuntingQuery: {exc}"
                ) from None
            if response.status_code == 429 and attempt < max_attempts:
                time.sleep(_retry_after(response))
                continue
            if response.status_code == 403:
                error = _graph_error(response)
                raise Forbidden(
                    error.message,
                    status=403,
                    code=error.code,
                    request_id=error.request_id,
                    required_roles=("ThreatHunting.Read.All",),
                    hint="the app needs the Microsoft Graph application permission "
                    "ThreatHunting.Read.All, admin-consented",
                )
            if not response.is_success:
                raise _graph_error(response)
            return dict(response.json())
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._http.close()
        self._tokens.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    return min(float(value), 300.0) if value.replace(".", "", 1).isdigit() else 5.0


def required_resource_access(roles: list[tuple[ResourceApi, AppRole]]) -> list[dict[str, Any]]:
    by_api: dict[str, list[str]] = {}
    for api, role in roles:
        by_api.setdefault(api.app_id, []).append(role.id)
    order = [api.app_id for api in RESOURCE_APIS if api.app_id in by_api]
    return [
        {
            "resourceAppId": app_id,
            "resourceAccess": [{"id": role_id, "type": "Role"} for role_id in by_api[app_id]],
        }
        for app_id in order
    ]
