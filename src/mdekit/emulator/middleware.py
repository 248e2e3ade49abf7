"""ASGI middleware of the emulator: collapse doubled slashes (MSAL asks for
`/TENANT//v2.0/...` when the authority ends in `/`) before routing, and a fast lane to the
hot endpoints."""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

_SLASHES = re.compile(r"/{2,}")
_RAW_SLASHES = re.compile(rb"/{2,}")


class CollapseSlashes:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "//" in scope["path"]:
            path = _SLASHES.sub("/", scope["path"])
            raw = scope.get("raw_path") or scope["path"].encode()
            scope = {**scope, "path": path, "raw_path": _RAW_SLASHES.sub(b"/", raw)}
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class _Route:
    path_regex: re.Pattern[str]
    methods: frozenset[str]
    param_convertors: dict[str, Any]
    endpoint: Callable[..., Awaitable[Response]] | None
    """Set only for the endpoints the fast lane serves itself."""


def _flat_routes(routes: list[Any]) -> list[_Route] | None:
    """The app's routes in the order FastAPI tries them, or None if it holds anything this
    lane does not know how to read (then everything goes through the router)."""
    flat: list[_Route] = []
    for route in routes:
        candidates = getattr(route, "effective_candidates", None)
        if callable(candidates):
            inner = _flat_routes(list(candidates()))
            if inner is None:
                return None
            flat += inner
            continue
        regex = getattr(route, "path_regex", None)
        original = getattr(route, "original_route", route)
        if not isinstance(original, APIRoute) or regex is None:
            return None
        flat.append(
            _Route(
                regex,
                frozenset(getattr(route, "methods", None) or ()),
                dict(getattr(route, "param_convertors", {})),
                original.endpoint,
            )
        )
    return flat


class FastLane:
    """Serves the hot endpoints (the token endpoints, the Defender API) without FastAPI's
    router and dependency machinery, which cost more than the token's RSA signature.

    It picks the route exactly as the router does, first full match in route order (path
    and method), and serves it only when that route is one of `fast_endpoints`; everything
    else, and multipart bodies, go down the normal stack. Exceptions are handled by the
    app's own exception handlers, as the router's `ExceptionMiddleware` would. Install it
    innermost (first `add_middleware`), so the journal and faults still see every request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        fastapi_app: Any,
        fast_endpoints: tuple[Callable[..., Awaitable[Response]], ...],
    ) -> None:
        self.app = app
        self._fastapi_app = fastapi_app
        self._fast = set(fast_endpoints)
        self._routes: list[_Route] | None = None
        # Some seventy patterns stand before the token endpoint: a path's answer is kept
        # (bounded: ids make most Defender paths unique).
        self._pick_cached = functools.lru_cache(maxsize=_PICKED_PATHS)(self._pick_uncached)
        self._ready = False
        self._with_handlers: ASGIApp = self._serve

    def _prepare(self) -> None:
        # Routes are complete only once the app starts serving, so read them on first use.
        routes = _flat_routes(list(self._fastapi_app.router.routes))
        if routes is not None:
            routes = [
                r
                if r.endpoint in self._fast
                else _Route(r.path_regex, r.methods, r.param_convertors, None)
                for r in routes
            ]
        self._routes = routes
        handlers = {
            key: value
            for key, value in self._fastapi_app.exception_handlers.items()
            if key not in (500, Exception)
        }
        self._with_handlers = ExceptionMiddleware(self._serve, handlers=handlers)
        self._ready = True

    def _pick(self, scope: Scope) -> tuple[_Route, dict[str, Any]] | None:
        if self._routes is None or scope.get("root_path"):
            return None
        found = self._pick_cached(scope["method"], scope["path"])
        if found is None:
            return None
        route, params = found
        return route, dict(params)

    def _pick_uncached(self, method: str, path: str) -> tuple[_Route, dict[str, Any]] | None:
        assert self._routes is not None
        for route in self._routes:
            match = route.path_regex.match(path)
            if match is None or (route.methods and method not in route.methods):
                continue
            if route.endpoint is None:
                return None
            params = {
                key: route.param_convertors[key].convert(value)
                for key, value in match.groupdict().items()
            }
            return route, params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._ready:
            self._prepare()
        picked = self._pick(scope)
        if picked is None or _is_multipart(scope):
            await self.app(scope, receive, send)
            return
        route, params = picked
        scope["path_params"] = {**scope.get("path_params", {}), **params}
        scope["endpoint"] = route.endpoint
        scope[_PICKED] = route
        await self._with_handlers(scope, receive, send)

    @staticmethod
    async def _serve(scope: Scope, receive: Receive, send: Send) -> None:
        route: _Route = scope[_PICKED]
        assert route.endpoint is not None
        request = Request(scope, receive, send)
        response = await route.endpoint(request, **scope["path_params"])
        await response(scope, receive, send)


_PICKED = "mdekit.fast_lane_route"
_PICKED_PATHS = 4096


def _is_multipart(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.lower().startswith(b"multipart/"))
    return False
