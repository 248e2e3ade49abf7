"""The console's app registration pages over plain HTTP (in process): registering, API
permissions and admin consent reaching the tokens, certificates, deleting, the consent page
in the console's layout, and the tenant switcher."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from tests.support.console import (
    add_permission,
    admin_client,
    certificate,
    form_token,
    new_secret,
    post,
    register,
    roles_of,
    token_for,
)
from tests.support.emulators import InProcess, in_process


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """One emulator for this module; each test makes its own apps."""
    with in_process(tmp_path_factory.mktemp("console"), quotas=False) as emulator:
        yield emulator


@pytest.fixture
def admin(emu: InProcess) -> TestClient:
    return admin_client(emu)


def test_registering_shows_the_ids_and_creates_the_service_principal(
    emu: InProcess, admin: TestClient
) -> None:
    app_id = register(admin, "ids app")
    page = admin.get(f"/_console/apps/{app_id}?done=registered").text
    assert re.search(rf'id="client-id">{app_id}<', page)
    assert re.search(rf'id="tenant-id">{emu.dev.tenant_id}<', page)
    assert 'data-copy="client-id" hidden' in page
    assert "The app is registered" in page
    repo = emu.emulator.identity.repo
    assert repo.service_principal(emu.dev.tenant_id, app_id) is not None
    bad = post(admin, "/_console/apps/new", {"name": "  ", "audience": "AzureADMyOrg"})
    assert bad.status_code == 400
    assert "needs a name" in bad.text
    bad_uri = post(admin, "/_console/apps/new", {"name": "x", "redirect_uri": "ftp://x"})
    assert "redirect URI" in bad_uri.text


def test_permissions_added_then_consented_reach_the_token(
    emu: InProcess, admin: TestClient
) -> None:
    app_id = register(admin, "consent app")
    secret = new_secret(admin, app_id)
    add_permission(admin, app_id, "Alert.Read.All")
    page = admin.get(f"/_console/apps/{app_id}/permissions?done=added").text
    row = re.search(r'<tr data-permission="Alert.Read.All">.*?</tr>', page, re.S)
    assert row
    assert "Not granted" in row.group(0)
    assert "Read all alerts" in row.group(0)
    assert roles_of(token_for(emu, app_id, secret)) == []

    grant = post(admin, f"/_console/apps/{app_id}/permissions", {"action": "grant"})
    assert grant.headers["location"].endswith("?done=granted")
    page = admin.get(f"/_console/apps/{app_id}/permissions").text
    row = re.search(r'<tr data-permission="Alert.Read.All">.*?</tr>', page, re.S)
    assert row
    assert "Granted" in row.group(0)
    assert "Not granted" not in row.group(0)
    assert roles_of(token_for(emu, app_id, secret)) == ["Alert.Read.All"]

    post(admin, f"/_console/apps/{app_id}/permissions", {"action": "revoke"})
    assert roles_of(token_for(emu, app_id, secret)) == []
    key = re.search(r'name="permission" value="([^"]+)">\s*<button', page)
    assert key
    removed = post(
        admin,
        f"/_console/apps/{app_id}/permissions",
        {"action": "remove", "permission": key.group(1)},
    )
    assert removed.status_code == 303
    assert (
        "Alert.Read.All"
        not in admin.get(f"/_console/apps/{app_id}/permissions")
        .text.split("Add a permission")[0]
        .split("Configured permissions")[1]
    )
    unknown = post(
        admin, f"/_console/apps/{app_id}/permissions", {"action": "add", "permission": "x:y"}
    )
    assert unknown.status_code == 400
    assert "Unknown permission" in unknown.text


def test_certificates_are_uploaded_as_pem_or_file_and_deleted(admin: TestClient) -> None:
    app_id = register(admin, "certificate app")
    path = f"/_console/apps/{app_id}/credentials"
    der, thumbprint = certificate()
    pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()
    pasted = post(admin, path, {"action": "upload-certificate", "certificate_pem": pem})
    assert pasted.headers["location"].endswith("?done=certificate-added")
    page = admin.get(path).text
    assert thumbprint in page.upper()
    assert "CN=console test" in page

    other_der, other_thumbprint = certificate()
    token = form_token(page)
    uploaded = admin.post(
        path,
        data={"csrf": token, "action": "upload-certificate", "description": "as a file"},
        files={"certificate_file": ("cert.cer", other_der, "application/pkix-cert")},
    )
    assert uploaded.status_code == 303, uploaded.text
    page = admin.get(path).text
    assert other_thumbprint in page.upper()
    assert "as a file" in page

    junk = post(admin, path, {"action": "upload-certificate", "certificate_pem": "nonsense"})
    assert junk.status_code == 400
    assert "not a valid X.509 certificate" in junk.text
    key_ids = re.findall(r'name="key_id" value="([0-9a-f-]+)"', page)
    assert len(key_ids) == 2
    for key_id in key_ids:
        post(admin, path, {"action": "delete-certificate", "key_id": key_id})
    assert "No certificates have been added" in admin.get(path).text


def test_deleting_an_app_removes_it(admin: TestClient) -> None:
    app_id = register(admin, "short lived")
    gone = post(admin, f"/_console/apps/{app_id}/delete", {})
    assert gone.headers["location"] == "/_console/apps?done=deleted"
    assert admin.get(f"/_console/apps/{app_id}").status_code == 404
    assert "short lived" not in admin.get("/_console/apps").text


def test_the_consent_page_sits_in_the_console_layout(emu: InProcess, admin: TestClient) -> None:
    app_id = register(admin, "partner app", audience="AzureADMultipleOrgs")
    add_permission(admin, app_id, "Machine.Read.All")
    overview = admin.get(f"/_console/apps/{app_id}").text
    assert f"/common/adminconsent?client_id={app_id}" in overview
    page = admin.get(f"/common/adminconsent?client_id={app_id}")
    assert page.status_code == 200
    assert 'aria-label="Console"' in page.text
    assert "Read all machine profiles" in page.text
    assert 'id="tenant-switch"' not in page.text


def test_switching_tenant_changes_what_the_pages_show(emu: InProcess, admin: TestClient) -> None:
    created = emu.http.post(
        "/_emulator/tenants",
        json={"name": "Woodgrove"},
        headers={"X-Emulator-Admin-Key": emu.emulator.admin_key},
    ).json()
    token = form_token(admin.get("/").text)
    switched = admin.post(
        "/_console/tenant",
        data={"csrf": token, "tenant": created["id"], "next": "/_console/apps"},
    )
    assert switched.headers["location"] == "/_console/apps"
    assert "mdekit_console_tenant=" in switched.headers["set-cookie"]
    page = admin.get("/_console/apps").text
    assert "No app is registered in this tenant yet." in page
    assert f'value="{created["id"]}" selected' in page
    assert "<h1>Woodgrove</h1>" in admin.get("/").text
    unknown = admin.post("/_console/tenant", data={"csrf": token, "tenant": "nope", "next": "//x"})
    assert unknown.headers["location"] == "/"
    assert "set-cookie" not in unknown.headers
