"""One way to run a hunting query whichever API answers it: the Defender API's
`/api/advancedqueries/run` through `Client` (with its retries and pacing under the 45
calls a minute quota) or Graph's `runHuntingQuery` (with its `Timespan` set to the window,
since Graph otherwise looks back only 30 days)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol

from mdekit.client.settings import Settings
from mdekit.export.hunting import HuntRows

HUNTING_TIMEOUT = 230.0
"""Seconds to wait for an answer: the service allows a query 200 s of run time."""


class HuntRunner(Protocol):
    def run(self, query: str, window: tuple[datetime, datetime] | None) -> HuntRows: ...

    def __enter__(self) -> HuntRunner: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class DefenderRunner:
    def __init__(self, settings: Settings) -> None:
        from mdekit.client import Client

        self._client = Client(settings=settings, timeout=HUNTING_TIMEOUT)

    def run(self, query: str, window: tuple[datetime, datetime] | None) -> HuntRows:
        answer = self._client.hunting.run(query)
        return HuntRows([(c.name, c.type) for c in answer.schema_], answer.results)

    def __enter__(self) -> DefenderRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()


class GraphRunner:
    def __init__(self, settings: Settings) -> None:
        from mdekit.client.graph import GraphClient

        self._graph = GraphClient(settings=settings)

    def run(self, query: str, window: tuple[datetime, datetime] | None) -> HuntRows:
        timespan = f"{_iso(window[0])}/{_iso(window[1])}" if window else None
        return HuntRows.from_graph(self._graph.run_hunting_query(query, timespan=timespan))

    def __enter__(self) -> GraphRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._graph.close()


def open_runner(api: str, settings: Settings) -> DefenderRunner | GraphRunner:
    """`api` is "mde" or "graph"."""
    if api == "graph":
        return GraphRunner(settings)
    return DefenderRunner(settings)
