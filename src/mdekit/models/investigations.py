"""Automated investigation entity and the start-investigation body (defender-api.md §6.5)."""

from __future__ import annotations

from mdekit.models._base import PascalWireModel, WireDateTime, WireModel

__all__ = [
    "INVESTIGATION_STATES",
    "Investigation",
    "StartInvestigationRequest",
]

INVESTIGATION_STATES = (
    "Unknown",
    "Terminated",
    "SuccessfullyRemediated",
    "Benign",
    "Failed",
    "PartiallyRemediated",
    "Running",
    "PendingApproval",
    "PendingResource",
    "PartiallyInvestigated",
    "TerminatedByUser",
    "TerminatedBySystem",
    "Queued",
    "InnerFailure",
    "PreexistingAlert",
    "UnsupportedOs",
    "UnsupportedAlertType",
    "SuppressedAlert",
)
"""States of an investigation; `Alert.investigationState` uses the same set."""


class Investigation(WireModel):
    """An automated investigation (`GET /api/investigations[/{id}]`)."""

    id: str
    start_time: WireDateTime | None = None
    end_time: WireDateTime | None = None
    state: str | None = None
    cancelled_by: str | None = None
    status_details: str | None = None
    machine_id: str | None = None
    computer_dns_name: str | None = None
    triggering_alert_id: str | None = None


class StartInvestigationRequest(PascalWireModel):
    """Body of `POST /api/machines/{id}/startInvestigation`."""

    comment: str
