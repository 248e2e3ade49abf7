"""`mdekit alerts ...` (list, get, update, batch-update, related) and `mdekit machines list|get`.
The machines group's other verbs join it from `machines_cmd` and `actions_cmd`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

ALERT_COLUMNS = ("id", "severity", "status", "title", "computerDnsName", "alertCreationTime")
MACHINE_COLUMNS = ("id", "computerDnsName", "osPlatform", "healthStatus", "riskScore", "lastSeen")
USER_COLUMNS = ("id", "accountName", "accountDomain", "logonTypes", "firstSeen", "lastSeen")
FILE_COLUMNS = ("sha1", "sha256", "fileType", "size", "fileProductName", "determinationType")

alerts_app = typer.Typer(
    help="Alerts: list, get, update, batch-update, related entities, export (the feed).",
    no_args_is_help=True,
)
machines_app = typer.Typer(
    help="Machines (devices): list, get, what is on them, tags, and response actions.",
    no_args_is_help=True,
)

AlertIdArg = Annotated[str, typer.Argument(help="Alert id, e.g. da637472900382838869_1364969609.")]
StatusOpt = Annotated[str | None, typer.Option("--status", help="New, InProgress or Resolved.")]
AssignOpt = Annotated[
    str | None, typer.Option("--assigned-to", help="Owner (a user principal name).")
]
ClassificationOpt = Annotated[
    str | None,
    typer.Option("--classification", help="TruePositive, InformationalExpectedActivity, ..."),
]
DeterminationOpt = Annotated[
    str | None, typer.Option("--determination", help="Malware, SecurityTesting, Other, ...")
]
CommentOpt = Annotated[str | None, typer.Option("--comment", "-c", help="A comment to add.")]

RELATED = ("machine", "user", "files", "ips", "domains")


@alerts_app.command("list")
def list_alerts(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Include evidence ($expand=evidence).")
    ] = False,
) -> None:
    """List alerts, newest data as the service orders it.

    Examples:
      mdekit alerts list --filter "status eq 'New'" --top 20
      mdekit alerts list --all --format ndjson > alerts.ndjson
    """
    with client(tenant) as c:
        items = c.alerts.list(filter=filter, limit=limit(top, all_items), expand_evidence=evidence)
        show(items, fmt, columns=ALERT_COLUMNS, title="Alerts", long=all_items)


@alerts_app.command("get")
def get_alert(alert_id: AlertIdArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None) -> None:
    """Show one alert (with its evidence).

    Example: mdekit alerts get da637472900382838869_1364969609
    """
    with client(tenant) as c:
        show_one(c.alerts.get(alert_id), fmt, columns=ALERT_COLUMNS)


def _no_change(*values: str | None) -> None:
    if all(v is None for v in values):
        raise CliError(
            "nothing to change",
            code=ExitCode.USAGE,
            hint="give --status, --assigned-to, --classification, --determination or --comment",
        )


@alerts_app.command("update")
def update_alert(
    alert_id: AlertIdArg,
    status: StatusOpt = None,
    assigned_to: AssignOpt = None,
    classification: ClassificationOpt = None,
    determination: DeterminationOpt = None,
    comment: CommentOpt = None,
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Change an alert's status, owner, classification or determination, or comment on it.

    Example:
      mdekit alerts update da637472900382838869_1364969609 --status Resolved \\
        --classification TruePositive --determination Malware -c "cleaned"
    """
    _no_change(status, assigned_to, classification, determination, comment)
    with client(tenant) as c:
        updated = c.alerts.update(
            alert_id,
            status=status,
            assigned_to=assigned_to,
            classification=classification,
            determination=determination,
            comment=comment,
        )
        show_one(updated, fmt, columns=ALERT_COLUMNS)


@alerts_app.command("batch-update")
def batch_update_alerts(
    alert_ids: Annotated[list[str] | None, typer.Argument(help="Alert ids.")] = None,
    ids_file: Annotated[
        Path | None, typer.Option("--ids-file", help="A file with one alert id per line.")
    ] = None,
    status: StatusOpt = None,
    assigned_to: AssignOpt = None,
    classification: ClassificationOpt = None,
    determination: DeterminationOpt = None,
    comment: CommentOpt = None,
    tenant: TenantOpt = None,
) -> None:
    """The same change on many alerts at once (its own quota: 10 calls a minute).

    Example: mdekit alerts batch-update ID1 ID2 ID3 --status InProgress --assigned-to me@contoso.com
    """
    _no_change(status, assigned_to, classification, determination, comment)
    chosen = list(alert_ids or [])
    if ids_file is not None:
        try:
            lines = ids_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CliError(f"cannot read {ids_file}: {exc.strerror}", code=ExitCode.USAGE) from None
        chosen += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not chosen:
        raise CliError("no alert given", code=ExitCode.USAGE, hint="name alerts or use --ids-file")
    with client(tenant) as c:
        c.alerts.batch_update(
            chosen,
            status=status,
            assigned_to=assigned_to,
            classification=classification,
            determination=determination,
            comment=comment,
        )
    typer.echo(f"updated {len(chosen)} alert(s)")


@alerts_app.command("related")
def related(
    alert_id: AlertIdArg,
    kind: Annotated[
        str, typer.Option("--kind", "-k", help=f"One of: {', '.join(RELATED)}.")
    ] = "machine",
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """The machine, user, files, IPs or domains an alert is about.

    Examples:
      mdekit alerts related da637472900382838869_1364969609 --kind files
      mdekit alerts related da637472900382838869_1364969609 -k user -o json
    """
    if kind not in RELATED:
        raise CliError(f"unknown kind {kind!r}", code=ExitCode.USAGE, hint=", ".join(RELATED))
    with client(tenant) as c:
        if kind == "machine":
            show_one(c.alerts.machine(alert_id), fmt, columns=MACHINE_COLUMNS)
        elif kind == "user":
            show_one(c.alerts.user(alert_id), fmt, columns=USER_COLUMNS)
        elif kind == "files":
            show(c.alerts.files(alert_id), fmt, columns=FILE_COLUMNS, title="Files")
        elif kind == "ips":
            show(c.alerts.ips(alert_id), fmt, columns=("id",), title="IPs")
        else:
            show(c.alerts.domains(alert_id), fmt, columns=("host",), title="Domains")


@machines_app.command("list")
def list_machines(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List machines.

    Example: mdekit machines list --filter "healthStatus eq 'Active' and riskScore eq 'High'"
    """
    with client(tenant) as c:
        items = c.machines.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=MACHINE_COLUMNS, title="Machines", long=all_items)


@machines_app.command("get")
def get_machine(
    machine_id: Annotated[
        str, typer.Argument(help="Machine id (40 hex characters) or computer name.")
    ],
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """Show one machine, by id or computer name.

    Example: mdekit machines get desktop-4cuw07s
    """
    with client(tenant) as c:
        show_one(c.machines.get(machine_id), fmt, columns=MACHINE_COLUMNS)
