"""Latency of supervision on the `national` profile: a province's ranking (first 100) and the national
plan of a month, p50/p99 against the issue's targets, cold.

    .venv/bin/python benchmarks/supervision.py [--data-dir .hub-bench] [--graph national] [--runs 50]

Requests go through the real ASGI app (in process, httpx) as a supervisor, to the embedded FalkorDB,
as benchmarks/api.py does. Every request is cold: the graph version is bumped before it (as a write
would), so nothing cached per version can answer it (supervision caches nothing; the bump keeps the
measure honest should it start to). An empty data folder is seeded with `national` first.
Targets (issue 19): the ranking of a province (first 100) p99 <= 100 ms; the national plan of a month
<= 1 s. It also prints the top of IR-06's ranking and the size of the plan, to look at.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.national import open_national  # noqa: E402
from graph_model import version  # noqa: E402
from hub.execution import collector  # noqa: E402
from hub.settings import Limits, Settings  # noqa: E402
from tests.asgi import asgi_client  # noqa: E402

OPERATIONS = Path(__file__).resolve().parent.parent / "operations" / "supervision.graphql"
CASES: list[tuple[str, str, dict[str, Any], float]] = [
    ("ranking of IR-06 (first 100)", "InstitutionRanking", {"scope": "IR-06", "first": 100}, 100),
    ("national plan of a month", "SupervisionPlan",
     {"from": "2026-12-01", "until": "2026-12-30", "inspectors": 200, "visitsPerInspectorMonth": 10}, 1000),
    ("alerts of IR-06", "Alerts", {"scope": "IR-06", "first": 100}, 1000),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(data_dir: str, graph: str, runs: int) -> None:
    store = await open_national(data_dir, graph)
    try:
        text = OPERATIONS.read_text()
        settings = Settings(limits=Limits(rate_per_minute=0))
        async with asgi_client(store, settings, role="supervisor") as client:
            collector.settle()  # as `hub serve` does after start-up (hub/execution/collector.py)
            print(f"{'case':40} {'p50':>9} {'p99':>9} {'target':>8}")
            answers: dict[str, Any] = {}
            for label, operation, variables, target in CASES:
                body = {"query": text, "operationName": operation, "variables": variables}
                for _ in range(3):  # warm the parser and plan caches
                    (await client.post("/graphql", json=body)).raise_for_status()
                times = []
                for _ in range(runs):
                    await store.write(version.BUMP_VERSION, **version.bump_params())
                    t0 = time.perf_counter()
                    response = await client.post("/graphql", json=body)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200 and "errors" not in response.json(), response.text
                answers[operation] = response.json()["data"]
                p50, p99 = statistics.median(times), percentile(times, 0.99)
                verdict = "met" if p99 <= target else "MISSED"
                print(f"{label:40} {p50:7.1f}ms {p99:7.1f}ms {target:6.0f}ms  {verdict}", flush=True)
        ranking = answers["InstitutionRanking"]["institutionRanking"]
        print(f"\nIR-06 ranking: {ranking['totalCount']} institutions; the first ten:")
        for edge in ranking["edges"][:10]:
            n = edge["node"]
            print(f"  {n['rank']!s:>4} {n['key']:40} {n['score']!s:>6} {n['grade']!s:>4} {n['confidence']:7}"
                  f" {'disagreement' if n['disagreement'] else ''}")
        plan = answers["SupervisionPlan"]["supervisionPlan"]
        print(f"national plan {plan['from']}..{plan['until']}: {plan['total']} due, capacity {plan['capacity']}, "
              f"{plan['fitting']} fit, {len(plan['counties'])} counties; the riskiest:")
        for entry in plan["entries"][:5]:
            print(f"  {entry['order']:>4} {entry['key']:40} risk {entry['risk']:5.1f} "
                  f"{', '.join(r['key'] for r in entry['reasons'])}")
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=".hub-bench")
    parser.add_argument("--graph", default="national")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.data_dir, args.graph, args.runs))
