"""An orphaned store (issue 15, section 5): after `kill -9` of `hub serve`, its FalkorDB server
goes with it; a server a hub finds running (one a killed process of an older hub left behind, or
another program's) is adopted and supervised: killed, it is restarted by the hub by itself.

Real processes throughout: `hub serve` subprocesses, real SIGKILLs, a real redis-server left
without its hub. Deadlines are generous bounds (a slow machine gives a slow pass).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from graph_model.enums import Label
from graph_model.statements.loading import UPSERT_NODE
from graph_model.stores.embedded import EmbeddedServer, _binaries
from graph_model.stores.falkordb import open_embedded
from graph_model.stores.spawn import SPAWNER
from tests.asgi import TEST_JWT_KEY, token

DEADLINE = 120.0
DONORS = {"query": "{ donors(first: 1) { totalCount } }"}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _until(condition: Callable[[], bool], what: str, limit: float = DEADLINE) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    """Alive and not a zombie (a killed child of this test stays one until it is reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class Hub:
    """A real `hub serve` on a data folder, authenticated with a JWT (no demo seeding: the
    folder holds a donor already)."""

    def __init__(self, repo_root: Path, data_dir: Path, log: Path) -> None:
        self.port = _free_port()
        env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_GRAPH": "g", "HUB_JWT_KEY": TEST_JWT_KEY,
               "HUB_JWT_ALGORITHM": "HS256"}
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(self.port)],
                                         cwd=repo_root, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.headers = {"Authorization": f"Bearer {token('admin')}"}

    def donors(self) -> int | None:
        """The donor count, or None while the hub or its store does not answer."""
        assert self.proc.poll() is None, self.log.read_text()
        try:
            response = httpx.post(f"http://127.0.0.1:{self.port}/graphql", json=DONORS, headers=self.headers,
                                  timeout=10)
        except httpx.TransportError:
            return None
        if response.status_code != 200:
            assert response.status_code == 503, response.text  # the store is down: nothing else
            return None
        return int(response.json()["data"]["donors"]["totalCount"])

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=60)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"

    async def one_donor() -> None:
        store = await open_embedded(str(folder), "g")
        try:
            await store.write(UPSERT_NODE[Label.DONOR], rows=[{"key": "d1", "props": {"nameFa": "الف", "nameEn": "A"}}])
        finally:
            await store.close()

    asyncio.run(one_donor())
    yield folder
    pid = EmbeddedServer(folder).running_pid()  # whatever a failed test left behind
    if pid is not None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not SPAWNER.dies_with_parent, reason="PR_SET_PDEATHSIG is Linux only")
def test_a_killed_hub_takes_its_store_along_and_a_found_store_is_supervised(
        repo_root: Path, data_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "hub.log"
    first = Hub(repo_root, data_dir, log)
    hubs = [first]
    orphan: subprocess.Popen[bytes] | None = None
    try:
        _until(lambda: first.donors() == 1, "the first hub to answer")
        started = EmbeddedServer(data_dir).running_pid()
        assert started is not None
        first.kill()
        # The server it started dies with it (SIGTERM: it flushes and removes its socket), rather
        # than running on unsupervised for the next hub to reuse.
        _until(lambda: not _alive(started), "the killed hub's server to end")
        assert not EmbeddedServer(data_dir).ping()

        # A server left running by something that is not a hub (as a killed older hub left it):
        # started here without the spawner, so nothing ends it.
        server, module = _binaries()
        orphan = subprocess.Popen(EmbeddedServer(data_dir).arguments(server, module), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _until(EmbeddedServer(data_dir).ping, "the orphan to answer")
        second = Hub(repo_root, data_dir, log)
        hubs.append(second)
        _until(lambda: second.donors() == 1, "the second hub to answer on the server it found")
        assert EmbeddedServer(data_dir).running_pid() == orphan.pid, "it adopted the running server"

        orphan.send_signal(signal.SIGKILL)  # the adopted store dies: left a zombie until reaped below
        _until(lambda: second.donors() == 1, "requests to succeed again with nobody restarting anything")
        restarted = EmbeddedServer(data_dir).running_pid()
        assert restarted is not None and restarted != orphan.pid
        assert orphan.wait(timeout=10) == -signal.SIGKILL

        # Kill the adopter too: the server it restarted is its own now and ends with it.
        second.kill()
        _until(lambda: not _alive(restarted), "the server the second hub restarted to end with it")
    finally:
        for hub in hubs:
            if hub.proc.poll() is None:
                hub.kill()
        if orphan is not None and orphan.poll() is None:
            orphan.kill()
            orphan.wait()
