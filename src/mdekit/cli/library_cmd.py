"""`mdekit library ...` (the live response library: list, upload, delete) and
`mdekit scans ...` (authenticated scans: definitions, agents, history)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.options import (
    AllOpt,
    FilterOpt,
    FormatOpt,
    TenantOpt,
    TopOpt,
    client,
    limit,
    show,
    show_one,
)
from mdekit.cli.output import Format

LIBRARY_COLUMNS = ("fileName", "description", "hasParameters", "createdBy", "lastUpdatedTime")
DEFINITION_COLUMNS = ("id", "scanName", "scanType", "isActive", "target", "intervalInHours")
AGENT_COLUMNS = ("id", "machineId", "machineName", "lastSeen", "scannerSoftwareVersion")
MAX_LIBRARY_BYTES = 20 * 1024 * 1024

library_app = typer.Typer(
    help="Live response library: list, upload, delete scripts and files.", no_args_is_help=True
)
scans_app = typer.Typer(
    help="Authenticated scans: definitions (list, create, update, delete), agents, history.",
    no_args_is_help=True,
)


@library_app.command("list")
def list_library(fmt: FormatOpt = Format.table, tenant: TenantOpt = None) -> None:
    """List the library's files.

    Example: mdekit library list
    """
    with client(tenant) as c:
        show(c.library.list(), fmt, columns=LIBRARY_COLUMNS, title="Library")


@library_app.command("upload")
def upload(
    file: Annotated[Path, typer.Argument(help="A script or file (at most 20 MB).")],
    description: Annotated[str, typer.Option("--description")] = "",
    parameters: Annotated[
        str | None,
        typer.Option("--parameters", help="Describe the script's parameters (it takes some)."),
    ] = None,
    override: Annotated[
        bool, typer.Option("--override", help="Replace a file with the same name.")
    ] = False,
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Upload a script or file to the library for live response to use.

    Example: mdekit library upload collect.ps1 --description "collect logs" --override
    """
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror}", code=ExitCode.USAGE) from None
    if len(content) > MAX_LIBRARY_BYTES:
        raise CliError(f"{file} is larger than 20 MB", code=ExitCode.USAGE)
    with client(tenant) as c:
        made = c.library.upload(
            file.name,
            content,
            description=description,
            parameters_description=parameters or "",
            has_parameters=parameters is not None,
            override_if_exists=override,
        )
        show_one(made, fmt, columns=LIBRARY_COLUMNS)


@library_app.command("delete")
def delete(
    file_name: Annotated[str, typer.Argument(help="The library file's name.")],
    tenant: TenantOpt = None,
) -> None:
    """Delete a file from the library.

    Example: mdekit library delete collect.ps1
    """
    with client(tenant) as c:
        c.library.delete(file_name)
    typer.echo(f"deleted {file_name}")


def _json_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", code=ExitCode.USAGE) from None
    except json.JSONDecodeError as exc:
        raise CliError(f"{path} is not valid JSON: {exc}", code=ExitCode.USAGE) from None
    if not isinstance(data, dict):
        raise CliError(f"{path}: a JSON object expected", code=ExitCode.USAGE)
    return data


@scans_app.command("list")
def list_definitions(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List scan definitions.

    Example: mdekit scans list --filter "scanType eq 'Windows'"
    """
    with client(tenant) as c:
        items = c.authenticated_scans.definitions(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=DEFINITION_COLUMNS, title="Scan definitions", long=all_items)


@scans_app.command("create")
def create_definition(
    file: Annotated[
        Path, typer.Argument(help="JSON with the definition's wire fields (scanType, ...).")
    ],
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Create a scan definition.

    Example: mdekit scans create definition.json
    """
    with client(tenant) as c:
        show_one(
            c.authenticated_scans.create_definition(_json_file(file)),
            fmt,
            columns=DEFINITION_COLUMNS,
        )


@scans_app.command("update")
def update_definition(
    definition_id: Annotated[str, typer.Argument(help="Scan definition id.")],
    file: Annotated[Path, typer.Argument(help="JSON with the fields to change.")],
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Change a scan definition.

    Example: mdekit scans update 8d7a6b2c-... changes.json
    """
    with client(tenant) as c:
        updated = c.authenticated_scans.update_definition(definition_id, _json_file(file))
        show_one(updated, fmt, columns=DEFINITION_COLUMNS)


@scans_app.command("delete")
def delete_definitions(
    definition_ids: Annotated[list[str], typer.Argument(help="Scan definition ids.")],
    tenant: TenantOpt = None,
) -> None:
    """Delete scan definitions.

    Example: mdekit scans delete 8d7a6b2c-... 0f3e...
    """
    with client(tenant) as c:
        c.authenticated_scans.delete_definitions(definition_ids)
    typer.echo(f"deleted {len(definition_ids)} scan definition(s)")


@scans_app.command("agents")
def agents(
    agent_id: Annotated[str | None, typer.Argument(help="One agent's id (else all).")] = None,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Scanner agents (the devices that run scans), or one of them.

    Example: mdekit scans agents
    """
    with client(tenant) as c:
        if agent_id:
            show_one(c.authenticated_scans.agent(agent_id), fmt, columns=AGENT_COLUMNS)
        else:
            show(c.authenticated_scans.agents(), fmt, columns=AGENT_COLUMNS, title="Agents")


@scans_app.command("history")
def history(
    definitions: Annotated[
        list[str] | None, typer.Option("--definition", help="Scan definition id (repeatable).")
    ] = None,
    sessions: Annotated[
        list[str] | None, typer.Option("--session", help="Scan session id (repeatable).")
    ] = None,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Scan history, by definition or by session.

    Examples:
      mdekit scans history --definition 8d7a6b2c-...
      mdekit scans history --session 1f4c... -o json
    """
    if bool(definitions) == bool(sessions):
        raise CliError("give --definition or --session (one of them)", code=ExitCode.USAGE)
    with client(tenant) as c:
        if definitions:
            items: Any = c.authenticated_scans.history_by_definition(definitions)
            columns: tuple[str, ...] = ("LastScanned", "ScanStatus", "ScannerId")
        else:
            items = c.authenticated_scans.history_by_session(sessions or [])
            columns = ("ScanStatus", "NumberOfTargets", "NumberOfSuccessfullyScannedTargets")
        show(items, fmt, columns=columns, title="Scan history")
