"""Response actions on machines and the machine-action records they create."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mdekit.client.ops import Group, Invocation, M, model, operation, paged, string_value
from mdekit.client.resources.base import cap, list_params
from mdekit.models import MachineAction

LiveResponseCommand = Mapping[str, Any]
"""`{"type": "PutFile"|"RunScript"|"GetFile", "params": [{"key": ..., "value": ...}]}`."""


def _action(
    operation_name: str, machine_id: str, comment: str, **body: Any
) -> Invocation[MachineAction]:
    payload = {"Comment": comment, **{k: v for k, v in body.items() if v is not None}}
    return Invocation(operation_name, {"id": machine_id}, body=payload, decode=model(MachineAction))


class MachineActions(Group[M]):
    @operation
    def isolate(
        self, machine_id: str, comment: str, *, isolation_type: str = "Full"
    ) -> Invocation[MachineAction]:
        """Isolate a machine from the network (Full, Selective or UnManagedDevice)."""
        return _action("machines.isolate", machine_id, comment, IsolationType=isolation_type)

    @operation
    def unisolate(self, machine_id: str, comment: str) -> Invocation[MachineAction]:
        return _action("machines.unisolate", machine_id, comment)

    @operation
    def restrict_code_execution(self, machine_id: str, comment: str) -> Invocation[MachineAction]:
        return _action("machines.restrict_code_execution", machine_id, comment)

    @operation
    def unrestrict_code_execution(self, machine_id: str, comment: str) -> Invocation[MachineAction]:
        return _action("machines.unrestrict_code_execution", machine_id, comment)

    @operation
    def run_antivirus_scan(
        self, machine_id: str, comment: str, *, scan_type: str = "Quick"
    ) -> Invocation[MachineAction]:
        return _action("machines.run_antivirus_scan", machine_id, comment, ScanType=scan_type)

    @operation
    def collect_investigation_package(
        self, machine_id: str, comment: str
    ) -> Invocation[MachineAction]:
        return _action("machines.collect_investigation_package", machine_id, comment)

    @operation
    def offboard(self, machine_id: str, comment: str) -> Invocation[MachineAction]:
        return _action("machines.offboard", machine_id, comment)

    @operation
    def stop_and_quarantine_file(
        self, machine_id: str, comment: str, sha1: str
    ) -> Invocation[MachineAction]:
        return _action("machines.stop_and_quarantine_file", machine_id, comment, Sha1=sha1)

    @operation
    def run_live_response(
        self, machine_id: str, comment: str, commands: Sequence[LiveResponseCommand]
    ) -> Invocation[MachineAction]:
        return _action(
            "machines.run_live_response", machine_id, comment, Commands=[dict(c) for c in commands]
        )

    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[MachineAction]:
        return Invocation(
            "machine_actions.list",
            params=list_params(filter),
            decode=model(MachineAction),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, action_id: str) -> Invocation[MachineAction]:
        return Invocation("machine_actions.get", {"id": action_id}, decode=model(MachineAction))

    @operation
    def cancel(self, action_id: str, comment: str) -> Invocation[MachineAction]:
        """Cancel an action that is not final yet."""
        return Invocation(
            "machine_actions.cancel",
            {"id": action_id},
            body={"Comment": comment},
            decode=model(MachineAction),
        )

    @operation
    def package_uri(self, action_id: str) -> Invocation[str]:
        """A short-lived download link of a collected investigation package."""
        return Invocation(
            "machine_actions.package_uri", {"actionId": action_id}, decode=string_value
        )

    @operation
    def live_response_result_uri(self, action_id: str, index: int) -> Invocation[str]:
        """A 30-minute download link of one live response command's result."""
        return Invocation(
            "machine_actions.live_response_result",
            {"id": action_id, "index": str(index)},
            decode=string_value,
        )
