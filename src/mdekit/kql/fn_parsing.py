"""Functions that parse text into property bags: URLs, paths, CSV, user agents, geo lookups.

geo_info_from_ip_address() has no geolocation database offline; it answers an empty bag,
so queries that read its fields get empty values rather than an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.relation import Typed
from mdekit.kql.syntax import Call

if TYPE_CHECKING:
    from mdekit.kql.scalar import ExprTranslator, Handler


def parse_url(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    url = C.to_string(value)
    pattern = r"^(?:([A-Za-z][A-Za-z0-9+.-]*)://)?(?:([^:@/]*)(?::([^@/]*))?@)?([^:/?#]*)(?::(\d+))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$"

    def group(n: int) -> exp.Expression:
        return S.fn("regexp_extract", url, S.string(pattern), S.number(n))

    query = group(7)
    pairs = S.fn("string_split", query, S.string("&"))
    params = _query_bag(pairs)
    bag = S.fn(
        "json_object",
        S.string("Scheme"),
        group(1),
        S.string("Host"),
        group(4),
        S.string("Port"),
        group(5),
        S.string("Path"),
        group(6),
        S.string("Username"),
        group(2),
        S.string("Password"),
        group(3),
        S.string("Query Parameters"),
        params,
        S.string("Fragment"),
        group(8),
    )
    return Typed(bag, T.DYNAMIC)


def parse_urlquery(tr: ExprTranslator, node: Call) -> Typed:
    """Deprecated: `a=1&b=2` as `{"Query Parameters": {"a": "1", "b": "2"}}`."""
    (value,) = tr.args(node, 1)
    query = S.fn("regexp_replace", C.to_string(value), S.string(r"^[^?]*\?"), S.string(""))
    params = _query_bag(S.fn("string_split", query, S.string("&")))
    return Typed(S.fn("json_object", S.string("Query Parameters"), params), T.DYNAMIC)


def _query_bag(pairs: exp.Expression) -> exp.Expression:
    """`a=1&b=2` as a JSON object, built from the split pairs."""
    entry = S.fn(
        "json_object",
        S.fn("url_decode", S.fn("split_part", exp.column("p"), S.string("="), S.number(1))),
        S.fn("url_decode", S.fn("split_part", exp.column("p"), S.string("="), S.number(2))),
    )
    nonempty = S.fn(
        "list_filter", pairs, S.lambda_("p", S.binop("<>", exp.column("p"), S.string("")))
    )
    objects = S.fn("list_transform", nonempty, S.lambda_("p", entry))
    return S.fn(
        "coalesce",
        S.fn(
            "list_reduce",
            S.fn("list_prepend", S.cast(S.string("{}"), "JSON"), objects),
            _merge_lambda(),
        ),
        S.cast(S.string("{}"), "JSON"),
    )


def _merge_lambda() -> exp.Expression:
    return exp.Lambda(
        this=S.fn("json_merge_patch", exp.column("acc"), exp.column("o")),
        expressions=[exp.to_identifier("acc"), exp.to_identifier("o")],
    )


def parse_path(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    path = C.to_string(value)
    directory = S.fn("regexp_extract", path, S.string(r"^(.*)[\\/][^\\/]*$"), S.number(1))
    filename = S.fn("regexp_extract", path, S.string(r"([^\\/]*)$"), S.number(1))
    extension = S.fn("regexp_extract", filename, S.string(r"\.([^.]*)$"), S.number(1))
    root = S.fn("regexp_extract", path, S.string(r"^([A-Za-z]:)"), S.number(1))
    bag = S.fn(
        "json_object",
        S.string("Scheme"),
        S.string(""),
        S.string("RootPath"),
        root,
        S.string("DirectoryPath"),
        directory,
        S.string("DirectoryName"),
        S.fn("regexp_extract", directory, S.string(r"([^\\/]*)$"), S.number(1)),
        S.string("Filename"),
        filename,
        S.string("Extension"),
        extension,
        S.string("AlternateDataStreamName"),
        S.string(""),
    )
    return Typed(bag, T.DYNAMIC)


def geo_info_from_ip_address(tr: ExprTranslator, node: Call) -> Typed:
    """No geolocation database offline: every address maps to an empty property bag."""
    tr.args(node, 1, 2)
    return C.literal({}, T.DYNAMIC)


def parse_user_agent(tr: ExprTranslator, node: Call) -> Typed:
    """A minimal user-agent breakdown: browser family guessed from well-known tokens."""
    args = tr.args(node, 2)
    agent = C.to_string(args[0])
    families = [
        ("Edg/", "Edge"),
        ("Chrome/", "Chrome"),
        ("Firefox/", "Firefox"),
        ("Safari/", "Safari"),
    ]
    family = S.case(
        [(S.fn("contains", agent, S.string(token)), S.string(name)) for token, name in families],
        S.string("Other"),
    )
    browser = S.fn("json_object", S.string("Family"), family)
    return Typed(S.fn("json_object", S.string("Browser"), browser), T.DYNAMIC)


def parse_csv(tr: ExprTranslator, node: Call) -> Typed:
    (value,) = tr.args(node, 1)
    return Typed(
        S.fn("to_json", S.fn("string_split", C.to_string(value), S.string(","))), T.DYNAMIC
    )


PARSING_FUNCTIONS: dict[str, Handler] = {
    "parse_url": parse_url, "parseurl": parse_url, "parse_urlquery": parse_urlquery,
    "parseurlquery": parse_urlquery, "parse_path": parse_path,
    "geo_info_from_ip_address": geo_info_from_ip_address, "parse_user_agent": parse_user_agent,
    "parse_csv": parse_csv,
}  # fmt: skip
