"""One device's vulnerability-management state, derived on demand from its profile.

Every device has its own seeded generator, so its installed software, OS patch level,
antivirus state and secure-configuration results can be recomputed at any time, in any
order, and come out the same: nothing per device has to be kept in memory. How far a
device lags behind on updates and how well it is configured follow its `exposureLevel`,
so the Machine entity and the TVM data tell the same story."""

from __future__ import annotations

import random
from dataclasses import dataclass

from mdekit.emulator.world.catalog_configs import SECURE_CONFIGS
from mdekit.emulator.world.catalog_cves import Fix
from mdekit.emulator.world.catalog_software import Product
from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.model import MachineProfile, WireDict, World
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_HOUR
from mdekit.emulator.world.tvm_catalogue import Catalogue

LAG_WEIGHTS = {
    # exposureLevel -> weights of being 0, 1, 2, 3 or 4 releases behind the newest
    "None": (1, 0, 0, 0, 0),
    "Low": (80, 14, 5, 1, 0),
    "Medium": (50, 24, 14, 8, 4),
    "High": (26, 24, 20, 16, 14),
}
COMPLIANCE_EXPONENT = {"None": 0.0, "Low": 0.5, "Medium": 1.0, "High": 1.8}
"""A device complies with a setting with probability rate ** exponent."""
DELTA_WINDOW_TICKS = 14 * TICKS_PER_DAY
"""How far back the vulnerability changes export reaches."""
VIRTUAL_FAMILY = "VirtualMachine"


@dataclass(frozen=True)
class Install:
    """One product version on a device."""

    product: int
    release: int
    since: int
    """When this version was first seen on the device (ticks)."""
    previous: int | None
    """The release this one replaced, when the update happened while the device was seen."""
    disk_paths: tuple[str, ...]
    registry_paths: tuple[str, ...]


@dataclass(frozen=True)
class AvState:
    """Microsoft Defender Antivirus on a Windows device (§6.9 vocabulary)."""

    mode: str
    """"0" active, "1" passive, "2" disabled, "4" EDR in block mode, "5" passive audit."""
    signatures: str
    engine: str
    platform: str
    """Up-to-date flags: "True", "False" or "Unknown"."""


@dataclass(frozen=True)
class MachineState:
    """Everything TVM knows about one device."""

    index: int
    profile: MachineProfile
    machine: WireDict
    kinds: tuple[str, ...]
    os_version: str
    installs: tuple[Install, ...]
    """The operating system first, then applications in catalogue order."""
    av: AvState | None
    sca: tuple[tuple[int, bool, bool], ...]
    """(index into SECURE_CONFIGS, isApplicable, isCompliant) for the device's family."""
    seen: int
    """Last time the device reported (ticks): the inventory is as of then."""
    virtual: bool


def machine_kinds(profile: MachineProfile) -> tuple[str, ...]:
    """The kinds catalogue rates and configurations are keyed on, most general first."""
    if profile.family == "windows":
        if profile.is_server:
            return ("windows", "win-server", profile.host_name.rsplit("-", 1)[0])
        return ("windows", "win-client")
    if profile.family == "linux":
        return ("linux", profile.host_name.rsplit("-", 1)[0])
    return ("macos",)


class InventoryBuilder:
    """Derives `MachineState`s of one world's devices."""

    def __init__(self, world: World, catalogue: Catalogue) -> None:
        self.world = world
        self.catalogue = catalogue
        self._now = world.now_ticks

    def state(self, index: int) -> MachineState:
        """The state of the device at `index` in `world.machines`."""
        profile = self.world.machine_profiles[index]
        machine = self.world.machines[index]
        rng = section_rng(self.world.seed, self.world.tenant_id, f"tvm|{profile.machine_id}")
        exposure = machine.get("exposureLevel") or "Medium"
        lag_weights = LAG_WEIGHTS.get(exposure, LAG_WEIGHTS["Medium"])
        kinds = machine_kinds(profile)
        seen = profile.active_until_ticks
        virtual = machine.get("vmMetadata") is not None or (
            profile.is_server and rng.random() < 0.55
        )
        user = self._primary_user(profile)
        os_key = (profile.os_platform, str(machine.get("version")))
        os_product, line = self.catalogue.os_products[os_key]
        installs = [self._install(rng, profile, os_product, line, lag_weights, seen, user)]
        for product_index, rate in self.catalogue.products_for(kinds):
            if rate >= 1.0 or rng.random() < rate:
                installs.append(
                    self._install(rng, profile, product_index, "", lag_weights, seen, user)
                )
        os_install = installs[0]
        os_version = self.catalogue.products[os_product].releases[os_install.release].version
        av = _av_state(rng, profile, machine, exposure) if profile.family == "windows" else None
        sca = _assess(rng, profile, machine, kinds, av, virtual, exposure)
        return MachineState(
            index, profile, machine, kinds, os_version, tuple(installs), av, sca, seen, virtual
        )

    def _primary_user(self, profile: MachineProfile) -> tuple[str, str]:
        if not profile.user_indices:
            return ("administrator", "S-1-5-21-0-0-0-500")
        user = self.world.user_profiles[profile.user_indices[0]]
        return (user.account_name, user.sid)

    def _install(
        self,
        rng: random.Random,
        profile: MachineProfile,
        product_index: int,
        line: str,
        lag_weights: tuple[int, ...],
        seen: int,
        user: tuple[str, str],
    ) -> Install:
        catalogue = self.catalogue
        product = catalogue.products[product_index]
        shipped = catalogue.releases_by(product_index, seen, line)
        lag = rng.choices(range(len(lag_weights)), lag_weights)[0]
        position = max(0, len(shipped) - 1 - lag)
        release = shipped[position]
        released = catalogue.release_ticks[product_index][release]
        delay = int(rng.random() * 6 * TICKS_PER_DAY) + int(rng.random() * 20 * TICKS_PER_HOUR)
        since = max(released + delay, profile.first_seen_ticks)
        since = min(since, seen)
        previous = None
        if position > 0 and since > profile.first_seen_ticks + TICKS_PER_DAY:
            previous = shipped[position - 1]
        version = product.releases[release].version
        return Install(
            product_index,
            release,
            since,
            previous,
            _paths(product, profile.family, user, version),
            _registry(product, profile.family, user, version),
        )

    def vulnerabilities(self, state: MachineState) -> list[tuple[Install, int, Fix]]:
        """(install, CVE index, fix) of every CVE the device has, install by install."""
        found = []
        for install in state.installs:
            for cve_index, fix in self.catalogue.vulnerable[install.product][install.release]:
                found.append((install, cve_index, fix))
        return found


def _paths(product: Product, family: str, user: tuple[str, str], version: str) -> tuple[str, ...]:
    return tuple(
        _fill(path, user, version) for path_family, path in product.paths if path_family == family
    )


def _registry(
    product: Product, family: str, user: tuple[str, str], version: str
) -> tuple[str, ...]:
    if family != "windows" or product.registry is None:
        return ()
    return (_fill(product.registry, user, version),)


def _fill(template: str, user: tuple[str, str], version: str) -> str:
    """Replace {user}, {sid} and {version} (registry keys hold literal braces too)."""
    return (
        template.replace("{user}", user[0]).replace("{sid}", user[1]).replace("{version}", version)
    )


def _av_state(
    rng: random.Random, profile: MachineProfile, machine: WireDict, exposure: str
) -> AvState:
    roll = rng.random()
    if exposure == "None":
        mode = "0"
    elif profile.is_server:
        mode = "1" if roll < 0.1 else "4" if roll < 0.13 else "0"
    else:
        mode = "1" if roll < 0.02 else "2" if roll < 0.026 else "5" if roll < 0.03 else "0"
    status = machine.get("defenderAvStatus")
    signatures = {"Updated": "True", "OutOfDate": "False"}.get(str(status), "Unknown")
    stale = signatures == "False"
    engine = "Unknown" if signatures == "Unknown" else _flag(rng, 0.5 if stale else 0.04)
    platform = "Unknown" if signatures == "Unknown" else _flag(rng, 0.6 if stale else 0.08)
    return AvState(mode, signatures, engine, platform)


def _flag(rng: random.Random, chance_outdated: float) -> str:
    return "False" if rng.random() < chance_outdated else "True"


def _assess(
    rng: random.Random,
    profile: MachineProfile,
    machine: WireDict,
    kinds: tuple[str, ...],
    av: AvState | None,
    virtual: bool,
    exposure: str,
) -> tuple[tuple[int, bool, bool], ...]:
    """Secure-configuration results for the configurations of the device's family."""
    family_kinds = {"windows": ("win-client", "win-server"), "linux": ("linux",)}.get(
        profile.family, ("macos",)
    )
    exponent = COMPLIANCE_EXPONENT.get(exposure, 1.0)
    health = str(machine.get("healthStatus"))
    results = []
    for index, config in enumerate(SECURE_CONFIGS):
        if not any(kind in family_kinds for kind in config.kinds):
            continue
        applicable = any(kind in kinds for kind in config.kinds) and not (
            config.physical_only and virtual
        )
        if config.link == "av-realtime" and av is not None and av.mode in ("1", "4", "5"):
            applicable = False  # passive antivirus has no real-time protection to turn on
        chance = rng.random()
        if not applicable:
            compliant = False
        elif config.link is None:
            compliant = chance < config.rate**exponent
        else:
            compliant = _linked(config.link, health, av)
        results.append((index, applicable, compliant))
    return tuple(results)


def _linked(link: str, health: str, av: AvState | None) -> bool:
    if link == "sensor-data":
        return not health.startswith("NoSensorData")
    if link == "sensor-comms":
        return "ImpairedCommunication" not in health
    if av is None:
        return True
    if link == "av-on":
        return av.mode != "2"
    if link == "av-realtime":
        return av.mode == "0"
    if link == "av-signatures":
        return av.signatures == "True"
    return True  # "onboarded": every device in the world is onboarded
