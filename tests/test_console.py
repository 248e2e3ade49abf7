"""The console's token inspector, request journal, data pages and hunting box over plain HTTP
(in process)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.console import (
    admin_client,
    form_token,
    inspect,
    new_secret,
    register,
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


# -- token inspector ---------------------------------------------------------------------


def test_the_inspector_explains_verifies_and_checks_access(
    emu: InProcess, admin: TestClient
) -> None:
    token = emu.token()
    page = inspect(admin, token, "alerts.list")
    assert "Signature verified with the emulator&#39;s signing key" in page
    assert "Valid for WindowsDefenderATP" in page
    assert re.search(r'id="access-verdict">\s*<span class="badge ok">OK</span> Allowed', page)
    assert re.search(r'<li class="role-match"><strong>Alert.Read.All</strong>', page)
    assert "Application permissions granted to the app" in page
    assert "client secret" in page

    app_id = register(admin, "reader without consent")
    secret = new_secret(admin, app_id)
    bare = inspect(admin, token_for(emu, app_id, secret), "machines.isolate")
    assert "Refused with 403: it needs Machine.Isolate" in bare
    assert "The token carries no roles" in bare

    header, claims, signature = token.split(".")
    tampered = f"{header}.{claims}.{signature[:-6]}AAAAAA"
    assert "The signature does not verify" in inspect(admin, tampered, "alerts.list")
    graph = inspect(admin, emu.token("https://graph.microsoft.com/.default"), "alerts.list")
    assert "WindowsDefenderATP would answer 401: the token audience" in graph
    assert "Not a JWT" in inspect(admin, "not a token", "alerts.list")


# -- request journal ---------------------------------------------------------------------


def test_the_journal_shows_calls_their_roles_and_why_they_failed(
    emu: InProcess, admin: TestClient
) -> None:
    app_id = register(admin, "journal app")
    secret = new_secret(admin, app_id)
    no_roles = token_for(emu, app_id, secret)
    assert emu.api("GET", "/api/alerts", no_roles).status_code == 403
    assert emu.api("GET", "/api/alerts").status_code == 401
    assert emu.api("GET", "/api/machines", emu.token()).status_code == 200

    page = admin.get("/_console/journal").text
    assert "GET /api/alerts" in page
    assert "The application does not have any of the required application permissions" in page
    assert "no Authorization header" in page
    assert "journal app" in page
    assert 'class="role-match">Machine.Read.All' in page
    assert "token has none of them" in page
    assert "GET /_console/" not in page

    only_403 = admin.get("/_console/journal", params={"status": "403", "app": app_id}).text
    statuses = re.findall(r'<tr data-seq="\d+" data-status="(\d+)">', only_403)
    assert statuses == ["403"]

    newest = max(int(s) for s in re.findall(r'data-seq="(\d+)"', page))
    emu.api("GET", "/api/alerts", no_roles)
    feed = admin.get("/_console/journal.json", params={"since": str(newest)}).json()
    later = feed["rows"]
    assert feed["newest"] >= later[0]["seq"] > newest
    assert [row["status"] for row in later] == [403]
    assert later[0]["app"] == "journal app"
    assert later[0]["needed"] == ["Alert.Read.All", "Alert.ReadWrite.All"]
    assert later[0]["matched"] == []


# -- data --------------------------------------------------------------------------------


def test_data_pages_list_the_tenants_entities_in_pages(emu: InProcess, admin: TestClient) -> None:
    token = emu.token()
    machine = emu.api("GET", "/api/machines?$top=1", token).json()["value"][0]
    assert machine["computerDnsName"] in admin.get("/_console/machines").text
    # An antivirus scan is a Windows-only action: the first machine may run Linux or macOS.
    windows = emu.api("GET", "/api/machines?$filter=osPlatform eq 'Windows10'&$top=1", token)
    machine = windows.json()["value"][0]
    first = admin.get("/_console/alerts").text
    assert 'rel="next"' in first
    assert first.count("<tr>") == 51  # the header row and a page of 50
    second = admin.get("/_console/alerts?page=2").text
    assert 'rel="prev"' in second
    assert second.count("<tr>") == 1 + 10

    high = admin.get("/_console/alerts", params={"filter": "severity eq 'High'"}).text
    assert "Medium" not in high.split("<tbody>")[1]
    bad = admin.get("/_console/alerts", params={"filter": "severity eq"})
    assert bad.status_code == 400
    assert "The API would answer 400" in bad.text

    scan = emu.api(
        "POST",
        f"/api/machines/{machine['id']}/runAntiVirusScan",
        token,
        json={"Comment": "from the console test", "ScanType": "Quick"},
    )
    assert scan.status_code == 201, scan.text
    actions = admin.get("/_console/actions").text
    assert "RunAntiVirusScan" in actions
    assert "from the console test" in actions
    indicator = emu.api(
        "POST",
        "/api/indicators",
        token,
        json={
            "indicatorValue": "203.0.113.9",
            "indicatorType": "IpAddress",
            "action": "Block",
            "title": "console test",
            "description": "d",
            "severity": "High",
        },
    )
    assert indicator.status_code == 200, indicator.text
    assert "203.0.113.9" in admin.get("/_console/indicators").text


def test_hunting_shows_results_or_the_engines_message(admin: TestClient) -> None:
    page = admin.get("/_console/hunting").text
    token = form_token(page)
    ran = admin.post(
        "/_console/hunting", data={"csrf": token, "query": "print x=1, y='<b>bold</b>'"}
    )
    assert ran.status_code == 200
    assert 'x <span class="muted">(Int64)</span>' in ran.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in ran.text
    assert "1 row" in ran.text
    bad = admin.post("/_console/hunting", data={"csrf": token, "query": "DeviceInfo |"})
    assert bad.status_code == 400
    assert "Syntax error" in bad.text
