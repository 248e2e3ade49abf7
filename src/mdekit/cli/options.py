"""What the entity command groups share: the common options (`--filter`, `--top`, `--all`,
`--format`, `--tenant`), opening a client, and writing results (with a live count on stderr
while a long listing runs), so every group's verbs look and behave the same."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from mdekit.cli.common import err, out, settings
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.output import Format, as_dict, write_json, write_records

if TYPE_CHECKING:  # the client is imported only when a command runs (fast --help)
    from mdekit.client import Client
    from mdekit.client.pacing import PacingSettings

T = TypeVar("T")

DEFAULT_TOP = 100

FilterOpt = Annotated[
    str | None,
    typer.Option(
        "--filter",
        "-f",
        help="OData $filter, e.g. \"severity eq 'High' and status ne 'Resolved'\".",
    ),
]
TopOpt = Annotated[
    int | None,
    typer.Option(
        "--top", "-n", min=1, help="At most this many items (default 100; --all for every one)."
    ),
]
AllOpt = Annotated[bool, typer.Option("--all", help="Every matching item, following pages.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-o", help="Output format.")]
TenantOpt = Annotated[
    str | None, typer.Option("--tenant", help="Act in this tenant (default AZURE_TENANT_ID).")
]
OutOpt = Annotated[Path, typer.Option("--out", help="File to write.")]


def limit(top: int | None, all_items: bool) -> int | None:
    """`--all` means no limit; otherwise `--top`, 100 by default."""
    if all_items:
        return None
    return top or DEFAULT_TOP


def pacing() -> PacingSettings:
    """Client-side pacing under the documented quotas: on, unless `MDE_PACING=off` (for an
    emulator started with --no-quotas, where waiting out 100 calls a minute is pointless)."""
    from mdekit.client.pacing import PacingSettings

    switch = os.environ.get("MDE_PACING", "on").strip().lower()
    return PacingSettings(enabled=switch not in ("off", "0", "false", "no"))


@contextmanager
def client(tenant: str | None = None) -> Iterator[Client]:
    """A Client for the configured credentials (profile, environment), in `tenant`."""
    from mdekit.client import Client

    with Client(settings=settings(tenant), pacing=pacing()) as opened:
        yield opened


def _columns_of(first: Any, wanted: Sequence[str], most: int = 8) -> Sequence[str]:
    if wanted:
        return wanted
    return tuple(as_dict(first))[:most]


def counted(items: Iterable[T], label: str) -> Iterator[T]:
    """Pass items through, showing a running count on stderr (terminals only)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} so far"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=None)
        for item in items:
            progress.advance(task)
            yield item


def show(
    items: Iterable[Any],
    fmt: Format,
    *,
    columns: Sequence[str] = (),
    title: str | None = None,
    long: bool = False,
) -> int:
    """Write a listing (tables: `columns`, or the first item's first keys); `long` shows a
    running count while it is fetched. Returns how many were written."""
    stream = iter(counted(items, title or "fetching") if long else items)
    first = next(stream, None)
    if first is None:
        if fmt is Format.table:
            err.print(f"no {(title or 'items').lower()} found")
            return 0
        return write_records([], fmt, columns=columns)
    everything = itertools.chain([first], stream)
    return write_records(
        everything,
        fmt,
        columns=_columns_of(first, columns),
        title=title,
        console=out,
    )


def show_one(item: Any, fmt: Format, *, columns: Sequence[str] = ()) -> None:
    """One entity: JSON by default (every field); a table shows `columns`."""
    if fmt is Format.json:
        write_json(as_dict(item))
        return
    write_records([item], fmt, columns=_columns_of(item, columns), console=out)


def require(value: str | None, what: str) -> str:
    if not value:
        raise CliError(f"{what} is required", code=ExitCode.USAGE)
    return value


def download(url: str, target: Path, *, verify: Any, label: str | None = None) -> int:
    """GET a short-lived link (no bearer token: the link carries its own signature) into
    `target`, streaming, with a byte progress bar on terminals. Returns the size."""
    import httpx

    from mdekit.client.errors import TransportError

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    size = 0
    try:
        with (
            httpx.stream("GET", url, verify=verify, timeout=300.0, follow_redirects=True) as got,
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=err,
                transient=True,
                disable=not err.is_terminal,
            ) as progress,
        ):
            if got.status_code != 200:
                got.read()
                raise CliError(
                    f"the download link answered {got.status_code}: {got.text[:200]}",
                    hint="links are short-lived: ask for a new one and download it at once",
                )
            total = int(got.headers.get("content-length") or 0) or None
            task = progress.add_task(label or target.name, total=total)
            with open(partial, "wb") as handle:
                for chunk in got.iter_bytes():
                    handle.write(chunk)
                    size += len(chunk)
                    progress.advance(task, len(chunk))
    except httpx.TransportError as exc:
        partial.unlink(missing_ok=True)
        raise TransportError(f"download failed: {type(exc).__name__}") from None
    partial.replace(target)
    return size
