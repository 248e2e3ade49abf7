"""Response actions across many machines: concurrent within the quotas, idempotent when run
again, resolving "already in progress" to the action in flight, and optionally waiting for
every action to finish (polling paced by the quota).

Idempotency rests on the comment: an action of the same type on the same machine, asked by
this app with the same comment and not failed or cancelled, is the one this run wanted, so a
re-run after a crash reuses it instead of starting a second one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from mdekit.catalog.endpoints import endpoint
from mdekit.client.errors import ApiError, MdeError
from mdekit.client.jwt_info import decode
from mdekit.client.sync_client import Client
from mdekit.models import FINAL_ACTION_STATUSES, MachineAction

ACTION_TYPES = {
    "machines.isolate": "Isolate",
    "machines.unisolate": "Unisolate",
    "machines.restrict_code_execution": "RestrictCodeExecution",
    "machines.unrestrict_code_execution": "UnrestrictCodeExecution",
    "machines.run_antivirus_scan": "RunAntiVirusScan",
    "machines.collect_investigation_package": "CollectInvestigationPackage",
    "machines.offboard": "Offboard",
    "machines.stop_and_quarantine_file": "StopAndQuarantineFile",
    "machines.run_live_response": "LiveResponse",
}
REUSABLE = frozenset({"Pending", "InProgress", "Succeeded"})


@dataclass
class ActionOutcome:
    machine_id: str
    action: MachineAction | None = None
    error: str | None = None
    reused: bool = False

    @property
    def status(self) -> str:
        if self.error:
            return "Error"
        return self.action.status if self.action and self.action.status else "Unknown"

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine_id": self.machine_id,
            "action_id": self.action.id if self.action else None,
            "status": self.status,
            "reused": self.reused,
            "error": self.error,
        }


def _find(
    client: Client,
    machine_id: str,
    action_type: str,
    comment: str | None,
    requestor: str | None,
    statuses: frozenset[str],
) -> MachineAction | None:
    found = client.machine_actions.list(
        filter=f"machineId eq '{machine_id}' and type eq '{action_type}'"
    )
    mine = [
        action
        for action in found
        if action.status in statuses
        and (comment is None or action.requestor_comment == comment)
        and (requestor is None or action.requestor in (requestor, None))
    ]
    return mine[-1] if mine else None


def start_action(
    client: Client,
    operation: str,
    machine_id: str,
    comment: str,
    body: Mapping[str, Any],
    requestor: str | None,
) -> ActionOutcome:
    action_type = ACTION_TYPES[operation]
    existing = _find(client, machine_id, action_type, comment, requestor, REUSABLE)
    if existing is not None:
        return ActionOutcome(machine_id, existing, reused=True)
    try:
        raw = client.request(operation, path={"id": machine_id}, body={"Comment": comment, **body})
        return ActionOutcome(machine_id, MachineAction.model_validate(raw))
    except ApiError as exc:
        if exc.code == "ActiveRequestAlreadyExists":
            in_flight = _find(
                client, machine_id, action_type, None, None, frozenset({"Pending", "InProgress"})
            )
            if in_flight is not None:
                return ActionOutcome(machine_id, in_flight, reused=True)
        return ActionOutcome(machine_id, error=str(exc))
    except MdeError as exc:
        return ActionOutcome(machine_id, error=str(exc))


def wait_for(
    client: Client,
    outcome: ActionOutcome,
    *,
    poll_seconds: float,
    deadline: float,
    sleep: Callable[[float], None],
) -> ActionOutcome:
    while outcome.action is not None and outcome.action.status not in FINAL_ACTION_STATUSES:
        if time.monotonic() >= deadline:
            break
        sleep(poll_seconds)
        try:
            outcome.action = client.machine_actions.get(outcome.action.id)
        except MdeError as exc:
            outcome.error = str(exc)
            break
    return outcome


def run_bulk(
    client: Client,
    operation: str,
    machine_ids: Iterable[str],
    comment: str,
    *,
    body: Mapping[str, Any] | None = None,
    wait: bool = False,
    concurrency: int = 8,
    poll_seconds: float = 5.0,
    timeout_seconds: float = 3600.0,
    on_progress: Callable[[ActionOutcome], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[ActionOutcome]:
    """Start `operation` on every machine (each once), then optionally wait for them all."""
    if operation not in ACTION_TYPES:
        raise MdeError(
            f"{operation} is not a machine action", hint=f"one of {', '.join(sorted(ACTION_TYPES))}"
        )
    endpoint(operation)
    unique = list(dict.fromkeys(machine_ids))
    requestor = str(decode(client.token()).claims.get("appid") or "") or None
    deadline = time.monotonic() + timeout_seconds

    def one(machine_id: str) -> ActionOutcome:
        outcome = start_action(client, operation, machine_id, comment, body or {}, requestor)
        if wait:
            outcome = wait_for(
                client, outcome, poll_seconds=poll_seconds, deadline=deadline, sleep=sleep
            )
        if on_progress is not None:
            on_progress(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(one, unique))
