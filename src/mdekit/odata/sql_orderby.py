"""``$orderby`` -> SQLAlchemy ORDER BY, with the same property resolution as ``$filter``.

Keys sort the way the filter compares: strings and GUIDs by their ASCII-folded text,
text-stored date-times byte-wise, enums in their declared order.  NULL sorts as the smallest
value (first ascending, last descending), as on SQL Server, on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from mdekit.odata.ast import OrderByItem
from mdekit.odata.errors import ODataSemanticError
from mdekit.odata.fields import (
    DEFAULT_ENTITY_TYPE,
    DateTimeStorage,
    FieldSpec,
    FieldType,
    resolve_field,
)
from mdekit.odata.sql_constructs import binary_text, fold_case
from mdekit.odata.sql_values import enum_ordinal

_RowT = TypeVar("_RowT", bound=tuple[Any, ...])


def order_by_clauses(
    items: Sequence[OrderByItem],
    fields: Mapping[str, FieldSpec],
    *,
    entity_type: str = DEFAULT_ENTITY_TYPE,
) -> list[UnaryExpression[Any]]:
    """ORDER BY terms for ``items``; raises ODataSemanticError for bad properties."""
    clauses: list[UnaryExpression[Any]] = []
    seen: set[str] = set()
    for item in items:
        name, spec = resolve_field(
            item.property, fields, entity_type=entity_type, position=item.position
        )
        if name in seen:
            raise ODataSemanticError(
                f"Duplicate property named '{item.property}' is not supported in '$orderby'.",
                item.position,
            )
        seen.add(name)
        if spec.type is FieldType.STRING_COLLECTION:
            raise ODataSemanticError(
                "The $orderby expression must evaluate to a single value of primitive type.",
                item.position,
            )
        if not spec.sortable:
            raise ODataSemanticError(
                f"The property '{name}' cannot be used in the $orderby query option.",
                item.position,
            )
        key = sort_key(spec)
        clauses.append(key.desc().nulls_last() if item.descending else key.asc().nulls_first())
    return clauses


def apply_orderby(
    statement: Select[_RowT],
    items: Sequence[OrderByItem],
    fields: Mapping[str, FieldSpec],
    *,
    entity_type: str = DEFAULT_ENTITY_TYPE,
) -> Select[_RowT]:
    """``statement`` ordered by ``items`` (unchanged when there are none)."""
    clauses = order_by_clauses(items, fields, entity_type=entity_type)
    return statement.order_by(*clauses) if clauses else statement


def sort_key(spec: FieldSpec) -> ColumnElement[Any]:
    """The expression a property sorts by."""
    textual = spec.type is FieldType.STRING
    if textual or (spec.type is FieldType.GUID and spec.to_storage is None):
        return fold_case(spec.column)
    if spec.type is FieldType.ENUM:
        return enum_ordinal(spec)
    if spec.type is FieldType.DATETIME and spec.datetime_storage is DateTimeStorage.TEXT:
        return binary_text(spec.column)
    return spec.column
