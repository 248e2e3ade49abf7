"""Errors to exit codes, in one place, with one clear line (and a hint) on stderr."""

from __future__ import annotations

from enum import IntEnum

from rich.console import Console
from rich.markup import escape

from mdekit.client.errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    Forbidden,
    MdeError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    """A check failed, or an error not covered below."""
    USAGE = 2
    """Bad arguments or configuration."""
    AUTHENTICATION = 3
    """The token endpoint refused the credentials (AADSTS...)."""
    FORBIDDEN = 4
    """The token lacks a role the endpoint needs (403)."""
    NOT_FOUND = 5
    TRANSPORT = 6
    """The service could not be reached."""
    THROTTLED = 7
    SERVER = 8
    UNAUTHORIZED = 9
    """The API rejected the token (401)."""


_CODES: tuple[tuple[type[MdeError], ExitCode], ...] = (
    (ConfigurationError, ExitCode.USAGE),
    (AuthenticationError, ExitCode.AUTHENTICATION),
    (Forbidden, ExitCode.FORBIDDEN),
    (Unauthorized, ExitCode.UNAUTHORIZED),
    (NotFound, ExitCode.NOT_FOUND),
    (RateLimited, ExitCode.THROTTLED),
    (ServerError, ExitCode.SERVER),
    (TransportError, ExitCode.TRANSPORT),
    (ApiError, ExitCode.FAILURE),
    (MdeError, ExitCode.FAILURE),
)


class CliError(MdeError):
    """An error the CLI itself raises, with its exit code."""

    def __init__(
        self, message: str, *, code: ExitCode = ExitCode.FAILURE, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.code = code


def exit_code_for(exc: MdeError) -> ExitCode:
    if isinstance(exc, CliError):
        return exc.code
    return next(code for kind, code in _CODES if isinstance(exc, kind))


def report(exc: MdeError, console: Console) -> ExitCode:
    """Print one line (plus the hint) and return the exit code."""
    console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    if exc.hint:
        console.print(f"[yellow]hint:[/] {escape(exc.hint)}", highlight=False, soft_wrap=True)
    return exit_code_for(exc)
