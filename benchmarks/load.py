"""A bounded load on `hub serve` over loopback: concurrent clients, mixed reads and writes, zero errors
expected; req/s, p50/p99 per kind of operation, and the server's memory sampled every second.

    .venv/bin/python benchmarks/load.py [--data-dir .hub-load] [--clients 64] [--seconds 60] [--writes 0.1]
                                        [--attack]

An empty data folder is seeded with `national` first (`hub seed --profile national`, about a minute;
the time is printed). The server runs as `hub serve` in a subprocess on 127.0.0.1 with a fresh
HS256 key in HUB_JWT_KEY, so this script signs its own tokens: `viewer` for reads, `editor` for writes,
one subject per client (each is a user: the per-key limit on concurrent analytics counts per subject).
The per-key rate limit is switched off (HUB_RATE_LIMIT=0), so that it is the server's capacity that is
measured, not a budget of 600 requests a minute. Every other setting is the default.

Each client loops for the duration: picks an operation by weight (browse a province's institutions,
an institution by key with its county and services, a province overview, the network around an
institution at depth 1, a service's coverage by province; `--writes` of them create a donor or
update an institution's source), sends it and waits for the answer. An error is a non-200 status, a
transport failure, a GraphQL `errors` entry or a typed mutation error. Memory: the proportional set
size (PSS) of the server process (uvicorn in `hub serve`) and of its children (the embedded FalkorDB,
and while it rewrites its append-only file the child it forks for that, whose pages it shares: their
VmRSS summed counted those twice), read from /proc each second; growth compares the mean of the
10 s after a 30 s warm-up (the caches filling) with the mean of the last 10 s (target < 10%); the
growth from the first 10 s is printed beside it.

Each simulated client has its own HTTP client and keep-alive connection: one httpx client shared by
64 spent most of this process's CPU in its connection pool's bookkeeping, and the load generator,
not the server, set the pace (own_clients).

``--attack`` (issue 15): two phases on the same server, each ``--seconds`` long: the clients alone,
then the clients with an attacker mixed in, who sends one attack a second from its own key, in turn:
29,000 ids to `nodes`, an enum filter of 90,000 values, thirty aliased `brokers` over different
windows, four analyses at once over windows nothing has cached (the per-key limit admits two), and
a what-if of 11,000 changes (benchmarks/load_attack.py). Reported: the well-behaved clients' errors
and p99 in each phase (target: 0 errors, p99 with the attacker within 2x of without), what became
of the attacks, and the worst `/healthz` and cheap query of another key, sampled every 0.2 s during
the attacked phase.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import load_attack as attack  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HUB = str(Path(sys.executable).with_name("hub"))
console = Console(width=140)
WARM_UP = 30.0  # seconds before the memory window the growth is judged from

BROWSE = """query Browse($province: String!) {
  institutions(filter: {province: $province}, first: 20) {
    totalCount pageInfo { endCursor hasNextPage } nodes { key nameEn kind county { key nameEn } }
  }
}"""
NODE = """query Institution($key: String!) {
  institution(key: $key) {
    key nameFa nameEn kind lat lon county { key nameEn province { key nameEn } }
    services(first: 10) { totalCount nodes { key nameEn } }
  }
}"""
OVERVIEW = """query Overview($province: String) {
  overview(province: $province) {
    totals { institutions donors councils events licences }
    institutionsByKind { kind count }
    licencesByStatus { status count }
    donations { amount donations }
  }
}"""
NETWORK = """query Network($center: ID!) {
  network(center: $center, depth: 1, limit: 50) { center truncated nodes { id hop } edges { source target relation } }
}"""
COVERAGE = """query Coverage($service: String!) {
  coverage(question: {service: $service, level: PROVINCE}) {
    need capacity areas(first: 31) { key need reached shortfall rank }
  }
}"""
CREATE_DONOR = """mutation CreateDonor($input: CreateDonorInput!) {
  createDonor(input: $input) { __typename ... on Donor { key } ... on MutationError { code message } }
}"""
UPDATE_INSTITUTION = """mutation UpdateInstitution($key: String!, $input: UpdateInstitutionInput!) {
  updateInstitution(key: $key, input: $input) {
    __typename ... on Institution { key source } ... on MutationError { code message }
  }
}"""
# (kind, weight among reads)
READS = [("browse", 3), ("node", 4), ("overview", 1), ("network", 1), ("coverage", 1)]


@dataclass
class Keys:
    provinces: list[str]
    institutions: list[str]
    services: list[str]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)  # the first few error texts

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < 5:
            self.samples.append(f"{kind}: {what[:300]}")


def token(key: str, role: str, subject: str | None = None) -> str:
    claims = {"sub": subject or f"load-{role}", "role": role, "provinces": "*", "exp": int(time.time()) + 24 * 3600}
    return jwt.encode(claims, key, algorithm="HS256")


def pss_kib(pid: int) -> int:
    """The proportional set size of ``pid`` and, recursively, its children (0 once a process is gone): a page
    two of them share counts half in each, so a forked child (FalkorDB's append-only file rewrite, every
    page its parent's until one is written) is not counted twice."""
    total = 0
    try:
        total += own_pss_kib(pid)
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += pss_kib(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def own_pss_kib(pid: int) -> int:
    """``pid``'s own PSS (smaps_rollup, Linux 4.14 on); its VmRSS where the kernel has no rollup."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        field = "Pss:"
    except (FileNotFoundError, PermissionError):
        lines, field = Path(f"/proc/{pid}/status").read_text().splitlines(), "VmRSS:"
    for line in lines:
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def seed_if_empty(data_dir: Path, env: dict[str, str]) -> float | None:
    """Seed `national` into an empty folder; the seconds it took, or None when already there."""
    if (data_dir / "appendonlydir").exists():
        return None
    data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"seeding national into {data_dir} ...")
    started = time.perf_counter()
    subprocess.run([HUB, "seed", "--profile", "national"], env=env, check=True, cwd=ROOT)
    return time.perf_counter() - started


def refuse_if_served(data_dir: Path) -> None:
    """Stop before timing when a FalkorDB server already serves ``data_dir``: the hub would use it
    instead of starting its own, and that server, not being the hub's child, would be missing from
    the CPU and memory read off the hub's process tree (a run once printed "+ 0.0" FalkorDB CPU,
    after an interrupted run had left its server behind)."""
    from graph_model.stores.embedded import EmbeddedServer

    pid = EmbeddedServer(data_dir).running_pid()
    if pid is not None:
        raise SystemExit(f"a FalkorDB server (pid {pid}) already serves {data_dir}: the hub would not start its "
                         f"own, and that server's CPU and memory would not be counted. Stop it (an interrupted "
                         f"run's `hub serve`: kill -INT its pid; or kill {pid}) and run again.")


async def wait_ready(client: httpx.AsyncClient, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"hub serve exited with {server.returncode}; see {log}")
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit(f"hub serve not ready after 180 s; see {log}")


async def sample_keys(client: httpx.AsyncClient, headers: dict[str, str]) -> Keys:
    query = """{ provinces(first: 100) { nodes { key } } services(first: 100) { nodes { key } } }"""
    data = (await client.post("/graphql", json={"query": query}, headers=headers)).json()["data"]
    provinces = [p["key"] for p in data["provinces"]["nodes"]]
    institutions: list[str] = []
    for province in provinces[:8]:
        page = (await client.post("/graphql", json={"query": BROWSE, "variables": {"province": province}},
                                  headers=headers)).json()["data"]
        institutions += [n["key"] for n in page["institutions"]["nodes"]]
    return Keys(provinces, institutions, [s["key"] for s in data["services"]["nodes"]])


def operation(kind: str, keys: Keys, rng: random.Random, serial: int) -> tuple[str, dict[str, Any]]:
    if kind == "browse":
        return BROWSE, {"province": rng.choice(keys.provinces)}
    if kind == "node":
        return NODE, {"key": rng.choice(keys.institutions)}
    if kind == "overview":
        return OVERVIEW, {"province": rng.choice(keys.provinces)}
    if kind == "network":
        return NETWORK, {"center": base64.b64encode(f"Institution:{rng.choice(keys.institutions)}".encode()).decode()}
    if kind == "coverage":
        return COVERAGE, {"service": rng.choice(keys.services)}
    if kind == "createDonor":
        return CREATE_DONOR, {"input": {"nameFa": f"خیّر آزمون {serial}", "nameEn": f"Load donor {serial}",
                                        "kind": "COMPANY", "province": rng.choice(keys.provinces),
                                        "source": "benchmarks/load.py"}}
    return UPDATE_INSTITUTION, {"key": rng.choice(keys.institutions), "input": {"source": f"load {serial}"}}


async def client_loop(n: int, client: httpx.AsyncClient, keys: Keys, stop: float, writes: float,
                      secret: str, tally: Tally, skip: tuple[str, ...] = ()) -> None:
    rng = random.Random(n)
    headers = {role: {"Authorization": f"Bearer {token(secret, role, f'load-{role}-{n}')}"}
               for role in ("viewer", "editor")}
    kinds, weights = zip(*[(k, w) for k, w in READS if k not in skip], strict=True)
    serial = 0
    while time.monotonic() < stop:
        serial += 1
        if rng.random() < writes:
            kind, role = rng.choice(("createDonor", "updateInstitution")), "editor"
        else:
            kind, role = rng.choices(kinds, weights)[0], "viewer"
        query, variables = operation(kind, keys, rng, n * 1_000_000 + serial)
        started = time.perf_counter()
        try:
            response = await client.post("/graphql", json={"query": query, "variables": variables},
                                         headers=headers[role])
        except httpx.HTTPError as exc:
            tally.error(kind, repr(exc))
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            tally.error(kind, f"HTTP {response.status_code} {response.text}")
            continue
        body = response.json()
        data = body.get("data") or {}
        typed = [v for v in data.values() if isinstance(v, dict) and "code" in v]
        if body.get("errors") or typed or not data:
            tally.error(kind, str(body.get("errors") or typed))
            continue
        tally.latencies[kind].append(elapsed)


@contextlib.asynccontextmanager
async def own_clients(port: int, n: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """A client with its own keep-alive connection for each simulated user. One client shared by
    all (a pool of 64 connections) spent most of this process's time in httpcore's pool, which scans
    every connection for every request: the load generator, not the server, then set the pace
    (94% of a core at 80 req/s, the server 37%)."""
    async with contextlib.AsyncExitStack() as stack:
        yield [await stack.enter_async_context(httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=httpx.Timeout(60.0))) for _ in range(n)]


async def sample_memory(pid: int, stop: float, rows: list[tuple[float, int, int]]) -> None:
    started = time.monotonic()
    while time.monotonic() < stop:
        rows.append((time.monotonic() - started, own_pss_kib(pid), pss_kib(pid)))
        await asyncio.sleep(1.0)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(tally: Tally, seconds: float, memory: list[tuple[float, int, int]], clients: int) -> bool:
    table = Table(title=f"{clients} clients for {seconds:.0f} s over loopback")
    for heading in ("operation", "requests", "errors", "req/s", "p50 ms", "p99 ms", "max ms"):
        table.add_column(heading, justify="left" if heading == "operation" else "right")
    every: list[float] = []
    for kind in [k for k, _ in READS] + ["createDonor", "updateInstitution"]:
        times = tally.latencies.get(kind, [])
        every += times
        done = len(times) + tally.errors.get(kind, 0)
        if done:
            table.add_row(kind, f"{done:,}", str(tally.errors.get(kind, 0)), f"{done / seconds:,.1f}",
                          f"{statistics.median(times):,.1f}" if times else "-",
                          f"{percentile(times, 0.99):,.1f}" if times else "-", f"{max(times):,.1f}" if times else "-")
    errors = sum(tally.errors.values())
    table.add_row("all", f"{len(every) + errors:,}", str(errors), f"{(len(every) + errors) / seconds:,.1f}",
                  f"{statistics.median(every):,.1f}", f"{percentile(every, 0.99):,.1f}", f"{max(every):,.1f}",
                  style="bold")
    console.print(table)
    for sample in tally.samples:
        console.print(f"[red]error[/] {sample}", highlight=False)

    def mean(rows: list[tuple[float, int, int]], column: int) -> float:
        return statistics.fmean(r[column] for r in rows) / 1024

    # Growth is judged after a warm-up: the per-version caches and the allocator's arenas fill in the
    # first half minute and then stay (a 150 s run: 419 MiB at ~30 s, 439 MiB at 150 s); a leak keeps
    # growing. The cold comparison (the first 10 s) is printed beside it.
    first = [r for r in memory if r[0] < 10]
    last = [r for r in memory if r[0] >= memory[-1][0] - 10]
    warm = [r for r in memory if WARM_UP <= r[0] < WARM_UP + 10]
    if not warm or warm[-1][0] >= last[0][0]:  # too short a run for a window after the warm-up
        warm = first
    mem = Table(title=f"server memory (PSS, {len(memory)} samples, one a second)")
    for heading in ("process", "first 10 s MiB", f"{WARM_UP:.0f}-{WARM_UP + 10:.0f} s MiB", "last 10 s MiB",
                    "growth from cold", "growth after warm-up", "peak MiB"):
        mem.add_column(heading, justify="left" if heading == "process" else "right")
    growth_ok = True
    for label, column in (("hub serve (uvicorn)", 1), ("FalkorDB", None), ("both", 2)):
        if column is None:
            a, w, b = (mean(rows, 2) - mean(rows, 1) for rows in (first, warm, last))
            peak = max(r[2] - r[1] for r in memory) / 1024
        else:
            a, w, b = (mean(rows, column) for rows in (first, warm, last))
            peak = max(r[column] for r in memory) / 1024
        if a <= 0 or w <= 0:  # a store the hub found running, not its own child: its memory is not read
            mem.add_row(label, "-", "-", "-", "not measured", "not measured", "-")
            continue
        cold, growth = (b - a) / a * 100, (b - w) / w * 100
        if column == 2:
            growth_ok = growth < 10
        mem.add_row(label, f"{a:,.0f}", f"{w:,.0f}", f"{b:,.0f}", f"{cold:+.1f}%", f"{growth:+.1f}%", f"{peak:,.0f}")
    console.print(mem)
    verdict = "met" if errors == 0 and growth_ok else "MISSED"
    after = f"after {WARM_UP:.0f} s" if warm is not first else "from the first 10 s (run too short for a warm-up)"
    console.print(f"zero errors: {'yes' if errors == 0 else 'NO'}; memory growth of both {after} < 10%: "
                  f"{'yes' if growth_ok else 'NO'} -> {verdict}")
    return errors == 0 and growth_ok


async def run(args: argparse.Namespace) -> bool:
    data_dir = Path(args.data_dir).resolve()
    key = secrets.token_hex(32)
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_JWT_KEY": key, "HUB_JWT_ALGORITHM": "HS256",
           "HUB_RATE_LIMIT": "0"}
    seeded = seed_if_empty(data_dir, env)
    if seeded is not None:
        console.print(f"seeded national in {seeded:.1f} s")
    log = data_dir.parent / f"{data_dir.name}-serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([HUB, "serve", "--host", "127.0.0.1", "--port", str(args.port)], env=env,
                                  cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    headers = {"viewer": {"Authorization": f"Bearer {token(key, 'viewer')}"}}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{args.port}", timeout=httpx.Timeout(60.0)) as client:
            started = time.perf_counter()
            await wait_ready(client, server, log)
            console.print(f"hub serve ready in {time.perf_counter() - started:.1f} s (pid {server.pid}, log {log})")
            keys = await sample_keys(client, headers["viewer"])
            console.print(f"{len(keys.provinces)} provinces, {len(keys.institutions)} institutions, "
                          f"{len(keys.services)} services sampled; {args.clients} clients for {args.seconds} s, "
                          f"{args.writes:.0%} writes")
            tally, memory = Tally(), list[tuple[float, int, int]]()
            stop = time.monotonic() + args.seconds
            began = time.perf_counter()
            async with own_clients(args.port, args.clients) as clients:
                await asyncio.gather(sample_memory(server.pid, stop, memory), *(
                    client_loop(n, c, keys, stop, args.writes, key, tally, args.skip) for n, c in enumerate(clients)))
            elapsed = time.perf_counter() - began
            ok = report(tally, elapsed, memory, args.clients)
            if not args.attack:
                return ok
            attacked, memory = Tally(), []
            attacks, watched = attack.Outcomes(), attack.Watch()
            stop = time.monotonic() + args.seconds
            began = time.perf_counter()
            side_client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{args.port}", timeout=httpx.Timeout(120.0))
            async with side_client as side, own_clients(args.port, args.clients) as clients:
                await asyncio.gather(sample_memory(server.pid, stop, memory), *(
                    client_loop(n, c, keys, stop, args.writes, key, attacked, args.skip)
                    for n, c in enumerate(clients)),
                    attack.attacker(side, key, keys.institutions, keys.services, stop, attacks),
                    attack.watch(side, key, stop, watched))
            elapsed = time.perf_counter() - began
            console.print("[bold]with the attacker[/]")
            report(attacked, elapsed, memory, args.clients)
            return attack.compare(console, tally.latencies, tally.errors, attacked.latencies, attacked.errors,
                                  attacks, watched)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=".hub-load", help="embedded store folder (seeded if empty)")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writes", type=float, default=0.1, help="share of requests that are mutations")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip", action="append", default=[], choices=[k for k, _ in READS],
                        help="leave a kind of read out of the mix (repeatable)")
    parser.add_argument("--attack", action="store_true",
                        help="a second phase with one attack request a second mixed in (issue 15)")
    arguments = parser.parse_args()
    arguments.skip = tuple(arguments.skip)
    sys.exit(0 if asyncio.run(run(arguments)) else 1)
