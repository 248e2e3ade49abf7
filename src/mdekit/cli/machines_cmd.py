"""`mdekit machines ...` beyond list/get: what is on a machine (logon users, alerts,
software, vulnerabilities, recommendations, missing KBs), tags, device value, and lookups by
IP or tag. The response actions are in `actions_cmd`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from mdekit.cli.entities_cmd import ALERT_COLUMNS, MACHINE_COLUMNS, USER_COLUMNS, machines_app
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
)
from mdekit.cli.output import Format

SOFTWARE_COLUMNS = ("id", "name", "vendor", "weaknesses", "exposedMachines", "publicExploit")
VULNERABILITY_COLUMNS = ("id", "name", "severity", "cvssV3", "exposedMachines", "publishedOn")
RECOMMENDATION_COLUMNS = (
    "id",
    "recommendationName",
    "productName",
    "severityScore",
    "exposedMachinesCount",
    "status",
)
KB_COLUMNS = ("id", "name", "url", "machineMissedOn", "cveAddressed")

MachineArg = Annotated[str, typer.Argument(help="Machine id (40 hex characters).")]
MachinesArg = Annotated[list[str], typer.Argument(help="Machine ids (up to 500).")]
TagOpt = Annotated[str, typer.Option("--tag", "-t", help="The tag.")]


@machines_app.command("logon-users")
def logon_users(
    machine_id: MachineArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Users who logged on to a machine.

    Example: mdekit machines logon-users 1e5bc9d7e413ddd7902c2932e418702b84d0cc07
    """
    with client(tenant) as c:
        show(c.machines.logon_users(machine_id), fmt, columns=USER_COLUMNS, title="Logon users")


@machines_app.command("alerts")
def machine_alerts(
    machine_id: MachineArg,
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Alerts on a machine.

    Example: mdekit machines alerts 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 -f "status eq 'New'"
    """
    with client(tenant) as c:
        items = c.machines.alerts(machine_id, filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=ALERT_COLUMNS, title="Alerts", long=all_items)


@machines_app.command("software")
def software(
    machine_id: MachineArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Software installed on a machine (vulnerability management).

    Example: mdekit machines software 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 -o csv
    """
    with client(tenant) as c:
        show(c.machines.software(machine_id), fmt, columns=SOFTWARE_COLUMNS, title="Software")


@machines_app.command("vulnerabilities")
def vulnerabilities(
    machine_id: MachineArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """CVEs that affect a machine.

    Example: mdekit machines vulnerabilities 1e5bc9d7e413ddd7902c2932e418702b84d0cc07
    """
    with client(tenant) as c:
        items = c.machines.vulnerabilities(machine_id)
        show(items, fmt, columns=VULNERABILITY_COLUMNS, title="Vulnerabilities")


@machines_app.command("recommendations")
def recommendations(
    machine_id: MachineArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Security recommendations for a machine.

    Example: mdekit machines recommendations 1e5bc9d7e413ddd7902c2932e418702b84d0cc07
    """
    with client(tenant) as c:
        items = c.machines.recommendations(machine_id)
        show(items, fmt, columns=RECOMMENDATION_COLUMNS, title="Recommendations")


@machines_app.command("missing-kbs")
def missing_kbs(
    machine_id: MachineArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Security updates (KBs) a machine is missing.

    Example: mdekit machines missing-kbs 1e5bc9d7e413ddd7902c2932e418702b84d0cc07
    """
    with client(tenant) as c:
        show(c.machines.missing_kbs(machine_id), fmt, columns=KB_COLUMNS, title="Missing KBs")


def _tag(machine_ids: list[str], tag: str, remove: bool, fmt: Format, tenant: str | None) -> None:
    if not tag.strip():
        raise CliError("--tag is required", code=ExitCode.USAGE)
    with client(tenant) as c:
        if len(machine_ids) == 1:
            show(
                [c.machines.tag(machine_ids[0], tag, remove=remove)],
                fmt,
                columns=(*MACHINE_COLUMNS, "machineTags"),
            )
        else:
            updated = c.machines.tag_many(machine_ids, tag, remove=remove)
            show(updated, fmt, columns=(*MACHINE_COLUMNS, "machineTags"), title="Machines")


@machines_app.command("tag")
def tag(
    machine_ids: MachinesArg,
    tag_value: TagOpt = "",
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Add a tag to machines (one call for up to 500).

    Example: mdekit machines tag 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 --tag finance
    """
    _tag(machine_ids, tag_value, False, fmt, tenant)


@machines_app.command("untag")
def untag(
    machine_ids: MachinesArg,
    tag_value: TagOpt = "",
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Remove a tag from machines.

    Example: mdekit machines untag 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 --tag finance
    """
    _tag(machine_ids, tag_value, True, fmt, tenant)


@machines_app.command("set-value")
def set_value(
    machine_id: MachineArg,
    value: Annotated[str, typer.Argument(help="Low, Normal or High.")],
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Set a machine's device value (how much its exposure counts).

    Example: mdekit machines set-value 1e5bc9d7e413ddd7902c2932e418702b84d0cc07 High
    """
    with client(tenant) as c:
        updated = c.machines.set_device_value(machine_id, value)
        show([updated], fmt, columns=(*MACHINE_COLUMNS, "deviceValue"))


@machines_app.command("find-by-ip")
def find_by_ip(
    ip: Annotated[str, typer.Argument(help="An internal IP address.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the IP was seen (ISO time, UTC; default now)."),
    ] = None,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Machines seen with an internal IP within 15 minutes of a time (last 30 days).

    Example: mdekit machines find-by-ip 10.0.0.12 --at 2026-03-01T09:30:00Z
    """
    from mdekit.export.alerts import parse_time

    try:
        when = parse_time(at) if at else datetime.now(UTC)
    except ValueError:
        raise CliError(
            f"not a time: {at!r}", code=ExitCode.USAGE, hint="e.g. 2026-03-01T09:30:00Z"
        ) from None
    with client(tenant) as c:
        show(c.machines.find_by_ip(ip, when), fmt, columns=MACHINE_COLUMNS, title="Machines")


@machines_app.command("find-by-tag")
def find_by_tag(
    tag_value: Annotated[str, typer.Argument(help="The tag.")],
    starts_with: Annotated[
        bool, typer.Option("--starts-with", help="Match tags that start with it.")
    ] = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Machines with a tag.

    Example: mdekit machines find-by-tag fin --starts-with
    """
    with client(tenant) as c:
        items = c.machines.find_by_tag(tag_value, starts_with=starts_with)
        show(items, fmt, columns=(*MACHINE_COLUMNS, "machineTags"), title="Machines")
