"""`mdekit files|ips|domains|users ...`: what the organisation saw of a file hash, an IP
address, a domain or a user: profile, prevalence statistics, related alerts and machines."""

from __future__ import annotations

from typing import Annotated

import typer

from mdekit.cli.entities_cmd import ALERT_COLUMNS, FILE_COLUMNS, MACHINE_COLUMNS
from mdekit.cli.options import FormatOpt, TenantOpt, client, show, show_one
from mdekit.cli.output import Format

files_app = typer.Typer(help="Files by hash: get, stats, alerts, machines.", no_args_is_help=True)
ips_app = typer.Typer(help="IP addresses: stats, alerts.", no_args_is_help=True)
domains_app = typer.Typer(help="Domains: stats, alerts, machines.", no_args_is_help=True)
users_app = typer.Typer(help="Users (by account name): alerts, machines.", no_args_is_help=True)

HashArg = Annotated[str, typer.Argument(help="SHA-1 (or SHA-256 for get and stats).")]
IpArg = Annotated[str, typer.Argument(help="An IP address.")]
DomainArg = Annotated[str, typer.Argument(help="A domain name, e.g. example.com.")]
UserArg = Annotated[str, typer.Argument(help="Account name, without the domain.")]
LookBackOpt = Annotated[
    int | None,
    typer.Option("--look-back-hours", min=1, help="Statistics over this many hours (default 720)."),
]
STATS_COLUMNS = ("organizationPrevalence", "orgFirstSeen", "orgLastSeen")


@files_app.command("get")
def get_file(file_hash: HashArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None) -> None:
    """A file's profile.

    Example: mdekit files get 4388963aaa83afe2042a46a3c017ad50bdcdafb3
    """
    with client(tenant) as c:
        show_one(c.files.get(file_hash), fmt, columns=FILE_COLUMNS)


@files_app.command("stats")
def file_stats(
    file_hash: HashArg,
    look_back_hours: LookBackOpt = None,
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """How often and when the organisation saw a file.

    Example: mdekit files stats 4388963aaa83afe2042a46a3c017ad50bdcdafb3 --look-back-hours 48
    """
    with client(tenant) as c:
        stats = c.files.stats(file_hash, look_back_hours=look_back_hours)
        show_one(stats, fmt, columns=("sha1", *STATS_COLUMNS, "globallyPrevalence"))


@files_app.command("alerts")
def file_alerts(
    file_hash: HashArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Alerts related to a file.

    Example: mdekit files alerts 4388963aaa83afe2042a46a3c017ad50bdcdafb3
    """
    with client(tenant) as c:
        show(c.files.alerts(file_hash), fmt, columns=ALERT_COLUMNS, title="Alerts")


@files_app.command("machines")
def file_machines(
    file_hash: HashArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Machines a file was seen on.

    Example: mdekit files machines 4388963aaa83afe2042a46a3c017ad50bdcdafb3
    """
    with client(tenant) as c:
        show(c.files.machines(file_hash), fmt, columns=MACHINE_COLUMNS, title="Machines")


@ips_app.command("stats")
def ip_stats(
    ip: IpArg,
    look_back_hours: LookBackOpt = None,
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """How often and when the organisation saw an IP address.

    Example: mdekit ips stats 10.209.67.177
    """
    with client(tenant) as c:
        stats = c.ips.stats(ip, look_back_hours=look_back_hours)
        show_one(stats, fmt, columns=("ipAddress", *STATS_COLUMNS))


@ips_app.command("alerts")
def ip_alerts(ip: IpArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None) -> None:
    """Alerts related to an IP address.

    Example: mdekit ips alerts 10.209.67.177
    """
    with client(tenant) as c:
        show(c.ips.alerts(ip), fmt, columns=ALERT_COLUMNS, title="Alerts")


@domains_app.command("stats")
def domain_stats(
    domain: DomainArg,
    look_back_hours: LookBackOpt = None,
    fmt: FormatOpt = Format.json,
    tenant: TenantOpt = None,
) -> None:
    """How often and when the organisation saw a domain.

    Example: mdekit domains stats example.com
    """
    with client(tenant) as c:
        stats = c.domains.stats(domain, look_back_hours=look_back_hours)
        show_one(stats, fmt, columns=("host", *STATS_COLUMNS))


@domains_app.command("alerts")
def domain_alerts(
    domain: DomainArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Alerts related to a domain.

    Example: mdekit domains alerts example.com
    """
    with client(tenant) as c:
        show(c.domains.alerts(domain), fmt, columns=ALERT_COLUMNS, title="Alerts")


@domains_app.command("machines")
def domain_machines(
    domain: DomainArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Machines that communicated with a domain.

    Example: mdekit domains machines example.com
    """
    with client(tenant) as c:
        show(c.domains.machines(domain), fmt, columns=MACHINE_COLUMNS, title="Machines")


@users_app.command("alerts")
def user_alerts(user: UserArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None) -> None:
    """Alerts related to a user.

    Example: mdekit users alerts jdoe
    """
    with client(tenant) as c:
        show(c.users.alerts(user), fmt, columns=ALERT_COLUMNS, title="Alerts")


@users_app.command("machines")
def user_machines(user: UserArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None) -> None:
    """Machines a user logged on to.

    Example: mdekit users machines jdoe
    """
    with client(tenant) as c:
        show(c.users.machines(user), fmt, columns=MACHINE_COLUMNS, title="Machines")
