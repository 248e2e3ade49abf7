"""generate_tvm: organisation-level TVM entities, their consistency with each device's
installed software, the documented enums, and validity against the wire models."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.emulator.world import Tvm, World, generate_tvm, generate_world
from mdekit.emulator.world.catalog_cves import CVES
from mdekit.emulator.world.catalog_software import PRODUCTS, WINDOWS_UPDATES
from mdekit.emulator.world.cvss import base_score, severity
from mdekit.emulator.world.tvm_catalogue import fix_applies, version_key
from mdekit.models import (
    Distribution,
    Kb,
    MachineRef,
    MachineVulnerability,
    Recommendation,
    RemediationTask,
    Score,
    Software,
    Vulnerability,
    as_utc,
)
from mdekit.models.tvm import (
    CVE_SUPPORTABILITY,
    RECOMMENDATION_CATEGORIES,
    REMEDIATION_TYPES,
    VULNERABILITY_SEVERITIES,
)

TENANT = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
OTHER_TENANT = "0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LIVE_CATEGORIES = {"Security controls"}
"""Live answers spell the SecurityControls category "Security controls" (docs §6.8)."""
WIRE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z")


@cache
def world(tenant: str = TENANT, seed: int = 11, machines: int = 160) -> World:
    return generate_world(tenant_id=tenant, seed=seed, now=NOW, machines=machines, alerts=120)


@cache
def tvm(tenant: str = TENANT, seed: int = 11, machines: int = 160) -> Tvm:
    return generate_tvm(world(tenant, seed, machines))


def when(text: str) -> datetime:
    assert WIRE_TIME.fullmatch(text), text
    return as_utc(datetime.fromisoformat(text[:26].rstrip("Z") + "+00:00"))


def entities(t: Tvm) -> dict[str, Any]:
    return {
        "software": t.software,
        "vulnerabilities": t.vulnerabilities,
        "recommendations": t.recommendations,
        "tasks": t.remediation_tasks,
        "scores": [t.exposure_score, t.configuration_score, *t.exposure_scores_by_machine_group],
        "baselines": [t.baseline_profiles, t.baseline_configurations],
        "scans": [t.scan_agents, t.scan_definitions, t.scan_sessions],
        "dtos": list(t.machine_vulnerability_rows()),
    }


def test_same_world_gives_the_same_tvm_and_tenants_differ() -> None:
    first = generate_tvm(generate_world(tenant_id=TENANT, seed=5, now=NOW, machines=40, alerts=20))
    second = generate_tvm(generate_world(tenant_id=TENANT, seed=5, now=NOW, machines=40, alerts=20))
    assert json.dumps(entities(first)) == json.dumps(entities(second))
    other = tvm(tenant=OTHER_TENANT)
    assert {r["id"] for r in other.remediation_tasks}.isdisjoint(
        r["id"] for r in tvm().remediation_tasks
    )


def test_cvss_calculator_matches_known_scores() -> None:
    known = {
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": 9.8,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H": 8.8,
        "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H": 7.8,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H": 7.5,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H": 9.6,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H": 10.0,
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N": 5.9,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N": 4.3,
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H": 8.1,
        "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H": 7.0,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N": 0.0,
    }
    for vector, score in known.items():
        assert base_score(vector) == score, vector
    assert [severity(s) for s in (9.0, 8.9, 7.0, 6.9, 4.0, 3.9)] == [
        "Critical", "High", "High", "Medium", "Medium", "Low",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="lacks"):
        base_score("CVSS:3.1/AV:N/AC:L")


def test_catalogues_hang_together() -> None:
    ids = {p.id for p in PRODUCTS}
    assert len(ids) == len(PRODUCTS)
    assert len({c.id for c in CVES}) == len(CVES)
    for product in PRODUCTS:
        keys = [version_key(r.version) for r in product.releases]
        if not product.os_lines:
            assert keys == sorted(keys), product.id
            dates = [r.date for r in product.releases]
            assert dates == sorted(dates), product.id
    kb_month = {kb: day for day, builds in WINDOWS_UPDATES for _, kb in builds.values()}
    for cve in CVES:
        assert re.fullmatch(r"CVE-\d{4}-\d{4,}", cve.id)
        assert cve.exploit in ("none", "public", "verified", "kit")
        for fix in cve.fixes:
            assert fix.product in ids, (cve.id, fix.product)
            if fix.kb is not None:
                assert kb_month[fix.kb] == cve.published, cve.id


def test_vulnerabilities_are_consistent_and_within_enums() -> None:
    t = tvm()
    refs_total = 0
    for vulnerability in t.vulnerabilities:
        Vulnerability.model_validate(vulnerability)
        assert vulnerability["severity"] in VULNERABILITY_SEVERITIES
        assert vulnerability["cveSupportability"] in CVE_SUPPORTABILITY
        vector = vulnerability["cvssVector"].split("/E:")[0]
        assert vulnerability["cvssV3"] == base_score(vector)
        assert vulnerability["severity"] == severity(vulnerability["cvssV3"])
        assert 0 < vulnerability["epss"] < 1
        assert vulnerability["exploitVerified"] <= vulnerability["publicExploit"]
        assert vulnerability["exploitInKit"] <= vulnerability["exploitVerified"]
        assert when(vulnerability["publishedOn"]) <= when(vulnerability["updatedOn"]) <= NOW
        refs = t.vulnerability_machine_refs(vulnerability["id"]) or []
        assert len(refs) == vulnerability["exposedMachines"]
        refs_total += len(refs)
    assert refs_total > 0
    published_later = [c.id for c in CVES if c.published > "2025-06-01"]
    assert not {v["id"] for v in t.vulnerabilities} & set(published_later)
    early = generate_tvm(generate_world(tenant_id=TENANT, seed=1, now=datetime(2024, 1, 1,
                                        tzinfo=UTC), machines=10, alerts=0))  # fmt: skip
    assert all(v["publishedOn"] < "2024-01-02" for v in early.vulnerabilities)


def test_machine_cve_rows_agree_with_installed_software() -> None:
    t = tvm()
    w = world()
    machines = w.machine_by_id()
    cves = {v["id"] for v in t.vulnerabilities}
    per_cve: dict[str, set[str]] = defaultdict(set)
    rows = list(t.machine_vulnerability_rows())
    assert rows
    for row in rows:
        MachineVulnerability.model_validate(row)
        assert tuple(row) == ("id", "cveId", "machineId", "fixingKbId", "productName",
                              "productVendor", "productVersion", "severity")  # fmt: skip
        assert row["machineId"] in machines
        assert row["cveId"] in cves
        per_cve[row["cveId"]].add(row["machineId"])
        kb = row["fixingKbId"] or ""
        assert row["id"] == "-_-".join((row["machineId"], row["cveId"], row["productVendor"],
                                        row["productName"], row["productVersion"], kb))  # fmt: skip
        state = t.machine_state(row["machineId"])
        assert state is not None
        products = t.catalogue.products
        installed = {
            (products[i.product].id, products[i.product].releases[i.release].version)
            for i in state.installs
        }
        product_id = f"{row['productVendor']}-_-{row['productName']}"
        assert (product_id, row["productVersion"]) in installed
        cve = next(c for c in CVES if c.id == row["cveId"])
        assert any(
            f.product == product_id and fix_applies(f, row["productVersion"]) for f in cve.fixes
        )
        assert row["severity"] == t.vulnerability(row["cveId"])["severity"]  # type: ignore[index]
    for vulnerability in t.vulnerabilities:
        assert len(per_cve[vulnerability["id"]]) == vulnerability["exposedMachines"]
    machine_id = rows[0]["machineId"]
    assert t.machine_vulnerability_dtos(machine_id) == [
        r for r in rows if r["machineId"] == machine_id
    ]
    on_machine = {v["id"] for v in t.machine_vulnerabilities(machine_id) or []}
    assert on_machine == {r["cveId"] for r in rows if r["machineId"] == machine_id}


def test_software_entities_distributions_and_kbs() -> None:
    t = tvm()
    ids = [s["id"] for s in t.software]
    assert len(ids) == len(set(ids))
    assert "microsoft-_-edge" in ids
    assert "microsoft-_-windows_11" in ids
    for software in t.software:
        Software.model_validate(software)
        assert software["id"] == f"{software['vendor']}-_-{software['name']}"
        distributions = t.software_distributions(software["id"]) or []
        for item in distributions:
            Distribution.model_validate(item)
        keys = [version_key(d["version"]) for d in distributions]
        assert keys == sorted(keys)
        refs = t.software_machine_refs(software["id"]) or []
        assert sum(d["installations"] for d in distributions) == len(refs) > 0
        vulnerabilities = t.software_vulnerabilities(software["id"]) or []
        assert len(vulnerabilities) == software["weaknesses"]
        assert software["publicExploit"] == any(v["publicExploit"] for v in vulnerabilities)
        assert (software["exposedMachines"] > 0) <= (software["weaknesses"] > 0)
        assert software["impactScore"] >= 0
        for kb in t.software_missing_kbs(software["id"]) or []:
            Kb.model_validate(kb)
            assert software["name"] in kb["productsNames"]
            assert kb["url"].endswith(f"KB{kb['id']}")
    assert t.software_by_id("nope-_-nothing") is None
    assert t.software_distributions("nope-_-nothing") is None


def test_missing_kbs_count_the_devices_that_miss_them() -> None:
    t = tvm()
    missed: Counter[str] = Counter()
    reported: dict[str, int] = {}
    for machine in world().machines:
        for kb in t.machine_missing_kbs(machine["id"]) or []:
            Kb.model_validate(kb)
            assert re.fullmatch(r"\d{7}", kb["id"])
            assert re.fullmatch(r"[A-Z][a-z]+ \d{4} Security Updates", kb["name"])
            missed[kb["id"]] += 1
            reported[kb["id"]] = kb["machineMissedOn"]
    assert missed
    assert reported == dict(missed)


def test_recommendations_point_at_existing_things() -> None:
    t = tvm()
    software = {s["id"]: s for s in t.software}
    machines = world().machine_by_id()
    assert any(r["id"].startswith("va-_-") for r in t.recommendations)
    assert any(r["id"].startswith("sca-_-scid-") for r in t.recommendations)
    statuses: Counter[str] = Counter()
    for rec in t.recommendations:
        Recommendation.model_validate(rec)
        statuses[rec["status"]] += 1
        assert rec["recommendationCategory"] in set(RECOMMENDATION_CATEGORIES) | LIVE_CATEGORIES
        assert rec["remediationType"] in REMEDIATION_TYPES
        refs = t.recommendation_machine_refs(rec["id"]) or []
        assert len(refs) == rec["exposedMachinesCount"] > 0
        assert rec["exposedMachinesCount"] <= rec["totalMachineCount"]
        for ref in refs:
            MachineRef.model_validate(ref)
            assert set(ref) == {"id", "computerDnsName", "osPlatform", "rbacGroupName"}
            assert ref["id"] in machines
        critical = sum(1 for ref in refs if machines[ref["id"]]["deviceValue"] == "High")
        assert rec["exposedCriticalDevices"] == critical
        product = t.recommendation_software(rec["id"])
        if rec["id"].startswith("va-"):
            assert rec["id"] == f"va-_-{rec['vendor']}-_-{rec['productName']}"
            assert product is software[f"{rec['vendor']}-_-{rec['productName']}"]
            assert product["exposedMachines"] == rec["exposedMachinesCount"]
            assert len(t.recommendation_vulnerabilities(rec["id"]) or []) == rec["weaknesses"]
            assert rec["remediationType"] in ("Update", "Upgrade")
        else:
            assert rec["remediationType"] == "ConfigurationChange"
            assert 1 <= rec["severityScore"] <= 10
            assert t.recommendation_vulnerabilities(rec["id"]) == []
    assert statuses["Active"] > statuses["Exception"] >= 0
    assert set(statuses) <= {"Active", "Exception"}
    assert t.recommendation("va-_-nobody-_-nothing") is None


def test_machine_level_lookups() -> None:
    t = tvm()
    recommendations = {r["id"] for r in t.recommendations}
    software = {s["id"] for s in t.software}
    for machine in world().machines[:40]:
        installed = t.machine_software(machine["id"]) or []
        assert installed
        assert {s["id"] for s in installed} <= software
        for rec in t.machine_recommendations(machine["id"]) or []:
            assert rec["id"] in recommendations
            assert machine["id"] in {
                r["id"] for r in t.recommendation_machine_refs(rec["id"]) or []
            }
    for lookup in (t.machine_software, t.machine_vulnerabilities, t.machine_recommendations,
                   t.machine_missing_kbs, t.av_health, t.machine_vulnerability_dtos):  # fmt: skip
        assert lookup("0" * 40) is None


def test_exposure_follows_the_machine_exposure_level() -> None:
    t = tvm(machines=400)
    per_level: dict[str, list[int]] = defaultdict(list)
    for machine in world(machines=400).machines:
        per_level[machine["exposureLevel"]].append(
            len(t.machine_vulnerability_dtos(machine["id"]) or [])
        )
    mean = {level: sum(v) / len(v) for level, v in per_level.items()}
    assert mean["High"] > mean["Medium"] > mean["Low"]


def test_scores() -> None:
    t = tvm()
    for score in (t.exposure_score, t.configuration_score, *t.exposure_scores_by_machine_group):
        Score.model_validate(score)
        assert when(score["time"]) <= NOW
    assert 0 < t.exposure_score["score"] < 100
    assert t.configuration_score["score"] > 0
    groups = {m["rbacGroupName"] for m in world().machines}
    assert {s["rbacGroupName"] for s in t.exposure_scores_by_machine_group} == groups
    assert all(
        set(s) == {"time", "score", "rbacGroupName"} for s in t.exposure_scores_by_machine_group
    )
    # Score plus what the recommendations would add = every applicable configuration's points.
    lost = sum(r["configScoreImpact"] for r in t.recommendations)
    failing_max = sum(
        10 * r["severityScore"] for r in t.recommendations if r["id"].startswith("sca-")
    )
    assert lost <= failing_max
    assert t.configuration_score["score"] + lost == pytest.approx(
        failing_max + _compliant_points(t), abs=0.5
    )


def _compliant_points(t: Tvm) -> float:
    """Points of configurations nobody fails (they have no recommendation)."""
    from mdekit.emulator.world.catalog_configs import SECURE_CONFIGS

    failing = {
        r["id"].removeprefix("sca-_-") for r in t.recommendations if r["id"].startswith("sca-")
    }
    applicable: set[str] = set()
    for machine in world().machines:
        state = t.machine_state(machine["id"])
        assert state is not None
        applicable.update(SECURE_CONFIGS[i].scid for i, ok, _ in state.sca if ok)
    return sum(10 * c.impact for c in SECURE_CONFIGS if c.scid in applicable - failing)


def test_remediation_tasks() -> None:
    t = tvm()
    assert t.remediation_tasks
    recommendations = {r["id"]: r for r in t.recommendations}
    for task in t.remediation_tasks:
        RemediationTask.model_validate(task)
        assert task["status"] in ("Active", "Completed")
        assert task["category"] in ("Software", "Security configuration")
        assert task["priority"] in ("High", "Medium", "Low")
        assert when(task["createdOn"]) <= when(task["statusLastModifiedOn"]) <= NOW
        assert when(task["createdOn"]) < when(task["dueOn"])
        assert task["fixedDevices"] <= task["targetDevices"]
        if task["category"] == "Software":
            rec = recommendations[f"va-_-{task['productId']}"]
            assert task["productId"] == f"{task['vendorId']}-_-{task['nameId']}"
            assert task["scid"] is None
        else:
            rec = recommendations[f"sca-_-{task['scid']}"]
            assert task["productId"] is None
        assert task["type"] == rec["remediationType"]
        assert (task["completionMethod"] is None) == (task["status"] == "Active")
        refs = t.remediation_task_machine_refs(task["id"]) or []
        rec_refs = {r["id"] for r in t.recommendation_machine_refs(rec["id"]) or []}
        assert {r["id"] for r in refs} <= rec_refs
        assert all(r["rbacGroupName"] in task["rbacGroupNames"] for r in refs)
    assert t.remediation_task("missing") is None
    assert t.remediation_task_machine_refs("missing") is None


def test_empty_world_has_an_empty_tvm() -> None:
    t = generate_tvm(generate_world(tenant_id=TENANT, seed=1, now=NOW, machines=0, alerts=0))
    assert t.software == []
    assert t.recommendations == []
    assert t.remediation_tasks == []
    assert t.exposure_score["score"] == 0.0
    assert t.scan_agents == []
    assert t.scan_definitions == []
    assert list(t.export_software_vulnerabilities()) == []
    assert len(t.vulnerabilities) > 0  # the CVE catalogue exists without devices


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    machines=st.integers(min_value=1, max_value=12),
    days=st.integers(min_value=0, max_value=4 * 365),
)
def test_invariants_hold_for_any_small_world_and_any_now(
    seed: int, machines: int, days: int
) -> None:
    now = datetime(2022, 6, 1, tzinfo=UTC) + timedelta(days=days)
    w = generate_world(tenant_id=TENANT, seed=seed, now=now, machines=machines, alerts=0)
    t = generate_tvm(w)
    published = {v["id"]: when(v["publishedOn"]) for v in t.vulnerabilities}
    assert all(moment <= now for moment in published.values())
    exposed: Counter[str] = Counter()
    for machine in w.machines:
        dtos = t.machine_vulnerability_dtos(machine["id"]) or []
        exposed.update({d["cveId"] for d in dtos})
        state = t.machine_state(machine["id"])
        assert state is not None
        os_product = t.catalogue.products[state.installs[0].product]
        assert os_product.os_lines
        assert state.os_version == os_product.releases[state.installs[0].release].version
        for dto in dtos:
            assert dto["cveId"] in published
    for vulnerability in t.vulnerabilities:
        assert vulnerability["exposedMachines"] == exposed[vulnerability["id"]]
    for software in t.software:
        assert software["exposedMachines"] <= len(t.software_machine_refs(software["id"]) or [])
