"""Entra ID's token-endpoint errors: AADSTS codes, their `error` values and wording.

Only the texts a client sees are modelled; the HTTP mapping (401 for `invalid_client`,
400 otherwise) lives in `error_response`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class AadstsError(Exception):
    """A token-service failure as Entra reports it."""

    code: int
    error: str
    message: str

    def __str__(self) -> str:
        return f"AADSTS{self.code}: {self.message}"

    @property
    def status(self) -> int:
        return 401 if self.error == "invalid_client" else 400


def error_body(exc: AadstsError, *, now: datetime, correlation_id: str | None) -> dict[str, Any]:
    """The JSON body Entra sends: description with Trace ID / Correlation ID / Timestamp lines."""
    trace_id = str(uuid.uuid4())
    correlation = correlation_id or str(uuid.uuid4())
    stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
    description = (
        f"AADSTS{exc.code}: {exc.message}\r\nTrace ID: {trace_id}\r\n"
        f"Correlation ID: {correlation}\r\nTimestamp: {stamp}"
    )
    return {
        "error": exc.error,
        "error_description": description,
        "error_codes": [exc.code],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": correlation,
        "error_uri": f"https://login.microsoftonline.com/error?code={exc.code}",
    }


# --- the catalogue -----------------------------------------------------------------------


def missing_parameter(name: str) -> AadstsError:
    return AadstsError(
        900144,
        "invalid_request",
        f"The request body must contain the following parameter: '{name}'.",
    )


def no_client_credential() -> AadstsError:
    return AadstsError(
        7000218,
        "invalid_client",
        "The request body must contain the following parameter: 'client_assertion' or "
        "'client_secret'.",
    )


def invalid_secret(app_id: str) -> AadstsError:
    return AadstsError(
        7000215,
        "invalid_client",
        "Invalid client secret provided. Ensure the secret being sent in the request is the "
        f"client secret value, not the client secret ID, for a secret added to app '{app_id}'.",
    )


def expired_secret(app_id: str) -> AadstsError:
    return AadstsError(
        7000222,
        "invalid_client",
        f"The provided client secret keys for app '{app_id}' are expired. Visit the Azure "
        "portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider "
        "using certificate credentials for added security: https://aka.ms/certCreds.",
    )


def app_not_found(app_id: str, tenant_name: str) -> AadstsError:
    return AadstsError(
        700016,
        "unauthorized_client",
        f"Application with identifier '{app_id}' was not found in the directory "
        f"'{tenant_name}'. This can happen if the application has not been installed by the "
        "administrator of the tenant or consented to by any user in the tenant. You may have "
        "sent your authentication request to the wrong tenant.",
    )


def tenant_not_found(tenant: str) -> AadstsError:
    return AadstsError(
        90002,
        "invalid_tenant",
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
        "are signing into the correct cloud. Check with your subscription administrator, this "
        "may happen if there are no active subscriptions for the tenant.",
    )


def malformed_tenant(tenant: str) -> AadstsError:
    return AadstsError(
        900023,
        "invalid_request",
        f"Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid "
        "external domain.",
    )


def tenant_required(tenant: str) -> AadstsError:
    # Client credentials need a tenant: the app acts as itself in one directory.
    return AadstsError(
        50194,
        "invalid_request",
        f"Usage of the /{tenant} endpoint is not supported for the client credentials flow. "
        "Use a tenant-specific endpoint: /{tenant ID or domain}/oauth2/v2.0/token.",
    )


def missing_scope() -> AadstsError:
    return AadstsError(
        90014,
        "invalid_request",
        "The required field 'scope' is missing from the credential. Ensure that you have all "
        "the necessary parameters for the login request.",
    )


def scope_needs_default(scope: str) -> AadstsError:
    return AadstsError(
        1002012,
        "invalid_scope",
        f"The provided value for scope {scope} is not valid. Client credential flows must "
        "have a scope value with /.default suffixed to the resource identifier (application ID "
        "URI).",
    )


def invalid_scope(scope: str) -> AadstsError:
    return AadstsError(
        70011,
        "invalid_scope",
        "The provided request must include a 'scope' input parameter. The provided value for "
        f"the input parameter 'scope' is not valid. The scope {scope} is not valid.",
    )


def several_resources() -> AadstsError:
    return AadstsError(
        700022,
        "invalid_scope",
        "The provided value for the input parameter scope isn't valid because it contains "
        "more than one resource.",
    )


def resource_not_found(resource: str, tenant_name: str) -> AadstsError:
    return AadstsError(
        500011,
        "invalid_resource",
        f"The resource principal named {resource} was not found in the tenant named "
        f"{tenant_name}. This can happen if the application has not been installed by the "
        "administrator of the tenant or consented to by any user in the tenant. You might have "
        "sent your authentication request to the wrong tenant.",
    )


def resource_on_v2() -> AadstsError:
    return AadstsError(
        901002, "invalid_request", "The 'resource' request parameter isn't supported."
    )


def unsupported_grant(grant: str) -> AadstsError:
    return AadstsError(
        70003,
        "unsupported_grant_type",
        f"The app requested an unsupported grant type '{grant}'.",
    )


def wrong_method(method: str) -> AadstsError:
    return AadstsError(
        900561,
        "invalid_request",
        f"The endpoint only accepts POST, OPTIONS requests. Received a {method} request.",
    )


def client_id_mismatch() -> AadstsError:
    return AadstsError(
        700019,
        "invalid_request",
        "The client_id in the request body does not match the client_id in the Authorization "
        "header.",
    )


def malformed_client_id(client_id: str) -> AadstsError:
    return AadstsError(
        700038,
        "unauthorized_client",
        f"{client_id} is not a valid application identifier.",
    )
