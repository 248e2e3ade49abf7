"""`mdekit investigations ...` (automated investigations: list, get, start) and
`mdekit indicators ...` (custom threat intelligence: list, get, submit, import, delete,
batch-delete)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from mdekit.cli.common import err
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
from mdekit.cli.output import Format, as_dict

INVESTIGATION_COLUMNS = (
    "id",
    "state",
    "computerDnsName",
    "triggeringAlertId",
    "startTime",
    "endTime",
)
INDICATOR_COLUMNS = (
    "id",
    "indicatorValue",
    "indicatorType",
    "action",
    "severity",
    "title",
    "expirationTime",
)
IMPORT_BATCH = 500
"""The most indicators one import call takes."""

investigations_app = typer.Typer(
    help="Automated investigations: list, get, start.", no_args_is_help=True
)
indicators_app = typer.Typer(
    help="Indicators (custom threat intelligence): list, get, submit, import, delete, "
    "batch-delete.",
    no_args_is_help=True,
)


@investigations_app.command("list")
def list_investigations(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List automated investigations.

    Example: mdekit investigations list --filter "state eq 'Running'"
    """
    with client(tenant) as c:
        items = c.investigations.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=INVESTIGATION_COLUMNS, title="Investigations", long=all_items)


@investigations_app.command("get")
def get_investigation(
    investigation_id: Annotated[
        str, typer.Argument(help="Investigation id, or the id of the alert that triggered it.")
    ],
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Show one investigation.

    Example: mdekit investigations get 63017
    """
    with client(tenant) as c:
        show_one(c.investigations.get(investigation_id), fmt, columns=INVESTIGATION_COLUMNS)


@investigations_app.command("start")
def start_investigation(
    machine_id: Annotated[str, typer.Argument(help="Machine id.")],
    comment: Annotated[str, typer.Option("--comment", "-c", help="Why (required).")] = "",
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Start an automated investigation on a machine (quota: 50 an hour).

    Example: mdekit investigations start 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 -c "IR-42"
    """
    if not comment:
        raise CliError("--comment is required", code=ExitCode.USAGE)
    with client(tenant) as c:
        show_one(c.investigations.start(machine_id, comment), fmt, columns=INVESTIGATION_COLUMNS)


@indicators_app.command("list")
def list_indicators(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List active indicators.

    Example: mdekit indicators list --filter "indicatorType eq 'FileSha256'"
    """
    with client(tenant) as c:
        items = c.indicators.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=INDICATOR_COLUMNS, title="Indicators", long=all_items)


@indicators_app.command("get")
def get_indicator(
    key: Annotated[str, typer.Argument(help="Indicator id, or its value (a hash, IP, URL...).")],
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Show one indicator. The API has no single-indicator read: this looks it up by value
    with a filter, else scans the list for the id.

    Example: mdekit indicators get 995
    """
    with client(tenant) as c:
        quoted = key.replace("'", "''")
        found = next(iter(c.indicators.list(filter=f"indicatorValue eq '{quoted}'", limit=1)), None)
        if found is None:
            found = next((i for i in c.indicators.list() if str(i.id) == key), None)
        if found is None:
            raise CliError(f"no indicator {key!r}", code=ExitCode.NOT_FOUND)
        show_one(found, fmt, columns=INDICATOR_COLUMNS)


@indicators_app.command("submit")
def submit(
    value: Annotated[str, typer.Option("--value", help="The hash, IP, domain, URL or cert.")],
    indicator_type: Annotated[
        str,
        typer.Option(
            "--type",
            help="FileSha1, FileSha256, FileMd5, CertificateThumbprint, IpAddress, "
            "DomainName or Url.",
        ),
    ],
    action: Annotated[
        str,
        typer.Option("--action", help="Allowed, Audit, Warn, Block, BlockAndRemediate, ..."),
    ],
    title: Annotated[str, typer.Option("--title")],
    description: Annotated[str, typer.Option("--description")],
    severity: Annotated[
        str | None, typer.Option("--severity", help="Informational, Low, Medium or High.")
    ] = None,
    expiration: Annotated[
        str | None, typer.Option("--expiration", help="ISO time it expires (UTC).")
    ] = None,
    recommended_actions: Annotated[str | None, typer.Option("--recommended-actions")] = None,
    application: Annotated[str | None, typer.Option("--application")] = None,
    rbac_groups: Annotated[
        list[str] | None, typer.Option("--rbac-group", help="Device group name (repeatable).")
    ] = None,
    generate_alert: Annotated[
        bool | None, typer.Option("--generate-alert/--no-generate-alert")
    ] = None,
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Submit an indicator (or update the one with the same value and type).

    Example:
      mdekit indicators submit --value 45.67.89.10 --type IpAddress --action Block \\
        --title "C2 server" --description "seen in IR-7" --severity High
    """
    with client(tenant) as c:
        made = c.indicators.submit(
            indicator_value=value,
            indicator_type=indicator_type,
            action=action,
            title=title,
            description=description,
            severity=severity,
            expiration_time=expiration,
            recommended_actions=recommended_actions,
            application=application,
            rbac_group_names=rbac_groups,
            generate_alert=generate_alert,
        )
        show_one(made, fmt, columns=INDICATOR_COLUMNS)


def read_indicator_file(path: Path) -> list[dict[str, Any]]:
    """Indicators from a JSON array (or `{"Indicators": [...]}`), NDJSON, or a CSV whose
    header names the wire fields (indicatorValue, indicatorType, action, title, ...)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", code=ExitCode.USAGE) from None
    if path.suffix.lower() == ".csv":
        rows = [dict(row) for row in csv.DictReader(text.splitlines())]
        return [{k: v for k, v in row.items() if k and v not in (None, "")} for row in rows]
    try:
        if text.lstrip().startswith(("[", "{")) and path.suffix.lower() != ".ndjson":
            data: Any = json.loads(text)
            if isinstance(data, dict):
                data = data.get("Indicators") or data.get("indicators") or data.get("value")
        else:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise CliError(f"{path} is not valid JSON: {exc}", code=ExitCode.USAGE) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise CliError(f"{path}: expected a list of indicator objects", code=ExitCode.USAGE)
    return data


@indicators_app.command("import")
def import_indicators(
    file: Annotated[Path, typer.Argument(help="JSON, NDJSON or CSV file of indicators.")],
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Submit many indicators (500 per call), with a result per indicator.

    Example: mdekit indicators import iocs.csv
    """
    indicators = read_indicator_file(file)
    if not indicators:
        raise CliError(f"{file} holds no indicator", code=ExitCode.USAGE)
    results: list[dict[str, Any]] = []
    with (
        client(tenant) as c,
        Progress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("import", total=len(indicators))
        for start in range(0, len(indicators), IMPORT_BATCH):
            batch = indicators[start : start + IMPORT_BATCH]
            results += [as_dict(r) for r in c.indicators.import_(batch)]
            progress.advance(task, len(batch))
    show(results, fmt, columns=("id", "indicator", "isFailed", "failureReason"), title="Import")
    if any(r.get("isFailed") for r in results):
        raise typer.Exit(ExitCode.FAILURE)


@indicators_app.command("delete")
def delete_indicator(
    indicator_id: Annotated[str, typer.Argument(help="Indicator id.")],
    tenant: TenantOpt = None,
) -> None:
    """Delete one indicator.

    Example: mdekit indicators delete 995
    """
    with client(tenant) as c:
        c.indicators.delete(indicator_id)
    typer.echo(f"deleted indicator {indicator_id}")


@indicators_app.command("batch-delete")
def batch_delete(
    indicator_ids: Annotated[list[str], typer.Argument(help="Indicator ids.")],
    tenant: TenantOpt = None,
) -> None:
    """Delete several indicators in one call.

    Example: mdekit indicators batch-delete 995 996 997
    """
    with client(tenant) as c:
        c.indicators.batch_delete(indicator_ids)
    typer.echo(f"deleted {len(indicator_ids)} indicator(s)")
