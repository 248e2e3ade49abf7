"""Where the client signs in and what it calls, from arguments, a profile or the environment.

Environment (azure-identity's names, plus MDE_*): AZURE_TENANT_ID, AZURE_CLIENT_ID,
AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH (+ _PASSWORD), AZURE_FEDERATED_TOKEN_FILE,
AZURE_AUTHORITY_HOST, MDE_CREDENTIAL, MDE_CLOUD, MDE_API_URL, MDE_GRAPH_URL, MDE_SCOPE,
MDE_CA_BUNDLE, MDE_PROFILE.

Precedence, field by field: arguments, then a profile named with `profile=` or MDE_PROFILE,
then the environment, then the profile chosen with `mdekit config use`, then the cloud. The
credential material (secret, certificate, federated token file, credential kind) is taken
whole from the first of those sources that has any, so that a profile's certificate is never
paired with a stray AZURE_CLIENT_SECRET."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlparse

from mdekit.catalog.clouds import MICROSOFT_LOGIN_HOSTS, Cloud
from mdekit.catalog.clouds import cloud as find_cloud
from mdekit.client.errors import ConfigurationError
from mdekit.client.profiles import LayerValue, SecretLookup, profile_layers

CREDENTIAL_KINDS = (
    "auto",
    "secret",
    "certificate",
    "managed-identity",
    "workload-identity",
    "default",
)
"""What `MDE_CREDENTIAL` / `credential_kind=` accept. `auto` picks a secret, then a
certificate, then workload identity (when a federated token file is set), else
azure-identity's DefaultAzureCredential."""

ENVIRONMENT_NAMES: Mapping[str, str] = {
    "cloud": "MDE_CLOUD",
    "api_url": "MDE_API_URL",
    "graph_url": "MDE_GRAPH_URL",
    "authority": "AZURE_AUTHORITY_HOST",
    "tenant_id": "AZURE_TENANT_ID",
    "client_id": "AZURE_CLIENT_ID",
    "client_secret": "AZURE_CLIENT_SECRET",
    "certificate_path": "AZURE_CLIENT_CERTIFICATE_PATH",
    "certificate_password": "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "federated_token_file": "AZURE_FEDERATED_TOKEN_FILE",
    "credential_kind": "MDE_CREDENTIAL",
    "scope": "MDE_SCOPE",
    "ca_bundle": "MDE_CA_BUNDLE",
}
"""Settings field -> environment variable."""

CREDENTIAL_FIELDS = frozenset(
    {
        "credential_kind",
        "client_secret",
        "certificate_path",
        "certificate_password",
        "federated_token_file",
    }
)
"""Taken together from one source (see the module docstring)."""


def _https_url(value: str, name: str) -> str:
    """Normalise a base URL: scheme required (https), no trailing slash."""
    text = value.strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
    parsed = urlparse(text)
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        raise ConfigurationError(
            f"{name} is not a URL: {value!r}; expected e.g. https://host[:port]"
        )
    return text


def _api_base(value: str) -> str:
    """The Defender API base without `/api` (people paste either form)."""
    text = _https_url(value, "MDE_API_URL")
    return re.sub(r"/api(/v1\.0)?$", "", text, flags=re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    cloud: Cloud
    api_url: str
    graph_url: str
    authority: str
    tenant_id: str | None
    client_id: str | None
    client_secret: str | None
    certificate_path: str | None
    certificate_password: str | None
    defender_scope: str
    graph_scope: str
    ca_bundle: str | None = None
    """A CA file to trust (an emulator's bundle); None uses the environment's trust store."""
    credential_kind: str = "auto"
    """One of CREDENTIAL_KINDS."""
    federated_token_file: str | None = None
    """Workload identity: the file holding the federated (e.g. Kubernetes) token."""
    profile: str | None = None
    """The profile these settings were read from, if any (for messages)."""

    @property
    def authority_is_microsoft(self) -> bool:
        return (urlparse(self.authority).hostname or "").lower() in MICROSOFT_LOGIN_HOSTS

    def with_tenant(self, tenant_id: str) -> Settings:
        return replace(self, tenant_id=tenant_id)

    def secrets(self) -> tuple[str, ...]:
        """The secret values these settings hold (for redaction in logs)."""
        return tuple(s for s in (self.client_secret, self.certificate_password) if s)

    def __repr__(self) -> str:  # never print the secret
        secret = "<set>" if self.client_secret else None
        return (
            f"Settings(cloud={self.cloud.name!r}, api_url={self.api_url!r}, authority="
            f"{self.authority!r}, tenant_id={self.tenant_id!r}, client_id={self.client_id!r}, "
            f"client_secret={secret!r}, certificate_path={self.certificate_path!r}, "
            f"credential_kind={self.credential_kind!r}, profile={self.profile!r})"
        )


def _merge(layers: list[Mapping[str, LayerValue]], arguments: Mapping[str, str]) -> dict[str, str]:
    """Field by field, the first layer that has a value; the credential fields as a whole
    from the first layer having any of them; arguments over everything. A secret that a
    profile references is fetched here, only when it is the one used."""
    merged: dict[str, LayerValue] = {}
    for layer in reversed(layers):
        merged.update({k: v for k, v in layer.items() if k not in CREDENTIAL_FIELDS})
    source = next((layer for layer in layers if CREDENTIAL_FIELDS & layer.keys()), {})
    merged.update({k: v for k, v in source.items() if k in CREDENTIAL_FIELDS})
    merged.update(arguments)
    return {k: v() if callable(v) else v for k, v in merged.items()}


def load_settings(
    *,
    cloud: str | Cloud | None = None,
    cloud_name: str | None = None,
    api_url: str | None = None,
    graph_url: str | None = None,
    authority: str | None = None,
    tenant_id: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    certificate_path: str | None = None,
    certificate_password: str | None = None,
    federated_token_file: str | None = None,
    credential_kind: str | None = None,
    scope: str | None = None,
    ca_bundle: str | None = None,
    profile: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    secret_lookup: SecretLookup | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Arguments win over a named profile, that over the environment, that over the current
    profile; the cloud supplies what none gives. `cloud` and `cloud_name` are synonyms."""
    env = os.environ if environ is None else environ
    chosen_cloud = cloud if isinstance(cloud, Cloud) else None
    arguments = {
        name: value
        for name, value in {
            "cloud": cloud if isinstance(cloud, str) else cloud_name,
            "api_url": api_url,
            "graph_url": graph_url,
            "authority": authority,
            "tenant_id": tenant_id,
            "client_id": client_id,
            "client_secret": client_secret,
            "certificate_path": certificate_path,
            "certificate_password": certificate_password,
            "federated_token_file": federated_token_file,
            "credential_kind": credential_kind,
            "scope": scope,
            "ca_bundle": ca_bundle,
        }.items()
        if value
    }
    from_env = {
        name: env[variable] for name, variable in ENVIRONMENT_NAMES.items() if env.get(variable)
    }
    named, current, profile_name = profile_layers(
        profile, env, config_file=config_file, secret_lookup=secret_lookup
    )
    values = _merge([named, from_env, current], arguments)
    if chosen_cloud is None:
        try:
            chosen_cloud = find_cloud(values.get("cloud") or "global")
        except KeyError as exc:
            raise ConfigurationError(
                str(exc.args[0]), hint="set MDE_CLOUD to one of those"
            ) from None
    kind = (values.get("credential_kind") or "auto").strip().lower()
    if kind not in CREDENTIAL_KINDS:
        raise ConfigurationError(
            f"unknown credential kind {kind!r}; choose one of: {', '.join(CREDENTIAL_KINDS)}",
            hint="set MDE_CREDENTIAL (or credential_kind=) to one of those",
        )
    api = values.get("api_url")
    graph = values.get("graph_url")
    login = values.get("authority")
    return Settings(
        cloud=chosen_cloud,
        api_url=_api_base(api) if api else chosen_cloud.api_url,
        graph_url=_https_url(graph, "MDE_GRAPH_URL") if graph else chosen_cloud.graph_url,
        authority=_https_url(login, "AZURE_AUTHORITY_HOST") if login else chosen_cloud.login_url,
        tenant_id=values.get("tenant_id"),
        client_id=values.get("client_id"),
        client_secret=values.get("client_secret"),
        certificate_path=values.get("certificate_path"),
        certificate_password=values.get("certificate_password"),
        defender_scope=values.get("scope") or chosen_cloud.defender_scope,
        graph_scope=chosen_cloud.graph_scope,
        ca_bundle=values.get("ca_bundle"),
        credential_kind=kind,
        federated_token_file=values.get("federated_token_file"),
        profile=profile_name,
    )
