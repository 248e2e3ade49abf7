"""One table from emulator errors to the Defender API's statuses and bodies:
`{"error": {"code", "message", "target"}}`, `target` being the request's correlation id."""

from __future__ import annotations

import json

from starlette.responses import Response

from mdekit.emulator.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    NotImplementedInEmulator,
    Throttled,
    Unauthorized,
)
from mdekit.odata.errors import ODataError

_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Throttled, 429),
    (Conflict, 400),
    (InvalidInput, 400),
    (NotImplementedInEmulator, 501),
    (DomainError, 400),
)


def error_response(exc: DomainError | ODataError, request_id: str) -> Response:
    if isinstance(exc, ODataError):
        status, code, message = exc.status, exc.code, exc.service_message
    else:
        status = next(code for kind, code in _STATUS if isinstance(exc, kind))
        code, message = exc.code, exc.message
    headers = {"request-id": request_id}
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(exc.retry_after)
    body = {"error": {"code": code, "message": message, "target": request_id}}
    return Response(
        json.dumps(body), status_code=status, media_type="application/json", headers=headers
    )
