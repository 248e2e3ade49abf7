"""Advanced hunting, alerts and automated investigations (defender-api.md §5.1, §5.2, §5.5):
14 endpoints."""

from __future__ import annotations

from mdekit.catalog.endpoint_model import (
    ALERT_READ,
    ALERT_READ_D,
    ALERT_WRITE,
    ALERT_WRITE_D,
    FILE,
    HUNTING_LIMITS,
    IP,
    JSON,
    MACHINE_READ,
    MACHINE_READ_D,
    PAGED,
    URL,
    USER,
    Endpoint,
    RateLimit,
)

ALERT_FILTERABLE = (
    "alertCreationTime",
    "lastUpdateTime",
    "incidentId",
    "investigationId",
    "id",
    "assignedTo",  # printed "asssignedTo" on the List alerts page (§9.7)
    "detectionSource",
    "lastEventTime",
    "status",
    "severity",
    "category",
)
ALERT_UPDATE_FIELDS = ("status", "assignedTo", "classification", "determination", "comment")

HUNTING: tuple[Endpoint, ...] = (
    Endpoint(
        "hunting.run",
        "POST",
        "/api/advancedqueries/run",
        ("AdvancedQuery.Read.All",),
        ("AdvancedQuery.Read",),
        returns="query",
        rate_limits=HUNTING_LIMITS,
        body_required=("Query",),
        content_type=JSON,
        summary="Run an advanced hunting (KQL) query",
        notes="Last 30 days of data; at most 100,000 rows and 124 MB per result; 200 s per "
        "request; 10 minutes of running time per hour and 3 hours per day per tenant.",
    ),
)

ALERTS: tuple[Endpoint, ...] = (
    Endpoint(
        "alerts.list",
        "GET",
        "/api/alerts",
        ALERT_READ,
        ALERT_READ_D,
        entity_set="Alerts",
        returns="collection",
        page_cap=10_000,
        filterable=ALERT_FILTERABLE,
        odata=(*PAGED, "$expand"),
        expandable=("evidence",),
        summary="List alerts",
    ),
    Endpoint(
        "alerts.get",
        "GET",
        "/api/alerts/{id}",
        ALERT_READ,
        ALERT_READ_D,
        entity_set="Alerts",
        summary="Get an alert by id",
    ),
    # The update page prints "Alerts.ReadWrite.All" (§4, §9.12): a typo for Alert.ReadWrite.All.
    Endpoint(
        "alerts.update",
        "PATCH",
        "/api/alerts/{id}",
        ALERT_WRITE,
        ALERT_WRITE_D,
        entity_set="Alerts",
        body_optional=ALERT_UPDATE_FIELDS,
        content_type=JSON,
        summary="Update an alert's status, owner, classification or determination; add a comment",
    ),
    Endpoint(
        "alerts.batch_update",
        "POST",
        "/api/alerts/batchUpdate",
        ALERT_WRITE,
        ALERT_WRITE_D,
        returns="none",
        rate_limits=(RateLimit(10, 60), RateLimit(500, 3600)),
        body_required=("alertIds",),
        body_optional=ALERT_UPDATE_FIELDS,
        content_type=JSON,
        summary="Update several alerts at once (200 with an empty body)",
    ),
    Endpoint(
        "alerts.create_by_reference",
        "POST",
        "/api/alerts/CreateAlertByReference",
        ALERT_WRITE,
        ALERT_WRITE_D,
        entity_set="Alerts",
        rate_limits=(RateLimit(15, 60),),  # only a per-minute limit is documented
        body_required=(
            "eventTime",
            "reportId",
            "machineId",
            "severity",
            "title",
            "description",
            "recommendedAction",
            "category",
        ),
        content_type=JSON,
        summary="Create an alert from an advanced hunting event",
    ),
    Endpoint(
        "alerts.domains",
        "GET",
        "/api/alerts/{id}/domains",
        URL,
        URL,
        entity_set="Domains",
        returns="collection",
        summary="Domains related to an alert",
    ),
    Endpoint(
        "alerts.files",
        "GET",
        "/api/alerts/{id}/files",
        FILE,
        FILE,
        entity_set="Files",
        returns="collection",
        summary="Files related to an alert",
    ),
    Endpoint(
        "alerts.ips",
        "GET",
        "/api/alerts/{id}/ips",
        IP,
        IP,
        entity_set="Ips",
        returns="collection",
        summary="IP addresses related to an alert",
    ),
    Endpoint(
        "alerts.machine",
        "GET",
        "/api/alerts/{id}/machine",
        MACHINE_READ,
        MACHINE_READ_D,
        entity_set="Machines",
        summary="The device an alert was raised on",
    ),
    Endpoint(
        "alerts.user",
        "GET",
        "/api/alerts/{id}/user",
        USER,
        USER,
        entity_set="Users",
        summary="The user related to an alert",
    ),
)

INVESTIGATIONS: tuple[Endpoint, ...] = (
    Endpoint(
        "investigations.list",
        "GET",
        "/api/investigations",
        ALERT_READ,
        ALERT_READ_D,
        entity_set="Investigations",
        returns="collection",
        page_cap=10_000,
        filterable=("startTime", "id", "state", "machineId", "triggeringAlertId"),
        odata=PAGED,
        summary="List automated investigations",
    ),
    Endpoint(
        "investigations.get",
        "GET",
        "/api/investigations/{id}",
        ALERT_READ,
        ALERT_READ_D,
        entity_set="Investigations",
        summary="Get an investigation by its id or by its triggering alert's id",
    ),
    Endpoint(
        "machines.start_investigation",
        "POST",
        "/api/machines/{id}/startInvestigation",
        ALERT_WRITE,
        ALERT_WRITE_D,
        entity_set="Investigations",
        success_status=201,
        rate_limits=(RateLimit(50, 3600),),  # only an hourly limit is documented
        body_required=("Comment",),
        content_type=JSON,
        summary="Start an automated investigation on a device",
    ),
)

ENDPOINTS_ALERTS: tuple[Endpoint, ...] = (
    *HUNTING,
    *ALERTS,
    *INVESTIGATIONS,
)
