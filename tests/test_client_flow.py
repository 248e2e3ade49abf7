"""The client's retry and paging rules, over a mock transport (no network, no sleeping)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from azure.core.credentials import AccessToken

from mdekit import Client
from mdekit.client.core import RetryPolicy, prepare
from mdekit.client.errors import MdeError, RateLimited, ServerError, TransportError
from mdekit.client.pacing import PacingSettings
from mdekit.client.settings import load_settings

SETTINGS = load_settings(
    api_url="https://api.test", tenant_id="t", client_id="c", client_secret="s", environ={}
)


class StaticCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("e30.e30.sig", int(time.time()) + 3600)


def _client(
    handler: Callable[[httpx.Request], httpx.Response],
    sleeps: list[float],
    retry: RetryPolicy | None = None,
) -> Client:
    return Client(
        StaticCredential(),
        settings=SETTINGS,
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
        retry=retry,
    )


def _page(values: list[dict[str, Any]], next_link: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"@odata.context": "x", "value": values}
    if next_link:
        body["@odata.nextLink"] = next_link
    return httpx.Response(200, json=body)


def test_retry_after_is_honoured_on_429() -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "3"}, json={"error": {"code": "429"}}),
        _page([{"id": "a"}]),
    ]
    sleeps: list[float] = []
    with _client(lambda request: answers.pop(0), sleeps) as client:
        assert [a.id for a in client.alerts.list()] == ["a"]
    assert sleeps == [3.0]


def test_429_without_retries_left_raises_rate_limited() -> None:
    sleeps: list[float] = []
    always = httpx.Response(
        429,
        headers={"Retry-After": "1"},
        json={"error": {"code": "TooManyRequests", "message": "slow down"}},
    )
    client = _client(lambda request: always, sleeps, RetryPolicy(attempts=2))
    with client, pytest.raises(RateLimited) as caught:
        list(client.alerts.list())
    assert caught.value.retry_after == 1.0
    assert sleeps == [1.0]


def test_server_errors_are_retried_for_gets_with_backoff() -> None:
    answers = [httpx.Response(500), httpx.Response(502), _page([{"id": "a"}])]
    sleeps: list[float] = []
    with _client(lambda request: answers.pop(0), sleeps) as client:
        assert len(list(client.alerts.list())) == 1
    assert len(sleeps) == 2
    assert 0 < sleeps[0] < sleeps[1] + 1


def test_a_machine_action_is_never_blindly_resent() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500, json={"error": {"code": "InternalServerError", "message": ""}})

    sleeps: list[float] = []
    with _client(handler, sleeps) as client, pytest.raises(ServerError):
        client.request("machines.isolate", path={"id": "m1"}, body={"Comment": "c"})
    assert len(calls) == 1
    assert sleeps == []


def test_connection_errors_are_retried_only_when_idempotent() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    sleeps: list[float] = []
    with _client(handler, sleeps, RetryPolicy(attempts=3)) as client:
        with pytest.raises(TransportError):
            list(client.alerts.list())
        assert len(sleeps) == 2
        with pytest.raises(TransportError):
            client.request("machines.isolate", path={"id": "m1"}, body={"Comment": "c"})
    assert len(sleeps) == 2


def test_next_links_are_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "$skiptoken" in str(request.url):
            return _page([{"id": "b"}])
        return _page([{"id": "a"}], "https://api.test/api/alerts?$skiptoken=2")

    with _client(handler, []) as client:
        assert [a.id for a in client.alerts.list()] == ["a", "b"]


def test_a_next_link_that_does_not_advance_stops_the_loop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return _page([{"id": "a"}], "https://api.test/api/alerts?$skiptoken=same")

    with _client(handler, []) as client, pytest.raises(MdeError, match="same next link"):
        list(client.alerts.list())


def test_top_is_never_exceeded_and_page_requests_shrink() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        top = int(request.url.params["$top"])
        skip = int(request.url.params.get("$skip", "0"))
        seen.append(f"{skip}+{top}")
        return _page([{"id": str(skip + i)} for i in range(top)])

    with _client(handler, []) as client:
        ids = [a.id for a in client.alerts.list(top=12, page_size=5)]
    assert ids == [str(i) for i in range(12)]
    assert seen == ["0+5", "5+5", "10+2"]


def test_one_page_is_one_request_and_longer_listings_ask_at_most_one_page_too_many() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        top = int(request.url.params["$top"])
        skip = int(request.url.params.get("$skip", "0"))
        seen.append(f"{skip}+{top}")
        return _page([{"id": str(i)} for i in range(skip, min(skip + top, 12))])

    with _client(handler, []) as client:
        assert [a.id for a in client.alerts.list(page_size=20)] == [str(i) for i in range(12)]
        assert seen == ["0+20"]
        seen.clear()
        ids = [a.id for a in client.alerts.list(page_size=5)]
        # the helper may have sent the guessed request after the last page before the
        # listing ended: give it the time to finish before reading what it sent
        time.sleep(0.2)
    assert ids == [str(i) for i in range(12)]
    assert seen[:3] == ["0+5", "5+5", "10+5"]
    assert set(seen[3:]) <= {"15+5"}


def test_an_abandoned_page_request_is_neither_sent_again_nor_waited_for() -> None:
    import threading

    from mdekit.client.paging import PageAbandoned

    abandoned = threading.Event()
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        abandoned.set()  # the listing ends while this exchange is under way
        return httpx.Response(503, headers={"Retry-After": "5"}, json={"error": {}})

    sleeps: list[float] = []
    with _client(handler, sleeps) as client:
        with pytest.raises(PageAbandoned):
            client.send(prepare("alerts.list"), abandoned=abandoned)
        assert len(sent) == 1
        assert sleeps == []
        with pytest.raises(PageAbandoned):
            client.send(prepare("alerts.list"), abandoned=abandoned)
    assert len(sent) == 1, "nothing is sent once the listing has ended"


def test_the_page_parse_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from mdekit.client.paging import parse_page, without_gc

    assert gc.isenabled()
    assert without_gc(parse_page, b'{"value": [1]}') == {"value": [1]}
    assert gc.isenabled()
    gc.disable()
    try:
        without_gc(parse_page, b"{}")
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):
        without_gc(parse_page, b"{not json")
    assert gc.isenabled()


def test_unknown_operation_is_a_configuration_error() -> None:
    with pytest.raises(MdeError, match="unknown operation"):
        prepare("alerts.nope")


def test_typed_pages_are_the_models_item_by_item_decoding_gives() -> None:
    from mdekit.models.alerts import Alert

    raw: list[dict[str, Any]] = [
        {
            "id": "a",
            "severity": "High",
            "alertCreationTime": "2026-01-02T03:04:05.1234567+02:00",
            "comments": [{"comment": "c", "createdTime": "2026-01-02T03:04:05Z"}],
            "someNewField": {"nested": [1, 2]},
        },
        {"id": "b", "evidence": [{"entityType": "File", "sha1": "0" * 40}]},
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        if "$skiptoken" in str(request.url):
            return _page(raw[1:])
        return _page(raw[:1], "https://api.test/api/alerts?$skiptoken=2")

    with _client(handler, []) as client:
        typed = list(client.alerts.list())
    assert typed == [Alert.model_validate(item) for item in raw]
    assert typed[0].alert_creation_time is not None
    assert typed[0].alert_creation_time.isoformat() == "2026-01-02T01:04:05.123456+00:00"
    assert typed[0].model_extra == {"someNewField": {"nested": [1, 2]}}
    assert typed[1].evidence[0].sha1 == "0" * 40


def test_a_typed_page_that_is_not_a_collection_or_an_item_that_does_not_validate() -> None:
    from pydantic import ValidationError

    not_a_page = httpx.Response(200, json={"error": "x"})
    with (
        _client(lambda request: not_a_page, []) as client,
        pytest.raises(MdeError, match="did not return a collection page"),
    ):
        list(client.alerts.list())
    bad = _page([{"id": "a", "incidentId": "not a number"}])
    with _client(lambda request: bad, []) as client, pytest.raises(ValidationError) as error:
        list(client.alerts.list())
    assert error.value.errors()[0]["loc"] == ("incidentId",)


def test_the_async_client_reads_typed_pages_alike() -> None:
    import asyncio

    def handler(request: httpx.Request) -> httpx.Response:
        if "$skiptoken" in str(request.url):
            return _page([{"id": "b", "unknown": 1}])
        return _page([{"id": "a"}], "https://api.test/api/alerts?$skiptoken=2")

    async def run() -> list[Any]:
        async with _async_client(handler) as client:
            return [alert async for alert in client.alerts.list()]

    alerts = asyncio.run(run())
    assert [a.id for a in alerts] == ["a", "b"]
    assert alerts[1].model_extra == {"unknown": 1}


def _async_client(handler: Callable[[httpx.Request], Any]) -> Any:
    from mdekit import AsyncClient

    class AsyncCredential:
        async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
            return AccessToken("e30.e30.sig", int(time.time()) + 3600)

        async def close(self) -> None:
            return None

        async def __aenter__(self) -> AsyncCredential:
            return self

        async def __aexit__(self, *exc: object) -> None:
            return None

    async def no_sleep(_seconds: float) -> None:
        return None

    return AsyncClient(
        AsyncCredential(),
        settings=SETTINGS,
        transport=httpx.MockTransport(handler),
        sleep=no_sleep,
        pacing=PacingSettings(enabled=False),
    )


def _paged(seen: list[str], total: int) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        top = int(request.url.params["$top"])
        skip = int(request.url.params.get("$skip", "0"))
        seen.append(f"{skip}+{top}")
        if skip >= 4:
            return httpx.Response(400, json={"error": {"code": "BadRequest", "message": "no"}})
        return _page([{"id": str(i)} for i in range(skip, min(skip + top, total))])

    return handler


def test_the_async_client_asks_for_the_next_page_while_the_caller_works() -> None:
    import asyncio
    import contextlib

    from mdekit.client.errors import BadRequest

    seen: list[str] = []

    async def first_page_then_look() -> list[str]:
        async with (
            _async_client(_paged(seen, 6)) as client,
            contextlib.aclosing(client.alerts.list(page_size=2)) as alerts,
        ):
            async for alert in alerts:
                await asyncio.sleep(0.01)  # the caller's own work
                if alert.id == "0":
                    return list(seen)
        raise AssertionError("no alert")

    assert asyncio.run(first_page_then_look()) == ["0+2", "2+2"]

    ids: list[str] = []

    async def until_the_failing_page() -> None:
        seen.clear()
        async with _async_client(_paged(seen, 6)) as client:
            async for alert in client.alerts.list(page_size=2):
                ids.append(alert.id)

    with pytest.raises(BadRequest):
        asyncio.run(until_the_failing_page())
    assert ids == ["0", "1", "2", "3"], "every page before the failing one was handed out"


def test_an_async_listing_left_early_cancels_its_page_request() -> None:
    import asyncio
    import contextlib

    requests: list[str] = []

    async def run() -> list[asyncio.Task[Any]]:
        never = asyncio.Event()

        async def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request.url.params.get("$skip", "0"))
            if request.url.params.get("$skip"):
                await never.wait()  # the second page never comes
            return _page([{"id": "a"}, {"id": "b"}])

        async with _async_client(handler) as client:
            async with contextlib.aclosing(client.alerts.list(page_size=2)) as alerts:
                async for _alert in alerts:
                    break
            await asyncio.sleep(0.01)
            return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert asyncio.run(run()) == [], "no page request is left running"
    assert requests == ["0", "2"]
