"""Domain errors of the emulator. They know nothing of HTTP: one table per surface
(identity, Defender, Graph) maps them to the real service's status codes and bodies."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: `code` is the service's error code, `message` its human text."""

    code: str = "BadRequest"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    """The request is malformed (bad OData, bad body, bad parameter)."""

    code = "InvalidInput"


class NotFound(DomainError):
    code = "ResourceNotFound"


class Unauthorized(DomainError):
    """No valid bearer token. `reason` is for the journal only, never for the caller."""

    code = "Unauthorized"

    def __init__(self, reason: str) -> None:
        super().__init__("Authorization failed: the access token is missing, invalid or expired.")
        self.reason = reason


class Forbidden(DomainError):
    """Valid token without a role the endpoint accepts."""

    code = "Forbidden"

    def __init__(
        self, message: str, *, required: tuple[str, ...], present: tuple[str, ...]
    ) -> None:
        super().__init__(message)
        self.required = required
        self.present = present


class Conflict(DomainError):
    """The request clashes with the current state (e.g. an action already in progress)."""

    code = "ActiveRequestAlreadyExists"


class Throttled(DomainError):
    code = "TooManyRequests"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class NotImplementedInEmulator(DomainError):
    code = "NotImplemented"
