"""Resource methods written once for both clients.

A resource method builds a `Invocation` (which operation, path, query, body, and how to read the
answer); the `operation` and `paged` descriptors run it with the client the group belongs
to. A group is generic in its mode: `Alerts[Sync]` methods return values, `Alerts[Async]`
methods return awaitables (and paged ones async iterators), so each endpoint's method exists
once, fully typed, with the sending, retrying and paging shared in the core."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

P = ParamSpec("P")
T = TypeVar("T")


class Sync:
    """Marker: the group belongs to a `Client`."""


class Async:
    """Marker: the group belongs to an `AsyncClient`."""


M = TypeVar("M", Sync, Async)


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Invocation(Generic[T]):
    """One catalog operation, ready to send, and how to turn its JSON into a `T`."""

    operation: str
    path: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    decode: Callable[[Any], T] = _identity
    limit: int | None = None
    page_size: int | None = None
    raw: bool = False
    """Return the response bytes undecoded (downloads)."""
    files: Mapping[str, tuple[str, bytes]] | None = None
    """Multipart file fields; `body` then carries the other form fields."""


class Runner(Generic[M]):
    """What a client gives its groups: run one call, or iterate a paged one."""

    def __init__(
        self, run: Callable[[Invocation[Any]], Any], page: Callable[[Invocation[Any]], Any]
    ) -> None:
        self.run = run
        self.page = page


class Group(Generic[M]):
    """Base of a resource group (alerts, machines, ...)."""

    def __init__(self, runner: Runner[M]) -> None:
        self._runner: Runner[M] = runner


class operation(Generic[P, T]):
    """A method that answers one value."""

    def __init__(self, build: Callable[Concatenate[Any, P], Invocation[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__
        self.__name__ = build.__name__

    @overload
    def __get__(self, obj: Group[Sync], owner: type | None = None) -> Callable[P, T]: ...

    @overload
    def __get__(
        self, obj: Group[Async], owner: type | None = None
    ) -> Callable[P, Awaitable[T]]: ...

    def __get__(self, obj: Group[Any], owner: type | None = None) -> Any:
        build = self.build

        def bound(*args: Any, **kwargs: Any) -> Any:
            return obj._runner.run(build(obj, *args, **kwargs))

        bound.__doc__ = build.__doc__
        bound.__name__ = build.__name__
        return bound


class paged(Generic[P, T]):
    """A method that yields every item of a collection, page by page."""

    def __init__(self, build: Callable[Concatenate[Any, P], Invocation[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__
        self.__name__ = build.__name__

    @overload
    def __get__(self, obj: Group[Sync], owner: type | None = None) -> Callable[P, Iterator[T]]: ...

    @overload
    def __get__(
        self, obj: Group[Async], owner: type | None = None
    ) -> Callable[P, AsyncIterator[T]]: ...

    def __get__(self, obj: Group[Any], owner: type | None = None) -> Any:
        build = self.build

        def bound(*args: Any, **kwargs: Any) -> Any:
            return obj._runner.page(build(obj, *args, **kwargs))

        bound.__doc__ = build.__doc__
        bound.__name__ = build.__name__
        return bound


def model(cls: type[T]) -> Callable[[Any], T]:
    """Decode with a pydantic model (unknown fields kept)."""
    validate: Callable[[Any], T] = cls.model_validate  # type: ignore[attr-defined]
    return validate


def models(cls: type[T]) -> Callable[[Any], list[T]]:
    """Decode an OData collection envelope into a list of models."""

    def decode(body: Any) -> list[T]:
        items = body.get("value", []) if isinstance(body, dict) else body
        return [cls.model_validate(item) for item in items]  # type: ignore[attr-defined]

    return decode


def string_value(body: Any) -> str:
    """`{"@odata.context": "...#Edm.String", "value": "<url>"}` -> the URL."""
    return str(body["value"]) if isinstance(body, dict) else str(body)


def nothing(_body: Any) -> None:
    return None
