"""OpenAPI links between the emulator's operations: where the id of one answer goes in the
next call (a listed alert's id into `GET /api/alerts/{id}`, a new machine action's id into
its cancel). Stateful test tools (schemathesis) follow them to build sequences of calls
that reach real entities, instead of guessing ids."""

from __future__ import annotations

from typing import Any

from mdekit.catalog.endpoints import ENDPOINTS

_FIRST = "$response.body#/value/0/id"
_OWN = "$response.body#/id"
_MACHINE_ACTIONS = tuple(
    e.operation
    for e in ENDPOINTS
    if e.method == "POST"
    and e.path.startswith("/api/machines/{id}/")
    and e.entity_set == "MachineActions"
)

_LINKS: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "alerts.list": {
        "GetAlert": ("alerts.get", {"id": _FIRST}),
        "UpdateAlert": ("alerts.update", {"id": _FIRST}),
        "AlertMachine": ("alerts.machine", {"id": _FIRST}),
        "AlertFiles": ("alerts.files", {"id": _FIRST}),
    },
    "machines.list": {
        "GetMachine": ("machines.get", {"id": _FIRST}),
        "MachineAlerts": ("machines.alerts", {"id": _FIRST}),
        "TagMachine": ("machines.tags", {"id": _FIRST}),
        "CollectPackage": ("machines.collect_investigation_package", {"id": _FIRST}),
    },
    "machine_actions.list": {"GetAction": ("machine_actions.get", {"id": _FIRST})},
    "investigations.list": {"GetInvestigation": ("investigations.get", {"id": _FIRST})},
    "indicators.submit": {"DeleteIndicator": ("indicators.delete", {"id": _OWN})},
    "library_files.upload": {
        "DeleteLibraryFile": ("library_files.delete", {"fileName": "$response.body#/fileName"})
    },
    "authenticated_scans.list_definitions": {
        "UpdateDefinition": ("authenticated_scans.update_definition", {"id": _FIRST})
    },
    "authenticated_scans.create_definition": {
        "UpdateDefinition": ("authenticated_scans.update_definition", {"id": _OWN})
    },
    "authenticated_scans.list_agents": {
        "GetAgent": ("authenticated_scans.get_agent", {"id": _FIRST})
    },
    **{
        operation: {
            "GetAction": ("machine_actions.get", {"id": _OWN}),
            "CancelAction": ("machine_actions.cancel", {"id": _OWN}),
            "PackageUri": ("machine_actions.package_uri", {"actionId": _OWN}),
        }
        for operation in _MACHINE_ACTIONS
    },
}


def links_for(operation: str) -> dict[str, Any]:
    """The `links` object of an operation's success response (empty when it has none)."""
    return {
        name: {"operationId": target, "parameters": dict(parameters)}
        for name, (target, parameters) in _LINKS.get(operation, {}).items()
    }
