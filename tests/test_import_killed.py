"""An import killed half-way (the CLI in a subprocess, SIGKILL after its first batch is written)
and run again ends with the graph one clean run makes; the CLI's exit codes and report."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from graph_model.importing.write import totals_differ
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from hub.cli import main as cli
from tests.builders import GIFT_ROWS, build_world, gifts_file, snapshot

ROOT = Path(__file__).resolve().parent.parent
ROWS = GIFT_ROWS


def hub_env(server: EmbeddedServer, store: FalkorStore, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HUB_DATA_DIR": str(server.data_dir),
            "HUB_GRAPH": store.graph_name, **extra}


async def graph_state(store: FalkorStore) -> tuple[object, ...]:
    nodes, rels, _, edges = await snapshot(store)  # the version node differs between runs
    return nodes, rels, edges


async def test_killed_after_its_first_batch_then_rerun_equals_one_clean_run(
        store: FalkorStore, server: EmbeddedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await build_world(store)
    monkeypatch.setenv("HUB_DATA_DIR", str(server.data_dir))  # for the clean run, in this process
    monkeypatch.setenv("HUB_GRAPH", store.graph_name)
    path = gifts_file(tmp_path / "gifts.csv")
    marker = tmp_path / "first-batch"
    proc = subprocess.Popen([sys.executable, "-m", "hub.cli", "import", str(path), "--kind", "donations"],
                            env=hub_env(server, store, HUB_IMPORT_BATCH="3", HUB_IMPORT_PAUSE_MARKER=str(marker)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(600):  # wait for the marker (or the process to end), not for a time
            if marker.exists() or proc.poll() is not None:
                break
            await asyncio.sleep(0.1)
        assert marker.exists(), proc.communicate()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    partial = (await snapshot(store))[1].get("DONATED_TO", 0)
    # The first batch, and those in flight beside it when it was sent (up to write.IN_FLIGHT = 3) or
    # not: part way either way (12 rows in batches of 3).
    assert partial in (3, 6, 9)
    rerun = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "hub.cli", "import", str(path),
                                                     "--kind", "donations"],
                                    env=hub_env(server, store), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert not await totals_differ(store)
    interrupted = await graph_state(store)
    await store.clear()
    await store.ensure_schema()
    await build_world(store)
    assert await asyncio.to_thread(cli.main, ["import", str(path), "--kind", "donations"]) == 0
    assert await graph_state(store) == interrupted
    assert (await snapshot(store))[1]["DONATED_TO"] == ROWS


async def test_the_cli_reports_rejected_rows_and_exits_non_zero(
        store: FalkorStore, server: EmbeddedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await build_world(store)
    monkeypatch.setenv("HUB_DATA_DIR", str(server.data_dir))
    monkeypatch.setenv("HUB_GRAPH", store.graph_name)
    bad = tmp_path / "bad.csv"
    bad.write_text("donor,institution,amount,date\ndonor-1,inst-a,10,2024-01-01\ndonor-1,inst-z,10,2024-01-01\n",
                   encoding="utf-8")
    code = await asyncio.to_thread(cli.main, ["import", str(bad), "--kind", "donations", "--lang", "fa"])
    captured = capsys.readouterr()
    assert code == 1
    assert "row 3, column 'institution'" in captured.err and "inst-z" in captured.err
    assert "nothing written" in captured.out
    code = await asyncio.to_thread(cli.main, ["import", str(bad), "--kind", "donations", "--skip-invalid"])
    assert code == 1 and (await snapshot(store))[1]["DONATED_TO"] == 1
    assert await asyncio.to_thread(cli.main, ["import", "--columns", "institutions"]) == 0
    assert "نام فارسی" in capsys.readouterr().out
