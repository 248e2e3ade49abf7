"""String functions: strcat, substring, split, extract, replace_*, trim, base64, url, ….

Regular expressions are RE2 on both sides (Kusto and DuckDB), so patterns pass through.
Positions are 0-based in KQL and 1-based in SQL; `extract` returns an empty string (or a
null of the requested type) when nothing matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.relation import Typed
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


def _text(value: Typed) -> exp.Expression:
    return C.to_string(value)


def _int(value: Typed) -> exp.Expression:
    return value.sql if value.type in (T.LONG, T.INT) else C.coerce(value, T.LONG)


def strcat(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 64)
    return Typed(S.fn("concat", *(_text(a) for a in args)), T.STRING)


def strcat_delim(tr: ExprTranslator, node: Call) -> Typed:
    delim, *args = tr.args(node, 3, 65)
    return Typed(
        S.fn("concat_ws", _text(delim), *(S.coalesce(_text(a), S.string("")) for a in args)),
        T.STRING,
    )


def strlen(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(S.fn("length", _text(value)), T.LONG)


def string_size(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(S.fn("octet_length", S.fn("encode", _text(value))), T.LONG)


def substring(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    start = S.fn("greatest", _int(args[1]), S.number(0))
    one_based = S.binop("+", start, S.number(1))
    if len(args) == 3:
        return Typed(S.fn("substr", _text(args[0]), one_based, _int(args[2])), T.STRING)
    return Typed(S.fn("substr", _text(args[0]), one_based), T.STRING)


def _case(fn_name: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        (value,) = tr.args(node, 1)
        if isinstance(value.const, str):
            text = value.const.lower() if fn_name == "lower" else value.const.upper()
            return C.literal(text, T.STRING)
        return Typed(S.fn(fn_name, _text(value)), T.STRING)

    return handler


def _trim(where: str) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        pattern, value = tr.args(node, 2)
        regex = _text(pattern)
        parts = []
        if where in ("both", "start"):
            parts.append(S.fn("concat", S.string("^(?:"), regex, S.string(")+")))
        if where in ("both", "end"):
            parts.append(S.fn("concat", S.string("(?:"), regex, S.string(")+$")))
        combined = (
            parts[0] if len(parts) == 1 else S.fn("concat", parts[0], S.string("|"), parts[1])
        )
        return Typed(
            S.fn("regexp_replace", _text(value), combined, S.string(""), S.string("g")), T.STRING
        )

    return handler


def replace_regex(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 3)
    if node.name == "replace_regex":
        text, pattern, rewrite = args
    else:  # the deprecated replace(regex, rewrite, text)
        pattern, rewrite, text = args
    return Typed(
        S.fn("regexp_replace", _text(text), _text(pattern), _text(rewrite), S.string("g")), T.STRING
    )


def replace_string(tr: ExprTranslator, node: Call) -> Typed:
    text, lookup, rewrite = tr.args(node, 3)
    return Typed(S.fn("replace", _text(text), _text(lookup), _text(rewrite)), T.STRING)


def split(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    parts = S.fn("string_split", _text(args[0]), _text(args[1]))
    if len(args) == 3:
        index = _int(args[2])
        element = S.fn("list_extract", parts, S.binop("+", index, S.number(1)))
        picked = S.case(
            [(S.binop("<", index, S.fn("len", parts)), exp.Array(expressions=[element]))],
            exp.Array(expressions=[]),
        )
        return Typed(S.fn("to_json", S.cast(picked, "VARCHAR[]")), T.DYNAMIC)
    return Typed(S.fn("to_json", parts), T.DYNAMIC)


def indexof(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 5)
    text, lookup = _text(args[0]), _text(args[1])
    if len(args) >= 3:
        start = _int(args[2])
        found = S.fn("instr", S.fn("substr", text, S.binop("+", start, S.number(1))), lookup)
        sql = S.case(
            [
                (
                    S.binop(">", found, S.number(0)),
                    S.binop("+", found, S.binop("-", start, S.number(1))),
                )
            ],
            S.number(-1),
        )
        return Typed(sql, T.LONG)
    return Typed(S.binop("-", S.fn("instr", text, lookup), S.number(1)), T.LONG)


def countof(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    text, search = _text(args[0]), _text(args[1])
    kind = args[2].const if len(args) == 3 else "normal"
    if kind == "regex":
        return Typed(S.fn("len", S.fn("regexp_extract_all", text, search)), T.LONG)
    removed = S.binop(
        "-", S.fn("length", text), S.fn("length", S.fn("replace", text, search, S.string("")))
    )
    return Typed(
        S.binop("//", removed, S.fn("greatest", S.fn("length", search), S.number(1))), T.LONG
    )


def extract(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 3, 4)
    pattern, group, text = args[0], args[1], args[2]
    if not isinstance(group.const, int):
        raise KqlSemanticError("extract(): the capture group must be a constant number.")
    found = S.fn("regexp_extract", _text(text), _text(pattern), S.number(group.const))
    if len(args) == 4 and isinstance(args[3].const, str) and args[3].const != T.STRING:
        target = args[3].const
        empty = S.fn("nullif", found, S.string(""))
        return Typed(C.coerce(Typed(empty, T.STRING), target), target)
    return Typed(found, T.STRING)


def extract_all(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    pattern, text = args[0], args[-1]
    if not isinstance(pattern.const, str):
        raise KqlSemanticError("extract_all(): the regular expression must be a constant.")
    groups = _capture_groups(pattern.const)
    wanted: list[int] = list(range(1, groups + 1)) or [0]
    if len(args) == 3:
        wanted = [int(g) for g in args[1].const] if isinstance(args[1].const, list) else wanted
    matches = S.fn(
        "regexp_extract_all", _text(text), _text(pattern), S.number(0 if groups != 1 else 1)
    )
    if len(wanted) > 1:
        element = exp.Array(
            expressions=[
                S.fn("regexp_extract", exp.column("m"), _text(pattern), S.number(g)) for g in wanted
            ]
        )
        matches = S.fn(
            "list_transform",
            S.fn("regexp_extract_all", _text(text), _text(pattern), S.number(0)),
            S.lambda_("m", element),
        )
    empty = S.binop("=", S.fn("len", matches), S.number(0))
    return Typed(S.case([(empty, S.typed_null(T.DYNAMIC))], S.fn("to_json", matches)), T.DYNAMIC)


def _capture_groups(pattern: str) -> int:
    count, i = 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if (ch == "(" and not pattern.startswith("(?", i)) or (
            pattern.startswith("(?P<", i)
            or (pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"))
        ):
            count += 1
        i += 1
    return count


def _unary(fn_name: str, out: str = T.STRING) -> Handler:
    def handler(tr: ExprTranslator, node: Call) -> Typed:
        (value,) = tr.args(node, 1)
        return Typed(S.fn(fn_name, _text(value)), out)

    return handler


def base64_decode_tostring(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    decoded = S.fn("try", S.fn("decode", S.fn("from_base64", _text(value))))
    return Typed(decoded, T.STRING)


def base64_encode_tostring(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(S.fn("to_base64", S.fn("encode", _text(value))), T.STRING)


def base64_decode_toarray(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    hexed = S.fn("hex", S.fn("try", S.fn("from_base64", _text(value))))
    offset = S.binop("+", S.binop("*", exp.column("i"), S.number(2)), S.number(1))
    byte = S.cast(
        S.fn("concat", S.string("0x"), S.fn("substr", hexed, offset, S.number(2))), "INTEGER"
    )
    count = S.binop("//", S.fn("length", hexed), S.number(2))
    codes = S.fn("list_transform", S.fn("range", count), S.lambda_("i", byte))
    return Typed(S.fn("to_json", codes), T.DYNAMIC)


def strrep(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    # Kusto repeats at most 1024 times.
    text, count = _text(args[0]), S.fn("least", _int(args[1]), S.number(1024))
    if len(args) == 3:
        pieces = S.fn("list_transform", S.fn("range", count), S.lambda_("i", text))
        return Typed(S.fn("array_to_string", pieces, _text(args[2])), T.STRING)
    return Typed(S.fn("repeat", text, count), T.STRING)


def translate_chars(tr: ExprTranslator, node: Call) -> Typed:
    source, target, text = tr.args(node, 3)
    return Typed(S.fn("translate", _text(text), _text(source), _text(target)), T.STRING)


def parse_command_line(tr: ExprTranslator, node: Call) -> Typed:
    """Windows-style argument splitting: whitespace separates, double quotes group."""
    args = tr.args(node, 1, 2)
    tokens = S.fn("regexp_extract_all", _text(args[0]), S.string(r'(?:"[^"]*"|[^\s"])+'))
    cleaned = S.fn(
        "list_transform",
        tokens,
        S.lambda_("t", S.fn("replace", exp.column("t"), S.string('"'), S.string(""))),
    )
    return Typed(S.fn("to_json", cleaned), T.DYNAMIC)


def strcmp(tr: ExprTranslator, node: Call) -> Typed:
    a, b = tr.args(node, 2)
    sa, sb = _text(a), _text(b)
    return Typed(
        S.case(
            [(S.binop("<", sa, sb), S.number(-1)), (S.binop(">", sa, sb), S.number(1))], S.number(0)
        ),
        T.INT,
    )


def has_any_index(tr: ExprTranslator, node: Call) -> Typed:
    text, terms = tr.args(node, 2)
    if not isinstance(terms.const, list):
        raise KqlSemanticError("has_any_index(): the terms must be a constant array.")
    from mdekit.kql.operators import term_pattern

    whens = [
        (S.fn("regexp_matches", _text(text), S.string("(?i)" + term_pattern(str(t)))), S.number(i))
        for i, t in enumerate(terms.const)
    ]
    return Typed(S.case(whens, S.number(-1)) if whens else S.number(-1), T.LONG)


def unicode_codepoints_from_string(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    chars = S.fn("string_split", _text(value), S.string(""))
    codes = S.fn("list_transform", chars, S.lambda_("c", S.fn("unicode", exp.column("c"))))
    return Typed(S.fn("to_json", codes), T.DYNAMIC)


def unicode_codepoints_to_string(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 64)
    if len(args) == 1 and args[0].type == T.DYNAMIC:
        codes = S.fn("json_extract_string", args[0].sql, S.string("$[*]"))
        chars = S.fn(
            "list_transform", codes, S.lambda_("c", S.fn("chr", S.cast(exp.column("c"), "INTEGER")))
        )
        return Typed(S.fn("array_to_string", chars, S.string("")), T.STRING)
    return Typed(S.fn("concat", *(S.fn("chr", C.coerce(a, T.INT)) for a in args)), T.STRING)


STRING_FUNCTIONS: dict[str, Handler] = {
    "unicode_codepoints_from_string": unicode_codepoints_from_string,
    "unicode_codepoints_to_string": unicode_codepoints_to_string,
    "strcat": strcat, "strcat_delim": strcat_delim, "strlen": strlen, "string_size": string_size,
    "substring": substring, "tolower": _case("lower"), "toupper": _case("upper"),
    "trim": _trim("both"), "trim_start": _trim("start"), "trim_end": _trim("end"),
    "replace": replace_regex, "replace_regex": replace_regex, "replace_string": replace_string,
    "split": split, "indexof": indexof, "countof": countof, "extract": extract,
    "extract_all": extract_all, "extractall": extract_all, "reverse": _unary("reverse"),
    "url_decode": _unary("url_decode"), "url_encode": _unary("url_encode"),
    "url_encode_component": _unary("url_encode"),
    "base64_decode_tostring": base64_decode_tostring, "base64_decodestring": base64_decode_tostring,
    "base64_encode_tostring": base64_encode_tostring, "base64_encodestring": base64_encode_tostring,
    "base64_decode_toarray": base64_decode_toarray, "strrep": strrep, "translate": translate_chars,
    "parse_command_line": parse_command_line, "strcmp": strcmp, "has_any_index": has_any_index,
    "regex_quote": _unary("regexp_escape"),
}  # fmt: skip
