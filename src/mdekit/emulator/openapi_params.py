"""Path and query parameters of the OpenAPI document, from the catalog: the path template's
placeholders, the OData system query options an endpoint documents, and its other query
parameters (`sinceTime`, `pageSize`, `lookBackHours`, ...), typed where the docs type them."""

from __future__ import annotations

from typing import Any

from mdekit.catalog.endpoint_model import Endpoint

__all__ = ["count_parameters", "parameters"]

_PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "timestamp": {"type": "string", "format": "date-time"},
    "index": {"type": "integer", "minimum": 0},
}
"""Path placeholders that are not free text (the rest are ids, names, IPs and hosts)."""

_QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "lookBackHours": {"type": "integer", "minimum": 1},
    "sinceTime": {"type": "string", "format": "date-time"},
    "pageSize": {"type": "integer", "minimum": 1},
    "sasValidHours": {"type": "integer", "minimum": 1},
    "tag": {"type": "string", "minLength": 1},
    "useStartsWithFilter": {"type": "boolean"},
}

_QUERY_TEXT: dict[str, str] = {
    "lookBackHours": "Hours back to look (default 30 days).",
    "sinceTime": "Only rows changed since this time.",
    "pageSize": "Rows a page.",
    "sasValidHours": "How long the download links stay valid.",
    "tag": "The tag to look for.",
    "useStartsWithFilter": "Match tags that start with `tag` rather than equal it.",
}


def _path_parameter(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": _PATH_SCHEMAS.get(name, {"type": "string", "minLength": 1}),
    }


def _odata_parameter(endpoint: Endpoint, option: str) -> dict[str, Any]:
    if option == "$filter":
        fields = ", ".join(f"`{name}`" for name in endpoint.filterable) or "documented fields"
        return {
            "name": "$filter",
            "in": "query",
            "description": f"OData filter over {fields}.",
            "schema": {"type": "string"},
        }
    if option == "$top":
        schema: dict[str, Any] = {"type": "integer", "minimum": 0}
        if endpoint.page_cap:
            schema["maximum"] = endpoint.page_cap
        return {"name": "$top", "in": "query", "description": "Items a page.", "schema": schema}
    if option == "$skip":
        return {
            "name": "$skip",
            "in": "query",
            "description": "Items to skip.",
            "schema": {"type": "integer", "minimum": 0},
        }
    if option == "$expand":
        return {
            "name": "$expand",
            "in": "query",
            "description": "Navigation properties to include.",
            "schema": {"type": "string", "enum": list(endpoint.expandable)},
        }
    return {"name": option, "in": "query", "schema": {"type": "string"}}


def _query_parameter(endpoint: Endpoint, name: str, *, required: bool) -> dict[str, Any]:
    schema = dict(_QUERY_SCHEMAS.get(name, {"type": "string"}))
    if name == "pageSize" and endpoint.page_cap:
        schema["maximum"] = endpoint.page_cap
    if name == "sasValidHours" and endpoint.sas_valid_hours_max:
        schema["maximum"] = endpoint.sas_valid_hours_max
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": required}
    if name in _QUERY_TEXT:
        parameter["description"] = _QUERY_TEXT[name]
    parameter["schema"] = schema
    return parameter


def parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    """Every parameter of the endpoint: path placeholders, OData options, other query ones."""
    found: list[dict[str, Any]] = [_path_parameter(name) for name in endpoint.path_params]
    found += [_odata_parameter(endpoint, option) for option in endpoint.odata]
    found += [_query_parameter(endpoint, n, required=True) for n in endpoint.query_required]
    found += [_query_parameter(endpoint, n, required=False) for n in endpoint.query_optional]
    return found


def count_parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    """Parameters of the endpoint's `/$count`: its path placeholders and `$filter`."""
    found = [_path_parameter(name) for name in endpoint.path_params]
    if "$filter" in endpoint.odata:
        found.append(_odata_parameter(endpoint, "$filter"))
    return found
