"""Alerts: when and where they fire, how incidents and investigations group them, and
how far triage got (status, classification, determination, comments).

Alerts are drawn first as (time, device, scenario) and then built in time order, so
incident and investigation numbers grow with time as in a real tenant."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field

from mdekit.emulator.world.catalog_hosts import ANALYSTS
from mdekit.emulator.world.catalog_threats import (
    ANALYST_COMMENTS,
    AV,
    SCENARIOS_BY_FAMILY,
    Scenario,
)
from mdekit.emulator.world.evidence import EvidenceBuilder
from mdekit.emulator.world.ids import av_alert_id, edr_alert_id, stable_guid
from mdekit.emulator.world.model import MachineProfile, UserProfile, WireDict
from mdekit.emulator.world.ticks import (
    TICKS_PER_DAY,
    TICKS_PER_HOUR,
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
    TickFormatter,
)

RETENTION_TICKS = 30 * TICKS_PER_DAY
"""Alerts fall within the last 30 days, the window advanced hunting covers too."""
INCIDENT_JOIN_TICKS = 12 * TICKS_PER_HOUR
SEVERITY_RANK = {"UnSpecified": 0, "Informational": 1, "Low": 2, "Medium": 3, "High": 4}
RUNNING_STATES = (("Running", 5), ("Queued", 2), ("PendingApproval", 3))
FINISHED_STATES = (
    ("SuccessfullyRemediated", 45),
    ("Benign", 20),
    ("PartiallyRemediated", 8),
    ("PartiallyInvestigated", 10),
    ("TerminatedBySystem", 6),
    ("TerminatedByUser", 5),
    ("Failed", 6),
)
AUTO_RESOLVING_STATES = frozenset({"SuccessfullyRemediated", "Benign"})


@dataclass
class _Investigation:
    number: int
    state: str
    record: WireDict


@dataclass
class _DeviceThread:
    """The latest incident on a device, so close-in-time alerts join it."""

    incident: int
    last_ticks: int
    investigation: _Investigation | None = None


@dataclass
class AlertSet:
    """Built alerts, their investigations, and per-device worst open severity."""

    alerts: list[WireDict] = field(default_factory=list)
    investigations: list[WireDict] = field(default_factory=list)
    open_severity: dict[int, int] = field(default_factory=dict)


class AlertBuilder:
    """Builds a tenant's alerts from device profiles and the scenario catalog."""

    def __init__(
        self,
        rng: random.Random,
        fmt: TickFormatter,
        tenant_id: str,
        domain: str,
        now_ticks: int,
        machines: list[MachineProfile],
        users: list[UserProfile],
        evidence: EvidenceBuilder,
    ) -> None:
        self._rng = rng
        self._fmt = fmt
        self._tenant = tenant_id
        self._now = now_ticks
        self._machines = machines
        self._users = users
        self._evidence = evidence
        self._analysts = [f"{name}@{domain}" for name in ANALYSTS]
        self._detectors = {
            s.key: stable_guid(f"detector|{s.key}")
            for scenarios in SCENARIOS_BY_FAMILY.values()
            for s in scenarios
        }
        self._cumulative = {
            family: list(itertools.accumulate(s.weight for s in scenarios))
            for family, scenarios in SCENARIOS_BY_FAMILY.items()
        }

    def build(self, count: int) -> AlertSet:
        """`count` alerts spread over the devices' active time in the last 30 days."""
        result = AlertSet()
        if count <= 0 or not self._machines:
            return result
        rng = self._rng
        # A few devices collect many alerts, as in real tenants (capped so that one
        # device does not take a tenth of them).
        weights = list(
            itertools.accumulate(min(rng.paretovariate(1.4), 25.0) for _ in self._machines)
        )
        picks = rng.choices(range(len(self._machines)), cum_weights=weights, k=count)
        drawn = [(self._creation_time(self._machines[i]), i, self._scenario(i)) for i in picks]
        drawn.sort(key=lambda item: (item[0], item[1]))
        threads: dict[int, _DeviceThread] = {}
        incident = 1000 + rng.randrange(50_000)
        investigation = 1 + rng.randrange(5_000)
        for created, machine_index, scenario in drawn:
            thread = threads.get(machine_index)
            if (
                thread is None
                or created - thread.last_ticks > INCIDENT_JOIN_TICKS
                or (rng.random() < 0.25)
            ):
                incident += 1 + int(rng.random() * 3)
                thread = _DeviceThread(incident, created)
                threads[machine_index] = thread
            thread.last_ticks = created
            machine = self._machines[machine_index]
            if thread.investigation is None and self._investigated(scenario, machine):
                investigation += 1 + int(rng.random() * 2)
                thread.investigation = self._new_investigation(investigation, created, machine)
                result.investigations.append(thread.investigation.record)
            alert = self._alert(created, machine, scenario, thread)
            if (
                thread.investigation is not None
                and thread.investigation.record["triggeringAlertId"] is None
            ):
                thread.investigation.record["triggeringAlertId"] = alert["id"]
            if alert["status"] != "Resolved":
                rank = SEVERITY_RANK[alert["severity"]]
                if rank > result.open_severity.get(machine_index, 0):
                    result.open_severity[machine_index] = rank
            result.alerts.append(alert)
        return result

    def _creation_time(self, machine: MachineProfile) -> int:
        start = max(machine.first_seen_ticks + TICKS_PER_HOUR, self._now - RETENTION_TICKS)
        # Two minutes of head room keep every derived time (evidence, updates) <= now.
        end = min(machine.active_until_ticks, self._now - 2 * TICKS_PER_MINUTE)
        if end <= start:
            start = end - TICKS_PER_MINUTE
        return start + int(self._rng.random() * (end - start))

    def _scenario(self, machine_index: int) -> Scenario:
        family = self._machines[machine_index].family
        cumulative = self._cumulative[family]
        point = self._rng.random() * cumulative[-1]
        return SCENARIOS_BY_FAMILY[family][bisect.bisect_right(cumulative, point)]

    def _investigated(self, scenario: Scenario, machine: MachineProfile) -> bool:
        if machine.family != "windows" or scenario.detection_source == "CustomerTI":
            return False
        return self._rng.random() < 0.55

    def _new_investigation(
        self, number: int, created: int, machine: MachineProfile
    ) -> _Investigation:
        rng, fmt = self._rng, self._fmt
        start = created + int((5 + rng.random() * 120) * TICKS_PER_SECOND)
        start = min(start, self._now)
        if self._now - start < 3 * TICKS_PER_HOUR:
            state = _weighted(rng, RUNNING_STATES)
        else:
            state = _weighted(rng, FINISHED_STATES)
        end = None
        if state not in ("Running", "Queued", "PendingApproval"):
            end = min(self._now, start + int((3 + rng.random() * 90) * TICKS_PER_MINUTE))
        cancelled_by = None
        if state == "TerminatedByUser":
            cancelled_by = self._analysts[int(rng.random() * len(self._analysts))]
        record: WireDict = {
            "id": str(number),
            "startTime": fmt.iso(start),
            "endTime": fmt.iso(end) if end is not None else None,
            "state": state,
            "cancelledBy": cancelled_by,
            "statusDetails": None,
            "machineId": machine.machine_id,
            "computerDnsName": machine.dns_name,
            "triggeringAlertId": None,
        }
        return _Investigation(number, state, record)

    def _alert(
        self, created: int, machine: MachineProfile, scenario: Scenario, thread: _DeviceThread
    ) -> WireDict:
        rng, fmt = self._rng, self._fmt
        latency = int((20 + rng.random() * 900) * TICKS_PER_SECOND)
        first_event = created - latency
        last_event = first_event + int(rng.random() * latency)
        user_index = machine.user_indices[0] if machine.user_indices else None
        if len(machine.user_indices) > 1 and rng.random() < 0.2:
            user_index = machine.user_indices[1]
        user = self._users[user_index] if user_index is not None else None
        story = self._evidence.build(scenario, machine, user, first_event, created)
        inv = thread.investigation
        state = inv.state if inv is not None else None
        if state is None:
            state = "UnsupportedOs" if machine.family != "windows" else "UnsupportedAlertType"
        triage = self._triage(created, scenario, state if inv is not None else None)
        status, classification, determination, assigned, resolved, updated = triage
        alert_id = (
            av_alert_id(rng) if scenario.detection_source == AV else edr_alert_id(rng, created)
        )
        netbios = user.netbios_domain if user is not None else None
        return {
            "id": alert_id,
            "incidentId": thread.incident,
            "investigationId": inv.number if inv is not None else None,
            "assignedTo": assigned,
            "severity": scenario.severity,
            "status": status,
            "classification": classification,
            "determination": determination,
            "investigationState": state,
            "detectionSource": scenario.detection_source,
            "detectorId": self._detectors[scenario.key],
            "category": scenario.category,
            "threatFamilyName": scenario.threat_family,
            "title": scenario.title,
            "description": scenario.description,
            "alertCreationTime": fmt.iso(created),
            "firstEventTime": fmt.iso(first_event),
            "lastEventTime": fmt.iso(last_event),
            "lastUpdateTime": fmt.iso(updated),
            "resolvedTime": fmt.iso(resolved) if resolved is not None else None,
            "machineId": machine.machine_id,
            "computerDnsName": machine.dns_name,
            "rbacGroupName": machine.rbac_group_name,
            "aadTenantId": self._tenant,
            "threatName": scenario.threat_name,
            "mitreTechniques": list(scenario.mitre),
            "relatedUser": (
                {"userName": user.account_name, "domainName": netbios}
                if user is not None and scenario.has_user
                else None
            ),
            "loggedOnUsers": (
                [{"accountName": user.account_name, "domainName": netbios}] if user else []
            ),
            "comments": self._comments(status, created, updated, assigned),
            "evidence": story.evidence,
        }

    def _triage(
        self, created: int, scenario: Scenario, investigation_state: str | None
    ) -> tuple[str, str | None, str | None, str | None, int | None, int]:
        """Status, classification, determination, assignee, resolved and last-update time."""
        rng, now = self._rng, self._now
        age_days = (now - created) / TICKS_PER_DAY
        roll = rng.random()
        analyst = self._analysts[int(rng.random() * len(self._analysts))]
        if investigation_state in AUTO_RESOLVING_STATES and age_days > 0.2:
            resolved = created + int((10 + rng.random() * 80) * TICKS_PER_MINUTE)
            resolved = max(created, min(resolved, now - TICKS_PER_SECOND))
            if investigation_state == "Benign":
                classification, determination = "FalsePositive", "Clean"
            else:
                classification, determination = "TruePositive", scenario.determinations[0]
            updated = resolved + int(rng.random() * 0.5 * TICKS_PER_SECOND)
            return "Resolved", classification, determination, "Automation", resolved, updated
        if roll < min(0.6, 0.05 + age_days * 0.04):
            resolved = created + int(rng.random() * (now - created) * 0.8) + TICKS_PER_MINUTE
            resolved = max(created, min(resolved, now - TICKS_PER_SECOND))
            classification, determination = self._verdict(scenario)
            updated = resolved + int(rng.random() * 0.5 * TICKS_PER_SECOND)
            return "Resolved", classification, determination, analyst, resolved, updated
        if roll < min(0.75, 0.15 + age_days * 0.045):
            updated = created + int(rng.random() * (now - created))
            if rng.random() < 0.3:
                classification, determination = "TruePositive", rng.choice(scenario.determinations)
                return "InProgress", classification, determination, analyst, None, updated
            return "InProgress", None, None, analyst, None, updated
        updated = min(now, created + int((0.5 + rng.random() * 90) * TICKS_PER_SECOND))
        return "New", None, None, None, None, updated

    def _verdict(self, scenario: Scenario) -> tuple[str, str]:
        roll = self._rng.random()
        if scenario.benign is not None and roll < 0.3:
            return "InformationalExpectedActivity", scenario.benign
        if roll < 0.82:
            return "TruePositive", self._rng.choice(scenario.determinations)
        return "FalsePositive", self._rng.choice(("Clean", "InsufficientData", "Other"))

    def _comments(
        self, status: str, created: int, updated: int, assigned: str | None
    ) -> list[WireDict]:
        rng = self._rng
        if status == "New" or assigned is None or assigned == "Automation":
            return []
        roll = rng.random()
        count = 2 if roll < 0.15 else 1 if roll < 0.55 else 0
        times = sorted(created + int(rng.random() * (updated - created)) for _ in range(count))
        return [
            {
                "comment": ANALYST_COMMENTS[int(rng.random() * len(ANALYST_COMMENTS))],
                "createdBy": assigned,
                "createdTime": self._fmt.iso(moment),
            }
            for moment in times
        ]


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    total = sum(weight for _, weight in table)
    point = rng.random() * total
    for value, weight in table:
        point -= weight
        if point < 0:
            return value
    return table[-1][0]
