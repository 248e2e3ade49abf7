"""`mdekit config list|show|set|use`: named profiles in `$XDG_CONFIG_HOME/mdekit/config.toml`.
A profile never holds a secret: it names an environment variable or a keyring entry."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from mdekit.cli.common import err, out
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.output import write_json
from mdekit.client.profiles import (
    PLAIN_KEYS,
    SECRET_KEYS,
    Config,
    check_profile_values,
    config_path,
    keyring_entry,
    keyring_set,
    load_config,
    save_config,
)

app = typer.Typer(
    help="Profiles: named sets of settings in ~/.config/mdekit/config.toml (no secrets).",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="Profile name.")]


def _load() -> tuple[Config, Any]:
    path = config_path()
    return load_config(path), path


@app.command("list")
def list_profiles(
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """List the profiles; the current one is marked.

    Example: mdekit config list
    """
    config, path = _load()
    rows = [
        {
            "name": name,
            "current": name == config.current,
            "tenant_id": values.get("tenant_id"),
            "client_id": values.get("client_id"),
            "cloud": values.get("cloud", "global"),
            "credential": values.get("credential", "auto"),
        }
        for name, values in sorted(config.profiles.items())
    ]
    if as_json:
        write_json({"path": str(path), "current": config.current, "profiles": rows})
        return
    if not rows:
        err.print(f"no profiles yet in {path}; create one with `mdekit config set NAME k=v ...`")
        return
    table = Table(title=str(path), header_style="bold")
    for column in ("", "name", "tenant_id", "client_id", "cloud", "credential"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            "*" if row["current"] else "",
            *(escape(str(row[c] or "")) for c in ("name", "tenant_id", "client_id", "cloud")),
            escape(str(row["credential"])),
        )
    out.print(table)


def _describe(values: dict[str, str]) -> dict[str, str]:
    """A profile's values, with each secret reference said in words (never the secret)."""
    shown = {k: v for k, v in values.items() if k in PLAIN_KEYS}
    for key in SECRET_KEYS:
        variable, entry = values.get(f"{key}_env"), values.get(f"{key}_keyring")
        if variable:
            state = "set" if os.environ.get(variable) else "NOT set"
            shown[key] = f"from ${variable} ({state})"
        elif entry:
            service, username = keyring_entry(entry)
            shown[key] = f"from the keyring ({service} / {username})"
    return shown


@app.command("show")
def show(
    name: Annotated[
        str | None, typer.Argument(help="Profile name (default: the one in effect).")
    ] = None,
    effective: Annotated[
        bool,
        typer.Option(
            "--effective", help="The settings in effect (profile + environment), no secrets."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show a profile (secrets only as where they come from), or the effective settings.

    Examples:
      mdekit config show prod
      mdekit --profile prod config show --effective
    """
    if effective:
        from mdekit.client.credentials import resolved_kind
        from mdekit.client.settings import load_settings

        current = load_settings(profile=name)
        data = {
            "profile": current.profile,
            "cloud": current.cloud.name,
            "api_url": current.api_url,
            "graph_url": current.graph_url,
            "authority": current.authority,
            "tenant_id": current.tenant_id,
            "client_id": current.client_id,
            "credential": resolved_kind(current),
            "client_secret": "<set>" if current.client_secret else None,
            "certificate_path": current.certificate_path,
            "federated_token_file": current.federated_token_file,
            "scope": current.defender_scope,
            "ca_bundle": current.ca_bundle,
        }
    else:
        config, path = _load()
        chosen = name or os.environ.get("MDE_PROFILE") or config.current
        if not chosen:
            raise CliError(
                "no profile named and none is current",
                code=ExitCode.USAGE,
                hint="mdekit config show NAME, or mdekit config use NAME",
            )
        data = {"profile": chosen, **_describe(config.profile(chosen, path))}
    if as_json:
        write_json(data)
        return
    for key, value in data.items():
        if value is not None:
            out.print(f"[bold]{key:<22}[/]{escape(str(value))}")


def _read_secret(what: str) -> str:
    if sys.stdin.isatty():
        secret: str = typer.prompt(what, hide_input=True)
    else:
        secret = sys.stdin.readline().strip()
    if not secret:
        raise CliError(f"no {what} given", code=ExitCode.USAGE)
    return secret


@app.command("set")
def set_values(
    name: NameArg,
    assignments: Annotated[
        list[str] | None,
        typer.Argument(help="key=value pairs; key= removes the key."),
    ] = None,
    client_secret: Annotated[
        bool,
        typer.Option(
            "--client-secret",
            help="Read the client secret (stdin, or a hidden prompt) and store it in the "
            "keyring; the profile then references it.",
        ),
    ] = False,
    certificate_password: Annotated[
        bool,
        typer.Option("--certificate-password", help="The same for the certificate's password."),
    ] = False,
) -> None:
    """Create or change a profile.

    Keys: tenant_id, client_id, credential, certificate_path, federated_token_file, cloud,
    api_url, graph_url, authority, scope, ca_bundle; secrets only by reference:
    client_secret_env / client_secret_keyring, certificate_password_env / _keyring.

    Examples:
      mdekit config set prod tenant_id=contoso.onmicrosoft.com client_id=00000000-... \\
        client_secret_env=MDE_PROD_SECRET cloud=eu
      printf %s "$SECRET" | mdekit config set prod --client-secret   # into the keyring
    """
    config, path = _load()
    values = dict(config.profiles.get(name, {}))
    for assignment in assignments or []:
        key, sep, value = assignment.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CliError(f"not key=value: {assignment!r}", code=ExitCode.USAGE)
        if value.strip():
            values[key] = value.strip()
        else:
            values.pop(key, None)
    for wanted, key in (
        (client_secret, "client_secret"),
        (certificate_password, "certificate_password"),
    ):
        if wanted:
            keyring_set("mdekit", name, _read_secret(SECRET_KEYS[key]))
            values.pop(f"{key}_env", None)
            values[f"{key}_keyring"] = name
    check_profile_values(name, values)
    config.profiles[name] = values
    if config.current is None:
        config.current = name
    save_config(path, config)
    err.print(
        f"saved profile {name!r} in {path}" + (" (current)" if config.current == name else "")
    )


@app.command("use")
def use(
    name: Annotated[str, typer.Argument(help="Profile name, or `none` to have no current one.")],
) -> None:
    """Make a profile the current one (used when the environment does not say otherwise).

    Example: mdekit config use prod
    """
    config, path = _load()
    if name.lower() == "none":
        config.current = None
    else:
        config.profile(name, path)
        config.current = name
    save_config(path, config)
    err.print(f"current profile: {config.current or 'none'}")
