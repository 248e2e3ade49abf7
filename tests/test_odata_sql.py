"""to_sql and apply_orderby on SQLite and PostgreSQL: the docs' examples and more, ordering,
and a fuzz that runs every filter the binder accepts."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from mdekit.odata import (
    DateTimeStorage,
    FieldSpec,
    FieldType,
    ODataError,
    apply_orderby,
    parse_filter,
    parse_orderby,
    to_sql,
)

MACHINE = "microsoft.windowsDefenderATP.api.PublicMachine"
SQLITE = sqlite.dialect()
POSTGRESQL = postgresql.dialect()  # type: ignore[no-untyped-call]
HEALTH = ("Active", "Inactive", "ImpairedCommunication", "NoSensorData", "Unknown")
RISK = ("None", "Informational", "Low", "Medium", "High")
ACTION_TYPES = ("RunAntiVirusScan", "Offboard", "CollectInvestigationPackage", "Isolate")

metadata = sa.MetaData()
machines = sa.Table(
    "odata_machines",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("computer_dns_name", sa.String),
    sa.Column("last_seen", sa.String),
    sa.Column("health_status", sa.String),
    sa.Column("risk_score", sa.String),
    sa.Column("machine_tags", sa.Text),
    sa.Column("rbac_group_id", sa.Integer),
    sa.Column("aad_device_id", sa.String),
    prefixes=["TEMPORARY"],
)
alerts = sa.Table(
    "odata_alerts",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("last_update_time", sa.DateTime(timezone=True)),
    sa.Column("status", sa.Integer),  # an enum stored as its ordinal, via to_storage
    prefixes=["TEMPORARY"],
)
actions = sa.Table(
    "odata_actions",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("requestor", sa.String),
    sa.Column("type", sa.String),
    prefixes=["TEMPORARY"],
)

MACHINE_FIELDS = {
    "id": FieldSpec(machines.c.id, FieldType.STRING),
    "computerDnsName": FieldSpec(machines.c.computer_dns_name, FieldType.STRING),
    "lastSeen": FieldSpec(machines.c.last_seen, FieldType.DATETIME),
    "healthStatus": FieldSpec(machines.c.health_status, FieldType.ENUM, enum_values=HEALTH),
    "riskScore": FieldSpec(machines.c.risk_score, FieldType.ENUM, enum_values=RISK),
    "machineTags": FieldSpec(machines.c.machine_tags, FieldType.STRING_COLLECTION),
    "rbacGroupId": FieldSpec(machines.c.rbac_group_id, FieldType.INT),
    "aadDeviceId": FieldSpec(machines.c.aad_device_id, FieldType.GUID, sortable=False),
}
STATUS = ("Unknown", "New", "InProgress", "Resolved")
ALERT_FIELDS = {
    "id": FieldSpec(alerts.c.id, FieldType.STRING),
    "lastUpdateTime": FieldSpec(
        alerts.c.last_update_time, FieldType.DATETIME, datetime_storage=DateTimeStorage.NATIVE
    ),
    "status": FieldSpec(
        alerts.c.status, FieldType.ENUM, enum_values=STATUS, to_storage=STATUS.index
    ),
}
ACTION_FIELDS = {
    "requestor": FieldSpec(actions.c.requestor, FieldType.STRING),
    "type": FieldSpec(actions.c.type, FieldType.ENUM, enum_values=ACTION_TYPES),
}


def machine(
    mid: str,
    name: str | None,
    seen: str | None,
    health: str,
    risk: str,
    tags: list[str] | None,
    group: int | None = None,
    aad: str | None = None,
) -> dict[str, Any]:
    return {
        "id": mid,
        "computer_dns_name": name,
        "last_seen": seen,
        "health_status": health,
        "risk_score": risk,
        "machine_tags": None if tags is None else json.dumps(tags),
        "rbac_group_id": group,
        "aad_device_id": aad,
    }


MACHINES = [
    machine(
        "m1",
        "mymachine1.contoso.com",
        "2018-08-01T00:00:00.0000000Z",
        "Active",
        "High",
        ["test", "prod"],
        7,
        "2e9da30d-27f6-4208-81f2-9cd3d67893ba",
    ),
    machine(
        "m2",
        "MyMachine2.contoso.com",
        "2018-08-01T00:00:00.0000001Z",
        "Inactive",
        "High",
        ["TEST"],
        7,
    ),
    machine("m3", "desktop-1", "2021-01-26T20:33:57.7220239Z", "NoSensorData", "Low", [], 3),
    machine("m4", None, None, "Active", "None", None, None),
    machine("m5", "my_machine", "2017-12-31T23:59:59.9999999Z", "Unknown", "Medium", ["test2"], 3),
]
ALERTS: list[dict[str, Any]] = [
    {"id": "a1", "last_update_time": datetime(2019, 11, 22, tzinfo=UTC), "status": 1},
    {
        "id": "a2",
        "last_update_time": datetime(2019, 11, 21, 23, 59, 59, 999999, tzinfo=UTC),
        "status": 2,
    },
    {"id": "a3", "last_update_time": datetime(2020, 1, 1, tzinfo=UTC), "status": 3},
    {"id": "a4", "last_update_time": None, "status": None},
]
ACTIONS = [
    {"id": "x1", "requestor": "Analyst@contoso.com", "type": "RunAntiVirusScan"},
    {"id": "x2", "requestor": "analyst@CONTOSO.com", "type": "Isolate"},
    {"id": "x3", "requestor": "someone@contoso.com", "type": "RunAntiVirusScan"},
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[sa.Connection]:
    if request.param == "sqlite":
        engine = sa.create_engine("sqlite://")
    else:
        url = os.environ.get("MDE_TEST_POSTGRES_URL")
        if not url:
            pytest.skip("MDE_TEST_POSTGRES_URL is not set: PostgreSQL examples skipped")
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        metadata.create_all(connection)
        connection.execute(machines.insert(), MACHINES)
        connection.execute(alerts.insert(), ALERTS)
        connection.execute(actions.insert(), ACTIONS)
        connection.commit()
        yield connection
    engine.dispose()


def ids(
    connection: sa.Connection, table: sa.Table, fields: dict[str, FieldSpec], text: str
) -> set[str]:
    where = to_sql(parse_filter(text), fields, entity_type=MACHINE)
    return set(connection.execute(sa.select(table.c.id).where(where)).scalars())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The OData samples page, one by one.
        ("riskScore eq 'High'", {"m1", "m2"}),
        ("healthStatus ne 'Active'", {"m2", "m3", "m5"}),
        ("lastSeen gt 2018-08-01Z", {"m2", "m3"}),
        ("startswith(computerDnsName,'mymachine')", {"m1", "m2"}),
        ("machineTags/any(tag: tag eq 'test')", {"m1", "m2"}),
        # Beyond the samples.
        ("lastSeen ge 2018-08-01T00:00:00.0000001Z", {"m2", "m3"}),
        ("lastSeen lt 2018-08-01T02:00:00+02:00", {"m5"}),
        ("lastSeen eq null", {"m4"}),
        ("riskScore ge 'medium'", {"m1", "m2", "m5"}),
        ("riskScore in ('Low', 'MEDIUM')", {"m3", "m5"}),
        ("startswith(computerDnsName,'my_')", {"m5"}),
        ("contains(ComputerDnsName,'CONTOSO')", {"m1", "m2"}),
        ("not startswith(computerDnsName,'my')", {"m3", "m4"}),
        ("endswith(tolower(computerDnsName), '.com') eq false", {"m3", "m4", "m5"}),
        ("machineTags/all(t: startswith(t, 'test'))", {"m2", "m3", "m4", "m5"}),
        ("machineTags/any()", {"m1", "m2", "m5"}),
        ("not machineTags/any(t: t eq 'prod') and rbacGroupId eq 7", {"m2"}),
        ("rbacGroupId gt 3.5 or rbacGroupId eq null", {"m1", "m2", "m4"}),
        ("aadDeviceId eq 2E9DA30D-27F6-4208-81F2-9CD3D67893BA", {"m1"}),
        ("aadDeviceId eq '2e9da30d-27f6-4208-81f2-9cd3d67893ba'", {"m1"}),
        ("aadDeviceId ne null", {"m1"}),
        ("computerDnsName eq id", set()),
        ("rbacGroupId eq rbacGroupId", {"m1", "m2", "m3", "m4", "m5"}),  # null eq null
    ],
)
def test_machine_filters(db: sa.Connection, text: str, expected: set[str]) -> None:
    assert ids(db, machines, MACHINE_FIELDS, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lastUpdateTime ge 2019-11-22T00:00:00Z", {"a1", "a3"}),
        # A 100 ns literal against a microsecond column: exact, not rounded.
        ("lastUpdateTime ge 2019-11-21T23:59:59.9999991Z", {"a1", "a3"}),
        ("lastUpdateTime lt 2019-11-21T23:59:59.9999991Z", {"a2"}),
        ("lastUpdateTime le 2019-11-21T23:59:59.999999Z", {"a2"}),
        ("lastUpdateTime eq 2019-11-21T23:59:59.9999991Z", set()),
        ("lastUpdateTime ne 2019-11-21T23:59:59.9999991Z", {"a1", "a2", "a3", "a4"}),
        ("status eq 'new'", {"a1"}),
        ("status gt 'New'", {"a2", "a3"}),
        ("status in ('Resolved', null)", {"a3", "a4"}),
    ],
)
def test_alert_filters(db: sa.Connection, text: str, expected: set[str]) -> None:
    assert ids(db, alerts, ALERT_FIELDS, text) == expected


def test_machine_action_sample(db: sa.Connection) -> None:
    text = "requestor eq 'Analyst@contoso.com' and type eq 'RunAntiVirusScan'"
    assert ids(db, actions, ACTION_FIELDS, text) == {"x1"}


def test_orderby_sorts_like_the_filter_compares(db: sa.Connection) -> None:
    def order(text: str) -> list[str]:
        statement = apply_orderby(sa.select(machines.c.id), parse_orderby(text), MACHINE_FIELDS)
        return list(db.execute(statement).scalars())

    assert order("computerDnsName, id") == ["m4", "m3", "m5", "m1", "m2"]
    assert order("riskScore desc, id desc") == ["m2", "m1", "m5", "m3", "m4"]
    assert order("lastSeen asc") == ["m4", "m5", "m1", "m2", "m3"]
    assert order("RbacGroupId desc,ID") == ["m1", "m2", "m3", "m5", "m4"]


_LITERALS = st.sampled_from(
    [
        *("'x'", "'A_%'", "'High'", "'test'", "1", "2.5", "-3", "null", "true"),
        *("2018-08-01Z", "2019-11-22T00:00:00.1234567Z", "2e9da30d-27f6-4208-81f2-9cd3d67893ba"),
    ]
)
_PROPERTIES = st.sampled_from([*MACHINE_FIELDS, "t", "nope"])
_OPERATORS = st.sampled_from([" eq ", " ne ", " gt ", " ge ", " lt ", " le "])


def _operands(variable: bool) -> st.SearchStrategy[str]:
    names = _PROPERTIES if variable else _PROPERTIES.filter(lambda n: n != "t")
    plain = names | _LITERALS
    return plain | st.tuples(st.sampled_from(["tolower(", "toupper("]), plain).map(
        lambda pair: f"{pair[0]}{pair[1]})"
    )


@st.composite
def _comparisons(draw: st.DrawFn, variable: bool = False) -> str:
    operand = _operands(variable)
    form = draw(st.integers(0, 4))
    if form == 0:
        return f"{draw(operand)}{draw(_OPERATORS)}{draw(operand)}"
    if form == 1:
        items = ",".join(draw(st.lists(_LITERALS, min_size=1, max_size=3)))
        return f"{draw(operand)} in ({items})"
    if form == 2:
        function = draw(st.sampled_from(["startswith", "endswith", "contains"]))
        return f"{function}({draw(operand)},{draw(operand)})"
    if form == 3 and not variable:
        quantifier = draw(st.sampled_from(["any", "all"]))
        return f"{draw(_PROPERTIES)}/{quantifier}(t: {draw(_filters(variable=True))})"
    return draw(operand)


def _filters(variable: bool = False) -> st.SearchStrategy[str]:
    return st.recursive(
        _comparisons(variable),
        lambda inner: (
            st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map("".join)
            | inner.map(lambda text: f"not ({text})")
            | inner.map(lambda text: f"({text})")
        ),
        max_leaves=4,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_filters())
def test_any_parsed_filter_binds_or_fails_cleanly_and_runs(db: sa.Connection, text: str) -> None:
    """Whatever parses either binds (and then runs on the database) or is an ODataError."""
    try:
        where = to_sql(parse_filter(text), MACHINE_FIELDS)
    except ODataError:
        return
    db.execute(sa.select(machines.c.id).where(where)).all()
