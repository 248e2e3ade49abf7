"""Client-side pacing keeps every window of every quota under its limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mdekit.catalog import endpoint
from mdekit.client.pacing import Pacer, PacingSettings


def _simulate(pacer: Pacer, operation: str, arrivals: list[float]) -> list[float]:
    """When each call is actually sent if every caller sleeps as told."""
    sent = []
    for at in sorted(arrivals):
        sent.append(at + pacer.reserve(endpoint(operation), at))
    return sorted(sent)


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=5), min_size=1, max_size=400),
    operation=st.sampled_from(["alerts.list", "hunting.run", "alerts.batch_update"]),
)
def test_no_window_ever_holds_more_than_its_quota(gaps: list[float], operation: str) -> None:
    pacer = Pacer(PacingSettings(scale=1.0))
    arrivals, moment = [], 0.0
    for gap in gaps:
        moment += gap
        arrivals.append(moment)
    sent = _simulate(pacer, operation, arrivals)
    for limit in endpoint(operation).rate_limits:
        for index, start in enumerate(sent):
            # `at + wait` re-adds what the pacer subtracted: allow for float rounding.
            inside = sum(1 for t in sent[index:] if t < start + limit.seconds - 1e-6)
            assert inside <= limit.calls, (limit, start)


def test_a_burst_is_spread_out_not_refused() -> None:
    pacer = Pacer(PacingSettings(scale=1.0))
    waits = [pacer.reserve(endpoint("alerts.batch_update"), 0.0) for _ in range(12)]
    assert waits[:10] == [0.0] * 10
    assert waits[10] == 60.0
    assert waits[11] == 60.0


def test_scale_leaves_headroom_and_off_switch() -> None:
    pacer = Pacer()  # 95% of 100/min
    waits = [pacer.reserve(endpoint("alerts.list"), 0.0) for _ in range(96)]
    assert waits.count(0.0) == 95
    off = Pacer(PacingSettings(enabled=False))
    assert all(off.reserve(endpoint("alerts.list"), 0.0) == 0 for _ in range(500))
    assert pacer.reserve(endpoint("scores.exposure"), 0.0) == 0.0, "no documented limit"
