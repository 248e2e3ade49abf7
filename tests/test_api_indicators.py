"""Indicators: submit and update, the checks on every field, import, delete and batch delete,
the 15,000 active cap, OData over the list, and who sees (and may change) what."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.emulator.defender import handlers_indicators
from tests.support.emulators import InProcess, in_process
from tests.support.role_apps import RoleApp, role_app

CONTEXT = "https://emulator.test/api/$metadata#Indicators"
WIRE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
SHA1 = "220e7d15b011d7fac48f2bd61114db1022197f7f"
SHA256 = "2233223322332233223322332233223322332233223322332233223322332222"


def indicator(value: str = SHA1, kind: str = "FileSha1", **extra: Any) -> dict[str, Any]:
    body = {
        "indicatorValue": value,
        "indicatorType": kind,
        "action": "Block",
        "title": "test",
        "description": "test indicator",
    }
    body.update(extra)
    return body


def submit(emu: InProcess, token: str, body: Any) -> Any:
    return emu.api("POST", "/api/indicators", token, json=body)


def listed(emu: InProcess, token: str, **params: str) -> list[dict[str, Any]]:
    response = emu.api("GET", "/api/indicators", token, params=params)
    assert response.status_code == 200, response.text
    assert response.json()["@odata.context"] == CONTEXT
    items: list[dict[str, Any]] = response.json()["value"]
    return items


def error_code(response: Any) -> str:
    code: str = response.json()["error"]["code"]
    return code


@pytest.fixture(scope="module")
def token(shared_emu: InProcess) -> str:
    return shared_emu.token()


# -- submit -------------------------------------------------------------------------------


def test_submit_creates_an_indicator_owned_by_the_app(emu: InProcess) -> None:
    token = emu.token()
    response = submit(
        emu,
        token,
        indicator(
            application="demo-test",
            severity="informational",
            recommendedActions="nothing",
            expirationTime="2999-12-12T00:00:00Z",
        ),
    )
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["@odata.context"] == CONTEXT + "/$entity"
    assert item["id"].isdigit()
    assert (item["indicatorValue"], item["indicatorType"], item["action"]) == (
        SHA1,
        "FileSha1",
        "Block",
    )
    assert item["severity"] == "Informational"
    assert item["application"] == "demo-test"
    assert item["createdBy"] == emu.dev.client_id
    assert item["sourceType"] == "AadApp"
    assert item["createdBySource"] == item["source"] == item["lastUpdatedBy"] == "mdekit-dev"
    assert WIRE_TIME.match(item["creationTimeDateTimeUtc"])
    assert item["expirationTime"] == "2999-12-12T00:00:00.0000000Z"
    assert item["rbacGroupNames"] == item["rbacGroupIds"] == []
    assert item["generateAlert"] is False
    assert [i["id"] for i in listed(emu, token)] == [item["id"]]


def test_submitting_the_same_value_and_type_updates(emu: InProcess) -> None:
    token = emu.token()
    first = submit(emu, token, indicator(application="first app")).json()
    emu.emulator.clock.advance(timedelta(seconds=5))
    second = submit(
        emu, token, indicator(SHA1.upper(), title="renamed", application="ignored on update")
    )
    assert second.status_code == 200
    updated = second.json()
    assert updated["id"] == first["id"]
    assert updated["title"] == "renamed"
    assert updated["application"] == "first app", "application only works for new indicators"
    assert updated["creationTimeDateTimeUtc"] == first["creationTimeDateTimeUtc"]
    assert updated["lastUpdateTime"] > first["lastUpdateTime"]
    other_type = submit(emu, token, indicator(SHA1, "CertificateThumbprint")).json()
    assert other_type["id"] != first["id"]
    assert len(listed(emu, token)) == 2


def test_ids_are_numeric_and_grow(emu: InProcess) -> None:
    token = emu.token()
    ids = [
        int(submit(emu, token, indicator(f"10.0.0.{n}", "IpAddress")).json()["id"])
        for n in range(1, 5)
    ]
    assert ids == sorted(ids)
    assert len(set(ids)) == 4


@pytest.mark.parametrize(
    "field", ["indicatorValue", "indicatorType", "action", "title", "description"]
)
def test_required_fields(shared_emu: InProcess, token: str, field: str) -> None:
    body = indicator()
    del body[field]
    response = submit(shared_emu, token, body)
    assert response.status_code == 400
    assert error_code(response) == "MissingRequiredParameter"
    assert field in response.json()["error"]["message"]


def test_field_names_are_case_sensitive(shared_emu: InProcess, token: str) -> None:
    body = indicator()
    body["IndicatorValue"] = body.pop("indicatorValue")
    response = submit(shared_emu, token, body)
    assert response.status_code == 400
    assert error_code(response) == "MissingRequiredParameter"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"indicatorType": "Sha1"}, "InvalidInput"),
        ({"action": "Quarantine"}, "InvalidInput"),
        ({"severity": "Critical"}, "InvalidInput"),
        ({"title": 7}, "InvalidInput"),
        ({"generateAlert": "maybe"}, "InvalidInput"),
        ({"rbacGroupNames": [1, 2]}, "InvalidInput"),
        ({"rbacGroupNames": ["no such group"]}, "InvalidInput"),
        ({"expirationTime": "yesterday"}, "InvalidInput"),
        ({"expirationTime": "2001-01-01T00:00:00Z"}, "InvalidInput"),
        ({"expirationTime": "9999-12-31T23:00:00-05:00"}, "InvalidInput"),
        ({"action": "Alert"}, "InvalidInput"),
        ({"action": "AlertAndBlock"}, "InvalidInput"),
        ({"action": "Audit"}, "InvalidInput"),
        ({"action": "Audit", "generateAlert": False}, "InvalidInput"),
        ({"educateUrl": "not a url"}, "InvalidUrl"),
    ],
)
def test_invalid_fields(
    shared_emu: InProcess, token: str, changes: dict[str, Any], code: str
) -> None:
    response = submit(shared_emu, token, indicator(**changes))
    assert response.status_code == 400, response.text
    assert error_code(response) == code


def test_block_and_remediate_is_for_files(shared_emu: InProcess, token: str) -> None:
    response = submit(
        shared_emu, token, indicator("8.8.8.8", "IpAddress", action="BlockAndRemediate")
    )
    assert response.status_code == 400
    assert "BlockAndRemediate" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("FileSha1", "abc", "InvalidHashValue"),
        ("FileSha1", "z" * 40, "InvalidHashValue"),
        ("FileSha256", SHA1, "InvalidHashValue"),
        ("FileMd5", "0" * 31, "InvalidHashValue"),
        ("CertificateThumbprint", "g" * 40, "InvalidHashValue"),
        ("IpAddress", "10.0.0.0/8", "InvalidIpAddress"),
        ("IpAddress", "999.1.1.1", "InvalidIpAddress"),
        ("IpAddress", "contoso.com", "InvalidIpAddress"),
        ("DomainName", "not a domain", "InvalidDomainName"),
        ("DomainName", "-bad.contoso.com", "InvalidDomainName"),
        ("DomainName", "*.contoso.com", "InvalidDomainName"),
        ("DomainName", "localhost", "InvalidDomainName"),
        ("DomainName", "1.2.3.4", "InvalidDomainName"),
        ("Url", "ftp://contoso.com/file", "InvalidUrl"),
        ("Url", "http://", "InvalidUrl"),
        ("Url", "http://contoso .com/x", "InvalidUrl"),
        ("Url", "https://contoso.com:99999/", "InvalidUrl"),
    ],
)
def test_values_must_fit_their_type(
    shared_emu: InProcess, token: str, kind: str, value: str, code: str
) -> None:
    response = submit(shared_emu, token, indicator(value, kind))
    assert response.status_code == 400
    assert error_code(response) == code
    assert value.strip() in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("FileSha256", SHA256),
        ("FileMd5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("CertificateThumbprint", SHA1.upper()),
        ("IpAddress", "2001:db8::1"),
        ("IpAddress", "203.0.113.9"),
        ("DomainName", "mail.contoso.com"),
        ("DomainName", "bücher.example"),
        ("Url", "https://www.contoso.com/home?x=1"),
        ("Url", "contoso.com/download/tool.exe"),
        ("Url", "http://203.0.113.9:8080/path"),
    ],
)
def test_valid_values_are_taken(emu: InProcess, kind: str, value: str) -> None:
    response = submit(emu, emu.token(), indicator(value, kind))
    assert response.status_code == 200, response.text
    assert response.json()["indicatorValue"] == value


def test_audit_needs_generate_alert(emu: InProcess) -> None:
    response = submit(emu, emu.token(), indicator(action="Audit", generateAlert=True))
    assert response.status_code == 200
    assert response.json()["generateAlert"] is True


def test_device_groups_are_named_and_resolved(emu: InProcess) -> None:
    token = emu.token()
    machines = emu.api("GET", "/api/machines", token).json()["value"]
    groups = {m["rbacGroupName"]: str(m["rbacGroupId"]) for m in machines if m["rbacGroupName"]}
    names = sorted(groups)[:2]
    as_list = submit(emu, token, indicator(rbacGroupNames=names)).json()
    assert as_list["rbacGroupNames"] == names
    assert as_list["rbacGroupIds"] == [groups[n] for n in names]
    as_text = submit(emu, token, indicator(SHA256, "FileSha256", rbacGroupNames=",".join(names)))
    assert as_text.json()["rbacGroupNames"] == names


# -- list ---------------------------------------------------------------------------------


def test_expired_indicators_are_not_listed(emu: InProcess) -> None:
    token = emu.token()
    soon = (emu.emulator.clock.now() + timedelta(hours=1)).isoformat()
    short = submit(emu, token, indicator("198.51.100.1", "IpAddress", expirationTime=soon))
    assert short.status_code == 200, short.text
    lasting = submit(emu, token, indicator("198.51.100.2", "IpAddress")).json()
    assert len(listed(emu, token)) == 2
    emu.emulator.clock.advance(timedelta(hours=2))
    token = emu.token()
    assert [i["id"] for i in listed(emu, token)] == [lasting["id"]]


def _several(emu: InProcess, token: str) -> list[dict[str, Any]]:
    bodies = [
        indicator("203.0.113.1", "IpAddress", severity="Low"),
        indicator("203.0.113.2", "IpAddress", action="Audit", generateAlert=True, severity="High"),
        indicator("evil.example", "DomainName", action="Warn", severity="Medium"),
        indicator(SHA1, severity="High", title="hash"),
        indicator(SHA256, "FileSha256", action="Allowed"),
        indicator("https://evil.example/x", "Url", severity="Informational"),
        indicator("d41d8cd98f00b204e9800998ecf8427e", "FileMd5", action="BlockAndRemediate"),
    ]
    return [submit(emu, token, body).json() for body in bodies]


FILTERS = [
    ("indicatorType eq 'IpAddress'", lambda i: i["indicatorType"] == "IpAddress"),
    ("action eq 'Audit'", lambda i: i["action"] == "Audit"),
    ("generateAlert eq true", lambda i: i["generateAlert"] is True),
    ("severity ge 'Medium'", lambda i: i["severity"] in ("Medium", "High")),
    ("title eq 'hash'", lambda i: i["title"] == "hash"),
    ("startswith(indicatorValue,'203.0.113')", lambda i: i["indicatorValue"].startswith("203")),
    ("expirationTime eq null", lambda i: True),
    ("creationTimeDateTimeUtc ge 2000-01-01T00:00:00Z", lambda i: True),
    ("application eq 'nothing'", lambda i: False),
]


@pytest.mark.parametrize(("expression", "predicate"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filters(emu: InProcess, expression: str, predicate: Any) -> None:
    token = emu.token()
    everything = _several(emu, token)
    found = listed(emu, token, **{"$filter": expression})
    assert [i["id"] for i in found] == [i["id"] for i in everything if predicate(i)]


def test_filter_by_creator_and_on_an_undocumented_property(emu: InProcess) -> None:
    token = emu.token()
    everything = _several(emu, token)
    mine = listed(emu, token, **{"$filter": f"createdBy eq '{emu.dev.client_id}'"})
    assert len(mine) == len(everything)
    bad = emu.api("GET", "/api/indicators", token, params={"$filter": "description eq 'x'"})
    assert bad.status_code == 400
    assert error_code(bad) == "ODataError"


def test_paging(emu: InProcess) -> None:
    token = emu.token()
    everything = [i["id"] for i in _several(emu, token)]
    pages = [
        [i["id"] for i in listed(emu, token, **{"$top": "3", "$skip": str(skip)})]
        for skip in (0, 3, 6)
    ]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [item for page in pages for item in page] == everything
    assert emu.api("GET", "/api/indicators?$top=10001", token).status_code == 400
    count = emu.api("GET", "/api/indicators/$count", token)
    assert int(count.text) == len(everything)


# -- who sees what ------------------------------------------------------------------------


@pytest.fixture
def apps(emu: InProcess) -> dict[str, RoleApp]:
    return {
        "a": role_app(emu, ["Ti.ReadWrite"], "intel feed A"),
        "b": role_app(emu, ["Ti.ReadWrite"], "intel feed B"),
        "all": role_app(emu, ["Ti.ReadWrite.All"], "soc console"),
    }


def test_ti_readwrite_sees_only_its_own(emu: InProcess, apps: dict[str, RoleApp]) -> None:
    a, b, every = (apps[k].token(emu) for k in ("a", "b", "all"))
    a_items = [submit(emu, a, indicator(f"192.0.2.{n}", "IpAddress")).json() for n in (1, 2)]
    b_item = submit(emu, b, indicator("192.0.2.3", "IpAddress")).json()
    assert a_items[0]["createdBy"] == apps["a"].app_id
    assert a_items[0]["createdBySource"] == "intel feed A"
    assert {i["id"] for i in listed(emu, a)} == {i["id"] for i in a_items}
    assert [i["id"] for i in listed(emu, b)] == [b_item["id"]]
    assert len(listed(emu, every)) == 3
    count = emu.api("GET", "/api/indicators/$count", b)
    assert count.text == "1"


def test_ti_readwrite_may_not_touch_another_apps_indicator(
    emu: InProcess, apps: dict[str, RoleApp]
) -> None:
    a, b, every = (apps[k].token(emu) for k in ("a", "b", "all"))
    owned = submit(emu, a, indicator("192.0.2.10", "IpAddress")).json()
    takeover = submit(emu, b, indicator("192.0.2.10", "IpAddress", title="mine now"))
    assert takeover.status_code == 403
    assert error_code(takeover) == "Forbidden"
    deleting = emu.api("DELETE", f"/api/indicators/{owned['id']}", b)
    assert deleting.status_code == 403
    batch = emu.api("POST", "/api/indicators/BatchDelete", b, json={"IndicatorIds": [owned["id"]]})
    assert batch.status_code == 403
    assert [i["title"] for i in listed(emu, a)] == ["test"]
    updated = submit(emu, every, indicator("192.0.2.10", "IpAddress", title="by the SOC"))
    assert updated.json()["id"] == owned["id"]
    assert updated.json()["lastUpdatedBy"] == "soc console"
    assert updated.json()["createdBy"] == apps["a"].app_id
    assert emu.api("DELETE", f"/api/indicators/{owned['id']}", every).status_code == 204


def test_without_a_ti_role_it_is_403(emu: InProcess) -> None:
    reader = role_app(emu, ["Alert.Read.All"], "alerts only").token(emu)
    for method, path, body in (
        ("GET", "/api/indicators", None),
        ("POST", "/api/indicators", indicator()),
        ("POST", "/api/indicators/import", {"Indicators": [indicator()]}),
        ("DELETE", "/api/indicators/1", None),
        ("POST", "/api/indicators/BatchDelete", {"IndicatorIds": ["1"]}),
    ):
        response = emu.api(method, path, reader, json=body)
        assert response.status_code == 403, path
        assert "Ti.ReadWrite" in response.json()["error"]["message"]


# -- import -------------------------------------------------------------------------------


def test_import_reports_each_item(emu: InProcess) -> None:
    token = emu.token()
    existing = submit(emu, token, indicator(SHA256, "FileSha256")).json()
    response = emu.api(
        "POST",
        "/api/indicators/import",
        token,
        json={
            "Indicators": [
                indicator(severity="Informational", rbacGroupNames=[]),
                indicator(SHA256, "FileSha256", title="updated"),
                indicator("10.0.0.0/24", "IpAddress"),
                indicator(action="Alert"),
                "not an object",
                {"indicatorType": "FileSha1"},
            ]
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "@odata.context" not in body
    results = body["value"]
    assert [r["isFailed"] for r in results] == [False, False, True, True, True, True]
    assert results[0]["indicator"] == SHA1
    assert results[0]["id"].isdigit()
    assert results[0]["failureReason"] is None
    assert results[1]["id"] == existing["id"]
    assert results[2]["id"] is None
    assert "10.0.0.0/24" in results[2]["failureReason"]
    assert results[2]["indicator"] == "10.0.0.0/24"
    assert all(r["failureReason"] for r in results[2:])
    titles = {i["indicatorValue"]: i["title"] for i in listed(emu, token)}
    assert titles == {SHA1: "test", SHA256: "updated"}


def test_import_batch_limits(shared_emu: InProcess, token: str) -> None:
    too_many = shared_emu.api(
        "POST",
        "/api/indicators/import",
        token,
        json={
            "Indicators": [indicator(f"10.1.{n // 250}.{n % 250}", "IpAddress") for n in range(501)]
        },
    )
    assert too_many.status_code == 400
    assert error_code(too_many) == "MaximumBatchSizeExceeded"
    assert "Received: 501, allowed: 500" in too_many.json()["error"]["message"]
    for body, code in (
        ({"Indicators": []}, "InvalidInput"),
        ({}, "MissingRequiredParameter"),
        ({"indicators": [indicator()]}, "MissingRequiredParameter"),
        ({"Indicators": "x"}, "InvalidInput"),
    ):
        response = shared_emu.api("POST", "/api/indicators/import", token, json=body)
        assert response.status_code == 400
        assert error_code(response) == code


def test_import_of_500_is_taken(emu: InProcess) -> None:
    token = emu.token()
    items = [indicator(f"10.2.{n // 250}.{n % 250}", "IpAddress") for n in range(500)]
    results = emu.api("POST", "/api/indicators/import", token, json={"Indicators": items})
    assert results.status_code == 200
    assert not any(r["isFailed"] for r in results.json()["value"])
    assert emu.api("GET", "/api/indicators/$count", token).text == "500"


# -- the 15,000 cap -------------------------------------------------------------------------


def test_the_active_cap(emu: InProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers_indicators, "MAX_ACTIVE_INDICATORS", 3)
    token = emu.token()
    soon = (emu.emulator.clock.now() + timedelta(hours=1)).isoformat()
    first = submit(emu, token, indicator("192.0.2.1", "IpAddress", expirationTime=soon)).json()
    for n in (2, 3):
        assert submit(emu, token, indicator(f"192.0.2.{n}", "IpAddress")).status_code == 200
    refused = submit(emu, token, indicator("192.0.2.4", "IpAddress"))
    assert refused.status_code == 400
    assert "3 active indicators" in refused.json()["error"]["message"]
    update = submit(emu, token, indicator("192.0.2.2", "IpAddress", title="still fits"))
    assert update.status_code == 200, "updating an active indicator takes no new room"
    imported = emu.api(
        "POST",
        "/api/indicators/import",
        token,
        json={
            "Indicators": [indicator("192.0.2.3", "IpAddress"), indicator("192.0.2.5", "IpAddress")]
        },
    ).json()["value"]
    assert [r["isFailed"] for r in imported] == [False, True]
    assert emu.api("DELETE", f"/api/indicators/{first['id']}", token).status_code == 204
    assert submit(emu, token, indicator("192.0.2.4", "IpAddress")).status_code == 200
    emu.emulator.clock.advance(timedelta(hours=2))
    token = emu.token()
    assert submit(emu, token, indicator("192.0.2.6", "IpAddress")).status_code == 400


def test_expired_indicators_leave_room(emu: InProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers_indicators, "MAX_ACTIVE_INDICATORS", 1)
    token = emu.token()
    soon = (emu.emulator.clock.now() + timedelta(hours=1)).isoformat()
    old = submit(emu, token, indicator("192.0.2.1", "IpAddress", expirationTime=soon)).json()
    assert submit(emu, token, indicator("192.0.2.2", "IpAddress")).status_code == 400
    emu.emulator.clock.advance(timedelta(hours=2))
    token = emu.token()
    assert submit(emu, token, indicator("192.0.2.2", "IpAddress")).status_code == 200
    renewed = submit(emu, token, indicator("192.0.2.1", "IpAddress"))
    assert renewed.status_code == 400, "renewing an expired one needs room again"
    assert old["id"] not in {i["id"] for i in listed(emu, token)}


# -- delete -------------------------------------------------------------------------------


def test_delete(emu: InProcess) -> None:
    token = emu.token()
    item = submit(emu, token, indicator()).json()
    response = emu.api("DELETE", f"/api/indicators/{item['id']}", token)
    assert response.status_code == 204
    assert response.content == b""
    assert listed(emu, token) == []
    again = emu.api("DELETE", f"/api/indicators/{item['id']}", token)
    assert again.status_code == 404
    assert error_code(again) == "ResourceNotFound"
    assert emu.api("DELETE", "/api/indicators/abc", token).status_code == 404


def test_batch_delete(emu: InProcess) -> None:
    token = emu.token()
    ids = [
        submit(emu, token, indicator(f"192.0.2.{n}", "IpAddress")).json()["id"] for n in (1, 2, 3)
    ]
    unknown = emu.api(
        "POST", "/api/indicators/BatchDelete", token, json={"IndicatorIds": [ids[0], "999999"]}
    )
    assert unknown.status_code == 404
    assert len(listed(emu, token)) == 3, "nothing is deleted when one id is unknown"
    done = emu.api(
        "POST", "/api/indicators/BatchDelete", token, json={"IndicatorIds": [ids[0], int(ids[1])]}
    )
    assert done.status_code == 204
    assert [i["id"] for i in listed(emu, token)] == [ids[2]]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"IndicatorIds": []}, "InvalidInput"),
        ({"IndicatorIds": [str(n) for n in range(501)]}, "MaximumBatchSizeExceeded"),
        ({"IndicatorIds": ["abc"]}, "InvalidInput"),
        ({"IndicatorIds": [None]}, "InvalidInput"),
        ({"IndicatorIds": "1"}, "InvalidInput"),
        ({"indicatorIds": ["1"]}, "MissingRequiredParameter"),
        (["1"], "InvalidRequestBody"),
    ],
)
def test_batch_delete_bad_lists(shared_emu: InProcess, token: str, body: Any, code: str) -> None:
    response = shared_emu.api("POST", "/api/indicators/BatchDelete", token, json=body)
    assert response.status_code == 400
    assert error_code(response) == code


# -- never a 500 ----------------------------------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        name: _json | st.text(max_size=70)
        for name in (
            "indicatorValue",
            "indicatorType",
            "action",
            "title",
            "description",
            "expirationTime",
            "severity",
            "generateAlert",
            "rbacGroupNames",
            "educateUrl",
            "application",
        )
    },
)


@pytest.fixture(scope="module")
def junk_emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcess, str]]:
    """An emulator of its own: junk that happens to be valid is stored."""
    with in_process(tmp_path_factory.mktemp("indicator-junk"), quotas=False) as emulator:
        yield emulator, emulator.token()


@settings(max_examples=60, deadline=None)
@given(body=_fields | _json)
def test_junk_bodies_are_400_never_500(junk_emu: tuple[InProcess, str], body: Any) -> None:
    emu, token = junk_emu
    response = submit(emu, token, body)
    assert response.status_code in (200, 400), response.text
    wrapped = emu.api("POST", "/api/indicators/import", token, json={"Indicators": [body]})
    assert wrapped.status_code == 200, wrapped.text
    result = wrapped.json()["value"][0]
    assert result["isFailed"] is (response.status_code == 400)
