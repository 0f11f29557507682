"""Faults: the store killed and restarted under traffic, acknowledged writes after a kill -9,
an interrupted `hub seed`, statement timeouts, fail-fast settings of both adapters.

Every destructive test runs its own embedded server in a temporary folder; the session's
``server`` fixture is only used (never killed) for the statement-timeout test. Faults are real
(SIGKILL of the server or of `hub seed`); mocks only hold a restart back, so that the outage
lasts until the test has looked at it, and record what the Neo4j driver is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import neo4j
import neo4j.exceptions as nx
import pytest
import redis

from graph_model import queries
from graph_model.cypher import statement
from graph_model.enums import Label
from graph_model.errors import StatementTimeout, StoreUnavailable
from graph_model.statements.reads import COUNT
from graph_model.stores import neo4j as neo4j_store
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore, client_for, open_embedded
from graph_model.stores.neo4j import Neo4jStore, open_neo4j
from hub.app import create_app
from hub.settings import Limits, Settings
from hub.supervisor import Supervisor
from seed.loader import load
from seed.profiles import build
from tests.asgi import TEST_JWT_KEY, asgi_client, token

DONORS = "query { donors(first: 1) { totalCount } }"
CREATE_DONOR = """mutation($input: CreateDonorInput!) {
  createDonor(input: $input) { ... on Donor { key } ... on MutationError { code message } }
}"""
# Bounds, not measurements: a request that hangs instead of failing fast fails the test.
FAST = 5.0
RECOVERY = 60.0
# The tests send more requests than a key's default rate allows.
UNLIMITED = Settings(limits=Limits(rate_per_minute=0))


def _donor(key: str) -> dict[str, Any]:
    return {"input": {"key": key, "nameFa": "نیکوکار", "nameEn": "Donor", "kind": "COMPANY"}}


@contextlib.asynccontextmanager
async def own_app(data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app opening (and so supervising) the embedded store itself, as `hub serve` workers do."""
    settings = dataclasses.replace(UNLIMITED, data_dir=data_dir, graph="g", jwt_key=TEST_JWT_KEY,
                                   jwt_algorithm="HS256")
    app = create_app(settings)
    async with app.router.lifespan_context(app) as state:
        assert state is not None  # the hub's lifespan yields its state

        async def with_state(scope: Any, receive: Any, send: Any) -> None:
            scope["state"] = dict(state)
            await app(scope, receive, send)

        headers = {"Authorization": f"Bearer {token('admin')}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=with_state), base_url="http://hub",
                                     headers=headers) as client:
            client.store = state["store"]  # type: ignore[attr-defined]
            yield client


async def _post(client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
                accept: str = "application/json") -> httpx.Response:
    return await asyncio.wait_for(
        client.post("/graphql", json={"query": query, "variables": variables or {}}, headers={"Accept": accept}),
        FAST)


def _codes(response: httpx.Response) -> set[str | None]:
    return {(e.get("extensions") or {}).get("code") for e in response.json().get("errors") or []}


async def _until(condition: Any, what: str, limit: float = RECOVERY) -> None:
    deadline = time.monotonic() + limit
    while not await condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.05)


def _stop(data_dir: Path) -> None:
    """Stop a server a killed process left behind (it started it in its own session)."""
    pid = EmbeddedServer(data_dir).running_pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(600):
        if EmbeddedServer(data_dir).running_pid() is None:
            return
        time.sleep(0.05)


# -- (a) the store killed and restarted while requests flow ---------------------------------


async def test_requests_fail_fast_while_the_store_is_down_and_recover_without_a_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hub.supervisor")
    # Fault injection: the supervisor's restart waits for the test, so the outage lasts until
    # the test has seen it (the real restart then runs).
    noticed, release = threading.Event(), threading.Event()
    real_restart = EmbeddedServer.restart

    def held_restart(self: EmbeddedServer, timeout: float = 30.0) -> bool:
        noticed.set()
        release.wait(RECOVERY)
        return real_restart(self, timeout)

    monkeypatch.setattr(EmbeddedServer, "restart", held_restart)
    async with own_app(tmp_path) as client:
        server: EmbeddedServer = client.store.server  # type: ignore[attr-defined]
        assert server is not None and server.owned, "the app started the server, so it supervises it"
        created = await _post(client, CREATE_DONOR, _donor("before-kill"))
        assert created.json()["data"]["createDonor"] == {"key": "before-kill"}
        assert (await client.get("/readyz")).status_code == 200

        seen: list[httpx.Response] = []
        stop = asyncio.Event()

        async def traffic() -> None:
            while not stop.is_set():
                seen.append(await _post(client, DONORS))
                await asyncio.sleep(0.02)

        flowing = asyncio.create_task(traffic())
        old_pid = server.running_pid()
        assert old_pid is not None
        os.kill(old_pid, signal.SIGKILL)
        await _until(lambda: asyncio.to_thread(noticed.wait, 0.05), "the supervisor to notice")

        down = await _post(client, DONORS)
        assert down.status_code == 503 and _codes(down) == {"STORE_UNAVAILABLE"}
        assert down.headers["retry-after"]
        spec = await _post(client, DONORS, accept="application/graphql-response+json")
        assert spec.status_code == 503 and _codes(spec) == {"STORE_UNAVAILABLE"}
        write = await _post(client, CREATE_DONOR, _donor("during-outage"))
        assert write.status_code == 503 and _codes(write) == {"STORE_UNAVAILABLE"}
        ready = await asyncio.wait_for(client.get("/readyz"), FAST)
        assert ready.status_code == 503 and ready.json()["error"] == "STORE_UNAVAILABLE"

        released_at = len(seen)
        release.set()

        async def ready_again() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await _until(ready_again, "/readyz to answer 200 again")
        assert server.running_pid() not in (None, old_pid)
        after = await _post(client, DONORS)
        assert after.status_code == 200 and "errors" not in after.json()
        assert after.json()["data"]["donors"]["totalCount"] == 1, "the donor written before the kill is there"
        created = await _post(client, CREATE_DONOR, _donor("after-restart"))
        assert created.json()["data"]["createDonor"] == {"key": "after-restart"}

        # The flowing requests are answered again too. Waited for: between two of its requests the
        # traffic sleeps 20 ms, longer than the two requests above may take on an idle machine.
        async def traffic_answered() -> bool:
            return any(r.status_code == 200 for r in seen[released_at:])

        await _until(traffic_answered, "the flowing requests to be answered again")
        stop.set()
        await flowing
    statuses = {r.status_code for r in seen}
    assert statuses <= {200, 503}, f"no other status while the store comes and goes: {statuses}"
    assert all(_codes(r) == {"STORE_UNAVAILABLE"} for r in seen if r.status_code == 503)
    assert 200 in statuses
    restarted = [r for r in caplog.records if "restart" in r.getMessage()]
    assert restarted and all(r.levelno == logging.WARNING for r in restarted)
    assert not EmbeddedServer(tmp_path).ping(), "the app stopped the server it restarted"


def test_hub_serve_supervisor_thread_restarts_a_killed_server(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path)
    assert server.start() is True
    supervisor = Supervisor(server, interval=0.1)
    try:
        with supervisor.in_thread():
            old_pid = server.running_pid()
            assert old_pid is not None
            os.kill(old_pid, signal.SIGKILL)
            deadline = time.monotonic() + RECOVERY
            while supervisor.restarts == 0 or not server.ping():
                assert time.monotonic() < deadline, "the supervisor did not restart the server"
                time.sleep(0.05)
        assert server.owned and server.running_pid() not in (None, old_pid)
    finally:
        server.stop()


# -- (b) acknowledged writes survive a kill -9 of the database ------------------------------


async def test_acknowledged_mutations_survive_a_kill_of_the_database(tmp_path: Path) -> None:
    settings = Settings()
    store = await open_embedded(str(tmp_path), "g", fsync=settings.fsync)
    await store.ensure_schema()  # as `hub serve` does before its first request (hub/stores.py)
    server = store.server
    assert server is not None
    config = redis.Redis(unix_socket_path=str(server.socket_path), decode_responses=True)
    persistence = {k: v for key in ("appendonly", "appendfsync", "save") for k, v in config.config_get(key).items()}
    config.close()
    assert persistence == {"appendonly": "yes", "appendfsync": "always", "save": ""}
    keys = [f"acked-{i}" for i in range(200)]
    try:
        async with asgi_client(store, UNLIMITED) as client:
            slots = asyncio.Semaphore(8)

            async def create(key: str) -> None:
                async with slots:
                    response = await _post(client, CREATE_DONOR, _donor(key))
                assert response.json()["data"]["createDonor"] == {"key": key}  # acknowledged

            await asyncio.gather(*(create(k) for k in keys))
        pid = server.running_pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)  # right after the last acknowledgement
        await _until(lambda: asyncio.to_thread(lambda: server.exited() is not None), "the server to die", FAST)
        assert server.exited() == -signal.SIGKILL
    finally:
        await store.close()
    # Every write was logged as its effects, none as query text (only the schema's indexes are): the
    # two kinds interleaved replay in another order than they ran (graph_model.stores.embedded,
    # EFFECTS_THRESHOLD).
    logged = b"".join(p.read_bytes() for p in (tmp_path / "appendonlydir").glob("*.incr.aof"))
    as_text = re.findall(rb"GRAPH\.QUERY\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n([^\r]{0,40})", logged)
    assert b"GRAPH.EFFECT" in logged and as_text and all(q.startswith(b"CREATE INDEX") for q in as_text), as_text
    again = await open_embedded(str(tmp_path), "g")
    try:
        assert again.server is not None, "a new server process replayed the append-only file"
        found = await queries.by_keys(again, Label.DONOR, keys)
        assert sorted(found) == sorted(keys)
    finally:
        await again.close()


# -- (c) an interrupted `hub seed` run again ends with a clean run's counts ----------------


# Runs `hub seed` and kills itself with SIGKILL once `after` batches were acknowledged
# (another may be in flight): a real kill at a point the test chooses.
KILLED_SEED = textwrap.dedent("""
    import os, signal, sys
    import seed.loader as loader
    real, done = loader._write, [0]
    async def write(*args, **kwargs):
        await real(*args, **kwargs)
        done[0] += 1
        if done[0] == int(sys.argv[1]):
            os.kill(os.getpid(), signal.SIGKILL)
    loader._write = write
    from hub.cli.main import main
    sys.exit(main(["seed", "--profile", "demo"]))
""")


def _seed(repo_root: Path, data_dir: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_GRAPH": "g"}
    return subprocess.run([sys.executable, *command], cwd=repo_root, env=env, capture_output=True, text=True,
                          timeout=300)


async def _counts(data_dir: Path) -> tuple[dict[str, int], dict[str, int]]:
    store = await open_embedded(str(data_dir), "g")
    try:
        return await queries.node_counts(store), await queries.rel_counts(store)
    finally:
        await store.close()


async def test_an_interrupted_hub_seed_run_again_ends_with_a_clean_runs_counts(tmp_path: Path,
                                                                              repo_root: Path) -> None:
    clean_dir, killed_dir = tmp_path / "clean", tmp_path / "killed"
    try:
        fresh = await open_embedded(str(clean_dir), "g")  # a fresh server's clean load
        try:
            await load(fresh, build("demo"))
        finally:
            await fresh.close()
        clean = await _counts(clean_dir)
        assert sum(clean[0].values()) > 0 and sum(clean[1].values()) > 0

        killed = _seed(repo_root, killed_dir, "-c", KILLED_SEED, "12")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        partial = await _counts(killed_dir)
        assert sum(partial[0].values()) > 0 and partial != clean, "killed part way, not before or after"

        again = _seed(repo_root, killed_dir, "-m", "hub.cli", "seed", "--profile", "demo")
        assert again.returncode == 0, again.stderr
        assert await _counts(killed_dir) == clean
    finally:
        _stop(killed_dir)  # the killed seed's server outlived it (it runs in its own session)
        _stop(clean_dir)


# -- statement timeouts ----------------------------------------------------------------


FILL = statement("test_faults_fill", "UNWIND range(1, 3000) AS x CREATE (:Person {key: 'p' + toString(x)}) "
                 "RETURN count(x) AS n", write=True, register=False)
SLOW_READ = statement("test_faults_slow_read", "MATCH (a:Person), (b:Person) WHERE a.key < b.key "
                      "RETURN count(*) AS pairs", register=False)
SLOW_WRITE = statement("test_faults_slow_write", "MATCH (a:Person), (b:Person) WHERE a.key < b.key "
                       "CREATE (:Event {key: a.key + b.key}) RETURN count(*) AS created", write=True,
                       register=False)


async def test_a_statement_over_the_timeout_is_stopped_and_a_write_rolled_back(server: EmbeddedServer) -> None:
    graph = f"test_faults_timeout_{os.getpid()}"
    store = FalkorStore(client_for(server, 20), graph, location=str(server.socket_path), timeout_ms=20)
    try:
        await store.write(FILL)
        with pytest.raises(StatementTimeout, match=r"20 ms \(HUB_STATEMENT_TIMEOUT_MS\)") as read:
            await store.read(SLOW_READ)
        assert read.value.code == "STATEMENT_TIMEOUT"
        with pytest.raises(StatementTimeout):
            await store.write(SLOW_WRITE)
        assert (await store.read(COUNT[Label.EVENT]))[0]["total"] == 0, "the timed-out write left nothing"
        assert (await store.read(COUNT[Label.PERSON]))[0]["total"] == 3000
    finally:
        await store.clear()
        await store.close()


async def test_settings_timeout_reaches_every_statement(tmp_path: Path) -> None:
    settings = dataclasses.replace(Settings(), data_dir=tmp_path, graph="g", statement_timeout_ms=1234)
    from hub.stores import open_store

    store = await open_store(settings)
    try:
        assert isinstance(store, FalkorStore)
        sent: list[tuple[Any, ...]] = []
        real = store._send

        async def recording(*args: Any) -> Any:
            sent.append(args)
            return await real(*args)

        store._send = recording  # type: ignore[method-assign]
        await store.read(COUNT[Label.DONOR])
        await store.write(FILL)
        assert [a[0] for a in sent] == ["GRAPH.RO_QUERY", "GRAPH.QUERY", "GRAPH.QUERY"]  # + version bump
        assert all(a[-2:] == ("timeout", 1234) for a in sent)
    finally:
        await store.close()


def _client_error(code: str, message: str) -> nx.Neo4jError:
    return nx.Neo4jError._hydrate_neo4j(code=code, message=message)


class TimingOutDriver:
    """Fault injection: Neo4j stops every transaction for running over its timeout."""

    def __init__(self) -> None:
        self.queries: list[neo4j.Query] = []

    async def execute_query(self, query: neo4j.Query, params: dict[str, Any], **kwargs: Any) -> Any:
        self.queries.append(query)
        raise _client_error("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                            "The transaction has been terminated: it ran longer than its timeout.")

    async def close(self) -> None:
        pass


async def test_neo4j_statements_carry_the_timeout_and_a_timeout_is_named() -> None:
    driver = TimingOutDriver()
    store = Neo4jStore(driver, "neo4j", timeout_ms=2500)  # type: ignore[arg-type]
    with pytest.raises(StatementTimeout, match=r"2500 ms \(HUB_STATEMENT_TIMEOUT_MS\)"):
        await store.read(COUNT[Label.DONOR])
    assert [q.timeout for q in driver.queries] == [2.5]


async def test_neo4j_driver_fails_fast_when_the_server_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    given: dict[str, Any] = {}
    real_driver = neo4j.AsyncGraphDatabase.driver

    def recording(uri: str, **config: Any) -> Any:
        given.update(config)
        return real_driver(uri, **config)

    monkeypatch.setattr(neo4j.AsyncGraphDatabase, "driver", recording)
    with pytest.raises(StoreUnavailable):
        await open_neo4j("neo4j://127.0.0.1:9", "neo4j", "secret", "neo4j", timeout_ms=4000)
    assert given["connection_timeout"] == neo4j_store.CONNECT_TIMEOUT_S <= 5
    assert given["max_transaction_retry_time"] == neo4j_store.RETRY_WINDOW_S <= 5
    assert given["connection_acquisition_timeout"] == neo4j_store.CONNECT_TIMEOUT_S + 4.0
