"""Security baselines assessment: profiles, benchmark configurations, per-device results.

The tenant has a few CIS profiles (`catalog_configs.BASELINE_PROFILES`); a device is
assessed against every profile whose operating system and version it runs. A device's
results come from its own seeded generator, so the export rows and the profiles'
`passedDevices`/`totalDevices` counts agree without storing anything per device."""

from __future__ import annotations

from collections.abc import Iterator

from mdekit.emulator.world.catalog_configs import (
    BASELINE_CONTROLS,
    BASELINE_LEVELS,
    BASELINE_PROFILES,
    BaselineProfileSpec,
)
from mdekit.emulator.world.catalog_hosts import ANALYSTS
from mdekit.emulator.world.ids import analyst_accounts, random_guid, section_rng
from mdekit.emulator.world.inventory import COMPLIANCE_EXPONENT, MachineState
from mdekit.emulator.world.model import WireDict, World
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, TickFormatter

BENCHMARK = "CIS"
PROFILE_KEYS = (
    "id", "name", "description", "benchmark", "version", "operatingSystem",
    "operatingSystemVersion", "status", "complianceLevel", "settingsNumber", "createdBy",
    "lastUpdatedBy", "createdOnTimestampUTC", "lastUpdateTimestampUTC", "passedDevices",
    "totalDevices",
)  # fmt: skip
"""Keys of a profile as the example shows them (the table says createdOnTimeOffset and
lastUpdateTimeOffset; the example, a real answer, says ...TimestampUTC)."""
CONFIGURATION_KEYS = (
    "id", "uniqueId", "benchmarkName", "benchmarkVersion", "name", "description", "category",
    "complianceLevels", "cce", "rationale", "remediation", "recommendedValue", "source",
    "isCustom",
)  # fmt: skip
ROW_KEYS = (
    "id", "configurationId", "profileId", "deviceId", "deviceName", "osPlatform", "osVersion",
    "rbacGroupId", "rbacGroupName", "isApplicable", "isCompliant", "dataCollectionTimeOffset",
    "complianceCalculationTimeOffset", "recommendedValue", "currentValue", "source",
)  # fmt: skip

ControlResult = tuple[int, bool, str]
"""(index into BASELINE_CONTROLS, isCompliant, current value)."""


def iso_millis(fmt: TickFormatter, ticks: int) -> str:
    """ "2021-12-22T00:08:02.478Z": the form the baseline rows use."""
    return fmt.iso(ticks)[:23] + "Z"


class BaselineAssessor:
    """The tenant's baseline profiles and each device's results against them."""

    def __init__(self, world: World) -> None:
        self.world = world
        rng = section_rng(world.seed, world.tenant_id, "baselines")
        analysts = analyst_accounts(world.tenant_id, world.domain, ANALYSTS)
        self.profile_ids = [random_guid(rng) for _ in BASELINE_PROFILES]
        self._authors = [analysts[int(rng.random() * len(analysts))][0] for _ in BASELINE_PROFILES]
        self._editors = [
            analysts[int(rng.random() * len(analysts))][0] if rng.random() < 0.5 else None
            for _ in BASELINE_PROFILES
        ]
        created = [
            world.now_ticks - int((40 + rng.random() * 300) * TICKS_PER_DAY)
            for _ in BASELINE_PROFILES
        ]
        self._created = created
        self._updated = [start + int(rng.random() * (world.now_ticks - start)) for start in created]

    def applies(self, spec: BaselineProfileSpec, state: MachineState) -> bool:
        return state.profile.os_platform == spec.os_platform and (
            spec.os_release is None or state.machine.get("version") == spec.os_release
        )

    def assess(self, state: MachineState) -> list[tuple[int, list[ControlResult]]]:
        """(profile index, results) for every profile that applies to the device."""
        profiles = [i for i, spec in enumerate(BASELINE_PROFILES) if self.applies(spec, state)]
        if not profiles:
            return []
        rng = section_rng(
            self.world.seed, self.world.tenant_id, f"baseline|{state.profile.machine_id}"
        )
        exponent = COMPLIANCE_EXPONENT.get(str(state.machine.get("exposureLevel")), 1.0)
        # One setting has one value on a device, whatever the profile.
        results: list[ControlResult] = []
        for index, control in enumerate(BASELINE_CONTROLS):
            compliant = rng.random() < control.rate**exponent
            value = control.compliant_value if compliant else control.failing_value
            results.append((index, compliant, value))
        return [(profile, results) for profile in profiles]

    def rows(self, state: MachineState, fmt: TickFormatter) -> Iterator[WireDict]:
        """Export rows (BaselineComplianceAssessmentByMachine) of one device."""
        machine = state.machine
        # The collection time spreads over the hours before the last report; the device id
        # (random hex) gives each device its own offset.
        spread = int(state.profile.machine_id[:4], 16) / 0xFFFF
        collected = state.seen - int(spread * 5 * TICKS_PER_HOUR)
        collected = min(collected, self.world.now_ticks)
        calculated = min(collected + TICKS_PER_HOUR, self.world.now_ticks)
        for profile_index, results in self.assess(state):
            profile_id = self.profile_ids[profile_index]
            for control_index, compliant, value in results:
                control = BASELINE_CONTROLS[control_index]
                yield {
                    "id": f"{state.profile.machine_id}_{profile_id}_{control.id}",
                    "configurationId": control.id,
                    "profileId": profile_id,
                    "deviceId": state.profile.machine_id,
                    "deviceName": machine["computerDnsName"],
                    "osPlatform": machine["osPlatform"],
                    "osVersion": state.os_version,
                    "rbacGroupId": machine["rbacGroupId"],
                    "rbacGroupName": machine["rbacGroupName"],
                    "isApplicable": True,
                    "isCompliant": compliant,
                    "dataCollectionTimeOffset": iso_millis(fmt, collected),
                    "complianceCalculationTimeOffset": iso_millis(fmt, calculated),
                    "recommendedValue": [control.recommended],
                    "currentValue": [value],
                    "source": [control.source],
                }

    def profile_dicts(
        self, passed: dict[int, int], total: dict[int, int], fmt: TickFormatter
    ) -> list[WireDict]:
        """`GET /api/baselineProfiles` entities."""
        profiles = []
        for index, spec in enumerate(BASELINE_PROFILES):
            profiles.append(
                {
                    "id": self.profile_ids[index],
                    "name": spec.name,
                    "description": spec.description,
                    "benchmark": BENCHMARK,
                    "version": spec.benchmark_version.split("-", 1)[0],
                    "operatingSystem": spec.operating_system,
                    "operatingSystemVersion": spec.operating_system_version,
                    "status": True,
                    "complianceLevel": spec.compliance_level,
                    "settingsNumber": len(BASELINE_CONTROLS),
                    "createdBy": self._authors[index],
                    "lastUpdatedBy": self._editors[index],
                    "createdOnTimestampUTC": fmt.iso_seconds(self._created[index]),
                    "lastUpdateTimestampUTC": fmt.iso_seconds(self._updated[index]),
                    "passedDevices": passed.get(index, 0),
                    "totalDevices": total.get(index, 0),
                }
            )
        return profiles


def configuration_dicts() -> list[WireDict]:
    """`GET /api/baselineConfigurations`: every control of every benchmark in use."""
    configurations = []
    seen: set[str] = set()
    for spec in BASELINE_PROFILES:
        if spec.benchmark_version in seen:
            continue
        seen.add(spec.benchmark_version)
        levels = list(BASELINE_LEVELS[spec.compliance_level])
        for control in BASELINE_CONTROLS:
            configurations.append(
                {
                    "id": control.id,
                    "uniqueId": f"{BENCHMARK}_{spec.benchmark_version}_{control.id}",
                    "benchmarkName": BENCHMARK,
                    "benchmarkVersion": spec.benchmark_version,
                    "name": f"(L1) {control.name}",
                    "description": control.description,
                    "category": control.category,
                    "complianceLevels": levels,
                    "cce": control.cce,
                    "rationale": control.rationale,
                    "remediation": control.remediation,
                    "recommendedValue": [control.recommended],
                    "source": [control.source],
                    "isCustom": False,
                }
            )
    return configurations
