"""`mdekit alerts export`: the alert feed (mdekit.export.alerts) from the command line. Every
alert, and every later update of one, written once to NDJSON, CSV or Parquet, with a
checkpoint so that a run killed at any moment continues where it stopped; `--follow` keeps
polling. Ctrl-C or SIGTERM stops after the window in progress is checkpointed."""

from __future__ import annotations

import enum
import re
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from mdekit.cli.common import err
from mdekit.cli.durations import parse_duration
from mdekit.cli.entities_cmd import alerts_app
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.options import TenantOpt, client

if TYPE_CHECKING:
    from mdekit.export.alerts import AlertFeed


class ExportFormat(enum.StrEnum):
    ndjson = "ndjson"
    csv = "csv"
    parquet = "parquet"


class _Stopped(Exception):
    """Raised from the feed's hook, right after a checkpoint, when a stop was asked for."""


def parse_since(text: str, now: datetime) -> datetime:
    """An ISO date or time (UTC unless it says otherwise), or a duration back from now."""
    from mdekit.export.alerts import parse_time

    if re.fullmatch(r"\s*\d+(\.\d+)?\s*[smhdw]?\s*", text.lower()):
        return now - timedelta(seconds=parse_duration(text))
    try:
        return parse_time(text.strip())
    except ValueError:
        raise CliError(
            f"--since: not a time or a duration: {text!r}",
            code=ExitCode.USAGE,
            hint="e.g. 2026-01-31, 2026-01-31T08:00:00Z, 7d or 12h",
        ) from None


class _StopSignals:
    """First Ctrl-C / SIGTERM: stop after the current window. A second one: stop now."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        self.event.set()
        # Plain text, not rich: the handler can run while the main thread is half-way
        # through a lazy import of rich's modules, and rendering would import them again.
        sys.stderr.write(
            f"{signal.Signals(signum).name}: finishing the current window, then stopping\n"
        )
        sys.stderr.flush()

    def __enter__(self) -> _StopSignals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


@alerts_app.command("export")
def export_alerts(
    checkpoint: Annotated[
        Path, typer.Option("--checkpoint", help="Where the feed keeps its place (JSON).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Output file (a directory of parts for parquet).")
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Start: ISO date/time or a duration back from now (7d); ignored once the "
            "checkpoint exists.",
        ),
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-o")] = ExportFormat.ndjson,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep polling for new and updated alerts.")
    ] = False,
    interval: Annotated[
        str, typer.Option("--interval", help="Between polls with --follow (60, 30s, 5m).")
    ] = "60",
    expand: Annotated[
        str | None, typer.Option("--expand", help="`evidence` to include each alert's evidence.")
    ] = None,
    window: Annotated[str, typer.Option("--window", hidden=True)] = "1d",
    page_size: Annotated[int | None, typer.Option("--page-size", hidden=True, min=1)] = None,
    tenant: TenantOpt = None,
) -> None:
    """Export every alert and every later update of one, exactly once, with a checkpoint.

    Examples:
      mdekit alerts export --since 7d --checkpoint feed.json --out alerts.ndjson
      mdekit alerts export --since 2026-01-01 --checkpoint cp.json --out alerts/ -o parquet
      mdekit alerts export --since 1d --checkpoint cp.json --out a.ndjson --follow --interval 5m

    Run it again with the same --checkpoint, --out and --format to continue: nothing is lost
    or written twice, even after a crash or a kill.
    """
    from mdekit.export import checkpoint as checkpoints
    from mdekit.export.alerts import AlertFeed, FeedSettings

    if expand not in (None, "evidence"):
        raise CliError(f"--expand: only 'evidence' is known, not {expand!r}", code=ExitCode.USAGE)
    now = datetime.now(UTC)
    if since is None and checkpoints.load(checkpoint) is None:
        raise CliError(
            "--since is required for a new export (there is no checkpoint yet)",
            code=ExitCode.USAGE,
            hint="e.g. --since 30d",
        )
    pause = parse_duration(interval)
    feed_settings = FeedSettings(
        since=parse_since(since, now) if since else now,
        checkpoint=checkpoint,
        output=out,
        format=fmt.value,
        expand_evidence=expand == "evidence",
        window=timedelta(seconds=parse_duration(window)),
        page_size=page_size,
    )
    with _StopSignals() as stop, client(tenant) as c:
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[rows]} alerts, up to {task.fields[watermark]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        task = progress.add_task("exporting alerts", total=None, rows=0, watermark="")

        def hook(point: str) -> None:
            if point != "after_checkpoint":
                return
            state = checkpoints.load(checkpoint)
            if state is not None:
                progress.update(task, advance=1, rows=state.rows, watermark=state.watermark)
            if stop.event.is_set():
                raise _Stopped

        feed = AlertFeed(c, feed_settings, hook=hook, warn=lambda m: err.print(f"note: {m}"))
        try:
            with progress:
                _rounds(feed, follow, pause, stop.event, checkpoint)
            if stop.event.is_set():
                err.print("stopped; run again with the same options to continue")
        except _Stopped:
            state = checkpoints.load(checkpoint)
            where = (
                f": {state.rows} alert(s) exported in all, up to {state.watermark}" if state else ""
            )
            err.print(f"stopped after a checkpoint{where}; run again to continue")
            if not follow:
                raise typer.Exit(130) from None


def _rounds(
    feed: AlertFeed, follow: bool, pause: float, stop: threading.Event, checkpoint: Path
) -> None:
    """Run the feed once, or round after round with --follow until a stop is asked for."""
    from mdekit.client.errors import RateLimited, ServerError, TransportError
    from mdekit.export import checkpoint as checkpoints

    while True:
        try:
            written = feed.run_once()
        except (TransportError, ServerError, RateLimited) as exc:
            if not follow:
                raise
            # A passing outage must not end a long-running follow: try again next round.
            err.print(f"warning: {exc}; retrying in {pause:g} s")
            written = None
        state = checkpoints.load(checkpoint)
        if written is not None and state is not None:
            err.print(
                f"exported {written} alert(s) this round, {state.rows} in all, "
                f"up to {state.watermark}"
            )
        if not follow or stop.wait(pause):
            return
