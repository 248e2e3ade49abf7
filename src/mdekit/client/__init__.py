"""The Defender for Endpoint client: `Client` and `AsyncClient` over httpx and azure-identity."""

from mdekit.client.async_client import AsyncClient
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
from mdekit.client.settings import Settings, load_settings
from mdekit.client.sync_client import Client

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
    "Settings",
    "TransportError",
    "Unauthorized",
    "load_settings",
]
