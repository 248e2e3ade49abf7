"""`mdekit partners ...`: one command over many customer tenants with one multi-tenant app.
Each tenant has its own token and quota; rows carry `tenant_id`; a tenant that fails is
reported (a summary on stderr, and in the JSON output) and does not stop the others.

Exit code: 0 when every tenant worked; when some failed, 1; when all failed, the code of the
first failure (3 for AADSTS errors, 7 throttled, ...)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from mdekit.cli.common import err, settings
from mdekit.cli.entities_cmd import ALERT_COLUMNS, MACHINE_COLUMNS
from mdekit.cli.errors import ExitCode, exit_code_for
from mdekit.cli.options import AllOpt, FilterOpt, FormatOpt, TopOpt, limit, pacing
from mdekit.cli.output import Format, write_json, write_records

if TYPE_CHECKING:
    from mdekit.client import Client
    from mdekit.client.partners import TenantResult

app = typer.Typer(
    help="Partners: the same read across many customer tenants (one multi-tenant app).",
    no_args_is_help=True,
)
alerts_app = typer.Typer(help="Alerts of every tenant.", no_args_is_help=True)
machines_app = typer.Typer(help="Machines of every tenant.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
app.add_typer(machines_app, name="machines")

TenantsFileOpt = Annotated[
    Path,
    typer.Option(
        "--tenants-file",
        "-T",
        help="One customer tenant id a line (a label may follow; # comments).",
    ),
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", min=1, max=32, help="Tenants handled at once.")
]


def _summary_table(summary: Sequence[dict[str, Any]]) -> Table:
    table = Table(title="Tenants", header_style="bold")
    for column in ("tenant", "status", "rows", "error"):
        table.add_column(column, overflow="fold")
    for row in summary:
        name = row["tenant_id"] + (f" ({row['label']})" if row["label"] else "")
        failed = row["status"] != "ok"
        status = "[red]failed[/]" if failed else "[green]ok[/]"
        problem = f"{row['error']}" + (f"\nhint: {row['hint']}" if row["hint"] else "")
        table.add_row(
            escape(name),
            status,
            "" if row["rows"] is None else str(row["rows"]),
            escape(problem) if failed else "",
        )
    return table


def run_across(
    tenants_file: Path,
    fn: Callable[[Client], Any],
    fmt: Format,
    *,
    columns: Sequence[str],
    title: str,
    concurrency: int,
) -> None:
    """Fan `fn` out, write the tagged rows, report each tenant, exit with the right code."""
    from mdekit.client.partners import fan_out, read_tenants, tagged_rows

    tenants = read_tenants(tenants_file)
    with Progress(
        TextColumn("tenants"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("tenants", total=len(tenants))

        def done(_result: TenantResult[Any]) -> None:
            progress.advance(task)

        results = fan_out(
            settings(), tenants, fn, concurrency=concurrency, on_done=done, pacing=pacing()
        )
    rows = list(tagged_rows(results))
    summary = [r.summary() for r in results]
    if fmt is Format.json:
        write_json({"value": rows, "tenants": summary})
    else:
        write_records(rows, fmt, columns=("tenant_id", *columns), title=title)
    err.print(_summary_table(summary))
    failures = [r for r in results if r.error is not None]
    if not failures:
        return
    first = failures[0].error
    assert first is not None
    code = exit_code_for(first) if len(failures) == len(results) else ExitCode.FAILURE
    raise typer.Exit(int(code))


@alerts_app.command("list")
def partner_alerts(
    tenants_file: TenantsFileOpt,
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    concurrency: ConcurrencyOpt = 4,
) -> None:
    """Alerts of every tenant in the file, each row tagged with its tenant_id (--top is per
    tenant).

    Examples:
      mdekit partners alerts list --tenants-file customers.txt --filter "severity eq 'High'"
      mdekit partners alerts list -T customers.txt --all -o ndjson > alerts.ndjson
    """
    cap = limit(top, all_items)
    run_across(
        tenants_file,
        lambda c: list(c.alerts.list(filter=filter, limit=cap)),
        fmt,
        columns=ALERT_COLUMNS,
        title="Alerts",
        concurrency=concurrency,
    )


@machines_app.command("list")
def partner_machines(
    tenants_file: TenantsFileOpt,
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    concurrency: ConcurrencyOpt = 4,
) -> None:
    """Machines of every tenant in the file, each row tagged with its tenant_id.

    Example: mdekit partners machines list -T customers.txt -f "riskScore eq 'High'" -o csv
    """
    cap = limit(top, all_items)
    run_across(
        tenants_file,
        lambda c: list(c.machines.list(filter=filter, limit=cap)),
        fmt,
        columns=MACHINE_COLUMNS,
        title="Machines",
        concurrency=concurrency,
    )


@app.command("check")
def check(
    tenants_file: TenantsFileOpt,
    fmt: FormatOpt = Format.table,
    concurrency: ConcurrencyOpt = 4,
) -> None:
    """Can the app get a token in each tenant, and with which roles? (Consent check.)

    Example: mdekit partners check -T customers.txt
    """
    from mdekit.client.jwt_info import decode

    def roles(c: Client) -> dict[str, Any]:
        claims = decode(c.token()).claims
        granted = claims.get("roles") or []
        return {"roles": ", ".join(str(r) for r in granted) if granted else "(none)"}

    run_across(
        tenants_file, roles, fmt, columns=("roles",), title="Consent", concurrency=concurrency
    )
