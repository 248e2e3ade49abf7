"""OData envelopes: a page of a collection and a primitive string result.

`Page[Alert].model_validate(body)` reads `{"@odata.context", "value": [...],
"@odata.nextLink"}`; the next link is absent on most endpoints (§1.4)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Page", "StringResult"]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a collection: its items and, when the service gives one, the next link."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    odata_context: str | None = Field(default=None, alias="@odata.context")
    value: list[T] = Field(default_factory=list)
    next_link: str | None = Field(default=None, alias="@odata.nextLink")
    count: int | None = Field(default=None, alias="@odata.count")

    @property
    def has_next(self) -> bool:
        """Whether the service pointed at a further page."""
        return bool(self.next_link)


class StringResult(BaseModel):
    """`{"@odata.context": ".../$metadata#Edm.String", "value": "<url>"}` (download links)."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    odata_context: str | None = Field(default=None, alias="@odata.context")
    value: str
