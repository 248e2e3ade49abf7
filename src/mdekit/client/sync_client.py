"""`mdekit.Client`: the Defender for Endpoint API over httpx, synchronously."""

from __future__ import annotations

import functools
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
from azure.core.credentials import TokenCredential

from mdekit._version import __version__
from mdekit.client.auth import BearerAuth
from mdekit.client.core import Call, RetryPolicy, Sleep, prepare, send_flow
from mdekit.client.credentials import build_credential
from mdekit.client.errors import TransportError
from mdekit.client.logs import log_exchange, log_wait
from mdekit.client.ops import Invocation, Runner, Sync
from mdekit.client.pacing import Pacer, PacingSettings
from mdekit.client.paging import PageAbandoned, Pager, PageRequest, prefetched_items
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
from mdekit.client.tokens import TokenProvider

USER_AGENT = f"mdekit/{__version__}"


def verify_option(settings: Settings) -> ssl.SSLContext | bool:
    """Trust the configured CA bundle, else the environment's store (SSL_CERT_FILE...)."""
    return _context(settings.ca_bundle) if settings.ca_bundle else True


@functools.lru_cache(maxsize=8)
def _context(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


class Client:
    """Sync client. Credentials come from `credential=` (any azure-identity TokenCredential)
    or are built from the settings (arguments, else environment)."""

    def __init__(
        self,
        credential: TokenCredential | None = None,
        *,
        settings: Settings | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        pacing: PacingSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        **overrides: Any,
    ) -> None:
        self.settings = settings or load_settings(**overrides)
        factory: Callable[[], TokenCredential] | None = None
        if credential is None:
            factory = lambda: build_credential(self.settings)  # noqa: E731
            credential = factory()
        self._tokens = TokenProvider(credential, self.settings.defender_scope, factory=factory)
        self._retry = retry or RetryPolicy()
        self.pacer = Pacer(pacing)
        self._clock = clock
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.settings.api_url,
            auth=BearerAuth(self._tokens),
            transport=transport,
            timeout=timeout,
            verify=verify_option(self.settings),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        runner: Runner[Sync] = Runner(self._run, self._page)
        self.alerts = Alerts[Sync](runner)
        self.machines = Machines[Sync](runner)
        self.machine_actions = MachineActions[Sync](runner)
        self.investigations = Investigations[Sync](runner)
        self.indicators = Indicators[Sync](runner)
        self.files = Files[Sync](runner)
        self.ips = Ips[Sync](runner)
        self.domains = Domains[Sync](runner)
        self.users = Users[Sync](runner)
        self.vulnerabilities = Vulnerabilities[Sync](runner)
        self.software = SoftwareInventory[Sync](runner)
        self.recommendations = Recommendations[Sync](runner)
        self.scores = Scores[Sync](runner)
        self.remediation_tasks = RemediationTasks[Sync](runner)
        self.exports = Exports[Sync](runner)
        self.health = Health[Sync](runner)
        self.hunting = Hunting[Sync](runner)
        self.library = Library[Sync](runner)
        self.authenticated_scans = AuthenticatedScans[Sync](runner)

    # -- plumbing ------------------------------------------------------------------------

    def token(self) -> str:
        """The current access token for the Defender API (fetched if needed)."""
        return self._tokens.get()

    def send(
        self,
        call: Call,
        page: PageRequest | None = None,
        *,
        abandoned: threading.Event | None = None,
    ) -> httpx.Response:
        """Send with retries; return the success response or raise the mapped error (or
        `PageAbandoned` before any further wait or resend once `abandoned` is set)."""
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
            if abandoned is not None and abandoned.is_set():
                flow.close()
                raise PageAbandoned(f"{call.endpoint.describe()}: the listing ended")
            if isinstance(instruction, Sleep):
                log_wait(instruction.seconds, call.endpoint)
                self._sleep(instruction.seconds)
            else:
                started = self._clock()
                try:
                    outcome = self._http.request(
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

    def request(
        self,
        operation: str,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """Call one catalog operation; the decoded JSON body (None when empty)."""
        response = self.send(prepare(operation, path, params, body))
        return response.json() if response.content else None

    def paginate(
        self,
        operation: str,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Iterator[Any]:
        """Every item of a collection, page by page, in constant memory; the next page is
        fetched while the caller works through the current one."""
        pager = Pager(prepare(operation, path, params), limit=limit, page_size=page_size)

        def fetch(page: PageRequest, abandoned: threading.Event) -> bytes:
            return self.send(pager.call, page, abandoned=abandoned).content

        yield from prefetched_items(pager, fetch)

    def _run(self, invocation: Invocation[Any]) -> Any:
        response = self.send(
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

    def _page(self, invocation: Invocation[Any]) -> Iterator[Any]:
        items = self.paginate(
            invocation.operation,
            path=invocation.path,
            params=invocation.params,
            limit=invocation.limit,
            page_size=invocation.page_size,
        )
        return (invocation.decode(item) for item in items)

    def close(self) -> None:
        self._http.close()
        self._tokens.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
