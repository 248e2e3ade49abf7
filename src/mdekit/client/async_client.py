"""`mdekit.AsyncClient`: the asyncio twin of Client, over the same sans-I/O core."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import httpx
from azure.core.credentials_async import AsyncTokenCredential

from mdekit.client.auth import BearerAuth
from mdekit.client.core import Call, RetryPolicy, Sleep, prepare, send_flow
from mdekit.client.credentials import build_async_credential
from mdekit.client.errors import TransportError
from mdekit.client.logs import log_exchange, log_wait
from mdekit.client.ops import Async, Invocation, Runner
from mdekit.client.pacing import Pacer, PacingSettings
from mdekit.client.paging import Pager, PageRequest, parse_page, without_gc
from mdekit.client.resources.actions import MachineActions
from mdekit.client.resources.alerts import Alerts
from mdekit.client.resources.entities import Domains, Files, Ips, Users
from mdekit.client.resources.exports import Exports, Health
from mdekit.client.resources.investigations import Indicators, Investigations
from mdekit.client.resources.machines import Machines
from mdekit.client.resources.misc import AuthenticatedScans, Hunting, Library
from mdekit.client.resources.tvm import (
    Recommendations,
    RemediationTasks,
    Scores,
    SoftwareInventory,
    Vulnerabilities,
)
from mdekit.client.settings import Settings, load_settings
from mdekit.client.sync_client import USER_AGENT, verify_option
from mdekit.client.tokens import AsyncTokenProvider


class AsyncClient:
    """Async client. `credential=` takes an azure.identity.aio credential."""

    def __init__(
        self,
        credential: AsyncTokenCredential | None = None,
        *,
        settings: Settings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        pacing: PacingSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **overrides: Any,
    ) -> None:
        self.settings = settings or load_settings(**overrides)
        factory: Callable[[], AsyncTokenCredential] | None = None
        if credential is None:
            factory = lambda: build_async_credential(self.settings)  # noqa: E731
            credential = factory()
        self._tokens = AsyncTokenProvider(credential, self.settings.defender_scope, factory=factory)
        self._retry = retry or RetryPolicy()
        self.pacer = Pacer(pacing)
        self._clock = clock
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=self.settings.api_url,
            auth=BearerAuth(async_provider=self._tokens),
            transport=transport,
            timeout=timeout,
            verify=verify_option(self.settings),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        runner: Runner[Async] = Runner(self._run, self._page)
        self.alerts = Alerts[Async](runner)
        self.machines = Machines[Async](runner)
        self.machine_actions = MachineActions[Async](runner)
        self.investigations = Investigations[Async](runner)
        self.indicators = Indicators[Async](runner)
        self.files = Files[Async](runner)
        self.ips = Ips[Async](runner)
        self.domains = Domains[Async](runner)
        self.users = Users[Async](runner)
        self.vulnerabilities = Vulnerabilities[Async](runner)
        self.software = SoftwareInventory[Async](runner)
        self.recommendations = Recommendations[Async](runner)
        self.scores = Scores[Async](runner)
        self.remediation_tasks = RemediationTasks[Async](runner)
        self.exports = Exports[Async](runner)
        self.health = Health[Async](runner)
        self.hunting = Hunting[Async](runner)
        self.library = Library[Async](runner)
        self.authenticated_scans = AuthenticatedScans[Async](runner)

    async def token(self) -> str:
        return await self._tokens.get()

    async def send(self, call: Call, page: PageRequest | None = None) -> httpx.Response:
        """Send with retries; return the success response or raise the mapped error."""
        flow = send_flow(
            call,
            self._retry,
            pacer=self.pacer,
            clock=self._clock,
            path=page.path if page else None,
            params=page.params if page else None,
            absolute_url=page.absolute_url if page else None,
        )
        instruction = next(flow)
        while True:
            outcome: httpx.Response | httpx.TransportError | None = None
            if isinstance(instruction, Sleep):
                log_wait(instruction.seconds, call.endpoint)
                await self._sleep(instruction.seconds)
            else:
                started = self._clock()
                try:
                    outcome = await self._http.request(
                        instruction.method, instruction.url, **instruction.httpx_options()
                    )
                except httpx.TransportError as exc:
                    outcome = exc
                except TransportError as exc:
                    # The token endpoint could not be reached (the bearer auth fetches inside
                    # the request): the same outage as the API's, retried by the same policy.
                    outcome = httpx.ConnectError(str(exc))
                log_exchange(
                    call.endpoint,
                    outcome.request if isinstance(outcome, httpx.Response) else None,
                    outcome,
                    self._clock() - started,
                    pacer=self.pacer,
                    now=self._clock(),
                )
            try:
                instruction = flow.send(outcome)
            except StopIteration as done:
                response: httpx.Response = done.value
                return response

    async def request(
        self,
        operation: str,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        response = await self.send(prepare(operation, path, params, body))
        return response.json() if response.content else None

    async def paginate(
        self,
        operation: str,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[Any]:
        """Every item of a collection, page by page, in constant memory; the next page's
        request is under way (a task) while the caller works through the current one."""
        pager = Pager(prepare(operation, path, params), limit=limit, page_size=page_size)
        request = pager.next_request()
        pending = self._fetch_soon(pager.call, request) if request else None
        try:
            while pending is not None:
                items = pager.feed(without_gc(parse_page, await pending))
                request = pager.next_request()
                pending = self._fetch_soon(pager.call, request) if request else None
                for item in items:
                    yield item
        finally:
            # A caller that stopped early (or failed) leaves no request running behind it.
            if pending is not None and not pending.done():
                pending.cancel()

    def _fetch_soon(self, call: Call, page: PageRequest) -> asyncio.Task[bytes]:
        async def fetch() -> bytes:
            return (await self.send(call, page)).content

        task = asyncio.ensure_future(fetch())
        # An early stop that is never closed leaves the task to finish alone: its outcome
        # is retrieved here, so a failure nobody waits for is not logged as unretrieved.
        task.add_done_callback(_retrieve)
        return task

    async def _run(self, invocation: Invocation[Any]) -> Any:
        response = await self.send(
            prepare(
                invocation.operation,
                invocation.path,
                invocation.params,
                invocation.body,
                invocation.files,
            )
        )
        if invocation.raw:
            return response.content
        return invocation.decode(response.json() if response.content else None)

    async def _page(self, invocation: Invocation[Any]) -> AsyncIterator[Any]:
        items = self.paginate(
            invocation.operation,
            path=invocation.path,
            params=invocation.params,
            limit=invocation.limit,
            page_size=invocation.page_size,
        )
        async for item in items:
            yield invocation.decode(item)

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._tokens.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _retrieve(task: asyncio.Task[bytes]) -> None:
    if not task.cancelled():
        task.exception()
