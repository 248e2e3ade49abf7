"""The Microsoft Graph subset: shapes, permission checks and error bodies as Graph has them."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mdekit.catalog import DEFENDER
from tests.support.certs import make_cert
from tests.support.emulators import GRAPH_SCOPE, InProcess


def test_application_shape_and_lookups(emu: InProcess) -> None:
    token = emu.token(GRAPH_SCOPE)
    created = emu.api("POST", "/v1.0/applications", token, json={"displayName": "shape"})
    assert created.status_code == 201
    app = created.json()
    assert app["@odata.context"].endswith("/v1.0/$metadata#applications/$entity")
    for key in (
        "id",
        "appId",
        "displayName",
        "signInAudience",
        "requiredResourceAccess",
        "passwordCredentials",
        "keyCredentials",
        "publisherDomain",
        "createdDateTime",
    ):
        assert key in app
    assert app["signInAudience"] == "AzureADMyOrg"
    by_app_id = emu.api("GET", f"/v1.0/applications(appId='{app['appId']}')", token).json()
    assert by_app_id["id"] == app["id"]
    listed = emu.api(
        "GET", "/v1.0/applications", token, params={"$filter": f"appId eq '{app['appId']}'"}
    ).json()["value"]
    assert [a["id"] for a in listed] == [app["id"]]
    org = emu.api("GET", "/v1.0/organization", token).json()["value"][0]
    assert org["id"] == emu.dev.tenant_id


def test_password_shape_shows_the_value_once(emu: InProcess) -> None:
    token = emu.token(GRAPH_SCOPE)
    app = emu.api("POST", "/v1.0/applications", token, json={"displayName": "pw"}).json()
    password = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/addPassword",
        token,
        json={"passwordCredential": {"displayName": "ci"}},
    ).json()
    assert password["secretText"].startswith(password["hint"])
    assert len(password["secretText"]) == 40
    again = emu.api("GET", f"/v1.0/applications/{app['id']}", token).json()
    assert again["passwordCredentials"][0]["secretText"] is None
    assert again["passwordCredentials"][0]["hint"] == password["hint"]
    removed = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/removePassword",
        token,
        json={"keyId": password["keyId"]},
    )
    assert removed.status_code == 204
    assert (
        emu.api("GET", f"/v1.0/applications/{app['id']}", token).json()["passwordCredentials"] == []
    )


def test_add_and_remove_key(emu: InProcess, tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    der = x509.load_pem_x509_certificate(cert.cert_pem).public_bytes(serialization.Encoding.DER)
    token = emu.token(GRAPH_SCOPE)
    app = emu.api("POST", "/v1.0/applications", token, json={"displayName": "keys"}).json()
    key = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/addKey",
        token,
        json={
            "keyCredential": {
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
                "key": base64.b64encode(der).decode(),
            }
        },
    ).json()
    assert key["customKeyIdentifier"] == cert.sha1_hex
    assert key["type"] == "AsymmetricX509Cert"
    bad = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/addKey",
        token,
        json={"keyCredential": {"key": "bm90IGEgY2VydA=="}},
    )
    assert bad.status_code == 400
    removed = emu.api(
        "POST", f"/v1.0/applications/{app['id']}/removeKey", token, json={"keyId": key["keyId"]}
    )
    assert removed.status_code == 204


def test_graph_permission_checks_and_error_body(emu: InProcess) -> None:
    admin = emu.token(GRAPH_SCOPE)
    role = DEFENDER.role("Alert.Read.All")
    assert role is not None
    app = emu.api(
        "POST", "/v1.0/applications", admin, json={"displayName": "no graph roles"}
    ).json()
    emu.api("POST", "/v1.0/servicePrincipals", admin, json={"appId": app["appId"]})
    secret = emu.api("POST", f"/v1.0/applications/{app['id']}/addPassword", admin, json={}).json()[
        "secretText"
    ]
    weak = emu.token(GRAPH_SCOPE, client_id=app["appId"], secret=secret)
    denied = emu.api("POST", "/v1.0/applications", weak, json={"displayName": "nope"})
    assert denied.status_code == 403
    error = denied.json()["error"]
    assert error["code"] == "Authorization_RequestDenied"
    assert error["message"] == "Insufficient privileges to complete the operation."
    assert {"date", "request-id", "client-request-id"} <= set(error["innerError"])
    missing = emu.api("GET", "/v1.0/applications/00000000-0000-0000-0000-000000000000", admin)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "Request_ResourceNotFound"
    assert emu.api("GET", "/v1.0/applications").status_code == 401


def test_service_principals_and_assignments(emu: InProcess) -> None:
    token = emu.token(GRAPH_SCOPE)
    defender = emu.api("GET", f"/v1.0/servicePrincipals(appId='{DEFENDER.app_id}')", token).json()
    values = {r["value"] for r in defender["appRoles"]}
    assert {"Alert.Read.All", "Machine.Isolate", "AdvancedQuery.Read.All"} <= values
    app = emu.api("POST", "/v1.0/applications", token, json={"displayName": "sp"}).json()
    sp = emu.api("POST", "/v1.0/servicePrincipals", token, json={"appId": app["appId"]})
    assert sp.status_code == 201
    again = emu.api("POST", "/v1.0/servicePrincipals", token, json={"appId": app["appId"]})
    assert again.status_code == 400
    role = DEFENDER.role("Alert.Read.All")
    assert role is not None
    grant = emu.api(
        "POST",
        f"/v1.0/servicePrincipals/{defender['id']}/appRoleAssignedTo",
        token,
        json={"principalId": sp.json()["id"], "resourceId": defender["id"], "appRoleId": role.id},
    )
    assert grant.status_code == 201
    assert grant.json()["principalType"] == "ServicePrincipal"
    assert grant.json()["resourceDisplayName"] == "WindowsDefenderATP"
    wrong_role = emu.api(
        "POST",
        f"/v1.0/servicePrincipals/{defender['id']}/appRoleAssignedTo",
        token,
        json={
            "principalId": sp.json()["id"],
            "resourceId": defender["id"],
            "appRoleId": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert wrong_role.status_code == 400
