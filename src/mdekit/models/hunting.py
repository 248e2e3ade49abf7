"""Advanced hunting request and `QueryResponse` (§6.11): PascalCase, no OData envelope."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mdekit.models._base import PascalWireModel

__all__ = [
    "HUNTING_MAX_ROWS",
    "HUNTING_TYPE_NAMES",
    "QueryRequest",
    "QueryResponse",
    "SchemaColumn",
]

HUNTING_TYPE_NAMES = ("DateTime", "String", "Int32", "Int64", "Boolean", "Double", "Object")
"""`DateTime` and `String` appear in the docs; the others are the usual .NET names."""
HUNTING_MAX_ROWS = 100_000


class QueryRequest(PascalWireModel):
    """Body of `POST /api/advancedqueries/run`: `{"Query": "<KQL>"}`."""

    query: str


class SchemaColumn(PascalWireModel):
    """One column of the result schema: `{"Name": ..., "Type": ...}`."""

    name: str
    type: str


class QueryResponse(PascalWireModel):
    """`{"Schema": [...], "Results": [{column: value}, ...]}`.

    Results stay plain dicts: their keys are the query's columns and datetimes come
    as ISO strings with 7 fraction digits."""

    schema_: list[SchemaColumn] = Field(default_factory=list, alias="Schema")
    results: list[dict[str, Any]] = Field(default_factory=list)

    def column_names(self) -> list[str]:
        """The result columns in schema order."""
        return [column.name for column in self.schema_]
