"""Two processes sharing one state directory ask for a tenant's hunting file at the same
moment: it is built once, both answer from it, and no half-built file is left behind. A
changed world is rebuilt once too."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from mdekit.emulator.hunting.store import fingerprint
from tests.support.scale_children import count_probe_rows


def _ask_together(directory: Path, log: Path, rows: int, processes: int = 3) -> list[int]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    children = [
        context.Process(
            target=count_probe_rows, args=(str(directory), str(log), rows, barrier, results)
        )
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    answers = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    return answers


def test_processes_asking_at_once_build_the_file_once(tmp_path: Path) -> None:
    directory, log = tmp_path / "hunting", tmp_path / "builds.log"
    assert _ask_together(directory, log, rows=1234) == [1234] * 3
    assert len(log.read_text().splitlines()) == 1
    assert (directory / "tenant-1.fingerprint").read_text() == fingerprint({"rows": 1234})
    # A changed world: built once more, and every process answers from the new file.
    assert _ask_together(directory, log, rows=77) == [77] * 3
    assert len(log.read_text().splitlines()) == 2
    leftovers = [p.name for p in directory.iterdir() if "building" in p.name or p.suffix == ".wal"]
    assert leftovers == []
