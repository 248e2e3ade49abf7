"""OpenID discovery, key sets and instance discovery at Entra's paths."""

from __future__ import annotations

from tests.support.emulators import InProcess


def test_v2_configuration_points_back_at_the_emulator(shared_emu: InProcess) -> None:
    tid = shared_emu.dev.tenant_id
    response = shared_emu.http.get(f"/{tid}/v2.0/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    assert doc["token_endpoint"] == f"https://emulator.test/{tid}/oauth2/v2.0/token"
    assert doc["authorization_endpoint"].startswith("https://emulator.test/")
    assert doc["jwks_uri"] == f"https://emulator.test/{tid}/discovery/v2.0/keys"
    assert doc["issuer"] == f"https://login.microsoftonline.com/{tid}/v2.0"
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    assert response.headers["access-control-allow-origin"] == "*"


def test_v1_configuration_names_the_sts_issuer(shared_emu: InProcess) -> None:
    tid = shared_emu.dev.tenant_id
    doc = shared_emu.http.get(f"/{tid}/.well-known/openid-configuration").json()
    assert doc["token_endpoint"] == f"https://emulator.test/{tid}/oauth2/token"
    assert doc["issuer"] == f"https://sts.windows.net/{tid}/"


def test_a_domain_name_resolves_to_the_tenant_guid(shared_emu: InProcess) -> None:
    doc = shared_emu.http.get(
        f"/{shared_emu.dev.tenant_domain}/v2.0/.well-known/openid-configuration"
    ).json()
    assert shared_emu.dev.tenant_id in doc["token_endpoint"]


def test_common_uses_the_tenantid_template(shared_emu: InProcess) -> None:
    doc = shared_emu.http.get("/common/v2.0/.well-known/openid-configuration").json()
    assert doc["issuer"] == "https://login.microsoftonline.com/{tenantid}/v2.0"


def test_doubled_slash_is_tolerated(shared_emu: InProcess) -> None:
    tid = shared_emu.dev.tenant_id
    response = shared_emu.http.get(f"/{tid}//v2.0/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response.json()["token_endpoint"].endswith(f"/{tid}/oauth2/v2.0/token")


def test_unknown_tenant_discovery_is_aadsts90002(shared_emu: InProcess) -> None:
    response = shared_emu.http.get(
        "/00000000-0000-0000-0000-00000000dead/v2.0/.well-known/openid-configuration"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_tenant"
    assert response.json()["error_codes"] == [90002]


def test_key_sets(shared_emu: InProcess) -> None:
    for path in (
        "/common/discovery/keys",
        f"/{shared_emu.dev.tenant_id}/discovery/keys",
        "/common/discovery/v2.0/keys",
    ):
        keys = shared_emu.http.get(path).json()["keys"]
        assert keys, path
        for key in keys:
            assert key["kty"] == "RSA"
            assert key["use"] == "sig"
            assert key["kid"] == key["x5t"]
            assert key["e"] == "AQAB"
            assert key["x5c"]
    v2 = shared_emu.http.get("/common/discovery/v2.0/keys").json()["keys"][0]
    assert v2["issuer"] == "https://login.microsoftonline.com/{tenantid}/v2.0"


def test_instance_discovery_answers_for_this_host(shared_emu: InProcess) -> None:
    tid = shared_emu.dev.tenant_id
    doc = shared_emu.http.get(
        "/common/discovery/instance",
        params={
            "api-version": "1.1",
            "authorization_endpoint": f"https://emulator.test/{tid}/oauth2/v2.0/authorize",
        },
    ).json()
    assert doc["tenant_discovery_endpoint"] == (
        f"https://emulator.test/{tid}/v2.0/.well-known/openid-configuration"
    )
    assert doc["metadata"][0]["aliases"] == ["emulator.test"]
