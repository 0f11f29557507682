"""Two checkouts of the hub side by side: the same question asked of each in turn, one request at a
time, and each server's CPU per request (its Python, and its embedded FalkorDB) over the same run.

    .venv/bin/python benchmarks/ab.py --base 95cb833 --data-dir /tmp/hubnat [--question page]
        [--requests 150] [--rounds 5] [--clients 16]

On a shared 2-core machine the same code measured alone gives a CPU per request that moves by a
third from one run to the next; asked in turn (A, B, B, A, ...), both sides see the same moment, so a
change of a few percent shows in every round. ``A`` is this checkout; ``B`` is ``--base`` (a commit,
checked out into a scratch worktree) or ``--other`` (a folder holding another checkout). Each side
gets its own copy of the seeded data folder (``--data-dir``, copied once into the scratch folder for
B), `hub serve --workers 1`, `HUB_RATE_LIMIT=0` and an `admin` token; the answers are checked
byte-equal before timing. Questions: `one` and `page` of benchmarks/peer (one institution, 100
institutions of IR-06), and `typename` (`{ __typename }`: the fixed cost of a request).
Prints each round and the median of the rounds: p50 and p99 (ms), Python and FalkorDB CPU (ms per
request). It measures, it does not judge: no target.

``--clients N`` (N > 1) asks each side with N clients at once, as benchmarks/peer does at 16 (each client with a
token of its own): a round runs A's phase then B's (B first in every other round), each of ``--requests``
requests, and prints req/s beside the rest. Both sides cannot be asked in turn request by request then, so the
rounds' spread says how far to trust a difference.

``--floor`` (with ``--question one``) puts benchmarks/floor.py's app in B's place: the least a Python
ASGI server over FalkorDB answers the question with (no GraphQL, one hand-written statement), its
answer checked byte-equal to the hub's like a checkout's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import refuse_if_served, token, wait_ready  # noqa: E402
from benchmarks.peer import measure, questions  # noqa: E402
from benchmarks.peer.run import free_port  # noqa: E402

QUESTIONS: dict[str, dict[str, Any]] = {
    "one": {"query": questions.HUB_ONE, "variables": {"key": "inst-birjand-hazrat-ali-akbar"}},
    "page": {"query": questions.HUB_PAGE, "variables": {"province": "IR-06"}},
    "typename": {"query": "{ __typename }"},
    # Of the same kind as the three (the peer benchmark's fourth): another province, entity, size, order.
    "other": {"query": questions.HUB_OTHER, "variables": {"province": "IR-01"}},
}


def other_checkout(args: argparse.Namespace, scratch: Path) -> Path:
    if args.floor:
        return ROOT
    if args.other:
        return Path(args.other).resolve()
    tree = scratch / "base"
    # The commit named here, not in the worktree (where HEAD is the worktree's own).
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{args.base}^{{commit}}"],
                            check=True, capture_output=True, text=True).stdout.strip()
    if tree.exists():
        subprocess.run(["git", "-C", str(tree), "checkout", "-q", "--detach", commit], check=True)
    else:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), commit], check=True)
    return tree


def data_copy(source: Path, scratch: Path) -> Path:
    """B's own copy of the seeded folder (two servers cannot share one), made once."""
    copy = scratch / "data-b"
    if not (copy / "appendonlydir").exists():
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("falkordb.lock", "*.sock", "*.new"),
                        dirs_exist_ok=True)
    return copy


def start(checkout: Path, data: Path, port: int, key: str, log: Path, floor: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HUB_DATA_DIR": str(data), "HUB_JWT_KEY": key, "HUB_JWT_ALGORITHM": "HS256",
           "HUB_RATE_LIMIT": "0", "PYTHONPATH": str(checkout)}
    # The floor under uvicorn as `hub serve` runs the hub (httptools, uvloop, no access log).
    command = (["uvicorn", "benchmarks.floor:app", "--loop", "uvloop", "--http", "httptools", "--no-access-log"]
               if floor else ["hub.cli", "serve", "--workers", "1"])
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", *command, "--host", "127.0.0.1", "--port", str(port)],
                                env=env, cwd=checkout, stdout=out, stderr=subprocess.STDOUT)


async def run(args: argparse.Namespace) -> None:
    if args.floor and args.question != "one":
        raise SystemExit("--floor answers the question `one` only")
    if args.clients < 1 or args.requests < 1:
        raise SystemExit("--clients and --requests take a whole number of at least 1")
    scratch = Path(args.scratch).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    data = Path(args.data_dir).resolve()
    if not (data / "appendonlydir").exists():
        raise SystemExit(f"{data} holds no seeded data: HUB_DATA_DIR={data} .venv/bin/hub seed --profile national")
    checkouts = {"A": ROOT, "B": other_checkout(args, scratch)}
    folders = {"A": data, "B": data_copy(data, scratch)}
    for folder in folders.values():
        refuse_if_served(folder)
    key = secrets.token_hex(32)
    ports = {side: free_port() for side in "AB"}
    servers = {side: start(checkouts[side], folders[side], ports[side], key, scratch / f"serve-{side}.log",
                           floor=args.floor and side == "B") for side in "AB"}
    body = QUESTIONS[args.question]
    headers = {"Authorization": f"Bearer {token(key, 'admin', 'ab-benchmark')}"}
    try:
        clients = {side: httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[side]}", headers=headers, timeout=120)
                   for side in "AB"}
        answers = {}
        for side in "AB":
            await wait_ready(clients[side], servers[side], scratch / f"serve-{side}.log")
            for _ in range(50):  # plans and caches warmed on both sides
                response = await clients[side].post("/graphql", json=body)
                response.raise_for_status()
            answers[side] = response.content
        if answers["A"] != answers["B"]:
            raise SystemExit("the two checkouts answer differently: nothing to compare")
        described = "benchmarks/floor.py" if args.floor else subprocess.run(
            ["git", "-C", str(checkouts["B"]), "log", "--oneline", "-1"], capture_output=True, text=True).stdout.strip()
        print(f"A = {checkouts['A']}, B = {checkouts['B']} ({described}); question {args.question}, "
              f"{args.requests} requests each a round, " + ("in turn" if args.clients == 1 else
                                                             f"by {args.clients} clients at once, phases in turn"))
        if args.clients > 1:
            await concurrent(args, servers, ports, key, body)
            return
        rounds: dict[str, list[tuple[float, float, float, float]]] = {"A": [], "B": []}
        for n in range(args.rounds):
            times: dict[str, list[float]] = {"A": [], "B": []}
            before = {s: (measure.own_cpu(servers[s].pid), measure.tree_cpu(servers[s].pid)) for s in "AB"}
            for i in range(args.requests):
                for side in ("AB" if i % 2 == 0 else "BA"):
                    started = time.perf_counter()
                    (await clients[side].post("/graphql", json=body)).raise_for_status()
                    times[side].append((time.perf_counter() - started) * 1000)
            for side in "AB":
                own = measure.own_cpu(servers[side].pid) - before[side][0]
                tree = measure.tree_cpu(servers[side].pid) - before[side][1]
                ordered = sorted(times[side])
                rounds[side].append((statistics.median(ordered), ordered[int(0.99 * (len(ordered) - 1))],
                                     own / args.requests * 1000, (tree - own) / args.requests * 1000))
            print(f"round {n + 1}: " + "   ".join(
                f"{s} p50 {r[0]:.2f} p99 {r[1]:.2f} Python {r[2]:.2f} FalkorDB {r[3]:.2f}"
                for s, r in ((s, rounds[s][-1]) for s in "AB")), flush=True)
        for side in "AB":
            p50, p99, py, db = (statistics.median(r[k] for r in rounds[side]) for k in range(4))
            print(f"{side} median of {args.rounds} rounds: p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
                  f"CPU {py + db:.2f} ms a request (Python {py:.2f} + FalkorDB {db:.2f})")
    finally:
        for server in servers.values():
            server.send_signal(2)  # Ctrl-C: hub serve stops its FalkorDB
        for server in servers.values():
            server.wait(60)


async def phase(clients: list[httpx.AsyncClient], body: dict[str, Any], requests: int) -> tuple[list[float], float]:
    """``requests`` requests made by ``clients`` at once, each client waiting for its answer before the next: the
    latencies (ms) and the seconds it took."""
    times: list[float] = []
    left = [requests]

    async def asking(client: httpx.AsyncClient) -> None:
        while left[0] > 0:
            left[0] -= 1
            started = time.perf_counter()
            (await client.post("/graphql", json=body)).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(asking(client) for client in clients))
    return times, time.perf_counter() - began


async def concurrent(args: argparse.Namespace, servers: dict[str, subprocess.Popen[bytes]], ports: dict[str, int],
                     key: str, body: dict[str, Any]) -> None:
    """``--clients``: each round, each side's phase of ``args.requests`` requests made by ``args.clients`` clients at
    once; req/s, p50, p99 and CPU per request printed per round and as the medians of the rounds."""
    clients = {side: [httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[side]}", timeout=120,
                                        headers={"Authorization": f"Bearer {token(key, 'admin', f'ab-{i}')}"})
                      for i in range(args.clients)] for side in "AB"}
    try:
        await _concurrent_rounds(args, servers, clients, body)
    finally:
        for client in (c for side in "AB" for c in clients[side]):
            await client.aclose()


async def _concurrent_rounds(args: argparse.Namespace, servers: dict[str, subprocess.Popen[bytes]],
                             clients: dict[str, list[httpx.AsyncClient]], body: dict[str, Any]) -> None:
    for side in "AB":  # each client's token accepted once before timing
        for client in clients[side]:
            (await client.post("/graphql", json=body)).raise_for_status()
    rounds: dict[str, list[tuple[float, float, float, float, float]]] = {"A": [], "B": []}
    for n in range(args.rounds):
        for side in ("AB" if n % 2 == 0 else "BA"):
            before = (measure.own_cpu(servers[side].pid), measure.tree_cpu(servers[side].pid))
            times, elapsed = await phase(clients[side], body, args.requests)
            own = measure.own_cpu(servers[side].pid) - before[0]
            tree = measure.tree_cpu(servers[side].pid) - before[1]
            ordered = sorted(times)
            rounds[side].append((args.requests / elapsed, statistics.median(ordered),
                                 ordered[int(0.99 * (len(ordered) - 1))], own / args.requests * 1000,
                                 (tree - own) / args.requests * 1000))
        print(f"round {n + 1}: " + "   ".join(
            f"{s} req/s {r[0]:.1f} p50 {r[1]:.2f} p99 {r[2]:.2f} Python {r[3]:.2f} FalkorDB {r[4]:.2f}"
            for s, r in ((s, rounds[s][-1]) for s in "AB")), flush=True)
    for side in "AB":
        rate, p50, p99, py, db = (statistics.median(r[k] for r in rounds[side]) for k in range(5))
        print(f"{side} median of {args.rounds} rounds at {args.clients} clients: {rate:.1f} req/s, p50 {p50:.2f} ms, "
              f"p99 {p99:.2f} ms, CPU {py + db:.2f} ms a request (Python {py:.2f} + FalkorDB {db:.2f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--base", help="a commit of this repository to compare against")
    which.add_argument("--other", help="a folder holding another checkout to compare against")
    which.add_argument("--floor", action="store_true", help="compare against benchmarks/floor.py (question one)")
    parser.add_argument("--data-dir", required=True, help="a folder seeded with national (hub seed --profile national)")
    parser.add_argument("--scratch", default=".ab", help="worktree and data copy for B (default .ab/, git-ignored)")
    parser.add_argument("--question", choices=sorted(QUESTIONS), default="page")
    parser.add_argument("--requests", type=int, default=150, help="requests to each side per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=1,
                        help="clients asking each side at once (1: the sides asked in turn, request by request)")
    asyncio.run(run(parser.parse_args()))
