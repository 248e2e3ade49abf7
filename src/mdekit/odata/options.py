"""The OData system query options of a Defender API collection request.

Decisions (the real service runs Microsoft's .NET OData stack):

* Only names starting with ``$`` are system query options, matched ignoring case (the
  docs print ``$filter`` and ``$Filter`` alike).  Names without ``$`` are ordinary parameters
  (``pageSize``, ``sinceTime``) and come back untouched in ``QueryOptions.parameters``; so
  ``filter=...`` without ``$`` does not filter, as on a .NET service that does not enable
  "no-dollar" options.
* A system option given twice (in any case) is an error, as is an unknown ``$`` option.
* ``$top`` and ``$skip`` must be non-negative 64-bit integers; ``$top`` above the endpoint's
  page cap is an error worded like ASP.NET OData's ``MaxTop`` check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mdekit.odata.ast import Expr, OrderByItem
from mdekit.odata.errors import ODataQueryOptionError
from mdekit.odata.parser import parse_filter, parse_name_list, parse_orderby

SUPPORTED_OPTIONS = (
    "$filter",
    "$top",
    "$skip",
    "$expand",
    "$select",
    "$orderby",
    "$count",
    "$skiptoken",
)
_NON_NEGATIVE_INT64 = re.compile(r"[0-9]{1,19}")
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class QueryOptions:
    """Parsed system query options.  ``top`` is None when the request gave no ``$top``."""

    default_top: int
    filter: Expr | None = None
    filter_text: str | None = None
    top: int | None = None
    skip: int = 0
    expand: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    orderby: tuple[OrderByItem, ...] = ()
    count: bool = False
    skiptoken: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def limit(self) -> int:
        """How many rows to return: ``$top`` if given, else the endpoint's default page."""
        return self.default_top if self.top is None else self.top

    def parameter(self, name: str) -> str | None:
        """The first ordinary (non-``$``) parameter called ``name``, ignoring case."""
        folded = name.lower()
        return next((value for key, value in self.parameters if key.lower() == folded), None)


def parse_query_options(
    params: Mapping[str, str] | Sequence[tuple[str, str]],
    *,
    page_cap: int,
    default_top: int,
) -> QueryOptions:
    """Parse the (URL-decoded) query parameters of a collection request.

    Raises :class:`ODataQueryOptionError` for repeated, unknown or out-of-range options and
    :class:`ODataSyntaxError` for a malformed ``$filter``/``$orderby``/``$select``/``$expand``.
    """
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    options: dict[str, str] = {}
    parameters: list[tuple[str, str]] = []
    for name, value in pairs:
        if not name.startswith("$"):
            parameters.append((name, value))
            continue
        key = name.lower()
        if key not in SUPPORTED_OPTIONS:
            raise ODataQueryOptionError(f"The query parameter '{name}' is not supported.", name)
        if key in options:
            raise ODataQueryOptionError(
                f"The query parameter '{name}' is specified more than once but it must be "
                "specified at most once.",
                key,
            )
        options[key] = value

    top = _non_negative(options, "$top")
    if top is not None and top > page_cap:
        raise ODataQueryOptionError(
            f"The limit of '{page_cap}' for Top query has been exceeded. The value from the "
            f"incoming request is '{top}'.",
            "$top",
        )
    filter_text = options.get("$filter")
    return QueryOptions(
        default_top=default_top,
        filter=None if filter_text is None else parse_filter(filter_text),
        filter_text=filter_text,
        top=top,
        skip=_non_negative(options, "$skip") or 0,
        expand=_names(options, "$expand"),
        select=_names(options, "$select"),
        orderby=parse_orderby(options["$orderby"]) if "$orderby" in options else (),
        count=_count(options.get("$count")),
        skiptoken=options.get("$skiptoken"),
        parameters=tuple(parameters),
    )


def _non_negative(options: Mapping[str, str], name: str) -> int | None:
    text = options.get(name)
    if text is None:
        return None
    if _NON_NEGATIVE_INT64.fullmatch(text) is None or int(text) > _INT64_MAX:
        raise ODataQueryOptionError(
            f"Invalid value '{text}' for {name} query option found. The {name} query value "
            "must be a non-negative integer.",
            name,
        )
    return int(text)


def _names(options: Mapping[str, str], name: str) -> tuple[str, ...]:
    text = options.get(name)
    return () if text is None else parse_name_list(text)


def _count(text: str | None) -> bool:
    if text is None:
        return False
    if text.lower() not in ("true", "false"):
        raise ODataQueryOptionError(f"'{text}' is not a valid count option.", "$count")
    return text.lower() == "true"
