"""Lexer and parser: the lexical traps of hunting queries and syntax errors with positions."""

from __future__ import annotations

from datetime import datetime

import pytest

from mdekit.kql import KqlSyntaxError, parse
from mdekit.kql.lexer import TokenKind, tokenize
from mdekit.kql.syntax import (
    Between,
    Binary,
    Call,
    InList,
    Let,
    Literal,
    Member,
    Name,
    Query,
    QueryStatement,
    SubQuery,
    TableRef,
)
from mdekit.kql.syntax_ops import (
    Join,
    MvExpand,
    Parse,
    ProjectAway,
    ProjectReorder,
    Summarize,
    Where,
)


def only_query(text: str) -> Query:
    statements = parse(text)
    last = statements[-1]
    assert isinstance(last, QueryStatement)
    assert isinstance(last.query, Query)
    return last.query


def predicate(text: str) -> object:
    op = only_query(f"T | where {text}").ops[0]
    assert isinstance(op, Where)
    return op.predicate


# ---------------------------------------------------------------- lexer


def test_string_forms_decode_to_their_values() -> None:
    text = r"""'a\'b' "c\"d\\e" @"C:\Windows\x""q" @'x''y' h"hidden" ```multi
line``` "\u0041\t" """
    values = [t.value for t in tokenize(text) if t.kind is TokenKind.STRING]
    assert values == ["a'b", 'c"d\\e', 'C:\\Windows\\x"q', "x'y", "hidden", "multi\nline", "A\t"]


def test_timespans_numbers_and_names_starting_with_digits() -> None:
    tokens = tokenize("7d 1.5h 100ms 30min 2.5 1e3 0x1F 42 3rdPartyApp 10tick")
    kinds = [(t.kind, t.value) for t in tokens[:-1]]
    assert kinds == [
        (TokenKind.TIMESPAN, 7 * 86_400_000_000),
        (TokenKind.TIMESPAN, 5_400_000_000),
        (TokenKind.TIMESPAN, 100_000),
        (TokenKind.TIMESPAN, 1_800_000_000),
        (TokenKind.REAL, 2.5),
        (TokenKind.REAL, 1000.0),
        (TokenKind.LONG, 31),
        (TokenKind.LONG, 42),
        (TokenKind.IDENT, "3rdPartyApp"),
        (TokenKind.TIMESPAN, 1),
    ]


def test_unicode_spaces_and_comments_are_whitespace() -> None:
    text = "T\u200b|\u00a0where\u202fx == 1 // comment\n| take\ufeff5"
    query = only_query(text)
    assert [type(op).__name__ for op in query.ops] == ["Where", "Take"]


def test_typed_literals_keep_raw_content() -> None:
    assert predicate("t > datetime(2024-01-31 10:00:00.5)") == Binary(
        ">", Name("t"), Literal(datetime(2024, 1, 31, 10, 0, 0, 500000), "datetime")
    )
    assert predicate("d == timespan(1.02:00:00)") == Binary(
        "==", Name("d"), Literal(93_600_000_000, "timespan")
    )
    assert predicate("x == int(null)") == Binary("==", Name("x"), Literal(None, "int"))
    assert predicate("x == real(-1.5)") == Binary("==", Name("x"), Literal(-1.5, "real"))
    assert predicate("d == dynamic({'a': [1, 'b', null]})") == Binary(
        "==", Name("d"), Literal({"a": [1, "b", None]}, "dynamic")
    )
    assert predicate("g == guid(6F8A3C44-aaaa-bbbb-cccc-0123456789AB)") == Binary(
        "==", Name("g"), Literal("6f8a3c44-aaaa-bbbb-cccc-0123456789ab", "guid")
    )
    # A bare guid is a literal too, not a subtraction.
    assert predicate("g == 6F8A3C44-aaaa-bbbb-cccc-0123456789AB") == Binary(
        "==", Name("g"), Literal("6f8a3c44-aaaa-bbbb-cccc-0123456789ab", "guid")
    )
    assert predicate("x == 10.") == Binary("==", Name("x"), Literal(10.0, "real"))
    assert predicate("x == h~~~secret~~~") == Binary("==", Name("x"), Literal("secret", "string"))


# ---------------------------------------------------------------- operators and expressions


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ('x !has "a"', "!has"),
        ('x !contains "a"', "!contains"),
        ('x has_cs "a"', "has_cs"),
        ('x =~ "a"', "=~"),
        ('x !~ "a"', "!~"),
        ('x matches regex "a+"', "matches regex"),
        ('x !startswith "a"', "!startswith"),
        ('x notcontains "a"', "!contains"),
        ("x <> 1", "<>"),
    ],
)
def test_binary_operators_are_recognised(text: str, op: str) -> None:
    node = predicate(text)
    assert isinstance(node, Binary)
    assert node.op == op


@pytest.mark.parametrize("op", ["in", "in~", "!in", "!in~", "has_any", "has_all"])
def test_list_operators(op: str) -> None:
    node = predicate(f'x {op} ("a", "b")')
    assert node == InList(op, Name("x"), (Literal("a", "string"), Literal("b", "string")))


def test_in_with_a_subquery() -> None:
    node = predicate("x in ((T2 | project y))")
    assert isinstance(node, InList)
    assert isinstance(node.items[0], SubQuery)


def test_between_and_its_negation() -> None:
    node = predicate("t !between (ago(1d) .. now())")
    assert isinstance(node, Between)
    assert node.negated


def test_precedence_and_binds_tighter_than_or() -> None:
    node = predicate("a == 1 or b == 2 and c == 3")
    assert isinstance(node, Binary)
    assert node.op == "or"
    assert isinstance(node.right, Binary)
    assert node.right.op == "and"


def test_member_access_bracket_names_and_left_right() -> None:
    query = only_query("T | join (U) on $left.A == $right.B")
    join = query.ops[0]
    assert isinstance(join, Join)
    assert join.on[0] == Binary("==", Member(Name("$left"), "A"), Member(Name("$right"), "B"))
    node = predicate("parse_json(x)['some key'].b == 1")
    assert isinstance(node, Binary)
    assert node.left == Member(Member(Call("parse_json", (Name("x"),)), "some key"), "b")
    assert predicate("['Column name'] == 1") == Binary(
        "==", Name("Column name"), Literal(1, "long")
    )


def test_hyphenated_operators_only_after_a_pipe() -> None:
    query = only_query("T | project-away A, Init* | project-reorder B desc | mv-expand C")
    assert isinstance(query.ops[0], ProjectAway)
    assert query.ops[0].names == ("A", "Init*")
    assert isinstance(query.ops[1], ProjectReorder)
    assert query.ops[1].keys == (("B", "desc"),)
    assert isinstance(query.ops[2], MvExpand)
    # Outside operator position a hyphen is subtraction.
    assert predicate("project-away > 1") == Binary(
        ">", Binary("-", Name("project"), Name("away")), Literal(1, "long")
    )


@pytest.mark.parametrize(
    "text",
    [
        "T | make-graph a --> b with N on id | graph-match (x)-[e]->(y) project x.id",
        "T | graph-shortest-paths (a)-[e*1..3]->(b) project a",
        "T | scan with (step s1: x == 1 => a = 1; step s2: x == 2;)",
        "T | facet by A | fork (take 1) (count)",
    ],
)
def test_operators_the_engine_does_not_run_still_parse(text: str) -> None:
    assert len(only_query(text).ops) >= 1


def test_let_statements_functions_and_materialize() -> None:
    statements = parse(
        "let n = 5; let f = (x:long, T:(a:string)) { T | where a == 'x' | take x };"
        " let m = materialize(E | take 1); E"
    )
    assert [type(s).__name__ for s in statements] == ["Let", "Let", "Let", "QueryStatement"]
    assert isinstance(statements[1], Let)


def test_summarize_parse_and_tuple_assignment() -> None:
    query = only_query(
        "T | summarize (Timestamp, ReportId) = arg_min(Timestamp, ReportId), count() by bin(t, 1h)"
    )
    op = query.ops[0]
    assert isinstance(op, Summarize)
    assert len(op.aggregates) == 2
    assert len(op.by) == 1
    parse_op = only_query('T | parse x with * "user=" User:string " id=" Id:long *').ops[0]
    assert isinstance(parse_op, Parse)
    assert parse_op.parts == ("*", "\0user=", ("User", "string"), "\0 id=", ("Id", "long"), "*")


def test_union_sources_and_search() -> None:
    query = only_query("union isfuzzy=true (T | take 1), Dev*, U")
    assert not query.ops
    parse('search in (T, U) "needle" and Col:"x"')
    parse('T | render timechart with (title="x")')


def test_adjacent_strings_concatenate() -> None:
    assert predicate('x == "a" "b" @"c"') == Binary("==", Name("x"), Literal("abc", "string"))


def test_table_reference_is_a_source() -> None:
    query = only_query("DeviceProcessEvents | take 1")
    assert query.source == TableRef("DeviceProcessEvents")


# ---------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "line", "column", "found"),
    [
        ("T | where", 1, 10, ""),
        ("T\n| where x ==", 2, 13, ""),
        ("T | wher x", 1, 5, "wher"),
        ("T\n| summarize count() by\n", 3, 1, ""),
        ("T | where x == 'abc", 1, 16, "'abc"),
        ("T\n| where a == 1\nU | take 1", 3, 1, "U"),
        ("T | project a,, b", 1, 15, ","),
    ],
)
def test_syntax_errors_point_at_line_and_column(
    text: str, line: int, column: int, found: str
) -> None:
    with pytest.raises(KqlSyntaxError) as info:
        parse(text)
    error = info.value
    assert (error.line, error.column) == (line, column)
    assert error.found == found
    assert error.expected
    assert f"line [{line},{column}]" in error.message
    assert error.message.startswith("Syntax error:")


def test_error_message_names_what_was_expected() -> None:
    with pytest.raises(KqlSyntaxError) as info:
        parse("T | sort x")
    assert "'by'" in info.value.expected
    with pytest.raises(KqlSyntaxError) as info:
        parse("T | frobnicate")
    assert "query operator" in info.value.expected


def test_deep_nesting_is_refused_not_crashing() -> None:
    with pytest.raises(KqlSyntaxError) as info:
        parse("T | where " + "(" * 500 + "1" + ")" * 500)
    assert "nesting" in info.value.expected
    parse("T | where " + "(" * 20 + "1" + ")" * 20)
