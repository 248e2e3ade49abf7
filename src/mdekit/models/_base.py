"""Shared building blocks of the wire models: base classes and the datetime type.

The real service adds fields over time, so every model keeps unknown fields
(`extra="allow"`) and gives them back from `model_dump(by_alias=True)`. Use
`model_dump(by_alias=True, exclude_unset=True)` to reproduce exactly the keys that
were received; without `exclude_unset` declared-but-absent fields appear with their
defaults.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel, to_pascal


def as_utc(value: datetime) -> datetime:
    """Give a naive datetime the UTC zone and convert an aware one to UTC.

    The export rows carry "2021-01-11 09:47:58.854" with no zone; the service
    means UTC there, as everywhere else."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_wire_datetime(value: datetime) -> str:
    """Format like the service: ISO 8601, 7 fractional digits, `Z` (.NET "o" style).

    Python keeps microseconds, so the seventh digit is always 0."""
    v = as_utc(value)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
        f".{v.microsecond:06d}0Z"
    )


def format_export_datetime(value: datetime) -> str:
    """Format like an export row: "2021-01-11 09:47:58.854" (space, no zone)."""
    v = as_utc(value)
    text = f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}:{v.second:02d}"
    if v.microsecond:
        text += f".{v.microsecond:06d}".rstrip("0")
    return text


WireDateTime = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(format_wire_datetime, return_type=str, when_used="json"),
]
"""A DateTimeOffset of the API: parsed from any ISO form (up to 7 fraction digits),
always UTC-aware, written back in the service's 7-digit `Z` form in JSON mode."""

ExportDateTime = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(format_export_datetime, return_type=str, when_used="json"),
]
"""A timestamp of an export row: accepts the space-separated zone-less form (and ISO),
UTC-aware, written back in the export form in JSON mode."""


class WireModel(BaseModel):
    """Base of the camelCase entities: Python names are snake_case, wire names camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
    )


class PascalWireModel(BaseModel):
    """Base of the PascalCase bodies (hunting, request bodies such as `{"Comment": ...}`)."""

    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="allow",
    )


class SnakeWireModel(BaseModel):
    """Base of the snake_case bodies of the token service (`error_description`, ...)."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")
