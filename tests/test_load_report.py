"""benchmarks/load.py's report when the store's memory cannot be read: a FalkorDB the hub found already
running is not its child, so only the hub's own memory is sampled (the report once divided by that
zero and lost the run's figures)."""

from __future__ import annotations

from benchmarks import load


def test_a_store_that_is_not_the_hubs_child_is_reported_not_measured() -> None:
    tally = load.Tally()
    tally.latencies["node"] += [10.0, 12.0, 30.0]
    # (seconds, the hub's own VmRSS, the hub and its children): no children, so both columns agree.
    memory = [(float(t), 400_000, 400_000) for t in range(70)]
    with load.console.capture() as captured:
        ok = load.report(tally, 60.0, memory, 64)
    text = captured.get()
    assert ok, text
    assert "not measured" in text and "FalkorDB" in text, text
    assert "+0.0%" in text, text  # the hub's own growth is still judged
