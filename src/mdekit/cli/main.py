"""The `mdekit` command. Errors become one clear line and an exit code here, in one place."""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated

import typer

from mdekit._version import __version__
from mdekit.cli import (
    actions_cmd,
    alert_export_cmd,
    app_cmd,
    app_credentials_cmd,
    config_cmd,
    emulator_admin_cmd,
    emulator_cmd,
    entities_cmd,
    exports_cmd,
    hunt_cmd,
    intel_cmd,
    investigations_cmd,
    library_cmd,
    machine_actions_cmd,
    machines_cmd,
    partners_cmd,
    token_cmd,
    tvm_cmd,
)
from mdekit.cli.common import err
from mdekit.cli.errors import ExitCode, report
from mdekit.client.errors import MdeError

SECRET_VARIABLES = ("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD")
"""Values the request log must never show, even if some library puts them in a message."""

app = typer.Typer(
    name="mdekit",
    help="Work with Microsoft Defender for Endpoint without a user: app registration, tokens, "
    "the Defender API, and an offline emulator of it all.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(token_cmd.app, name="token")
app.add_typer(entities_cmd.alerts_app, name="alerts")
app.add_typer(entities_cmd.machines_app, name="machines")
app.add_typer(machine_actions_cmd.app, name="actions")
app.add_typer(investigations_cmd.investigations_app, name="investigations")
app.add_typer(investigations_cmd.indicators_app, name="indicators")
app.add_typer(intel_cmd.files_app, name="files")
app.add_typer(intel_cmd.ips_app, name="ips")
app.add_typer(intel_cmd.domains_app, name="domains")
app.add_typer(intel_cmd.users_app, name="users")
app.add_typer(tvm_cmd.vulnerabilities_app, name="vulnerabilities")
app.add_typer(tvm_cmd.software_app, name="software")
app.add_typer(tvm_cmd.recommendations_app, name="recommendations")
app.add_typer(tvm_cmd.scores_app, name="scores")
app.add_typer(tvm_cmd.remediation_app, name="remediation")
app.add_typer(library_cmd.library_app, name="library")
app.add_typer(library_cmd.scans_app, name="scans")
app.add_typer(exports_cmd.exports_app, name="exports")
app.add_typer(exports_cmd.av_health_app, name="av-health")
app.add_typer(exports_cmd.baselines_app, name="baselines")
app.add_typer(exports_cmd.browser_extensions_app, name="browser-extensions")
app.add_typer(partners_cmd.app, name="partners")
app.add_typer(config_cmd.app, name="config")
app_cmd.app.add_typer(app_credentials_cmd.secret_app, name="secret")
app_cmd.app.add_typer(app_credentials_cmd.certificate_app, name="certificate")
app.add_typer(app_cmd.app, name="app")
app.add_typer(emulator_cmd.app, name="emulator")
app.add_typer(hunt_cmd.app, name="hunt")
# Their commands join existing groups on import.
_ = (emulator_admin_cmd, actions_cmd, machines_cmd, alert_export_cmd)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mdekit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Log each request on stderr (method, path, status, time, request id, quota "
            "left); -vv adds headers and token events. Tokens and secrets are redacted.",
        ),
    ] = 0,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            help="Use this profile of ~/.config/mdekit/config.toml (also MDE_PROFILE).",
        ),
    ] = None,
) -> None:
    """mdekit: Defender for Endpoint, app-only.

    Shell completion: mdekit --install-completion (bash, zsh, fish, PowerShell).
    """
    if profile:
        # Every command reads its settings through load_settings, which honours MDE_PROFILE;
        # setting it here also carries the choice to anything this process starts.
        os.environ["MDE_PROFILE"] = profile
    if verbose:
        from mdekit.client.logs import enable_request_log

        secrets = [os.environ.get(n, "") for n in SECRET_VARIABLES]
        enable_request_log(verbose, sys.stderr, secrets=secrets)


@app.command("demo")
def demo(
    machines: Annotated[int, typer.Option(help="Machines in the demo world.")] = 25,
    alerts: Annotated[int, typer.Option(help="Alerts in the demo world.")] = 60,
) -> None:
    """Run the guide end to end against an emulator started in this process: register an
    app, add Alert.Read.All, consent, add a secret, get tokens (v2 and v1), decode the
    roles, list alerts, and see the 403 of a missing permission."""
    from mdekit.cli.demo import run_demo

    run_demo(machines=machines, alerts=alerts)


@app.command("permissions")
def permissions(
    api: Annotated[str, typer.Option(help="defender or graph")] = "defender",
) -> None:
    """List the application permissions mdekit knows, with what each allows."""
    from mdekit.catalog.permissions import DEFENDER, GRAPH
    from mdekit.cli.common import out
    from mdekit.cli.output import Format, write_records

    resource = GRAPH if api.lower() == "graph" else DEFENDER
    rows = [
        {"permission": r.value, "id": r.id, "description": r.description}
        for r in resource.application_roles
    ]
    write_records(
        rows,
        Format.table,
        columns=("permission", "id", "description"),
        title=f"{resource.name} application permissions",
        console=out,
    )


def _quiet_libraries() -> None:
    """azure-identity and MSAL log failures as warnings; the CLI reports them itself, once."""
    for name in ("azure", "msal", "httpx", "urllib3"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def run() -> None:
    """Console-script entry point."""
    _quiet_libraries()
    try:
        # Without standalone mode click hands back typer.Exit codes instead of exiting.
        result = app(standalone_mode=False)
        if isinstance(result, int):
            sys.exit(result)
    except MdeError as exc:
        sys.exit(report(exc, err))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(ExitCode.FAILURE)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        # Usage errors (a bad option value...) come from the click that typer bundles: they
        # know how to show themselves and which exit code (2) they mean.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}", markup=True)
        err.print(
            "[yellow]hint:[/] this is a bug in mdekit; please report it with the command you ran"
        )
        sys.exit(ExitCode.FAILURE)
