"""Named profiles in `$XDG_CONFIG_HOME/mdekit/config.toml` (default `~/.config/mdekit/...`).

A profile holds where to sign in and what to call, never a secret: a secret is referenced,
by the name of an environment variable (`client_secret_env = "MY_SECRET"`) or by a keyring
entry (`client_secret_keyring = "prod"`, read with the optional `keyring` package). The file
names a current profile (`current = "prod"`, set by `mdekit config use`)::

    current = "prod"

    [profiles.prod]
    tenant_id = "contoso.onmicrosoft.com"
    client_id = "..."
    client_secret_env = "MDE_PROD_SECRET"
    cloud = "eu"
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdekit.client.errors import ConfigurationError

SecretLookup = Callable[[str, str], str | None]
"""(service, username) -> the stored secret, or None (keyring's get_password)."""

LayerValue = str | Callable[[], str]
"""A setting's value, or (for a secret) how to fetch it when it is actually used."""

KEYRING_SERVICE = "mdekit"

PLAIN_KEYS: Mapping[str, str] = {
    "tenant_id": "tenant GUID or domain (AZURE_TENANT_ID)",
    "client_id": "the app's client id (AZURE_CLIENT_ID)",
    "credential": "auto, secret, certificate, managed-identity, workload-identity or default",
    "certificate_path": "PEM or PFX file (AZURE_CLIENT_CERTIFICATE_PATH)",
    "federated_token_file": "workload identity token file (AZURE_FEDERATED_TOKEN_FILE)",
    "cloud": "global, us, eu, uk, au, gcc, gcc-high or dod (MDE_CLOUD)",
    "api_url": "Defender API base (MDE_API_URL)",
    "graph_url": "Microsoft Graph base (MDE_GRAPH_URL)",
    "authority": "login host (AZURE_AUTHORITY_HOST)",
    "scope": "token scope (MDE_SCOPE)",
    "ca_bundle": "CA file to trust (MDE_CA_BUNDLE)",
}
"""Profile keys that hold their value, with what they mean."""

SECRET_KEYS: Mapping[str, str] = {
    "client_secret": "the client secret",
    "certificate_password": "the certificate's password",
}
"""Secrets: only ever referenced, as `<key>_env` or `<key>_keyring`."""

_FIELD_OF = {"credential": "credential_kind"}
"""Profile key -> Settings field, where they differ."""


def reference_keys() -> tuple[str, ...]:
    return tuple(f"{key}_{how}" for key in SECRET_KEYS for how in ("env", "keyring"))


def known_keys() -> tuple[str, ...]:
    return (*PLAIN_KEYS, *reference_keys())


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CONFIG_HOME/mdekit/config.toml`, else `~/.config/mdekit/config.toml`."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "mdekit" / "config.toml"


@dataclass
class Config:
    current: str | None = None
    profiles: dict[str, dict[str, str]] = field(default_factory=dict)

    def profile(self, name: str, path: Path) -> dict[str, str]:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none yet"
            raise ConfigurationError(
                f"no profile {name!r} in {path} (profiles: {known})",
                hint=f"create it with `mdekit config set {name} tenant_id=... client_id=...`",
            ) from None


def load_config(path: Path) -> Config:
    """The config file, or an empty Config when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path} is not valid TOML: {exc}") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(v, dict) for v in profiles.values()):
        raise ConfigurationError(f"{path}: [profiles.NAME] tables expected")
    current = data.get("current")
    return Config(
        current=str(current) if current else None,
        profiles={
            str(name): {str(k): _text(v) for k, v in values.items()}
            for name, values in profiles.items()
        },
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _toml_string(value: str) -> str:
    # JSON's string escapes are a subset of TOML basic strings'.
    return json.dumps(value, ensure_ascii=False)


def save_config(path: Path, config: Config) -> None:
    """Write atomically, readable by the owner only (it names secrets' whereabouts)."""
    lines = []
    if config.current:
        lines.append(f"current = {_toml_string(config.current)}")
    for name in sorted(config.profiles):
        lines.append("")
        lines.append(f"[profiles.{_toml_string(name)}]")
        for key, value in config.profiles[name].items():
            lines.append(f"{key} = {_toml_string(value)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines).lstrip("\n") + "\n")
    os.replace(temporary, path)


def check_profile_values(name: str, values: Mapping[str, str]) -> None:
    """Refuse plain secrets and unknown keys (a typo would silently do nothing)."""
    for key in values:
        if key in SECRET_KEYS:
            raise ConfigurationError(
                f"profile {name!r}: mdekit never keeps {SECRET_KEYS[key]} in the config file",
                hint=f'reference it instead: {key}_env = "VARIABLE" or '
                f'{key}_keyring = "{name}" (`mdekit config set {name} --{key.replace("_", "-")}`'
                " stores it there)",
            )
        if key not in known_keys():
            raise ConfigurationError(
                f"profile {name!r}: unknown key {key!r}",
                hint=f"known keys: {', '.join(known_keys())}",
            )


def keyring_entry(reference: str) -> tuple[str, str]:
    """`"name"` -> (mdekit, name); `"service:name"` -> (service, name)."""
    service, sep, username = reference.partition(":")
    return (service, username) if sep else (KEYRING_SERVICE, reference)


def keyring_get(service: str, username: str) -> str | None:
    """Read a secret with the `keyring` package (an optional dependency)."""
    try:
        import keyring  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise ConfigurationError(
            "the profile reads a secret from the keyring, but the keyring package is not installed",
            hint="pip install keyring (or mdekit[keyring]), or use <key>_env instead",
        ) from None
    value = keyring.get_password(service, username)
    return str(value) if value is not None else None


def keyring_set(service: str, username: str, secret: str) -> None:
    try:
        import keyring  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise ConfigurationError(
            "the keyring package is not installed",
            hint="pip install keyring (or mdekit[keyring]), or keep the secret in an "
            "environment variable and set <key>_env",
        ) from None
    keyring.set_password(service, username, secret)


def _secret(
    profile: str, key: str, values: Mapping[str, str], env: Mapping[str, str], lookup: SecretLookup
) -> LayerValue | None:
    variable = values.get(f"{key}_env")
    entry = values.get(f"{key}_keyring")
    if variable:

        def from_env() -> str:
            value = env.get(variable)
            if not value:
                raise ConfigurationError(
                    f"profile {profile!r}: {key}_env names {variable}, which is not set",
                    hint=f"export {variable}=... (the profile never holds the secret itself)",
                )
            return value

        return from_env
    if entry:
        service, username = keyring_entry(entry)

        def from_keyring() -> str:
            value = lookup(service, username)
            if not value:
                raise ConfigurationError(
                    f"profile {profile!r}: no keyring entry {username!r} in service {service!r}",
                    hint=f"store it: mdekit config set {profile} --{key.replace('_', '-')}",
                )
            return value

        return from_keyring
    return None


def profile_layer(
    name: str,
    values: Mapping[str, str],
    env: Mapping[str, str],
    lookup: SecretLookup = keyring_get,
) -> dict[str, LayerValue]:
    """A profile as Settings fields; secrets are fetched only if they are used."""
    check_profile_values(name, values)
    layer: dict[str, LayerValue] = {
        _FIELD_OF.get(key, key): value for key, value in values.items() if key in PLAIN_KEYS
    }
    for key in SECRET_KEYS:
        secret = _secret(name, key, values, env, lookup)
        if secret is not None:
            layer[key] = secret
    return layer


def profile_layers(
    profile: str | None,
    env: Mapping[str, str],
    *,
    config_file: str | os.PathLike[str] | None = None,
    secret_lookup: SecretLookup | None = None,
) -> tuple[dict[str, LayerValue], dict[str, LayerValue], str | None]:
    """(named profile's layer, current profile's layer, the profile's name): the first when
    a profile is named (argument or MDE_PROFILE), else the second when the file has a
    current one. `MDE_PROFILE=none` ignores the file."""
    named = profile or env.get("MDE_PROFILE") or None
    if named is not None and named.lower() == "none":
        return {}, {}, None
    path = Path(config_file) if config_file is not None else config_path(env)
    config = load_config(path)
    lookup = secret_lookup or keyring_get
    if named is not None:
        return profile_layer(named, config.profile(named, path), env, lookup), {}, named
    if config.current and config.current in config.profiles:
        current = config.current
        return {}, profile_layer(current, config.profiles[current], env, lookup), current
    return {}, {}, None
