"""Every query of operations/*.graphql against a data folder, as an admin (or ``--role``), slowest first: a survey
that finds the statement a planner turned into a scan (a donation by key took 0.7 s on `national`
until 968110f; a province's data-quality report 1.8 s until 2057e45).

    .venv/bin/python benchmarks/operations.py [--data-dir .hub-bench] [--graph national] [--runs 3] [--role admin]

Requests go through the real ASGI app in process to the embedded FalkorDB (the folder is seeded with
`national` first when empty, as benchmarks/api.py does). Each case is sent once to warm the caches,
then ``--runs`` times (everything alive after start-up frozen out of Python's cyclic collector and
its thresholds set, as `hub serve` does: hub/execution/collector.py); the median wall time is
printed with the size of the answer, and an error or a missing case is printed as such. Keys come
from the data (a province, and the institution, donor, council and assessment first by key in it),
so any seeded folder can be surveyed. Answers cached per graph version count as cached: a case
asked twice in a row is answered from the cache the second time if the hub keeps it
(benchmarks/api.py measures after a write). No targets: the figures go to benchmarks/README.md,
where a slow case gets its own look.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import operation_texts  # noqa: E402
from benchmarks.national import open_national  # noqa: E402
from graph_model.cypher import statement  # noqa: E402
from graph_model.stores.falkordb import FalkorStore  # noqa: E402
from hub.execution import collector  # noqa: E402
from hub.settings import Limits, Settings  # noqa: E402
from strawberry.relay import to_base64  # noqa: E402
from tests.asgi import asgi_client  # noqa: E402

PROVINCE = "IR-06"


def cases(k: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The variables each query is asked with (several cases where scope changes the work)."""
    scope = {"province": k["province"]}
    return {
        "AssessmentDetail": [{"key": k["assessment"]}], "CorrectiveActionList": [{}], "ComplaintList": [{}],
        "InstitutionComplaints": [{"key": k["institution"]}], "Counts": [{}], "Provinces": [{}],
        "Province": [{"key": k["province"]}], "Institutions": [{}, {"filter": scope, "first": 100}],
        "InstitutionDetail": [{"key": k["institution"]}], "Search": [{"text": "توانبخشی"}, {"text": "tehran"}],
        "Donor": [{"key": k["donor"]}], "Council": [{"key": k["council"]}], "Events": [{}], "Licences": [{}],
        "Donations": [{}, {"direction": "DESC"}], "Node": [{"id": k["institutionId"]}],
        "Coverage": [{"question": {"targetGroup": "tg-elderly"}, "province": k["province"]}],
        "UnderservedAreas": [{"question": {"targetGroup": "tg-elderly"}}], "CoverageWhatIf": [],
        "WhoWhatWhere": [{"scope": scope}, {}], "DataQuality": [{"scope": k["province"]}, {}],
        "LicencePipeline": [{"province": k["province"]}, {}], "LicenceHistory": [{"institution": k["institution"]}],
        "Me": [{}], "NetworkProjection": [{"of": k["institution"], "scope": scope}], "Brokers": [{"scope": scope}],
        "Communities": [{"scope": scope}], "SharedDonors": [{"institution": k["institution"]}],
        "DonorOverlap": [{"institution": k["institution"], "other": k["other"]}],
        "DonorSuggestions": [{"institution": k["institution"]}], "IsolatedInstitutions": [{"scope": scope}],
        "Network": [{"center": k["institutionId"]}, {"center": k["donorId"]}],
        "Connection": [{"source": k["donorId"], "target": k["institutionId"]}],
        "Overview": [{"province": k["province"]}, {}],
        "InstitutionRanking": [{"scope": k["province"]}, {}],
        "SupervisionPlan": [{"province": k["province"], "from": "2026-12-01", "until": "2027-03-01"}],
        "Alerts": [{"scope": k["province"]}, {}],
    }


async def keys_of(store: FalkorStore, province: str) -> dict[str, str]:
    """The first institution, donor, council and assessment (by key) of ``province``, the next
    institution by key (anywhere), and the first institution's and donor's global ids."""
    found = {"province": province}
    for name, text in (
            ("institution", "MATCH (p:Province)<-[:IN_PROVINCE]-(:County)<-[:LOCATED_IN]-(n:Institution)"),
            ("donor", "MATCH (p:Province)<-[:BASED_IN]-(n:Donor)"),
            ("council", "MATCH (n:Council)"),
            ("assessment", "MATCH (p:Province)<-[:IN_PROVINCE]-(:County)<-[:LOCATED_IN]-(:Institution)"
                           "<-[:ASSESSES]-(n:Assessment)")):
        where = " WHERE p.key = $province" if "(p:Province)" in text else ""
        stmt = statement(f"bench_operations_{name}", f"{text}{where} RETURN n.key AS key ORDER BY key LIMIT 1",
                         register=False)
        rows = await store.read(stmt, **({"province": province} if where else {}))
        found[name] = rows[0]["key"] if rows else "none"
    other = statement("bench_operations_other", "MATCH (n:Institution) WHERE n.key > $key RETURN n.key AS key "
                      "ORDER BY key LIMIT 1", register=False)
    found["other"] = (await store.read(other, key=found["institution"]))[0]["key"]
    found["institutionId"] = to_base64("Institution", found["institution"])
    found["donorId"] = to_base64("Donor", found["donor"])
    return found


async def main(data_dir: str, graph: str, runs: int, role: str) -> None:
    store = await open_national(data_dir, graph)
    try:
        files = operation_texts.by_name(("query",))
        asked = cases(await keys_of(store, PROVINCE))
        results: list[tuple[float, str]] = []
        async with asgi_client(store, Settings(limits=Limits(rate_per_minute=0)), role=role) as client:
            collector.settle()  # as `hub serve` does after start-up (hub/execution/collector.py)
            for name, text in files.items():
                for variables in asked.get(name, []):
                    body = {"query": text, "operationName": name, "variables": variables}
                    await client.post("/graphql", json=body)
                    times = []
                    for _ in range(runs):
                        t0 = time.perf_counter()
                        response = await client.post("/graphql", json=body)
                        times.append((time.perf_counter() - t0) * 1000)
                    answer = response.json()
                    size = "ERROR " + json.dumps(answer["errors"][0], ensure_ascii=False)[:120] \
                        if answer.get("errors") else f"{len(response.content):,} bytes"
                    label = f"{name} {json.dumps(variables, ensure_ascii=False)}"
                    results.append((statistics.median(times), f"{label[:90]:90} {size}"))
                    print(f"{results[-1][0]:9.1f} ms  {results[-1][1]}", flush=True)
        print("\nslowest first:")
        for ms, line in sorted(results, reverse=True):
            print(f"{ms:9.1f} ms  {line}")
        unasked = sorted(n for n in files if not asked.get(n))
        print(f"\nnot asked (need hand-made variables): {', '.join(unasked)}")
    finally:
        await store.close()


if __name__ == "__main__":  # the networks' analyses start worker processes: the guard is needed
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=".hub-bench")
    parser.add_argument("--graph", default="national", help="the graph's name in the folder (hub seed: hub)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--role", default="admin", help="the caller's role (a viewer sees no individual donor)")
    args = parser.parse_args()
    asyncio.run(main(args.data_dir, args.graph, args.runs, args.role))
