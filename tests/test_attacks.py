"""Resource attacks on a real server (issue 15, section 3): while each runs, `/healthz` and a cheap
query of another key still answer.

`hub serve` runs in a subprocess (its own event loop and process: a loop blocked by the attack
would not hide behind the test's) over the `demo` profile, seeded once for the module. Each attack
is sent by one key (`attacker`) while a bystander polls `/healthz` and a cheap query with its own
key; the attack must be refused (LIMIT_EXCEEDED, before any work) or bounded, and the bystander's
worst latencies stay under generous bounds that a slow, busy 2-core machine still meets (`/healthz`
< 1 s, the cheap query < 5 s). The measured figures are printed (`pytest -s`); the strict targets
(100 ms, 1 s) are measured by `benchmarks/load.py --attack` on `national` (benchmarks/README.md).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from graph_model import offload
from graph_model.networks.graph import WeightedGraph
from graph_model.networks.metrics import Metric, rank
from hub.settings import Limits
from tests.asgi import TEST_JWT_KEY, token

ROOT = Path(__file__).resolve().parent.parent
HUB = str(Path(sys.executable).with_name("hub"))
HEALTHZ_BOUND_S = 1.0
BYSTANDER_BOUND_S = 5.0
CHEAP = "{ provinces(first: 5) { totalCount nodes { key } } }"
MOST = Limits().list_items

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@dataclass
class Server:
    base: str
    attacker: dict[str, str] = field(default_factory=lambda: _auth("attacker"))
    bystander: dict[str, str] = field(default_factory=lambda: _auth("bystander"))


def _auth(subject: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('viewer', subject=subject)}"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("attacks")
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_JWT_KEY": TEST_JWT_KEY, "HUB_JWT_ALGORITHM": "HS256",
           "HUB_RATE_LIMIT": "0"}  # the attacks must reach the limits under test, not the rate limit
    seeded = subprocess.run([HUB, "seed", "--profile", "demo"], env=env, cwd=ROOT, capture_output=True, text=True)
    # Its own words when it fails (a CalledProcessError shows only the exit status: one failure in a
    # full run on 2026-12-03 could not be explained afterwards).
    assert seeded.returncode == 0, (f"hub seed exited {seeded.returncode}:\n"
                                    f"{seeded.stdout[-2000:]}\n{seeded.stderr[-2000:]}")
    port = _free_port()
    log = (data_dir / "serve.log").open("wb")
    process = subprocess.Popen([HUB, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (data_dir / "serve.log").read_text()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            assert time.monotonic() < deadline, "hub serve was not ready in 120 s"
            time.sleep(0.2)
        yield Server(base)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Watch:
    """The bystander's worst latencies while an attack ran."""

    healthz: list[float] = field(default_factory=list)
    cheap: list[float] = field(default_factory=list)

    def report(self, attack: str) -> str:
        return (f"{attack}: /healthz worst {max(self.healthz) * 1000:.0f} ms over {len(self.healthz)}, "
                f"other key's query worst {max(self.cheap) * 1000:.0f} ms over {len(self.cheap)}")


async def _watch(client: httpx.AsyncClient, server: Server, done: asyncio.Event, watch: Watch) -> None:
    """Poll until the attack is over (at least once each), recording latencies and checking answers."""
    while True:
        started = time.perf_counter()
        health = await client.get("/healthz")
        watch.healthz.append(time.perf_counter() - started)
        assert health.status_code == 200, health.text
        started = time.perf_counter()
        cheap = await client.post("/graphql", json={"query": CHEAP}, headers=server.bystander)
        watch.cheap.append(time.perf_counter() - started)
        assert cheap.status_code == 200 and "errors" not in cheap.json(), cheap.text
        if done.is_set():
            return
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def clients(server: Server) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """One client for the attacker, one for the bystander (separate connection pools)."""
    timeout = httpx.Timeout(120.0)
    async with httpx.AsyncClient(base_url=server.base, timeout=timeout) as attacker, \
            httpx.AsyncClient(base_url=server.base, timeout=timeout) as bystander:
        yield attacker, bystander


async def under_attack(server: Server, name: str, attack: Awaitable[Any]) -> Any:
    """Run ``attack`` while the bystander watches; assert the bounds and print the figures."""
    async with clients(server) as (_, bystander):
        done, watch = asyncio.Event(), Watch()
        watching = asyncio.ensure_future(_watch(bystander, server, done, watch))
        try:
            result = await attack
        finally:
            done.set()
        await watching
    print(watch.report(name))
    assert max(watch.healthz) < HEALTHZ_BOUND_S, watch.report(name)
    assert max(watch.cheap) < BYSTANDER_BOUND_S, watch.report(name)
    return result


def _refusal(response: httpx.Response, limit: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and error["extensions"]["limit"] == limit, error
    return error


def _institution(i: int) -> str:
    return base64.b64encode(f"Institution:inst-{i:06d}".encode()).decode()


LISTS: dict[str, tuple[str, dict[str, Any], str, int]] = {
    "29,000 ids": ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                   {"ids": [_institution(i) for i in range(29_000)]}, "nodes.ids", 29_000),
    "90,000 enum values": ("query($f: InstitutionFilter) { institutions(filter: $f) { totalCount } }",
                           {"f": {"kind": ["SCHOOL", "CHARITY", "CLINIC"] * 30_000}}, "institutions.filter.kind",
                           90_000),
    "11,000 what-if changes": (
        "query($q: CoverageQuestion!, $c: [CoverageChangeInput!]!) { coverageWhatIf(question: $q, changes: $c) "
        "{ after { need } } }",
        {"q": {"service": "svc-x"}, "c": [{"closeInstitution": f"inst-{i:06d}"} for i in range(11_000)]},
        "coverageWhatIf.changes", 11_000),
}


@pytest.mark.parametrize("case", LISTS)
async def test_huge_lists_are_refused_while_others_are_served(server: Server, case: str) -> None:
    query, variables, where, length = LISTS[case]

    async def attack() -> list[httpx.Response]:
        async with clients(server) as (attacker, _):
            # Several at once, as the attacker sent them.
            return list(await asyncio.gather(*(attacker.post("/graphql", json={"query": query, "variables": variables},
                                                             headers=server.attacker) for _ in range(4))))

    for response in await under_attack(server, case, attack()):
        error = _refusal(response, "list")
        assert (error["extensions"]["argument"], error["extensions"]["value"]) == (where, length)


async def test_thirty_aliased_brokers_are_refused(server: Server) -> None:
    aliased = " ".join(f"b{i}: brokers(metric: BETWEENNESS, scope: {{jalaliYear: {1370 + i}}}) {{ nodes }}"
                       for i in range(30))

    async def attack() -> list[httpx.Response]:
        async with clients(server) as (attacker, _):
            return list(await asyncio.gather(*(attacker.post("/graphql", json={"query": "{ " + aliased + " }"},
                                                             headers=server.attacker) for _ in range(4))))

    for response in await under_attack(server, "30 aliased brokers x 4", attack()):
        assert _refusal(response, "cost")["extensions"]["value"] > 300_000


async def test_concurrent_analytics_of_one_key_are_bounded(server: Server) -> None:
    """Twelve analyses at once from one key, each over a different window (nothing cached): at most
    two run at once (HUB_MAX_CONCURRENT_ANALYTICS), the others are refused at once; none is queued."""
    def analysis(i: int) -> str:
        window = f"scope: {{jalaliYear: {1380 + i}}}"
        if i % 2:
            return f"{{ communities({window}) {{ modularity }} }}"
        return f"{{ brokers(metric: BETWEENNESS, {window}) {{ nodes edges }} }}"

    async def attack() -> list[httpx.Response]:
        async with clients(server) as (attacker, _):
            return list(await asyncio.gather(*(attacker.post("/graphql", json={"query": analysis(i)},
                                                             headers=server.attacker) for i in range(12))))

    responses = await under_attack(server, "12 concurrent analyses of one key", attack())
    ran = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code != 200]
    for response in ran:
        assert "errors" not in response.json(), response.text
    for response in refused:
        assert _refusal(response, "concurrent")["extensions"]["maximum"] == Limits().concurrent_analytics
    print(f"12 concurrent analyses of one key: {len(ran)} ran, {len(refused)} refused")
    assert ran and refused
    # The key is free again once they finished.
    async with clients(server) as (attacker, _):
        again = await attacker.post("/graphql", json={"query": analysis(0)}, headers=server.attacker)
        assert again.status_code == 200 and "errors" not in again.json(), again.text


async def test_a_what_if_within_the_limit_is_bounded(server: Server) -> None:
    """The largest what-if allowed (HUB_MAX_LIST changes) runs to an answer without starving others."""
    query = ("query($q: CoverageQuestion!, $c: [CoverageChangeInput!]!) { coverageWhatIf(question: $q, changes: $c) "
             "{ after { need } } }")
    async with clients(server) as (attacker, _):
        found = await attacker.post("/graphql", json={
            "query": "{ services(first: 1) { nodes { key } } counties(first: 100) { nodes { key } } }"},
            headers=server.attacker)
        data = found.json()["data"]
    service = data["services"]["nodes"][0]["key"]
    counties = [n["key"] for n in data["counties"]["nodes"]]
    changes = [{"addCapacity": {"capacity": 10, "county": counties[i % len(counties)]}} for i in range(MOST)]

    async def attack() -> httpx.Response:
        async with clients(server) as (attacker, _):
            return await attacker.post("/graphql", json={"query": query, "variables": {
                "q": {"service": service}, "c": changes}}, headers={
                "Authorization": f"Bearer {token('planner', subject='attacker')}"})

    response = await under_attack(server, f"what-if of {MOST} changes", attack())
    assert response.status_code == 200 and "errors" not in response.json(), response.text


async def test_graph_metrics_of_large_graphs_leave_the_event_loop_free(monkeypatch: pytest.MonkeyPatch) -> None:
    """igraph holds the GIL for a whole call (seconds on the national projection), so from
    PROCESS_MIN_EDGES edges a metric runs in a child process: the same answer as in a thread, and the
    loop keeps ticking meanwhile (its worst delay is printed; bounded generously)."""
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 600, 6_000), rng.integers(0, 600, 6_000)
    pairs = np.unique(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)[a != b], axis=0)
    graph = WeightedGraph.from_columns(tuple(f"n{i:04d}" for i in range(600)), pairs[:, 0], pairs[:, 1],
                                       rng.random(len(pairs)) + 0.1)
    monkeypatch.setattr(offload, "PROCESS_MIN_EDGES", 0)

    async def worst_lag(work: Awaitable[Any]) -> tuple[Any, float]:
        task, worst = asyncio.ensure_future(work), 0.0
        while not task.done():
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            worst = max(worst, time.perf_counter() - started - 0.01)
        return task.result(), worst

    async with offload.lane():
        ranked, lag = await worst_lag(offload.offload_graph(rank, graph, Metric.BETWEENNESS))
    print(f"betweenness of {graph.size:,} edges in a child process: worst loop delay {lag * 1000:.0f} ms")
    assert ranked.order == rank(graph, Metric.BETWEENNESS).order
    assert lag < HEALTHZ_BOUND_S
