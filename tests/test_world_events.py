"""The Advanced Hunting tables generated from a world: schema, volume, time window,
determinism, and agreement with the world's machines and alerts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.emulator.world import World, generate_tvm, generate_world
from mdekit.emulator.world.events import EVENT_TABLES, alert_event_refs, write_hunting_tables
from mdekit.emulator.world.events_load import DUCKDB_TYPES
from mdekit.kql import run

TENANT = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
NAIVE_NOW = NOW.replace(tzinfo=None)
EVENTS = 30_000


@cache
def world() -> World:
    return generate_world(tenant_id=TENANT, seed=7, now=NOW, machines=40, alerts=80)


@cache
def filled() -> tuple[duckdb.DuckDBPyConnection, dict[str, int]]:
    conn = duckdb.connect()
    counts = write_hunting_tables(world(), generate_tvm(world()), conn, events=EVENTS, now=NOW)
    return conn, counts


def query(text: str) -> list[dict[str, object]]:
    conn, _ = filled()
    return run(conn, text, HUNTING_TABLES, now=NAIVE_NOW).records()


def kql_string(value: str) -> str:
    """A KQL verbatim string literal."""
    return "@'" + value.replace("'", "''") + "'"


def in_window(alert: dict[str, object]) -> bool:
    created = datetime.fromisoformat(str(alert["alertCreationTime"])[:19]).replace(tzinfo=UTC)
    return NOW - timedelta(days=30) <= created <= NOW


def test_every_table_exists_with_its_documented_columns_and_types() -> None:
    conn, counts = filled()
    assert set(counts) == set(HUNTING_TABLES)
    for table, columns in HUNTING_TABLES.items():
        found = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
        assert [name for name, _ in found] == [name for name, _ in columns], table
        assert [kind for _, kind in found] == [DUCKDB_TYPES[kind] for _, kind in columns], table
    helpers = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '_mdekit%'"
    ).fetchall()
    assert helpers == []


def test_counts_match_the_tables_and_the_requested_volume() -> None:
    conn, counts = filled()
    for table, count in counts.items():
        assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0] == count, table
    events = sum(counts[table] for table in EVENT_TABLES)
    assert 0.9 * EVENTS <= events <= 1.1 * EVENTS
    assert all(counts[table] > 0 for table in EVENT_TABLES)
    # Process and network events are the bulk, as in real tenants.
    largest = sorted(EVENT_TABLES, key=lambda t: -counts[t])[:2]
    assert set(largest) == {"DeviceProcessEvents", "DeviceNetworkEvents"}
    for table in (
        "DeviceInfo", "DeviceNetworkInfo", "DeviceFileCertificateInfo", "AlertInfo",
        "AlertEvidence",
        "DeviceTvmSoftwareInventory", "DeviceTvmSoftwareVulnerabilities",
        "DeviceTvmSoftwareVulnerabilitiesKB", "DeviceTvmSecureConfigurationAssessment",
        "DeviceTvmSecureConfigurationAssessmentKB", "IdentityInfo", "IdentityLogonEvents",
    ):  # fmt: skip
        assert counts[table] > 0, table


def test_timestamps_fall_in_the_thirty_days_before_now() -> None:
    conn, _ = filled()
    start = NAIVE_NOW - timedelta(days=30)
    for table, columns in HUNTING_TABLES.items():
        if ("Timestamp", "datetime") not in columns:
            continue
        low, high = conn.execute(
            f'SELECT min(Timestamp), max(Timestamp) FROM "{table}"'
        ).fetchall()[0]
        if low is None:
            continue
        assert start <= low <= high <= NAIVE_NOW, table


def test_report_ids_are_unique_per_device_and_table() -> None:
    conn, _ = filled()
    for table in (*EVENT_TABLES, "DeviceInfo", "DeviceNetworkInfo"):
        total, distinct = conn.execute(
            f'SELECT count(*), count(DISTINCT (DeviceId, ReportId)) FROM "{table}"'
        ).fetchall()[0]
        assert total == distinct, table


def test_same_inputs_give_the_same_tables() -> None:
    small = generate_world(tenant_id=TENANT, seed=3, now=NOW, machines=12, alerts=20)

    def digest() -> dict[str, str]:
        conn = duckdb.connect()
        write_hunting_tables(small, generate_tvm(small), conn, events=4_000, now=NOW)
        return {
            table: str(
                conn.execute(f'SELECT count(*), sum(hash(t::VARCHAR)) FROM "{table}" t').fetchall()[
                    0
                ]
            )
            for table in HUNTING_TABLES
        }

    assert digest() == digest()


def test_every_alert_has_one_info_row_and_its_evidence_rows() -> None:
    alerts = [a for a in world().alerts if in_window(a)]
    info = {r["AlertId"]: r for r in query("AlertInfo")}
    assert set(info) == {a["id"] for a in alerts}
    evidence = query("AlertEvidence")
    by_alert: dict[object, list[dict[str, object]]] = {}
    for row in evidence:
        by_alert.setdefault(row["AlertId"], []).append(row)
    sources = {
        "WindowsDefenderAtp": "EDR",
        "WindowsDefenderAv": "Antivirus",
        "CustomerTI": "Custom TI",
    }
    for alert in alerts:
        row = info[alert["id"]]
        assert row["Title"] == alert["title"]
        assert row["Category"] == alert["category"]
        assert row["Severity"] == alert["severity"]
        assert row["ServiceSource"] == "Microsoft Defender for Endpoint"
        assert row["DetectionSource"] == sources[alert["detectionSource"]]
        techniques = json.loads(str(row["AttackTechniques"]))
        assert [t.rsplit("(", 1)[1].rstrip(")") for t in techniques] == alert["mitreTechniques"]
        rows = by_alert[alert["id"]]
        kinds = Counter(r["EntityType"] for r in rows)
        assert kinds["Machine"] == 1
        for item in alert["evidence"]:
            assert kinds[item["entityType"]] >= 1, (alert["id"], item["entityType"])
        for item in alert["evidence"]:
            if item["sha1"]:
                assert any(
                    r["SHA1"] == item["sha1"] and r["DeviceId"] == alert["machineId"] for r in rows
                )
            if item["ipAddress"]:
                assert any(r["RemoteIP"] == item["ipAddress"] for r in rows)
            if item["url"]:
                assert any(r["RemoteUrl"] == item["url"] for r in rows)


def _evidence_queries(alert: dict[str, object]) -> list[tuple[str, str]]:
    """(what, KQL) pairs that must each return a row for the alert's evidence."""
    device = kql_string(str(alert["machineId"]))
    first = str(alert["firstEventTime"])[:26].rstrip("Z")
    created = str(alert["alertCreationTime"])[:26].rstrip("Z")
    near = f"Timestamp between (datetime({first}) - 3h .. datetime({created}) + 2h)"
    checks = []
    for item in alert["evidence"]:  # type: ignore[attr-defined]
        kind = item["entityType"]
        if kind == "Process":
            checks.append((kind, (
                f"DeviceProcessEvents | where DeviceId == {device} and {near}"
                f" | where SHA1 == {kql_string(item['sha1'])}"
                f" and FileName == {kql_string(item['fileName'])}"
                f" and ProcessCommandLine == {kql_string(item['processCommandLine'])}"
                f" and ProcessId == {item['processId']}"
                f" and InitiatingProcessFileName =~ {kql_string(item['parentProcessFileName'])}"
            )))  # fmt: skip
        elif kind == "File":
            checks.append((kind, (
                f"DeviceFileEvents | where DeviceId == {device} and {near}"
                f" | where SHA1 == {kql_string(item['sha1'])}"
                f" and FileName == {kql_string(item['fileName'])}"
            )))  # fmt: skip
        elif kind == "Ip":
            checks.append((kind, (
                f"DeviceNetworkEvents | where DeviceId == {device} and {near}"
                f" | where RemoteIP == {kql_string(item['ipAddress'])}"
            )))  # fmt: skip
        elif kind == "Url":
            host = item["url"].split("/")[2]
            checks.append((kind, (
                f"DeviceNetworkEvents | where DeviceId == {device} and {near}"
                f" | where RemoteUrl == {kql_string(host)}"
            )))  # fmt: skip
        elif kind == "User":
            checks.append((kind, (
                f"DeviceLogonEvents | where DeviceId == {device} and {near}"
                f" | where AccountName == {kql_string(item['accountName'])}"
                " and ActionType == 'LogonSuccess'"
            )))  # fmt: skip
    return checks


def test_every_evidence_item_is_found_in_the_event_tables_with_kql() -> None:
    checked = Counter()
    for alert in world().alerts:
        if not in_window(alert):
            continue
        for kind, text in _evidence_queries(alert):
            assert query(text), (alert["id"], text)
            checked[kind] += 1
    for kind in ("Process", "File", "User", "Ip", "Url"):
        assert checked[kind], kind


def test_alert_event_refs_name_real_rows() -> None:
    conn, _ = filled()
    refs = alert_event_refs(world(), now=NOW)
    alerts = {a["id"]: a for a in world().alerts}
    assert set(refs) == set(alerts)
    named = 0
    for alert_id, events in refs.items():
        if in_window(alerts[alert_id]):
            assert events, alert_id
        for ref in events:
            assert (
                ref.device_id == alerts[alert_id]["machineId"] or ref.table != "DeviceProcessEvents"
            )
            rows = conn.execute(
                f'SELECT count(*) FROM "{ref.table}"'
                " WHERE DeviceId = ? AND ReportId = ? AND Timestamp = ?",
                [ref.device_id, ref.report_id, ref.timestamp.replace(tzinfo=None)],
            ).fetchall()
            assert rows[0][0] == 1, (alert_id, ref)
            named += 1
    assert named > len(alerts)


def test_latest_device_info_says_what_the_machine_entity_says() -> None:
    latest = {
        r["DeviceId"]: r for r in query("DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId")
    }
    machines = world().machines
    for machine in machines:
        row = latest.get(machine["id"])
        if row is None:
            continue  # silent for the whole window
        assert row["DeviceName"] == machine["computerDnsName"]
        assert row["OSPlatform"] == machine["osPlatform"]
        assert row["OSBuild"] == machine["osBuild"]
        assert row["OSVersionInfo"] == machine["version"]
        assert row["ClientVersion"] == machine["agentVersion"]
        assert row["PublicIP"] == machine["lastExternalIpAddress"]
        assert row["MachineGroup"] == machine["rbacGroupName"]
        assert row["IsAzureADJoined"] == machine["isAadJoined"]
        assert row["AadDeviceId"] == (machine["aadDeviceId"] or "")
        assert row["ExposureLevel"] == machine["exposureLevel"]
        assert row["AssetValue"] == machine["deviceValue"]
        assert json.loads(str(row["DeviceManualTags"])) == machine["machineTags"]
        assert row["OnboardingStatus"] == "Onboarded"
        assert row["SensorHealthState"] == machine["healthStatus"]
    assert len([m for m in machines if m["id"] in latest]) >= len(machines) - 2
    discovered = [r for r in latest.values() if r["OnboardingStatus"] != "Onboarded"]
    assert discovered
    assert all(r["DeviceId"] not in {m["id"] for m in machines} for r in discovered)


def test_latest_network_info_holds_the_last_ip_address() -> None:
    latest = {
        r["DeviceId"]: r
        for r in query("DeviceNetworkInfo | summarize arg_max(Timestamp, *) by DeviceId")
    }
    for machine in world().machines:
        row = latest.get(machine["id"])
        if row is None:
            continue
        addresses = [a["IPAddress"] for a in json.loads(str(row["IPAddresses"]))]
        assert machine["lastIpAddress"] in addresses
        mac = next(i["macAddress"] for i in machine["ipAddresses"] if i["macAddress"])
        assert str(row["MacAddress"]).replace(":", "") == mac


def test_events_name_the_devices_users_and_addresses_of_the_world() -> None:
    machines = {m["id"]: m for m in world().machines}
    names = query("DeviceProcessEvents | summarize by DeviceId, DeviceName")
    assert names
    assert all(machines[r["DeviceId"]]["computerDnsName"] == r["DeviceName"] for r in names)
    accounts = {u.account_name for u in world().user_profiles}
    logons = query(
        "DeviceLogonEvents | where ActionType == 'LogonSuccess' | summarize by AccountName"
    )
    assert {r["AccountName"] for r in logons} & accounts
    # The local address is the one the device held then (the world's address history).
    local = query(
        "DeviceNetworkEvents | where ActionType == 'ConnectionSuccess' and LocalIP startswith '10.'"
        " | summarize First = min(Timestamp), Last = max(Timestamp) by DeviceId, LocalIP"
    )
    assert local
    for row in local:
        for moment in (row["First"], row["Last"]):
            assert row["DeviceId"] in world().machines_seen_with_ip(str(row["LocalIP"]), moment), (
                row
            )


def test_processes_have_their_parents_and_the_parents_are_older() -> None:
    rows = query(
        "DeviceProcessEvents | where InitiatingProcessCreationTime > ProcessCreationTime | count"
    )
    assert rows[0]["Count"] == 0
    rows = query("DeviceProcessEvents | where isempty(InitiatingProcessFileName) | count")
    assert rows[0]["Count"] == 0


def test_signed_binaries_have_certificate_rows() -> None:
    rows = query(
        "DeviceProcessEvents | where FileName == 'powershell.exe' | distinct DeviceId, SHA1"
        " | join kind=leftanti DeviceFileCertificateInfo on DeviceId, SHA1 | count"
    )
    assert rows[0]["Count"] == 0
    signers = query("DeviceFileCertificateInfo | summarize by Signer, IsRootSignerMicrosoft")
    assert {"Microsoft Windows", True} <= {v for r in signers for v in r.values()}


def test_without_tvm_the_tvm_tables_exist_and_stay_empty() -> None:
    small = generate_world(tenant_id=TENANT, seed=5, now=NOW, machines=6, alerts=4)
    conn = duckdb.connect()
    counts = write_hunting_tables(small, None, conn, events=500, now=NOW)
    assert counts["DeviceTvmSoftwareInventory"] == 0
    assert counts["DeviceProcessEvents"] > 0
    assert conn.execute("SELECT count(*) FROM DeviceTvmSoftwareInventory").fetchall() == [(0,)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    machines=st.integers(min_value=0, max_value=8),
    alerts=st.integers(min_value=0, max_value=12),
    events=st.integers(min_value=0, max_value=1_500),
    shift_hours=st.integers(min_value=0, max_value=72),
)
def test_any_small_world_fills_the_window_without_errors(
    machines: int, alerts: int, events: int, shift_hours: int
) -> None:
    alerts = alerts if machines else 0
    small = generate_world(
        tenant_id=TENANT, seed=machines, now=NOW, machines=machines, alerts=alerts
    )
    now = NOW + timedelta(hours=shift_hours)
    conn = duckdb.connect()
    counts = write_hunting_tables(small, generate_tvm(small), conn, events=events, now=now)
    assert sum(counts[t] for t in EVENT_TABLES) <= max(2 * events, events + 60 * alerts + 400)
    for table in EVENT_TABLES:
        low, high = conn.execute(
            f'SELECT min(Timestamp), max(Timestamp) FROM "{table}"'
        ).fetchall()[0]
        if low is not None:
            assert (
                now.replace(tzinfo=None) - timedelta(days=30)
                <= low
                <= high
                <= now.replace(tzinfo=None)
            )


def test_negative_volume_is_refused() -> None:
    with pytest.raises(ValueError, match="events"):
        write_hunting_tables(world(), None, duckdb.connect(), events=-1, now=NOW)
