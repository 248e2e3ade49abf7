"""MachineAction entity, live response commands, and the response-action bodies (§6.3).

The schema names the last-update field `lastUpdateDateTimeUtc`, the list examples send
`lastUpdateTimeUtc` (§9.2). Both are read into `last_update_date_time_utc`, and a dump
writes the field back under the spelling that was received (the schema spelling for
models built in code)."""

from __future__ import annotations

from typing import Any

from pydantic import (
    AliasChoices,
    Field,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidatorFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from mdekit.models._base import PascalWireModel, WireDateTime, WireModel

__all__ = [
    "COMMAND_STATUSES",
    "FILE_IDENTIFIER_TYPES",
    "FINAL_ACTION_STATUSES",
    "ISOLATION_TYPES",
    "LAST_UPDATE_ALIASES",
    "LIVE_RESPONSE_COMMAND_TYPES",
    "MACHINE_ACTION_STATUSES",
    "MACHINE_ACTION_TYPES",
    "SCAN_TYPES",
    "ActionRequest",
    "IsolateRequest",
    "LiveResponseCommand",
    "LiveResponseCommandParam",
    "LiveResponseCommandResult",
    "LiveResponseRequest",
    "MachineAction",
    "RelatedFileInfo",
    "RunAntiVirusScanRequest",
    "StopAndQuarantineRequest",
]

MACHINE_ACTION_TYPES = (
    "RunAntiVirusScan",
    "Offboard",
    "LiveResponse",
    "CollectInvestigationPackage",
    "Isolate",
    "Unisolate",
    "StopAndQuarantineFile",
    "RestrictCodeExecution",
    "UnrestrictCodeExecution",
)
MACHINE_ACTION_STATUSES = ("Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled")
FINAL_ACTION_STATUSES = ("Succeeded", "Failed", "TimeOut", "Cancelled")
ISOLATION_TYPES = ("Full", "Selective", "UnManagedDevice")
SCAN_TYPES = ("Quick", "Full")
FILE_IDENTIFIER_TYPES = ("Sha1", "Sha256", "Md5")
LIVE_RESPONSE_COMMAND_TYPES = ("PutFile", "RunScript", "GetFile")
COMMAND_STATUSES = ("Created", "Completed", "Failed")

LAST_UPDATE_ALIASES = ("lastUpdateDateTimeUtc", "lastUpdateTimeUtc")
"""Schema spelling first, list-example spelling second."""


class RelatedFileInfo(WireModel):
    """`relatedFileInfo` of a stop-and-quarantine action."""

    file_identifier: str | None = None
    file_identifier_type: str | None = None


class LiveResponseCommandParam(WireModel):
    """A `{"key": ..., "value": ...}` parameter of a live response command."""

    key: str
    value: str


class LiveResponseCommand(WireModel):
    """A live response command: `{"type": "RunScript", "params": [...]}`."""

    type: str
    params: list[LiveResponseCommandParam] = Field(default_factory=list)


class LiveResponseCommandResult(WireModel):
    """One item of `MachineAction.commands` for a live response action."""

    index: int
    start_time: WireDateTime | None = None
    end_time: WireDateTime | None = None
    command_status: str | None = None
    errors: list[str] = Field(default_factory=list)
    command: LiveResponseCommand | None = None


class MachineAction(WireModel):
    """A response action on a device (`GET /api/machineactions[/{id}]`, action POSTs)."""

    id: str
    type: str | None = None
    scope: str | None = None
    requestor: str | None = None
    external_id: str | None = Field(default=None, alias="externalID")
    request_source: str | None = None
    commands: list[LiveResponseCommandResult] | None = None
    cancellation_requestor: str | None = None
    requestor_comment: str | None = None
    cancellation_comment: str | None = None
    status: str | None = None
    machine_id: str | None = None
    computer_dns_name: str | None = None
    creation_date_time_utc: WireDateTime | None = None
    cancellation_date_time_utc: WireDateTime | None = None
    last_update_date_time_utc: WireDateTime | None = Field(
        default=None,
        validation_alias=AliasChoices(*LAST_UPDATE_ALIASES, "last_update_date_time_utc"),
        serialization_alias=LAST_UPDATE_ALIASES[0],
    )
    title: str | None = None
    related_file_info: RelatedFileInfo | None = None
    error_h_result: int | None = Field(default=None, alias="errorHResult")

    _last_update_key: str = PrivateAttr(default=LAST_UPDATE_ALIASES[0])

    @model_validator(mode="wrap")
    @classmethod
    def _remember_last_update_spelling(
        cls, data: Any, handler: ValidatorFunctionWrapHandler
    ) -> MachineAction:
        action: MachineAction = handler(data)
        if isinstance(data, dict) and LAST_UPDATE_ALIASES[1] in data:
            action._last_update_key = LAST_UPDATE_ALIASES[1]
        return action

    @model_serializer(mode="wrap")
    def _write_last_update_spelling(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        schema_key = LAST_UPDATE_ALIASES[0]
        if info.by_alias and self._last_update_key != schema_key and schema_key in data:
            # Rebuild rather than pop+insert so the key keeps its position.
            return {
                (self._last_update_key if key == schema_key else key): value
                for key, value in data.items()
            }
        return data

    @property
    def last_update_key(self) -> str:
        """The wire spelling of the last-update field this action was read with."""
        return self._last_update_key


class ActionRequest(PascalWireModel):
    """A `{"Comment": ...}` body: unisolate, (un)restrict, offboard, collect, cancel."""

    comment: str


class IsolateRequest(ActionRequest):
    """Body of `POST /api/machines/{id}/isolate`."""

    isolation_type: str | None = None


class RunAntiVirusScanRequest(ActionRequest):
    """Body of `POST /api/machines/{id}/runAntiVirusScan`."""

    scan_type: str | None = None


class StopAndQuarantineRequest(ActionRequest):
    """Body of `POST /api/machines/{id}/StopAndQuarantineFile`."""

    sha1: str


class LiveResponseRequest(ActionRequest):
    """Body of `POST /api/machines/{id}/runliveresponse`."""

    commands: list[LiveResponseCommand]
