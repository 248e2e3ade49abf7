"""The live response library (`/api/libraryfiles`): list, upload (multipart/form-data, at most
20 MB) and delete, plus `library_has`, which live response uses to check that the files
PutFile and RunScript name are in the library.

Choices where the docs are silent: form field names are matched without regard to case
(the page's table says `File`, its curl sample sends `file`); library names too, as on the
Windows devices that run them; a name clash without `OverrideIfExists=true` is a 400
`BadRequest`; an override keeps the entry's creation time and creator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mdekit.emulator.defender.context import DefenderServices, HandlerContext, Reply
from mdekit.emulator.defender.library_samples import library_doc
from mdekit.emulator.defender.toolkit import collection_reply, entity_reply, now_wire
from mdekit.emulator.domain.errors import Conflict, InvalidInput, NotFound
from mdekit.emulator.store.library_repo import LibraryRepository
from mdekit.models.library import LIBRARY_FILE_MAX_BYTES

Handler = Callable[[HandlerContext], Reply]

MAX_FILE_NAME = 255
_BAD_NAME = re.compile(r'[<>:"|?*\x00-\x1f]')
"""Characters Windows refuses in a file name (after the path has been stripped)."""


def library_has(services: DefenderServices, tenant_id: str, name: str) -> bool:
    """Whether the tenant's library holds a file called `name` (any letter case)."""
    return LibraryRepository(services.repo.engine).get(tenant_id, name) is not None


def _repo(ctx: HandlerContext) -> LibraryRepository:
    return LibraryRepository(ctx.services.repo.engine)


def _field(form: dict[str, Any], name: str) -> Any:
    wanted = name.lower()
    return next((v for k, v in form.items() if k.lower() == wanted), None)


def _text(form: dict[str, Any], name: str) -> str | None:
    found = _field(form, name)
    if found is None:
        return None
    if not isinstance(found, str):
        raise InvalidInput(f"Invalid input {name}: expected a text field", code="InvalidInput")
    return found


def _flag(form: dict[str, Any], name: str) -> bool:
    """A form boolean as .NET reads it: `true`/`false` in any case; empty means false."""
    found = _text(form, name)
    if found is None or not found.strip():
        return False
    lowered = found.strip().lower()
    if lowered not in ("true", "false"):
        raise InvalidInput(
            f"Invalid input {name}: '{found}' is not a boolean (true or false)",
            code="InvalidInput",
        )
    return lowered == "true"


def _file_name(raw: str) -> str:
    name = re.split(r"[\\/]", raw)[-1].strip()
    if not name or name in (".", "..") or len(name) > MAX_FILE_NAME or _BAD_NAME.search(name):
        raise InvalidInput(
            f"Invalid input File: '{raw}' is not a valid file name", code="InvalidInput"
        )
    return name


def _upload(form: dict[str, Any]) -> tuple[str, bytes]:
    found = _field(form, "File")
    if found is None:
        raise InvalidInput("Parameter File is missing", code="MissingRequiredParameter")
    if not isinstance(found, tuple):
        raise InvalidInput("Invalid input File: expected a file part", code="InvalidInput")
    raw_name, content = found
    name = _file_name(str(raw_name))
    if len(content) > LIBRARY_FILE_MAX_BYTES:
        raise InvalidInput(
            f"File {name} is too large: {len(content)} bytes, at most 20 MB "
            f"({LIBRARY_FILE_MAX_BYTES} bytes) are allowed",
            code="InvalidInput",
        )
    return name, content


def list_files(ctx: HandlerContext) -> Reply:
    return collection_reply(ctx, _repo(ctx).docs(ctx.tenant))


def upload_file(ctx: HandlerContext) -> Reply:
    form = ctx.form
    if form is None:
        raise InvalidInput(
            "Request body is incorrect: expected multipart/form-data", code="InvalidRequestBody"
        )
    name, content = _upload(form)
    description = _text(form, "Description") or None
    parameters = _text(form, "ParametersDescription") or ""
    has_parameters = _flag(form, "HasParameters")
    override = _flag(form, "OverrideIfExists")
    repo = _repo(ctx)
    existing = repo.get(ctx.tenant, name)
    if existing is not None and not override:
        raise Conflict(
            f"File {existing['fileName']} already exists in the library; "
            "send OverrideIfExists=true to replace it",
            code="BadRequest",
        )
    now = now_wire(ctx)
    doc = library_doc(
        name,
        content,
        description=description,
        parameters_description=parameters,
        has_parameters=has_parameters,
        created_by=existing["createdBy"] if existing else ctx.caller.app_id,
        created=existing["creationTime"] if existing else now,
        updated=now,
    )
    repo.put(ctx.tenant, name, content, doc)
    return entity_reply(ctx, "LibraryFiles", doc)


def delete_file(ctx: HandlerContext) -> Reply:
    name = ctx.path_params["fileName"]
    if not _repo(ctx).remove(ctx.tenant, name):
        raise NotFound(f"Library file {name} was not found")
    return Reply(status=204)


HANDLERS: dict[str, Handler] = {
    "library_files.list": list_files,
    "library_files.upload": upload_file,
    "library_files.delete": delete_file,
}
