"""The request journal: every request with its caller (app, tenant, roles in the token), the
endpoint, the roles it needed, the status and the reason for any 401/403/429. Written in
batches by a background thread so that requests never wait for it; query strings are kept
for the API (filters help debugging) with anything secret-looking redacted."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Engine, delete, func, insert, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mdekit.emulator.store import schema as t

KEEP_ROWS = 50_000
CLIENT_CLOSED = 499
_SECRET_WORDS = ("secret", "assertion", "password", "token", "code", "key", "signature", "sig")


@lru_cache(maxsize=1024)
def _redact_query(query: str) -> str:
    """Clients repeat the same few query strings (`$top=100&$skip=...`): each is parsed once."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    safe = [
        (k, "[redacted]" if any(w in k.lower() for w in _SECRET_WORDS) else v) for k, v in pairs
    ]
    return "?" + urlencode(safe)


class JournalWriter:
    def __init__(self, engine: Engine, *, flush_seconds: float = 0.2) -> None:
        self.engine = engine
        self._queue: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._written = 0
        self._thread = threading.Thread(target=self._run, name="mdekit-journal", daemon=True)
        self._thread.start()

    def record(self, entry: dict[str, Any]) -> None:
        self._queue.put({key: _storable(value) for key, value in entry.items()})

    def flush(self) -> None:
        batch: list[dict[str, Any]] = []
        while True:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if not batch:
            return
        with self._lock, self.engine.begin() as conn:
            conn.execute(insert(t.journal), batch)
            self._written += len(batch)
            if self._written >= 1000:
                self._written = 0
                newest = conn.execute(select(func.max(t.journal.c.seq))).scalar_one() or 0
                conn.execute(delete(t.journal).where(t.journal.c.seq <= newest - KEEP_ROWS))

    def clear(self) -> None:
        """Forget every recorded request (the control API's reset)."""
        self.flush()
        with self._lock, self.engine.begin() as conn:
            conn.execute(delete(t.journal))

    def _run(self) -> None:
        while not self._stop.wait(self._flush_seconds):
            self.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.flush()

    def entries(
        self,
        *,
        since_seq: int = 0,
        limit: int = 500,
        status: int | None = None,
        app_id: str | None = None,
        tenant_id: str | None = None,
        path_contains: str | None = None,
    ) -> list[dict[str, Any]]:
        self.flush()
        j = t.journal
        query = select(j).where(j.c.seq > since_seq)
        if status is not None:
            query = query.where(j.c.status == status)
        if app_id:
            query = query.where(j.c.app_id == app_id)
        if tenant_id:
            query = query.where(j.c.tenant_id == tenant_id)
        if path_contains:
            query = query.where(j.c.path.contains(path_contains))
        query = query.order_by(j.c.seq.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_entry_json(row._mapping) for row in reversed(rows)]


def _entry_json(row: Any) -> dict[str, Any]:
    return {
        "seq": row["seq"],
        "at": row["at"],
        "requestId": row["request_id"],
        "method": row["method"],
        "path": row["path"],
        "status": row["status"],
        "durationMs": round(row["duration_ms"], 2),
        "tenantId": row["tenant_id"],
        "appId": row["app_id"],
        "roles": json.loads(row["roles"]) if row["roles"] else [],
        "operation": row["operation"],
        "rolesNeeded": json.loads(row["roles_needed"]) if row["roles_needed"] else [],
        "reason": row["reason"],
    }


class JournalMiddleware:
    """Times each HTTP request and records it with what the routes left in `request.state`."""

    def __init__(
        self, app: ASGIApp, writer: Callable[[], JournalWriter | None], clock: Callable[[], float]
    ) -> None:
        self.app = app
        self.writer = writer
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        writer = self.writer()
        if (
            scope["type"] != "http"
            or writer is None
            or scope["path"].startswith(("/_emulator/journal", "/_console/static"))
        ):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500, "gone": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        async def listen() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect":
                status["gone"] = True
            return message

        try:
            await self.app(scope, listen, capture)
        finally:
            state: dict[str, Any] = scope.get("state", {})
            if status["gone"] and status["code"] == 500:
                # The caller hung up before the answer (a client timeout, a killed process):
                # not a fault of the emulator's, so not logged as one. nginx's 499.
                status["code"] = CLIENT_CLOSED
                state["journal_reason"] = "the client closed the connection before the answer" + (
                    f" ({state['journal_reason']})" if state.get("journal_reason") else ""
                )
            caller = state.get("journal_caller") or {}
            query = scope.get("query_string", b"").decode("latin-1")
            writer.record(
                {
                    "at": self.clock(),
                    "request_id": state.get("request_id"),
                    "method": scope["method"],
                    "path": scope["path"] + _redact_query(query),
                    "status": status["code"],
                    "duration_ms": (time.perf_counter() - started) * 1000,
                    "tenant_id": caller.get("tenant_id"),
                    "app_id": caller.get("app_id"),
                    "roles": json.dumps(caller.get("roles", [])),
                    "operation": state.get("journal_endpoint"),
                    "roles_needed": json.dumps(state.get("journal_roles_needed", [])),
                    "reason": state.get("journal_reason") if status["code"] >= 400 else None,
                }
            )


def _storable(value: Any) -> Any:
    """Text as UTF-8 can hold it: a lone surrogate (from a caller's JSON, quoted in an error)
    would otherwise fail the whole batch's insert and stop the journal's writer thread."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value
