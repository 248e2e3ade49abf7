"""``$filter`` syntax tree -> SQLAlchemy Core WHERE clause (SQLite and PostgreSQL).

Semantics, chosen to match what the Defender API's .NET OData stack does with null
propagation, and written so that SQL's three-valued logic never leaks through:

* Two-valued logic.  Every predicate is TRUE or FALSE, never NULL.  A comparison with a
  NULL property value is false, except ``eq null`` (IS NULL) and ``ne`` (``x ne 'a'`` is
  true when x is NULL).  ``startswith``/``endswith``/``contains`` on NULL are false, so
  ``not startswith(x,'a')`` is true for a NULL x.  ``any`` over a NULL or empty collection is
  false, ``all`` is true.
* Case-insensitive strings.  OData says ``eq`` on strings is case-sensitive, but the service
  sits on case-insensitive stores, so ``eq ne gt ge lt le in startswith endswith contains``
  on strings (and on GUIDs and the elements of string collections) ignore case.  Only ASCII
  letters are folded, and folded strings compare by code point, identically on SQLite and
  PostgreSQL (see :mod:`mdekit.odata.sql_constructs`).  Enum names match ignoring case and
  are then compared exactly; ``gt``/``lt`` on enums follow the declared order.
* Date-times compare as instants, to 100 ns, whether stored as text or natively.  A bare
  date (``2018-08-01`` or ``2018-08-01Z``) means midnight UTC; a literal without offset is UTC.
* Numbers: integers and decimals mix freely; decimal literals compare as doubles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import (
    Float,
    Select,
    String,
    and_,
    column,
    false,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from mdekit.odata.ast import (
    PREDICATE_FUNCTIONS,
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
    Property,
    Variable,
)
from mdekit.odata.errors import ODataSemanticError
from mdekit.odata.fields import DEFAULT_ENTITY_TYPE, FieldSpec, FieldType, resolve_field
from mdekit.odata.sql_constructs import ascii_lower, ascii_upper, fold_case, json_string_elements
from mdekit.odata.sql_values import (
    MIRRORED,
    Operand,
    ascii_upper_text,
    bind_literal,
    compare_columns,
    compare_literals,
    compare_to_literal,
    constant,
    fold,
    incompatible,
)

_LIKE_ESCAPE = "/"
ErrorFactory = Callable[[Operand], ODataSemanticError]


def to_sql(
    expr: Expr, fields: Mapping[str, FieldSpec], *, entity_type: str = DEFAULT_ENTITY_TYPE
) -> ColumnElement[bool]:
    """Bind ``expr`` to ``fields`` and return a WHERE clause that is never NULL.

    Raises :class:`ODataSemanticError` for unknown properties, type mismatches, bad enum
    values and the like.  ``entity_type`` names the entity in error messages.
    """
    return _Translator(fields, entity_type).boolean(expr, _not_boolean)


class _Translator:
    def __init__(self, fields: Mapping[str, FieldSpec], entity_type: str) -> None:
        self.fields = fields
        self.entity_type = entity_type
        self.scopes: dict[str, ColumnElement[Any]] = {}
        self.aliases = 0

    def boolean(self, node: Expr, error: ErrorFactory) -> ColumnElement[bool]:
        """``node`` as a predicate; ``error(operand)`` is raised for a non-boolean."""
        match node:
            case And(operands=operands):
                return and_(*(self.boolean(o, _binary_error("And")) for o in operands))
            case Or(operands=operands):
                return or_(*(self.boolean(o, _binary_error("Or")) for o in operands))
            case Not(operand=inner):
                return not_(self.boolean(inner, _unary_error))
            case Compare(op=op, left=left, right=right):
                return self.compare(op, self.value(left), self.value(right))
            case In():
                return self.membership(node)
            case Lambda():
                return self.lambda_(node)
            case Call(function=function) if function in PREDICATE_FUNCTIONS:
                return self.string_match(node)
        operand = self.value(node)
        if operand.literal is not None:
            if operand.literal.kind is LiteralKind.BOOL:
                return constant(operand.literal.value is True)
            if operand.literal.kind is LiteralKind.NULL:
                return false()
            raise error(operand)
        if operand.type is not FieldType.BOOL:
            raise error(operand)
        return operand.expression().is_(True)

    def value(self, node: Expr) -> Operand:
        """``node`` as a typed operand of a comparison or function."""
        match node:
            case Literal():
                return Operand.of_literal(node)
            case Property(name=name, position=position):
                canonical, spec = resolve_field(
                    name, self.fields, entity_type=self.entity_type, position=position
                )
                if not spec.filterable:
                    raise ODataSemanticError(
                        f"The property '{canonical}' cannot be used in the $filter query option.",
                        position,
                    )
                return Operand(spec.type, spec.type_name, position, sql=spec.column, spec=spec)
            case Variable(name=name, position=position):
                if name not in self.scopes:
                    message = f"The range variable '{name}' is not in scope."
                    raise ODataSemanticError(message, position)
                return Operand(FieldType.STRING, "Edm.String", position, sql=self.scopes[name])
            case Call(function=FunctionName.TOLOWER | FunctionName.TOUPPER):
                return self.case_function(node)
        sql = self.boolean(node, _not_boolean)
        return Operand(FieldType.BOOL, "Edm.Boolean", node.position, sql=sql, nullable=False)

    def compare(self, op: CompareOp, left: Operand, right: Operand) -> ColumnElement[bool]:
        if left.literal is not None and right.literal is None:
            left, right, op = right, left, MIRRORED[op]
        if FieldType.STRING_COLLECTION in (left.type, right.type):
            raise incompatible(left, right, op.kind)
        if left.type is None or right.type is None:
            return self.compare_null(op, right if left.type is None else left)
        if left.literal is not None:
            return compare_literals(op, left, right)
        if right.literal is not None:
            return compare_to_literal(op, left, right)
        return compare_columns(op, left, right)

    @staticmethod
    def compare_null(op: CompareOp, other: Operand) -> ColumnElement[bool]:
        """``other op null``: only eq/ne can hold; a non-nullable side is never null."""
        if op.is_ordering:
            return false()
        if other.type is None:  # null eq null
            return constant(op is CompareOp.EQ)
        if other.literal is not None or not other.nullable:
            return constant(op is CompareOp.NE)
        if op is CompareOp.EQ:
            return other.expression().is_(None)
        return other.expression().is_not(None)

    def membership(self, node: In) -> ColumnElement[bool]:
        """``x in (a, b, null)``: one SQL IN list, plus IS NULL when null is listed."""
        target = self.value(node.operand)
        items = [Operand.of_literal(item) for item in node.items]
        if target.literal is not None or target.nullable is False:
            return or_(false(), *(self.compare(CompareOp.EQ, target, i) for i in items))
        if target.type is FieldType.STRING_COLLECTION:
            raise incompatible(target, items[0], "In")
        values: list[Any] = []
        lhs: ColumnElement[Any] | None = None
        for item in items:
            bound = bind_literal(CompareOp.EQ, target, item) if item.type is not None else False
            if not isinstance(bound, bool):
                lhs = bound[0]
                values.append(bound[2])
        if any(isinstance(value, float) for value in values):
            # One expanding IN parameter is typed by its first value on psycopg, so in
            # `n in (0, 2.5)` the 2.5 would be cast to an integer: bind floats as floats.
            values = [literal(v, Float()) if isinstance(v, float) else v for v in values]
        column_ = target.expression()
        clause: ColumnElement[bool] = false()
        if lhs is not None:
            clause = and_(column_.is_not(None), lhs.in_(values))
        if any(item.type is None for item in items):
            clause = or_(column_.is_(None), clause)
        return clause

    def case_function(self, node: Call) -> Operand:
        """``tolower``/``toupper`` (ASCII letters only, like the comparisons)."""
        (argument,) = node.args
        operand = self.string_argument(node, argument)
        upper = node.function is FunctionName.TOUPPER
        if operand.literal is not None:
            text = str(operand.literal.value)
            changed = ascii_upper_text(text) if upper else fold(text)
            return Operand.of_literal(Literal(changed, LiteralKind.STRING, node.position))
        sql = (ascii_upper if upper else ascii_lower)(operand.expression())
        return Operand(FieldType.STRING, "Edm.String", node.position, sql=sql)

    def string_match(self, node: Call) -> ColumnElement[bool]:
        """``startswith``/``endswith``/``contains`` as a LIKE on case-folded text."""
        haystack, needle = (self.string_argument(node, arg) for arg in node.args)
        if haystack.literal is not None and needle.literal is not None:
            text, part = fold(str(haystack.literal.value)), fold(str(needle.literal.value))
            if node.function is FunctionName.STARTSWITH:
                return constant(text.startswith(part))
            if node.function is FunctionName.ENDSWITH:
                return constant(text.endswith(part))
            return constant(part in text)
        prefix = "" if node.function is FunctionName.STARTSWITH else "%"
        suffix = "" if node.function is FunctionName.ENDSWITH else "%"
        pattern: Any
        if needle.literal is not None:
            pattern = prefix + _escape_like(fold(str(needle.literal.value))) + suffix
        else:
            escaped = _escape_like_sql(fold_case(needle.expression()))
            pattern = literal(prefix, String) + escaped + literal(suffix, String)
        if haystack.literal is not None:
            subject: ColumnElement[Any] = literal(fold(str(haystack.literal.value)), String)
        else:
            subject = fold_case(haystack.expression())
        guards = [s.expression().is_not(None) for s in (haystack, needle) if s.literal is None]
        return and_(*guards, subject.like(pattern, escape=_LIKE_ESCAPE))

    def string_argument(self, call: Call, argument: Expr) -> Operand:
        operand = self.value(argument)
        literal_kind = operand.literal.kind if operand.literal is not None else None
        if operand.type is FieldType.STRING and literal_kind in (None, LiteralKind.STRING):
            return operand
        arguments = ", ".join(["Edm.String Nullable=true"] * len(call.args))
        raise ODataSemanticError(
            f"No function signature for the function with name '{call.function.value}' matches "
            "the specified arguments. The function signatures considered are: "
            f"{call.function.value}({arguments}).",
            call.position,
        )

    def lambda_(self, node: Lambda) -> ColumnElement[bool]:
        """``any``/``all`` over a JSON string array, as a correlated EXISTS."""
        collection = self.value(node.collection)
        if collection.type is not FieldType.STRING_COLLECTION:
            message = "Any/All may only be used following a collection."
            raise ODataSemanticError(message, node.position)
        self.aliases += 1
        elements = (
            json_string_elements(collection.expression())
            .table_valued(column("value", String))
            .alias(f"odata_elements_{self.aliases}")
        )
        rows: Select[tuple[Any]] = select(literal_column("1")).select_from(elements)
        if node.variable is None or node.predicate is None:
            return rows.exists()
        self.scopes[node.variable] = elements.c.value
        try:
            body = self.boolean(node.predicate, _not_boolean)
        finally:
            del self.scopes[node.variable]
        if node.kind is LambdaKind.ANY:
            return rows.where(body).exists()
        return not_(rows.where(not_(body)).exists())


def _not_boolean(operand: Operand) -> ODataSemanticError:
    message = "The $filter expression must evaluate to a single boolean value."
    return ODataSemanticError(message, operand.position)


def _binary_error(kind: str) -> ErrorFactory:
    def build(operand: Operand) -> ODataSemanticError:
        return ODataSemanticError(
            "A binary operator with incompatible types was detected. Found operand types "
            f"'{operand.type_name}' and 'Edm.Boolean' for operator kind '{kind}'.",
            operand.position,
        )

    return build


def _unary_error(operand: Operand) -> ODataSemanticError:
    return ODataSemanticError(
        "A unary operator with an incompatible type was detected. Found operand type "
        f"'{operand.type_name}' for operator kind 'Not'.",
        operand.position,
    )


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _escape_like_sql(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    escaped = func.replace(expr, "/", "//", type_=String)
    escaped = func.replace(escaped, "%", "/%", type_=String)
    return func.replace(escaped, "_", "/_", type_=String)
