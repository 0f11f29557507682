"""The `hub` command, run in-process (and once as a real subprocess for `serve`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import cli
from hub.schema import schema


def test_checked_in_schema_matches_the_code(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export-schema"]) == 0
    exported = capsys.readouterr().out
    assert exported == schema.as_str() + "\n"
    checked_in = (repo_root / "schema.graphql").read_text()
    assert exported == checked_in, "schema.graphql drifted: run `hub export-schema > schema.graphql`"


def test_bad_settings_give_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HUB_STORE", "mongodb")
    assert cli.main(["status"]) == 1
    err = capsys.readouterr().err.strip()
    assert "HUB_STORE" in err and "'mongodb' is not one of embedded, neo4j" in err
    assert len(err.splitlines()) == 1


def test_status_and_seed_on_a_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    assert cli.main(["seed", "--profile", "demo"]) == 0
    capsys.readouterr()
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "embedded" in out and str(tmp_path) in out
    assert "Institution" in out and "Province" in out
    assert any(line.split("│")[1:3] and line.split("│")[1].strip() == "Province"
               and line.split("│")[2].strip() == "31" for line in out.splitlines() if "│" in line)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_seeds_an_empty_store_and_answers(tmp_path: Path, repo_root: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from graph_model.stores.embedded import EmbeddedServer

    port = _free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(port)], cwd=repo_root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                body = httpx.post(f"http://127.0.0.1:{port}/graphql",
                                  json={"query": "{ provinces { totalCount } }"}, timeout=5).json()
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert body == {"data": {"provinces": {"totalCount": 31}}}
    finally:
        proc.send_signal(signal.SIGTERM)  # what systemd, docker and kill send
        output = proc.communicate(timeout=60)[0]
    assert "seeding the demo profile" in output
    assert proc.returncode == 0, output
    assert not EmbeddedServer(tmp_path).ping(), "serve must stop the server it started"
