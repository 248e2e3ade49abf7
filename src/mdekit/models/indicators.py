"""Indicator (custom threat intelligence) entity and its request/response bodies (§6.4)."""

from __future__ import annotations

from pydantic import Field

from mdekit.models._base import PascalWireModel, WireDateTime, WireModel

__all__ = [
    "API_INDICATOR_ACTIONS",
    "INDICATOR_ACTIONS",
    "INDICATOR_SEVERITIES",
    "INDICATOR_SOURCE_TYPES",
    "INDICATOR_TYPES",
    "Indicator",
    "IndicatorBatchDeleteRequest",
    "IndicatorImportRequest",
    "IndicatorImportResult",
]

INDICATOR_TYPES = (
    "FileSha1",
    "FileSha256",
    "FileMd5",
    "CertificateThumbprint",
    "IpAddress",
    "DomainName",
    "Url",
)
INDICATOR_ACTIONS = (
    "Warn",
    "Block",
    "Audit",
    "Alert",
    "AlertAndBlock",
    "BlockAndRemediate",
    "Allowed",
)
API_INDICATOR_ACTIONS = ("Allowed", "Audit", "Block", "BlockAndRemediate", "Warn")
"""The actions the API still accepts; Alert and AlertAndBlock were retired in January 2022."""
INDICATOR_SEVERITIES = ("Informational", "Low", "Medium", "High")
INDICATOR_SOURCE_TYPES = ("User", "AadApp")


class Indicator(WireModel):
    """An indicator (`GET/POST /api/indicators`); also the submit body.

    `creationTimeDateTimeUtc` and `externalID` are spelt as the service spells them."""

    id: str | None = None
    indicator_value: str | None = None
    indicator_type: str | None = None
    application: str | None = None
    action: str | None = None
    external_id: str | None = Field(default=None, alias="externalID")
    source: str | None = None
    source_type: str | None = None
    created_by_source: str | None = None
    created_by: str | None = None
    created_by_display_name: str | None = None
    last_updated_by: str | None = None
    creation_time_date_time_utc: WireDateTime | None = Field(
        default=None, alias="creationTimeDateTimeUtc"
    )
    expiration_time: WireDateTime | None = None
    last_update_time: WireDateTime | None = None
    severity: str | None = None
    title: str | None = None
    description: str | None = None
    recommended_actions: str | None = None
    rbac_group_names: list[str] = Field(default_factory=list)
    """Described as a comma-separated string, sent as an array (§9.11)."""
    rbac_group_ids: list[str | int] = Field(default_factory=list)
    generate_alert: bool | None = None
    educate_url: str | None = None
    """Create body only (Block/Warn URL indicators)."""


class IndicatorImportRequest(PascalWireModel):
    """Body of `POST /api/indicators/import`: `{"Indicators": [...]}` (≤500)."""

    indicators: list[Indicator]


class IndicatorImportResult(WireModel):
    """One item of the import response `value`."""

    id: str | None = None
    indicator: str | None = None
    is_failed: bool = False
    failure_reason: str | None = None


class IndicatorBatchDeleteRequest(PascalWireModel):
    """Body of `POST /api/indicators/BatchDelete`: `{"IndicatorIds": [...]}` (≤500)."""

    indicator_ids: list[str]
