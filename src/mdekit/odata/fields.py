"""What the emulator tells the OData binder about an entity's properties.

A :class:`FieldSpec` maps one OData property (``computerDnsName``) to a SQLAlchemy column
expression and says how its values are typed and stored.  Property names are matched
case-insensitively, because the Defender docs print them both ways (``ComputerDnsName``,
``computerDnsName``) and the service accepts both.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from mdekit.odata.errors import ODataSemanticError

DEFAULT_ENTITY_TYPE = "microsoft.windowsDefenderATP.api.Entity"


class FieldType(enum.StrEnum):
    STRING = "string"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATETIME = "datetime"
    ENUM = "enum"
    GUID = "guid"
    STRING_COLLECTION = "string_collection"


class DateTimeStorage(enum.StrEnum):
    """How a DATETIME column holds its instants.

    TEXT: ISO-8601 UTC text with exactly 7 fractional digits and ``Z``
    (``2021-01-26T20:33:57.7220239Z``), the Defender wire format; fixed width, so text order
    is time order.  NATIVE: a timezone-aware DATETIME / TIMESTAMPTZ column (microseconds).
    """

    TEXT = "text"
    NATIVE = "native"


_EDM_NAMES = {
    FieldType.STRING: "Edm.String",
    FieldType.INT: "Edm.Int64",
    FieldType.FLOAT: "Edm.Double",
    FieldType.BOOL: "Edm.Boolean",
    FieldType.DATETIME: "Edm.DateTimeOffset",
    FieldType.ENUM: "Edm.String",
    FieldType.GUID: "Edm.Guid",
    FieldType.STRING_COLLECTION: "Collection(Edm.String)",
}


# eq=False: equality would compare SQL column expressions, which build SQL, not bools.
@dataclass(frozen=True, eq=False)
class FieldSpec:
    """One filterable/sortable property.

    ``column`` is any SQLAlchemy column expression.  ENUM fields list their ``enum_values``
    in their natural order (used by ``gt``/``lt`` and ``$orderby``, like .NET enums).  GUID
    fields hold lowercase canonical text.  STRING_COLLECTION fields hold a JSON array of
    strings as text (or json/jsonb on PostgreSQL).  ``to_storage`` maps a normalised
    literal (canonical enum name, int, float, bool, lowercase GUID text) to what the column
    holds, e.g. an enum stored as an integer; it must keep order for ordering comparisons.
    It is not used for STRING and DATETIME fields, whose storage is fixed as described.
    """

    column: ColumnElement[Any]
    type: FieldType
    enum_values: tuple[str, ...] = ()
    datetime_storage: DateTimeStorage = DateTimeStorage.TEXT
    to_storage: Callable[[Any], Any] | None = None
    filterable: bool = True
    sortable: bool = True
    edm_type: str | None = None

    def __post_init__(self) -> None:
        if self.type is FieldType.ENUM and not self.enum_values:
            raise ValueError("an ENUM field needs enum_values")

    @property
    def type_name(self) -> str:
        """The type's name in error messages (``Edm.String`` unless ``edm_type`` says)."""
        return self.edm_type or _EDM_NAMES[self.type]

    def stored(self, value: Any) -> Any:
        """``value`` as the column holds it."""
        return value if self.to_storage is None else self.to_storage(value)

    def canonical_enum_value(self, text: str, position: int | None = None) -> str:
        """The allowed enum value equal to ``text`` ignoring case, else an error naming all."""
        folded = text.lower()
        for allowed in self.enum_values:
            if allowed.lower() == folded:
                return allowed
        raise ODataSemanticError(
            f"The string '{text}' is not a valid enumeration type constant. "
            f"The allowed values are: {', '.join(self.enum_values)}.",
            position,
        )


def resolve_field(
    name: str,
    fields: Mapping[str, FieldSpec],
    *,
    entity_type: str = DEFAULT_ENTITY_TYPE,
    position: int | None = None,
) -> tuple[str, FieldSpec]:
    """Find ``name`` among ``fields``: exact match first, then ignoring case."""
    spec = fields.get(name)
    if spec is not None:
        return name, spec
    folded = name.lower()
    for candidate, spec in fields.items():
        if candidate.lower() == folded:
            return candidate, spec
    raise ODataSemanticError(
        f"Could not find a property named '{name}' on type '{entity_type}'.", position
    )


def resolve_select(
    names: Iterable[str],
    fields: Mapping[str, FieldSpec],
    *,
    entity_type: str = DEFAULT_ENTITY_TYPE,
) -> tuple[str, ...]:
    """Canonical property names for a ``$select`` list; ``*`` stands for all of them."""
    selected: list[str] = []
    for name in names:
        found = (
            list(fields)
            if name == "*"
            else [resolve_field(name, fields, entity_type=entity_type)[0]]
        )
        selected.extend(n for n in found if n not in selected)
    return tuple(selected)
