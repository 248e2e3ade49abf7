"""OData v4 as the Defender API speaks it: ``$filter`` grammar, query options, SQL, builder.

* Parse: :func:`parse_filter` (text -> typed syntax tree), :func:`parse_query_options`
  (all system query options of a collection request).
* Emulator: :func:`to_sql` turns a tree into a SQLAlchemy WHERE clause over the columns
  described by :class:`FieldSpec`; :func:`apply_orderby` does ``$orderby``.
* Client: :mod:`mdekit.odata.builder` (``F.status == "New"``) builds filter text safely.

Every error is an :class:`ODataError` (HTTP 400, code ``ODataError``), worded like the
.NET OData stack the real service runs on.

Semantics worth knowing (details in :mod:`mdekit.odata.sql_filter`): string comparisons and
string functions ignore ASCII case, because the service's stores do; logic is two-valued
(``x ne 'a'`` is true when x is null); date-times compare as instants to 100 ns.
"""

from mdekit.odata.ast import (
    And,
    Call,
    Compare,
    CompareOp,
    Expr,
    FunctionName,
    In,
    Lambda,
    LambdaKind,
    Literal,
    LiteralKind,
    Not,
    Or,
    OrderByItem,
    Property,
    Timestamp,
    Variable,
)
from mdekit.odata.builder import F, Filter, prop
from mdekit.odata.errors import (
    ODataError,
    ODataQueryOptionError,
    ODataSemanticError,
    ODataSyntaxError,
)
from mdekit.odata.fields import (
    DateTimeStorage,
    FieldSpec,
    FieldType,
    resolve_field,
    resolve_select,
)
from mdekit.odata.options import QueryOptions, parse_query_options
from mdekit.odata.parser import parse_filter, parse_name_list, parse_orderby
from mdekit.odata.sql_filter import to_sql
from mdekit.odata.sql_orderby import apply_orderby, order_by_clauses
from mdekit.odata.unparse import to_odata

__all__ = [
    "And",
    "Call",
    "Compare",
    "CompareOp",
    "DateTimeStorage",
    "Expr",
    "F",
    "FieldSpec",
    "FieldType",
    "Filter",
    "FunctionName",
    "In",
    "Lambda",
    "LambdaKind",
    "Literal",
    "LiteralKind",
    "Not",
    "ODataError",
    "ODataQueryOptionError",
    "ODataSemanticError",
    "ODataSyntaxError",
    "Or",
    "OrderByItem",
    "Property",
    "QueryOptions",
    "Timestamp",
    "Variable",
    "apply_orderby",
    "order_by_clauses",
    "parse_filter",
    "parse_name_list",
    "parse_orderby",
    "parse_query_options",
    "prop",
    "resolve_field",
    "resolve_select",
    "to_odata",
    "to_sql",
]
