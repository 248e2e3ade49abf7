"""Serving an entity collection the way the Defender API does: OData options bound to the
collection's columns, pages of stored JSON spliced into the envelope, `@odata.nextLink`
with `$skip` when a page without `$top` is cut at the page cap, `/$count` as a bare number."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Table
from sqlalchemy.sql.elements import ColumnElement

from mdekit.catalog.endpoints import Endpoint
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.emulator.store.defender_repo import DefenderRepository, PageQuery
from mdekit.odata.fields import FieldSpec, resolve_select
from mdekit.odata.options import QueryOptions, parse_query_options
from mdekit.odata.sql_filter import to_sql
from mdekit.odata.sql_orderby import order_by_clauses

DEFAULT_PAGE_CAP = 10_000


@dataclass(frozen=True)
class Collection:
    table: Table
    fields: Mapping[str, FieldSpec]
    entity_type: str
    expandable: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListRequest:
    tenant_id: str
    endpoint: Endpoint
    params: Sequence[tuple[str, str]]
    api_base: str
    """Scheme, host and `/api`: the root of `@odata.context` and next links."""
    request_path: str
    extra_where: ColumnElement[bool] | None = None


def _options(request: ListRequest) -> QueryOptions:
    cap = request.endpoint.page_cap or DEFAULT_PAGE_CAP
    default = request.endpoint.default_page_size or cap
    return parse_query_options(list(request.params), page_cap=cap, default_top=default)


def _where(
    collection: Collection, options: QueryOptions, extra: ColumnElement[bool] | None
) -> ColumnElement[bool] | None:
    where = None
    if options.filter is not None:
        where = to_sql(options.filter, collection.fields, entity_type=collection.entity_type)
    if extra is not None:
        where = extra if where is None else (where & extra)
    return where


def _check_expand(collection: Collection, options: QueryOptions) -> bool:
    for name in options.expand:
        if name.lower() not in collection.expandable:
            raise InvalidInput(
                f"Property '{name}' on type '{collection.entity_type}' is not a navigation "
                "property or complex property. Only navigation properties can be expanded.",
                code="ODataError",
            )
    return bool(options.expand)


def _select(doc: str, evidence: str | None, selected: tuple[str, ...]) -> str:
    data: dict[str, Any] = json.loads(doc)
    if evidence is not None:
        data["evidence"] = json.loads(evidence)
    return json.dumps({key: data.get(key) for key in selected}, separators=(",", ":"))


def _item(doc: str, evidence: str | None, collection: Collection) -> str:
    """A stored document with its navigation lists appended: the stored evidence when
    expanded, else `[]` as the service shows them."""
    if not collection.expandable:
        return doc
    return doc[:-1] + ',"evidence":' + (evidence if evidence is not None else "[]") + "}"


def _items(
    rows: list[tuple[str, str | None]], collection: Collection, selected: tuple[str, ...]
) -> str:
    """The page's items joined by commas. Stored documents are spliced as they are; for the
    common page (no `$select`, no `$expand`) each is copied once, not once per piece."""
    if selected:
        return ",".join(_select(doc, ev, selected) for doc, ev in rows)
    if not collection.expandable:
        return ",".join(doc for doc, _ in rows)
    if rows and all(ev is None for _, ev in rows):
        closing = ',"evidence":[]}'
        return (closing + ",").join([doc[:-1] for doc, _ in rows]) + closing
    return ",".join(_item(doc, ev, collection) for doc, ev in rows)


def list_collection(
    repo: DefenderRepository, collection: Collection, request: ListRequest
) -> tuple[str, bool]:
    """(JSON text of the page, True when it is a bare `/$count` number)."""
    options = _options(request)
    where = _where(collection, options, request.extra_where)
    order = order_by_clauses(options.orderby, collection.fields, entity_type=collection.entity_type)
    if request.request_path.rstrip("/").lower().endswith("/$count"):
        return str(repo.count_where(collection.table, request.tenant_id, where)), True
    expand = _check_expand(collection, options)
    selected = (
        resolve_select(options.select, collection.fields, entity_type=collection.entity_type)
        if options.select
        else ()
    )
    # Without $top the service cuts the page at its cap and links to the next one.
    wants_link = options.top is None
    fetch = options.limit + 1 if wants_link else options.limit
    rows = repo.page(
        collection.table,
        PageQuery(request.tenant_id, where, order, options.skip, fetch),
        with_evidence=expand,
    )
    more = wants_link and len(rows) > options.limit
    rows = rows[: options.limit]
    context = f"{request.api_base}/$metadata#{request.endpoint.entity_set or ''}"
    head = '{"@odata.context":' + json.dumps(context)
    if options.count:
        head += ',"@odata.count":' + str(
            repo.count_where(collection.table, request.tenant_id, where)
        )
    tail = ""
    if more:
        next_params = [(k, v) for k, v in request.params if k.lower() != "$skip"]
        next_params.append(("$skip", str(options.skip + options.limit)))
        query = urlencode(next_params, safe="$")
        link = f"{request.api_base}{request.request_path[len('/api') :]}?{query}"
        tail = ',"@odata.nextLink":' + json.dumps(link)
    return "".join((head, ',"value":[', _items(rows, collection, selected), "]", tail, "}")), False


def entity_json(api_base: str, entity_set: str, doc: str) -> str:
    """A single entity with its `@odata.context` first, as the service writes it."""
    context = json.dumps(f"{api_base}/$metadata#{entity_set}/$entity")
    return '{"@odata.context":' + context + ("," + doc[1:] if doc != "{}" else "}")
