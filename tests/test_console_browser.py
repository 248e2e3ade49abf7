"""The web console in a real browser (Debian's headless Chromium driven by Playwright)
against an emulator on a real HTTPS port: the guide's portal half (register an app, add
Alert.Read.All, grant consent, create a secret), then mdekit using that secret, the token in
the inspector, and both the allowed call and a refused one in the live journal.

Screenshots go to `test-artifacts/console/` (or `$MDE_TEST_ARTIFACTS/console/`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mdekit import Client
from mdekit.client.errors import Forbidden
from tests.support.emulators import DEFENDER_SCOPE, Served, served

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="no /usr/bin/chromium: install Debian's chromium (apt-get install -y chromium)",
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
Page = Any
"""playwright's Page (typed loosely: the module is imported only when present)."""

GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TIMEOUT_MS = 15_000


def artifacts_dir() -> Path:
    root = os.environ.get("MDE_TEST_ARTIFACTS")
    base = Path(root) if root else Path(__file__).resolve().parent.parent / "test-artifacts"
    target = base / "console"
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("console-browser"), quotas=False) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, emulator: Served) -> Iterator[Page]:
    # The emulator's CA is not in Chromium's store; the page is still a secure context.
    context = browser.new_context(ignore_https_errors=True, base_url=emulator.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=emulator.url)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(message.text)

    opened.on("console", on_console)
    yield opened
    context.close()
    # No script errors and no Content-Security-Policy violations on any page.
    assert problems == []


class Shots:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.folder = artifacts_dir()
        self.count = 0

    def take(self, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")


def register_app(page: Page, name: str) -> tuple[str, str]:
    """Through the pages, as in the portal: (client ID, tenant ID) from the overview."""
    page.get_by_role("navigation", name="Console").get_by_role(
        "link", name="App registrations"
    ).click()
    page.get_by_role("link", name="New registration").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label(re.compile("organizational directory only")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(rf"/_console/apps/{GUID}\?done=registered"))
    client_id = page.locator("#client-id").inner_text()
    tenant_id = page.locator("#tenant-id").inner_text()
    return client_id, tenant_id


def add_alert_read(page: Page) -> None:
    page.get_by_role("link", name="API permissions").click()
    page.get_by_label("Alert.Read.All", exact=True).check()
    page.get_by_role("button", name="Add permissions").click()
    row = page.locator('tr[data-permission="Alert.Read.All"]')
    sync_api.expect(row).to_contain_text("Not granted")


def add_secret(page: Page) -> str:
    page.get_by_role("link", name="Certificates & secrets").click()
    page.get_by_label("Description").first.fill("browser test")
    page.get_by_role("button", name="Add client secret").click()
    value = str(page.locator("#new-secret-value").inner_text()).strip()
    assert len(value) == 40
    return value


def test_the_guides_portal_steps_then_mdekit_inspector_and_journal(
    page: Page, emulator: Served
) -> None:
    shots = Shots(page)
    page.goto("/")
    sync_api.expect(page.locator("h1")).to_have_text("Contoso")
    page.keyboard.press("Tab")
    sync_api.expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    client_id, tenant_id = register_app(page, "Browser test app")
    assert tenant_id == emulator.dev.tenant_id
    copy = page.get_by_role("button", name="Copy the application (client) ID")
    sync_api.expect(copy).to_be_visible()
    copy.click()
    sync_api.expect(copy).to_have_attribute("data-copied", "true")
    assert page.evaluate("navigator.clipboard.readText()") == client_id
    shots.take("overview")

    add_alert_read(page)
    page.get_by_role("button", name="Grant admin consent for Contoso").click()
    row = page.locator('tr[data-permission="Alert.Read.All"]')
    sync_api.expect(row).to_contain_text("Granted")
    sync_api.expect(row).not_to_contain_text("Not granted")
    shots.take("api-permissions")

    secret = add_secret(page)
    page.get_by_role("link", name="Certificates & secrets").click()
    sync_api.expect(page.locator("#secrets-table")).to_contain_text(secret[:3] + "*" * 12)
    assert secret not in page.content()
    shots.take("certificates-and-secrets")

    # mdekit, configured like a user would, lists alerts with the new app's secret.
    settings = emulator.settings(client_id=client_id, client_secret=secret)
    with Client(settings=settings) as client:
        alerts = list(client.alerts.list(top=5))
    assert len(alerts) == 5

    token = httpx.post(
        f"{emulator.url}/{tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": DEFENDER_SCOPE,
        },
        verify=emulator.bundle,
    ).json()["access_token"]
    page.get_by_role("link", name="Token inspector").click()
    page.get_by_label("Access token").fill(token)
    page.get_by_label("Would it be allowed to call").select_option("alerts.list")
    page.get_by_role("button", name="Inspect").click()
    sync_api.expect(page.locator("#signature-verdict")).to_contain_text("Signature verified")
    sync_api.expect(page.locator("#access-verdict")).to_contain_text("Allowed")
    sync_api.expect(page.locator("#roles li.role-match")).to_have_text(
        re.compile(r"^Alert\.Read\.All")
    )
    assert token not in page.url
    shots.take("token-inspector")

    page.get_by_role("link", name="Request journal").click()
    allowed = page.locator("#journal-table tbody tr", has_text="GET /api/alerts").filter(
        has_text="Browser test app"
    )
    sync_api.expect(allowed.first).to_contain_text("200")
    sync_api.expect(allowed.first).to_contain_text("token has Alert.Read.All")
    shots.take("journal")


def test_a_call_without_consent_shows_its_403_reason_in_the_live_journal(
    page: Page, emulator: Served
) -> None:
    shots = Shots(page)
    shots.count = 10
    page.goto("/")
    client_id, _ = register_app(page, "No consent app")
    add_alert_read(page)
    secret = add_secret(page)

    page.get_by_role("link", name="Request journal").click()
    sync_api.expect(page.locator("#live-status")).to_contain_text("Live")
    settings = emulator.settings(client_id=client_id, client_secret=secret)
    with Client(settings=settings) as client, pytest.raises(Forbidden) as refused:
        list(client.alerts.list(top=1))
    assert refused.value.token_roles == ()

    # The row arrives through the page's polling, without a reload.
    row = page.locator('#journal-table tbody tr[data-status="403"]', has_text="No consent app")
    sync_api.expect(row.first).to_contain_text(
        "does not have any of the required application permissions"
    )
    sync_api.expect(row.first).to_contain_text("token has none of them")
    shots.take("journal-live-403")

    page.get_by_label("Status").select_option("403")
    page.get_by_role("button", name="Apply filters and refresh").click()
    page.wait_for_url(re.compile(r"status=403"))
    statuses = page.locator("#journal-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.status)"
    )
    assert statuses
    assert set(statuses) == {"403"}
    shots.take("journal-filtered")
