"""The first Defender endpoints: bearer validation, roles, OData, paging, 404s."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdekit.catalog import DEFENDER
from tests.support.emulators import GRAPH_SCOPE, InProcess


@pytest.fixture(scope="module")
def token(shared_emu: InProcess) -> str:
    return shared_emu.token()


def test_list_alerts_envelope(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api("GET", "/api/alerts", token)
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == "https://emulator.test/api/$metadata#Alerts"
    assert len(body["value"]) == 60
    alert = body["value"][0]
    for key in (
        "id",
        "title",
        "severity",
        "status",
        "machineId",
        "computerDnsName",
        "alertCreationTime",
        "lastUpdateTime",
        "evidence",
        "mitreTechniques",
    ):
        assert key in alert
    assert alert["evidence"] == []


def test_versioned_path_and_case_are_the_same_endpoint(shared_emu: InProcess, token: str) -> None:
    plain = shared_emu.api("GET", "/api/alerts?$top=5", token).json()["value"]
    versioned = shared_emu.api("GET", "/api/v1.0/Alerts?$top=5", token).json()["value"]
    assert [a["id"] for a in plain] == [a["id"] for a in versioned]


def test_get_alert_with_evidence(shared_emu: InProcess, token: str) -> None:
    first = shared_emu.api("GET", "/api/alerts?$top=1", token).json()["value"][0]
    response = shared_emu.api("GET", f"/api/alerts/{first['id']}", token)
    assert response.status_code == 200
    alert = response.json()
    assert alert["@odata.context"] == "https://emulator.test/api/$metadata#Alerts/$entity"
    assert alert["id"] == first["id"]
    assert alert["evidence"], "a single alert comes with its evidence"


def test_expand_evidence_on_the_list(shared_emu: InProcess, token: str) -> None:
    alerts = shared_emu.api("GET", "/api/alerts?$top=3&$expand=evidence", token).json()["value"]
    assert all(alert["evidence"] for alert in alerts)


def test_unknown_alert_is_404(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api("GET", "/api/alerts/da000_1", token)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "ResourceNotFound"
    assert error["target"] == response.headers["request-id"]


def test_machines_by_id_and_by_name(shared_emu: InProcess, token: str) -> None:
    machine = shared_emu.api("GET", "/api/machines?$top=1", token).json()["value"][0]
    by_id = shared_emu.api("GET", f"/api/machines/{machine['id']}", token).json()
    by_name = shared_emu.api("GET", f"/api/machines/{machine['computerDnsName']}", token).json()
    assert by_id["id"] == by_name["id"] == machine["id"]
    assert by_id["@odata.context"].endswith("#Machines/$entity")
    assert shared_emu.api("GET", "/api/machines/nosuchmachine", token).status_code == 404


FILTERS = [
    ("status eq 'New'", lambda a: a["status"] == "New"),
    (
        "severity eq 'High' and status ne 'Resolved'",
        lambda a: a["severity"] == "High" and a["status"] != "Resolved",
    ),
    ("severity eq 'High' or severity eq 'Medium'", lambda a: a["severity"] in ("High", "Medium")),
    ("lastUpdateTime ge 2000-01-01T00:00:00Z", lambda a: True),
    ("alertCreationTime lt 2000-01-01Z", lambda a: False),
    (
        "startswith(detectionSource,'WindowsDefender')",
        lambda a: a["detectionSource"].lower().startswith("windowsdefender"),
    ),
]


@pytest.mark.parametrize(("expression", "predicate"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filters_select_exactly_the_matching_alerts(
    shared_emu: InProcess, token: str, expression: str, predicate: object
) -> None:
    everything = shared_emu.api("GET", "/api/alerts", token).json()["value"]
    expected = {a["id"] for a in everything if predicate(a)}  # type: ignore[operator]
    response = shared_emu.api("GET", "/api/alerts", token, params={"$filter": expression})
    assert response.status_code == 200, response.text
    assert {a["id"] for a in response.json()["value"]} == expected


def test_datetime_filter_splits_the_set(shared_emu: InProcess, token: str) -> None:
    everything = shared_emu.api("GET", "/api/alerts", token).json()["value"]
    times = sorted(a["alertCreationTime"] for a in everything)
    middle = times[len(times) // 2]
    newer = shared_emu.api(
        "GET", "/api/alerts", token, params={"$filter": f"alertCreationTime ge {middle}"}
    ).json()["value"]
    assert len(newer) == sum(1 for t in times if t >= middle)


@pytest.mark.parametrize(
    "expression",
    [
        "status eqq 'New'",
        "nosuchfield eq 1",
        "status eq 'Bogus'",
        "(severity eq 'High'",
        "severity eq 3",
    ],
)
def test_bad_filter_is_400_odataerror(shared_emu: InProcess, token: str, expression: str) -> None:
    response = shared_emu.api("GET", "/api/alerts", token, params={"$filter": expression})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ODataError"


def test_top_above_the_cap_is_refused(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api("GET", "/api/alerts?$top=10001", token)
    assert response.status_code == 400
    assert "10000" in response.json()["error"]["message"]


def test_top_and_skip_page_through_without_next_links(shared_emu: InProcess, token: str) -> None:
    seen: list[str] = []
    skip = 0
    while True:
        body = shared_emu.api("GET", f"/api/alerts?$top=7&$skip={skip}", token).json()
        assert "@odata.nextLink" not in body
        seen += [a["id"] for a in body["value"]]
        if len(body["value"]) < 7:
            break
        skip += 7
    assert len(seen) == len(set(seen)) == 60


def test_count_path_returns_a_bare_number(shared_emu: InProcess, token: str) -> None:
    response = shared_emu.api("GET", "/api/alerts/$count?$filter=status eq 'New'", token)
    everything = shared_emu.api("GET", "/api/alerts", token).json()["value"]
    assert response.text == str(sum(1 for a in everything if a["status"] == "New"))


class TestBearerValidation:
    def test_missing_token_is_401(self, shared_emu: InProcess) -> None:
        response = shared_emu.api("GET", "/api/alerts")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "Unauthorized"

    @pytest.mark.parametrize(
        "value", ["Bearer", "Bearer abc", "Basic dXNlcjpwYXNz", "Bearer a.b.c"]
    )
    def test_garbage_is_401(self, shared_emu: InProcess, value: str) -> None:
        response = shared_emu.api("GET", "/api/alerts", headers={"Authorization": value})
        assert response.status_code == 401

    def test_a_graph_token_is_not_a_defender_token(self, shared_emu: InProcess) -> None:
        response = shared_emu.api("GET", "/api/alerts", shared_emu.token(GRAPH_SCOPE))
        assert response.status_code == 401

    def test_a_defender_token_is_not_a_graph_token(self, shared_emu: InProcess, token: str) -> None:
        assert shared_emu.api("GET", "/v1.0/applications", token).status_code == 401

    def test_tampered_payload_is_401(self, shared_emu: InProcess, token: str) -> None:
        header, _payload, signature = token.split(".")
        claims = jwt.decode(token, options={"verify_signature": False})
        claims["roles"] = ["Alert.ReadWrite.All"]
        forged = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
        response = shared_emu.api("GET", "/api/alerts", f"{header}.{forged}.{signature}")
        assert response.status_code == 401

    def test_alg_none_is_401(self, shared_emu: InProcess, token: str) -> None:
        claims = jwt.decode(token, options={"verify_signature": False})
        unsigned = jwt.encode(claims, key=None, algorithm="none")  # type: ignore[arg-type]
        assert shared_emu.api("GET", "/api/alerts", unsigned).status_code == 401

    def test_expired_token_is_401(self, emu: InProcess) -> None:
        token = emu.token()
        assert emu.api("GET", "/api/alerts?$top=1", token).status_code == 200
        emu.emulator.clock.advance(timedelta(hours=2))
        response = emu.api("GET", "/api/alerts?$top=1", token)
        assert response.status_code == 401
        garbage = emu.api("GET", "/api/alerts?$top=1", "not.a.token")
        # The same words for every failure: nothing that tells an attacker what to fix.
        assert response.json()["error"]["message"] == garbage.json()["error"]["message"]

    def test_a_token_of_another_emulator_is_401(
        self, emu: InProcess, shared_emu: InProcess
    ) -> None:
        foreign = shared_emu.token()
        assert emu.api("GET", "/api/alerts", foreign).status_code == 401


def test_missing_role_is_403_naming_the_roles(emu: InProcess) -> None:
    graph = emu.token(GRAPH_SCOPE)
    alerts_only = DEFENDER.role("Alert.Read.All")
    assert alerts_only is not None
    app = emu.api(
        "POST",
        "/v1.0/applications",
        graph,
        json={
            "displayName": "alerts only",
            "requiredResourceAccess": [
                {
                    "resourceAppId": "fc780465-2017-40d4-a0c5-307022471b92",
                    "resourceAccess": [{"id": alerts_only.id, "type": "Role"}],
                }
            ],
        },
    ).json()
    sp = emu.api("POST", "/v1.0/servicePrincipals", graph, json={"appId": app["appId"]}).json()
    defender_sp = emu.api(
        "GET",
        "/v1.0/servicePrincipals",
        graph,
        params={"$filter": "appId eq 'fc780465-2017-40d4-a0c5-307022471b92'"},
    ).json()["value"][0]
    grant = emu.api(
        "POST",
        f"/v1.0/servicePrincipals/{defender_sp['id']}/appRoleAssignedTo",
        graph,
        json={
            "principalId": sp["id"],
            "resourceId": defender_sp["id"],
            "appRoleId": alerts_only.id,
        },
    )
    assert grant.status_code == 201, grant.text
    secret = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/addPassword",
        graph,
        json={"passwordCredential": {}},
    ).json()["secretText"]
    token = emu.token(client_id=app["appId"], secret=secret)
    assert emu.api("GET", "/api/alerts?$top=1", token).status_code == 200
    response = emu.api("GET", "/api/machines", token)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "Forbidden"
    assert "Machine.Read.All" in error["message"]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    page=st.integers(min_value=1, max_value=70), skip_first=st.integers(min_value=0, max_value=5)
)
def test_paging_by_skip_yields_each_alert_once(
    shared_emu: InProcess, token: str, page: int, skip_first: int
) -> None:
    seen: list[str] = []
    skip = skip_first
    while True:
        value = shared_emu.api("GET", f"/api/alerts?$top={page}&$skip={skip}", token).json()[
            "value"
        ]
        seen += [a["id"] for a in value]
        if len(value) < page:
            break
        skip += page
    assert len(seen) == len(set(seen)) == 60 - skip_first
