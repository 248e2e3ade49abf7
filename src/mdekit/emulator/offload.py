"""Running blocking handler code (database reads and writes) off the event loop, on a
plain thread pool: `loop.run_in_executor` costs a third of what Starlette's
`run_in_threadpool` (AnyIO's worker threads, capacity limiter and cancel scopes) does per
call, which is a fifth of a cheap Defender API request."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

MAX_THREADS = 40
"""As many as AnyIO's default limiter allows, so as many slow requests can wait at once."""


class Offloader:
    """A thread pool for one app; threads start on demand and end with the object."""

    def __init__(self, max_threads: int = MAX_THREADS, name: str = "mdekit-handler") -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix=name)

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`function(*args, **kwargs)` on a pool thread, in a copy of the caller's context."""
        context = contextvars.copy_context()
        call: Callable[[], Any] = functools.partial(context.run, function, *args, **kwargs)
        result: T = await asyncio.get_running_loop().run_in_executor(self._pool, call)
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=False)


def offloader_of(state: Any) -> Offloader:
    """The app's offloader, kept on its `state` (made on first use)."""
    found = getattr(state, "offloader", None)
    if isinstance(found, Offloader):
        return found
    made = Offloader()
    state.offloader = made
    return made
