"""One pass over every device, keeping only counts and compact indexes.

Organisation-level TVM entities (software, vulnerabilities, recommendations, KBs,
scores, baseline profiles) are sums over devices. This pass derives each device's state
once, adds it to the sums and forgets it; what stays is a few integers per product,
CVE and configuration, plus arrays of device indexes for the reverse lookups
(`machineReferences`). With 10,000 devices that is well under a few megabytes."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from mdekit.emulator.world.baselines import BaselineAssessor
from mdekit.emulator.world.catalog_configs import SECURE_CONFIGS
from mdekit.emulator.world.inventory import InventoryBuilder, MachineState
from mdekit.emulator.world.tvm_catalogue import Catalogue

CVE_WEIGHT = 0.12
"""Exposure a CVE of CVSS 10 adds to a device (scaled by (cvss/10)^3)."""
MISCONFIG_WEIGHT = 0.03
"""Exposure a misconfiguration of impact 10 adds to a device."""


@dataclass
class ProductStats:
    """Sums over the devices that have a product installed."""

    installed: int = 0
    exposed: int = 0
    exposure_delta: float = 0.0
    critical: int = 0
    internet_facing: bool = False
    active_alert: bool = False
    groups: set[str] = field(default_factory=set)
    exposed_machines: array[int] = field(default_factory=lambda: array("I"))


@dataclass
class ConfigStats:
    """Sums over the devices a secure configuration is assessed on."""

    applicable: int = 0
    exposed: int = 0
    no_user_impact: int = 0
    exposure_delta: float = 0.0
    critical: int = 0
    os_products: dict[int, int] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)
    exposed_machines: array[int] = field(default_factory=lambda: array("I"))


@dataclass
class Aggregates:
    """What the organisation-level entities are built from."""

    machine_count: int = 0
    installs: dict[tuple[int, int], array[int]] = field(default_factory=dict)
    """(product, release) -> indexes of the devices that run it."""
    products: dict[int, ProductStats] = field(default_factory=dict)
    cve_exposed: dict[int, int] = field(default_factory=dict)
    kb_missing: dict[str, int] = field(default_factory=dict)
    configs: dict[int, ConfigStats] = field(default_factory=dict)
    machine_exposure: array[float] = field(default_factory=lambda: array("d"))
    baseline_passed: dict[int, int] = field(default_factory=dict)
    baseline_total: dict[int, int] = field(default_factory=dict)


def cve_weight(cvss: float) -> float:
    return CVE_WEIGHT * (cvss / 10.0) ** 3


def aggregate(
    builder: InventoryBuilder,
    baselines: BaselineAssessor,
    open_alert_machines: set[int],
) -> Aggregates:
    """Sum every device of the builder's world into `Aggregates`."""
    catalogue = builder.catalogue
    result = Aggregates(machine_count=len(builder.world.machines))
    for index in range(result.machine_count):
        state = builder.state(index)
        _add_machine(result, catalogue, builder, state, index in open_alert_machines)
        for profile_index, rows in baselines.assess(state):
            result.baseline_total[profile_index] = result.baseline_total.get(profile_index, 0) + 1
            if all(compliant for _, compliant, _ in rows):
                result.baseline_passed[profile_index] = (
                    result.baseline_passed.get(profile_index, 0) + 1
                )
    return result


def _add_machine(
    result: Aggregates,
    catalogue: Catalogue,
    builder: InventoryBuilder,
    state: MachineState,
    open_alert: bool,
) -> None:
    machine = state.machine
    index = state.index
    critical = machine.get("deviceValue") == "High"
    internet_facing = "Internet facing" in (machine.get("machineTags") or [])
    group = str(machine.get("rbacGroupName"))
    remaining = 1.0
    product_factor: dict[int, float] = {}
    device_cves: set[int] = set()
    device_kbs: set[str] = set()
    for install in state.installs:
        key = (install.product, install.release)
        result.installs.setdefault(key, array("I")).append(index)
        stats = result.products.setdefault(install.product, ProductStats())
        stats.installed += 1
        pairs = catalogue.vulnerable[install.product][install.release]
        if not pairs:
            continue
        factor = 1.0
        exploited = False
        for cve_index, fix in pairs:
            factor *= 1.0 - cve_weight(catalogue.cvss[cve_index])
            device_cves.add(cve_index)
            exploited |= catalogue.cves[cve_index].exploit in ("verified", "kit")
            if fix.kb is not None:
                device_kbs.add(fix.kb)
        # A product is installed at most once per device, so this counts devices.
        product_factor[install.product] = factor
        remaining *= factor
        stats.exposed += 1
        stats.exposed_machines.append(index)
        stats.critical += critical
        stats.internet_facing |= internet_facing
        stats.active_alert |= open_alert and exploited
        stats.groups.add(group)
    config_factor: dict[int, float] = {}
    for config_index, applicable, compliant in state.sca:
        config = SECURE_CONFIGS[config_index]
        cstats = result.configs.setdefault(config_index, ConfigStats())
        if not applicable:
            continue
        cstats.applicable += 1
        if compliant:
            continue
        cstats.exposed += 1
        cstats.exposed_machines.append(index)
        cstats.no_user_impact += not config.user_impact or state.profile.is_server
        cstats.critical += critical
        os_product = state.installs[0].product
        cstats.os_products[os_product] = cstats.os_products.get(os_product, 0) + 1
        cstats.groups.add(group)
        factor = 1.0 - MISCONFIG_WEIGHT * config.impact / 10.0
        config_factor[config_index] = factor
        remaining *= factor
    exposure = 100.0 * (1.0 - remaining)
    result.machine_exposure.append(exposure)
    for product_index, factor in product_factor.items():
        without = 100.0 * (1.0 - remaining / factor)
        result.products[product_index].exposure_delta += exposure - without
    for config_index, factor in config_factor.items():
        without = 100.0 * (1.0 - remaining / factor)
        result.configs[config_index].exposure_delta += exposure - without
    for cve_index in device_cves:
        result.cve_exposed[cve_index] = result.cve_exposed.get(cve_index, 0) + 1
    for kb in device_kbs:
        result.kb_missing[kb] = result.kb_missing.get(kb, 0) + 1
