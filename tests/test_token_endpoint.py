"""The client-credentials grant at the v1 and v2 token endpoints: shapes, claims, errors."""

from __future__ import annotations

import base64
import json
import re
import time

import jwt
import pytest

from tests.support.emulators import DEFENDER_SCOPE, InProcess

DEFENDER_IDS = (
    "https://api.securitycenter.microsoft.com",
    "https://api.securitycenter.windows.com",
    "https://securitycenter.onmicrosoft.com/windowsatpservice",
    "fc780465-2017-40d4-a0c5-307022471b92",
)


def _form(emu: InProcess, **fields: str) -> dict[str, str]:
    base = {
        "grant_type": "client_credentials",
        "client_id": emu.dev.client_id,
        "client_secret": emu.dev.client_secret,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v != "<omit>"}


def _v2(emu: InProcess, tenant: str | None = None, **fields: str):  # type: ignore[no-untyped-def]
    return emu.http.post(
        f"/{tenant or emu.dev.tenant_id}/oauth2/v2.0/token",
        data=_form(emu, **{"scope": DEFENDER_SCOPE, **fields}),
    )


def _v1(emu: InProcess, tenant: str | None = None, **fields: str):  # type: ignore[no-untyped-def]
    return emu.http.post(
        f"/{tenant or emu.dev.tenant_id}/oauth2/token",
        data=_form(emu, **{"resource": DEFENDER_IDS[0], **fields}),
    )


def test_v2_answer_has_numbers_and_no_scope(shared_emu: InProcess) -> None:
    response = _v2(shared_emu)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    assert body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], int)
    assert 3500 <= body["expires_in"] <= 3600
    assert response.headers["cache-control"] == "no-store, no-cache"
    assert response.headers["pragma"] == "no-cache"


def test_v1_answer_is_all_strings_and_echoes_the_resource(shared_emu: InProcess) -> None:
    body = _v1(shared_emu, resource="https://api.securitycenter.microsoft.com/").json()
    assert body["resource"] == "https://api.securitycenter.microsoft.com/"
    for key in ("expires_in", "ext_expires_in", "expires_on", "not_before"):
        assert isinstance(body[key], str), key
    assert int(body["expires_on"]) - int(body["not_before"]) == 3900
    assert abs(int(body["expires_on"]) - time.time() - 3600) < 60


@pytest.mark.parametrize("resource", DEFENDER_IDS)
def test_every_defender_identifier_gives_a_v1_token_with_all_roles(
    shared_emu: InProcess, resource: str
) -> None:
    token = _v2(shared_emu, scope=f"{resource}/.default").json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == resource
    assert claims["ver"] == "1.0"
    assert "Alert.Read.All" in claims["roles"]
    assert "Machine.Isolate" in claims["roles"]


def test_token_claims_and_header_match_entra(shared_emu: InProcess) -> None:
    token = _v2(shared_emu).json()["access_token"]
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    tid = shared_emu.dev.tenant_id
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert header["kid"] == header["x5t"]
    assert len(header["kid"]) == 27
    assert claims["iss"] == f"https://sts.windows.net/{tid}/"
    assert claims["idp"] == claims["iss"]
    assert claims["tid"] == tid
    assert claims["appid"] == shared_emu.dev.client_id
    assert claims["appidacr"] == "1"
    assert claims["oid"] == claims["sub"]
    assert claims["iat"] == claims["nbf"]
    assert claims["exp"] - claims["iat"] == 3900
    assert claims["iat"] < time.time() - 250
    # The opaque claims keep their lengths and differ from token to token.
    assert (len(claims["aio"]), len(claims["rh"]), len(claims["uti"])) == (80, 67, 22)
    assert claims["rh"].startswith("0.")
    assert claims["rh"].endswith(".")
    again = jwt.decode(_v2(shared_emu).json()["access_token"], options={"verify_signature": False})
    assert all(again[name] != claims[name] for name in ("aio", "rh", "uti"))
    # The token verifies against the published keys.
    keys = shared_emu.http.get(f"/{tid}/discovery/keys").json()["keys"]
    key = next(k for k in keys if k["kid"] == header["kid"])
    jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=claims["aud"])


def test_roles_are_absent_when_nothing_is_consented(emu: InProcess) -> None:
    graph = emu.token("https://graph.microsoft.com/.default")
    app = emu.api("POST", "/v1.0/applications", graph, json={"displayName": "no consent"}).json()
    emu.api("POST", "/v1.0/servicePrincipals", graph, json={"appId": app["appId"]})
    secret = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/addPassword",
        graph,
        json={"passwordCredential": {"displayName": "s"}},
    ).json()["secretText"]
    token = emu.token(client_id=app["appId"], secret=secret)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "roles" not in claims
    assert claims["app_displayname"] == "no consent"


def test_basic_authentication_is_accepted(shared_emu: InProcess) -> None:
    pair = f"{shared_emu.dev.client_id}:{shared_emu.dev.client_secret}".encode()
    response = shared_emu.http.post(
        f"/{shared_emu.dev.tenant_id}/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "scope": DEFENDER_SCOPE},
        headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
    )
    assert response.status_code == 200


def test_tenant_may_be_named_by_domain(shared_emu: InProcess) -> None:
    response = _v2(shared_emu, tenant=shared_emu.dev.tenant_domain)
    assert response.status_code == 200
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["tid"] == shared_emu.dev.tenant_id


ERROR_CASES = [
    # (id, endpoint, tenant override, form overrides, status, error, code)
    ("wrong secret", "v2", None, {"client_secret": "wrong"}, 401, "invalid_client", 7000215),
    ("no secret", "v2", None, {"client_secret": "<omit>"}, 401, "invalid_client", 7000218),
    (
        "unknown app",
        "v2",
        None,
        {"client_id": "00000000-0000-0000-0000-000000000001"},
        400,
        "unauthorized_client",
        700016,
    ),
    (
        "unknown tenant",
        "v2",
        "11111111-1111-1111-1111-111111111111",
        {},
        400,
        "invalid_tenant",
        90002,
    ),
    ("unknown tenant domain", "v2", "nowhere.onmicrosoft.com", {}, 400, "invalid_tenant", 90002),
    ("malformed tenant", "v2", "not a tenant!", {}, 400, "invalid_request", 900023),
    ("missing grant_type", "v2", None, {"grant_type": "<omit>"}, 400, "invalid_request", 900144),
    ("missing client_id", "v2", None, {"client_id": "<omit>"}, 400, "invalid_request", 900144),
    ("missing scope", "v2", None, {"scope": "<omit>"}, 400, "invalid_request", 90014),
    (
        "scope without .default",
        "v2",
        None,
        {"scope": "Alert.Read.All"},
        400,
        "invalid_scope",
        1002012,
    ),
    (
        "permission as scope",
        "v2",
        None,
        {"scope": "https://api.securitycenter.microsoft.com/Machine.Read.All"},
        400,
        "invalid_scope",
        1002012,
    ),
    (
        "bare resource as scope",
        "v2",
        None,
        {"scope": "https://api.securitycenter.microsoft.com"},
        400,
        "invalid_scope",
        70011,
    ),
    (
        "unknown resource",
        "v2",
        None,
        {"scope": "https://unknown.example.com/.default"},
        400,
        "invalid_resource",
        500011,
    ),
    (
        "two resources",
        "v2",
        None,
        {
            "scope": "https://graph.microsoft.com/.default https://api.securitycenter.microsoft.com/.default"
        },
        400,
        "invalid_scope",
        700022,
    ),
    ("resource on v2", "v2", None, {"resource": DEFENDER_IDS[0]}, 400, "invalid_request", 901002),
    ("unknown grant", "v2", None, {"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
    ("v1 missing resource", "v1", None, {"resource": "<omit>"}, 400, "invalid_request", 900144),
    (
        "v1 unknown resource",
        "v1",
        None,
        {"resource": "https://nope.example.com"},
        400,
        "invalid_resource",
        500011,
    ),
    ("v1 wrong secret", "v1", None, {"client_secret": "nope"}, 401, "invalid_client", 7000215),
]


@pytest.mark.parametrize(
    ("endpoint", "tenant", "form", "status", "error", "code"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_errors_are_entras(
    shared_emu: InProcess,
    endpoint: str,
    tenant: str | None,
    form: dict[str, str],
    status: int,
    error: str,
    code: int,
) -> None:
    call = _v2 if endpoint == "v2" else _v1
    response = call(shared_emu, tenant=tenant, **form)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    lines = body["error_description"].split("\r\n")
    assert lines[0].startswith(f"AADSTS{code}: ")
    assert lines[1] == f"Trace ID: {body['trace_id']}"
    assert lines[2] == f"Correlation ID: {body['correlation_id']}"
    assert re.fullmatch(r"Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", lines[3])
    assert body["timestamp"] == lines[3].removeprefix("Timestamp: ")
    assert shared_emu.dev.client_secret not in response.text


def test_get_on_the_token_endpoint_is_refused(shared_emu: InProcess) -> None:
    response = shared_emu.http.get(f"/{shared_emu.dev.tenant_id}/oauth2/v2.0/token")
    assert response.status_code == 400
    assert response.json()["error_codes"] == [900561]


def test_a_json_body_reads_as_no_parameters(shared_emu: InProcess) -> None:
    response = shared_emu.http.post(
        f"/{shared_emu.dev.tenant_id}/oauth2/v2.0/token",
        content=json.dumps(_form(shared_emu, scope=DEFENDER_SCOPE)),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error_codes"] == [900144]
    assert "'grant_type'" in response.json()["error_description"]


def test_correlation_id_echoes_client_request_id(shared_emu: InProcess) -> None:
    response = shared_emu.http.post(
        f"/{shared_emu.dev.tenant_id}/oauth2/v2.0/token",
        data=_form(shared_emu, scope=DEFENDER_SCOPE, client_secret="bad"),
        headers={"client-request-id": "7d3f3b8e-0000-4000-8000-000000000001"},
    )
    assert response.json()["correlation_id"] == "7d3f3b8e-0000-4000-8000-000000000001"


def test_unknown_form_fields_are_ignored(shared_emu: InProcess) -> None:
    response = _v2(shared_emu, client_info="1", **{"x-client-SKU": "MSAL.JS"})
    assert response.status_code == 200


def test_secrets_are_stored_hashed(emu: InProcess) -> None:
    from sqlalchemy import text

    with emu.emulator.engine.connect() as conn:
        dump = "\n".join(
            str(row) for row in conn.execute(text("SELECT * FROM password_credentials"))
        )
    assert emu.dev.client_secret not in dump
    assert emu.dev.client_secret[:3] in dump  # the hint is kept, like the portal shows it
