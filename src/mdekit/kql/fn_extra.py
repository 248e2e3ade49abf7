"""Less common functions: trigonometry, versions, byte sizes, IPv4 prefixes and masks,
array rotation and shifting, set equality, bag editing, and a few string tests."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.fn_dynamic import as_dynamic, items
from mdekit.kql.fn_misc import _hash, _math
from mdekit.kql.fn_network import dotted_quad, ipv4_number
from mdekit.kql.fn_parsing import _merge_lambda
from mdekit.kql.relation import Typed
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


def pi(tr: ExprTranslator, node: Call) -> Typed:
    tr.args(node, 0)
    return C.literal(3.141592653589793, T.REAL)


def isascii(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(S.fn("regexp_full_match", C.to_string(value), S.string("[[:ascii:]]*")), T.BOOL)


def isutf8(tr: ExprTranslator, node: Call) -> Typed:
    tr.args(node, 1)
    return C.literal(True, T.BOOL)


def indexof_regex(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 2)
    text, pattern = C.to_string(args[0]), C.to_string(args[1])
    before = S.fn("list_extract", S.fn("regexp_split_to_array", text, pattern), S.number(1))
    found = S.fn("regexp_matches", text, pattern)
    return Typed(S.case([(found, S.fn("length", before))], S.number(-1)), T.LONG)


def repeat(tr: ExprTranslator, node: Call) -> Typed:
    value, count = tr.args(node, 2)
    n = S.fn("least", S.fn("greatest", C.coerce(count, T.LONG), S.number(0)), S.number(_MAX_ITEMS))
    element = S.cast(C.to_json(value), "JSON")
    made = S.fn("list_transform", S.fn("range", n), S.lambda_("i", element))
    return Typed(S.fn("to_json", made), T.DYNAMIC)


def make_string(tr: ExprTranslator, node: Call) -> Typed:
    parts: list[exp.Expression] = []
    for arg in tr.args(node, 1, 64):
        if arg.type == T.DYNAMIC:
            chars = S.fn(
                "list_transform",
                items(arg),
                S.lambda_("e", S.fn("chr", S.try_cast(exp.column("e"), "INTEGER"))),
            )
            parts.append(S.fn("array_to_string", chars, S.string("")))
        else:
            parts.append(S.fn("chr", C.coerce(arg, T.INT)))
    return Typed(S.fn("concat", *parts) if len(parts) > 1 else parts[0], T.STRING)


_UNITS = ("Bytes", "KB", "MB", "GB", "TB", "PB", "EB")
_MAX_ITEMS = 1_048_576  # the most elements Kusto puts in a generated array


def format_bytes(tr: ExprTranslator, node: Call) -> Typed:
    """`format_bytes(20010332, 2)` is "19.08 MB": base 1024 by default, precision 0."""
    args = tr.args(node, 1, 4)
    size = C.coerce(args[0], T.REAL)
    digits = args[1].const if len(args) > 1 else 0
    unit = args[2].const if len(args) > 2 else None
    base = args[3].const if len(args) > 3 else 1024
    if not isinstance(digits, int) or not isinstance(base, int) or base not in (1000, 1024):
        raise KqlSemanticError("format_bytes(): precision and base must be constants.")
    if isinstance(unit, str) and unit.upper() in {u.upper() for u in _UNITS}:
        power = S.number([u.upper() for u in _UNITS].index(unit.upper()))
    else:
        ratio = S.binop("/", S.fn("ln", S.fn("abs", size)), S.fn("ln", S.number(base)))
        magnitude = S.fn("floor", ratio)
        power = S.fn("least", S.fn("greatest", magnitude, S.number(0)), S.number(6))
        power = S.case([(S.binop("=", size, S.number(0)), S.number(0))], power)
    scaled = S.fn("round", S.binop("/", size, S.fn("pow", S.number(base), power)), S.number(digits))
    number = S.fn("format", S.string("{:." + str(digits) + "f}"), scaled)
    names = exp.Array(expressions=[S.string(u) for u in _UNITS])
    name = S.fn("list_extract", names, S.binop("+", S.cast(power, "BIGINT"), S.number(1)))
    return Typed(S.fn("concat", number, S.string(" "), name), T.STRING)


def parse_version(tr: ExprTranslator, node: Call) -> Typed:
    """Up to four dot-separated parts of at most 8 digits, as one comparable number."""
    (value,) = tr.args(node, 1)
    text = S.fn("trim", C.to_string(value))
    valid = S.fn("regexp_full_match", text, S.string(r"\d{1,8}(\.\d{1,8}){0,3}"))
    padded = [
        S.fn(
            "lpad",
            S.fn("nullif", S.fn("split_part", text, S.string("."), S.number(i)), S.string("")),
            S.number(8),
            S.string("0"),
        )
        for i in range(1, 5)
    ]
    digits = S.fn("concat", *(S.coalesce(p, S.string("00000000")) for p in padded))
    return Typed(S.case([(valid, S.cast(digits, "HUGEINT"))], S.null()), T.DECIMAL)


# ---------------------------------------------------------------- IPv4


def _prefix_pattern(prefix: str) -> str:
    tail = r"[0-9.]*" if prefix.endswith(".") else ""
    return r"(?:^|[^0-9A-Za-z.])" + re.escape(prefix) + tail + r"(?:$|[^0-9A-Za-z.])"


def _constant_texts(args: list[Typed], name: str) -> list[str]:
    texts: list[str] = []
    for arg in args:
        if isinstance(arg.const, list):
            texts += [str(v) for v in arg.const]
        elif isinstance(arg.const, str):
            texts.append(arg.const)
        else:
            raise KqlSemanticError(f"{name}(): the addresses or prefixes must be constants.")
    return texts


def has_ipv4_prefix(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 64)
    text = C.to_string(args[0])
    prefixes = _constant_texts(args[1:], node.name)
    tests = [S.fn("regexp_matches", text, S.string(_prefix_pattern(p))) for p in prefixes]
    return Typed(S.or_(*tests) if tests else S.boolean(False), T.BOOL)


def has_any_ipv4(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 64)
    text = C.to_string(args[0])
    ips = _constant_texts(args[1:], node.name)
    tests = [
        S.fn("regexp_matches", text, S.string(_prefix_pattern(ip).replace("[0-9.]*", "")))
        for ip in ips
    ]
    return Typed(S.or_(*tests) if tests else S.boolean(False), T.BOOL)


def _address(value: Typed) -> exp.Expression:
    return ipv4_number(S.fn("split_part", C.to_string(value), S.string("/"), S.number(1)))


def _suffix(value: Typed) -> exp.Expression:
    part = S.fn("split_part", C.to_string(value), S.string("/"), S.number(2))
    return S.coalesce(S.try_cast(part, "BIGINT"), S.number(32))


def _masked(number: exp.Expression, bits: exp.Expression) -> exp.Expression:
    block = S.cast(S.fn("pow", S.number(2), S.binop("-", S.number(32), bits)), "BIGINT")
    return S.binop("*", S.binop("//", number, block), block)


def ipv4_compare(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    bits = S.fn("least", _suffix(args[0]), _suffix(args[1]))
    if len(args) == 3:
        bits = S.fn("least", bits, C.coerce(args[2], T.LONG))
    a, b = (_masked(_address(v), bits) for v in args[:2])
    return Typed(S.cast(S.fn("sign", S.binop("-", a, b)), "BIGINT"), T.LONG)


def ipv4_netmask_suffix(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    valid = exp.Not(this=exp.Is(this=_address(value), expression=exp.Null()))
    return Typed(S.case([(valid, _suffix(value))], S.typed_null(T.LONG)), T.LONG)


def parse_ipv4_mask(tr: ExprTranslator, node: Call) -> Typed:
    ip, bits = tr.args(node, 2)
    return Typed(_masked(_address(ip), C.coerce(bits, T.LONG)), T.LONG)


def format_ipv4_mask(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 2)
    bits = C.coerce(args[1], T.LONG) if len(args) == 2 else _suffix(args[0])
    dotted = dotted_quad(_masked(_address(args[0]), bits))
    return Typed(S.fn("concat", dotted, S.string("/"), bits), T.STRING)


# ---------------------------------------------------------------- arrays and bags


def _moved(kind: str) -> Handler:
    """array_rotate_left/right and array_shift_left/right, element by element."""

    def handler(tr: ExprTranslator, node: Call) -> Typed:
        args = tr.args(node, 2, 3)
        lst = items(args[0])
        n = S.fn("len", lst)
        step = C.coerce(args[1], T.LONG)
        if kind.endswith("right"):
            step = S.binop("-", S.number(0), step)
        source = S.binop("+", exp.column("i"), step)
        if kind.startswith("rotate"):
            wrapped = S.binop("%", S.binop("+", S.binop("%", source, n), n), n)
            element = S.fn("list_extract", lst, S.binop("+", wrapped, S.number(1)))
        else:
            fill = S.cast(C.to_json(args[2]), "JSON") if len(args) == 3 else S.null()
            inside = S.and_(S.binop(">=", source, S.number(0)), S.binop("<", source, n))
            picked = S.fn("list_extract", lst, S.binop("+", source, S.number(1)))
            element = S.case([(inside, picked)], fill)
        moved = S.fn("list_transform", S.fn("range", n), S.lambda_("i", element))
        return Typed(S.fn("to_json", moved), T.DYNAMIC)

    return handler


def array_split(tr: ExprTranslator, node: Call) -> Typed:
    array, where = tr.args(node, 2)
    cuts = where.const if isinstance(where.const, list) else [where.const]
    if not all(isinstance(c, int) for c in cuts):
        raise KqlSemanticError("array_split(): the split indexes must be constants.")
    lst = items(array)
    n = S.fn("len", lst)
    bounds: list[exp.Expression] = [S.number(0)]
    for cut in cuts:
        assert isinstance(cut, int)
        bounds.append(S.number(cut) if cut >= 0 else S.binop("+", n, S.number(cut)))
    bounds.append(n)
    pieces = [
        S.fn("to_json", S.fn("list_slice", lst, S.binop("+", lo, S.number(1)), hi))
        for lo, hi in itertools.pairwise(bounds)
    ]
    return Typed(S.fn("json_array", *pieces), T.DYNAMIC)


def set_equals(tr: ExprTranslator, node: Call) -> Typed:
    a, b = (S.fn("list_sort", S.fn("list_distinct", items(v))) for v in tr.args(node, 2))
    return Typed(S.binop("=", S.cast(a, "VARCHAR[]"), S.cast(b, "VARCHAR[]")), T.BOOL)


def bag_set_key(tr: ExprTranslator, node: Call) -> Typed:
    bag, key, value = tr.args(node, 3)
    patch = S.fn("json_object", C.to_string(key), C.to_json(value))
    return Typed(S.fn("json_merge_patch", as_dynamic(bag), patch), T.DYNAMIC)


def bag_zip(tr: ExprTranslator, node: Call) -> Typed:
    keys, values = (items(v) for v in tr.args(node, 2))
    entry = S.fn(
        "json_object",
        S.fn("json_extract_string", S.fn("list_extract", keys, exp.column("i")), S.string("$")),
        S.fn("list_extract", values, exp.column("i")),
    )
    objects = S.fn(
        "list_transform",
        S.fn("range", S.number(1), S.binop("+", S.fn("len", keys), S.number(1))),
        S.lambda_("i", entry),
    )
    start = S.cast(S.string("{}"), "JSON")
    merged = S.fn("list_reduce", S.fn("list_prepend", start, objects), _merge_lambda())
    return Typed(S.coalesce(merged, start), T.DYNAMIC)


def hash_many(tr: ExprTranslator, node: Call) -> Typed:
    texts = [C.to_string(a) for a in tr.args(node, 1, 64)]
    hashed = S.fn("hash", S.fn("concat_ws", S.string("\x1f"), *texts))
    folded = S.binop("%", hashed, S.number(9_223_372_036_854_775_807))
    return Typed(S.cast(folded, "BIGINT"), T.LONG)


def dynamic_to_json(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(S.cast(as_dynamic(value), "VARCHAR"), T.STRING)


# ---------------------------------------------------------------- sketches (hll, tdigest)
# The aggregates keep the values themselves (see aggregates.sketch), so these are exact.


def dcount_hll(tr: ExprTranslator, node: Call) -> Typed:
    (sketch,) = tr.args(node, 1)
    return Typed(S.coalesce(S.fn("len", items(sketch)), S.number(0)), T.LONG)


def _merge_sketches(distinct: bool) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        lists = [
            S.coalesce(items(a), S.cast(S.string("[]"), "JSON[]")) for a in tr.args(node, 1, 64)
        ]
        merged = lists[0]
        for more in lists[1:]:
            merged = S.fn("list_concat", merged, more)
        if distinct:
            merged = S.fn("list_distinct", merged)
        return Typed(S.fn("to_json", merged), T.DYNAMIC)

    return handler


def _digest_values(sketch: Typed, kind: str) -> exp.Expression:
    duck = "TIMESTAMP" if kind == T.DATETIME else "DOUBLE"
    return S.fn(
        "list_transform",
        items(sketch),
        S.lambda_(
            "e", S.try_cast(S.fn("json_extract_string", exp.column("e"), S.string("$")), duck)
        ),
    )


def percentile_tdigest(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    kind = args[2].const if len(args) == 3 and isinstance(args[2].const, str) else T.REAL
    kind = T.DATETIME if kind == T.DATETIME else T.REAL
    rank = S.binop("/", C.coerce(args[1], T.REAL), S.number(100))
    values = _digest_values(args[0], kind)
    return Typed(S.fn("list_aggregate", values, S.string("quantile_disc"), rank), kind)


def percentiles_array_tdigest(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 64)
    values = _digest_values(args[0], T.REAL)
    picks = [
        S.fn(
            "list_aggregate",
            values,
            S.string("quantile_disc"),
            S.binop("/", C.coerce(a, T.REAL), S.number(100)),
        )
        for a in args[1:]
    ]
    return Typed(S.fn("to_json", exp.Array(expressions=picks)), T.DYNAMIC)


def _rank_tdigest(percent: bool) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        sketch, value = tr.args(node, 2)
        values = _digest_values(sketch, T.REAL)
        below = S.fn(
            "len",
            S.fn(
                "list_filter",
                values,
                S.lambda_("v", S.binop("<=", exp.column("v"), C.coerce(value, T.REAL))),
            ),
        )
        if not percent:
            return Typed(below, T.LONG)
        share = S.binop(
            "/",
            S.binop("*", below, S.number(100.0)),
            S.fn("nullif", S.fn("len", values), S.number(0)),
        )
        return Typed(share, T.REAL)

    return handler


EXTRA_FUNCTIONS: dict[str, Handler] = {
    "sin": _math("sin"), "cos": _math("cos"), "tan": _math("tan"), "asin": _math("asin"),
    "acos": _math("acos"), "atan": _math("atan"), "cot": _math("cot"),
    "atan2": _math("atan2", T.REAL, (2, 2)), "degrees": _math("degrees"),
    "radians": _math("radians"), "gamma": _math("gamma"), "loggamma": _math("lgamma"), "pi": pi,
    "isascii": isascii, "isutf8": isutf8, "indexof_regex": indexof_regex, "repeat": repeat,
    "make_string": make_string, "format_bytes": format_bytes, "parse_version": parse_version,
    "has_ipv4_prefix": has_ipv4_prefix, "has_any_ipv4_prefix": has_ipv4_prefix,
    "has_any_ipv4": has_any_ipv4, "ipv4_compare": ipv4_compare,
    "ipv4_netmask_suffix": ipv4_netmask_suffix, "parse_ipv4_mask": parse_ipv4_mask,
    "format_ipv4_mask": format_ipv4_mask,
    "array_rotate_left": _moved("rotate_left"), "array_rotate_right": _moved("rotate_right"),
    "array_shift_left": _moved("shift_left"), "array_shift_right": _moved("shift_right"),
    "array_split": array_split, "set_equals": set_equals, "bag_set_key": bag_set_key,
    "bag_zip": bag_zip, "dynamic_to_json": dynamic_to_json,
    "hash_xxhash64": _hash("hash"), "hash_many": hash_many,
    "dcount_hll": dcount_hll, "hll_merge": _merge_sketches(True),
    "tdigest_merge": _merge_sketches(False), "merge_tdigest": _merge_sketches(False),
    "percentile_tdigest": percentile_tdigest,
    "percentiles_array_tdigest": percentiles_array_tdigest,
    "rank_tdigest": _rank_tdigest(False), "percentrank_tdigest": _rank_tdigest(True),
}  # fmt: skip
