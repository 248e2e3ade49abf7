"""Which properties of each collection `$filter` and `$orderby` may use, and the columns that
hold them. Names and enum orders follow the documentation (defender-api.md §5, §6)."""

from __future__ import annotations

from mdekit.emulator.store import schema as t
from mdekit.models import (
    ALERT_SEVERITIES,
    ALERT_STATUSES,
    DEVICE_VALUES,
    EXPOSURE_LEVELS,
    HEALTH_STATUSES,
    RISK_SCORES,
)
from mdekit.odata.fields import FieldSpec, FieldType

_a = t.alerts.c
_m = t.machines.c

ALERT_FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec(_a.id, FieldType.STRING),
    "alertCreationTime": FieldSpec(_a.alert_creation_time, FieldType.DATETIME),
    "lastUpdateTime": FieldSpec(_a.last_update_time, FieldType.DATETIME),
    "lastEventTime": FieldSpec(_a.last_event_time, FieldType.DATETIME),
    "incidentId": FieldSpec(_a.incident_id, FieldType.INT),
    "investigationId": FieldSpec(_a.investigation_id, FieldType.INT),
    "assignedTo": FieldSpec(_a.assigned_to, FieldType.STRING),
    "detectionSource": FieldSpec(_a.detection_source, FieldType.STRING),
    "status": FieldSpec(_a.status, FieldType.ENUM, enum_values=ALERT_STATUSES),
    "severity": FieldSpec(_a.severity, FieldType.ENUM, enum_values=ALERT_SEVERITIES),
    "category": FieldSpec(_a.category, FieldType.STRING),
}

MACHINE_FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec(_m.id, FieldType.STRING),
    "computerDnsName": FieldSpec(_m.computer_dns_name, FieldType.STRING),
    "version": FieldSpec(_m.version, FieldType.STRING),
    "deviceValue": FieldSpec(_m.device_value, FieldType.ENUM, enum_values=DEVICE_VALUES),
    "aadDeviceId": FieldSpec(_m.aad_device_id, FieldType.STRING),
    "machineTags": FieldSpec(_m.machine_tags, FieldType.STRING_COLLECTION),
    "lastSeen": FieldSpec(_m.last_seen, FieldType.DATETIME),
    "exposureLevel": FieldSpec(_m.exposure_level, FieldType.ENUM, enum_values=EXPOSURE_LEVELS),
    "onboardingStatus": FieldSpec(_m.onboarding_status, FieldType.STRING),
    "lastIpAddress": FieldSpec(_m.last_ip_address, FieldType.STRING),
    "healthStatus": FieldSpec(_m.health_status, FieldType.ENUM, enum_values=HEALTH_STATUSES),
    "osPlatform": FieldSpec(_m.os_platform, FieldType.STRING),
    "riskScore": FieldSpec(_m.risk_score, FieldType.ENUM, enum_values=RISK_SCORES),
    "rbacGroupId": FieldSpec(_m.rbac_group_id, FieldType.INT),
}
