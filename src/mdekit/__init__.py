"""mdekit: app-only access to Microsoft Defender for Endpoint.

`Client` and `AsyncClient` are imported lazily so that `import mdekit.emulator` (or the
KQL engine) does not pay for the HTTP client stack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mdekit._version import __version__

if TYPE_CHECKING:
    from mdekit.client import AsyncClient, Client
    from mdekit.client.errors import (
        ApiError,
        AuthenticationError,
        BadRequest,
        ConfigurationError,
        Forbidden,
        MdeError,
        NotFound,
        RateLimited,
        ServerError,
        TransportError,
        Unauthorized,
    )

_LAZY = {
    "Client": "mdekit.client",
    "AsyncClient": "mdekit.client",
    "MdeError": "mdekit.client.errors",
    "ConfigurationError": "mdekit.client.errors",
    "AuthenticationError": "mdekit.client.errors",
    "TransportError": "mdekit.client.errors",
    "ApiError": "mdekit.client.errors",
    "BadRequest": "mdekit.client.errors",
    "Unauthorized": "mdekit.client.errors",
    "Forbidden": "mdekit.client.errors",
    "NotFound": "mdekit.client.errors",
    "RateLimited": "mdekit.client.errors",
    "ServerError": "mdekit.client.errors",
}

__all__ = [
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequest",
    "Client",
    "ConfigurationError",
    "Forbidden",
    "MdeError",
    "NotFound",
    "RateLimited",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'mdekit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
