"""benchmarks/load.py's report when the store's memory cannot be read: a FalkorDB the hub found already
running is not its child, so only the hub's own memory is sampled (the report once divided by that
zero and lost the run's figures)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

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


def test_a_folder_a_server_already_serves_is_refused(tmp_path: Path) -> None:
    """benchmarks/peer/run.py and benchmarks/ab.py stop before timing instead of measuring a store the
    hub did not start (its CPU would read 0.0)."""
    load.refuse_if_served(tmp_path)  # no pid file: nothing to refuse
    # A live process that calls itself redis-server, named in the folder's pid file.
    server = subprocess.Popen(["bash", "-c", "exec -a redis-server sleep 60"])
    try:
        deadline = time.monotonic() + 30
        while b"redis-server" not in Path(f"/proc/{server.pid}/cmdline").read_bytes():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        (tmp_path / "falkordb.pid").write_text(f"{server.pid}\n")
        with pytest.raises(SystemExit, match=f"pid {server.pid}"):
            load.refuse_if_served(tmp_path)
    finally:
        server.kill()
        server.wait()
    load.refuse_if_served(tmp_path)  # its server gone, the stale pid file refuses nothing
