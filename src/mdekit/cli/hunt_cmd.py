"""`mdekit hunt`: Advanced Hunting from the command line, through either API, whole or in time
windows, or over exported files with no service at all; `mdekit hunt corpus` measures the
engine on a file of queries."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mdekit.cli.common import err, settings
from mdekit.cli.durations import parse_duration
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.hunt_render import Api, HuntFormat, render


class _QueryFirstGroup(TyperGroup):
    """`mdekit hunt QUERY` runs a query; `mdekit hunt corpus ...` is the subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # `ctx` is the Context of the click that typer bundles (no public name for its type).
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_QueryFirstGroup,
    help="Advanced Hunting: run KQL through the Defender API or Graph, in time windows, or "
    "over exported files. `mdekit hunt QUERY [OPTIONS]` is short for `mdekit hunt run`.",
    no_args_is_help=True,
)


def _query_text(query: str | None, file: Path | None) -> str:
    if query and file:
        raise CliError("give the query or --file, not both", code=ExitCode.USAGE)
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CliError(f"cannot read {file}: {exc.strerror}", code=ExitCode.USAGE) from None
    elif query == "-" or (query is None and not sys.stdin.isatty()):
        text = sys.stdin.read()
    else:
        text = query or ""
    if not text.strip():
        raise CliError(
            "no query given",
            code=ExitCode.USAGE,
            hint='mdekit hunt "DeviceProcessEvents | take 10", or --file query.kql',
        )
    return text


def _moment(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(
            f"{option}: not a date and time: {text!r}",
            code=ExitCode.USAGE,
            hint="use ISO 8601, e.g. 2026-11-01T00:00:00Z",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _window_size(text: str | None) -> timedelta | None:
    if text is None or text.lower() == "auto":
        return None
    return timedelta(seconds=parse_duration(text))


@app.command("run")
def run_hunt(
    query: Annotated[
        str | None, typer.Argument(help="KQL text ('-' reads it from stdin).", show_default=False)
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from this file.")
    ] = None,
    api: Annotated[Api, typer.Option("--api", help="Defender API or Microsoft Graph.")] = Api.mde,
    fmt: Annotated[HuntFormat, typer.Option("--format", "-o", help="Output format.")] = (
        HuntFormat.table
    ),
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Write to this file (required for parquet)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Hunt from this long ago (e.g. 30d, 12h) in time windows."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="End of the hunt (ISO 8601; default now).")
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="Window size (e.g. 1d, 6h) or 'auto': halve any window that reaches the "
            "100,000-row cap. Needs --since.",
        ),
    ] = None,
    local: Annotated[
        list[Path] | None,
        typer.Option(
            "--local",
            help="Run over exported Parquet/NDJSON/CSV files or directories instead of a "
            "service (repeatable).",
        ),
    ] = None,
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Act in this tenant (default AZURE_TENANT_ID).")
    ] = None,
) -> None:
    """Run a hunting query.

    Examples:
      mdekit hunt "DeviceProcessEvents | where FileName =~ 'powershell.exe' | take 20"
      mdekit hunt --file q.kql --api graph --format json > rows.json
      mdekit hunt --since 30d --window auto --format parquet --output events.parquet \\
          "DeviceNetworkEvents | where RemotePort == 3389"
      mdekit hunt --local export/ "alerts | summarize count() by severity"
    """
    from mdekit.kql.errors import KqlError
    from mdekit.kql.windows import WindowError

    text = _query_text(query, file)
    if fmt is HuntFormat.parquet and output is None:
        raise CliError("--format parquet needs --output FILE", code=ExitCode.USAGE)
    if window is not None and since is None:
        raise CliError("--window needs --since (how far back to hunt)", code=ExitCode.USAGE)
    if local:
        if since or window or api is not Api.mde:
            raise CliError(
                "--local runs over files: --since, --window and --api do not apply",
                code=ExitCode.USAGE,
            )
        from mdekit.export.local_hunt import hunt_local

        try:
            result = hunt_local(local, text)
        except KqlError as exc:
            raise CliError(exc.message, code=ExitCode.FAILURE) from None
        answer = result.to_api()
        columns = [(c["Name"], c["Type"]) for c in answer["Schema"]]  # type: ignore[attr-defined]
        render(iter([(columns, answer["Results"])]), fmt, output)  # type: ignore[list-item]
        return
    if since is None:
        render(_once(text, api, tenant), fmt, output)
        return
    end = _moment(until, "--until") if until else datetime.now(UTC)
    start = end - timedelta(seconds=parse_duration(since))
    try:
        render(_windowed(text, api, tenant, start, end, _window_size(window)), fmt, output)
    except WindowError as exc:
        raise CliError(
            exc.message,
            code=ExitCode.USAGE,
            hint="windowed hunting wraps each table the query names in a time filter",
        ) from None


Answer = tuple[list[tuple[str, str]], list[dict[str, Any]]]


def _runner(api: Api, tenant: str | None) -> Any:
    from mdekit.export.hunt_runner import open_runner

    return open_runner(api.value, settings(tenant))


def _once(text: str, api: Api, tenant: str | None) -> Iterator[Answer]:
    with _runner(api, tenant) as runner:
        rows = runner.run(text, None)
        yield rows.columns, rows.rows


def _windowed(
    text: str,
    api: Api,
    tenant: str | None,
    start: datetime,
    end: datetime,
    size: timedelta | None,
) -> Iterator[Answer]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mdekit.catalog.hunting_schema import HUNTING_TABLES
    from mdekit.export.hunting import WindowDone, hunt_in_windows

    span = (end - start).total_seconds()
    with (
        _runner(api, tenant) as runner,
        Progress(
            TextColumn("[bold]hunting[/]"), BarColumn(), TextColumn("{task.description}"),
            TimeElapsedColumn(), console=err, transient=False,
        ) as progress,
    ):  # fmt: skip
        task = progress.add_task("", total=span)

        def advanced(done: WindowDone) -> None:
            progress.update(
                task,
                completed=(done.end - start).total_seconds(),
                description=f"{done.total_rows:,} rows, {done.calls} calls, "
                f"up to {done.end:%Y-%m-%d %H:%M}",
            )

        for rows in hunt_in_windows(
            runner.run, text, HUNTING_TABLES, start, end, window=size, on_window=advanced
        ):
            yield rows.columns, rows.rows


@app.command("corpus")
def corpus(
    path: Annotated[Path, typer.Argument(help="JSON Lines file, one object with a 'query' each.")],
    as_json: Annotated[bool, typer.Option("--json", help="The report as JSON.")] = False,
    machines: Annotated[
        int, typer.Option("--machines", min=1, help="Devices in the world queried.")
    ] = 25,
    events: Annotated[
        int | None, typer.Option("--events", min=0, help="Event rows in the world queried.")
    ] = None,
) -> None:
    """Measure the KQL engine: how many queries of a corpus parse, run and return rows.

    Every query runs over the hunting tables of a generated world; the others are grouped
    by the reason they failed.

    Example:
      mdekit hunt corpus ../shared/data/hunting-queries/community.jsonl
    """
    from mdekit.cli.hunt_corpus import run_corpus_report

    run_corpus_report(path, as_json=as_json, machines=machines, events=events)
