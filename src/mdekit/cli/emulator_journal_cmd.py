"""`mdekit emulator journal`: the requests a running emulator answered, with the caller's app
and roles, the roles the endpoint needed and why a request was refused; `--follow` keeps
printing new entries (polling with `since=`) until interrupted."""

from __future__ import annotations

import enum
import json
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from mdekit.cli.common import out
from mdekit.cli.control_client import UrlOpt, control
from mdekit.cli.emulator_cmd import StateDirOpt, app

FOLLOW_LIMIT = 5000
"""Most entries one poll asks for (the control API's cap)."""


class JournalFormat(enum.StrEnum):
    table = "table"
    json = "json"


def _time(at: float | None) -> str:
    if at is None:
        return ""
    moment = datetime.fromtimestamp(at, tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _who(entry: dict[str, Any]) -> str:
    return entry.get("appId") or ""


def _why(entry: dict[str, Any]) -> str:
    reason = entry.get("reason") or ""
    needed = entry.get("rolesNeeded") or []
    if entry.get("status") == 403 and needed:
        reason = f"{reason} (needs one of {', '.join(needed)})".strip()
    return reason


def _table(entries: list[dict[str, Any]]) -> Table:
    table = Table(title="Journal", header_style="bold")
    for column in ("seq", "time (UTC)", "status", "method", "path", "ms", "app", "reason"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(
            str(entry["seq"]),
            _time(entry.get("at")),
            str(entry["status"]),
            entry["method"],
            escape(entry["path"]),
            f"{entry['durationMs']:g}",
            _who(entry),
            escape(_why(entry)),
        )
    return table


def _line(entry: dict[str, Any]) -> str:
    """One entry as one plain line, for --follow."""
    parts = [
        str(entry["seq"]),
        _time(entry.get("at")),
        str(entry["status"]),
        entry["method"],
        entry["path"],
        f"{entry['durationMs']:g}ms",
        _who(entry) or "-",
    ]
    why = _why(entry)
    return "  ".join(parts) + (f"  {why}" if why else "")


def _emit(entries: Iterable[dict[str, Any]], fmt: JournalFormat) -> None:
    for entry in entries:
        text = json.dumps(entry) if fmt is JournalFormat.json else _line(entry)
        sys.stdout.write(text + "\n")
    sys.stdout.flush()


@app.command("journal")
def journal(
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new entries until Ctrl-C.")
    ] = False,
    fmt: Annotated[
        JournalFormat,
        typer.Option("--format", "-o", help="table, or json (one JSON object a line with -f)."),
    ] = JournalFormat.table,
    status: Annotated[int | None, typer.Option("--status", help="Only this HTTP status.")] = None,
    app_id: Annotated[str | None, typer.Option("--app", help="Only this client (app) id.")] = None,
    path: Annotated[
        str | None, typer.Option("--path", help="Only paths containing this text.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=5000, help="How many recent entries.")
    ] = 50,
    interval: Annotated[
        float, typer.Option("--interval", min=0.1, help="Seconds between polls with --follow.")
    ] = 1.0,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
) -> None:
    """The most recent requests the emulator answered (oldest first)."""
    params: dict[str, Any] = {"limit": limit}
    if status is not None:
        params["status"] = status
    if app_id:
        params["app"] = app_id
    if path:
        params["path"] = path
    entries: list[dict[str, Any]] = control(state_dir, url, "GET", "/journal", params=params)
    if not follow:
        if fmt is JournalFormat.json:
            sys.stdout.write(json.dumps(entries, indent=2) + "\n")
        else:
            out.print(_table(entries))
        return
    _emit(entries, fmt)
    since = max((entry["seq"] for entry in entries), default=0)
    params["limit"] = FOLLOW_LIMIT
    try:
        while True:
            time.sleep(interval)
            fresh: list[dict[str, Any]] = control(
                state_dir, url, "GET", "/journal", params={**params, "since": since}
            )
            _emit(fresh, fmt)
            since = max((entry["seq"] for entry in fresh), default=since)
    except KeyboardInterrupt:
        return
