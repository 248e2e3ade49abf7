"""IPv4 functions: ranges, private addresses, matching, parsing and formatting.

Addresses are compared as 32-bit numbers computed in SQL from the dotted text; constant
ranges (`"10.0.0.0/8"`) are resolved at compile time.
"""

from __future__ import annotations

import ipaddress
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


_IPV4 = r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$"


def ipv4_number(text: exp.Expression) -> exp.Expression:
    """An IPv4 address as a BIGINT (null when the text is not an address)."""
    total: exp.Expression = S.number(0)
    for i, scale in enumerate((16_777_216, 65_536, 256, 1), start=1):
        octet = S.try_cast(S.fn("regexp_extract", text, S.string(_IPV4), S.number(i)), "BIGINT")
        total = S.binop("+", total, S.binop("*", octet, S.number(scale)))
    return S.case([(S.fn("regexp_matches", text, S.string(_IPV4)), total)], S.typed_null(T.LONG))


def _network(text: str) -> tuple[int, int] | None:
    try:
        net = ipaddress.IPv4Network(text.strip(), strict=False)
    except ValueError:
        return None
    return int(net.network_address), 32 - net.prefixlen


def in_network(ip: exp.Expression, network: tuple[int, int]) -> exp.Expression:
    base, host_bits = network
    block = 1 << host_bits
    return S.binop("=", S.binop("//", ipv4_number(ip), S.number(block)), S.number(base // block))


def ipv4_is_in_range(tr: ExprTranslator, node: Call) -> Typed:
    ip, prefix = tr.args(node, 2)
    text = C.to_string(ip)
    if isinstance(prefix.const, str):
        network = _network(prefix.const)
        if network is None:
            return C.literal(None, T.BOOL)
        return Typed(in_network(text, network), T.BOOL)
    range_text = C.to_string(prefix)
    bits = S.coalesce(
        S.try_cast(S.fn("split_part", range_text, S.string("/"), S.number(2)), "BIGINT"),
        S.number(32),
    )
    block = S.fn("pow", S.number(2), S.binop("-", S.number(32), bits))
    net = ipv4_number(S.fn("split_part", range_text, S.string("/"), S.number(1)))
    same = S.binop(
        "=",
        S.fn("floor", S.binop("/", ipv4_number(text), block)),
        S.fn("floor", S.binop("/", net, block)),
    )
    return Typed(same, T.BOOL)


def ipv4_is_in_any_range(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 64)
    ip = C.to_string(args[0])
    ranges: list[str] = []
    for arg in args[1:]:
        if isinstance(arg.const, list):
            ranges += [str(r) for r in arg.const]
        elif isinstance(arg.const, str):
            ranges.append(arg.const)
        else:
            raise KqlSemanticError("ipv4_is_in_any_range(): the ranges must be constants.")
    tests = [in_network(ip, n) for n in (_network(r) for r in ranges) if n is not None]
    return Typed(S.or_(*tests) if tests else S.boolean(False), T.BOOL)


def ipv4_is_private(tr: ExprTranslator, node: Call) -> Typed:
    (ip,) = tr.args(node, 1)
    text = C.to_string(ip)
    private = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
    return Typed(S.or_(*(in_network(text, _network(r) or (0, 0)) for r in private)), T.BOOL)


def ipv4_is_match(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 2, 3)
    bits = C.coerce(args[2], T.LONG) if len(args) == 3 else S.number(32)
    block = S.fn("pow", S.number(2), S.binop("-", S.number(32), bits))
    a, b = (ipv4_number(C.to_string(v)) for v in args[:2])
    same = S.binop(
        "=", S.fn("floor", S.binop("/", a, block)), S.fn("floor", S.binop("/", b, block))
    )
    return Typed(same, T.BOOL)


def parse_ipv4(tr: ExprTranslator, node: Call) -> Typed:
    (ip,) = tr.args(node, 1)
    return Typed(
        ipv4_number(S.fn("split_part", C.to_string(ip), S.string("/"), S.number(1))), T.LONG
    )


def format_ipv4(tr: ExprTranslator, node: Call) -> Typed:
    args = tr.args(node, 1, 2)
    number = (
        ipv4_number(C.to_string(args[0])) if args[0].type == T.STRING else C.coerce(args[0], T.LONG)
    )
    return Typed(dotted_quad(number), T.STRING)


def dotted_quad(number: exp.Expression) -> exp.Expression:
    """A 32-bit number as `a.b.c.d`."""
    octets = [
        S.binop("%", S.binop("//", number, S.number(scale)), S.number(256))
        for scale in (16_777_216, 65_536, 256, 1)
    ]
    return S.fn("concat_ws", S.string("."), *octets)


def has_ipv4(tr: ExprTranslator, node: Call) -> Typed:
    text, ip = tr.args(node, 2)
    escaped = S.fn("regexp_escape", C.to_string(ip))
    pattern = S.fn(
        "concat", S.string(r"(?:^|[^0-9A-Za-z.])"), escaped, S.string(r"(?:$|[^0-9A-Za-z.])")
    )
    return Typed(S.fn("regexp_matches", C.to_string(text), pattern), T.BOOL)


NETWORK_FUNCTIONS: dict[str, Handler] = {
    "ipv4_is_in_range": ipv4_is_in_range, "ipv4_is_in_any_range": ipv4_is_in_any_range,
    "ipv4_is_private": ipv4_is_private, "ipv4_is_match": ipv4_is_match,
    "parse_ipv4": parse_ipv4, "format_ipv4": format_ipv4, "has_ipv4": has_ipv4,
}  # fmt: skip
