"""to_sql and apply_orderby without a database: the errors a bad filter earns and the SQL
each dialect gets (folded, byte-wise comparisons; json_each vs json_array_elements_text)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mdekit.odata import (
    FieldSpec,
    FieldType,
    ODataSemanticError,
    apply_orderby,
    parse_filter,
    parse_orderby,
    to_sql,
)
from tests.test_odata_sql import MACHINE, MACHINE_FIELDS, POSTGRESQL, SQLITE, machines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo eq 1", f"Could not find a property named 'foo' on type '{MACHINE}'."),
        (
            "riskScore eq 'Extreme'",
            "The string 'Extreme' is not a valid enumeration type constant. "
            "The allowed values are: None, Informational, Low, Medium, High.",
        ),
        (
            "rbacGroupId eq '7'",
            "A binary operator with incompatible types was detected. Found operand types "
            "'Edm.Int64' and 'Edm.String' for operator kind 'Equal'.",
        ),
        (
            "lastSeen gt '2018-08-01'",
            "A binary operator with incompatible types was detected. Found operand types "
            "'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThan'.",
        ),
        (
            "computerDnsName eq 5",
            "A binary operator with incompatible types was detected. Found operand types "
            "'Edm.String' and 'Edm.Int32' for operator kind 'Equal'.",
        ),
        ("computerDnsName", "The $filter expression must evaluate to a single boolean value."),
        ("not riskScore eq 'High'", "A unary operator with an incompatible type was detected."),
        ("rbacGroupId/any(x: x eq 1)", "Any/All may only be used following a collection."),
        ("machineTags eq 'test'", "Found operand types 'Collection(Edm.String)' and 'Edm.String'"),
        ("startswith(rbacGroupId, '7')", "No function signature for the function with name"),
        ("aadDeviceId gt 2e9da30d-27f6-4208-81f2-9cd3d67893ba", "for operator kind 'GreaterThan'"),
        ("aadDeviceId eq 'not-a-guid'", "'Edm.Guid' and 'Edm.String'"),
        ("rbacGroupId eq 99999999999999999999", "out of range for 'Edm.Int64'"),
    ],
)
def test_semantic_errors(text: str, message: str) -> None:
    with pytest.raises(ODataSemanticError) as caught:
        to_sql(parse_filter(text), MACHINE_FIELDS, entity_type=MACHINE)
    assert message in caught.value.message
    assert caught.value.service_message == "Invalid ODataQuery: " + caught.value.message
    body = caught.value.error_body("corr-1")
    assert body == {
        "error": {"code": "ODataError", "message": caught.value.service_message, "target": "corr-1"}
    }


def test_orderby_errors() -> None:
    for text, message in [
        ("nope", "Could not find a property named 'nope'"),
        ("machineTags", "must evaluate to a single value of primitive type"),
        ("aadDeviceId", "The property 'aadDeviceId' cannot be used in the $orderby query option."),
        ("id, ID desc", "Duplicate property named 'ID' is not supported in '$orderby'."),
    ]:
        with pytest.raises(ODataSemanticError, match=message.replace("$", r"\$")):
            apply_orderby(sa.select(machines.c.id), parse_orderby(text), MACHINE_FIELDS)


def test_unfilterable_property_is_refused() -> None:
    fields = {
        **MACHINE_FIELDS,
        "vmMetadata": FieldSpec(machines.c.id, FieldType.STRING, filterable=False),
    }
    with pytest.raises(ODataSemanticError, match="cannot be used in the \\$filter query option"):
        to_sql(parse_filter("vmMetadata eq 'x'"), fields)


def compiled(text: str, dialect: sa.engine.Dialect) -> str:
    where = to_sql(parse_filter(text), MACHINE_FIELDS)
    return str(sa.select(machines.c.id).where(where).compile(dialect=dialect))


def test_any_compiles_to_each_dialects_json_function() -> None:
    text = "machineTags/any(tag: tag eq 'test')"
    lite, pg = compiled(text, SQLITE), compiled(text, POSTGRESQL)
    assert (
        "EXISTS (SELECT 1 \nFROM json_each(odata_machines.machine_tags) AS odata_elements_1" in lite
    )
    assert "lower(odata_elements_1.value) = ?" in lite
    assert (
        "json_array_elements_text(CAST(odata_machines.machine_tags AS JSON)) AS odata_elements_1"
        in pg
    )
    letters = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'"
    assert f'(translate(odata_elements_1.value, {letters}) COLLATE "C") = %(param_1)s' in pg


def test_strings_compare_folded_and_bytewise_on_each_dialect() -> None:
    text = "computerDnsName gt 'M' and startswith(computerDnsName, '50%_off/')"
    lite, pg = compiled(text, SQLITE), compiled(text, POSTGRESQL)
    assert "lower(odata_machines.computer_dns_name) > ?" in lite
    assert "LIKE ? ESCAPE '/'" in lite
    assert 'COLLATE "C") > %(param_1)s' in pg
    params = to_sql(parse_filter(text), MACHINE_FIELDS).compile().params
    assert set(params.values()) >= {"m", "50/%/_off//%"}


def test_text_datetimes_compare_bytewise_on_postgresql() -> None:
    pg = compiled("lastSeen gt 2018-08-01Z", POSTGRESQL)
    assert '(odata_machines.last_seen COLLATE "C") > %(param_1)s' in pg
    params = to_sql(parse_filter("lastSeen gt 2018-08-01Z"), MACHINE_FIELDS).compile().params
    assert list(params.values()) == ["2018-08-01T00:00:00.0000000Z"]


def test_null_comparisons_become_is_null() -> None:
    lite = compiled("computerDnsName eq null or rbacGroupId ne null", SQLITE)
    assert (
        "odata_machines.computer_dns_name IS NULL OR odata_machines.rbac_group_id IS NOT NULL"
        in lite
    )
