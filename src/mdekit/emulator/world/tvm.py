"""`generate_tvm(world) -> Tvm`: vulnerability management, device health and scans.

The organisation-level entities (software, vulnerabilities, recommendations,
remediation tasks, scores, baseline profiles and configurations, scan agents and
definitions) are built once and kept as wire dicts; they are small. Everything per
device (inventory rows, vulnerability rows, AV health, the assessment exports) is
derived from each device's seeded state when asked for, as lists for one device or as
generators over all devices. Same world in, same bytes out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from mdekit.emulator.world.av_health import av_health_row
from mdekit.emulator.world.baselines import BaselineAssessor, configuration_dicts
from mdekit.emulator.world.catalog_assets import PERMISSIONS
from mdekit.emulator.world.catalog_configs import SECURE_CONFIGS
from mdekit.emulator.world.exports import (
    ExportContext,
    machine_vulnerabilities_of,
    machine_vulnerability_dtos,
    non_cpe_rows,
    secure_configuration_rows,
    software_inventory_rows,
    software_vulnerability_rows,
    vulnerability_change_rows,
)
from mdekit.emulator.world.exports_assets import (
    browser_extension_rows,
    certificate_rows,
    hardware_rows,
)
from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.inventory import InventoryBuilder, MachineState
from mdekit.emulator.world.model import WireDict, World
from mdekit.emulator.world.remediation import build_tasks
from mdekit.emulator.world.scans import build_scans, history_by_definition
from mdekit.emulator.world.ticks import TICKS_PER_MINUTE, TickFormatter, datetime_to_ticks
from mdekit.emulator.world.tvm_aggregate import aggregate
from mdekit.emulator.world.tvm_catalogue import Catalogue
from mdekit.emulator.world.tvm_entities import (
    config_recommendation,
    configuration_points,
    distribution_dicts,
    kb_dict,
    mark_exceptions,
    product_cves,
    software_dict,
    software_recommendation,
    vulnerability_dict,
)


@dataclass(frozen=True)
class CachedExportContext(ExportContext):
    """An export context over states computed in advance."""

    cached: list[MachineState]

    def states(self) -> Iterator[MachineState]:
        return iter(self.cached)


def generate_tvm(world: World) -> Tvm:
    """The vulnerability-management side of `world` (about a second per 10,000 devices)."""
    return Tvm(world)


class Tvm:
    """TVM entities, device health, authenticated scans and export rows of one world.

    Lookups return None for an unknown id (the caller answers 404) and a list, maybe
    empty, otherwise."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.fmt = TickFormatter()
        self.catalogue = Catalogue(world.now_ticks)
        self._builder = InventoryBuilder(world, self.catalogue)
        self._baselines = BaselineAssessor(world)
        self._ctx = ExportContext(world, self.catalogue, self._builder, self.fmt)
        self._machine_index = {m["id"]: i for i, m in enumerate(world.machines)}
        open_alerts = {
            self._machine_index[a["machineId"]]
            for a in world.alerts
            if a["status"] != "Resolved" and a["machineId"] in self._machine_index
        }
        sums = aggregate(self._builder, self._baselines, open_alerts)
        self._sums = sums
        rng = section_rng(world.seed, world.tenant_id, "tvm-entities")
        catalogue, fmt, now = self.catalogue, self.fmt, world.now_ticks

        installed = sorted(sums.products, key=lambda p: catalogue.products[p].id)
        installed = [p for p in installed if sums.products[p].installed]
        self.software: list[WireDict] = [software_dict(catalogue, sums, p) for p in installed]
        self._software = {s["id"]: p for s, p in zip(self.software, installed, strict=True)}
        self._software_dicts = {s["id"]: s for s in self.software}
        self.vulnerabilities: list[WireDict] = [
            vulnerability_dict(catalogue, sums, i, now, fmt) for i in range(len(catalogue.cves))
        ]
        recommendations = [
            software_recommendation(catalogue, sums, p, now)
            for p in installed
            if sums.products[p].exposed
        ] + [
            config_recommendation(catalogue, sums, c)
            for c in sorted(sums.configs)
            if sums.configs[c].exposed
        ]
        recommendations.sort(key=lambda r: (-r["exposureImpact"], -r["configScoreImpact"], r["id"]))
        mark_exceptions(rng, recommendations)
        self.recommendations: list[WireDict] = recommendations
        self._recommendations = {r["id"]: r for r in recommendations}
        tasks = build_tasks(rng, world, recommendations, self._groups_by_recommendation(), fmt)
        self.remediation_tasks: list[WireDict] = [t.record for t in tasks]
        self._task_recommendation = {t.record["id"]: t.recommendation_id for t in tasks}

        scored = now - int(rng.random() * 50 * TICKS_PER_MINUTE)
        exposures = sums.machine_exposure
        self.exposure_score: WireDict = {
            "time": fmt.iso(scored),
            "score": sum(exposures) / len(exposures) if exposures else 0.0,
        }
        self.configuration_score: WireDict = {
            "time": fmt.iso(scored),
            "score": configuration_points(sums),
        }
        self.exposure_scores_by_machine_group: list[WireDict] = self._group_scores(scored)
        self.baseline_profiles: list[WireDict] = self._baselines.profile_dicts(
            sums.baseline_passed, sums.baseline_total, fmt
        )
        self.baseline_configurations: list[WireDict] = configuration_dicts()
        self.browser_extension_permissions: list[WireDict] = [
            {"key": key, "permissionName": name, "description": description}
            for key, name, description, _ in PERMISSIONS
        ]
        self._scans = build_scans(world, fmt)
        self.scan_agents: list[WireDict] = self._scans.agents
        self.scan_definitions: list[WireDict] = self._scans.definitions
        self.scan_sessions: list[WireDict] = self._scans.sessions

    def _groups_by_recommendation(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for product, stats in self._sums.products.items():
            p = self.catalogue.products[product]
            groups[f"va-_-{p.vendor}-_-{p.name}"] = sorted(stats.groups)
        for config, cstats in self._sums.configs.items():
            groups[f"sca-_-{SECURE_CONFIGS[config].scid}"] = sorted(cstats.groups)
        return groups

    def _group_scores(self, scored: int) -> list[WireDict]:
        totals: dict[str, list[float]] = {}
        for machine, exposure in zip(self.world.machines, self._sums.machine_exposure, strict=True):
            totals.setdefault(str(machine["rbacGroupName"]), []).append(exposure)
        return [
            {"time": self.fmt.iso(scored), "score": sum(v) / len(v), "rbacGroupName": name}
            for name, v in sorted(totals.items())
        ]

    def export_context(self) -> ExportContext:
        """A context whose device states are computed once and kept, for several exports
        over the same devices in one go (the hunting tables); memory grows with devices."""
        states = [self._builder.state(index) for index in range(len(self.world.machines))]
        return CachedExportContext(self.world, self.catalogue, self._builder, self.fmt, states)

    # Devices -------------------------------------------------------------------------

    def machine_state(self, machine_id: str) -> MachineState | None:
        """The derived TVM state of a device (installs, OS version, AV, configurations)."""
        index = self._machine_index.get(machine_id)
        return None if index is None else self._builder.state(index)

    def machine_ref(self, index: int) -> WireDict:
        """MachineRef (`.../machineReferences`) of the device at `index`."""
        m = self.world.machines[index]
        return {
            "id": m["id"],
            "computerDnsName": m["computerDnsName"],
            "osPlatform": m["osPlatform"],
            "rbacGroupName": m["rbacGroupName"],
        }

    def machine_software(self, machine_id: str) -> list[WireDict] | None:
        """`GET /api/machines/{id}/software`."""
        state = self.machine_state(machine_id)
        if state is None:
            return None
        ids = {self.catalogue.products[i.product].id for i in state.installs}
        return [s for s in self.software if s["id"] in ids]

    def machine_vulnerabilities(self, machine_id: str) -> list[WireDict] | None:
        """`GET /api/machines/{id}/vulnerabilities`: the device's distinct CVEs."""
        state = self.machine_state(machine_id)
        if state is None:
            return None
        cves = {cve for _, cve, _ in self._builder.vulnerabilities(state)}
        return [self.vulnerabilities[i] for i in sorted(cves)]

    def machine_vulnerability_dtos(self, machine_id: str) -> list[WireDict] | None:
        """The device's `machinesVulnerabilities` items."""
        state = self.machine_state(machine_id)
        return None if state is None else list(machine_vulnerabilities_of(self._ctx, state))

    def machine_recommendations(self, machine_id: str) -> list[WireDict] | None:
        """`GET /api/machines/{id}/recommendations`: those the device is exposed to."""
        state = self.machine_state(machine_id)
        if state is None:
            return None
        wanted = set()
        for install, _, _ in self._builder.vulnerabilities(state):
            product = self.catalogue.products[install.product]
            wanted.add(f"va-_-{product.vendor}-_-{product.name}")
        for config, applicable, compliant in state.sca:
            if applicable and not compliant:
                wanted.add(f"sca-_-{SECURE_CONFIGS[config].scid}")
        return [r for r in self.recommendations if r["id"] in wanted]

    def machine_missing_kbs(self, machine_id: str) -> list[WireDict] | None:
        """`GET /api/machines/{id}/getmissingkbs`."""
        state = self.machine_state(machine_id)
        if state is None:
            return None
        kbs = sorted({fix.kb for _, _, fix in self._builder.vulnerabilities(state) if fix.kb})
        return [kb_dict(self.catalogue, self._sums, self.catalogue.kbs[kb]) for kb in kbs]

    def av_health(self, machine_id: str) -> WireDict | None:
        """The device's AV health row; None for unknown and non-Windows devices."""
        state = self.machine_state(machine_id)
        if state is None or state.av is None:
            return None
        return av_health_row(self.world, state, self.fmt)

    # Software, vulnerabilities, recommendations ----------------------------------------

    def software_by_id(self, software_id: str) -> WireDict | None:
        return self._software_dicts.get(software_id)

    def software_distributions(self, software_id: str) -> list[WireDict] | None:
        product = self._software.get(software_id)
        return None if product is None else distribution_dicts(self.catalogue, self._sums, product)

    def software_vulnerabilities(self, software_id: str) -> list[WireDict] | None:
        product = self._software.get(software_id)
        if product is None:
            return None
        return [self.vulnerabilities[c] for c in product_cves(self.catalogue, self._sums, product)]

    def software_missing_kbs(self, software_id: str) -> list[WireDict] | None:
        product = self._software.get(software_id)
        if product is None:
            return None
        return [
            kb_dict(self.catalogue, self._sums, kb)
            for kb in sorted(self.catalogue.kbs.values(), key=lambda k: k.id)
            if product in kb.products and self._sums.kb_missing.get(kb.id)
        ]

    def software_machine_refs(self, software_id: str) -> list[WireDict] | None:
        """Devices that have the product installed, any version."""
        product = self._software.get(software_id)
        if product is None:
            return None
        indexes = sorted(
            i for (p, _), machines in self._sums.installs.items() if p == product for i in machines
        )
        return [self.machine_ref(i) for i in indexes]

    def vulnerability(self, cve_id: str) -> WireDict | None:
        index = self.catalogue.cve_index.get(cve_id)
        return None if index is None else self.vulnerabilities[index]

    def vulnerability_machine_refs(self, cve_id: str) -> list[WireDict] | None:
        """Devices exposed to the CVE through any product version."""
        cve = self.catalogue.cve_index.get(cve_id)
        if cve is None:
            return None
        indexes: set[int] = set()
        for (product, release), machines in self._sums.installs.items():
            if any(c == cve for c, _ in self.catalogue.vulnerable[product][release]):
                indexes.update(machines)
        return [self.machine_ref(i) for i in sorted(indexes)]

    def recommendation(self, recommendation_id: str) -> WireDict | None:
        return self._recommendations.get(recommendation_id)

    def recommendation_software(self, recommendation_id: str) -> WireDict | None:
        """The recommendation's product (for a configuration: the OS it is mostly on)."""
        rec = self._recommendations.get(recommendation_id)
        if rec is None:
            return None
        return self.software_by_id(f"{rec['vendor']}-_-{rec['productName']}")

    def recommendation_machine_refs(self, recommendation_id: str) -> list[WireDict] | None:
        rec = self._recommendations.get(recommendation_id)
        if rec is None:
            return None
        if recommendation_id.startswith("va-"):
            product = self._software[f"{rec['vendor']}-_-{rec['productName']}"]
            indexes = list(self._sums.products[product].exposed_machines)
        else:
            scid = recommendation_id.removeprefix("sca-_-")
            config = next(i for i, c in enumerate(SECURE_CONFIGS) if c.scid == scid)
            indexes = list(self._sums.configs[config].exposed_machines)
        return [self.machine_ref(i) for i in indexes]

    def recommendation_vulnerabilities(self, recommendation_id: str) -> list[WireDict] | None:
        rec = self._recommendations.get(recommendation_id)
        if rec is None:
            return None
        if not recommendation_id.startswith("va-"):
            return []
        return self.software_vulnerabilities(f"{rec['vendor']}-_-{rec['productName']}")

    def remediation_task(self, task_id: str) -> WireDict | None:
        return next((t for t in self.remediation_tasks if t["id"] == task_id), None)

    def remediation_task_machine_refs(self, task_id: str) -> list[WireDict] | None:
        """The exposed devices of the task's recommendation, in the task's device groups."""
        task = self.remediation_task(task_id)
        if task is None:
            return None
        refs = self.recommendation_machine_refs(self._task_recommendation[task_id]) or []
        groups = set(task["rbacGroupNames"])
        return [ref for ref in refs if ref["rbacGroupName"] in groups]

    # Scans ------------------------------------------------------------------------------

    def scan_history_by_definition(self, definition_ids: list[str]) -> list[WireDict]:
        return history_by_definition(self._scans, definition_ids)

    def scan_history_by_session(self, session_ids: list[str]) -> list[WireDict]:
        wanted = set(session_ids)
        return [s for s in self.scan_sessions if s["SessionIds"] in wanted]

    # Row generators (lazy, device by device) --------------------------------------------

    def machine_vulnerability_rows(self) -> Iterator[WireDict]:
        """`GET /api/vulnerabilities/machinesVulnerabilities` (PublicAssetVulnerabilityDto)."""
        return machine_vulnerability_dtos(self._ctx)

    def av_health_rows(self) -> Iterator[WireDict]:
        """`GET /api/deviceavinfo`: one row per Windows device."""
        for state in self._ctx.states():
            if state.av is not None:
                yield av_health_row(self.world, state, self.fmt)

    def export_secure_configurations(self) -> Iterator[WireDict]:
        return secure_configuration_rows(self._ctx)

    def export_software_inventory(self) -> Iterator[WireDict]:
        return software_inventory_rows(self._ctx)

    def export_non_cpe_software(self) -> Iterator[WireDict]:
        return non_cpe_rows(self._ctx)

    def export_software_vulnerabilities(self) -> Iterator[WireDict]:
        return software_vulnerability_rows(self._ctx)

    def export_software_vulnerability_changes(self, since: datetime) -> Iterator[WireDict]:
        """Delta rows since `since` (naive = UTC); older than 14 days is clamped to 14."""
        return vulnerability_change_rows(self._ctx, datetime_to_ticks(since))

    def export_browser_extensions(self) -> Iterator[WireDict]:
        return browser_extension_rows(self._ctx)

    def export_certificates(self) -> Iterator[WireDict]:
        return certificate_rows(self._ctx)

    def export_hardware_firmware(self) -> Iterator[WireDict]:
        return hardware_rows(self._ctx)

    def baseline_rows(self, state: MachineState) -> Iterator[WireDict]:
        """Baseline compliance export rows of one device."""
        return self._baselines.rows(state, self.fmt)

    def export_baseline_compliance(self) -> Iterator[WireDict]:
        for state in self._ctx.states():
            yield from self._baselines.rows(state, self.fmt)
