"""`mdekit emulator ...`: run the local Entra ID + Defender API emulator and point clients at it."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from mdekit.cli.common import out
from mdekit.cli.errors import CliError, ExitCode

app = typer.Typer(
    help="Run the offline emulator of Entra ID and the Defender API.", no_args_is_help=True
)

StateDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        help="Where the emulator keeps its CA, keys and database (default "
        "$MDE_EMULATOR_STATE_DIR or ~/.local/state/mdekit/emulator).",
    ),
]


def _state_dir(value: Path | None) -> Path:
    from mdekit.emulator.config import default_state_dir

    return (value or default_state_dir()).expanduser().resolve()


@app.command("serve")
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0 picks a free one).")
    ] = 8443,
    state_dir: StateDirOpt = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL: sqlite:///PATH (default, in the state dir) or postgresql://USER@HOST/DB.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic world.")] = 1,
    machines: Annotated[
        int, typer.Option("--machines", min=1, help="Machines in a new tenant's world.")
    ] = 25,
    alerts: Annotated[
        int, typer.Option("--alerts", min=0, help="Alerts in a new tenant's world.")
    ] = 60,
    events: Annotated[
        int | None,
        typer.Option(
            "--events",
            min=1_000,
            max=20_000_000,
            help="Advanced Hunting event rows per tenant (default: 2,000 a machine, "
            "20,000 to 500,000), built at a tenant's first hunt.",
            show_default=False,
        ),
    ] = None,
    quotas: Annotated[
        bool | None,
        typer.Option(
            "--quotas/--no-quotas",
            help="Apply the documented API quotas (429s), for every process on the database "
            "(default: as last set, on at first).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, max=64, help="Worker processes sharing the socket and database."
        ),
    ] = 1,
    redis: Annotated[
        str | None,
        typer.Option(
            "--redis",
            help="Redis URL for the quota counters (redis://HOST:6379/0); default: the database.",
        ),
    ] = None,
    insecure_http: Annotated[
        bool,
        typer.Option(
            "--insecure-http",
            help="Serve plain HTTP, for a TLS-terminating reverse proxy on this host only "
            "(loopback --host required; the admin key is then always needed).",
        ),
    ] = False,
) -> None:
    """Serve the emulator on HTTPS until interrupted. Prints the dev app's credentials; run
    `eval "$(mdekit emulator env)"` in another shell to point every client at it."""
    from mdekit.emulator.config import EmulatorConfig
    from mdekit.emulator.server import ServeOptionError, serve_forever
    from mdekit.emulator.store.db import DatabaseUrlError

    config = EmulatorConfig(
        state_dir=_state_dir(state_dir), db_url=db, seed=seed, machines=machines, alerts=alerts,
        quotas=quotas, redis_url=redis, events=events,
    )  # fmt: skip

    def ready(emulator: Any, endpoint: Any) -> None:
        dev = emulator.dev
        out.print(f"[bold green]mdekit emulator[/] listening on [bold]{endpoint.url}[/]")
        out.print(f"  state dir      {config.state_dir}")
        out.print(f"  database       {config.database_url.split('@')[-1]}")
        if workers > 1:
            out.print(f"  workers        {workers}")
        out.print(f"  CA bundle      {endpoint.ca_bundle}")
        out.print(f"  tenant         {dev.tenant_id} ({dev.tenant_domain})")
        out.print(f"  dev client id  {dev.client_id}")
        out.print(f"  dev secret     {dev.client_secret}")
        out.print(
            f'Use it from another shell:  [bold]eval "$(mdekit emulator env'
            f'{" --state-dir " + shlex.quote(str(config.state_dir)) if state_dir else ""})"[/]'
        )

    try:
        serve_forever(
            config, host, port, on_ready=ready, workers=workers, insecure_http=insecure_http
        )
    except (DatabaseUrlError, ServeOptionError) as exc:
        raise CliError(str(exc), code=ExitCode.USAGE) from None
    except OSError as exc:
        raise CliError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            code=ExitCode.USAGE,
            hint="choose another --port (0 picks a free one)",
        ) from None


def env_lines(state_dir: Path) -> list[str]:
    from mdekit.emulator.bootstrap import read_dev_credentials
    from mdekit.emulator.server import read_endpoint

    endpoint = read_endpoint(state_dir)
    if endpoint is None:
        raise CliError(
            f"no emulator is running for {state_dir}",
            hint=f"start one: mdekit emulator serve --state-dir {shlex.quote(str(state_dir))}",
        )
    dev = read_dev_credentials(state_dir)
    if dev is None:
        raise CliError(f"{state_dir} has no dev-app.json; restart the emulator to recreate it")
    values = {
        "AZURE_TENANT_ID": dev.tenant_id,
        "AZURE_CLIENT_ID": dev.client_id,
        "AZURE_CLIENT_SECRET": dev.client_secret,
        "AZURE_AUTHORITY_HOST": endpoint.url,
        "MDE_API_URL": endpoint.url,
        "MDE_GRAPH_URL": endpoint.url,
        "MDE_EMULATOR_STATE_DIR": str(state_dir),
        "REQUESTS_CA_BUNDLE": endpoint.ca_bundle,
        "SSL_CERT_FILE": endpoint.ca_bundle,
        "CURL_CA_BUNDLE": endpoint.ca_bundle,
    }
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


@app.command("env")
def env(state_dir: StateDirOpt = None) -> None:
    """Print `export` lines that point mdekit, MSAL, azure-identity and curl at the running
    emulator: `eval "$(mdekit emulator env)"`."""
    for line in env_lines(_state_dir(state_dir)):
        typer.echo(line)
