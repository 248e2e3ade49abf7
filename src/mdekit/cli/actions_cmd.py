"""`mdekit machines isolate|unisolate|restrict|unrestrict|scan|collect-package|offboard|
stop-and-quarantine ...`: response actions on one machine or many."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mdekit.cli.common import err, out, settings
from mdekit.cli.entities_cmd import machines_app
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.output import Format, write_records

IdsArg = Annotated[list[str] | None, typer.Argument(help="Machine ids or computer names.")]
FilterOpt = Annotated[
    str | None,
    typer.Option("--filter", "-f", help="Act on every machine matching this OData filter."),
]
IdsFileOpt = Annotated[
    Path | None, typer.Option("--ids-file", help="A file with one machine id per line.")
]
CommentOpt = Annotated[
    str,
    typer.Option(
        "--comment",
        "-c",
        help="Why (required by the service; also what makes a re-run reuse the same actions).",
    ),
]
WaitOpt = Annotated[bool, typer.Option("--wait", help="Wait until every action has finished.")]
ConcurrencyOpt = Annotated[
    int,
    typer.Option(
        "--concurrency",
        min=1,
        max=32,
        help="Machines handled at once (the quota paces them anyway).",
    ),
]
PollOpt = Annotated[
    float, typer.Option("--poll-seconds", min=0.0, help="How often to check progress with --wait.")
]
FormatOpt = Annotated[Format, typer.Option("--format", "-o")]
TenantOpt = Annotated[str | None, typer.Option("--tenant")]


def _machines(
    ids: list[str] | None, filter_text: str | None, ids_file: Path | None, client: Any
) -> list[str]:
    chosen = list(ids or [])
    if ids_file is not None:
        try:
            lines = ids_file.read_text().splitlines()
        except OSError as exc:
            raise CliError(f"cannot read {ids_file}: {exc.strerror}", code=ExitCode.USAGE) from None
        chosen += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if filter_text:
        chosen += [m.id for m in client.machines.list(filter=filter_text)]
    if not chosen:
        raise CliError(
            "no machine given",
            code=ExitCode.USAGE,
            hint="name machines, or use --filter or --ids-file",
        )
    return chosen


def _run(
    operation: str,
    ids: list[str] | None,
    filter_text: str | None,
    ids_file: Path | None,
    comment: str,
    wait: bool,
    concurrency: int,
    poll_seconds: float,
    fmt: Format,
    tenant: str | None,
    body: dict[str, Any] | None = None,
) -> None:
    from mdekit.client import Client
    from mdekit.client.bulk import run_bulk

    with Client(settings=settings(tenant)) as client:
        machines = _machines(ids, filter_text, ids_file, client)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=len(machines) < 2 and not wait,
        ) as progress:
            task = progress.add_task(operation.split(".")[1], total=len(machines))
            outcomes = run_bulk(
                client,
                operation,
                machines,
                comment,
                body=body,
                wait=wait,
                concurrency=concurrency,
                poll_seconds=poll_seconds,
                on_progress=lambda _outcome: progress.advance(task),
            )
    write_records(
        [o.as_dict() for o in outcomes],
        fmt,
        columns=("machine_id", "action_id", "status", "reused", "error"),
        title="Machine actions",
        console=out,
    )
    wanted = {"Succeeded"} if wait else {"Pending", "InProgress", "Succeeded"}
    if any(o.status not in wanted for o in outcomes):
        raise typer.Exit(ExitCode.FAILURE)


def _command(
    name: str, operation: str, help_text: str, extra: Callable[..., dict[str, Any]] | None = None
) -> None:
    """Register one action command; `extra` maps its own options to body fields."""

    def command(
        ids: IdsArg = None,
        filter_text: FilterOpt = None,
        ids_file: IdsFileOpt = None,
        comment: CommentOpt = "",
        wait: WaitOpt = False,
        concurrency: ConcurrencyOpt = 8,
        poll_seconds: PollOpt = 5.0,
        fmt: FormatOpt = Format.table,
        tenant: TenantOpt = None,
    ) -> None:
        if not comment:
            raise CliError("--comment is required", code=ExitCode.USAGE)
        _run(
            operation,
            ids,
            filter_text,
            ids_file,
            comment,
            wait,
            concurrency,
            poll_seconds,
            fmt,
            tenant,
        )

    command.__doc__ = help_text
    machines_app.command(name)(command)


_command("unisolate", "machines.unisolate", "Release machines from isolation.")
_command(
    "restrict",
    "machines.restrict_code_execution",
    "Restrict code execution to Microsoft-signed binaries.",
)
_command(
    "unrestrict", "machines.unrestrict_code_execution", "Remove the code execution restriction."
)
_command(
    "collect-package",
    "machines.collect_investigation_package",
    "Collect an investigation package (then: mdekit actions package ACTION_ID).",
)
_command("offboard", "machines.offboard", "Offboard machines from Defender for Endpoint.")


@machines_app.command("isolate")
def isolate(
    ids: IdsArg = None,
    filter_text: FilterOpt = None,
    ids_file: IdsFileOpt = None,
    comment: CommentOpt = "",
    isolation_type: Annotated[
        str, typer.Option("--type", help="Full, Selective or UnManagedDevice.")
    ] = "Full",
    wait: WaitOpt = False,
    concurrency: ConcurrencyOpt = 8,
    poll_seconds: PollOpt = 5.0,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Isolate machines from the network.

    Examples:
      mdekit machines isolate 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 -c "IR-1234" --wait
      mdekit machines isolate --filter "riskScore eq 'High'" -c "IR-1234" --type Selective
    """
    if not comment:
        raise CliError("--comment is required", code=ExitCode.USAGE)
    _run(
        "machines.isolate",
        ids,
        filter_text,
        ids_file,
        comment,
        wait,
        concurrency,
        poll_seconds,
        fmt,
        tenant,
        {"IsolationType": isolation_type},
    )


@machines_app.command("scan")
def scan(
    ids: IdsArg = None,
    filter_text: FilterOpt = None,
    ids_file: IdsFileOpt = None,
    comment: CommentOpt = "",
    scan_type: Annotated[str, typer.Option("--scan-type", help="Quick or Full.")] = "Quick",
    wait: WaitOpt = False,
    concurrency: ConcurrencyOpt = 8,
    poll_seconds: PollOpt = 5.0,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Run a Microsoft Defender Antivirus scan."""
    if not comment:
        raise CliError("--comment is required", code=ExitCode.USAGE)
    _run(
        "machines.run_antivirus_scan",
        ids,
        filter_text,
        ids_file,
        comment,
        wait,
        concurrency,
        poll_seconds,
        fmt,
        tenant,
        {"ScanType": scan_type},
    )


@machines_app.command("stop-and-quarantine")
def stop_and_quarantine(
    ids: IdsArg = None,
    filter_text: FilterOpt = None,
    ids_file: IdsFileOpt = None,
    comment: CommentOpt = "",
    sha1: Annotated[str, typer.Option("--sha1", help="SHA-1 of the file.")] = "",
    wait: WaitOpt = False,
    concurrency: ConcurrencyOpt = 8,
    poll_seconds: PollOpt = 5.0,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Stop a file's processes and quarantine it."""
    if not comment or not sha1:
        raise CliError("--comment and --sha1 are required", code=ExitCode.USAGE)
    _run(
        "machines.stop_and_quarantine_file",
        ids,
        filter_text,
        ids_file,
        comment,
        wait,
        concurrency,
        poll_seconds,
        fmt,
        tenant,
        {"Sha1": sha1},
    )
