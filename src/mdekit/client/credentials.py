"""azure-identity credentials from Settings: client secret, certificate (PEM or PFX), managed
identity, workload identity, or azure-identity's DefaultAzureCredential chain.

For an authority that is not a Microsoft login host (the emulator, a proxy), instance
discovery is switched off: otherwise MSAL asks login.microsoftonline.com about the host
first and fails offline. The sync and async builders differ only in the module their
classes come from (`azure.identity` or `azure.identity.aio`), so the choice is written once."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any, cast

from azure.core.credentials import TokenCredential
from azure.core.credentials_async import AsyncTokenCredential

from mdekit.client.errors import NO_CREDENTIAL_HINT, ConfigurationError
from mdekit.client.settings import Settings


def resolved_kind(settings: Settings) -> str:
    """The credential `auto` stands for: a secret, then a certificate, then workload identity
    when a federated token file is set, else DefaultAzureCredential."""
    if settings.credential_kind != "auto":
        return settings.credential_kind
    if settings.client_secret:
        return "secret"
    if settings.certificate_path:
        return "certificate"
    if settings.federated_token_file:
        return "workload-identity"
    return "default"


def _require_ids(settings: Settings, kind: str) -> tuple[str, str]:
    tenant_id, client_id = settings.tenant_id, settings.client_id
    missing = [
        name
        for name, value in (("AZURE_TENANT_ID", tenant_id), ("AZURE_CLIENT_ID", client_id))
        if not value
    ]
    if missing or not tenant_id or not client_id:
        raise ConfigurationError(
            f"{' and '.join(missing)} not set (needed for the {kind} credential)",
            hint="set them (or pass tenant_id=/client_id=), or run "
            '`eval "$(mdekit emulator env)"` to use a local emulator',
        )
    return tenant_id, client_id


TOKEN_CONNECT_TIMEOUT = 10.0
TOKEN_READ_TIMEOUT = 30.0
"""azure-core waits 300 s for each of these by default, and retries: a token endpoint that
takes a connection and never answers would hold a job for many minutes. Entra answers in
well under a second."""


def _options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "authority": settings.authority,
        "connection_timeout": TOKEN_CONNECT_TIMEOUT,
        "read_timeout": TOKEN_READ_TIMEOUT,
    }
    if not settings.authority_is_microsoft:
        options["disable_instance_discovery"] = True
    if settings.ca_bundle:
        options["connection_verify"] = settings.ca_bundle
    return options


def _certificate_options(settings: Settings) -> dict[str, Any]:
    path = Path(settings.certificate_path or "")
    if not path.is_file():
        raise ConfigurationError(
            f"AZURE_CLIENT_CERTIFICATE_PATH does not name a file: {settings.certificate_path}",
            hint="point it at a PEM (private key + certificate) or PFX file",
        )
    options: dict[str, Any] = {"certificate_path": str(path)}
    if settings.certificate_password:
        options["password"] = settings.certificate_password
    return options


def _token_file(settings: Settings) -> str:
    path = settings.federated_token_file
    if not path or not Path(path).is_file():
        raise ConfigurationError(
            f"AZURE_FEDERATED_TOKEN_FILE does not name a file: {path}",
            hint="workload identity reads the federated token from that file (AKS mounts it)",
        )
    return path


def _build(settings: Settings, identity: ModuleType) -> Any:
    kind = resolved_kind(settings)
    if kind == "secret":
        tenant_id, client_id = _require_ids(settings, kind)
        if not settings.client_secret:
            raise ConfigurationError("AZURE_CLIENT_SECRET not set", hint=NO_CREDENTIAL_HINT)
        return identity.ClientSecretCredential(
            tenant_id, client_id, settings.client_secret, **_options(settings)
        )
    if kind == "certificate":
        tenant_id, client_id = _require_ids(settings, kind)
        if not settings.certificate_path:
            raise ConfigurationError(
                "AZURE_CLIENT_CERTIFICATE_PATH not set", hint=NO_CREDENTIAL_HINT
            )
        return identity.CertificateCredential(
            tenant_id, client_id, **_certificate_options(settings), **_options(settings)
        )
    if kind == "workload-identity":
        tenant_id, client_id = _require_ids(settings, kind)
        return identity.WorkloadIdentityCredential(
            tenant_id=tenant_id,
            client_id=client_id,
            token_file_path=_token_file(settings),
            **_options(settings),
        )
    if kind == "managed-identity":
        # AZURE_CLIENT_ID, when set, names a user-assigned identity; else system-assigned.
        return identity.ManagedIdentityCredential(client_id=settings.client_id)
    options = _options(settings)
    if settings.client_id:
        options["managed_identity_client_id"] = settings.client_id
    if settings.tenant_id:
        options["workload_identity_tenant_id"] = settings.tenant_id
    return identity.DefaultAzureCredential(**options)


def build_credential(settings: Settings) -> TokenCredential:
    """A sync credential for the configured kind (MDE_CREDENTIAL, `auto` by default)."""
    import azure.identity

    return cast(TokenCredential, _build(settings, azure.identity))


def build_async_credential(settings: Settings) -> AsyncTokenCredential:
    """The asyncio twin of build_credential (azure.identity.aio)."""
    import azure.identity.aio

    return cast(AsyncTokenCredential, _build(settings, azure.identity.aio))
