"""Machines: list, get, and the machine-scoped reads and writes (actions live in
`machine_actions`)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from mdekit.client.ops import Group, Invocation, M, model, models, operation, paged
from mdekit.client.resources.base import cap, list_params, wire_time
from mdekit.models import Alert, Kb, Machine, Recommendation, Software, User, Vulnerability


class Machines(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        orderby: str | None = None,
    ) -> Invocation[Machine]:
        """Every machine matching `filter`, at most `top`, following pages."""
        return Invocation(
            "machines.list",
            params=list_params(filter, orderby=orderby),
            decode=model(Machine),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, machine_id: str) -> Invocation[Machine]:
        """A machine by id or computer name."""
        return Invocation("machines.get", {"id": machine_id}, decode=model(Machine))

    @operation
    def logon_users(self, machine_id: str) -> Invocation[builtins.list[User]]:
        return Invocation("machines.logon_users", {"id": machine_id}, decode=models(User))

    @paged
    def alerts(
        self,
        machine_id: str,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
    ) -> Invocation[Alert]:
        return Invocation(
            "machines.alerts",
            {"id": machine_id},
            params=list_params(filter),
            decode=model(Alert),
            limit=cap(top, limit),
        )

    @operation
    def software(self, machine_id: str) -> Invocation[builtins.list[Software]]:
        return Invocation("machines.software", {"machineId": machine_id}, decode=models(Software))

    @operation
    def vulnerabilities(self, machine_id: str) -> Invocation[builtins.list[Vulnerability]]:
        return Invocation(
            "machines.vulnerabilities", {"machineId": machine_id}, decode=models(Vulnerability)
        )

    @operation
    def recommendations(self, machine_id: str) -> Invocation[builtins.list[Recommendation]]:
        return Invocation(
            "machines.recommendations", {"machineId": machine_id}, decode=models(Recommendation)
        )

    @operation
    def missing_kbs(self, machine_id: str) -> Invocation[builtins.list[Kb]]:
        return Invocation("machines.missing_kbs", {"machineId": machine_id}, decode=models(Kb))

    @operation
    def tag(self, machine_id: str, value: str, *, remove: bool = False) -> Invocation[Machine]:
        """Add (or remove) one tag."""
        body = {"Value": value, "Action": "Remove" if remove else "Add"}
        return Invocation("machines.tags", {"id": machine_id}, body=body, decode=model(Machine))

    @operation
    def tag_many(
        self, machine_ids: Sequence[str], value: str, *, remove: bool = False
    ) -> Invocation[builtins.list[Machine]]:
        """Add (or remove) one tag on up to 500 machines."""
        body = {
            "Value": value,
            "Action": "Remove" if remove else "Add",
            "MachineIds": list(machine_ids),
        }
        return Invocation("machines.tags_bulk", body=body, decode=models(Machine))

    @operation
    def set_device_value(self, machine_id: str, device_value: str) -> Invocation[Machine]:
        return Invocation(
            "machines.set_device_value",
            {"machineId": machine_id},
            body={"DeviceValue": device_value},
            decode=model(Machine),
        )

    @operation
    def update(
        self,
        machine_id: str,
        *,
        machine_tags: Sequence[str] | None = None,
        device_value: str | None = None,
    ) -> Invocation[Machine]:
        """PATCH: `machine_tags` replaces the tag list (the dedicated tag calls are safer)."""
        body: dict[str, object] = {}
        if machine_tags is not None:
            body["machineTags"] = list(machine_tags)
        if device_value is not None:
            body["deviceValue"] = device_value
        return Invocation(
            "machines.update", {"machineId": machine_id}, body=body, decode=model(Machine)
        )

    @operation
    def find_by_ip(self, ip: str, timestamp: datetime | str) -> Invocation[builtins.list[Machine]]:
        """Machines seen with an internal IP within 15 minutes of `timestamp` (last 30 days)."""
        return Invocation(
            "machines.find_by_ip",
            {"ip": ip, "timestamp": wire_time(timestamp)},
            decode=models(Machine),
        )

    @operation
    def find_legacy(self, ip: str, timestamp: datetime | str) -> Invocation[builtins.list[Machine]]:
        """The legacy `find(timestamp=...,key=...)` lookup (within 16 minutes; 404 if none)."""
        return Invocation(
            "machines.find", {"key": ip, "timestamp": wire_time(timestamp)}, decode=models(Machine)
        )

    @operation
    def find_by_tag(
        self, tag: str, *, starts_with: bool = False
    ) -> Invocation[builtins.list[Machine]]:
        params = {"tag": tag, "useStartsWithFilter": "true" if starts_with else "false"}
        return Invocation("machines.find_by_tag", params=params, decode=models(Machine))
