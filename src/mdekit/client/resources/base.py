"""Shared pieces of the resource groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mdekit.models import format_wire_datetime


def list_params(
    filter: object | None = None,
    *,
    expand: str | None = None,
    orderby: str | None = None,
    select: Sequence[str] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """OData query options (`filter` may be text or a builder expression) plus ordinary
    query parameters; None values are left out."""
    options: dict[str, Any] = {
        "$filter": str(filter) if filter is not None and str(filter).strip() else None,
        "$expand": expand,
        "$orderby": orderby,
        "$select": ",".join(select) if select else None,
        **params,
    }
    return {name: value for name, value in options.items() if value is not None}


def wire_time(value: datetime | str) -> str:
    return value if isinstance(value, str) else format_wire_datetime(value)


def cap(top: int | None, limit: int | None) -> int | None:
    """The total to stop at: `top=` and `limit=` are synonyms; given both, the smaller."""
    given = [n for n in (top, limit) if n is not None]
    return min(given) if given else None
