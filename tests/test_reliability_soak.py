"""A short soak (`make soak` runs the long one): 20 seconds of steady mixed load on a served
emulator process (tokens, alert pages, machine actions and their reads, machine pages,
hunting queries) get no error at all, and the server's memory after warm-up stays within the
bound `bench/soak.py` checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.soak import MIX, soak

pytestmark = pytest.mark.slow

MAX_GROWTH = 0.20
"""The same bound as `make soak`: RSS at the end at most 20% above the post-warm-up RSS."""


def test_short_soak_has_no_errors_and_flat_memory(tmp_path: Path) -> None:
    result = soak(tmp_path / "soak", seconds=20, rate=30, workers=4, warmup_fraction=0.25)
    assert result.errors == [], result.errors[:5]
    assert set(result.by_operation) == set(MIX), "every kind of call was made"
    assert result.requests == 600, "every request of the schedule was made and answered"
    assert result.growth() <= MAX_GROWTH, result.summary()["rss_mib"]
