"""Latency of the coverage queries (issue 5) on the `national` profile: p50/p99, store round trips
per request, and the process's peak memory.

    .venv/bin/python benchmarks/coverage.py [--data-dir .hub-bench] [--runs 50] [--cases TEXT ...]

Requests go through the real ASGI app in process (as benchmarks/networks.py, whose harness this
reuses), against the embedded FalkorDB of ``--data-dir`` (seeded with `national` when empty).

Targets (issue 5), p99: <= 300 ms all 429 counties for one service, cold; <= 20 ms the same,
cached; <= 1 s every service at province level (one request, 20 aliased `coverage` fields), cold.
Reported without a target: a target group's coverage, a what-if, the 3W matrix and the CSV export.
"Cold": the graph version is bumped before each request (as any write does), so every read and
computation is redone; "cached": the same request repeated with no write between. The answers
ask for every area's figures and rank; "with providers" also lists each county's 10 strongest
providers with their names (what a map's pop-up shows).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.networks import graphql, ms, peak_rss_mib, percentile, timed  # noqa: E402
from benchmarks.national import open_national  # noqa: E402
from graph_model.stores.falkordb import FalkorStore  # noqa: E402
from hub.execution import collector  # noqa: E402
from seed.catalogue import SERVICES  # noqa: E402
from tests.asgi import asgi_client  # noqa: E402

AS_OF = "2026-11-23"
AREA = "key need capacity reached shortfall unmetShare rank withinReach"
COUNTIES = f"""query Counties($service: String, $targetGroup: String, $method: CoverageMethod = ENHANCED) {{
  coverage(question: {{service: $service, targetGroup: $targetGroup, method: $method, asOf: "{AS_OF}"}}) {{
    norm need capacity areas(first: 429) {{ {AREA} }}
  }}
}}"""
WITH_PROVIDERS = f"""query WithProviders($service: String) {{
  coverage(question: {{service: $service, asOf: "{AS_OF}"}}) {{
    areas(first: 429) {{ {AREA} county {{ nameFa nameEn }} providers(first: 10) {{ institutionKey capacity
      distanceKm weight institution {{ nameFa nameEn }} }} }}
  }}
}}"""
PROVINCES = "query Provinces {\n" + "\n".join(
    f'  s{n}: coverage(question: {{service: "{s.key}", level: PROVINCE, asOf: "{AS_OF}"}}) '
    f'{{ norm areas(first: 31) {{ {AREA} }} }}'
    for n, s in enumerate(SERVICES)) + "\n}"
WHAT_IF = f"""query WhatIf($county: String!) {{
  coverageWhatIf(question: {{service: "svc-residential-disability", asOf: "{AS_OF}"}},
                 changes: [{{addCapacity: {{capacity: 60, county: $county}}}}]) {{
    changed {{ shortfallChange before {{ key shortfall }} after {{ key shortfall }} }}
  }}
}}"""
THREE_W = f"""query ThreeW {{ whoWhatWhere(level: PROVINCE, asOf: "{AS_OF}") {{
  areaKey serviceKey implementers capacity licensedCapacity funders funding }} }}"""


@dataclass(frozen=True)
class Case:
    label: str
    query: str
    variables: dict[str, Any]
    target: float | None
    cold: bool
    most: int | None = None
    path: str | None = None  # a GET export instead of GraphQL


CASES = [
    Case("coverage svc-residential-disability, 429 counties, cold", COUNTIES,
         {"service": "svc-residential-disability"}, 300, True),
    Case("coverage svc-residential-disability, 429 counties, cached", COUNTIES,
         {"service": "svc-residential-disability"}, 20, False),
    Case("coverage svc-residential-disability, RATIO, cold", COUNTIES,
         {"service": "svc-residential-disability", "method": "RATIO"}, 300, True),
    Case("coverage svc-counselling-1480 (most offers), cold", COUNTIES, {"service": "svc-counselling-1480"},
         300, True),
    Case("coverage with providers and names, cached", WITH_PROVIDERS, {"service": "svc-residential-disability"},
         None, False),
    Case("all 20 services by province, cold (one request)", PROVINCES, {}, 1000, True, most=20),
    Case("coverage tg-disability (7 services), cold", COUNTIES, {"targetGroup": "tg-disability"}, None, True),
    Case("what-if: 60 places in Saravan, cold", WHAT_IF, {"county": "IR-11-1106"}, None, True),
    Case("what-if: 60 places in Saravan, base cached", WHAT_IF, {"county": "IR-11-1106"}, None, False),
    Case("3W matrix by province, cold", THREE_W, {}, None, True, most=5),
    Case("CSV export coverage, cached", "", {}, None, False,
         path="/export/coverage.csv?service=svc-residential-disability&asOf=" + AS_OF),
]


async def request(client: httpx.AsyncClient, case: Case) -> Any:
    if case.path:
        response = await client.get(case.path, timeout=None)
        response.raise_for_status()
        return response.text
    return await graphql(client, {"query": case.query, "variables": case.variables})


def summary(case: Case, data: Any) -> str:
    if case.path:
        return f"{len(data.splitlines())} lines"
    if "coverage" in data:
        areas = data["coverage"]["areas"]
        return f"{len(areas)} areas, worst {areas[0]['key']} (shortfall {areas[0]['shortfall']:.0f})"
    if "s0" in data:
        return f"{len(data)} services x {len(data['s0']['areas'])} provinces"
    if "coverageWhatIf" in data:
        changed = data["coverageWhatIf"]["changed"]
        return f"{len(changed)} areas changed, first {changed[0]['before']['key']} {changed[0]['shortfallChange']:.1f}"
    return f"{len(data['whoWhatWhere'])} rows"


async def run_case(case: Case, store: FalkorStore, client: httpx.AsyncClient,
                   runs: int) -> tuple[list[float], set[int], str]:
    await request(client, case)  # warm-up, untimed
    times, trips, data = await timed(store, lambda: request(client, case), min(runs, case.most or runs), case.cold)
    return times, trips, summary(case, data)


async def main(data_dir: str, runs: int, only: list[str]) -> None:
    store = await open_national(data_dir)
    try:
        async with asgi_client(store) as client:
            collector.settle()  # as `hub serve` does after start-up (hub/execution/collector.py)
            print(f"load average at start {os.getloadavg()[0]:.2f} (2 cores here)")
            print(f"{'case':58} {'runs':>4} {'p50':>8} {'p99':>8} {'target':>8} {'met?':>6} {'trips':>5} "
                  f"{'peak RSS':>9}")
            notes = []
            for case in CASES:
                if only and not any(o.lower() in case.label.lower() for o in only):
                    continue
                times, trips, answer = await run_case(case, store, client, runs)
                p50, p99 = statistics.median(times), percentile(times, 0.99)
                target = ms(case.target) if case.target is not None else "-"
                verdict = "-" if case.target is None else "met" if p99 <= case.target else "MISSED"
                print(f"{case.label:58} {len(times):4d} {ms(p50):>8} {ms(p99):>8} {target:>8} {verdict:>6} "
                      f"{'/'.join(map(str, sorted(trips))):>5} {peak_rss_mib():6.0f}MiB", flush=True)
                notes.append(f"  {case.label}: {answer}")
            print(f"load average at end {os.getloadavg()[0]:.2f}")
            print("answers:\n" + "\n".join(notes))
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=".hub-bench")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per case (at most 20 for all services, "
                                                             "5 for the 3W matrix)")
    parser.add_argument("--cases", nargs="*", default=[], help="only the cases whose label contains one of these")
    args = parser.parse_args()
    asyncio.run(main(args.data_dir, args.runs, args.cases))
