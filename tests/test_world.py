"""The synthetic world: deterministic, referentially whole, within documented enums,
valid against the wire models, and consistent in time."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.emulator.world import World, generate_world
from mdekit.emulator.world.evidence import EMPTY_EVIDENCE
from mdekit.emulator.world.ticks import TickFormatter, datetime_to_ticks, ticks_to_datetime
from mdekit.models import (
    ALERT_CATEGORIES,
    ALERT_SEVERITIES,
    ALERT_STATUSES,
    DETECTION_SOURCES,
    DETERMINATIONS_BY_CLASSIFICATION,
    DEVICE_VALUES,
    EVIDENCE_ENTITY_TYPES,
    EVIDENCE_KEYS,
    EXPOSURE_LEVELS,
    HEALTH_STATUSES,
    INVESTIGATION_STATES,
    ONBOARDING_STATUSES,
    OS_ARCHITECTURES,
    OS_PLATFORMS,
    RISK_SCORES,
    Alert,
    File,
    Investigation,
    Machine,
    User,
    as_utc,
)

TENANT = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
OTHER_TENANT = "0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

MACHINE_ID = re.compile(r"[0-9a-f]{40}")
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
EDR_ALERT_ID = re.compile(r"(da|ar)\d{18}_-?\d{1,10}")
AV_ALERT_ID = re.compile(r"da[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_1")
SID = re.compile(r"S-1-5-21-\d+-\d+-\d+-\d+")
WIRE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{7})?Z")
SEVERITY_RANK = {"Informational": 1, "Low": 2, "Medium": 3, "High": 4}


@cache
def world(tenant: str = TENANT, seed: int = 42, machines: int = 60, alerts: int = 400) -> World:
    return generate_world(tenant_id=tenant, seed=seed, now=NOW, machines=machines, alerts=alerts)


def wire(w: World) -> str:
    """Everything the world hands out, serialized as the API would."""
    parts = {
        "machines": w.machines,
        "users": w.users,
        "alerts": w.alerts,
        "files": w.files,
        "ips": w.ips,
        "domains": w.domains,
        "investigations": w.investigations,
        "profiles": [asdict(p) for p in w.machine_profiles],
    }
    return json.dumps(parts, sort_keys=False)


def when(text: str) -> datetime:
    assert WIRE_TIME.fullmatch(text), text
    return as_utc(datetime.fromisoformat(text[:26].rstrip("Z") + "+00:00"))


def test_same_inputs_give_byte_identical_output() -> None:
    first = generate_world(tenant_id=TENANT, seed=42, now=NOW, machines=40, alerts=200)
    second = generate_world(tenant_id=TENANT, seed=42, now=NOW, machines=40, alerts=200)
    assert wire(first) == wire(second)


def test_tenants_and_seeds_give_different_worlds() -> None:
    base = world()
    other_tenant = world(tenant=OTHER_TENANT)
    other_seed = world(seed=43)
    ids = {m["id"] for m in base.machines}
    assert ids.isdisjoint(m["id"] for m in other_tenant.machines)
    assert ids.isdisjoint(m["id"] for m in other_seed.machines)
    assert {a["id"] for a in base.alerts}.isdisjoint(a["id"] for a in other_tenant.alerts)


def test_string_seeds_work_and_are_deterministic() -> None:
    one = generate_world(tenant_id=TENANT, seed="demo", now=NOW, machines=5, alerts=10)
    two = generate_world(tenant_id=TENANT, seed="demo", now=NOW, machines=5, alerts=10)
    assert wire(one) == wire(two)


@pytest.mark.parametrize(("machines", "alerts", "users"), [(1, 0, None), (7, 3, 2), (120, 900, 50)])
def test_sizes_are_honoured(machines: int, alerts: int, users: int | None) -> None:
    w = generate_world(
        tenant_id=TENANT, seed=1, now=NOW, machines=machines, alerts=alerts, users=users
    )
    assert len(w.machines) == machines == len(w.machine_profiles)
    assert len(w.alerts) == alerts
    assert len(w.users) == (users if users is not None else max(3, round(machines * 0.9)))
    assert w.machine_actions == []


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match="machine"):
        generate_world(tenant_id=TENANT, seed=1, now=NOW, machines=0, alerts=5)
    with pytest.raises(ValueError, match="negative"):
        generate_world(tenant_id=TENANT, seed=1, now=NOW, machines=-1, alerts=0)


def test_every_reference_points_at_something_that_exists() -> None:
    w = world()
    machines = w.machine_by_id()
    users = {(u["accountName"], u["accountDomain"].upper()) for u in w.users}
    files = {f["sha1"]: f for f in w.files}
    ips = {i["ipAddress"] for i in w.ips}
    hosts = {d["host"] for d in w.domains}
    investigations = {i["id"]: i for i in w.investigations}
    alert_ids = {a["id"] for a in w.alerts}
    assert len(alert_ids) == len(w.alerts)
    for alert in w.alerts:
        machine = machines[alert["machineId"]]
        assert alert["computerDnsName"] == machine["computerDnsName"]
        assert alert["rbacGroupName"] == machine["rbacGroupName"]
        assert alert["aadTenantId"] == TENANT
        if alert["relatedUser"] is not None:
            related = alert["relatedUser"]
            assert (related["userName"], related["domainName"]) in users
        if alert["investigationId"] is not None:
            investigation = investigations[str(alert["investigationId"])]
            assert investigation["machineId"] == alert["machineId"]
            assert investigation["state"] == alert["investigationState"]
        for item in alert["evidence"]:
            if item["entityType"] in ("File", "Process"):
                assert files[item["sha1"]]["sha256"] == item["sha256"]
            if item["entityType"] == "Ip":
                assert item["ipAddress"] in ips
            if item["entityType"] == "Url":
                assert item["url"].split("/")[2] in hosts
            if item["entityType"] == "User":
                assert (item["accountName"], item["domainName"]) in users
    for investigation in w.investigations:
        assert investigation["triggeringAlertId"] in alert_ids
        assert investigation["machineId"] in machines
    for user in w.users:
        if user["mostPrevalentMachineId"] is not None:
            assert user["mostPrevalentMachineId"] in machines
            assert user["leastPrevalentMachineId"] in machines


def test_same_file_has_the_same_hashes_everywhere() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for w in (world(), world(tenant=OTHER_TENANT)):
        for alert in w.alerts:
            for item in alert["evidence"]:
                if item["sha1"] is None:
                    continue
                # Per-user folders differ; the file (name in its system folder) does not.
                folder = re.sub(r"(?i)(Users[\\/])[^\\/]+", r"\1*", item["filePath"])
                key = f"{folder}|{item['fileName']}"
                pair = (item["sha1"], item["sha256"])
                assert seen.setdefault(key, pair) == pair, key
        for key, facts in w.file_facts.items():
            assert len(facts.sha1) == 40, key
            assert len(facts.sha256) == 64, key
            assert len(facts.md5) == 32, key
    assert len({sha1 for sha1, _ in seen.values()}) == len(seen)


def test_enum_values_stay_within_documented_sets() -> None:
    w = world()
    for machine in w.machines:
        assert machine["healthStatus"] in HEALTH_STATUSES
        assert machine["riskScore"] in RISK_SCORES
        assert machine["exposureLevel"] in EXPOSURE_LEVELS
        assert machine["deviceValue"] in DEVICE_VALUES
        assert machine["onboardingStatus"] in ONBOARDING_STATUSES
        assert machine["osPlatform"] in OS_PLATFORMS
        assert machine["osArchitecture"] in OS_ARCHITECTURES
    for alert in w.alerts:
        assert alert["status"] in ALERT_STATUSES
        assert alert["severity"] in ALERT_SEVERITIES
        assert alert["category"] in ALERT_CATEGORIES
        assert alert["detectionSource"] in DETECTION_SOURCES
        assert alert["investigationState"] in INVESTIGATION_STATES
        assert all(re.fullmatch(r"T\d{4}(\.\d{3})?", t) for t in alert["mitreTechniques"])
        for item in alert["evidence"]:
            assert item["entityType"] in EVIDENCE_ENTITY_TYPES
    for investigation in w.investigations:
        assert investigation["state"] in INVESTIGATION_STATES


def test_triage_is_consistent() -> None:
    w = world()
    statuses = {a["status"] for a in w.alerts}
    assert {"New", "InProgress", "Resolved"} <= statuses
    for alert in w.alerts:
        classification, determination = alert["classification"], alert["determination"]
        assert (classification is None) == (determination is None)
        if classification is not None:
            assert determination in DETERMINATIONS_BY_CLASSIFICATION[classification]
        if alert["status"] == "Resolved":
            assert classification is not None
            assert alert["resolvedTime"] is not None
            assert alert["assignedTo"] is not None
        else:
            assert alert["resolvedTime"] is None
        if alert["status"] == "New":
            assert alert["assignedTo"] is None
            assert alert["comments"] == []


def test_machine_risk_follows_worst_open_alert() -> None:
    w = world()
    worst: dict[str, int] = {}
    for alert in w.alerts:
        if alert["status"] != "Resolved":
            rank = SEVERITY_RANK[alert["severity"]]
            worst[alert["machineId"]] = max(worst.get(alert["machineId"], 0), rank)
    names = ("None", "Informational", "Low", "Medium", "High")
    for machine in w.machines:
        assert machine["riskScore"] == names[worst.get(machine["id"], 0)]


def test_identifier_formats() -> None:
    w = world()
    for machine in w.machines:
        assert MACHINE_ID.fullmatch(machine["id"])
        assert machine["computerDnsName"].endswith(".contoso.com")
        assert machine["aadDeviceId"] is None or GUID.fullmatch(machine["aadDeviceId"])
        assert isinstance(machine["rbacGroupId"], int)
        assert machine["lastIpAddress"].startswith("10.")
        assert all(
            i["macAddress"] is None or re.fullmatch(r"[0-9A-F]{12}", i["macAddress"])
            for i in machine["ipAddresses"]
        )
    assert len({m["lastIpAddress"] for m in w.machines}) == len(w.machines)
    assert len({m["computerDnsName"] for m in w.machines}) == len(w.machines)
    for alert in w.alerts:
        pattern = AV_ALERT_ID if alert["detectionSource"] == "WindowsDefenderAv" else EDR_ALERT_ID
        assert pattern.fullmatch(alert["id"]), alert["id"]
        assert GUID.fullmatch(alert["detectorId"])
        if EDR_ALERT_ID.fullmatch(alert["id"]):
            id_ticks = int(alert["id"][2:20])
            created = datetime_to_ticks(when(alert["alertCreationTime"]))
            assert abs(id_ticks - created) < 10_000_000
    for user in w.users:
        assert SID.fullmatch(user["accountSid"])
        assert user["id"] == f"contoso\\{user['accountName']}"


def test_times_are_ordered_and_not_in_the_future() -> None:
    w = world()
    machines = w.machine_by_id()
    for machine in w.machines:
        assert when(machine["firstSeen"]) <= when(machine["lastSeen"]) <= NOW
    for alert in w.alerts:
        created = when(alert["alertCreationTime"])
        updated = when(alert["lastUpdateTime"])
        assert when(alert["firstEventTime"]) <= when(alert["lastEventTime"]) <= created
        assert created <= updated <= NOW
        assert when(machines[alert["machineId"]]["firstSeen"]) <= when(alert["firstEventTime"])
        if alert["resolvedTime"] is not None:
            assert created <= when(alert["resolvedTime"]) <= updated
        for comment in alert["comments"]:
            assert created <= when(comment["createdTime"]) <= updated
        for item in alert["evidence"]:
            assert created <= when(item["evidenceCreationTime"]) <= NOW
            if item["processCreationTime"] is not None:
                assert when(item["parentProcessCreationTime"]) <= when(item["processCreationTime"])
    for investigation in w.investigations:
        start = when(investigation["startTime"])
        assert start <= NOW
        if investigation["endTime"] is not None:
            assert start <= when(investigation["endTime"]) <= NOW


def test_evidence_has_every_key_in_the_service_order() -> None:
    assert tuple(EMPTY_EVIDENCE) == EVIDENCE_KEYS
    for alert in world().alerts:
        assert alert["evidence"], alert["title"]
        for item in alert["evidence"]:
            assert tuple(item) == EVIDENCE_KEYS


def test_everything_validates_against_the_wire_models() -> None:
    w = world(machines=30, alerts=150)
    for machine in w.machines:
        assert Machine.model_validate(machine).id == machine["id"]
    for alert in w.alerts:
        parsed = Alert.model_validate(alert)
        assert (
            parsed.model_dump(by_alias=True, exclude_unset=True, mode="json")["id"] == alert["id"]
        )
        assert len(parsed.evidence) == len(alert["evidence"])
    for user in w.users:
        User.model_validate(user)
    for file in w.files:
        File.model_validate(file)
    for investigation in w.investigations:
        Investigation.model_validate(investigation)


def test_stories_match_their_titles() -> None:
    for alert in world().alerts:
        names = {item["fileName"] for item in alert["evidence"] if item["fileName"]}
        if alert["title"] == "Mimikatz credential theft tool":
            assert "mimikatz.exe" in names
            assert alert["category"] == "CredentialAccess"
            assert "T1003" in alert["mitreTechniques"]
        if alert["title"] == "Suspicious PowerShell command line":
            assert "powershell.exe" in names
            assert alert["mitreTechniques"][0] == "T1059.001"
        if alert["detectionSource"] == "WindowsDefenderAv":
            assert alert["threatName"] is not None
            assert alert["threatFamilyName"] in alert["threatName"]


def test_tick_formatter_matches_the_model_parser() -> None:
    moment = datetime(2021, 1, 26, 20, 33, 57, 722023, tzinfo=UTC)
    ticks = datetime_to_ticks(moment) + 9
    fmt = TickFormatter()
    assert fmt.iso(ticks) == "2021-01-26T20:33:57.7220239Z"
    assert fmt.iso_seconds(ticks) == "2021-01-26T20:33:57Z"
    assert fmt.export(ticks) == "2021-01-26 20:33:57.722"
    assert ticks_to_datetime(ticks) == moment
    assert (
        Alert.model_validate({"id": "x", "alertCreationTime": fmt.iso(ticks)}).alert_creation_time
        == moment
    )


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    machines=st.integers(min_value=1, max_value=15),
    alerts=st.integers(min_value=0, max_value=40),
)
def test_invariants_hold_for_any_small_world(seed: int, machines: int, alerts: int) -> None:
    w = generate_world(tenant_id=TENANT, seed=seed, now=NOW, machines=machines, alerts=alerts)
    ids = w.machine_by_id()
    assert len(ids) == machines
    for alert in w.alerts:
        assert alert["machineId"] in ids
        assert when(alert["alertCreationTime"]) <= when(alert["lastUpdateTime"]) <= NOW
    file_hashes: dict[str, Any] = {f["sha1"]: f for f in w.files}
    for alert in w.alerts:
        for item in alert["evidence"]:
            if item["sha1"]:
                assert item["sha1"] in file_hashes
