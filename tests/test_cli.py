"""The `hub` command, run in-process, and as real subprocesses (`serve`, `--help`, `status`)."""

from __future__ import annotations

import os
import subprocess
import sys
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
            answer = httpx.post(url, json={"query": "{ province(key: \"IR-06\") { nameFa } }"},
                                headers={"Authorization": f"Bearer {found.group(1)}"}, timeout=5)
            # orjson's UTF-8: Persian as it is, not \\uXXXX escapes
            assert "خوزستان".encode() in answer.content and b"\\u" not in answer.content, answer.content
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
    assert f"GraphiQL ({url}): paste it in the API key field" in output
    assert "POST /graphql" not in output, output  # no access log unless --access-log is given
    assert proc.returncode == 0, output
    assert not EmbeddedServer(tmp_path).ping(), "serve must stop the server it started"


# Start-up (issue 16): how long these take is reported by benchmarks/startup.py; the tests check that
# the real commands work and that the parser and `hub status` leave the heavy modules alone.

def _hub(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The `hub` console script of this virtualenv, as a person runs it."""
    hub = Path(sys.executable).with_name("hub")
    return subprocess.run([str(hub), *args], env=env, capture_output=True, text=True, timeout=120)


def test_hub_help_lists_every_command() -> None:
    done = _hub("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: hub ")
    for command in ("serve", "seed", "status", "export-schema", "needs", "keys", "operations"):
        assert command in done.stdout
    assert done.stderr == ""
    keys = _hub("keys", "create", "--help")
    roles = "viewer, planner, council_member, editor, supervisor, institution, admin"
    assert keys.returncode == 0 and roles in " ".join(keys.stdout.split())


def test_hub_status_starts_the_store_reports_it_and_stops_it(tmp_path: Path) -> None:
    from graph_model.stores.embedded import EmbeddedServer

    env = {**os.environ, "HUB_DATA_DIR": str(tmp_path), "HUB_STORE": "embedded"}
    done = _hub("status", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "store: embedded at" in done.stdout and "graph 'hub'" in done.stdout
    assert "nodes" in done.stdout and "relationships" in done.stdout
    rows = {cells[1].strip(): cells[2].strip() for line in done.stdout.splitlines()
            if len(cells := line.split("│")) > 3}
    assert rows["Province"] == "0" and rows["Institution"] == "0"
    assert not EmbeddedServer(tmp_path).ping(), "status must stop the server it started"


def test_hub_status_against_a_running_store_leaves_it_running(tmp_path: Path) -> None:
    from graph_model.stores.embedded import EmbeddedServer

    server = EmbeddedServer(tmp_path)
    server.start()
    try:
        done = _hub("status", env={**os.environ, "HUB_DATA_DIR": str(tmp_path), "HUB_STORE": "embedded"})
        assert done.returncode == 0, done.stdout + done.stderr
        assert str(server.socket_path) in done.stdout
        assert server.ping(), "status must not stop a server another process started"
    finally:
        server.stop()


HEAVY = ("neo4j", "pandas", "numpy", "hub_client", "strawberry", "graphql", "redis", "falkordb", "rich",
         "uvicorn", "hub.schema", "hub.app", "seed", "graph_model.queries", "graph_model.api_keys")


def _imported_by(code: str, env: dict[str, str] | None = None) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_parser_imports_no_command_implementation() -> None:
    # Building the parser (every `hub` command does, `hub --help` does nothing else) and reading
    # every subcommand's help must not import the store, the schema, the client or rich.
    modules = _imported_by("from hub.cli.main import parser\nparser()\n"
                           "from hub.cli import operations\nassert operations.CLIENT.name == 'client.py'")
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert loaded == []


def test_the_key_roles_in_the_help_are_the_stored_ones() -> None:
    from graph_model import api_keys
    from hub.cli import keys

    assert keys.ROLES == api_keys.ROLES


def test_status_on_the_embedded_store_does_not_import_neo4j(tmp_path: Path) -> None:
    env = {**os.environ, "HUB_DATA_DIR": str(tmp_path), "HUB_STORE": "embedded"}
    modules = _imported_by("from hub.cli.main import main\nassert main(['status']) == 0", env)
    assert "falkordb" in modules and "rich.table" in modules
    assert not {"neo4j", "pandas", "hub_client", "strawberry", "hub.schema"} & modules


def test_operations_default_folder_is_found_without_importing_the_client(repo_root: Path) -> None:
    from hub.cli import operations

    assert repo_root / "hub_client" / "client.py" == operations.CLIENT
    assert repo_root / "operations" == operations.OPERATIONS
