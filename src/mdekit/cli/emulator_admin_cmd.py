"""`mdekit emulator tenant|rotate-keys|clock|token-lifetime`: the control API of a running
emulator, from the shell. Every command names the emulator by `--state-dir` (the one running
for it) or `--url` (with `$MDE_EMULATOR_ADMIN_KEY`). The runtime switches (reset, seed,
actions, quotas, faults) and the journal live in their own modules and join here."""

from __future__ import annotations

from typing import Annotated

import typer

from mdekit.cli import emulator_journal_cmd, emulator_runtime_cmd
from mdekit.cli.common import out
from mdekit.cli.control_client import UrlOpt, control
from mdekit.cli.emulator_cmd import StateDirOpt, app
from mdekit.cli.output import Format, write_json, write_records

tenant_app = typer.Typer(help="Tenants of a running emulator.", no_args_is_help=True)
clock_app = typer.Typer(
    help="The emulator's clock (token expiry, action progress).", no_args_is_help=True
)
app.add_typer(tenant_app, name="tenant")
app.add_typer(clock_app, name="clock")
_ = (emulator_runtime_cmd, emulator_journal_cmd)  # their commands join `mdekit emulator`


@tenant_app.command("add")
def tenant_add(
    name: Annotated[str, typer.Argument(help="Display name, e.g. Fabrikam.")],
    domain: Annotated[
        str | None,
        typer.Option("--domain", help="Default domain (default <name>.onmicrosoft.com)."),
    ] = None,
    output: Annotated[str, typer.Option("--output", help="text or json.")] = "text",
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
) -> None:
    """Add a tenant (with its own synthetic world; the dev app is consented there)."""
    body = {"name": name, **({"domain": domain} if domain else {})}
    tenant = control(state_dir, url, "POST", "/tenants", json=body)
    if output == "json":
        write_json(tenant)
    else:
        typer.echo(tenant["id"])


@tenant_app.command("list")
def tenant_list(
    fmt: Annotated[Format, typer.Option("--format", "-o")] = Format.table,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
) -> None:
    tenants = control(state_dir, url, "GET", "/tenants")
    write_records(
        tenants, fmt, columns=("id", "displayName", "defaultDomain"), title="Tenants", console=out
    )


@app.command("rotate-keys")
def rotate_keys(state_dir: StateDirOpt = None, url: UrlOpt = None) -> None:
    """Make a new token-signing key; the previous one stays published until the next rotation."""
    result = control(state_dir, url, "POST", "/keys/rotate")
    out.print(f"signing with {result['kid']}; published: {', '.join(result['keys'])}")


def _show(state: dict[str, object]) -> None:
    frozen = " (frozen)" if state["frozen"] else ""
    out.print(f"{state['now']}{frozen}, offset {state['offsetSeconds']} s")


@clock_app.command("show")
def clock_show(state_dir: StateDirOpt = None, url: UrlOpt = None) -> None:
    """The emulator's time now, its offset from real time, and whether it is frozen."""
    _show(control(state_dir, url, "GET", "/clock"))


@clock_app.command("advance")
def clock_advance(
    duration: Annotated[str, typer.Argument(help="e.g. 90s, 30m, 2h, 1d")],
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
) -> None:
    """Move the clock forward (tokens expire, actions progress)."""
    from mdekit.cli.durations import parse_duration

    seconds = parse_duration(duration)
    _show(control(state_dir, url, "POST", "/clock", json={"advance": seconds}))


@clock_app.command("freeze")
def clock_freeze(state_dir: StateDirOpt = None, url: UrlOpt = None) -> None:
    """Stop the clock: time moves only by `advance` (repeatable tests, quota windows)."""
    _show(control(state_dir, url, "POST", "/clock", json={"freeze": True}))


@clock_app.command("thaw")
def clock_thaw(state_dir: StateDirOpt = None, url: UrlOpt = None) -> None:
    """Start the clock again from where it stood."""
    _show(control(state_dir, url, "POST", "/clock", json={"thaw": True}))


@app.command("token-lifetime")
def token_lifetime(
    seconds: Annotated[
        int | None, typer.Argument(help="New lifetime in seconds (60-86400); omit to show.")
    ] = None,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
) -> None:
    """Show or set the lifetime of tokens the emulator issues."""
    if seconds is None:
        result = control(state_dir, url, "GET", "/settings")
    else:
        result = control(
            state_dir, url, "PATCH", "/settings", json={"tokenLifetimeSeconds": seconds}
        )
    out.print(f"token lifetime {result['tokenLifetimeSeconds']} s")
