"""Bulk machine actions from the CLI killed with SIGKILL in the middle of a run and run again:
every machine ends with exactly one action of the run, never two. Actions complete within a
fraction of a second here, so the emulator's "one action in flight per kind" rule would not
stop a duplicate: only the client's reuse of the earlier run's actions does."""

from __future__ import annotations

import json
import signal
import ssl
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mdekit import Client
from mdekit.client.bulk import run_bulk
from mdekit.client.pacing import PacingSettings
from tests.support.emulators import Served, served, wait_for
from tests.test_bulk import active, control
from tests.test_cli import mdekit
from tests.test_cli_alert_export import start

pytestmark = pytest.mark.slow

COMMENT = "IR-9 sweep after crash"


@pytest.fixture
def own(tmp_path: Path) -> Iterator[Served]:
    with served(tmp_path / "bulk-crash", quotas=False, machines=60) as running:
        yield running


def scans_per_machine(client: Client, comment: str = COMMENT) -> Counter[str]:
    actions = client.machine_actions.list(filter="type eq 'RunAntiVirusScan'")
    return Counter(a.machine_id for a in actions if a.requestor_comment == comment)


def started(client: Client, comment: str = COMMENT) -> int:
    return sum(scans_per_machine(client, comment).values())


def test_bulk_rerun_after_sigkill_does_not_duplicate(own: Served) -> None:
    env = {**own.env(), "MDE_PACING": "off"}
    with control(own) as admin:
        admin.put("/_emulator/actions", json={"pendingSeconds": 0.05, "doneSeconds": 0.2})
        # Each scan request waits 0.3 s at the service: a run lasts long enough to be cut.
        admin.post(
            "/_emulator/faults",
            json={"path": "/api/machines/*/runAntiVirusScan", "status": None, "stallSeconds": 0.3},
        )
    with Client(settings=own.settings(), pacing=PacingSettings(enabled=False)) as client:
        machines = active(client, 20)
        assert len(machines) >= 12
        args = ["machines", "scan", *machines, "--comment", COMMENT, "--concurrency", "2"]
        for started_at_least in (2, 6, 10):  # killed three times, further along each time
            process = start([*args, "-o", "json"], env)
            try:
                wait_for(lambda n=started_at_least: started(client) >= n, 60)
            finally:
                process.send_signal(signal.SIGKILL)
                process.communicate(timeout=30)
            assert max(scans_per_machine(client).values()) == 1
        assert started(client) < len(machines), "cut in the middle"
        final = mdekit(*args, "-o", "json", env=env)
        assert final.returncode == 0, final.stderr
        rows = json.loads(final.stdout)
        assert sorted(r["machine_id"] for r in rows) == sorted(machines)
        assert any(r["reused"] for r in rows), "the killed runs' actions were taken over"
        assert not [r for r in rows if r["error"]]
        counts = scans_per_machine(client)
        assert set(counts) == set(machines)
        assert set(counts.values()) == {1}, "a machine got a second scan"
        again = json.loads(mdekit(*args, "-o", "json", env=env).stdout)
        assert all(r["reused"] for r in again)
        assert scans_per_machine(client) == counts


class LosesAnswers(httpx.HTTPTransport):
    """Sends each request; for the first `count` action POSTs, drops the answer after the
    service has acted and raises a read timeout, as a cut connection would."""

    def __init__(self, count: int, verify: ssl.SSLContext) -> None:
        super().__init__(verify=verify)
        self.left = count
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/runAntiVirusScan"):
            with self.lock:
                lose, self.left = self.left > 0, self.left - 1
            if lose:
                response.read()
                response.close()
                raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


def test_actions_whose_answer_was_lost_are_not_started_twice(own: Served) -> None:
    """The service started the action but its answer never came: the client does not resend
    the POST (the outcome is an error), and the re-run finds the action and reuses it."""
    comment = "IR-9 scan, answers lost"
    with control(own) as admin:
        admin.put("/_emulator/actions", json={"pendingSeconds": 0.05, "doneSeconds": 0.2})
    transport = LosesAnswers(5, ssl.create_default_context(cafile=own.bundle))
    with Client(
        settings=own.settings(), pacing=PacingSettings(enabled=False), transport=transport
    ) as c:
        machines = active(c, 8)
        first = run_bulk(c, "machines.run_antivirus_scan", machines, comment, concurrency=8)
        lost = [o.machine_id for o in first if o.error]
        assert len(lost) == 5, [o.as_dict() for o in first]
        assert started(c, comment) == len(machines), "each lost answer's action was started"
        second = run_bulk(c, "machines.run_antivirus_scan", machines, comment, concurrency=8)
        assert not [o for o in second if o.error]
        assert sorted(o.machine_id for o in second if o.reused) == sorted(machines)
        assert set(scans_per_machine(c, comment).values()) == {1}
