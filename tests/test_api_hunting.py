"""Advanced Hunting over HTTP: `POST /api/advancedqueries/run`, Graph's `runHuntingQuery`,
and `POST /api/alerts/CreateAlertByReference` on an event a hunt found, each with the
permission it needs and the errors the real service gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from mdekit.emulator.hunting.stats import dotnet_timespan
from tests.support.emulators import GRAPH_SCOPE, InProcess, in_process
from tests.support.role_apps import role_app

RUN = "/api/advancedqueries/run"
BY_REFERENCE = "/api/alerts/CreateAlertByReference"
GRAPH_RUN = "/v1.0/security/runHuntingQuery"


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    state = tmp_path_factory.mktemp("hunting-api")
    with in_process(state, quotas=False, machines=12, alerts=20, events=20_000) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def token(emu: InProcess) -> str:
    return emu.token()


def _run(emu: InProcess, token: str, query: str) -> dict[str, Any]:
    response = emu.api("POST", RUN, token, json={"Query": query})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_run_returns_the_schema_and_rows(emu: InProcess, token: str) -> None:
    body = _run(
        emu,
        token,
        "DeviceProcessEvents | summarize Events = count() by DeviceId | top 3 by Events",
    )
    assert body["Schema"] == [
        {"Name": "DeviceId", "Type": "String"},
        {"Name": "Events", "Type": "Int64"},
    ]
    assert 1 <= len(body["Results"]) <= 3
    counts = [row["Events"] for row in body["Results"]]
    assert counts == sorted(counts, reverse=True)
    assert all(count > 0 for count in counts)
    # The documented answer starts with the query's statistics.
    assert list(body) == ["Stats", "Schema", "Results"]
    stats = body["Stats"]
    assert stats["ExecutionTime"] >= 0
    assert set(stats["resource_usage"]["cpu"]) == {"user", "kernel", "total cpu"}
    assert stats["dataset_statistics"][0]["table_row_count"] == len(body["Results"])


def test_rows_are_devices_of_the_world(emu: InProcess, token: str) -> None:
    machines = {m["id"] for m in emu.api("GET", "/api/machines", token).json()["value"]}
    rows = _run(emu, token, "DeviceProcessEvents | distinct DeviceId")["Results"]
    assert rows
    assert {row["DeviceId"] for row in rows} <= machines


def test_timestamps_are_utc_iso_strings_within_thirty_days(emu: InProcess, token: str) -> None:
    rows = _run(
        emu,
        token,
        "DeviceNetworkEvents | summarize Oldest = min(Timestamp), Newest = max(Timestamp)",
    )["Results"]
    oldest, newest = rows[0]["Oldest"], rows[0]["Newest"]
    assert oldest.endswith("Z")
    assert newest.endswith("Z")
    now = emu.emulator.clock.now()
    first = datetime.fromisoformat(oldest.replace("Z", "+00:00"))
    last = datetime.fromisoformat(newest.replace("Z", "+00:00"))
    assert now - timedelta(days=30) <= first <= last <= now


def test_a_syntax_error_is_a_bad_request_naming_the_problem(emu: InProcess, token: str) -> None:
    response = emu.api("POST", RUN, token, json={"Query": "DeviceProcessEvents | whre x"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BadRequest"
    assert error["message"]


def test_an_unknown_table_is_a_bad_request(emu: InProcess, token: str) -> None:
    response = emu.api("POST", RUN, token, json={"Query": "NoSuchTable | take 1"})
    assert response.status_code == 400
    assert "NoSuchTable" in response.json()["error"]["message"]


def test_a_missing_query_is_a_bad_request(emu: InProcess, token: str) -> None:
    response = emu.api("POST", RUN, token, json={"query_text": "x"})
    assert response.status_code == 400


def test_run_needs_advanced_query_read(emu: InProcess) -> None:
    weak = role_app(emu, ["Alert.Read.All"]).token(emu)
    response = emu.api("POST", RUN, weak, json={"Query": "DeviceInfo | take 1"})
    assert response.status_code == 403
    allowed = role_app(emu, ["AdvancedQuery.Read.All"], "hunter").token(emu)
    assert emu.api("POST", RUN, allowed, json={"Query": "DeviceInfo | take 1"}).status_code == 200


def test_graph_runs_the_same_query_with_lowercase_keys(emu: InProcess, token: str) -> None:
    query = "DeviceProcessEvents | summarize Events = count()"
    mde = _run(emu, token, query)["Results"][0]["Events"]
    graph_token = emu.token(GRAPH_SCOPE)
    response = emu.api("POST", GRAPH_RUN, graph_token, json={"Query": query, "Timespan": "P30D"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["schema"] == [{"name": "Events", "type": "Int64"}]
    assert body["results"][0]["Events"] == mde


def test_graph_timespan_narrows_the_window(emu: InProcess) -> None:
    graph_token = emu.token(GRAPH_SCOPE)
    query = "DeviceNetworkEvents | summarize Events = count()"

    def events(span: str) -> int:
        response = emu.api("POST", GRAPH_RUN, graph_token, json={"Query": query, "Timespan": span})
        assert response.status_code == 200, response.text
        count: int = response.json()["results"][0]["Events"]
        return count

    assert 0 < events("P1D") <= events("P7D") <= events("P30D")


def _event(emu: InProcess, token: str) -> dict[str, Any]:
    rows = _run(
        emu,
        token,
        "DeviceProcessEvents | where isnotempty(FileName) | top 1 by Timestamp desc"
        " | project DeviceId, ReportId, Timestamp, FileName, SHA1",
    )["Results"]
    assert rows
    return rows[0]


def _reference(event: dict[str, Any], title: str) -> dict[str, Any]:
    return {
        "machineId": event["DeviceId"],
        "severity": "High",
        "title": title,
        "description": "Raised from a hunting result in a test",
        "recommendedAction": "Isolate the device and collect an investigation package",
        "eventTime": event["Timestamp"],
        "reportId": event["ReportId"],
        "category": "Execution",
    }


def test_an_alert_is_raised_on_a_hunted_event(emu: InProcess, token: str) -> None:
    event = _event(emu, token)
    response = emu.api("POST", BY_REFERENCE, token, json=_reference(event, "Hunted binary"))
    assert response.status_code == 200, response.text
    alert = response.json()
    assert alert["machineId"] == event["DeviceId"]
    assert alert["title"] == "Hunted binary"
    assert alert["severity"] == "High"
    assert alert["category"] == "Execution"
    assert alert["detectionSource"] == "CustomDetection"
    stored = emu.api("GET", f"/api/alerts/{alert['id']}", token, params={"$expand": "evidence"})
    assert stored.status_code == 200
    hashes = {item.get("sha1") for item in stored.json()["evidence"]}
    assert event["SHA1"] in hashes, "the event's file is evidence"


def test_a_second_reference_with_the_same_title_merges(emu: InProcess, token: str) -> None:
    event = _event(emu, token)
    first = emu.api("POST", BY_REFERENCE, token, json=_reference(event, "Merged hunt"))
    again = emu.api("POST", BY_REFERENCE, token, json=_reference(event, "Merged hunt"))
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_an_unknown_report_is_not_found(emu: InProcess, token: str) -> None:
    event = _event(emu, token)
    body = {**_reference(event, "Nothing there"), "reportId": 987_654_321}
    response = emu.api("POST", BY_REFERENCE, token, json=body)
    assert response.status_code == 404
    assert "reportId 987654321" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("field", "bad"),
    [("eventTime", "yesterday"), ("reportId", "abc"), ("severity", "Severe"), ("title", None)],
)
def test_bad_references_are_refused(emu: InProcess, token: str, field: str, bad: Any) -> None:
    event = _event(emu, token)
    body = _reference(event, "Bad reference")
    if bad is None:
        del body[field]
    else:
        body[field] = bad
    before = emu.api("GET", "/api/alerts", token, params={"$count": "true"}).json()
    response = emu.api("POST", BY_REFERENCE, token, json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]["message"]
    after = emu.api("GET", "/api/alerts", token, params={"$count": "true"}).json()
    assert len(after["value"]) == len(before["value"]), "nothing stored"


def test_by_reference_needs_alert_read_write(emu: InProcess, token: str) -> None:
    weak = role_app(emu, ["Alert.Read.All", "AdvancedQuery.Read.All"]).token(emu)
    event = _event(emu, token)
    response = emu.api("POST", BY_REFERENCE, weak, json=_reference(event, "Not allowed"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "00:00:00.0000000"), (19.046875, "00:00:19.0468750"), (3725.5, "01:02:05.5000000")],
)
def test_cpu_times_are_dotnet_timespans(seconds: float, text: str) -> None:
    assert dotnet_timespan(seconds) == text
