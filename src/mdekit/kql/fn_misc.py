"""Conversions, conditionals, math, hashes, IPv4, window and miscellaneous functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError, unsupported
from mdekit.kql.relation import Typed
from mdekit.kql.syntax import Call, Name

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


def _convert(target: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        (value,) = tr.args(node, 1)
        if value.type == target:
            return value
        if target == T.STRING:
            return Typed(C.to_string(value), T.STRING)
        if target == T.BOOL and value.type in (T.STRING, T.DYNAMIC):
            text = S.fn("lower", C.to_string(value))
            truth = S.case(
                [
                    (
                        S.fn(
                            "list_contains",
                            exp.Array(expressions=[S.string("true"), S.string("1")]),
                            text,
                        ),
                        S.boolean(True),
                    ),
                    (
                        S.fn(
                            "list_contains",
                            exp.Array(expressions=[S.string("false"), S.string("0")]),
                            text,
                        ),
                        S.boolean(False),
                    ),
                ],
                S.typed_null(T.BOOL),
            )
            return Typed(truth, T.BOOL)
        if target == T.GUID:
            return Typed(S.fn("lower", C.to_string(value)), T.GUID)
        return Typed(C.coerce(value, target), target)

    return handler


def tohex(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 2)
    hexed = S.fn("lower", S.fn("hex", C.coerce(args[0], T.LONG)))
    if len(args) == 2:
        hexed = S.fn("lpad", hexed, C.coerce(args[1], T.INT), S.string("0"))
    return Typed(hexed, T.STRING)


def iff(tr: ExprTranslator, node: Call) -> Typed:
    condition, yes, no = tr.args(node, 3)
    kind = C.common_type([yes.type, no.type])
    sql = S.case([(C.as_bool(condition), C.coerce(yes, kind))], C.coerce(no, kind))
    return Typed(sql, kind)


def case(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 3, 1001)
    if len(args) % 2 == 0:
        raise KqlSemanticError("case(): expects pairs of predicate and value, then an else value.")
    values = [*args[1::2], args[-1]]
    kind = C.common_type([v.type for v in values])
    whens = [
        (C.as_bool(p), C.coerce(v, kind)) for p, v in zip(args[:-1:2], args[1::2], strict=True)
    ]
    return Typed(S.case(whens, C.coerce(args[-1], kind)), kind)


def coalesce(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 64)
    kind = C.common_type([a.type for a in args])
    parts = [C.coerce(a, kind) for a in args]
    if kind in (T.STRING, T.GUID):
        parts = [S.fn("nullif", p, S.string("")) for p in parts]
        return Typed(S.coalesce(*parts, S.string("")), kind)
    return Typed(S.coalesce(*parts), kind)


def empty_test(value: Typed) -> exp.Expression:
    if value.type in (T.STRING, T.GUID):
        return S.binop("=", S.coalesce(value.sql, S.string("")), S.string(""))
    if value.type == T.DYNAMIC:
        text = C.json_string(value)
        return S.binop("=", S.coalesce(text, S.string("")), S.string(""))
    return exp.Is(this=S.paren(value.sql), expression=exp.Null())


def isempty(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(empty_test(value), T.BOOL)


def isnotempty(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(S.not_(empty_test(value)), T.BOOL)


def isnull(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    if value.type == T.DYNAMIC:
        text = C.json_string(value)
        return Typed(exp.Is(this=S.paren(text), expression=exp.Null()), T.BOOL)
    return Typed(exp.Is(this=S.paren(value.sql), expression=exp.Null()), T.BOOL)


def isnotnull(tr: ExprTranslator, node: Call) -> Typed:
    result = isnull(tr, node)
    return Typed(S.not_(result.sql), T.BOOL)


def not_(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(S.not_(C.as_bool(value)), T.BOOL)


def _extreme(fn_name: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 1, 64)
        kind = C.common_type([a.type for a in args])
        return Typed(S.fn(fn_name, *(C.coerce(a, kind) for a in args)), kind)

    return handler


def _math(fn_name: str, out: str | None = T.REAL, arity: tuple[int, int] = (1, 1)) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, *arity)
        kind = out or (args[0].type if args[0].type in T.NUMERIC | {T.TIMESPAN} else T.REAL)
        sqls = [a.sql if a.type in T.NUMERIC | {T.TIMESPAN} else C.coerce(a, T.REAL) for a in args]
        return Typed(S.fn(fn_name, *sqls), kind)

    return handler


def _power_of(base: int) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        (value,) = tr.args(node, 1)
        return Typed(S.fn("pow", S.number(base), C.coerce(value, T.REAL)), T.REAL)

    return handler


def round_(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 2)
    value = args[0].sql if args[0].type in T.NUMERIC else C.coerce(args[0], T.REAL)
    digits = C.coerce(args[1], T.INT) if len(args) == 2 else S.number(0)
    kind = args[0].type if args[0].type in T.NUMERIC else T.REAL
    return Typed(S.fn("round", value, digits), kind)


def _bitwise(op: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = [
            C.coerce(a, T.LONG) for a in tr.args(node, 1 if op == "~" else 2, 1 if op == "~" else 2)
        ]
        if op == "~":
            return Typed(exp.BitwiseNot(this=S.paren(args[0])), T.LONG)
        classes: dict[str, type[exp.Expression]] = {
            "&": exp.BitwiseAnd, "|": exp.BitwiseOr, "^": exp.BitwiseXor,
            "<<": exp.BitwiseLeftShift, ">>": exp.BitwiseRightShift,
        }  # fmt: skip
        if op == "^":
            return Typed(S.fn("xor", *args), T.LONG)
        return Typed(classes[op](this=S.paren(args[0]), expression=S.paren(args[1])), T.LONG)

    return handler


def _hash(fn_name: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 1, 2)
        if fn_name == "hash":
            # DuckDB's hash is an unsigned 64-bit value; fold it into a long.
            folded = S.binop("%", S.fn("hash", args[0].sql), S.number(9_223_372_036_854_775_807))
            return Typed(S.cast(folded, "BIGINT"), T.LONG)
        return Typed(S.fn(fn_name, C.to_string(args[0])), T.STRING)

    return handler


# ---------------------------------------------------------------- scope and tabular helpers


def toscalar(tr: ExprTranslator, node: Call) -> Typed:
    if len(node.args) != 1:
        raise KqlSemanticError("The function 'toscalar' expects 1 argument.")
    relation = tr.tabular_operand(node.args[0]) or tr.ctx.tabular(node.args[0], tr.env)
    first = relation.columns[0]
    query = (
        exp.Select()
        .select(S.col(first.sql), copy=False)
        .from_(S.subquery(relation.query, tr.ctx.alias()), copy=False)
        .limit(1, copy=False)
    )
    return Typed(S.scalar_subquery(query), first.type)


def column_ifexists(tr: ExprTranslator, node: Call) -> Typed:
    name = tr.expr(node.args[0]).const if len(node.args) == 2 else None
    if not isinstance(name, str):
        raise KqlSemanticError("column_ifexists(): expects a constant column name and a default.")
    column = tr.scope.find(name)
    if column is not None:
        return Typed(tr.scope.ref(column), column.type)
    return tr.expr(node.args[1])


def iscolumnexists(tr: ExprTranslator, node: Call) -> Typed:
    (name,) = tr.args(node, 1)
    if not isinstance(name.const, str):
        raise KqlSemanticError("iscolumnexists(): expects a constant column name.")
    return C.literal(tr.scope.find(name.const) is not None, T.BOOL)


def ingestion_time(tr: ExprTranslator, node: Call) -> Typed:
    """No separate ingestion clock here: the event's Timestamp stands in for it."""
    tr.args(node, 0)
    column = tr.scope.find("Timestamp") or tr.scope.find("TimeGenerated")
    if column is None:
        return C.literal(None, T.DATETIME)
    return Typed(tr.scope.ref(column), T.DATETIME)


def new_guid(tr: ExprTranslator, node: Call) -> Typed:
    tr.args(node, 0)
    return Typed(S.cast(S.fn("uuid"), "VARCHAR"), T.GUID)


def _window(
    tr: ExprTranslator, call: exp.Expression, *, cumulative: bool = False
) -> exp.Expression:
    keys = [
        exp.Ordered(this=S.col(name, tr.scope.qualifier), desc=desc, nulls_first=nulls)
        for name, desc, nulls in tr.scope.order
    ]
    window = exp.Window(this=call, order=exp.Order(expressions=keys) if keys else None)
    if cumulative:
        window.set("spec", exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING"))
    return window


def _shift(direction: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 1, 3)
        offset = C.coerce(args[1], T.LONG) if len(args) >= 2 else S.number(1)
        parts = [args[0].sql, offset]
        if len(args) == 3:
            parts.append(C.coerce(args[2], args[0].type))
        return Typed(_window(tr, S.fn(direction, *parts)), args[0].type)

    return handler


def row_number(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 0, 2)
    start = C.coerce(args[0], T.LONG) if args else S.number(1)
    number = _window(tr, S.fn("row_number"))
    return Typed(S.binop("+", number, S.binop("-", start, S.number(1))), T.LONG)


def row_cumsum(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 2)
    return Typed(_window(tr, S.fn("sum", args[0].sql), cumulative=True), args[0].type)


def any_column_has(tr: ExprTranslator, node: Call) -> Typed:
    """`search "term"`: some string column of the row has the term."""
    from mdekit.kql.operators import string_operator

    (term,) = tr.args(node, 1)
    tests = [
        string_operator("has", Typed(tr.scope.ref(c), c.type), term)
        for c in tr.scope.columns
        if c.type in (T.STRING, T.DYNAMIC, T.GUID)
    ]
    return Typed(S.or_(*tests) if tests else S.boolean(False), T.BOOL)


def _unsupported(what: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        raise unsupported(what)

    return handler


def estimate_data_size(tr: ExprTranslator, node: Call) -> Typed:
    args = [tr.expr(a) for a in node.args if not isinstance(a, Name) or a.name != "*"]
    sizes = [
        S.coalesce(S.fn("octet_length", S.fn("encode", C.to_string(a))), S.number(0)) for a in args
    ]
    total: exp.Expression = S.number(0)
    for size in sizes:
        total = S.binop("+", total, size)
    return Typed(total, T.LONG)


MISC_FUNCTIONS: dict[str, Handler] = {
    "tostring": _convert(T.STRING), "toint": _convert(T.INT), "tolong": _convert(T.LONG),
    "toreal": _convert(T.REAL), "todouble": _convert(T.REAL), "todecimal": _convert(T.REAL),
    "tobool": _convert(T.BOOL), "toboolean": _convert(T.BOOL), "toguid": _convert(T.GUID),
    "tohex": tohex, "iff": iff, "iif": iff, "case": case, "coalesce": coalesce,
    "isempty": isempty, "isnotempty": isnotempty, "notempty": isnotempty, "isnull": isnull,
    "isnotnull": isnotnull, "notnull": isnotnull, "not": not_, "max_of": _extreme("greatest"),
    "min_of": _extreme("least"), "abs": _math("abs", None), "round": round_,
    "ceiling": _math("ceil", None), "sqrt": _math("sqrt"), "pow": _math("pow", T.REAL, (2, 2)),
    "log": _math("ln"), "log10": _math("log10"), "log2": _math("log2"), "exp": _math("exp"),
    "exp2": _power_of(2), "exp10": _power_of(10), "sign": _math("sign", None),
    "isnan": _math("isnan", T.BOOL), "isinf": _math("isinf", T.BOOL),
    "isfinite": _math("isfinite", T.BOOL), "rand": _math("random", T.REAL, (0, 1)),
    "binary_and": _bitwise("&"), "binary_or": _bitwise("|"), "binary_xor": _bitwise("^"),
    "binary_not": _bitwise("~"), "binary_shift_left": _bitwise("<<"),
    "binary_shift_right": _bitwise(">>"), "bitset_count_ones": _math("bit_count", T.LONG),
    "hash": _hash("hash"), "hash_sha256": _hash("sha256"), "hash_md5": _hash("md5"),
    "hash_sha1": _hash("sha1"),
    "toscalar": toscalar, "column_ifexists": column_ifexists,
    "columnifexists": column_ifexists, "iscolumnexists": iscolumnexists,
    "ingestion_time": ingestion_time, "new_guid": new_guid,
    "prev": _shift("lag"), "next": _shift("lead"), "row_number": row_number,
    "row_cumsum": row_cumsum, "$any_column_has": any_column_has,
    "estimate_data_size": estimate_data_size,
}  # fmt: skip
