"""Short-lived download links, like the SAS URLs the service hands out: the file's key, an
expiry and an HMAC over both, so a link works for anyone holding it until it expires."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.store.action_repo import ActionRepository

router = APIRouter(include_in_schema=False)


def _signature(secret: str, key: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"{key}|{expires}".encode(), hashlib.sha256).hexdigest()


def signed_url(services: DefenderServices, origin: str, key: str, lifetime_seconds: int) -> str:
    expires = int(services.clock.timestamp()) + lifetime_seconds
    sig = _signature(services.file_secret, key, expires)
    return f"{origin}/_downloads/{quote(key, safe='')}?se={expires}&sig={sig}"


@router.get("/_downloads/{key:path}")
async def download(request: Request, key: str) -> Response:
    services: DefenderServices = request.app.state.defender
    expires_text = request.query_params.get("se", "")
    sig = request.query_params.get("sig", "")
    if not expires_text.isdigit() or not hmac.compare_digest(
        sig, _signature(services.file_secret, key, int(expires_text))
    ):
        return Response(
            "AuthenticationFailed: the signature is not valid.",
            status_code=403,
            media_type="text/plain",
        )
    if int(expires_text) < services.clock.timestamp():
        return Response(
            "AuthenticationFailed: the link has expired; request a new one.",
            status_code=403,
            media_type="text/plain",
        )
    found = await run_in_threadpool(ActionRepository(services.repo.engine).file, key)
    if found is None:
        return Response(
            "BlobNotFound: the file does not exist.", status_code=404, media_type="text/plain"
        )
    _tenant, name, content, content_type = found
    return Response(
        content,
        media_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
