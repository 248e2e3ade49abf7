"""An OpenAPI 3.1 document of the Defender API, generated from the catalog and the wire models.

Served by the emulator at `GET /_emulator/openapi.json` (no authentication: it describes the
public API, not the emulator's state) so that schema-driven tools (code generators, fuzzers
such as schemathesis, API explorers) can be pointed at the emulator. The catalog gives the
paths, methods, roles, query options and required body fields; `mdekit.models` gives the
entity and request-body schemas. Nothing here knows about the emulator's handlers: an
operation the emulator does not serve yet is still documented, as the real service has it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from mdekit._version import __version__
from mdekit.catalog.endpoint_model import Endpoint, RateLimit
from mdekit.catalog.endpoints import ENDPOINTS
from mdekit.catalog.permissions import DEFENDER
from mdekit.emulator.openapi_links import links_for
from mdekit.emulator.openapi_models import (
    ERROR_BODY,
    entity_model,
    request_enums,
    request_model,
)
from mdekit.emulator.openapi_params import count_parameters, parameters
from mdekit.models import StringResult

__all__ = ["ERROR_STATUSES", "build_document", "router"]

ERROR_STATUSES: dict[int, str] = {
    400: "The request is malformed: a bad query option, body or parameter.",
    401: "No bearer token, or one that is expired, not for this API or badly signed.",
    403: "The token holds none of the application permissions the endpoint needs.",
    404: "No such entity (or path).",
    429: "A rate limit of the endpoint was exceeded; `Retry-After` says when to call again.",
}
"""The error answers every endpoint may give, all with the `{"error": {...}}` body."""

_COMPONENT = "#/components/schemas/{model}"
_JSON = "application/json"

router = APIRouter(include_in_schema=False)


@router.get("/_emulator/openapi.json")
async def openapi_document(request: Request) -> Response:
    """The document, with the emulator's own origin as its server."""
    origin = f"{request.url.scheme}://{request.url.netloc}"
    return Response(build_document(origin), media_type=_JSON)


def build_document(origin: str) -> str:
    """The OpenAPI document as JSON text, for an emulator reached at `origin`."""
    return json.dumps(document(origin), separators=(",", ":"))


def document(origin: str) -> dict[str, Any]:
    """The OpenAPI document as a dict, with `origin` as its server."""
    # A shallow copy: the cached document itself is never changed.
    return {**_catalog_document(), "servers": [{"url": origin, "description": "this emulator"}]}


@cache
def _catalog_document() -> dict[str, Any]:
    """Everything but the server: one path item per catalog path (aliases included). Built
    once per process; the catalog and the models do not change while it runs."""
    schemas, refs = _component_schemas()
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        for index, template in enumerate(endpoint.paths):
            item = paths.setdefault(template, {})
            operation_id = f"{endpoint.operation}.alias{index}" if index else endpoint.operation
            item[endpoint.method.lower()] = _operation(endpoint, operation_id, refs)
            if _countable(endpoint):
                count_item = paths.setdefault(template + "/$count", {})
                count_item["get"] = _count_operation(endpoint, f"{operation_id}.count")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Microsoft Defender for Endpoint API (mdekit emulator)",
            "version": __version__,
            "description": "The Defender for Endpoint API as the mdekit emulator serves it, "
            "generated from mdekit's endpoint catalog and wire models. Every call needs an "
            f"app-only Entra ID token for {DEFENDER.identifiers[0]} whose `roles` claim "
            "holds one of the operation's application permissions.",
        },
        "security": [{"bearer": []}],
        "tags": [{"name": tag} for tag in sorted({_tag(e) for e in ENDPOINTS})],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An app-only access token from the tenant's token "
                    "endpoint (`/{tenant}/oauth2/v2.0/token` on the same origin, client "
                    f"credentials, scope {DEFENDER.identifiers[0]}/.default).",
                }
            },
            "responses": {str(status): _error_response(status, refs) for status in ERROR_STATUSES},
        },
    }


# -- schemas ---------------------------------------------------------------------------------


def _wanted_models() -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (ERROR_BODY, "serialization"),
        (StringResult, "serialization"),
    ]
    for endpoint in ENDPOINTS:
        entity = entity_model(endpoint)
        if entity is not None:
            wanted.append((entity, "serialization"))
        body = request_model(endpoint.operation)
        if body is not None:
            wanted.append((body, "validation"))
    return list(dict.fromkeys(wanted))


_Refs = dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, str]]


def _component_schemas() -> tuple[dict[str, Any], _Refs]:
    wanted = _wanted_models()
    found, top = models_json_schema(wanted, ref_template=_COMPONENT)
    schemas: dict[str, Any] = top.get("$defs", {})
    refs: _Refs = {key: {"$ref": str(found[key]["$ref"])} for key in wanted}
    for (model, mode), ref in refs.items():
        if mode == "validation":
            _add_enums(schemas[ref["$ref"].rsplit("/", 1)[-1]], request_enums(model))
    return schemas, refs


def _add_enums(schema: dict[str, Any], enums: dict[str, tuple[str, ...]]) -> None:
    """Narrow documented enum-like text fields of a request body to their values."""
    for name, values in enums.items():
        prop = schema.get("properties", {}).get(name)
        if prop is None:
            continue
        nullable = {"type": "null"} in prop.get("anyOf", [])
        choice = {"type": "string", "enum": list(values)}
        schema["properties"][name] = {"anyOf": [choice, {"type": "null"}]} if nullable else choice


def _ref(refs: _Refs, model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, str]:
    return dict(refs[(model, mode)])


# -- operations ------------------------------------------------------------------------------


def _tag(endpoint: Endpoint) -> str:
    return endpoint.operation.split(".", 1)[0]


def _countable(endpoint: Endpoint) -> bool:
    """Collections that document `$filter` may also be counted (`.../$count`)."""
    return endpoint.returns == "collection" and "$filter" in endpoint.odata


def _limits_text(limits: tuple[RateLimit, ...]) -> str:
    if not limits:
        return "No documented rate limit."
    units = {60: "minute", 3600: "hour", 86400: "day"}
    parts = [
        f"{limit.calls:,} calls per {units.get(limit.seconds, f'{limit.seconds} s')}"
        + (" per tenant" if limit.per_tenant else "")
        for limit in limits
    ]
    return "Rate limit: " + ", ".join(parts) + "."


def _description(endpoint: Endpoint) -> str:
    lines = [
        "Application permissions (any one): " + ", ".join(f"`{r}`" for r in endpoint.roles) + "."
    ]
    if endpoint.delegated:
        lines.append(
            "Delegated permissions (any one): "
            + ", ".join(f"`{r}`" for r in endpoint.delegated)
            + "."
        )
    lines.append(_limits_text(endpoint.rate_limits))
    if endpoint.page_cap:
        lines.append(f"At most {endpoint.page_cap:,} items a page.")
    if endpoint.max_batch:
        lines.append(f"At most {endpoint.max_batch:,} items a request.")
    if endpoint.preview:
        lines.append("Preview.")
    if endpoint.notes:
        lines.append(endpoint.notes)
    return "\n\n".join(lines)


def _operation(endpoint: Endpoint, operation_id: str, refs: _Refs) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": endpoint.summary or endpoint.describe(),
        "description": _description(endpoint),
        "tags": [_tag(endpoint)],
        "security": [{"bearer": []}],
        "x-mdekit-application-roles": list(endpoint.roles),
        "x-mdekit-delegated-scopes": list(endpoint.delegated),
        "parameters": parameters(endpoint),
        "responses": _responses(endpoint, refs),
    }
    if endpoint.legacy:
        operation["deprecated"] = True
    body = _request_body(endpoint, refs)
    if body is not None:
        operation["requestBody"] = body
    return operation


def _count_operation(endpoint: Endpoint, operation_id: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": f"Count: {endpoint.summary or endpoint.describe()}",
        "description": _description(endpoint),
        "tags": [_tag(endpoint)],
        "security": [{"bearer": []}],
        "x-mdekit-application-roles": list(endpoint.roles),
        "x-mdekit-delegated-scopes": list(endpoint.delegated),
        "parameters": count_parameters(endpoint),
        "responses": {
            "200": {
                "description": "How many items match, as a bare number.",
                "content": {"text/plain": {"schema": {"type": "integer", "minimum": 0}}},
            },
            **_error_refs(),
        },
    }


def _request_body(endpoint: Endpoint, refs: _Refs) -> dict[str, Any] | None:
    if endpoint.content_type is None:
        return None
    model = request_model(endpoint.operation)
    schema: dict[str, Any]
    if model is not None:
        schema = _ref(refs, model, "validation")
        extra = [name for name in endpoint.body_required if name not in _required(model)]
        if extra:
            # The catalog requires fields the model leaves optional (the model also reads
            # responses); the document states what a request must carry.
            schema = {"allOf": [schema, {"type": "object", "required": extra}]}
    else:
        names = (*endpoint.body_required, *endpoint.body_optional)
        properties: dict[str, Any] = {name: {} for name in names}
        if endpoint.content_type == "multipart/form-data":
            properties["File"] = {"contentMediaType": "application/octet-stream"}
        schema = {
            "type": "object",
            "properties": properties,
            "required": list(endpoint.body_required),
            "additionalProperties": True,
        }
    return {
        "required": bool(endpoint.body_required),
        "content": {endpoint.content_type: {"schema": schema}},
    }


def _required(model: type[BaseModel]) -> set[str]:
    return {
        field.alias or name for name, field in model.model_fields.items() if field.is_required()
    }


def _success_schema(endpoint: Endpoint, refs: _Refs) -> dict[str, Any] | None:
    if endpoint.returns == "none":
        return None
    if endpoint.returns == "string":
        return _ref(refs, StringResult, "serialization")
    entity = entity_model(endpoint)
    item: dict[str, Any] = (
        _ref(refs, entity, "serialization") if entity is not None else {"type": "object"}
    )
    if endpoint.returns != "collection":
        return item
    return {
        "type": "object",
        "properties": {
            "@odata.context": {"type": "string"},
            "@odata.count": {"type": "integer", "minimum": 0},
            "@odata.nextLink": {"type": "string"},
            "value": {"type": "array", "items": item},
        },
        "required": ["value"],
    }


def _responses(endpoint: Endpoint, refs: _Refs) -> dict[str, Any]:
    success: dict[str, Any] = {"description": endpoint.summary or "Success"}
    schema = _success_schema(endpoint, refs)
    if schema is not None:
        success["content"] = {_JSON: {"schema": schema}}
    links = links_for(endpoint.operation)
    if links:
        success["links"] = links
    return {str(endpoint.success_status): success, **_error_refs()}


def _error_refs() -> dict[str, Any]:
    return {str(status): {"$ref": f"#/components/responses/{status}"} for status in ERROR_STATUSES}


def _error_response(status: int, refs: _Refs) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERROR_STATUSES[status],
        "content": {_JSON: {"schema": _ref(refs, ERROR_BODY, "serialization")}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before calling again.",
                "schema": {"type": "integer", "minimum": 0},
            }
        }
    return response
