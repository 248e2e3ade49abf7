"""Error bodies: the Defender API's `{"error": {...}}` and Entra's token-endpoint error."""

from __future__ import annotations

from pydantic import Field

from mdekit.models._base import SnakeWireModel, WireModel

__all__ = ["API_ERROR_CODES", "ApiError", "ApiErrorBody", "TokenError"]

API_ERROR_CODES: dict[str, int] = {
    "BadRequest": 400,
    "ODataError": 400,
    "InvalidInput": 400,
    "InvalidRequestBody": 400,
    "InvalidHashValue": 400,
    "InvalidDomainName": 400,
    "InvalidIpAddress": 400,
    "InvalidUrl": 400,
    "MaximumBatchSizeExceeded": 400,
    "MissingRequiredParameter": 400,
    "OsPlatformNotSupported": 400,
    "ClientVersionNotSupported": 400,
    "ActiveRequestAlreadyExists": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "DisabledFeature": 403,
    "DisallowedOperation": 403,
    "NotFound": 404,
    "ResourceNotFound": 404,
    "TooManyRequests": 429,
    "InternalServerError": 500,
}
"""Documented codes and their HTTP status (common-errors.md). Live hunting throttles
also send the code "429" as a string (§9.17)."""


class ApiError(WireModel):
    """The inner object: `code`, free-text `message`, and `target` (a correlation id)."""

    code: str
    message: str | None = None
    target: str | None = None


class ApiErrorBody(WireModel):
    """`{"error": {"code": ..., "message": ..., "target": ...}}`."""

    error: ApiError


class TokenError(SnakeWireModel):
    """Entra ID token-endpoint error (snake_case keys).

    `error_description` starts with "AADSTS<code>: " and ends with Trace ID,
    Correlation ID and Timestamp lines separated by "\\r\\n"."""

    error: str
    error_description: str | None = None
    error_codes: list[int] = Field(default_factory=list)
    timestamp: str | None = None
    """"YYYY-MM-DD HH:MM:SSZ" as the service writes it; kept as text."""
    trace_id: str | None = None
    correlation_id: str | None = None
    error_uri: str | None = None
    suberror: str | None = None
    claims: str | None = None

    @property
    def aadsts_code(self) -> int | None:
        """The first AADSTS number, from `error_codes` or the description prefix."""
        if self.error_codes:
            return self.error_codes[0]
        description = self.error_description or ""
        if description.startswith("AADSTS"):
            digits = description[6:].split(":", 1)[0]
            if digits.isdigit():
                return int(digits)
        return None
