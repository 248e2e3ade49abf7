"""The alert feed: every alert, and every later update of it, exported once.

Rounds walk `lastUpdateTime` in windows from the checkpoint's watermark up to now. Each
window's alerts are written and made durable, then the checkpoint moves to the window's end.
A window reaches back `overlap` behind the watermark, and alerts already exported with the
same `(id, lastUpdateTime)` are skipped, so an alert the service indexes a little late is
still delivered and none is written twice. A crash at any point leaves output and checkpoint
consistent: the sink drops rows the checkpoint does not cover, and they are fetched again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mdekit.client.errors import ConfigurationError
from mdekit.client.sync_client import Client
from mdekit.export import checkpoint as checkpoints
from mdekit.export.checkpoint import Checkpoint
from mdekit.export.sinks import Sink, open_sink
from mdekit.models import format_wire_datetime

RETENTION = timedelta(days=180)
"""How far back the service keeps alerts: an older `--since` starts at the retention edge."""


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FeedSettings:
    since: datetime
    checkpoint: Path
    output: Path
    format: str = "ndjson"
    expand_evidence: bool = False
    window: timedelta = timedelta(days=1)
    overlap: timedelta = timedelta(minutes=5)
    page_size: int | None = None


class CrashPoint(Exception):
    """Raised by test hooks to simulate a crash at a chosen moment."""


class AlertFeed:
    def __init__(
        self,
        client: Client,
        settings: FeedSettings,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        hook: Callable[[str], None] = lambda _point: None,
        warn: Callable[[str], None] = lambda _message: None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.now = now
        self.hook = hook
        self.warn = warn

    def _start(self) -> tuple[Checkpoint, Sink]:
        saved = checkpoints.load(self.settings.checkpoint)
        output = str(self.settings.output.resolve())
        if saved is not None and (saved.output != output or saved.format != self.settings.format):
            raise ConfigurationError(
                f"the checkpoint {self.settings.checkpoint} belongs to {saved.output} "
                f"({saved.format}), not {output} ({self.settings.format})",
                hint="use the same --out and --format, or a new --checkpoint",
            )
        if saved is None:
            since = self.settings.since
            edge = self.now() - RETENTION
            if since < edge:
                self.warn(f"alerts are kept {RETENTION.days} days: starting at {edge:%Y-%m-%d}")
                since = edge
            saved = Checkpoint(
                watermark=format_wire_datetime(since), output=output, format=self.settings.format
            )
        sink = open_sink(self.settings.output, self.settings.format)
        sink.recover(saved)
        return saved, sink

    def run_once(self) -> int:
        """Export everything up to now; the number of rows written."""
        state, sink = self._start()
        written = 0
        end = self.now()
        start = parse_time(state.watermark)
        while start < end:
            stop = min(start + self.settings.window, end)
            written += self._window(state, sink, start, stop)
            start = stop
        return written

    def _window(self, state: Checkpoint, sink: Sink, start: datetime, stop: datetime) -> int:
        low = format_wire_datetime(start - self.settings.overlap)
        high = format_wire_datetime(stop)
        rows: list[dict[str, Any]] = []
        count = 0
        alerts = self.client.alerts.list(
            filter=f"lastUpdateTime ge {low} and lastUpdateTime lt {high}",
            expand_evidence=self.settings.expand_evidence,
            page_size=self.settings.page_size,
        )
        for alert in alerts:
            row = alert.model_dump(mode="json", by_alias=True, exclude_unset=True)
            updated = str(row.get("lastUpdateTime") or "")
            if state.recent.get(alert.id) == updated:
                continue
            rows.append(row)
            state.recent[alert.id] = updated
            count += 1
            if len(rows) >= 1000:
                sink.write(rows)
                self.hook("after_write")
                rows = []
        sink.write(rows)
        self.hook("after_write")
        state.rows += count
        state.watermark = high
        edge = format_wire_datetime(stop - self.settings.overlap)
        state.recent = {k: v for k, v in state.recent.items() if v >= edge}
        sink.commit(state)
        self.hook("before_checkpoint")
        checkpoints.save(self.settings.checkpoint, state)
        self.hook("after_checkpoint")
        return count

    def follow(
        self,
        interval: float,
        stop: threading.Event,
        on_round: Callable[[int], None] = lambda _rows: None,
    ) -> None:
        """Export, then again every `interval` seconds, until `stop` is set."""
        while not stop.is_set():
            on_round(self.run_once())
            stop.wait(interval)
