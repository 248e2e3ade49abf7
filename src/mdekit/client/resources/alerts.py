"""Alerts: list, get, update, batch update, create by reference, related entities."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mdekit.client.ops import Group, Invocation, M, model, models, nothing, operation, paged
from mdekit.client.resources.base import cap, list_params, wire_time
from mdekit.models import Alert, Domain, File, Ip, Machine, User


class Alerts(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        expand_evidence: bool = False,
        orderby: str | None = None,
    ) -> Invocation[Alert]:
        """Every alert matching `filter` (an OData `$filter`), at most `top`, following pages."""
        params = list_params(
            filter, expand="evidence" if expand_evidence else None, orderby=orderby
        )
        return Invocation(
            "alerts.list",
            params=params,
            decode=model(Alert),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, alert_id: str) -> Invocation[Alert]:
        """One alert, with its evidence."""
        return Invocation("alerts.get", {"id": alert_id}, decode=model(Alert))

    @operation
    def update(
        self,
        alert_id: str,
        *,
        status: str | None = None,
        assigned_to: str | None = None,
        classification: str | None = None,
        determination: str | None = None,
        comment: str | None = None,
    ) -> Invocation[Alert]:
        """Change status, owner, classification or determination, or add a comment."""
        body = _update_body(status, assigned_to, classification, determination, comment)
        return Invocation("alerts.update", {"id": alert_id}, body=body, decode=model(Alert))

    @operation
    def batch_update(
        self,
        alert_ids: Sequence[str],
        *,
        status: str | None = None,
        assigned_to: str | None = None,
        classification: str | None = None,
        determination: str | None = None,
        comment: str | None = None,
    ) -> Invocation[None]:
        """The same change on many alerts (its own quota: 10 per minute)."""
        body = {
            "alertIds": list(alert_ids),
            **_update_body(status, assigned_to, classification, determination, comment),
        }
        return Invocation("alerts.batch_update", body=body, decode=nothing)

    @operation
    def create_by_reference(
        self,
        *,
        machine_id: str,
        report_id: int,
        event_time: datetime | str,
        severity: str,
        title: str,
        description: str,
        recommended_action: str,
        category: str,
    ) -> Invocation[Alert]:
        """An alert on an event found by Advanced Hunting (merged into an open alert with
        the same title on the same machine)."""
        body = {
            "machineId": machine_id,
            "reportId": report_id,
            "eventTime": wire_time(event_time),
            "severity": severity,
            "title": title,
            "description": description,
            "recommendedAction": recommended_action,
            "category": category,
        }
        return Invocation("alerts.create_by_reference", body=body, decode=model(Alert))

    @operation
    def domains(self, alert_id: str) -> Invocation[builtins.list[Domain]]:
        return Invocation("alerts.domains", {"id": alert_id}, decode=models(Domain))

    @operation
    def files(self, alert_id: str) -> Invocation[builtins.list[File]]:
        return Invocation("alerts.files", {"id": alert_id}, decode=models(File))

    @operation
    def ips(self, alert_id: str) -> Invocation[builtins.list[Ip]]:
        return Invocation("alerts.ips", {"id": alert_id}, decode=models(Ip))

    @operation
    def machine(self, alert_id: str) -> Invocation[Machine]:
        return Invocation("alerts.machine", {"id": alert_id}, decode=model(Machine))

    @operation
    def user(self, alert_id: str) -> Invocation[User]:
        return Invocation("alerts.user", {"id": alert_id}, decode=model(User))


def _update_body(
    status: str | None,
    assigned_to: str | None,
    classification: str | None,
    determination: str | None,
    comment: str | None,
) -> dict[str, Any]:
    fields = {
        "status": status,
        "assignedTo": assigned_to,
        "classification": classification,
        "determination": determination,
        "comment": comment,
    }
    return {k: v for k, v in fields.items() if v is not None}
