"""One call across many customer tenants with one multi-tenant app (the guide's partner case).

Each tenant gets its own Client, so its own token (issued by that tenant, with the roles
its admin consented) and its own quota pacing. A tenant that fails (no consent yet:
AADSTS700016; throttled; unreachable; ...) is reported with its error and does not stop
the others."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from mdekit.client.errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    MdeError,
)
from mdekit.client.settings import Settings
from mdekit.client.sync_client import Client

T = TypeVar("T")


@dataclass(frozen=True)
class Tenant:
    """A customer tenant: its id (GUID or domain) and an optional label."""

    id: str
    label: str | None = None


def read_tenants(path: Path) -> list[Tenant]:
    """A tenants file: one tenant id a line, optionally followed by a label (after
    whitespace or a comma); blank lines and `#` comments are skipped; duplicates once."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigurationError(f"cannot read the tenants file {path}: {exc.strerror}") from None
    tenants: dict[str, Tenant] = {}
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        tenant_id, _, label = text.replace(",", " ", 1).partition(" ")
        tenants.setdefault(tenant_id.lower(), Tenant(tenant_id, label.strip() or None))
    if not tenants:
        raise ConfigurationError(
            f"the tenants file {path} lists no tenant", hint="one tenant id (GUID) a line"
        )
    return list(tenants.values())


def _as_tenants(tenants: Iterable[Tenant | str]) -> list[Tenant]:
    return [t if isinstance(t, Tenant) else Tenant(t) for t in tenants]


@dataclass
class TenantResult(Generic[T]):
    """What one tenant gave: a value, or the error that stopped it."""

    tenant: Tenant
    value: T | None = None
    error: MdeError | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_code(self) -> str | None:
        """`AADSTS700016`, `429 TooManyRequests`, ... (None when it worked)."""
        error = self.error
        if isinstance(error, AuthenticationError) and error.code:
            return f"AADSTS{error.code}"
        if isinstance(error, ApiError):
            return f"{error.status} {error.code or ''}".strip()
        return type(error).__name__ if error is not None else None

    def summary(self) -> dict[str, Any]:
        """One row of the per-tenant report."""
        count = len(self.value) if isinstance(self.value, Sequence) else None
        return {
            "tenant_id": self.tenant.id,
            "label": self.tenant.label,
            "status": "ok" if self.ok else "failed",
            "rows": count,
            "error_code": self.error_code,
            "error": str(self.error) if self.error is not None else None,
            "hint": self.error.hint if self.error is not None else None,
            "seconds": round(self.seconds, 3),
        }


def fan_out(
    settings: Settings,
    tenants: Iterable[Tenant | str],
    fn: Callable[[Client], T],
    *,
    concurrency: int = 4,
    on_done: Callable[[TenantResult[T]], None] | None = None,
    **client_options: Any,
) -> list[TenantResult[T]]:
    """Run `fn(client)` once per tenant, `concurrency` tenants at a time, each with a Client
    signed in to that tenant (same app, same credential). Results come back in the order
    of `tenants`; a failure is captured in its TenantResult. An iterator that `fn` returns
    (`c.alerts.list()`) is read to the end while the client is open: the value is then a
    list. `client_options` go to Client (pacing=, retry=, transport=, ...)."""
    chosen = _as_tenants(tenants)

    def one(tenant: Tenant) -> TenantResult[T]:
        started = time.monotonic()
        result: TenantResult[T] = TenantResult(tenant)
        try:
            with Client(settings=settings.with_tenant(tenant.id), **client_options) as client:
                value = fn(client)
                # A lazy listing must be read while its client is open.
                result.value = cast(T, list(value)) if isinstance(value, Iterator) else value
        except MdeError as exc:
            result.error = exc
        except ValueError as exc:  # a response that does not fit its model, say
            result.error = MdeError(f"unexpected answer: {exc}".splitlines()[0])
        result.seconds = time.monotonic() - started
        if on_done is not None:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(chosen) or 1))) as pool:
        return list(pool.map(one, chosen))


def tagged_rows(results: Iterable[TenantResult[Any]]) -> Iterator[dict[str, Any]]:
    """Every row of the tenants that worked, as a dict with `tenant_id` first. Values may be
    models (dumped with the service's names) or dicts."""
    for result in results:
        if not result.ok or result.value is None:
            continue
        values = result.value if isinstance(result.value, list | tuple) else [result.value]
        for item in values:
            row = item if isinstance(item, dict) else _dump(item)
            yield {"tenant_id": result.tenant.id, **row}


def _dump(item: Any) -> dict[str, Any]:
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        data: dict[str, Any] = dump(mode="json", by_alias=True, exclude_unset=True)
        return data
    return {"value": item}
