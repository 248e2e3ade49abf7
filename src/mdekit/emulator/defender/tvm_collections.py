"""The stored TVM collections as OData sees them: which documented properties `$filter`
may use on each (the catalog's `filterable` lists), with their types, over the JSON
documents seeding put into the `entities` table (see `tvm_source`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func
from sqlalchemy.sql.elements import ColumnElement

from mdekit.emulator.defender.collections import Collection
from mdekit.emulator.defender.toolkit import json_fields
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.json_fields import json_field
from mdekit.models.tvm import VULNERABILITY_SEVERITIES
from mdekit.odata.fields import FieldSpec, FieldType

_API = "microsoft.windowsDefenderATP.api"


def padded_datetime(key: str) -> ColumnElement[Any]:
    """A JSON time field in the fixed-width form text comparison needs (7 fraction digits):
    some TVM times come at whole seconds ("2023-09-12T00:00:00Z")."""
    raw = json_field(t.entities.c.doc, key)
    whole_seconds = func.substr(raw, 1, 19).concat(".0000000Z")
    return case((func.length(raw) == 20, whole_seconds), else_=raw)


def _with_times(specs: dict[str, FieldSpec], *names: str) -> dict[str, FieldSpec]:
    for name in names:
        specs[name] = FieldSpec(padded_datetime(name), FieldType.DATETIME)
    return specs


_SEVERITY = {"severity": VULNERABILITY_SEVERITIES}

VULNERABILITIES = Collection(
    t.entities,
    _with_times(
        json_fields(
            ("id", "name", "description", "cvssV3", "severity"),
            types={"cvssV3": "float"},
            enums=_SEVERITY,
        ),
        "publishedOn",
        "updatedOn",
    ),
    f"{_API}.PublicVulnerabilityDto",
)

MACHINE_VULNERABILITIES = Collection(
    t.entities,
    json_fields(
        (
            "id",
            "cveId",
            "machineId",
            "fixingKbId",
            "productName",
            "productVersion",
            "severity",
            "productVendor",
        ),
        enums=_SEVERITY,
    ),
    f"{_API}.PublicAssetVulnerabilityDto",
)

SOFTWARE = Collection(t.entities, json_fields(("id", "name", "vendor")), f"{_API}.PublicProductDto")

RECOMMENDATIONS = Collection(
    t.entities,
    json_fields(
        (
            "id",
            "productName",
            "vendor",
            "recommendedVersion",
            "recommendationCategory",
            "subCategory",
            "severityScore",
            "remediationType",
            "recommendedProgram",
            "recommendedVendor",
            "status",
        ),
        types={"severityScore": "float"},
    ),
    f"{_API}.PublicRecommendationDto",
)

# Documented as `createdon`; property names match without regard to case.
REMEDIATION_TASKS = Collection(
    t.entities,
    _with_times(json_fields(("status",)), "createdOn"),
    f"{_API}.PublicRemediationTaskDto",
)

BASELINE_PROFILES = Collection(
    t.entities,
    json_fields(
        (
            "id",
            "name",
            "operatingSystem",
            "operatingSystemVersion",
            "status",
            "settingsNumber",
            "passedDevices",
            "totalDevices",
        ),
        types={
            "status": "bool",
            "settingsNumber": "int",
            "passedDevices": "int",
            "totalDevices": "int",
        },
    ),
    f"{_API}.PublicBaselineProfileDto",
)

# Documented as `CCE`; the document's key is `cce`.
BASELINE_CONFIGURATIONS = Collection(
    t.entities,
    json_fields(("id", "category", "name", "cce")),
    f"{_API}.PublicBaselineConfigurationDto",
)

EXTENSION_PERMISSIONS = Collection(t.entities, {}, f"{_API}.BrowserExtensionPermission")
"""`$top` and `$skip` only: the page's filter list fits none of these properties."""

AV_HEALTH = Collection(
    t.entities,
    json_fields(
        (
            "machineId",
            "computerDnsName",
            "osKind",
            "osPlatform",
            "osVersion",
            "avMode",
            "avSignatureVersion",
            "avEngineVersion",
            "avPlatformVersion",
            "quickScanResult",
            "quickScanError",
            "fullScanResult",
            "fullScanError",
            "avIsSignatureUpToDate",
            "avIsEngineUpToDate",
            "avIsPlatformUpToDate",
            "rbacGroupId",
        ),
        types={"rbacGroupId": "int"},
    ),
    f"{_API}.DeviceAvInfo",
)
