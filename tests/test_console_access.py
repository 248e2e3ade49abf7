"""The web console's access rules over plain HTTP (in process): only the emulator's admin, a
sign-in cookie that scripts and other sites cannot use, a fresh form token from this origin
on every form, escaped names, and secrets and pasted tokens never shown again or journaled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mdekit.emulator.console import csrf
from tests.support.console import (
    BASE,
    admin_client,
    form_token,
    inspect,
    new_secret,
    post,
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


# -- who may use the console -------------------------------------------------------------


def test_strangers_are_sent_to_sign_in_and_refused_everything(emu: InProcess) -> None:
    stranger = TestClient(emu.http.app, base_url=BASE, follow_redirects=False)
    home = stranger.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == "/_console/login?next=/"
    page = stranger.get("/_console/apps?x=1")
    assert page.headers["location"] == "/_console/login?next=/_console/apps%3Fx%3D1"
    assert stranger.get("/_console/journal.json").status_code == 403
    token = csrf.issue(emu.emulator.admin_key, "console")
    refused = stranger.post("/_console/apps/new", data={"csrf": token, "name": "sneaky"})
    assert refused.status_code == 403
    wrong_key = {"X-Emulator-Admin-Key": "not-the-key"}
    assert stranger.get("/_console/apps", headers=wrong_key).status_code == 303
    names = [a.display_name for a in emu.emulator.identity.repo.applications(emu.dev.tenant_id)]
    assert "sneaky" not in names


def test_loopback_callers_are_the_admin_only_when_the_emulator_is_loopback_bound(
    tmp_path: Path,
) -> None:
    for loopback_admin, expected in ((True, 200), (False, 303)):
        with in_process(tmp_path / str(loopback_admin), loopback_admin=loopback_admin) as own:
            local = TestClient(
                own.http.app, base_url=BASE, client=("127.0.0.1", 40000), follow_redirects=False
            )
            assert local.get("/_console/apps").status_code == expected
            remote = TestClient(
                own.http.app, base_url=BASE, client=("192.0.2.7", 40000), follow_redirects=False
            )
            assert remote.get("/_console/apps").status_code == 303


def test_signing_in_with_the_admin_key_sets_a_strict_secure_http_only_cookie(
    emu: InProcess,
) -> None:
    browser = TestClient(emu.http.app, base_url=BASE, follow_redirects=False)
    form = browser.get("/_console/login?next=/_console/journal")
    assert form.status_code == 200
    assert 'type="password"' in form.text
    token = form_token(form.text)
    wrong = browser.post(
        "/_console/login", data={"csrf": token, "key": "guess", "next": "/_console/journal"}
    )
    assert wrong.status_code == 403
    assert "mdekit_admin" not in wrong.headers.get("set-cookie", "")
    right = browser.post(
        "/_console/login",
        data={"csrf": token, "key": emu.emulator.admin_key, "next": "/_console/journal"},
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/_console/journal"
    cookie = right.headers["set-cookie"].lower()
    assert cookie.startswith("mdekit_admin=")
    for attribute in ("httponly", "samesite=strict", "secure", "path=/"):
        assert attribute in cookie
    assert browser.get("/_console/journal").status_code == 200
    signed_in = browser.get("/").text
    assert "Sign out" in signed_in
    out = browser.post("/_console/logout", data={"csrf": form_token(signed_in)})
    assert out.status_code == 303
    assert browser.get("/").status_code == 303


def test_sign_in_goes_back_only_to_local_pages(emu: InProcess) -> None:
    browser = TestClient(emu.http.app, base_url=BASE, follow_redirects=False)
    token = form_token(browser.get("/_console/login").text)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        answer = browser.post(
            "/_console/login",
            data={"csrf": token, "key": emu.emulator.admin_key, "next": target},
        )
        assert answer.headers["location"] == "/"


def test_every_form_needs_a_fresh_token_from_this_site(emu: InProcess, admin: TestClient) -> None:
    key = emu.emulator.admin_key
    good = form_token(admin.get("/_console/apps").text)
    attempts: list[tuple[dict[str, str], dict[str, str]]] = [
        ({"name": "no token"}, {}),
        ({"name": "forged", "csrf": "1700000000.00ff"}, {}),
        ({"name": "login token", "csrf": csrf.issue(key, "console-login")}, {}),
        ({"name": "other origin", "csrf": good}, {"Origin": "https://evil.example"}),
        ({"name": "cross site", "csrf": good}, {"Sec-Fetch-Site": "cross-site"}),
        ({"name": "opaque origin", "csrf": good}, {"Origin": "null"}),
    ]
    for data, headers in attempts:
        answer = admin.post("/_console/apps/new", data=data, headers=headers)
        assert answer.status_code == 400, data["name"]
        assert "expired or came from another site" in answer.text
    names = {a.display_name for a in emu.emulator.identity.repo.applications(emu.dev.tenant_id)}
    assert not names & {a[0]["name"] for a in attempts}
    same_site = admin.post(
        "/_console/apps/new",
        data={"name": "same site", "csrf": good},
        headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"},
    )
    assert same_site.status_code == 303


def test_pages_refuse_framing_and_caching(admin: TestClient) -> None:
    page = admin.get("/_console/apps")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_names_are_escaped_everywhere_they_are_shown(emu: InProcess, admin: TestClient) -> None:
    name = "<script>alert('x')</script>"
    app_id = register(admin, name)
    for path in (
        "/_console/apps",
        f"/_console/apps/{app_id}",
        f"/_console/apps/{app_id}/permissions",
        "/_console/journal",
    ):
        page = admin.get(path).text
        assert "<script>alert(" not in page, path
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in admin.get("/_console/apps").text


def test_a_secret_is_shown_once_and_nowhere_after(emu: InProcess, admin: TestClient) -> None:
    app_id = register(admin, "secret app")
    secret = new_secret(admin, app_id)
    assert len(secret) == 40
    assert token_for(emu, app_id, secret)
    pages = [
        "/",
        "/_console/apps",
        f"/_console/apps/{app_id}",
        f"/_console/apps/{app_id}/permissions",
        f"/_console/apps/{app_id}/credentials",
        "/_console/journal",
        "/_console/journal.json",
        "/_console/inspector",
    ]
    for path in pages:
        assert secret not in admin.get(path).text, path
    credentials = admin.get(f"/_console/apps/{app_id}/credentials").text
    assert f"<code>{secret[:3]}************</code>" in credentials
    journal = emu.http.get(
        "/_emulator/journal?limit=5000", headers={"X-Emulator-Admin-Key": emu.emulator.admin_key}
    )
    assert secret not in journal.text

    key_id = re.search(r'name="key_id" value="([0-9a-f-]+)"', credentials)
    assert key_id
    gone = post(
        admin,
        f"/_console/apps/{app_id}/credentials",
        {"action": "delete-secret", "key_id": key_id.group(1)},
    )
    assert gone.headers["location"].endswith("?done=secret-deleted")
    assert "No client secrets" in admin.get(f"/_console/apps/{app_id}/credentials").text
    refused = emu.http.post(
        f"/{emu.dev.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app_id,
            "client_secret": secret,
            "scope": "https://api.securitycenter.microsoft.com/.default",
        },
    )
    assert refused.status_code == 401


def test_a_pasted_token_is_never_journaled(emu: InProcess, admin: TestClient) -> None:
    token = emu.token()
    inspect(admin, token, "alerts.list")
    journal = emu.emulator.runtime.journal.entries(limit=5000)
    assert all(token not in str(entry) for entry in journal)
    assert any(entry["path"] == "/_console/inspector" for entry in journal)
    assert token not in admin.get("/_console/journal").text
