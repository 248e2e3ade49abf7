"""Small helpers every Defender handler uses: reading the JSON body the way the service does
(case-sensitive names, `MissingRequiredParameter`, `InvalidRequestBody`), timestamps in the
wire format, and replies for entities and collections."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from mdekit.emulator.defender.collections import (
    Collection,
    ListRequest,
    entity_json,
    list_collection,
)
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.json_fields import json_field
from mdekit.models import format_wire_datetime
from mdekit.odata.fields import FieldSpec, FieldType

_MISSING = object()


def body_object(ctx: HandlerContext, *, required: bool = True) -> dict[str, Any]:
    body = ctx.body
    if body is None:
        if required:
            raise InvalidInput("Request body is incorrect", code="InvalidRequestBody")
        return {}
    if not isinstance(body, dict):
        raise InvalidInput("Request body is incorrect", code="InvalidRequestBody")
    return body


def value(
    body: Mapping[str, Any],
    name: str,
    kind: type | tuple[type, ...] = str,
    *,
    required: bool = True,
    choices: Sequence[str] | None = None,
    default: Any = None,
) -> Any:
    """A body field by its exact (case-sensitive) name, type-checked."""
    found = body.get(name, _MISSING)
    if found is _MISSING or found is None or found == "":
        if required:
            raise InvalidInput(f"Parameter {name} is missing", code="MissingRequiredParameter")
        return default
    if kind is str and not isinstance(found, str):
        raise InvalidInput(f"Invalid input {name}: expected a string", code="InvalidInput")
    if kind is not str and (
        (isinstance(found, bool) and bool not in _as_tuple(kind)) or not isinstance(found, kind)
    ):
        raise InvalidInput(f"Invalid input {name}", code="InvalidInput")
    if choices is not None:
        match = next((c for c in choices if c.lower() == str(found).lower()), None)
        if match is None:
            raise InvalidInput(
                f"Invalid input {name}: {found!r} is not one of {', '.join(choices)}",
                code="InvalidInput",
            )
        return match
    return found


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def now_wire(ctx: HandlerContext) -> str:
    return format_wire_datetime(ctx.services.clock.now())


def entity_reply(
    ctx: HandlerContext, entity_set: str, doc: str | Mapping[str, Any], status: int = 200
) -> Reply:
    text = doc if isinstance(doc, str) else json.dumps(doc, separators=(",", ":"))
    return Reply(status=status, json_text=entity_json(ctx.api_base, entity_set, text))


def collection_reply(
    ctx: HandlerContext, items: Iterable[Mapping[str, Any] | str], entity_set: str | None = None
) -> Reply:
    """A complete (unpaged) collection computed in Python."""
    parts = [i if isinstance(i, str) else json.dumps(i, separators=(",", ":")) for i in items]
    context = json.dumps(f"{ctx.api_base}/$metadata#{entity_set or ctx.endpoint.entity_set}")
    return Reply(json_text='{"@odata.context":' + context + ',"value":[' + ",".join(parts) + "]}")


def list_reply(
    ctx: HandlerContext, collection: Collection, where: ColumnElement[bool] | None = None
) -> Reply:
    """A stored collection with OData options and paging."""
    text, is_count = list_collection(
        ctx.services.repo,
        collection,
        ListRequest(ctx.tenant, ctx.endpoint, ctx.params, ctx.api_base, ctx.request_path, where),
    )
    return Reply(json_text=text, media_type="text/plain" if is_count else Reply.media_type)


_TYPES = {
    "datetime": FieldType.DATETIME,
    "int": FieldType.INT,
    "float": FieldType.FLOAT,
    "bool": FieldType.BOOL,
    "string": FieldType.STRING,
    "strings": FieldType.STRING_COLLECTION,
}
_JSON_KINDS = {
    FieldType.INT: "bigint",
    FieldType.FLOAT: "float",
    FieldType.BOOL: "bool",
    FieldType.STRING_COLLECTION: "raw",
}


def json_fields(
    names: Iterable[str],
    types: Mapping[str, str] | None = None,
    enums: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, FieldSpec]:
    """FieldSpecs over fields of the `entities` table's JSON documents. `types` maps a name
    to datetime/int/float/bool/strings (default string); `enums` gives ordered values."""
    specs: dict[str, FieldSpec] = {}
    for name in names:
        if enums and name in enums:
            specs[name] = FieldSpec(
                json_field(t.entities.c.doc, name), FieldType.ENUM, enum_values=enums[name]
            )
            continue
        kind = _TYPES[(types or {}).get(name, "string")]
        specs[name] = FieldSpec(
            json_field(t.entities.c.doc, name, _JSON_KINDS.get(kind, "text")), kind
        )
    return specs


def entities_of(kind: str, parent: str | None = None) -> ColumnElement[bool]:
    """WHERE clause selecting one kind (and parent) in the entities table."""
    clause = t.entities.c.kind == kind
    if parent is not None:
        clause = clause & (t.entities.c.parent == parent)
    return clause
