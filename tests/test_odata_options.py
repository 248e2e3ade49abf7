"""System query options of a collection request."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from mdekit.odata import (
    Compare,
    ODataError,
    ODataQueryOptionError,
    ODataSyntaxError,
    OrderByItem,
    QueryOptions,
    parse_filter,
    parse_query_options,
)


def options_of(query: str, *, page_cap: int = 10_000, default_top: int = 10_000) -> QueryOptions:
    """Decode a raw query string the way a web framework does (``+`` is a space)."""
    return parse_query_options(
        parse_qsl(query, keep_blank_values=True), page_cap=page_cap, default_top=default_top
    )


def test_documented_requests() -> None:
    first = options_of("$top=10&$expand=evidence")
    assert (first.top, first.expand, first.filter, first.limit) == (10, ("evidence",), None, 10)
    second = options_of("$filter=riskScore+eq+'High'")
    assert second.filter == parse_filter("riskScore eq 'High'")
    assert second.filter_text == "riskScore eq 'High'"
    third = options_of("$filter=healthStatus+ne+'Active'&$top=100")
    assert isinstance(third.filter, Compare)
    assert third.top == 100
    # %2B is a literal '+': fine as a date-time offset sign.
    fourth = options_of("$filter=lastSeen%20gt%202018-08-01T00:00:00%2B02:00")
    assert fourth.filter == parse_filter("lastSeen gt 2018-07-31T22:00:00Z")


def test_defaults_and_all_options() -> None:
    empty = parse_query_options({}, page_cap=10_000, default_top=50)
    assert (empty.top, empty.skip, empty.limit, empty.count, empty.orderby) == (
        None,
        0,
        50,
        False,
        (),
    )
    full = parse_query_options(
        [
            ("$Filter", "status eq 'New'"),
            ("$TOP", "5"),
            ("$skip", "20"),
            ("$select", "id,title"),
            ("$orderby", "alertCreationTime desc"),
            ("$count", "TRUE"),
            ("$skiptoken", "eyJhIjoxfQ=="),
            ("pageSize", "3"),
            ("sinceTime", "2021-05-19"),
        ],
        page_cap=10_000,
        default_top=10_000,
    )
    assert full.filter == parse_filter("status eq 'New'")
    assert (full.top, full.skip, full.limit) == (5, 20, 5)
    assert full.select == ("id", "title")
    assert full.orderby == (OrderByItem("alertCreationTime", descending=True),)
    assert full.count is True
    assert full.skiptoken == "eyJhIjoxfQ=="
    assert full.parameters == (("pageSize", "3"), ("sinceTime", "2021-05-19"))
    assert full.parameter("PAGESIZE") == "3"
    assert full.parameter("missing") is None


def test_options_without_dollar_are_plain_parameters() -> None:
    parsed = options_of("filter=status+eq+'New'&top=5")
    assert parsed.filter is None
    assert parsed.top is None
    assert parsed.parameter("filter") == "status eq 'New'"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "$top=10001",
            "The limit of '10000' for Top query has been exceeded. "
            "The value from the incoming request is '10001'.",
        ),
        (
            "$top=-1",
            "Invalid value '-1' for $top query option found. "
            "The $top query value must be a non-negative integer.",
        ),
        ("$top=ten", "Invalid value 'ten' for $top query option found."),
        ("$top=", "Invalid value '' for $top query option found."),
        ("$top=99999999999999999999", "Invalid value '99999999999999999999' for $top"),
        ("$skip=-5", "Invalid value '-5' for $skip query option found."),
        ("$skip=1.5", "Invalid value '1.5' for $skip query option found."),
        (
            "$top=1&$TOP=2",
            "The query parameter '$TOP' is specified more than once but it must be specified "
            "at most once.",
        ),
        ("$filter=a+eq+1&$filter=b+eq+2", "The query parameter '$filter' is specified more"),
        ("$search=foo", "The query parameter '$search' is not supported."),
        ("$format=json", "The query parameter '$format' is not supported."),
        ("$count=yes", "'yes' is not a valid count option."),
    ],
)
def test_option_errors(query: str, message: str) -> None:
    with pytest.raises(ODataQueryOptionError) as caught:
        options_of(query)
    assert caught.value.message.startswith(message)
    assert caught.value.status == 400
    assert caught.value.code == "ODataError"


def test_page_cap_is_per_endpoint() -> None:
    assert options_of("$top=8000", page_cap=8000).top == 8000
    with pytest.raises(ODataQueryOptionError, match="The limit of '8000'"):
        options_of("$top=8001", page_cap=8000)


@pytest.mark.parametrize(
    "query", ["$filter=status+eqq+'New'", "$filter=", "$orderby=a+b", "$select=a,"]
)
def test_malformed_expressions_are_syntax_errors(query: str) -> None:
    with pytest.raises(ODataSyntaxError):
        options_of(query)


def test_every_failure_is_an_odata_error() -> None:
    for query in ("$top=x", "$filter=(", "$orderby=,", "$nope=1"):
        with pytest.raises(ODataError):
            options_of(query)
