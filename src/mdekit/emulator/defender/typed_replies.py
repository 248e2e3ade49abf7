"""Replies whose `@odata.context` names a type rather than an entity set: statistics
(`#microsoft.windowsDefenderATP.api.InOrgFileStats`), the export-files answer and the
recommendation's product (`#Analytics.Contracts.PublicAPI.PublicProductDto`) come as one
object without `/$entity`, as the docs' examples print them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.toolkit import collection_reply, entity_reply


def type_reply(ctx: HandlerContext, doc: Mapping[str, Any], type_name: str | None = None) -> Reply:
    """One object under `#<type>` (the endpoint's entity set by default)."""
    name = type_name or ctx.endpoint.entity_set or ""
    body = {"@odata.context": f"{ctx.api_base}/$metadata#{name}", **doc}
    return Reply(json_text=json.dumps(body, separators=(",", ":")))


def single_reply(ctx: HandlerContext, doc: Mapping[str, Any] | str) -> Reply:
    """One entity the way its endpoint's examples show it: `#Set/$entity` for an entity set,
    `#Namespace.Type` for a qualified type name."""
    entity_set = ctx.endpoint.entity_set or ""
    if "." in entity_set:
        loaded: Mapping[str, Any] = json.loads(doc) if isinstance(doc, str) else doc
        return type_reply(ctx, loaded, entity_set)
    return entity_reply(ctx, entity_set, doc)


def computed_collection(ctx: HandlerContext, items: Sequence[Mapping[str, Any]]) -> Reply:
    """A collection computed in Python; `.../$count` answers the bare number, as stored
    collections do."""
    if ctx.request_path.rstrip("/").lower().endswith("/$count"):
        return Reply(json_text=str(len(items)), media_type="text/plain")
    return collection_reply(ctx, items)
