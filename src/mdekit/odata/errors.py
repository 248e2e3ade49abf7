"""Errors raised while parsing and binding OData queries.

Every failure in this package is an :class:`ODataError`, which the emulator answers with
HTTP 400 and the Defender API's error code ``ODataError``.  Messages follow the wording of
Microsoft's .NET OData libraries (which the Defender API runs on), e.g.
"Syntax error at position 10 in 'status eqq 'New''.", so that clients see familiar text.
"""

from __future__ import annotations

from typing import Any

# The Defender API reports OData failures with this code (common-errors page: "ODataError",
# 400, "Invalid OData URI query (the specific error is specified)").  The exact prefix the
# live service puts before the .NET message could not be confirmed from public sources;
# this one follows the project brief.
ERROR_CODE = "ODataError"
HTTP_STATUS = 400
SERVICE_MESSAGE_PREFIX = "Invalid ODataQuery: "


class ODataError(Exception):
    """Base of every error in ``mdekit.odata``: a bad OData query, answered with 400."""

    code: str = ERROR_CODE
    status: int = HTTP_STATUS

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def service_message(self) -> str:
        """The message as the Defender API words it in the error body."""
        return SERVICE_MESSAGE_PREFIX + self.message

    def error_body(self, target: str) -> dict[str, Any]:
        """The Defender API error body, ``target`` being the request's correlation id."""
        return {"error": {"code": self.code, "message": self.service_message, "target": target}}


class ODataSyntaxError(ODataError):
    """The text is not well-formed OData; ``position`` is the 0-based offset of the fault."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position

    def __repr__(self) -> str:
        return f"ODataSyntaxError({self.message!r}, {self.position})"


class ODataSemanticError(ODataError):
    """The text is well-formed but names an unknown property, mixes types, and so on."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position

    def __repr__(self) -> str:
        return f"ODataSemanticError({self.message!r}, {self.position})"


class ODataQueryOptionError(ODataError):
    """A system query option ($top, $skip, ...) is repeated, unknown or out of range."""

    def __init__(self, message: str, option: str) -> None:
        super().__init__(message)
        self.option = option

    def __repr__(self) -> str:
        return f"ODataQueryOptionError({self.message!r}, {self.option!r})"
