"""httpx authentication flow over a token provider: attach the bearer token, and on a 401
refresh the token once and resend. The same flow serves the sync and async clients."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from mdekit.client.tokens import AsyncTokenProvider, TokenProvider


def _bearer(request: httpx.Request, token: str) -> httpx.Request:
    request.headers["Authorization"] = f"Bearer {token}"
    return request


class BearerAuth(httpx.Auth):
    """`sync_auth_flow` for Client, `async_auth_flow` for AsyncClient."""

    def __init__(
        self,
        provider: TokenProvider | None = None,
        async_provider: AsyncTokenProvider | None = None,
    ) -> None:
        self._provider = provider
        self._async_provider = async_provider

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        assert self._provider is not None, "BearerAuth used by a sync client without a provider"
        token = self._provider.get()
        response = yield _bearer(request, token)
        if response.status_code == 401:
            yield _bearer(request, self._provider.refresh(stale=token))

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        assert self._async_provider is not None, (
            "BearerAuth used by an async client without a provider"
        )
        token = await self._async_provider.get()
        response = yield _bearer(request, token)
        if response.status_code == 401:
            yield _bearer(request, await self._async_provider.refresh(stale=token))
