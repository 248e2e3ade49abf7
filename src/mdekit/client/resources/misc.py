"""Advanced hunting, the live response library and authenticated scans."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from mdekit.client.ops import Group, Invocation, M, model, models, nothing, operation, paged
from mdekit.client.resources.base import cap, list_params
from mdekit.models import (
    LibraryFile,
    QueryResponse,
    ScanDefinition,
    ScanHistoryEntry,
    ScanHistorySession,
    ScannerAgent,
)


class Hunting(Group[M]):
    @operation
    def run(self, query: str) -> Invocation[QueryResponse]:
        """Run a KQL query over the last 30 days (at most 100,000 rows)."""
        return Invocation("hunting.run", body={"Query": query}, decode=model(QueryResponse))


class Library(Group[M]):
    @operation
    def list(self) -> Invocation[builtins.list[LibraryFile]]:
        return Invocation("library_files.list", decode=models(LibraryFile))

    @operation
    def upload(
        self,
        file_name: str,
        content: bytes,
        *,
        description: str = "",
        parameters_description: str = "",
        has_parameters: bool = False,
        override_if_exists: bool = False,
    ) -> Invocation[LibraryFile]:
        """Add a script or file (at most 20 MB) for live response to use."""
        fields = {
            "Description": description,
            "ParametersDescription": parameters_description,
            "HasParameters": str(has_parameters).lower(),
            "OverrideIfExists": str(override_if_exists).lower(),
        }
        return Invocation(
            "library_files.upload",
            body=fields,
            files={"File": (file_name, content)},
            decode=model(LibraryFile),
        )

    @operation
    def delete(self, file_name: str) -> Invocation[None]:
        return Invocation("library_files.delete", {"fileName": file_name}, decode=nothing)


class AuthenticatedScans(Group[M]):
    @paged
    def definitions(
        self, *, filter: object | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[ScanDefinition]:
        return Invocation(
            "authenticated_scans.list_definitions",
            params=list_params(filter),
            decode=model(ScanDefinition),
            limit=cap(top, limit),
        )

    @operation
    def create_definition(self, definition: Mapping[str, Any]) -> Invocation[ScanDefinition]:
        """Create a scan definition from its wire-shaped fields (scanType, scanName, ...)."""
        return Invocation(
            "authenticated_scans.create_definition",
            body=dict(definition),
            decode=model(ScanDefinition),
        )

    @operation
    def update_definition(
        self, definition_id: str, changes: Mapping[str, Any]
    ) -> Invocation[ScanDefinition]:
        return Invocation(
            "authenticated_scans.update_definition",
            {"id": definition_id},
            body=dict(changes),
            decode=model(ScanDefinition),
        )

    @operation
    def delete_definitions(self, definition_ids: Sequence[str]) -> Invocation[None]:
        return Invocation(
            "authenticated_scans.batch_delete_definitions",
            body={"ScanDefinitionIds": list(definition_ids)},
            decode=nothing,
        )

    @paged
    def agents(
        self, *, top: int | None = None, limit: int | None = None
    ) -> Invocation[ScannerAgent]:
        return Invocation(
            "authenticated_scans.list_agents", decode=model(ScannerAgent), limit=cap(top, limit)
        )

    @operation
    def agent(self, agent_id: str) -> Invocation[ScannerAgent]:
        return Invocation(
            "authenticated_scans.get_agent", {"id": agent_id}, decode=model(ScannerAgent)
        )

    @operation
    def history_by_definition(
        self, definition_ids: Sequence[str]
    ) -> Invocation[builtins.list[ScanHistoryEntry]]:
        return Invocation(
            "authenticated_scans.history_by_definition",
            body={"ScanDefinitionIds": list(definition_ids)},
            decode=models(ScanHistoryEntry),
        )

    @operation
    def history_by_session(
        self, session_ids: Sequence[str]
    ) -> Invocation[builtins.list[ScanHistorySession]]:
        return Invocation(
            "authenticated_scans.history_by_session",
            body={"SessionIds": list(session_ids)},
            decode=models(ScanHistorySession),
        )
