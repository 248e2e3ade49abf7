"""Machine actions as state machines: Pending -> InProgress -> Succeeded | Failed | TimeOut,
or Cancelled before a final state. Progress is a pure function of the action's age on the
emulator clock and the progression mode, so every worker computes the same state."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PENDING, IN_PROGRESS, SUCCEEDED, FAILED, TIMEOUT, CANCELLED = (
    "Pending",
    "InProgress",
    "Succeeded",
    "Failed",
    "TimeOut",
    "Cancelled",
)
FINAL_STATUSES = frozenset({SUCCEEDED, FAILED, TIMEOUT, CANCELLED})
OFFLINE_TIMEOUT_SECONDS = 3 * 24 * 3600
"""A device that does not come online: the request waits in the queue, then times out."""


class Mode(StrEnum):
    AUTO = "auto"
    """Finishes in seconds: Pending for `pending_seconds`, InProgress until `done_seconds`."""
    INSTANT = "instant"
    """Succeeded as soon as it is created."""
    MANUAL = "manual"
    """Stays where it is until the control API moves it."""
    FAIL = "fail"
    """Runs like auto but ends Failed."""


@dataclass(frozen=True)
class Timings:
    pending_seconds: float = 2.0
    done_seconds: float = 5.0


@dataclass(frozen=True)
class ActionKind:
    """What an action endpoint creates: the MachineAction `type`, how it is titled, which
    kinds it conflicts with while in flight, and what it does to the machine."""

    type: str
    title: str
    exclusive_group: str
    effect: str | None = None


KINDS: dict[str, ActionKind] = {
    "machines.isolate": ActionKind("Isolate", "Isolate machine", "isolation", "isolate"),
    "machines.unisolate": ActionKind(
        "Unisolate", "Release machine from isolation", "isolation", "unisolate"
    ),
    "machines.restrict_code_execution": ActionKind(
        "RestrictCodeExecution", "Restrict app execution", "restriction", "restrict"
    ),
    "machines.unrestrict_code_execution": ActionKind(
        "UnrestrictCodeExecution", "Remove app restriction", "restriction", "unrestrict"
    ),
    "machines.run_antivirus_scan": ActionKind("RunAntiVirusScan", "Run antivirus scan", "scan"),
    "machines.collect_investigation_package": ActionKind(
        "CollectInvestigationPackage", "Collect investigation package", "package"
    ),
    "machines.offboard": ActionKind("Offboard", "Offboard machine", "offboard", "offboard"),
    "machines.stop_and_quarantine_file": ActionKind(
        "StopAndQuarantineFile", "Stop and quarantine file", "quarantine"
    ),
    "machines.run_live_response": ActionKind("LiveResponse", "Live response", "liveresponse"),
}


def progress(
    status: str, age_seconds: float, mode: Mode, *, online: bool, timings: Timings = Timings()
) -> str:
    """The status an action has reached `age_seconds` after creation."""
    if status in FINAL_STATUSES or mode is Mode.MANUAL:
        return status
    if mode is Mode.INSTANT:
        return SUCCEEDED
    if not online:
        return TIMEOUT if age_seconds >= OFFLINE_TIMEOUT_SECONDS else PENDING
    if age_seconds < timings.pending_seconds:
        return PENDING
    if age_seconds < timings.done_seconds:
        return IN_PROGRESS
    return FAILED if mode is Mode.FAIL else SUCCEEDED


def can_cancel(status: str) -> bool:
    return status not in FINAL_STATUSES


def manual_advance(status: str, *, fail: bool = False) -> str:
    """One step forward, for the control API in manual mode."""
    if status == PENDING:
        return IN_PROGRESS
    if status == IN_PROGRESS:
        return FAILED if fail else SUCCEEDED
    return status
