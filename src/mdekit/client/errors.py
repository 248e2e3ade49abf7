"""The client's errors: one tree, each with what went wrong and what to do about it.
No error ever carries a token or a secret."""

from __future__ import annotations

import re
from typing import Any

_AADSTS = re.compile(r"AADSTS(\d+):\s*(.*?)(?:\r?\n|\s+Trace ID:|$)", re.DOTALL)

AADSTS_HINTS: dict[int, str] = {
    7000215: "the client secret is wrong: use the secret's Value (not its ID), or add a new "
    "secret (`mdekit app secret add`)",
    7000222: "the client secret has expired: add a new one (`mdekit app secret add`) and "
    "update AZURE_CLIENT_SECRET",
    7000218: "no credential was sent: set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH",
    700016: "the app is not in this tenant: check AZURE_CLIENT_ID and AZURE_TENANT_ID, or have "
    "the tenant's admin consent to the app (`mdekit app consent-url`)",
    90002: "the tenant does not exist: check AZURE_TENANT_ID (and the cloud: MDE_CLOUD)",
    900023: "AZURE_TENANT_ID is not a tenant GUID or domain",
    500011: "the API is not known in this tenant: check the scope/resource (MDE_CLOUD), or "
    "whether Defender for Endpoint is provisioned in the tenant",
    700027: "the certificate is not registered on the app, or the key does not match it",
    700024: "the client assertion is outside its time window: check the machine's clock",
    1002012: "the scope must end in /.default for app-only tokens",
    70011: "the scope is not valid: use <resource>/.default",
}


NO_CREDENTIAL_HINT = (
    "no credential was found: set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (with "
    "AZURE_TENANT_ID and AZURE_CLIENT_ID), use a profile (--profile / MDE_PROFILE), or set "
    "MDE_CREDENTIAL to the kind you mean (managed-identity, workload-identity, default)"
)
"""Said when azure-identity's credential chain (or managed identity) finds nothing to use."""


class MdeError(Exception):
    """Base of every mdekit client error."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint


class ConfigurationError(MdeError):
    """Settings are missing or contradictory (no tenant, no credential, bad URL...)."""


class AuthenticationError(MdeError):
    """The token endpoint said no. Carries the AADSTS code and its description."""

    def __init__(self, message: str, *, code: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or (AADSTS_HINTS.get(code) if code else None))
        self.code = code

    @classmethod
    def from_text(cls, text: str) -> AuthenticationError:
        """Build from an azure-identity / MSAL message, keeping only the AADSTS line."""
        found = _AADSTS.search(text)
        if found is None:
            first = text.strip().splitlines()[0] if text.strip() else "authentication failed"
            chain = "DefaultAzureCredential" in text or "ManagedIdentityCredential" in text
            if "Unable to get authority configuration" in text:
                # MSAL's words when the tenant's discovery document is refused (no such tenant).
                return cls(first, hint=AADSTS_HINTS[90002])
            return cls(first, hint=NO_CREDENTIAL_HINT if chain else None)
        code = int(found.group(1))
        return cls(f"AADSTS{code}: {found.group(2).strip()}", code=code)


class TransportError(MdeError):
    """The service could not be reached (DNS, TLS, connection, timeout)."""


class ApiError(MdeError):
    """The Defender API answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        request_id: str | None = None,
        hint: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.request_id = request_id
        self.body = body

    def __str__(self) -> str:
        parts = [f"{self.status} {self.code or ''}".strip() + f": {self.message}"]
        if self.request_id:
            parts.append(f"(request id {self.request_id})")
        return " ".join(parts)


class BadRequest(ApiError):
    pass


class Unauthorized(ApiError):
    pass


class Forbidden(ApiError):
    """A valid token without a role the endpoint accepts."""

    def __init__(
        self,
        message: str,
        *,
        required_roles: tuple[str, ...] = (),
        token_roles: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.required_roles = required_roles
        self.token_roles = token_roles


class NotFound(ApiError):
    pass


class RateLimited(ApiError):
    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    pass


def forbidden_hint(required: tuple[str, ...], present: tuple[str, ...]) -> str:
    """The steps that fix a 403: which permission to add, then consent, then a new token."""
    wanted = required[0] if required else "the needed permission"
    have = ", ".join(present) if present else "none"
    return (
        f"the token's roles are [{have}]; it needs one of [{', '.join(required)}]. Add the "
        f"permission (`mdekit app permission add <client-id> {wanted}`), grant admin consent "
        "(`mdekit app consent grant <client-id>`), then get a new token."
    )
