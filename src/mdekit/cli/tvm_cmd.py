"""Vulnerability management: `mdekit vulnerabilities|software|recommendations|scores|
remediation ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from mdekit.cli.machines_cmd import (
    KB_COLUMNS,
    RECOMMENDATION_COLUMNS,
    SOFTWARE_COLUMNS,
    VULNERABILITY_COLUMNS,
)
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

MACHINE_REF_COLUMNS = ("id", "computerDnsName", "osPlatform", "rbacGroupName")
REMEDIATION_COLUMNS = ("id", "title", "status", "priority", "createdOn", "dueOn", "fixedDevices")
SCORE_COLUMNS = ("time", "score", "rbacGroupName")

vulnerabilities_app = typer.Typer(
    help="Vulnerabilities (CVEs): list, get, machines, by-machine.", no_args_is_help=True
)
software_app = typer.Typer(
    help="Software inventory: list, get, distributions, machines, vulnerabilities, missing-kbs.",
    no_args_is_help=True,
)
recommendations_app = typer.Typer(
    help="Security recommendations: list, get, software, machines, vulnerabilities.",
    no_args_is_help=True,
)
scores_app = typer.Typer(help="Exposure and configuration (secure) scores.", no_args_is_help=True)
remediation_app = typer.Typer(
    help="Remediation activities: list, get, machines.", no_args_is_help=True
)

CveArg = Annotated[str, typer.Argument(help="CVE id, e.g. CVE-2024-21338.")]
SoftwareArg = Annotated[
    str, typer.Argument(help="Software id, e.g. microsoft-_-edge (vendor-_-product).")
]
RecommendationArg = Annotated[
    str, typer.Argument(help="Recommendation id, e.g. va-_-microsoft-_-edge.")
]
TaskArg = Annotated[str, typer.Argument(help="Remediation activity id.")]


# -- vulnerabilities ----------------------------------------------------------------------


@vulnerabilities_app.command("list")
def list_vulnerabilities(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List vulnerabilities.

    Example: mdekit vulnerabilities list --filter "severity eq 'Critical' and publicExploit eq true"
    """
    with client(tenant) as c:
        items = c.vulnerabilities.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=VULNERABILITY_COLUMNS, title="Vulnerabilities", long=all_items)


@vulnerabilities_app.command("get")
def get_vulnerability(cve: CveArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None) -> None:
    """Show one vulnerability.

    Example: mdekit vulnerabilities get CVE-2024-21338
    """
    with client(tenant) as c:
        show_one(c.vulnerabilities.get(cve), fmt, columns=VULNERABILITY_COLUMNS)


@vulnerabilities_app.command("machines")
def vulnerability_machines(
    cve: CveArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Machines exposed to a vulnerability.

    Example: mdekit vulnerabilities machines CVE-2024-21338
    """
    with client(tenant) as c:
        items = c.vulnerabilities.machine_references(cve)
        show(items, fmt, columns=MACHINE_REF_COLUMNS, title="Machines")


@vulnerabilities_app.command("by-machine")
def by_machine(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """Every (machine, CVE) pair.

    Example: mdekit vulnerabilities by-machine --all -o csv > exposure.csv
    """
    with client(tenant) as c:
        items = c.vulnerabilities.by_machine(filter=filter, limit=limit(top, all_items))
        columns = ("machineId", "cveId", "productName", "productVersion", "severity", "fixingKbId")
        show(items, fmt, columns=columns, title="Vulnerabilities by machine", long=all_items)


# -- software -----------------------------------------------------------------------------


@software_app.command("list")
def list_software(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List the organisation's software.

    Example: mdekit software list --filter "vendor eq 'microsoft'"
    """
    with client(tenant) as c:
        items = c.software.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=SOFTWARE_COLUMNS, title="Software", long=all_items)


@software_app.command("get")
def get_software(
    software_id: SoftwareArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None
) -> None:
    """Show one software product.

    Example: mdekit software get microsoft-_-edge
    """
    with client(tenant) as c:
        show_one(c.software.get(software_id), fmt, columns=SOFTWARE_COLUMNS)


@software_app.command("distributions")
def distributions(
    software_id: SoftwareArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Installed versions of a product and how many machines run each.

    Example: mdekit software distributions microsoft-_-edge
    """
    with client(tenant) as c:
        items = c.software.distributions(software_id)
        show(items, fmt, columns=("version", "installations", "vulnerabilities"), title="Versions")


@software_app.command("machines")
def software_machines(
    software_id: SoftwareArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Machines with a product installed.

    Example: mdekit software machines microsoft-_-edge
    """
    with client(tenant) as c:
        items = c.software.machine_references(software_id)
        show(items, fmt, columns=MACHINE_REF_COLUMNS, title="Machines")


@software_app.command("vulnerabilities")
def software_vulnerabilities(
    software_id: SoftwareArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Vulnerabilities in a product.

    Example: mdekit software vulnerabilities microsoft-_-edge
    """
    with client(tenant) as c:
        items = c.software.vulnerabilities(software_id)
        show(items, fmt, columns=VULNERABILITY_COLUMNS, title="Vulnerabilities")


@software_app.command("missing-kbs")
def software_missing_kbs(
    software_id: SoftwareArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Security updates missing for a product.

    Example: mdekit software missing-kbs microsoft-_-windows_10
    """
    with client(tenant) as c:
        show(c.software.missing_kbs(software_id), fmt, columns=KB_COLUMNS, title="Missing KBs")


# -- recommendations ------------------------------------------------------------------------


@recommendations_app.command("list")
def list_recommendations(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List security recommendations.

    Example: mdekit recommendations list --filter "publicExploit eq true"
    """
    with client(tenant) as c:
        items = c.recommendations.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=RECOMMENDATION_COLUMNS, title="Recommendations", long=all_items)


@recommendations_app.command("get")
def get_recommendation(
    recommendation_id: RecommendationArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None
) -> None:
    """Show one recommendation.

    Example: mdekit recommendations get va-_-microsoft-_-edge
    """
    with client(tenant) as c:
        show_one(c.recommendations.get(recommendation_id), fmt, columns=RECOMMENDATION_COLUMNS)


@recommendations_app.command("software")
def recommendation_software(
    recommendation_id: RecommendationArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None
) -> None:
    """The software a recommendation is about.

    Example: mdekit recommendations software va-_-microsoft-_-edge
    """
    with client(tenant) as c:
        show_one(c.recommendations.software(recommendation_id), fmt, columns=SOFTWARE_COLUMNS)


@recommendations_app.command("machines")
def recommendation_machines(
    recommendation_id: RecommendationArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Machines a recommendation applies to.

    Example: mdekit recommendations machines va-_-microsoft-_-edge
    """
    with client(tenant) as c:
        items = c.recommendations.machine_references(recommendation_id)
        show(items, fmt, columns=MACHINE_REF_COLUMNS, title="Machines")


@recommendations_app.command("vulnerabilities")
def recommendation_vulnerabilities(
    recommendation_id: RecommendationArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Vulnerabilities a recommendation fixes.

    Example: mdekit recommendations vulnerabilities va-_-microsoft-_-edge
    """
    with client(tenant) as c:
        items = c.recommendations.vulnerabilities(recommendation_id)
        show(items, fmt, columns=VULNERABILITY_COLUMNS, title="Vulnerabilities")


# -- scores ---------------------------------------------------------------------------------


@scores_app.command("exposure")
def exposure(fmt: FormatOpt = Format.json, tenant: TenantOpt = None) -> None:
    """The organisation's exposure score.

    Example: mdekit scores exposure
    """
    with client(tenant) as c:
        show_one(c.scores.exposure(), fmt, columns=SCORE_COLUMNS)


@scores_app.command("exposure-by-group")
def exposure_by_group(fmt: FormatOpt = Format.table, tenant: TenantOpt = None) -> None:
    """Exposure score of each device group.

    Example: mdekit scores exposure-by-group -o csv
    """
    with client(tenant) as c:
        items = c.scores.exposure_by_machine_groups()
        show(items, fmt, columns=SCORE_COLUMNS, title="Exposure by device group")


@scores_app.command("configuration")
def configuration(fmt: FormatOpt = Format.json, tenant: TenantOpt = None) -> None:
    """The device secure (configuration) score.

    Example: mdekit scores configuration
    """
    with client(tenant) as c:
        show_one(c.scores.configuration(), fmt, columns=SCORE_COLUMNS)


# -- remediation ----------------------------------------------------------------------------


@remediation_app.command("list")
def list_remediation(
    filter: FilterOpt = None,
    top: TopOpt = None,
    all_items: AllOpt = False,
    fmt: FormatOpt = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """List remediation activities.

    Example: mdekit remediation list --filter "status eq 'Active'"
    """
    with client(tenant) as c:
        items = c.remediation_tasks.list(filter=filter, limit=limit(top, all_items))
        show(items, fmt, columns=REMEDIATION_COLUMNS, title="Remediation", long=all_items)


@remediation_app.command("get")
def get_remediation(
    task_id: TaskArg, fmt: FormatOpt = Format.json, tenant: TenantOpt = None
) -> None:
    """Show one remediation activity.

    Example: mdekit remediation get 03942ef5-aecb-4c6e-b555-f4000b5e0ffc
    """
    with client(tenant) as c:
        show_one(c.remediation_tasks.get(task_id), fmt, columns=REMEDIATION_COLUMNS)


@remediation_app.command("machines")
def remediation_machines(
    task_id: TaskArg, fmt: FormatOpt = Format.table, tenant: TenantOpt = None
) -> None:
    """Machines a remediation activity targets.

    Example: mdekit remediation machines 03942ef5-aecb-4c6e-b555-f4000b5e0ffc
    """
    with client(tenant) as c:
        items = c.remediation_tasks.machine_references(task_id)
        show(items, fmt, columns=MACHINE_REF_COLUMNS, title="Machines")
