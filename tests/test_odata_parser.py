"""$filter grammar: the docs' examples, literals, precedence, errors, and hostile input."""

from __future__ import annotations

import inspect
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.odata import (
    And,
    Call,
    Compare,
    CompareOp,
    FunctionName,
    In,
    Lambda,
    LambdaKind,
    Literal,
    LiteralKind,
    Not,
    ODataSyntaxError,
    Or,
    Property,
    Timestamp,
    Variable,
    parse_filter,
    parse_name_list,
    parse_orderby,
    to_odata,
)
from mdekit.odata.parser import MAX_DEPTH, MAX_EXPRESSION_LENGTH


def lit(value: object, kind: LiteralKind) -> Literal:
    return Literal(value, kind)  # type: ignore[arg-type]


def instant(year: int, month: int, day: int, ticks: int = 0) -> Timestamp:
    midnight = datetime(year, month, day, tzinfo=UTC)
    return Timestamp(Timestamp.from_datetime(midnight).ticks + ticks)


# The $filter values of the OData samples page (exposed-apis-odata-samples.md), decoded.
DOC_EXAMPLES = {
    "lastUpdateTime ge 2019-11-22T00:00:00Z": Compare(
        CompareOp.GE, Property("lastUpdateTime"), lit(instant(2019, 11, 22), LiteralKind.DATETIME)
    ),
    "riskScore eq 'High'": Compare(
        CompareOp.EQ, Property("riskScore"), lit("High", LiteralKind.STRING)
    ),
    "healthStatus ne 'Active'": Compare(
        CompareOp.NE, Property("healthStatus"), lit("Active", LiteralKind.STRING)
    ),
    "lastSeen gt 2018-08-01Z": Compare(
        CompareOp.GT, Property("lastSeen"), lit(date(2018, 8, 1), LiteralKind.DATE)
    ),
    "requestor eq 'Analyst@contoso.com' and type eq 'RunAntiVirusScan'": And(
        (
            Compare(
                CompareOp.EQ, Property("requestor"), lit("Analyst@contoso.com", LiteralKind.STRING)
            ),
            Compare(CompareOp.EQ, Property("type"), lit("RunAntiVirusScan", LiteralKind.STRING)),
        )
    ),
    "startswith(computerDnsName,'mymachine')": Call(
        FunctionName.STARTSWITH,
        (Property("computerDnsName"), lit("mymachine", LiteralKind.STRING)),
    ),
    "machineTags/any(tag: tag eq 'test')": Lambda(
        Property("machineTags"),
        LambdaKind.ANY,
        "tag",
        Compare(CompareOp.EQ, Variable("tag"), lit("test", LiteralKind.STRING)),
    ),
}


@pytest.mark.parametrize(("text", "expected"), DOC_EXAMPLES.items())
def test_documented_examples_parse(text: str, expected: object) -> None:
    assert parse_filter(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("'it''s'", "it's", LiteralKind.STRING),
        ("''", "", LiteralKind.STRING),
        ("42", 42, LiteralKind.INT),
        ("-7", -7, LiteralKind.INT),
        ("2.50", Decimal("2.50"), LiteralKind.DECIMAL),
        ("1e3", Decimal("1e3"), LiteralKind.DECIMAL),
        ("TRUE", True, LiteralKind.BOOL),
        ("false", False, LiteralKind.BOOL),
        ("Null", None, LiteralKind.NULL),
        ("2018-08-01", date(2018, 8, 1), LiteralKind.DATE),
        (
            "2019-11-22T00:00:00.1234567Z",
            instant(2019, 11, 22, ticks=1_234_567),
            LiteralKind.DATETIME,
        ),
        ("2019-11-22T02:00:00+02:00", instant(2019, 11, 22), LiteralKind.DATETIME),
        ("2019-11-21T19:30:00-04:30", instant(2019, 11, 22), LiteralKind.DATETIME),
        ("2019-11-22T00:00Z", instant(2019, 11, 22), LiteralKind.DATETIME),
        ("2019-11-22T00:00:00", instant(2019, 11, 22), LiteralKind.DATETIME),
        ("datetime'2019-11-22T00:00:00Z'", instant(2019, 11, 22), LiteralKind.DATETIME),
        ("DateTimeOffset'2019-11-22T00:00:00Z'", instant(2019, 11, 22), LiteralKind.DATETIME),
        (
            "2E9DA30D-27F6-4208-81F2-9CD3D67893BA",
            UUID("2e9da30d-27f6-4208-81f2-9cd3d67893ba"),
            LiteralKind.GUID,
        ),
        (
            "guid'2e9da30d-27f6-4208-81f2-9cd3d67893ba'",
            UUID("2e9da30d-27f6-4208-81f2-9cd3d67893ba"),
            LiteralKind.GUID,
        ),
    ],
)
def test_literals(text: str, value: object, kind: LiteralKind) -> None:
    parsed = parse_filter(f"p eq {text}")
    assert isinstance(parsed, Compare)
    assert parsed.right == lit(value, kind)


def test_seven_fraction_digits_are_kept_beyond_microseconds() -> None:
    parsed = parse_filter("t eq 2021-01-26T20:33:57.7220239Z")
    assert isinstance(parsed, Compare)
    stamp = parsed.right.value  # type: ignore[union-attr]
    assert isinstance(stamp, Timestamp)
    assert stamp.iso7() == "2021-01-26T20:33:57.7220239Z"
    assert stamp.sub_microsecond == 9


def test_operators_and_functions_are_case_insensitive() -> None:
    assert parse_filter("A EQ 1 AND NOT StartsWith(b,'x')") == parse_filter(
        "A eq 1 and not startswith(b,'x')"
    )


def test_precedence_or_and_not_comparison() -> None:
    a, b, c = (Compare(CompareOp.EQ, Property(n), lit(1, LiteralKind.INT)) for n in "abc")
    assert parse_filter("a eq 1 or b eq 1 and c eq 1") == Or((a, And((b, c))))
    assert parse_filter("(a eq 1 or b eq 1) and c eq 1") == And((Or((a, b)), c))
    # `not` binds tighter than `eq`, as in OData and .NET; the binder rejects the result.
    assert parse_filter("not a eq 1") == Compare(
        CompareOp.EQ, Not(Property("a")), lit(1, LiteralKind.INT)
    )
    assert parse_filter("not (a eq 1)") == Not(a)


def test_and_chains_are_flat() -> None:
    parsed = parse_filter(" and ".join(f"p{i} eq {i}" for i in range(50)))
    assert isinstance(parsed, And)
    assert len(parsed.operands) == 50


def test_in_list_and_lambda_forms() -> None:
    assert parse_filter("status in ('New','InProgress')") == In(
        Property("status"), (lit("New", LiteralKind.STRING), lit("InProgress", LiteralKind.STRING))
    )
    assert parse_filter("machineTags/any()") == Lambda(
        Property("machineTags"), LambdaKind.ANY, None, None
    )
    assert parse_filter("tags/ALL(t: startswith(t,'x'))") == Lambda(
        Property("tags"),
        LambdaKind.ALL,
        "t",
        Call(FunctionName.STARTSWITH, (Variable("t"), lit("x", LiteralKind.STRING))),
    )


def test_positions_point_into_the_source() -> None:
    parsed = parse_filter("a eq 1 and  startswith(name, 'x')")
    assert isinstance(parsed, And)
    call = parsed.operands[1]
    assert isinstance(call, Call)
    assert call.position == 12
    assert call.args[1].position == 29


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("status eqq 'New'", "Syntax error at position 7 in 'status eqq 'New''.", 7),
        ("name eq 'abc", "There is an unterminated literal at position 8 in 'name eq 'abc'.", 8),
        ("", "Expression expected at position 0 in ''.", 0),
        ("a eq", "Expression expected at position 4 in 'a eq'.", 4),
        ("(a eq 1", "')' or operator expected at position 7 in '(a eq 1'.", 7),
        ("a in ('x' 'y')", "')' or ',' expected at position 10 in 'a in ('x' 'y')'.", 10),
        ("a eq #", "Syntax error: character '#' is not valid at position 5 in 'a eq #'.", 5),
        (
            "lastSeen gt 2019-13-01T00:00:00Z",
            "Unrecognized 'Edm.DateTimeOffset' literal '2019-13-01T00:00:00Z' at '12' in "
            "'lastSeen gt 2019-13-01T00:00:00Z'.",
            12,
        ),
        ("length(name) eq 3", "An unknown function with name 'length' was found.", 0),
        ("startswith(name) eq true", "No function signature for the function", 0),
        ("t/any(x: t/any(x: x eq 1))", "The range variable 'x' has already been declared.", 15),
    ],
)
def test_syntax_errors_name_the_position(text: str, message: str, position: int) -> None:
    with pytest.raises(ODataSyntaxError) as caught:
        parse_filter(text)
    assert caught.value.message.startswith(message)
    assert caught.value.position == position


def test_a_plus_is_not_a_space() -> None:
    # A form decoder turns '+' into ' ' before we see it; a '+' that reaches the parser
    # was sent as %2B and is only valid as a date-time offset sign.
    assert parse_filter("riskScore eq 'High'") == DOC_EXAMPLES["riskScore eq 'High'"]
    with pytest.raises(ODataSyntaxError, match="character '\\+' is not valid at position 9"):
        parse_filter("riskScore+eq+'High'")


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    for text in ("(" * 10_000 + "a eq 1" + ")" * 10_000, "not " * 8000 + "a", "a eq " * 6000 + "1"):
        with pytest.raises(ODataSyntaxError, match="recursion limit"):
            parse_filter(text)
    nested = "(" * (MAX_DEPTH - 2) + "a eq 1" + ")" * (MAX_DEPTH - 2)
    assert parse_filter(nested) == parse_filter("a eq 1")


def test_overlong_input_and_node_count_are_refused() -> None:
    with pytest.raises(ODataSyntaxError, match="longer than the limit"):
        parse_filter("a eq '" + "x" * MAX_EXPRESSION_LENGTH + "'")
    with pytest.raises(ODataSyntaxError, match="node count limit of '500'"):
        parse_filter(" or ".join(f"a eq {i}" for i in range(200)))
    # The items of an `in` list do not count as nodes.
    parsed = parse_filter("a in (" + ",".join(str(i) for i in range(2000)) + ")")
    assert isinstance(parsed, In)
    assert len(parsed.items) == 2000


def test_orderby_and_name_lists() -> None:
    items = parse_orderby("alertCreationTime DESC, severity,id asc")
    assert [(i.property, i.descending) for i in items] == [
        ("alertCreationTime", True),
        ("severity", False),
        ("id", False),
    ]
    assert parse_name_list("id, computerDnsName,*") == ("id", "computerDnsName", "*")
    for bad_orderby in ("a desc desc", "", "a,", "a desc b"):
        with pytest.raises(ODataSyntaxError):
            parse_orderby(bad_orderby)
    for bad_names in ("", "a,", "evidence($top=1)", "a b"):
        with pytest.raises(ODataSyntaxError):
            parse_name_list(bad_names)


_FILTER_ALPHABET = st.sampled_from(
    [*"()',/:*+-.0123456789 aeioqnrstdlgTZ", "eq", " and ", " or ", "not ", "any(", "null"]
)


@settings(max_examples=500, deadline=None)
@given(st.text() | st.lists(_FILTER_ALPHABET, max_size=60).map("".join))
def test_any_input_either_parses_or_raises_syntax_error(text: str) -> None:
    error: ODataSyntaxError | None = None
    try:
        parse_filter(text)
    except ODataSyntaxError as caught:
        error = caught
    if error is not None:
        assert 0 <= error.position <= max(len(text), MAX_EXPRESSION_LENGTH)
        assert error.message


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 20_000), st.sampled_from(["(", "not ", "a eq ", "x/any(v:"]))
def test_any_depth_fails_fast_with_syntax_error(depth: int, opener: str) -> None:
    text = opener * depth + "true"
    try:
        parse_filter(text)
    except ODataSyntaxError:
        pass
    else:
        assert depth <= MAX_DEPTH


def test_the_deepest_accepted_filter_needs_a_modest_stack() -> None:
    """parse + unparse at MAX_DEPTH stay far below Python's default recursion limit."""
    depth = MAX_DEPTH - 2  # the top level and the comparison count too
    text = "(a eq 1 or " * depth + "a eq 2" + ")" * depth
    limit = sys.getrecursionlimit()
    frames_in_use = len(inspect.stack(0))
    sys.setrecursionlimit(frames_in_use + 400)
    try:
        assert parse_filter(to_odata(parse_filter(text))) == parse_filter(text)
    finally:
        sys.setrecursionlimit(limit)
