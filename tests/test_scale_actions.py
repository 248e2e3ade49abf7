"""Machine actions asked for at the same moment through two emulators on one database
(SQLite and PostgreSQL): exactly one of a kind per machine is accepted, the others get the
service's "Action is already in progress", and the machine is free again once it is done."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from mdekit.emulator.defender import actions_service
from mdekit.emulator.domain.errors import Conflict
from mdekit.emulator.store import schema
from tests.support.emulators import InProcess, in_process
from tests.support.scale import database_url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[InProcess, InProcess]]:
    """Two emulators on one database (each test races on machines of its own)."""
    root = tmp_path_factory.mktemp(str(request.param))
    with (
        database_url(request.param, root) as url,
        in_process(root / "a", db_url=url, quotas=False, machines=16, alerts=4) as first,
        in_process(root / "b", db_url=url, quotas=False) as second,
    ):
        first.emulator.runtime.change_action_settings({"mode": "manual"})
        yield first, second


def _windows_machines(emu: InProcess) -> list[str]:
    query = sa.select(schema.machines.c.doc).where(schema.machines.c.tenant_id == emu.dev.tenant_id)
    with emu.emulator.engine.connect() as conn:
        docs = conn.execute(query).scalars().all()
    found = []
    for doc in docs:
        machine = json.loads(doc)
        if machine["osPlatform"].startswith("Windows") and machine["healthStatus"] == "Active":
            found.append(machine["id"])
    return found


def _race(emulators: list[InProcess], operation: str, machine_id: str) -> list[Any]:
    """Every thread asks at once; each answer is the action made or the Conflict raised."""
    barrier = threading.Barrier(len(emulators))
    answers: list[Any] = [None] * len(emulators)

    def ask(index: int) -> None:
        emu = emulators[index]
        barrier.wait(timeout=30)
        try:
            answers[index] = actions_service.create(
                emu.emulator.defender,
                emu.dev.tenant_id,
                operation,
                machine_key=machine_id,
                comment=f"from {index}",
                requestor="race@contoso.com",
            )
        except Conflict as exc:
            answers[index] = exc

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(emulators))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_one_action_of_a_kind_per_machine_across_emulators(
    pair: tuple[InProcess, InProcess],
) -> None:
    first, second = pair
    machines = _windows_machines(first)[:2]
    assert len(machines) == 2
    racers = [first, second] * 3
    for machine_id in machines:
        for operation in ("machines.isolate", "machines.run_antivirus_scan"):
            answers = _race(racers, operation, machine_id)
            made = [a for a in answers if isinstance(a, dict)]
            refused = [a for a in answers if isinstance(a, Conflict)]
            assert len(made) == 1, answers
            assert len(refused) == len(racers) - 1
            assert {exc.message for exc in refused} == {"Action is already in progress"}
        # Release from isolation is the same kind of action as isolation: refused too.
        with pytest.raises(Conflict):
            actions_service.create(
                second.emulator.defender,
                second.dev.tenant_id,
                "machines.unisolate",
                machine_key=machine_id,
                comment="too early",
                requestor="race@contoso.com",
            )


def test_the_machine_is_free_again_once_the_action_is_done(
    pair: tuple[InProcess, InProcess],
) -> None:
    first, second = pair
    machine_id = _windows_machines(first)[2]
    [action] = [
        a for a in _race([first, second], "machines.isolate", machine_id) if isinstance(a, dict)
    ]
    # Pushed to the end on the other emulator: the in-flight key is released for both.
    tenant = second.dev.tenant_id
    actions_service.manual_step(second.emulator.defender, tenant, action["id"], fail=False)
    actions_service.manual_step(second.emulator.defender, tenant, action["id"], fail=False)
    answers = _race([first, second], "machines.unisolate", machine_id)
    assert sum(isinstance(a, dict) for a in answers) == 1
