"""Automated investigations and indicators (custom threat intelligence)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from mdekit.client.ops import Group, Invocation, M, model, models, nothing, operation, paged
from mdekit.client.resources.base import cap, list_params, wire_time
from mdekit.models import Indicator, IndicatorImportResult, Investigation


class Investigations(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[Investigation]:
        return Invocation(
            "investigations.list",
            params=list_params(filter),
            decode=model(Investigation),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, investigation_id: str) -> Invocation[Investigation]:
        """By investigation id, or by the id of the alert that triggered it."""
        return Invocation(
            "investigations.get", {"id": investigation_id}, decode=model(Investigation)
        )

    @operation
    def start(self, machine_id: str, comment: str) -> Invocation[Investigation]:
        return Invocation(
            "machines.start_investigation",
            {"id": machine_id},
            body={"Comment": comment},
            decode=model(Investigation),
        )


class Indicators(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[Indicator]:
        return Invocation(
            "indicators.list",
            params=list_params(filter),
            decode=model(Indicator),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def submit(
        self,
        *,
        indicator_value: str,
        indicator_type: str,
        action: str,
        title: str,
        description: str,
        severity: str | None = None,
        expiration_time: datetime | str | None = None,
        recommended_actions: str | None = None,
        application: str | None = None,
        rbac_group_names: Sequence[str] | None = None,
        generate_alert: bool | None = None,
        educate_url: str | None = None,
    ) -> Invocation[Indicator]:
        """Create an indicator, or update the one with the same value and type."""
        body: dict[str, Any] = {
            "indicatorValue": indicator_value,
            "indicatorType": indicator_type,
            "action": action,
            "title": title,
            "description": description,
            "severity": severity,
            "recommendedActions": recommended_actions,
            "application": application,
            "generateAlert": generate_alert,
            "educateUrl": educate_url,
            "expirationTime": wire_time(expiration_time) if expiration_time else None,
            "rbacGroupNames": list(rbac_group_names) if rbac_group_names is not None else None,
        }
        return Invocation(
            "indicators.submit",
            body={k: v for k, v in body.items() if v is not None},
            decode=model(Indicator),
        )

    @operation
    def import_(
        self, indicators: Sequence[Mapping[str, Any]]
    ) -> Invocation[builtins.list[IndicatorImportResult]]:
        """Submit up to 500 indicators (wire-shaped dicts); per-item results."""
        return Invocation(
            "indicators.import",
            body={"Indicators": [dict(i) for i in indicators]},
            decode=models(IndicatorImportResult),
        )

    @operation
    def delete(self, indicator_id: str) -> Invocation[None]:
        return Invocation("indicators.delete", {"id": indicator_id}, decode=nothing)

    @operation
    def batch_delete(self, indicator_ids: Sequence[str]) -> Invocation[None]:
        return Invocation(
            "indicators.batch_delete", body={"IndicatorIds": list(indicator_ids)}, decode=nothing
        )
