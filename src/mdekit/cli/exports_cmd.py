"""`mdekit exports NAME --out ...`: the assessment exports, either "JSON" (rows paged by the
service, streamed to a file as they come, constant memory) or "via files" (`--files`: the
gzip parts the service prepares, downloaded through their short-lived links). Also device
antivirus health (`mdekit av-health list`), security baselines and browser-extension
permissions, which are per-device listings of the same family."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import unquote, urlparse

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
    counted,
    download,
    limit,
    show,
)
from mdekit.cli.output import Format, write_records

if TYPE_CHECKING:
    from mdekit.client import Client


@dataclass(frozen=True)
class ExportKind:
    name: str
    rows: str | None
    """The Exports method that pages the JSON rows (None: files only)."""
    files: str | None
    """The Exports method that answers the download links (None: JSON only)."""
    since: bool = False
    """Takes `sinceTime` (required for the vulnerability changes)."""
    help: str = ""


EXPORTS = (
    ExportKind(
        "secure-configurations",
        "secure_configurations",
        "secure_configurations_files",
        help="Secure configuration assessment per device.",
    ),
    ExportKind(
        "software-inventory",
        "software_inventory",
        "software_inventory_files",
        since=True,
        help="Installed software per device.",
    ),
    ExportKind(
        "software-inventory-non-cpe",
        "software_inventory_non_cpe",
        "software_inventory_non_cpe_files",
        since=True,
        help="Software without a CPE (no product code) per device.",
    ),
    ExportKind(
        "software-vulnerabilities",
        "software_vulnerabilities",
        "software_vulnerabilities_files",
        help="Vulnerabilities per device and software.",
    ),
    ExportKind(
        "software-vulnerability-changes",
        "software_vulnerability_changes",
        None,
        since=True,
        help="What changed in software vulnerabilities since --since (at most 14 days back).",
    ),
    ExportKind(
        "browser-extensions",
        "browser_extensions",
        "browser_extensions_files",
        help="Browser extensions per device.",
    ),
    ExportKind("certificates", "certificates", "certificates_files", help="Certificates."),
    ExportKind(
        "hardware-firmware",
        "hardware_firmware",
        "hardware_firmware_files",
        help="Hardware and firmware inventory.",
    ),
    ExportKind(
        "information-gathering",
        None,
        "information_gathering_files",
        help="Information gathering assessment (via files only).",
    ),
    ExportKind(
        "security-baselines",
        "security_baselines",
        "security_baselines_files",
        help="Security baseline compliance per device.",
    ),
)

exports_app = typer.Typer(
    help="Assessment exports to files: JSON rows (streamed) or the service's gzip parts (--files).",
    no_args_is_help=True,
)
av_health_app = typer.Typer(help="Device antivirus health: list.", no_args_is_help=True)
baselines_app = typer.Typer(
    help="Security baselines: profiles, configurations.", no_args_is_help=True
)
browser_extensions_app = typer.Typer(help="Browser extensions: permissions.", no_args_is_help=True)


def _part_name(index: int, url: str) -> str:
    base = PurePosixPath(unquote(urlparse(url).path)).name or "part.json.gz"
    return f"{index:05d}-{base}"


def _download_parts(c: Client, kind: ExportKind, directory: Path, sas_hours: int | None) -> None:
    from mdekit.client.sync_client import verify_option

    assert kind.files is not None
    answer = getattr(c.exports, kind.files)(sas_valid_hours=sas_hours)
    urls: list[str] = answer.export_files
    directory.mkdir(parents=True, exist_ok=True)
    total = 0
    for index, url in enumerate(urls, start=1):
        target = directory / _part_name(index, url)
        total += download(url, target, verify=verify_option(c.settings), label=target.name)
    err.print(f"wrote {len(urls)} part(s), {total:,} bytes, to {directory}")


def _write_rows(rows: Iterator[Any], target: Path, fmt: Format, label: str) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        count = write_records(counted(rows, label), fmt, stream=handle)
    partial.replace(target)
    return count


def _export_command(kind: ExportKind) -> Callable[..., None]:
    def command(
        out: Annotated[
            Path, typer.Option("--out", help="File for the rows; a directory with --files.")
        ],
        files: Annotated[
            bool, typer.Option("--files", help="Download the service's gzip parts instead.")
        ] = False,
        fmt: Annotated[
            Format, typer.Option("--format", "-o", help="Rows format: ndjson, json or csv.")
        ] = Format.ndjson,
        since: Annotated[
            str | None, typer.Option("--since", help="Only changes since (ISO time).")
        ] = None,
        page_size: Annotated[
            int | None, typer.Option("--page-size", min=1, help="Rows a page (service default).")
        ] = None,
        top: Annotated[int | None, typer.Option("--top", "-n", min=1, help="At most.")] = None,
        sas_hours: Annotated[
            int | None, typer.Option("--sas-hours", min=1, help="How long the links stay valid.")
        ] = None,
        tenant: TenantOpt = None,
    ) -> None:
        if fmt is Format.table:
            raise CliError("exports write ndjson, json or csv", code=ExitCode.USAGE)
        use_files = files or kind.rows is None
        if use_files and kind.files is None:
            raise CliError(f"{kind.name} has no via-files export", code=ExitCode.USAGE)
        if kind.rows == "software_vulnerability_changes" and not since:
            raise CliError("--since is required for this export", code=ExitCode.USAGE)
        with client(tenant) as c:
            if use_files:
                _download_parts(c, kind, out, sas_hours)
                return
            assert kind.rows is not None
            method = getattr(c.exports, kind.rows)
            options: dict[str, Any] = {"page_size": page_size, "limit": top}
            if kind.since and since:
                options["since_time"] = since
            if kind.rows == "software_vulnerability_changes":
                rows = method(options.pop("since_time"), **options)
            else:
                rows = method(**options)
            count = _write_rows(rows, out, fmt, kind.name)
        err.print(f"wrote {count:,} row(s) to {out}")

    command.__doc__ = (
        f"{kind.help}\n\n"
        f"Examples:\n  mdekit exports {kind.name} --out {kind.name}.ndjson"
        + (f"\n  mdekit exports {kind.name} --files --out {kind.name}/" if kind.files else "")
    )
    return command


for _kind in EXPORTS:
    exports_app.command(_kind.name)(_export_command(_kind))


@av_health_app.command("list")
def list_av_health(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Antivirus health of each device (mode, engine, signatures, last scans).

    Example: mdekit av-health list --filter "avMode eq '0'" --all -o csv > av.csv
    """
    with client(tenant) as c:
        items = c.health.antivirus(filter=filter, limit=limit(top, all_items))
        columns = (
            "machineId",
            "computerDnsName",
            "avMode",
            "avSignatureVersion",
            "avEngineVersion",
            "avIsSignatureUpToDate",
            "lastSeenTime",
        )
        show(items, fmt, columns=columns, title="Antivirus health", long=all_items)


@baselines_app.command("profiles")
def baseline_profiles(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Security baseline profiles.

    Example: mdekit baselines profiles
    """
    with client(tenant) as c:
        items = c.health.baseline_profiles(filter=filter, limit=limit(top, all_items))
        show(items, fmt, title="Baseline profiles", long=all_items)


@baselines_app.command("configurations")
def baseline_configurations(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Security baseline configurations.

    Example: mdekit baselines configurations --all -o ndjson
    """
    with client(tenant) as c:
        items = c.health.baseline_configurations(filter=filter, limit=limit(top, all_items))
        show(items, fmt, title="Baseline configurations", long=all_items)


@browser_extensions_app.command("permissions")
def browser_extension_permissions(
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Permissions browser extensions ask for.

    Example: mdekit browser-extensions permissions --all -o csv
    """
    with client(tenant) as c:
        items = c.health.browser_extension_permissions(limit=limit(top, all_items))
        show(items, fmt, title="Browser extension permissions", long=all_items)
