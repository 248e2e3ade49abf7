"""Per-device export rows of vulnerability management (§5.14, §6.8), generated lazily.

Secure configuration, software inventory, non-CPE software, software vulnerabilities
(the full snapshot and the delta changes) and the `machinesVulnerabilities` DTOs. Each
generator walks the devices in `world.machines` order and derives each device's state
on the fly, so a 10,000-device export streams without being held in memory. Row keys
are the documented camelCase ones; timestamps use the export form
"2021-01-11 09:47:58.854"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mdekit.emulator.world.catalog_configs import SECURE_CONFIGS
from mdekit.emulator.world.catalog_cves import Fix
from mdekit.emulator.world.catalog_software import NON_CPE_SOFTWARE
from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.inventory import (
    DELTA_WINDOW_TICKS,
    Install,
    InventoryBuilder,
    MachineState,
)
from mdekit.emulator.world.model import WireDict, World
from mdekit.emulator.world.ticks import TICKS_PER_HOUR, TickFormatter
from mdekit.emulator.world.tvm_catalogue import Catalogue, day_ticks
from mdekit.emulator.world.tvm_entities import cve_updated_ticks, exploitability_level

SCA_KEYS = (
    "deviceId", "rbacGroupName", "rbacGroupId", "deviceName", "osPlatform", "osVersion",
    "timestamp", "configurationId", "configurationCategory", "configurationSubcategory",
    "configurationImpact", "isCompliant", "isApplicable", "isExpectedUserImpact",
    "configurationName", "recommendationReference",
)  # fmt: skip
SOFTWARE_KEYS = (
    "deviceId", "rbacGroupName", "rbacGroupId", "deviceName", "osPlatform", "softwareVendor",
    "softwareName", "softwareVersion", "numberOfWeaknesses", "diskPaths", "registryPaths",
    "softwareFirstSeenTimestamp", "endOfSupportStatus", "endOfSupportDate",
)  # fmt: skip
NON_CPE_KEYS = (
    "deviceId", "rbacGroupId", "rbacGroupName", "deviceName", "osPlatform", "softwareVendor",
    "softwareName", "softwareVersion", "softwareLastSeenTimestamp",
)  # fmt: skip
VULNERABILITY_KEYS = (
    "id", "deviceId", "rbacGroupName", "rbacGroupId", "deviceName", "osPlatform", "osVersion",
    "osArchitecture", "softwareVendor", "softwareName", "softwareVersion", "cveId",
    "cvssScore", "vulnerabilitySeverityLevel", "recommendedSecurityUpdate",
    "recommendedSecurityUpdateId", "recommendedSecurityUpdateUrl", "diskPaths",
    "registryPaths", "lastSeenTimestamp", "firstSeenTimestamp", "exploitabilityLevel",
    "recommendationReference", "securityUpdateAvailable",
)  # fmt: skip
CHANGE_KEYS = (*VULNERABILITY_KEYS, "status", "eventTimestamp", "isOnboarded")
MACHINE_VULNERABILITY_KEYS = (
    "id", "cveId", "machineId", "fixingKbId", "productName", "productVendor", "productVersion",
    "severity",
)  # fmt: skip
DELTA_PERIOD_TICKS = 6 * TICKS_PER_HOUR
"""The delta export is regenerated every six hours; events carry the period's end."""


@dataclass(frozen=True)
class ExportContext:
    """What the generators need: the world, its catalogue and the state builder."""

    world: World
    catalogue: Catalogue
    builder: InventoryBuilder
    fmt: TickFormatter

    def states(self) -> Iterator[MachineState]:
        for index in range(len(self.world.machines)):
            yield self.builder.state(index)


def _device(state: MachineState) -> WireDict:
    machine = state.machine
    return {
        "deviceId": state.profile.machine_id,
        "rbacGroupName": machine["rbacGroupName"],
        "rbacGroupId": machine["rbacGroupId"],
        "deviceName": machine["computerDnsName"],
        "osPlatform": machine["osPlatform"],
    }


def secure_configuration_rows(ctx: ExportContext) -> Iterator[WireDict]:
    """SecureConfigurationsAssessmentByMachine: one row per device and configuration."""
    for state in ctx.states():
        device = _device(state)
        stamp = ctx.fmt.export(state.seen)
        for config_index, applicable, compliant in state.sca:
            config = SECURE_CONFIGS[config_index]
            yield {
                **device,
                "osVersion": state.os_version,
                "timestamp": stamp,
                "configurationId": config.scid,
                "configurationCategory": config.category,
                "configurationSubcategory": config.subcategory,
                "configurationImpact": config.impact,
                "isCompliant": compliant,
                "isApplicable": applicable,
                "isExpectedUserImpact": config.user_impact,
                "configurationName": config.name,
                "recommendationReference": f"sca-_-{config.scid}",
            }


def software_inventory_rows(ctx: ExportContext) -> Iterator[WireDict]:
    """SoftwareInventoryByMachine: one row per device and installed product version."""
    catalogue = ctx.catalogue
    for state in ctx.states():
        device = _device(state)
        for install in state.installs:
            product = catalogue.products[install.product]
            version = product.releases[install.release].version
            status, date = catalogue.eos(install.product, version, ctx.world.now_ticks)
            yield {
                **device,
                "softwareVendor": product.vendor,
                "softwareName": product.name,
                "softwareVersion": version,
                "numberOfWeaknesses": len(catalogue.vulnerable[install.product][install.release]),
                "diskPaths": list(install.disk_paths),
                "registryPaths": list(install.registry_paths),
                "softwareFirstSeenTimestamp": ctx.fmt.export(install.since),
                "endOfSupportStatus": status,
                "endOfSupportDate": date,
            }


def non_cpe_rows(ctx: ExportContext) -> Iterator[WireDict]:
    """SoftwareInventoryNoProductCodeByMachine: software without a CPE, a few per device."""
    org = ctx.world.domain.split(".", 1)[0]
    for state in ctx.states():
        rng = section_rng(ctx.world.seed, ctx.world.tenant_id, f"noncpe|{state.profile.machine_id}")
        device = _device(state)
        for vendor, name, version, kind in NON_CPE_SOFTWARE:
            if kind in state.kinds and rng.random() < 0.5:
                seen = state.seen - int(rng.random() * 6 * TICKS_PER_HOUR)
                yield {
                    "deviceId": device["deviceId"],
                    "rbacGroupId": device["rbacGroupId"],
                    "rbacGroupName": device["rbacGroupName"],
                    "deviceName": device["deviceName"],
                    "osPlatform": device["osPlatform"],
                    "softwareVendor": vendor.replace("{org}", org),
                    "softwareName": name,
                    "softwareVersion": version,
                    "softwareLastSeenTimestamp": ctx.fmt.export(
                        max(seen, state.profile.first_seen_ticks)
                    ),
                }


def _vulnerability_row(
    ctx: ExportContext,
    state: MachineState,
    install: Install,
    release: int,
    cve_index: int | None,
    fix: Fix | None,
    first_seen: int,
    last_seen: int,
) -> WireDict:
    catalogue = ctx.catalogue
    product = catalogue.products[install.product]
    version = product.releases[release].version
    cve = catalogue.cves[cve_index] if cve_index is not None else None
    kb = catalogue.kbs.get(fix.kb) if fix is not None and fix.kb is not None else None
    newest = catalogue.newest_release(install.product, ctx.world.now_ticks)
    cve_id = cve.id if cve is not None else None
    return {
        "id": f"{state.profile.machine_id}_{product.name}_{version}_{cve_id or ''}_",
        **_device(state),
        "osVersion": state.os_version,
        "osArchitecture": "x64" if state.profile.family != "macos" else "arm64",
        "softwareVendor": product.vendor,
        "softwareName": product.name,
        "softwareVersion": version,
        "cveId": cve_id,
        "cvssScore": catalogue.cvss[cve_index] if cve_index is not None else None,
        "vulnerabilitySeverityLevel": catalogue.severity[cve_index]
        if cve_index is not None
        else None,
        "recommendedSecurityUpdate": kb.name if kb is not None else None,
        "recommendedSecurityUpdateId": kb.id if kb is not None else None,
        "recommendedSecurityUpdateUrl": kb.url if kb is not None else None,
        "diskPaths": list(install.disk_paths),
        "registryPaths": list(install.registry_paths),
        "lastSeenTimestamp": ctx.fmt.export(last_seen),
        "firstSeenTimestamp": ctx.fmt.export(first_seen),
        "exploitabilityLevel": exploitability_level(cve) if cve is not None else "NoExploit",
        "recommendationReference": f"va-_-{product.vendor}-_-{product.name}",
        "securityUpdateAvailable": cve is not None or newest > release,
    }


def _first_seen(install: Install, cve_published: int, seen: int) -> int:
    """First time the CVE was seen on this version: install or publication, the later."""
    return min(max(install.since, cve_published), seen)


def software_vulnerability_rows(ctx: ExportContext) -> Iterator[WireDict]:
    """SoftwareVulnerabilitiesByMachine: one row per device, product version and CVE.

    A product version without CVEs still gets one row with `cveId` null, as in the docs'
    examples."""
    for state in ctx.states():
        for install in state.installs:
            pairs = ctx.catalogue.vulnerable[install.product][install.release]
            if not pairs:
                yield _vulnerability_row(
                    ctx, state, install, install.release, None, None, install.since, state.seen
                )
            for cve_index, fix in pairs:
                published = day_ticks(ctx.catalogue.cves[cve_index].published)
                first = _first_seen(install, published, state.seen)
                yield _vulnerability_row(
                    ctx, state, install, install.release, cve_index, fix, first, state.seen
                )


def machine_vulnerability_dtos(ctx: ExportContext) -> Iterator[WireDict]:
    """`GET /api/vulnerabilities/machinesVulnerabilities` items (PublicAssetVulnerabilityDto)."""
    for state in ctx.states():
        yield from machine_vulnerabilities_of(ctx, state)


def machine_vulnerabilities_of(ctx: ExportContext, state: MachineState) -> Iterator[WireDict]:
    """The PublicAssetVulnerabilityDto items of one device."""
    catalogue = ctx.catalogue
    machine_id = state.profile.machine_id
    for install, cve_index, fix in ctx.builder.vulnerabilities(state):
        product = catalogue.products[install.product]
        version = product.releases[install.release].version
        cve_id = catalogue.cves[cve_index].id
        yield {
            "id": f"{machine_id}-_-{cve_id}-_-{product.vendor}-_-{product.name}-_-{version}"
            f"-_-{fix.kb or ''}",
            "cveId": cve_id,
            "machineId": machine_id,
            "fixingKbId": fix.kb,
            "productName": product.name,
            "productVendor": product.vendor,
            "productVersion": version,
            "severity": catalogue.severity[cve_index],
        }


def period_end(ticks: int) -> int:
    """The end of the six-hour delta period that contains `ticks`."""
    return (ticks // DELTA_PERIOD_TICKS + 1) * DELTA_PERIOD_TICKS


def vulnerability_change_rows(ctx: ExportContext, since_ticks: int) -> Iterator[WireDict]:
    """SoftwareVulnerabilityChangesByMachine: New, Fixed and Updated events since a time.

    Events come from what the devices' states say happened in the last 14 days: an
    update replaced a version (Fixed for the old version's CVEs, New for the new one's),
    a device was onboarded (New), a CVE was published for installed software (New), or a
    CVE record changed (Updated). `since_ticks` selects from the start of its period."""
    now = ctx.world.now_ticks
    window_start = max(
        now - DELTA_WINDOW_TICKS, since_ticks // DELTA_PERIOD_TICKS * DELTA_PERIOD_TICKS
    )
    catalogue = ctx.catalogue
    for state in ctx.states():
        events: list[tuple[int, str, WireDict]] = []
        for install in state.installs:
            previous = install.previous
            update = period_end(install.since)
            if previous is not None and update >= window_start:
                released = catalogue.release_ticks[install.product][previous]
                old_since = max(state.profile.first_seen_ticks, released)
                for cve_index, fix in catalogue.vulnerable[install.product][previous]:
                    published = day_ticks(catalogue.cves[cve_index].published)
                    first = min(max(old_since, published), install.since)
                    row = _vulnerability_row(
                        ctx, state, install, previous, cve_index, fix, first, install.since
                    )
                    events.append((update, "Fixed", row))
            for cve_index, fix in catalogue.vulnerable[install.product][install.release]:
                cve = catalogue.cves[cve_index]
                published = day_ticks(cve.published)
                first = _first_seen(install, published, state.seen)
                row = _vulnerability_row(
                    ctx, state, install, install.release, cve_index, fix, first, state.seen
                )
                # New when the version arrived, the CVE was published or the device was
                # onboarded, whichever came last (install.since already >= onboarding).
                appeared = period_end(max(install.since, published))
                if appeared >= window_start:
                    events.append((appeared, "New", row))
                changed = period_end(cve_updated_ticks(cve))
                if changed >= window_start and changed > appeared:
                    events.append((changed, "Updated", dict(row)))
        events.sort(key=lambda event: (event[0], event[1], event[2]["id"]))
        for when, status, row in events:
            if window_start <= when <= now:
                yield {
                    **row,
                    "status": status,
                    "eventTimestamp": ctx.fmt.export(when),
                    "isOnboarded": True,
                }
