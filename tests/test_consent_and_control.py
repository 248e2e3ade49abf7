"""Multi-tenant apps, the consent flows at Entra's paths, the control API (tenants, scripted
consent, key rotation, clock, token lifetime)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest

from mdekit.catalog import DEFENDER
from tests.support.emulators import GRAPH_SCOPE, InProcess

REDIRECT = "https://app.example.com/callback"


def admin(emu: InProcess) -> dict[str, str]:
    return {"X-Emulator-Admin-Key": emu.emulator.admin_key}


def add_tenant(emu: InProcess, name: str) -> dict[str, Any]:
    response = emu.http.post("/_emulator/tenants", json={"name": name}, headers=admin(emu))
    assert response.status_code == 201, response.text
    tenant: dict[str, Any] = response.json()
    return tenant


def make_app(emu: InProcess, *, multi: bool, redirect: list[str] | None = None) -> dict[str, str]:
    """A registered app asking for Alert.Read.All, consented at home, with a secret."""
    graph = emu.token(GRAPH_SCOPE)
    role = DEFENDER.role("Alert.Read.All")
    assert role is not None
    app = emu.api(
        "POST",
        "/v1.0/applications",
        graph,
        json={
            "displayName": "partner tool",
            "signInAudience": "AzureADMultipleOrgs" if multi else "AzureADMyOrg",
            "web": {"redirectUris": redirect or []},
            "requiredResourceAccess": [
                {
                    "resourceAppId": DEFENDER.app_id,
                    "resourceAccess": [{"id": role.id, "type": "Role"}],
                }
            ],
        },
    ).json()
    secret = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/addPassword",
        graph,
        json={"passwordCredential": {}},
    ).json()["secretText"]
    consent = emu.http.post(
        "/_emulator/consent",
        headers=admin(emu),
        json={"tenant": emu.dev.tenant_id, "clientId": app["appId"]},
    )
    assert consent.status_code == 200, consent.text
    return {"client_id": app["appId"], "secret": secret, "object_id": app["id"]}


def token_response(emu: InProcess, tenant: str, app: dict[str, str]) -> Any:
    return emu.http.post(
        f"/{tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["secret"],
            "scope": "https://api.securitycenter.microsoft.com/.default",
        },
    )


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the consent page has a form token"
    return found.group(1)


def test_tenants_are_listed_and_added(emu: InProcess) -> None:
    before = emu.http.get("/_emulator/tenants", headers=admin(emu)).json()
    assert [t["id"] for t in before] == [emu.dev.tenant_id]
    fabrikam = add_tenant(emu, "Fabrikam")
    assert fabrikam["defaultDomain"] == "fabrikam.onmicrosoft.com"
    after = emu.http.get("/_emulator/tenants", headers=admin(emu)).json()
    assert len(after) == 2
    # The dev app works in the new tenant, and that tenant has its own world.
    token = emu.token(tenant=fabrikam["id"])
    assert jwt.decode(token, options={"verify_signature": False})["tid"] == fabrikam["id"]
    theirs = {a["id"] for a in emu.api("GET", "/api/alerts", token).json()["value"]}
    ours = {a["id"] for a in emu.api("GET", "/api/alerts", emu.token()).json()["value"]}
    assert theirs
    assert ours
    assert not theirs & ours


def test_control_api_needs_the_admin_key(emu: InProcess) -> None:
    assert emu.http.get("/_emulator/tenants").status_code == 403
    assert (
        emu.http.get("/_emulator/tenants", headers={"X-Emulator-Admin-Key": "nope"}).status_code
        == 403
    )
    api_token = {"Authorization": f"Bearer {emu.token()}"}
    assert emu.http.get("/_emulator/tenants", headers=api_token).status_code == 403


def test_multi_tenant_app_before_and_after_admin_consent(emu: InProcess) -> None:
    customer = add_tenant(emu, "Northwind")
    app = make_app(emu, multi=True, redirect=[REDIRECT])
    before = token_response(emu, customer["id"], app)
    assert before.status_code == 400
    assert before.json()["error_codes"] == [700016]

    url = (
        f"/organizations/v2.0/adminconsent?client_id={app['client_id']}&scope="
        f"https://api.securitycenter.microsoft.com/.default&redirect_uri={REDIRECT}&state=s1"
    )
    page = emu.http.get(url, headers=admin(emu))
    assert page.status_code == 200
    assert "Read all alerts" in page.text
    assert "Northwind" in page.text
    answer = emu.http.post(
        url,
        headers=admin(emu),
        follow_redirects=False,
        data={"csrf": csrf_of(page.text), "tenant": customer["id"], "decision": "accept"},
    )
    assert answer.status_code == 302
    target = urlparse(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == REDIRECT
    query = parse_qs(target.query)
    assert query["admin_consent"] == ["True"]
    assert query["tenant"] == [customer["id"]]
    assert query["state"] == ["s1"]
    assert query["scope"] == ["https://api.securitycenter.microsoft.com/.default"]

    after = token_response(emu, customer["id"], app)
    assert after.status_code == 200
    claims = jwt.decode(after.json()["access_token"], options={"verify_signature": False})
    assert claims["tid"] == customer["id"]
    assert claims["roles"] == ["Alert.Read.All"]


def test_the_guides_legacy_consent_link(emu: InProcess) -> None:
    customer = add_tenant(emu, "Tailspin")
    app = make_app(emu, multi=True, redirect=["https://portal.azure.com"])
    url = (
        f"/common/oauth2/authorize?prompt=consent&client_id={app['client_id']}"
        "&response_type=code&sso_reload=true"
    )
    page = emu.http.get(url, headers=admin(emu))
    assert page.status_code == 200
    answer = emu.http.post(
        url,
        headers=admin(emu),
        follow_redirects=False,
        data={"csrf": csrf_of(page.text), "tenant": customer["id"], "decision": "accept"},
    )
    assert answer.status_code == 302
    location = urlparse(answer.headers["location"])
    assert location.netloc == "portal.azure.com"
    assert "code" in parse_qs(location.query)
    assert token_response(emu, customer["id"], app).status_code == 200


def test_declining_redirects_with_an_error(emu: InProcess) -> None:
    app = make_app(emu, multi=True, redirect=[REDIRECT])
    url = (
        f"/{emu.dev.tenant_id}/adminconsent?client_id={app['client_id']}&state=z"
        f"&redirect_uri={REDIRECT}"
    )
    page = emu.http.get(url, headers=admin(emu))
    answer = emu.http.post(
        url,
        headers=admin(emu),
        follow_redirects=False,
        data={"csrf": csrf_of(page.text), "decision": "decline", "tenant": emu.dev.tenant_id},
    )
    query = parse_qs(urlparse(answer.headers["location"]).query)
    assert query["error"] == ["consent_required"]
    assert query["error_description"][0].startswith("AADSTS65004")
    assert query["state"] == ["z"]


def test_consent_page_errors(emu: InProcess) -> None:
    single = make_app(emu, multi=False, redirect=[REDIRECT])
    other = add_tenant(emu, "Elsewhere")
    page = emu.http.get(
        f"/{other['id']}/adminconsent?client_id={single['client_id']}", headers=admin(emu)
    )
    assert page.status_code == 400
    assert "AADSTS50194" in page.text
    unknown = emu.http.get(
        "/common/adminconsent?client_id=00000000-0000-0000-0000-000000000009", headers=admin(emu)
    )
    assert "AADSTS700016" in unknown.text
    wrong_reply = emu.http.get(
        f"/common/adminconsent?client_id={single['client_id']}&redirect_uri=https://evil.example",
        headers=admin(emu),
    )
    assert "AADSTS50011" in wrong_reply.text
    assert emu.http.get(f"/common/adminconsent?client_id={single['client_id']}").status_code == 403
    forged = emu.http.post(
        f"/common/adminconsent?client_id={single['client_id']}",
        headers=admin(emu),
        data={"csrf": "1.abc", "decision": "accept", "tenant": emu.dev.tenant_id},
    )
    assert forged.status_code == 400


def test_revoking_consent_takes_effect_for_new_tokens(emu: InProcess) -> None:
    app = make_app(emu, multi=True)
    assert "roles" in jwt.decode(
        token_response(emu, emu.dev.tenant_id, app).json()["access_token"],
        options={"verify_signature": False},
    )
    graph = emu.token(GRAPH_SCOPE)
    sp = emu.api("GET", f"/v1.0/servicePrincipals(appId='{app['client_id']}')", graph).json()
    assignments = emu.api(
        "GET", f"/v1.0/servicePrincipals/{sp['id']}/appRoleAssignments", graph
    ).json()
    for assignment in assignments["value"]:
        deleted = emu.api(
            "DELETE",
            f"/v1.0/servicePrincipals/{sp['id']}/appRoleAssignments/{assignment['id']}",
            graph,
        )
        assert deleted.status_code == 204
    claims = jwt.decode(
        token_response(emu, emu.dev.tenant_id, app).json()["access_token"],
        options={"verify_signature": False},
    )
    assert "roles" not in claims
    revoke = emu.http.delete(
        "/_emulator/consent",
        headers=admin(emu),
        params={"tenant": emu.dev.tenant_id, "clientId": app["client_id"]},
    )
    assert revoke.status_code == 204
    assert token_response(emu, emu.dev.tenant_id, app).json()["error_codes"] == [700016]


def test_key_rotation_keeps_old_tokens_valid(emu: InProcess) -> None:
    old = emu.token()
    old_kid = jwt.get_unverified_header(old)["kid"]
    rotated = emu.http.post("/_emulator/keys/rotate", headers=admin(emu)).json()
    assert rotated["kid"] != old_kid
    kids = [k["kid"] for k in emu.http.get("/common/discovery/keys").json()["keys"]]
    assert set(kids) == {old_kid, rotated["kid"]}
    new = emu.token()
    assert jwt.get_unverified_header(new)["kid"] == rotated["kid"]
    assert emu.api("GET", "/api/alerts?$top=1", old).status_code == 200
    assert emu.api("GET", "/api/alerts?$top=1", new).status_code == 200
    emu.http.post("/_emulator/keys/rotate", headers=admin(emu))
    assert emu.api("GET", "/api/alerts?$top=1", old).status_code == 401, "two rotations retire it"


def test_clock_and_token_lifetime(emu: InProcess) -> None:
    changed = emu.http.patch(
        "/_emulator/settings", headers=admin(emu), json={"tokenLifetimeSeconds": 600}
    )
    assert changed.json() == {"tokenLifetimeSeconds": 600}
    claims = jwt.decode(emu.token(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900
    token = emu.token()
    moved = emu.http.post("/_emulator/clock", headers=admin(emu), json={"advance": 1200}).json()
    assert moved["offsetSeconds"] == 1200
    assert emu.api("GET", "/api/alerts?$top=1", token).status_code == 401
    bad = emu.http.patch(
        "/_emulator/settings", headers=admin(emu), json={"tokenLifetimeSeconds": 5}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("body", [b"not json", b"[1]", b'{"advance": "soon"}'])
def test_control_api_rejects_bad_bodies(emu: InProcess, body: bytes) -> None:
    response = emu.http.post(
        "/_emulator/clock", headers={**admin(emu), "Content-Type": "application/json"}, content=body
    )
    assert response.status_code == 400
