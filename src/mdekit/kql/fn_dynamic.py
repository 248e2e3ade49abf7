"""Dynamic (JSON) functions: parse_json, arrays, property bags, sets, URL parsing.

Dynamic values are DuckDB JSON. Arrays are handled as DuckDB lists of JSON elements
(`CAST(x AS JSON[])`) and turned back with `to_json`, so element comparisons use the
compact JSON text of each element.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.relation import Typed
from mdekit.kql.scalar import parse_json_sql
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


def items(value: Typed) -> exp.Expression:
    """The elements of a dynamic array as a DuckDB JSON[] list (NULL when not an array)."""
    sql = as_dynamic(value)
    is_array = S.binop("=", S.fn("json_type", sql), S.string("ARRAY"))
    return S.case([(is_array, S.cast(sql, "JSON[]"))], S.cast(S.null(), "JSON[]"))


def as_dynamic(value: Typed) -> exp.Expression:
    if value.type == T.DYNAMIC:
        return value.sql
    if value.type == T.STRING:
        return parse_json_sql(value.sql)
    return C.to_json(value)


def parse_json(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    if value.type == T.DYNAMIC:
        return value
    if value.is_const and isinstance(value.const, str):
        import json

        try:
            return C.literal(json.loads(value.const), T.DYNAMIC)
        except ValueError:
            return C.literal(value.const, T.DYNAMIC)
    if value.type == T.STRING:
        return Typed(parse_json_sql(value.sql), T.DYNAMIC)
    return Typed(C.to_json(value), T.DYNAMIC)


def extract_json(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    path, source = args[0], args[1]
    if not isinstance(path.const, str):
        raise KqlSemanticError(f"{node.name}(): the JSON path must be a constant string.")
    duck_path = _json_path(path.const)
    document = as_dynamic(source)
    target = args[2].const if len(args) == 3 and isinstance(args[2].const, str) else T.STRING
    picked = Typed(
        S.fn("json_extract", document, S.string(duck_path)),
        T.DYNAMIC,
        json_base=document,
        json_path=duck_path,
    )
    if target == T.DYNAMIC:
        return picked
    return Typed(C.from_dynamic(picked, target), target)


def _json_path(path: str) -> str:
    """KQL JSONPath (`$.a['b'][0]`) to DuckDB's (`$.a."b"[0]`)."""
    out = ""
    i = 0
    while i < len(path):
        if path.startswith("['", i) or path.startswith('["', i):
            quote = path[i + 1]
            end = path.find(quote + "]", i + 2)
            if end < 0:
                raise KqlSemanticError(f"Invalid JSON path '{path}'.")
            out += '."' + path[i + 2 : end] + '"'
            i = end + 2
        else:
            out += path[i]
            i += 1
    return out


def array_length(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    sql = as_dynamic(value)
    is_array = S.binop("=", S.fn("json_type", sql), S.string("ARRAY"))
    return Typed(
        S.case(
            [(is_array, S.cast(S.fn("json_array_length", sql), "BIGINT"))], S.typed_null(T.LONG)
        ),
        T.LONG,
    )


def array_index_of(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 5)
    found = S.fn("list_position", items(args[0]), S.cast(C.to_json(args[1]), "JSON"))
    return Typed(S.binop("-", S.coalesce(found, S.number(0)), S.number(1)), T.LONG)


def array_concat(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 64)
    lists = [items(a) for a in args]
    combined = lists[0]
    for more in lists[1:]:
        combined = S.fn("list_concat", combined, more)
    return Typed(S.fn("to_json", combined), T.DYNAMIC)


def array_slice(tr: ExprTranslator, node: Call) -> Typed:
    array, start, end = tr.args(node, 3)
    lst = items(array)
    n = S.fn("len", lst)

    def norm(v: Typed) -> exp.Expression:
        i = C.coerce(v, T.LONG)
        return S.case([(S.binop("<", i, S.number(0)), S.binop("+", n, i))], i)

    sliced = S.fn(
        "list_slice",
        lst,
        S.binop("+", norm(start), S.number(1)),
        S.binop("+", norm(end), S.number(1)),
    )
    return Typed(S.fn("to_json", sliced), T.DYNAMIC)


def _list_fn(fn_name: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 1, 3)
        return Typed(S.fn("to_json", S.fn(fn_name, items(args[0]))), T.DYNAMIC)

    return handler


def array_sum(tr: ExprTranslator, node: Call) -> Typed:
    (array,) = tr.args(node, 1)
    numbers = S.fn(
        "list_transform", items(array), S.lambda_("e", S.try_cast(exp.column("e"), "DOUBLE"))
    )
    return Typed(S.fn("list_sum", numbers), T.REAL)


def pack_array(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 0, 1000)
    return Typed(S.fn("json_array", *(C.to_json(a) for a in args)), T.DYNAMIC)


def bag_pack(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 0, 1000)
    if len(args) % 2:
        raise KqlSemanticError(f"{node.name}(): expects pairs of key and value arguments.")
    pairs: list[exp.Expression] = []
    for key, value in zip(args[::2], args[1::2], strict=True):
        pairs += [C.to_string(key), C.to_json(value)]
    return Typed(S.fn("json_object", *pairs), T.DYNAMIC)


def pack_all(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 0, 1)
    skip_empty = bool(args and args[0].const)
    pairs: list[exp.Expression] = []
    for column in tr.scope.columns:
        value = Typed(tr.scope.ref(column), column.type)
        pairs += [S.string(column.name), C.to_json(value)]
    packed = S.fn("json_object", *pairs)
    if skip_empty:
        packed = S.fn("json_merge_patch", S.string("{}"), packed)
    return Typed(packed, T.DYNAMIC)


def bag_keys(tr: ExprTranslator, node: Call) -> Typed:
    (bag,) = tr.args(node, 1)
    return Typed(S.fn("to_json", S.fn("json_keys", as_dynamic(bag))), T.DYNAMIC)


def bag_has_key(tr: ExprTranslator, node: Call) -> Typed:
    bag, key = tr.args(node, 2)
    return Typed(
        S.fn("list_contains", S.fn("json_keys", as_dynamic(bag)), C.to_string(key)), T.BOOL
    )


def bag_merge(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 64)
    merged = as_dynamic(args[-1])
    for bag in reversed(args[:-1]):
        merged = S.fn("json_merge_patch", merged, as_dynamic(bag))
    return Typed(merged, T.DYNAMIC)


def bag_remove_keys(tr: ExprTranslator, node: Call) -> Typed:
    bag, keys = tr.args(node, 2)
    if not isinstance(keys.const, list):
        raise KqlSemanticError("bag_remove_keys(): the keys must be a constant array.")
    patch = {str(k): None for k in keys.const}
    return Typed(S.fn("json_merge_patch", as_dynamic(bag), S.json_text(patch)), T.DYNAMIC)


def set_difference(tr: ExprTranslator, node: Call) -> Typed:
    first, *others = (items(a) for a in tr.args(node, 2, 64))
    keep = S.fn("list_distinct", first)
    for other in others:
        keep = S.fn(
            "list_filter",
            keep,
            S.lambda_("e", S.not_(S.fn("list_contains", other, exp.column("e")))),
        )
    return Typed(S.fn("to_json", keep), T.DYNAMIC)


def set_union(tr: ExprTranslator, node: Call) -> Typed:
    lists = [items(a) for a in tr.args(node, 2, 64)]
    combined = lists[0]
    for more in lists[1:]:
        combined = S.fn("list_concat", combined, more)
    return Typed(S.fn("to_json", S.fn("list_distinct", combined)), T.DYNAMIC)


def set_intersect(tr: ExprTranslator, node: Call) -> Typed:
    first, *others = (items(a) for a in tr.args(node, 2, 64))
    keep = S.fn("list_distinct", first)
    for other in others:
        keep = S.fn(
            "list_filter", keep, S.lambda_("e", S.fn("list_contains", other, exp.column("e")))
        )
    return Typed(S.fn("to_json", keep), T.DYNAMIC)


def set_has_element(tr: ExprTranslator, node: Call) -> Typed:
    array, value = tr.args(node, 2)
    return Typed(
        S.coalesce(
            S.fn("list_contains", items(array), S.cast(C.to_json(value), "JSON")), S.boolean(False)
        ),
        T.BOOL,
    )


def jaccard_index(tr: ExprTranslator, node: Call) -> Typed:
    a, b = (S.fn("list_distinct", items(v)) for v in tr.args(node, 2))
    common = S.fn(
        "len", S.fn("list_filter", a, S.lambda_("e", S.fn("list_contains", b, exp.column("e"))))
    )
    union = S.binop("-", S.binop("+", S.fn("len", a), S.fn("len", b)), common)
    return Typed(S.binop("/", S.cast(common, "DOUBLE"), S.fn("nullif", union, S.number(0))), T.REAL)


def strcat_array(tr: ExprTranslator, node: Call) -> Typed:
    array, delim = tr.args(node, 2)
    texts = S.fn("json_extract_string", as_dynamic(array), S.string("$[*]"))
    return Typed(S.fn("array_to_string", texts, C.to_string(delim)), T.STRING)


def zip_arrays(tr: ExprTranslator, node: Call) -> Typed:
    lists = [items(a) for a in tr.args(node, 2, 16)]
    longest = S.fn("greatest", *(S.fn("len", lst) for lst in lists))
    element = S.fn("json_array", *(S.fn("list_extract", lst, exp.column("i")) for lst in lists))
    zipped = S.fn(
        "list_transform",
        S.fn("range", S.number(1), S.binop("+", longest, S.number(1))),
        S.lambda_("i", element),
    )
    return Typed(S.fn("to_json", zipped), T.DYNAMIC)


def gettype(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    if value.type != T.DYNAMIC:
        return C.literal(
            {T.REAL: "real", T.DATETIME: "datetime", T.TIMESPAN: "timespan"}.get(
                value.type, value.type
            ),
            T.STRING,
        )
    kinds = {
        "ARRAY": "array",
        "OBJECT": "dictionary",
        "VARCHAR": "string",
        "BOOLEAN": "bool",
        "DOUBLE": "real",
        "UBIGINT": "long",
        "BIGINT": "long",
        "NULL": "null",
    }
    kind = S.fn("json_type", value.sql)
    return Typed(
        S.case(
            [(S.binop("=", kind, S.string(k)), S.string(v)) for k, v in kinds.items()],
            S.string("null"),
        ),
        T.STRING,
    )


def array_iff(tr: ExprTranslator, node: Call) -> Typed:
    conditions, when_true, when_false = (items(a) for a in tr.args(node, 3))
    chosen = S.case(
        [
            (
                S.try_cast(S.fn("list_extract", conditions, exp.column("i")), "BOOLEAN"),
                S.fn("list_extract", when_true, exp.column("i")),
            )
        ],
        S.fn("list_extract", when_false, exp.column("i")),
    )
    picked = S.fn(
        "list_transform",
        S.fn("range", S.number(1), S.binop("+", S.fn("len", conditions), S.number(1))),
        S.lambda_("i", chosen),
    )
    return Typed(S.fn("to_json", picked), T.DYNAMIC)


def range_array(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    start, stop = (C.coerce(a, T.LONG) for a in args[:2])
    step = C.coerce(args[2], T.LONG) if len(args) == 3 else S.number(1)
    # At most 1,048,576 elements, as in Kusto; a zero step gives an empty array.
    furthest = S.binop("+", start, S.binop("*", step, S.number(1_048_575)))
    stop = S.case(
        [(S.binop(">", step, S.number(0)), S.fn("least", stop, furthest))],
        S.fn("greatest", stop, furthest),
    )
    values = S.fn("range", start, S.binop("+", stop, step), S.fn("nullif", step, S.number(0)))
    return Typed(S.fn("to_json", S.coalesce(values, exp.Array(expressions=[]))), T.DYNAMIC)


DYNAMIC_FUNCTIONS: dict[str, Handler] = {
    "parse_json": parse_json, "parsejson": parse_json, "todynamic": parse_json,
    "toobject": parse_json, "extract_json": extract_json, "extractjson": extract_json,
    "array_length": array_length, "arraylength": array_length, "array_index_of": array_index_of,
    "array_concat": array_concat, "array_slice": array_slice,
    "array_reverse": _list_fn("list_reverse"),
    "array_sort_asc": _list_fn("list_sort"), "array_sort_desc": _list_fn("list_reverse_sort"),
    "array_sum": array_sum, "pack_array": pack_array, "bag_pack": bag_pack, "pack": bag_pack,
    "pack_dictionary": bag_pack, "pack_all": pack_all, "bag_keys": bag_keys,
    "bag_has_key": bag_has_key, "bag_merge": bag_merge, "bag_remove_keys": bag_remove_keys,
    "set_difference": set_difference, "set_union": set_union, "set_intersect": set_intersect,
    "set_has_element": set_has_element, "jaccard_index": jaccard_index,
    "strcat_array": strcat_array, "array_strcat": strcat_array, "zip": zip_arrays,
    "gettype": gettype, "array_iff": array_iff, "array_iif": array_iff, "range": range_array,
}  # fmt: skip
