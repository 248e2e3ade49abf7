"""ASGI middleware that applies the fault rules before routing: an injected error answer
(Defender's error body, `Retry-After` when asked), or a stall before the real answer."""

from __future__ import annotations

import asyncio
import json
import uuid

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from mdekit.emulator.domain.faults import FaultSource

_CODES = {
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


class FaultMiddleware:
    def __init__(self, app: ASGIApp, registry: FaultSource) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/_emulator", "/_console")):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        # The in-memory look is free; claiming a counted rule asks the database.
        if not self.registry.might_match(method, path):
            await self.app(scope, receive, send)
            return
        rule = await run_in_threadpool(self.registry.take, method, path)
        if rule is None:
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["journal_reason"] = f"injected fault {rule.id}"
        if rule.stall_seconds:
            await asyncio.sleep(rule.stall_seconds)
        if rule.status is None:
            await self.app(scope, receive, send)
            return
        target = str(uuid.uuid4())
        body = json.dumps(
            {
                "error": {
                    "code": _CODES.get(rule.status, str(rule.status)),
                    "message": f"Injected fault ({rule.id}): the emulator answers {rule.status}.",
                    "target": target,
                }
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"request-id", target.encode()),
        ]
        if rule.retry_after is not None:
            headers.append((b"retry-after", str(rule.retry_after).encode()))
        await send({"type": "http.response.start", "status": rule.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
