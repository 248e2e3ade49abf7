"""Fixtures: emulators in process and on real TLS ports, with temporary state. Quotas are
off in the shared fixtures (a test suite calls faster than 100/min); the throttling tests
turn them on for themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.emulators import InProcess, Served, in_process, served


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[InProcess]:
    """A fresh in-process emulator per test (its own SQLite state)."""
    with in_process(tmp_path / "emulator", quotas=False) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def shared_emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """One in-process emulator for read-only tests."""
    with in_process(tmp_path_factory.mktemp("shared-emulator"), quotas=False) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One emulator on a real HTTPS port for the whole session (tests must not change its
    dev app or world; make their own apps instead)."""
    with served(tmp_path_factory.mktemp("served-emulator"), quotas=False) as running:
        yield running


@pytest.fixture(scope="module")
def emu_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcess, str]]:
    """An emulator and a Graph token for tests that write junk to Graph."""
    with in_process(tmp_path_factory.mktemp("graph-fuzz"), quotas=False) as emulator:
        yield emulator, emulator.token("https://graph.microsoft.com/.default")
