"""Every documented Defender for Endpoint API endpoint, as data, and the lookups over it.

The emulator's route table, role checks and rate limits, the client's methods and
`mdekit token check --for ...` are all read from here, so they cannot disagree about
which role an endpoint needs. The rows live in `endpoints_*.py`, one module per group of
entities; this module assembles them and answers "which endpoint is this request?"."""

from __future__ import annotations

from functools import cache, lru_cache

from mdekit.catalog.endpoint_model import (
    NO_LIMITS,
    STANDARD_LIMITS,
    Endpoint,
    RateLimit,
)
from mdekit.catalog.endpoints_actions import ENDPOINTS_ACTIONS
from mdekit.catalog.endpoints_alerts import ENDPOINTS_ALERTS
from mdekit.catalog.endpoints_entities import ENDPOINTS_ENTITIES
from mdekit.catalog.endpoints_exports import ENDPOINTS_EXPORTS
from mdekit.catalog.endpoints_machines import ENDPOINTS_MACHINES
from mdekit.catalog.endpoints_scans import ENDPOINTS_SCANS
from mdekit.catalog.endpoints_tvm import ENDPOINTS_TVM
from mdekit.catalog.path_matching import (
    compile_template,
    normalize_path,
    specificity,
    split_count,
)

__all__ = [
    "ENDPOINTS",
    "NO_LIMITS",
    "STANDARD_LIMITS",
    "Endpoint",
    "RateLimit",
    "endpoint",
    "endpoints_for_role",
    "find_operation",
    "is_count_request",
    "match",
    "operations",
]

ENDPOINTS: tuple[Endpoint, ...] = (
    *ENDPOINTS_ALERTS,
    *ENDPOINTS_ENTITIES,
    *ENDPOINTS_MACHINES,
    *ENDPOINTS_ACTIONS,
    *ENDPOINTS_TVM,
    *ENDPOINTS_EXPORTS,
    *ENDPOINTS_SCANS,
)
"""The 113 documented method + path pairs (defender-api.md §5), in catalog order."""


@cache
def _by_operation() -> dict[str, Endpoint]:
    return {candidate.operation: candidate for candidate in ENDPOINTS}


def endpoint(operation: str) -> Endpoint:
    """The endpoint named `operation`; KeyError when there is none."""
    return _by_operation()[operation]


def find_operation(operation: str) -> Endpoint | None:
    """The endpoint named `operation`, or None."""
    return _by_operation().get(operation)


def operations() -> tuple[str, ...]:
    """Every operation name, sorted."""
    return tuple(sorted(_by_operation()))


def endpoints_for_role(role: str) -> tuple[Endpoint, ...]:
    """The endpoints an application holding `role` may call (compared case-insensitively)."""
    wanted = role.lower()
    return tuple(e for e in ENDPOINTS if any(r.lower() == wanted for r in e.roles))


_Route = tuple[Endpoint, str]


@cache
def _routes(method: str) -> tuple[_Route, ...]:
    """Every (endpoint, template) served for `method`, most specific template first."""
    routes = [(e, template) for e in ENDPOINTS if e.method == method for template in e.paths]
    routes.sort(key=lambda route: specificity(route[1]), reverse=True)
    return tuple(routes)


def _first_match(method: str, path: str) -> tuple[Endpoint, tuple[tuple[str, str], ...]] | None:
    for candidate, template in _routes(method):
        found = compile_template(template).match(path)
        if found:
            return candidate, tuple(found.groupdict().items())
    return None


def match(method: str, path: str) -> tuple[Endpoint, dict[str, str]] | None:
    """The endpoint that serves `method path`, with its path parameters.

    `path` may carry a query string, the `/api/v1.0` prefix, percent-escapes, any letter
    case and a trailing slash. Literal segments win over parameters
    (`/api/machines/findbytag` is not a machine id). A trailing `/$count` after a collection
    endpoint matches that endpoint; `is_count_request` tells the two apart."""
    found = _match(method.upper(), path)
    # A fresh dict each time: callers may change the parameters they get.
    return None if found is None else (found[0], dict(found[1]))


@lru_cache(maxsize=4096)
def _match(method: str, path: str) -> tuple[Endpoint, tuple[tuple[str, str], ...]] | None:
    """Normalizing the path and trying every template costs as much as the rest of a cheap
    API call; the catalog never changes, so the answer for a path is kept (ids make most
    paths unique, hence the bound)."""
    path = normalize_path(path)
    # `$count` is never an entity id: `/api/alerts/$count` counts, it does not get alert "$count".
    base, counted = split_count(path)
    if counted:
        found = _first_match(method, base)
        if found is not None and found[0].returns == "collection":
            return found
    return _first_match(method, path)


def is_count_request(path: str) -> bool:
    """True when `path` asks for the `$count` of a collection rather than its items."""
    return split_count(normalize_path(path))[1]
