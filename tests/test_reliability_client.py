"""The client, sync and async, and the alert feed get every alert exactly once through the
faults a real service has: bursts of 500/502/503/504, stalls past the client's timeout, 429
storms with a long `Retry-After`, and a token that expires between two pages. Faults come from
the emulator's control API; the client's sleeps are recorded instead of slept (and, for the
throttle, move the emulator's clock), so the tests take seconds."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mdekit import AsyncClient, Client
from mdekit.client.core import RetryPolicy
from mdekit.client.errors import MdeError, RateLimited, TransportError
from mdekit.client.pacing import PacingSettings
from mdekit.export.alerts import AlertFeed, FeedSettings
from tests.support.emulators import Served, served, wait_for

NO_PACING = PacingSettings(enabled=False)
PAGE = 7
"""60 alerts in pages of 7: nine pages, so a fault lands in the middle of a listing."""


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("reliability-client"), quotas=False) as running:
        yield running


@pytest.fixture
def admin(own: Served) -> Iterator[httpx.Client]:
    with control(own) as http:
        yield http
        http.delete("/_emulator/faults")


@pytest.fixture(scope="module")
def every_alert(own: Served) -> list[str]:
    with Client(settings=own.settings(), pacing=NO_PACING) as client:
        return sorted(a.id for a in client.alerts.list())


def control(server: Served) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        verify=ssl.create_default_context(cafile=server.bundle),
        headers={"X-Emulator-Admin-Key": server.running.emulator.admin_key},
    )


def fault(admin: httpx.Client, **rule: Any) -> None:
    answer = admin.post("/_emulator/faults", json={"path": "/api/alerts*", **rule})
    assert answer.status_code == 201, answer.text


def list_alerts(
    kind: str,
    server: Served,
    *,
    sleep: Callable[[float], None],
    on_item: Callable[[int], None] = lambda _n: None,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
) -> list[str]:
    """Every alert id, listed by the sync or the async client in pages of PAGE; `on_item`
    runs after each item (to change the emulator in the middle of the listing)."""
    settings = server.settings()
    ids: list[str] = []
    if kind == "sync":
        with Client(
            settings=settings, pacing=NO_PACING, sleep=sleep, timeout=timeout, retry=retry
        ) as client:
            for alert in client.alerts.list(page_size=PAGE):
                ids.append(alert.id)
                on_item(len(ids))
        return ids

    async def asleep(seconds: float) -> None:
        sleep(seconds)

    async def run() -> None:
        async with AsyncClient(
            settings=settings, pacing=NO_PACING, sleep=asleep, timeout=timeout, retry=retry
        ) as client:
            async for alert in client.alerts.list(page_size=PAGE):
                ids.append(alert.id)
                on_item(len(ids))

    asyncio.run(run())
    return ids


def complete(ids: list[str], every_alert: list[str]) -> None:
    assert len(ids) == len(set(ids)), "an alert came twice"
    assert sorted(ids) == every_alert, "an alert is missing"


KINDS = pytest.mark.parametrize("kind", ["sync", "async"])


@KINDS
def test_bursts_of_server_errors(
    kind: str, own: Served, admin: httpx.Client, every_alert: list[str]
) -> None:
    sleeps: list[float] = []
    fault(admin, status=503, count=3, retryAfter=2)
    # Each burst comes once the one before has been met. The clients fetch ahead, so the
    # request that met a burst's last fault may meet the next burst's first ones when it
    # is sent again: the policy allows for two bursts on one request. The last burst comes
    # early enough (item 30 of 60) for a page that is needed still to meet it.
    later = [(10, 500), (20, 502), (30, 504)]

    def on_item(n: int) -> None:
        if later and n >= later[0][0] and admin.get("/_emulator/faults").json() == []:
            fault(admin, status=later.pop(0)[1], count=3)

    two_bursts = RetryPolicy(attempts=7)
    ids = list_alerts(kind, own, sleep=sleeps.append, on_item=on_item, retry=two_bursts)
    complete(ids, every_alert)
    assert later == [], "every burst was injected"
    assert admin.get("/_emulator/faults").json() == [], "every injected fault was met"
    assert sleeps[:3] == [2, 2, 2], "503 honours Retry-After"
    assert len(sleeps) == 12, "a backoff before each resend, and nothing more"


@KINDS
def test_stalls_past_the_timeout(
    kind: str, own: Served, admin: httpx.Client, every_alert: list[str]
) -> None:
    sleeps: list[float] = []
    # The next two answers come 4 s late; the client gives up on each after 1.5 s.
    fault(admin, status=None, stallSeconds=4, count=2)
    ids = list_alerts(kind, own, sleep=sleeps.append, timeout=1.5)
    complete(ids, every_alert)
    assert admin.get("/_emulator/faults").json() == []
    assert len(sleeps) >= 2, "each timed-out page was sent again after a backoff"


@KINDS
def test_a_429_storm_with_a_long_retry_after(
    kind: str, own: Served, admin: httpx.Client, every_alert: list[str]
) -> None:
    sleeps: list[float] = []
    fault(admin, status=429, count=3, retryAfter=120)

    def on_item(n: int) -> None:
        if n == 20:
            fault(admin, status=429, count=3, retryAfter=240)

    ids = list_alerts(kind, own, sleep=sleeps.append, on_item=on_item)
    complete(ids, every_alert)
    assert sleeps == [120] * 3 + [240] * 3, "waited as long as the service asked, no longer"


@KINDS
def test_a_retry_after_beyond_the_cap_is_raised_not_slept(
    kind: str, own: Served, admin: httpx.Client
) -> None:
    """RetryPolicy.max_retry_after (300 s by default): a longer wait is the caller's call."""
    sleeps: list[float] = []
    fault(admin, status=429, count=1, retryAfter=3600)
    with pytest.raises(RateLimited) as caught:
        list_alerts(kind, own, sleep=sleeps.append)
    assert caught.value.retry_after == 3600
    assert sleeps == []


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[Served]:
    """An emulator of its own: these tests move its clock."""
    with served(tmp_path / "clocked", quotas=False) as running:
        yield running


@KINDS
def test_a_token_that_expires_between_pages(kind: str, clocked: Served) -> None:
    with Client(settings=clocked.settings(), pacing=NO_PACING) as client:
        every_alert = sorted(a.id for a in client.alerts.list())
    with control(clocked) as admin:

        def on_item(n: int) -> None:
            if n == 10:  # the cached token is two hours old from here on
                moved = admin.post("/_emulator/clock", json={"advance": 7200})
                assert moved.status_code == 200

        ids = list_alerts(kind, clocked, sleep=lambda _s: None, on_item=on_item)
        complete(ids, every_alert)
        expired = admin.get("/_emulator/journal", params={"status": 401}).json()
    assert expired, "a page was refused with the stale token, then sent again with a new one"


def test_the_alert_feed_through_every_fault(tmp_path: Path) -> None:
    """One export round over many windows while the emulator fails in every way in turn;
    the file has each alert once."""
    with served(tmp_path / "feed", quotas=False) as server, control(server) as admin:
        with Client(settings=server.settings(), pacing=NO_PACING) as client:
            every_alert = sorted(a.id for a in client.alerts.list())
        # One fault per window written, in this order, the clock moved last.
        faults: list[dict[str, Any]] = [
            {"status": 503, "count": 3, "retryAfter": 5},
            {"status": 500, "count": 3},
            {"status": None, "stallSeconds": 4, "count": 1},
            {"status": 429, "count": 3, "retryAfter": 200},
            {"status": 502, "count": 2},
        ]

        def hook(point: str) -> None:
            if point != "after_checkpoint":
                return
            if faults:
                fault(admin, **faults.pop(0))
            else:
                admin.post("/_emulator/clock", json={"advance": 7200})

        sleeps: list[float] = []
        with Client(
            settings=server.settings(), pacing=NO_PACING, sleep=sleeps.append, timeout=1.5
        ) as client:
            feed = AlertFeed(
                client,
                FeedSettings(
                    since=datetime.now(UTC) - timedelta(days=60),
                    checkpoint=tmp_path / "checkpoint.json",
                    output=tmp_path / "alerts.ndjson",
                    window=timedelta(days=5),
                    page_size=5,
                ),
                hook=hook,
            )
            written = feed.run_once()
        assert not faults, "the export outlived every fault"
        assert admin.get("/_emulator/faults").json() == [], "each rule was met, in full"
        assert len(sleeps) >= 11, "a wait before each resend"
    lines = (tmp_path / "alerts.ndjson").read_text().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert written == len(ids)
    complete(ids, every_alert)


def test_a_token_endpoint_that_is_down_is_a_transport_error(own: Served) -> None:
    """Not "authentication failed" (exit 3: fix the credentials) but the service could not
    be reached (exit 6: try again), as when the emulator is restarting."""
    with socket.socket() as probe:  # a port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings = own.settings(authority=f"https://127.0.0.1:{closed}")
    sleeps: list[float] = []
    with (
        Client(
            settings=settings, pacing=NO_PACING, retry=RetryPolicy(attempts=2), sleep=sleeps.append
        ) as client,
        pytest.raises(MdeError) as caught,
    ):
        next(iter(client.alerts.list()))
    assert type(caught.value) is TransportError
    assert len(sleeps) == 1, "retried like any other outage"
    assert "could not reach the token endpoint" in str(caught.value)
    assert "Connection refused" in str(caught.value)
    assert own.dev.client_secret not in str(caught.value)


def test_a_caller_that_hangs_up_is_journalled_as_499_not_500(
    own: Served, admin: httpx.Client
) -> None:
    """A client that timed out is not a fault of the emulator's: the journal says 499."""
    with Client(settings=own.settings(), pacing=NO_PACING) as client:
        machine = next(iter(client.machines.list(limit=1))).id
        token = client.token()
    fault(admin, path="/api/machines/*/runAntiVirusScan", status=None, stallSeconds=2, count=1)
    with (
        httpx.Client(
            base_url=own.url, verify=ssl.create_default_context(cafile=own.bundle), timeout=0.5
        ) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        impatient.post(
            f"/api/machines/{machine}/runAntiVirusScan",
            headers={"Authorization": f"Bearer {token}"},
            json={"Comment": "gave up waiting", "ScanType": "Quick"},
        )

    def journalled() -> list[dict[str, Any]]:
        entries = admin.get("/_emulator/journal", params={"path": f"/api/machines/{machine}"})
        return [e for e in entries.json() if "runAntiVirusScan" in e["path"]]

    wait_for(journalled, 20)
    [entry] = journalled()
    assert entry["status"] == 499
    assert entry["reason"].startswith("the client closed the connection before the answer")
