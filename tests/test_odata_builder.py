"""The client-side filter builder: exact text, safe quoting, and parse-back equivalence."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.odata import F, Filter, parse_filter, prop
from mdekit.odata.builder import PythonValue, Value


class Severity(enum.StrEnum):
    HIGH = "High"


@pytest.mark.parametrize(
    ("built", "text"),
    [
        (F.status == "New", "status eq 'New'"),
        (F.riskScore != "High", "riskScore ne 'High'"),
        (
            (F.severity == Severity.HIGH)
            & (F.alertCreationTime >= datetime(2019, 11, 22, tzinfo=UTC)),
            "severity eq 'High' and alertCreationTime ge 2019-11-22T00:00:00Z",
        ),
        (
            F.lastSeen
            > datetime(2021, 1, 26, 22, 33, 57, 722023, tzinfo=timezone(timedelta(hours=2))),
            "lastSeen gt 2021-01-26T20:33:57.722023Z",
        ),
        (F.lastSeen > date(2018, 8, 1), "lastSeen gt 2018-08-01"),
        (F.computerDnsName.startswith("desk"), "startswith(computerDnsName,'desk')"),
        (F.title.contains("it's"), "contains(title,'it''s')"),
        (F.name.tolower().endswith(".com"), "endswith(tolower(name),'.com')"),
        (F.status.in_(["New", "InProgress"]), "status in ('New','InProgress')"),
        (F.machineTags.any(lambda tag: tag == "prod"), "machineTags/any(tag: tag eq 'prod')"),
        (F.machineTags.all(lambda t: t.startswith("x")), "machineTags/all(t: startswith(t,'x'))"),
        (F.machineTags.any(), "machineTags/any()"),
        (F.machineTags.any(lambda eq: eq == "a"), "machineTags/any(x: x eq 'a')"),
        (F.assignedTo == None, "assignedTo eq null"),  # noqa: E711
        (F.assignedTo.is_null(), "assignedTo eq null"),
        (F.rbacGroupId >= 7, "rbacGroupId ge 7"),
        (F.cvssV3 < 7.5, "cvssV3 lt 7.5"),
        (F.score <= Decimal("10"), "score le 10.0"),
        (F.isIsolated == True, "isIsolated eq true"),  # noqa: E712
        (
            F.id == UUID("2e9da30d-27f6-4208-81f2-9cd3d67893ba"),
            "id eq 2e9da30d-27f6-4208-81f2-9cd3d67893ba",
        ),
        (~(F.a == 1) | (F.b == 2) & (F.c == 3), "not (a eq 1) or b eq 2 and c eq 3"),
        (((F.a == 1) | (F.b == 2)) & (F.c == 3), "(a eq 1 or b eq 2) and c eq 3"),
        ((F.a == 1) & (F.b == 2) & (F.c == 3), "a eq 1 and b eq 2 and c eq 3"),
        (F["class"] == F.other, "class eq other"),
        (prop("odd name") == 1, "odd name eq 1"),
        (F.n > 5, "n gt 5"),
    ],
)
def test_builder_text(built: Filter, text: str) -> None:
    assert str(built) == text


def test_python_boolean_operators_are_refused() -> None:
    with pytest.raises(TypeError, match="combine filters with &"):
        _ = (F.a == 1) and (F.b == 2)
    with pytest.raises(TypeError):
        bool(F.a)
    with pytest.raises(TypeError, match="expected a Filter"):
        F.tags.any(lambda t: t)  # type: ignore[arg-type, return-value]


@pytest.mark.parametrize(
    "bad",
    [float("nan"), float("inf"), Decimal("Infinity"), datetime(2020, 1, 1), object()],
)
def test_unrepresentable_values_are_refused(bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        _ = F.x == bad


def test_empty_in_list_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        F.status.in_([])


# ------------------------------------------------------- parse-back equivalence (property)

_names = st.sampled_from(["status", "severity", "computerDnsName", "lastSeen", "n", "Id"])
_values: st.SearchStrategy[PythonValue] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.datetimes(
        timezones=st.timezones(), min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)
    ),
    st.dates(),
    st.uuids(),
)
_strings = st.text(max_size=8)


@st.composite
def conditions(draw: st.DrawFn) -> Filter:
    target: Value = F[draw(_names)]
    if draw(st.booleans()):
        target = target.tolower() if draw(st.booleans()) else target.toupper()
    kind = draw(st.integers(0, 8))
    if kind == 0:
        return target == draw(_values)
    if kind == 1:
        return target != draw(_values)
    if kind == 2:
        return target > draw(_values)
    if kind == 3:
        return target <= draw(_values)
    if kind == 4:
        return target.in_(draw(st.lists(_values, min_size=1, max_size=4)))
    if kind == 5:
        return target.startswith(draw(_strings))
    if kind == 6:
        return target.contains(F[draw(_names)])
    if kind == 7:
        needle = draw(_strings)
        return F.machineTags.any(lambda tag: tag.endswith(needle) | (tag == needle))
    return F.machineTags.all(lambda t: ~(t == draw(_strings)))


filters = st.recursive(
    conditions(),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda pair: pair[0] & pair[1]),
        st.tuples(inner, inner).map(lambda pair: pair[0] | pair[1]),
        inner.map(lambda f: ~f),
    ),
    max_leaves=8,
)


@settings(max_examples=500, deadline=None)
@given(filters)
def test_builder_output_parses_back_to_the_same_tree(built: Filter) -> None:
    assert parse_filter(str(built)) == built.expr
