"""The `hub` command, run in-process (and once as a real subprocess for `serve`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.cli import main as cli
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
    import re
    import signal
    import subprocess
    import sys
    import threading
    import time

    import httpx

    from graph_model.stores.embedded import EmbeddedServer

    port = _free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(port)], cwd=repo_root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/graphql"
    query = {"query": "{ provinces { totalCount } }"}
    try:
        deadline = time.monotonic() + 120
        anonymous = body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                anonymous = httpx.post(url, json=query, timeout=5)
            except httpx.TransportError:
                time.sleep(0.3)
                continue
            # The demo key is printed once, on its own line, before the server starts listening.
            found = re.search(r"^\s*(hub_[0-9a-f]{12}_[A-Za-z0-9_-]+)\s*$", "".join(lines), re.M)
            if found is None:
                time.sleep(0.3)  # the reader thread may not have reached that line yet
                continue
            body = httpx.post(url, json=query, headers={"Authorization": f"Bearer {found.group(1)}"},
                              timeout=5).json()
            break
        assert anonymous is not None and anonymous.status_code == 401, "".join(lines)
        assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert body == {"data": {"provinces": {"totalCount": 31}}}, "".join(lines)
    finally:
        proc.send_signal(signal.SIGTERM)  # what systemd, docker and kill send
        proc.wait(timeout=60)
        reader.join(timeout=10)
    output = "".join(lines)
    assert "seeding the demo profile" in output
    token = re.findall(r"hub_[0-9a-f]{12}_[A-Za-z0-9_-]+", output)[0]
    assert f"curl -H 'Authorization: Bearer {token}'" in output and url in output
    assert f'{{"Authorization": "Bearer {token}"}}' in output and "Headers tab" in output
    assert proc.returncode == 0, output
    assert not EmbeddedServer(tmp_path).ping(), "serve must stop the server it started"
