"""`mdekit actions ...`: machine-action records (list, get, cancel) and the files they
produce (an investigation package, a live response command's output), downloaded through
the short-lived links the service hands out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mdekit.cli.common import err
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.options import (
    AllOpt,
    FilterOpt,
    FormatOpt,
    TenantOpt,
    TopOpt,
    client,
    download,
    limit,
    show,
    show_one,
)
from mdekit.cli.output import Format

ACTION_COLUMNS = (
    "id",
    "type",
    "status",
    "computerDnsName",
    "requestor",
    "requestorComment",
    "creationDateTimeUtc",
)

app = typer.Typer(
    help="Machine actions: list, get, cancel; download an investigation package or a live "
    "response result.",
    no_args_is_help=True,
)

ActionArg = Annotated[str, typer.Argument(help="Machine action id (a GUID).")]
OutFileOpt = Annotated[Path, typer.Option("--out", help="File to write.")]


@app.command("list")
def list_actions(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List machine actions.

    Examples:
      mdekit actions list --filter "status eq 'Pending'"
      mdekit actions list -f "machineId eq '1e5bc9d7e413ddd7902c2932e418702b84d0cc07'" -o json
    """
    with client(tenant) as c:
        items = c.machine_actions.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=ACTION_COLUMNS, title="Machine actions", long=all_items)


@app.command("get")
def get_action(
    action_id: ActionArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None
) -> None:
    """Show one machine action.

    Example: mdekit actions get 2e9da30d-27f6-4208-81f2-9cd3d67893ba
    """
    with client(tenant) as c:
        show_one(c.machine_actions.get(action_id), fmt, columns=ACTION_COLUMNS)


@app.command("cancel")
def cancel(
    action_id: ActionArg,
    comment: Annotated[str, typer.Option("--comment", "-c", help="Why (required).")] = "",
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Cancel a machine action that has not finished.

    Example: mdekit actions cancel 2e9da30d-27f6-4208-81f2-9cd3d67893ba -c "wrong machine"
    """
    if not comment:
        raise CliError("--comment is required", code=ExitCode.USAGE)
    with client(tenant) as c:
        show_one(c.machine_actions.cancel(action_id, comment), fmt, columns=ACTION_COLUMNS)


@app.command("package")
def package(action_id: ActionArg, out_file: OutFileOpt, tenant: TenantOpt = None) -> None:
    """Download the investigation package a CollectInvestigationPackage action collected
    (a zip), through its short-lived link.

    Example:
      mdekit machines collect-package 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 -c IR-7 --wait
      mdekit actions package 2e9da30d-27f6-4208-81f2-9cd3d67893ba --out package.zip
    """
    from mdekit.client.sync_client import verify_option

    with client(tenant) as c:
        url = c.machine_actions.package_uri(action_id)
        size = download(url, out_file, verify=verify_option(c.settings), label="package")
    err.print(f"wrote {out_file} ({size:,} bytes)")


@app.command("result")
def result(
    action_id: ActionArg,
    index: Annotated[int, typer.Argument(help="Which command of the live response (from 0).")],
    out_file: OutFileOpt,
    tenant: TenantOpt = None,
) -> None:
    """Download the output of one command of a live response action (links last 30 min).

    Example: mdekit actions result 2e9da30d-27f6-4208-81f2-9cd3d67893ba 0 --out output.json
    """
    from mdekit.client.sync_client import verify_option

    with client(tenant) as c:
        url = c.machine_actions.live_response_result_uri(action_id, index)
        size = download(url, out_file, verify=verify_option(c.settings), label=f"result {index}")
    err.print(f"wrote {out_file} ({size:,} bytes)")
