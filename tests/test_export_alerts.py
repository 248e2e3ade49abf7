"""The alert feed loses and repeats nothing: crashes at any moment (Hypothesis over the crash
points), restarts, updates delivered again, every format."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdekit import Client
from mdekit.client.pacing import PacingSettings
from mdekit.export.alerts import AlertFeed, CrashPoint, FeedSettings
from tests.support.emulators import Served

SINCE = datetime.now(UTC) - timedelta(days=60)
"""The synthetic world's alerts are all from the last few weeks."""


@pytest.fixture(scope="module")
def client(server: Served) -> Iterator[Client]:
    # The session emulator has no quotas, and these tests call it hundreds of times a
    # minute: client-side pacing would (rightly) slow them to the documented 100/min.
    with Client(settings=server.settings(), pacing=PacingSettings(enabled=False)) as c:
        yield c


@pytest.fixture(scope="module")
def every_alert(client: Client) -> list[tuple[str, str]]:
    return sorted(
        (a.id, str(a.model_dump(mode="json", by_alias=True)["lastUpdateTime"]))
        for a in client.alerts.list()
    )


def _read(path: Path, kind: str) -> list[tuple[str, str]]:
    if kind == "ndjson":
        rows = [json.loads(line) for line in path.read_text().splitlines()]
    elif kind == "csv":
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        # Parquet keeps times as timestamps (to the microsecond): compare in the wire form.
        query = f"SELECT id, lastUpdateTime FROM read_parquet('{path}/*.parquet')"
        found = duckdb.sql(query).fetchall()
        return sorted(
            (r[0], r[1].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")) for r in found
        )
    return sorted((r["id"], r["lastUpdateTime"]) for r in rows)


def _feed(client: Client, tmp: Path, kind: str, hook: object = None) -> AlertFeed:
    out = tmp / ("alerts" if kind == "parquet" else f"alerts.{kind}")
    feed_settings = FeedSettings(
        since=SINCE,
        checkpoint=tmp / "checkpoint.json",
        output=out,
        format=kind,
        window=timedelta(days=7),
        page_size=7,
    )
    return AlertFeed(client, feed_settings, hook=hook or (lambda _p: None))


@pytest.mark.parametrize("kind", ["ndjson", "csv", "parquet"])
def test_one_run_exports_every_alert_once(
    client: Client, every_alert: list[tuple[str, str]], tmp_path: Path, kind: str
) -> None:
    feed = _feed(client, tmp_path, kind)
    assert feed.run_once() == len(every_alert)
    assert feed.run_once() == 0, "nothing new: nothing written"
    out = feed.settings.output
    assert _read(out, kind) == every_alert


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    crashes=st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=4),
    kind=st.sampled_from(["ndjson", "csv"]),
)
def test_crashes_anywhere_lose_and_repeat_nothing(
    client: Client,
    every_alert: list[tuple[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
    crashes: list[int],
    kind: str,
) -> None:
    tmp = tmp_path_factory.mktemp("crash")
    remaining = sorted(crashes)
    calls = [0]

    def hook(point: str) -> None:
        calls[0] += 1
        if remaining and calls[0] >= remaining[0]:
            remaining.pop(0)
            raise CrashPoint(point)

    attempts = 0
    while True:
        attempts += 1
        assert attempts < 20
        try:
            _feed(client, tmp, kind, hook).run_once()
            break
        except CrashPoint:
            continue
    out = tmp / f"alerts.{kind}"
    assert _read(out, kind) == every_alert


def test_updates_are_delivered_again(server: Served, tmp_path: Path) -> None:
    with Client(settings=server.settings()) as client:
        now = [datetime.now(UTC)]
        feed_settings = FeedSettings(
            since=SINCE, checkpoint=tmp_path / "cp.json", output=tmp_path / "alerts.ndjson"
        )
        feed = AlertFeed(client, feed_settings, now=lambda: now[0])
        first = feed.run_once()
        changed = [a.id for a in client.alerts.list(top=3)]
        for alert_id in changed:
            client.alerts.update(alert_id, comment="triaged by the feed test")
        now[0] = datetime.now(UTC) + timedelta(seconds=1)
        assert feed.run_once() == 3
        lines = [json.loads(line) for line in (tmp_path / "alerts.ndjson").read_text().splitlines()]
        assert len(lines) == first + 3
        assert {r["id"] for r in lines[-3:]} == set(changed)
        for alert_id in changed:
            versions = [r for r in lines if r["id"] == alert_id]
            assert len(versions) == 2
            assert versions[1]["lastUpdateTime"] > versions[0]["lastUpdateTime"]


def test_a_checkpoint_belongs_to_its_output(client: Client, tmp_path: Path) -> None:
    from mdekit.client.errors import ConfigurationError

    _feed(client, tmp_path, "ndjson").run_once()
    with pytest.raises(ConfigurationError, match="belongs to"):
        _feed(client, tmp_path, "csv").run_once()


def test_since_before_retention_is_clamped(client: Client, tmp_path: Path) -> None:
    warnings: list[str] = []
    feed = AlertFeed(
        client,
        FeedSettings(
            since=datetime(2000, 1, 1, tzinfo=UTC),
            checkpoint=tmp_path / "c.json",
            output=tmp_path / "a.ndjson",
            window=timedelta(days=30),
        ),
        warn=warnings.append,
    )
    feed.run_once()
    assert warnings
    assert "180 days" in warnings[0]
