"""Access tokens for one scope: fetched once, reused for their life, refreshed a little
before expiry by one caller at a time, and refreshed on demand after a 401.

The policy (`TokenCache`) is shared; only the lock and the credential call differ
between the sync and async providers."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from azure.core.credentials import AccessToken, TokenCredential
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    ServiceRequestError,
    ServiceResponseError,
)

from mdekit.client.errors import AuthenticationError, TransportError

REFRESH_MARGIN_SECONDS = 120
"""Refresh this long before expiry so that a request never leaves with a dying token."""


@dataclass
class TokenCache:
    """What is cached and when it is stale. `clock` is injectable for tests."""

    clock: Callable[[], float] = time.time
    token: AccessToken | None = None

    def usable(self) -> str | None:
        if self.token is None:
            return None
        if self.token.expires_on - self.clock() <= REFRESH_MARGIN_SECONDS:
            return None
        return self.token.token

    def needs_refresh(self, stale: str | None) -> bool:
        """After a 401 with `stale`: refresh unless another caller already did."""
        return self.token is None or self.token.token == stale or self.usable() is None


def _unreachable(exc: BaseException) -> BaseException | None:
    """The connection failure behind `exc`, if that is what it is. azure-identity wraps
    everything in ClientAuthenticationError ("Authentication failed: ... Connection
    refused"), which is not the token endpoint saying no."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ServiceRequestError | ServiceResponseError | ConnectionError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _auth_error(exc: Exception) -> AuthenticationError | TransportError:
    text = str(exc)
    if "AADSTS" not in text:
        cause = _unreachable(exc)
        if cause is not None or not isinstance(exc, ClientAuthenticationError):
            first = str(cause or exc).splitlines()
            return TransportError(
                f"could not reach the token endpoint: {first[0] if first else repr(exc)}"
            )
    return AuthenticationError.from_text(text)


class TokenProvider:
    """Sync provider. `factory` rebuilds the credential when a forced refresh must bypass
    the credential's own cache (azure-identity keeps tokens until they expire)."""

    def __init__(
        self,
        credential: TokenCredential,
        scope: str,
        *,
        factory: Callable[[], TokenCredential] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credential = credential
        self._factory = factory
        self._scope = scope
        self._cache = TokenCache(clock)
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        try:
            self._cache.token = self._credential.get_token(self._scope)
        except (AzureError, ValueError, OSError) as exc:
            raise _auth_error(exc) from None

    def get(self) -> str:
        token = self._cache.usable()
        if token is not None:
            return token
        with self._lock:
            if self._cache.usable() is None:
                self._fetch()
            assert self._cache.token is not None
            return self._cache.token.token

    def refresh(self, stale: str | None) -> str:
        with self._lock:
            if self._cache.needs_refresh(stale):
                if self._factory is not None:
                    self._credential = self._factory()
                self._fetch()
            assert self._cache.token is not None
            return self._cache.token.token

    def close(self) -> None:
        close = getattr(self._credential, "close", None)
        if callable(close):
            close()


class AsyncTokenProvider:
    """Async provider: the same policy under an asyncio lock."""

    def __init__(
        self,
        credential: AsyncTokenCredential,
        scope: str,
        *,
        factory: Callable[[], AsyncTokenCredential] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credential = credential
        self._factory = factory
        self._scope = scope
        self._cache = TokenCache(clock)
        self._lock = asyncio.Lock()

    async def _fetch(self) -> None:
        try:
            self._cache.token = await self._credential.get_token(self._scope)
        except (AzureError, ValueError, OSError) as exc:
            raise _auth_error(exc) from None

    async def get(self) -> str:
        token = self._cache.usable()
        if token is not None:
            return token
        async with self._lock:
            if self._cache.usable() is None:
                await self._fetch()
            assert self._cache.token is not None
            return self._cache.token.token

    async def refresh(self, stale: str | None) -> str:
        async with self._lock:
            if self._cache.needs_refresh(stale):
                if self._factory is not None:
                    old = self._credential
                    self._credential = self._factory()
                    await old.close()
                await self._fetch()
            assert self._cache.token is not None
            return self._cache.token.token

    async def close(self) -> None:
        await self._credential.close()
