"""What one request may cost the server: how large its body may be, and how long a client
may take to send its request line, headers and body.

`BodyLimit` answers 413 as soon as a declared `Content-Length` is over the limit for the
path, without reading a byte of the body, and stops a chunked body the moment it passes
the limit; it answers 408 to a body that stalls or trickles in too slowly. The per-route
checks behind it (the Defender API's 4 MB JSON and 20 MB file, the token endpoint's 64 KB
form) keep their own answers below these caps.

`GuardedH11Protocol` is uvicorn's HTTP/1.1 protocol with one addition: a deadline for the
request head. uvicorn times out idle keep-alive connections, but a client that trickles a
header byte now and then (slowloris) resets that timer forever and holds a connection
slot; with enough of them nobody else gets in. Here each request head must be complete
within `head_seconds` of the connection opening (or, on a kept-alive connection, of the
head's first byte), whatever the client trickles; then the connection is closed."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

MB = 1024 * 1024
DEFAULT_BODY_LIMIT = 1 * MB
"""Control API, console forms, Graph, token endpoints: small JSON or forms."""
PATH_LIMITS = (
    ("/api/libraryfiles", 21 * MB),  # a 20 MB file plus the multipart framing
    ("/api/", 4 * MB),
)
"""Longest prefix first; case-insensitive, as the API's paths are."""
HEAD_SECONDS = 20.0
"""How long a client may take to send a request line and headers."""


def body_limit(path: str) -> int:
    lowered = path.lower()
    for prefix, limit in PATH_LIMITS:
        if lowered.startswith(prefix):
            return limit
    return DEFAULT_BODY_LIMIT


class BodyTooLarge(Exception):
    """Raised from `receive` when a streamed body passes the limit."""


class BodyTooSlow(Exception):
    """Raised from `receive` when a body stalls or trickles in below the minimum rate."""


class BodyLimit:
    """413 for bodies over the path's limit, declared or streamed; 408 for bodies that
    stall for `idle_seconds` or, after `grace_seconds`, arrive slower than
    `min_bytes_per_second` on average (IIS's `minBytesPerSecond` idea): a client sending
    its body a byte at a time does not hold a handler for ever."""

    idle_seconds = 30.0
    grace_seconds = 30.0
    min_bytes_per_second = 1024

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, 413, "RequestEntityTooLarge", _too_large(limit))
            return
        received = 0
        body_done = False
        began = time.monotonic()
        started = False

        async def counting_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # waiting for a disconnect: no deadline
                return await receive()
            try:
                async with asyncio.timeout(self.idle_seconds):
                    message = await receive()
            except TimeoutError as exc:
                raise BodyTooSlow from exc
            if message["type"] != "http.request":
                return message
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            body_done = not message.get("more_body", False)
            elapsed = time.monotonic() - began
            if (
                not body_done
                and elapsed > self.grace_seconds
                and received < self.min_bytes_per_second * elapsed
            ):
                raise BodyTooSlow
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, 413, "RequestEntityTooLarge", _too_large(limit))
        except BodyTooSlow:
            if started:
                raise
            await _refuse(send, 408, "RequestTimeout", "The request body arrived too slowly.")


def _too_large(limit: int) -> str:
    return f"The request body is larger than {limit // MB} MB."


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The unread body would otherwise be taken for the next request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head (see the module doc).

    The deadline runs from the connection opening, and on a kept-alive connection from the
    first byte of the next head: until then uvicorn's keep-alive timer covers the silence.
    A head that arrives whole (nearly all of them) costs no timer at all; arming one after
    every response cost some 4% of a token request."""

    head_seconds = HEAD_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._waiting_cycle: object = None
        self._waiting_for_head = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._waiting_for_head = True
        self._waiting_cycle = self.cycle
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._waiting_for_head:
            return
        if self.cycle is not self._waiting_cycle:
            # A new request cycle began: its head is complete.
            self._waiting_for_head = False
            self._disarm_head_deadline()
        elif self._head_deadline is None and not self.transport.is_closing():
            # Part of a head: the rest must follow within the deadline.
            self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # A pipelined request may already have started a new cycle; otherwise wait for the
        # next head (its first byte starts the deadline).
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._waiting_for_head = True
            self._waiting_cycle = self.cycle

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.head_seconds, self._head_too_slow)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if (
            self._waiting_for_head
            and self.cycle is self._waiting_cycle
            and not self.transport.is_closing()
        ):
            self.transport.close()
