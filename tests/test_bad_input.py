"""Bad input to the identity and Graph endpoints gets the service's 4xx error, never a 500,
and stores nothing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mdekit.emulator.store import schema
from tests.support.emulators import GRAPH_SCOPE, InProcess

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FORM_KEYS = st.sampled_from(
    [
        "grant_type",
        "client_id",
        "client_secret",
        "scope",
        "resource",
        "client_assertion",
        "client_assertion_type",
        "x",
    ]
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "multipart/form-data",
        "",
        "application/x-www-form-urlencoded; charset=latin-1",
    ]
)


def _counts(emu: InProcess) -> tuple[int, ...]:
    with emu.emulator.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (
                schema.tenants,
                schema.applications,
                schema.password_credentials,
                schema.key_credentials,
                schema.service_principals,
                schema.app_role_assignments,
            )
        )


@FUZZ
@given(body=st.binary(max_size=2000), content_type=CONTENT_TYPES)
def test_token_endpoint_survives_any_body(
    shared_emu: InProcess, body: bytes, content_type: str
) -> None:
    response = shared_emu.http.post(
        f"/{shared_emu.dev.tenant_id}/oauth2/v2.0/token",
        content=body,
        headers={"Content-Type": content_type},
    )
    assert response.status_code in (400, 401)
    assert response.json()["error_codes"]


@FUZZ
@given(
    fields=st.dictionaries(FORM_KEYS, st.text(max_size=300), max_size=8),
    tenant=st.text(min_size=1, max_size=80),
)
def test_token_endpoint_survives_any_form(
    shared_emu: InProcess, fields: dict[str, str], tenant: str
) -> None:
    response = shared_emu.http.post(f"/{quote(tenant, safe='')}/oauth2/token", data=fields)
    assert response.status_code in (400, 401, 404, 405)
    if response.status_code in (400, 401):
        assert response.json()["error"]


def test_a_huge_form_is_refused(shared_emu: InProcess) -> None:
    response = shared_emu.http.post(
        f"/{shared_emu.dev.tenant_id}/oauth2/v2.0/token", data={"scope": "x" * 200_000}
    )
    assert response.status_code == 400


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)
GRAPH_FIELDS = st.sampled_from(
    [
        "displayName",
        "signInAudience",
        "requiredResourceAccess",
        "web",
        "keyCredentials",
        "appId",
        "passwordCredential",
        "principalId",
        "resourceId",
        "appRoleId",
        "keyId",
    ]
)


@FUZZ
@given(
    body=st.dictionaries(GRAPH_FIELDS, JSON_VALUES, max_size=5),
    path=st.sampled_from(["/v1.0/applications", "/v1.0/servicePrincipals"]),
)
def test_graph_writes_survive_junk(
    emu_graph: tuple[InProcess, str], body: dict[str, Any], path: str
) -> None:
    emu, token = emu_graph
    response = emu.api("POST", path, token, json=body)
    assert response.status_code < 500, response.text


def test_graph_rejects_what_is_not_json(emu: InProcess) -> None:
    token = emu.token(GRAPH_SCOPE)
    before = _counts(emu)
    for raw in (b"{", b"[]", b"\xff\xfe", json.dumps({"displayName": 5}).encode()):
        response = emu.api(
            "POST",
            "/v1.0/applications",
            token,
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400, raw
    bad_access = emu.api(
        "POST",
        "/v1.0/applications",
        token,
        json={"displayName": "x", "requiredResourceAccess": [{"resourceAppId": "nope"}]},
    )
    assert bad_access.status_code == 400
    unknown_role = emu.api(
        "POST",
        "/v1.0/applications",
        token,
        json={
            "displayName": "x",
            "requiredResourceAccess": [
                {
                    "resourceAppId": "fc780465-2017-40d4-a0c5-307022471b92",
                    "resourceAccess": [
                        {"id": "00000000-0000-0000-0000-000000000000", "type": "Role"}
                    ],
                }
            ],
        },
    )
    assert unknown_role.status_code == 400
    assert _counts(emu) == before, "nothing is stored from a refused request"


def test_unknown_graph_and_api_paths_are_404_not_500(shared_emu: InProcess) -> None:
    token = shared_emu.token()
    assert shared_emu.api("GET", "/api/nothing/at/all", token).status_code == 404
    assert (
        shared_emu.api(
            "GET", "/v1.0/applications/not-a-guid", shared_emu.token(GRAPH_SCOPE)
        ).status_code
        == 404
    )
