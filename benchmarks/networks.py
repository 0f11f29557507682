"""Latency of the collaboration-network queries (issue 4) on the `national` profile: p50/p99, store
round trips per request, and the process's peak memory.

    .venv/bin/python benchmarks/networks.py [--data-dir .hub-bench] [--runs 100] [--cases TEXT ...]
                                           [--no-gc-freeze]

Requests go through the real ASGI app (one worker, in process, httpx) with the operations of
`operations/*.graphql`, to the embedded FalkorDB of ``--data-dir`` (an already running server is
reused and left running; an empty folder is seeded with `national` first, about a minute). Start-up
objects are frozen out of the cyclic collector as `hub serve` does (see benchmarks/api.py).

Targets (issue 4), p99: <= 150 ms a depth-2 neighbourhood of a large donor; <= 200 ms a connection
query; <= 500 ms the brokers of a province, cold; <= 10 s betweenness over the national institution
projection, cold (exact, or sampled with the error the answer states: `exact`, `pivots`,
`samplingNote` are printed); <= 20 ms any cached answer. Communities (national Leiden) and donor
suggestions, cold, have no target and are reported.

"Cold" (after a write): the graph version is bumped before every request, as any write does, so no
answer cached per version can serve it: the scope is read again and everything recomputed. That
bump is the only thing this script writes. "Cached": the same request repeated with no write in
between. "Repeated" (neighbourhood, connection): the same request again, answered however the API
answers it (one round trip, the version's read, means from the cache). Expensive cold cases run
fewer times than ``--runs`` (national: 3; a province's brokers: 20); each case is preceded by
warm-up requests (5, or 1 for the expensive ones) that are not timed.
With 3 runs p99 is the slowest run. Round trips are the store statements one request sent (the
graph version's read included); "peak RSS" is this process's peak resident memory so far
(``ru_maxrss``), the server's not included. Case subjects are looked up first (the donor funding
the most institutions, councils and institutions of two provinces, the largest province).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import operation_texts  # noqa: E402
from benchmarks.national import open_national  # noqa: E402
from graph_model import version  # noqa: E402
from graph_model.statements.networks_explore import TOP_DONORS  # noqa: E402
from graph_model.stores.falkordb import FalkorStore  # noqa: E402
from hub.execution import collector  # noqa: E402
from tests.asgi import asgi_client  # noqa: E402

NATIONAL_RUNS, PROVINCE_COLD_RUNS = 3, 20

# One request for every subject the cases need but the donor's key (a store statement, TOP_DONORS).
SUBJECTS = """
query BenchSubjects($donor: String!) {
  donor(key: $donor) { id key province { key } }
  provinces(first: 100) {
    nodes {
      key
      institutions(first: 1) { totalCount nodes { id key } }
      councils(first: 1, filter: {level: [PROVINCIAL]}) { nodes { id key } }
    }
  }
}
"""


@dataclass(frozen=True)
class Case:
    label: str
    operation: str
    variables: dict[str, Any]
    target: float | None  # p99 in ms; None: reported, no target
    cold: bool  # bump the graph version before each request
    most: int | None = None  # at most this many timed runs (expensive cases)
    warm: int = 5  # untimed requests first (plans, parser, and for cached cases the answer)


@dataclass(frozen=True)
class Subjects:
    donor: str  # the key of the donor funding the most institutions
    donor_id: str
    funded: int
    council_id: str  # a provincial council of another province than the donor's
    council: str
    institutions: tuple[tuple[str, str], tuple[str, str]]  # (id, key) in two provinces
    provinces: tuple[str, str]
    largest: str  # the province with the most institutions
    largest_size: int


async def lookup(store: FalkorStore, client: httpx.AsyncClient) -> Subjects:
    top = (await store.read(TOP_DONORS, limit=1))[0]
    data = await graphql(client, {"query": SUBJECTS, "variables": {"donor": top["key"]}})
    donor = data["donor"]
    home = (donor["province"] or {}).get("key")
    provinces = {p["key"]: p for p in data["provinces"]["nodes"]}
    largest = max(provinces.values(), key=lambda p: p["institutions"]["totalCount"])
    # The council: the largest province's, or IR-06's when the donor lives in the largest one.
    away = largest["key"] if largest["key"] != home else "IR-06"
    council = provinces[away]["councils"]["nodes"][0]
    first = "IR-06" if largest["key"] != "IR-06" else "IR-28"
    a, b = (provinces[k]["institutions"]["nodes"][0] for k in (first, largest["key"]))
    return Subjects(top["key"], donor["id"], int(top["institutions"]), council["id"], council["key"],
                    ((a["id"], a["key"]), (b["id"], b["key"])), (first, largest["key"]), largest["key"],
                    largest["institutions"]["totalCount"])


def cases(s: Subjects) -> list[Case]:
    (a_id, a_key), (b_id, b_key) = s.institutions
    hood = {"center": s.donor_id, "depth": 2, "limit": 200}
    to_council = {"source": s.donor_id, "target": s.council_id, "maxHops": 4}
    across = {"source": a_id, "target": b_id, "maxHops": 4}
    national = dict(most=NATIONAL_RUNS, warm=1)
    province = dict(most=PROVINCE_COLD_RUNS, warm=1)
    return [
        Case(f"neighbourhood d2 {s.donor} ({s.funded} inst.), repeated", "Network", hood, 150, False),
        Case(f"neighbourhood d2 {s.donor}, after a write", "Network", hood, 150, True),
        Case(f"connection {s.donor} -> {s.council}, repeated", "Connection", to_council, 200, False),
        Case(f"connection {s.donor} -> {s.council}, after a write", "Connection", to_council, 200, True),
        Case(f"connection {a_key} -> {b_key}, after a write", "Connection", across, 200, True),
        Case("brokers IR-06 constraint, cold", "Brokers",
             {"scope": {"province": "IR-06"}, "metric": "CONSTRAINT"}, 500, True, **province),
        Case("brokers IR-06 betweenness, cold", "Brokers",
             {"scope": {"province": "IR-06"}, "metric": "BETWEENNESS"}, 500, True, **province),
        Case(f"brokers {s.largest} ({s.largest_size} inst.) constraint, cold", "Brokers",
             {"scope": {"province": s.largest}, "metric": "CONSTRAINT"}, 500, True, **province),
        Case(f"brokers {s.largest} betweenness, cold", "Brokers",
             {"scope": {"province": s.largest}, "metric": "BETWEENNESS"}, 500, True, **province),
        Case("brokers national betweenness by hops, cold", "Brokers",
             {"metric": "BETWEENNESS", "weighted": False}, 10_000, True, **national),
        Case("brokers national betweenness weighted, cold", "Brokers",
             {"metric": "BETWEENNESS", "weighted": True}, 10_000, True, **national),
        # Right after the cold weighted runs: their last answer is still cached, no recomputation.
        Case("brokers national betweenness weighted, cached", "Brokers",
             {"metric": "BETWEENNESS", "weighted": True}, 20, False),
        Case("communities IR-06 (Leiden, 10 x 10 members), cached", "Communities",
             {"scope": {"province": "IR-06"}, "first": 10, "membersFirst": 10}, 20, False),
        Case(f"shared donors of {a_key}, cached", "SharedDonors", {"institution": a_key}, 20, False),
        Case(f"donor suggestions for {a_key}, cached", "DonorSuggestions", {"institution": a_key}, 20, False),
        Case("communities national (Leiden), cold", "Communities", {}, None, True, **national),
        Case(f"donor suggestions for {a_key}, cold", "DonorSuggestions", {"institution": a_key}, None, True,
             **national),
    ]


async def graphql(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    # No client timeout: a cold national computation takes seconds.
    response = await client.post("/graphql", json=body, timeout=None)
    payload = response.json()
    if response.status_code != 200 or payload.get("errors"):
        raise RuntimeError(f"{body.get('operationName', 'lookup')}: {response.text[:2000]}")
    return payload["data"]


def summary(operation: str, data: dict[str, Any]) -> str:
    """What the answer held, to check the case measured what it says."""
    if operation == "Network":
        n = data["network"]
        return f"{len(n['nodes'])} nodes, {len(n['edges'])} edges, truncated {n['truncated']}"
    if operation == "Connection":
        c = data["connection"]
        return f"hops {c['hops']}, {len(c['paths'])} paths"
    if operation == "Brokers":
        b = data["brokers"]
        top = b["items"][0]["actor"]["key"] if b["items"] else "-"
        return (f"{b['nodes']} nodes, {b['edges']} edges, exact {b['exact']}, pivots {b['pivots']}, "
                f"weighted {b['weighted']}, top {top}; samplingNote: {b['samplingNote']}")
    if operation == "Communities":
        c = data["communities"]
        return f"{c['count']} communities, modularity {c['modularity']:.4f}, {c['method']}"
    if operation == "SharedDonors":
        rows = data["sharedDonors"]
        return f"{len(rows)} institutions" + (f", most shared {rows[0]['shared']}" if rows else "")
    if operation == "DonorSuggestions":
        rows = data["donorSuggestions"]
        return f"{len(rows)} donors" + (f", top score {rows[0]['score']:.3f}" if rows else "")
    return ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def ms(value: float) -> str:
    return f"{value / 1000:6.2f} s" if value >= 10_000 else f"{value:6.1f}ms"


async def timed(store: FalkorStore, send: Callable[[], Awaitable[Any]], runs: int,
                cold: bool) -> tuple[list[float], set[int], Any]:
    """Run ``send`` ``runs`` times: milliseconds each, the store round trips each sent, the last
    answer. ``cold`` bumps the graph version before each run, as any write does."""
    times: list[float] = []
    trips: set[int] = set()
    answer = None
    for _ in range(runs):
        if cold:
            await store.write(version.BUMP_VERSION, **version.bump_params())
        before = store.round_trips
        t0 = time.perf_counter()
        answer = await send()
        times.append((time.perf_counter() - t0) * 1000)
        trips.add(store.round_trips - before)
    return times, trips, answer


async def run_case(case: Case, store: FalkorStore, client: httpx.AsyncClient, text: str,
                   runs: int) -> tuple[list[float], set[int], str]:
    body = {"query": text, "operationName": case.operation, "variables": case.variables}
    for _ in range(case.warm):
        await graphql(client, body)
    times, trips, data = await timed(store, lambda: graphql(client, body), min(runs, case.most or runs), case.cold)
    return times, trips, summary(case.operation, data)


async def main(data_dir: str, runs: int, only: list[str], gc_freeze: bool = True) -> None:
    store = await open_national(data_dir)
    try:
        texts = operation_texts.by_name()
        async with asgi_client(store) as client:
            started = time.perf_counter()
            subjects = await lookup(store, client)
            print(f"subjects ({time.perf_counter() - started:.1f} s): {subjects}")
            if gc_freeze:
                collector.settle()  # as `hub serve` does after start-up (hub/execution/collector.py)
            selected = [c for c in cases(subjects) if not only or any(o.lower() in c.label.lower() for o in only)]
            print(f"load average at start {os.getloadavg()[0]:.2f} (2 cores here)")
            print(f"{'case':62} {'runs':>4} {'p50':>8} {'p99':>8} {'target':>8} {'met?':>6} {'trips':>5} "
                  f"{'peak RSS':>9}")
            notes = []
            for case in selected:
                times, trips, answer = await run_case(case, store, client, texts[case.operation], runs)
                p50, p99 = statistics.median(times), percentile(times, 0.99)
                target = ms(case.target) if case.target is not None else "-"
                verdict = "-" if case.target is None else "met" if p99 <= case.target else "MISSED"
                trip = "/".join(str(t) for t in sorted(trips))
                print(f"{case.label:62} {len(times):4d} {ms(p50):>8} {ms(p99):>8} {target:>8} {verdict:>6} "
                      f"{trip:>5} {peak_rss_mib():6.0f}MiB", flush=True)
                notes.append(f"  {case.label}: {answer}")
            print(f"load average at end {os.getloadavg()[0]:.2f}")
            print("answers:\n" + "\n".join(notes))
    finally:
        await store.close()  # stops the server only if this process started it


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=".hub-bench")
    parser.add_argument("--runs", type=int, default=100,
                        help=f"timed runs per case (at most {NATIONAL_RUNS} national, {PROVINCE_COLD_RUNS} "
                             "for a province's cold brokers)")
    parser.add_argument("--cases", nargs="*", default=[], help="only the cases whose label contains one of these")
    parser.add_argument("--no-gc-freeze", action="store_true",
                        help="leave the start-up objects to the collector (see benchmarks/api.py)")
    args = parser.parse_args()
    asyncio.run(main(args.data_dir, args.runs, args.cases, not args.no_gc_freeze))
