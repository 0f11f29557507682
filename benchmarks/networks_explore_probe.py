"""Time the network neighbourhood and connection reads on the `national` profile; print p50/p99.

    /tmp/venv/bin/python benchmarks/networks_explore_probe.py --socket /tmp/nat/falkordb.sock [--runs 50]

Reads only (graph_model.networks.explore, no GraphQL). The large donor is the one funding the
most institutions unless ``--donor`` names one. Targets (issue 4): p99 <= 150 ms for a depth-2
neighbourhood of a large donor, p99 <= 200 ms for a connection (a donor to a council of another
province, two institutions in different provinces).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from falkordb.asyncio import FalkorDB

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_model.enums import Label  # noqa: E402
from graph_model.networks.explore import NodeRef, connection, neighbourhood  # noqa: E402
from graph_model.statements.networks_explore import TOP_DONORS  # noqa: E402
from graph_model.stores.falkordb import FalkorStore  # noqa: E402

NEIGHBOURHOOD_MS, CONNECTION_MS = 150.0, 200.0


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p99 of 50 runs is the worst but none)."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


async def probe(store: FalkorStore, name: str, runs: int, call: Callable[[], Awaitable[Any]],
                target: float, describe: Callable[[Any], str]) -> float:
    result = await call()  # warm: FalkorDB caches the plan of a statement it has seen
    samples, trips = [], set()
    for _ in range(runs):
        before, started = store.round_trips, time.perf_counter()
        result = await call()
        samples.append((time.perf_counter() - started) * 1000)
        trips.add(store.round_trips - before)
    p99 = percentile(samples, 99)
    print(f"{name:58s} p50 {percentile(samples, 50):6.1f} ms  p99 {p99:6.1f} ms  max {max(samples):6.1f} ms  "
          f"round trips {'/'.join(map(str, sorted(trips)))}  {describe(result)}  "
          f"target {target:.0f} ms: {'met' if p99 <= target else 'MISSED'}")
    return p99


async def main(args: argparse.Namespace) -> None:
    store = FalkorStore(FalkorDB(unix_socket_path=args.socket), args.graph, location=args.socket)
    try:
        donor = args.donor
        if donor is None:
            top = (await store.read(TOP_DONORS, limit=1))[0]
            donor, funded = top["key"], top["institutions"]
            print(f"large donor: {donor} (funds {funded} institutions)")
        center = NodeRef(Label.DONOR, donor)
        for depth in (1, 2):
            await probe(store, f"neighbourhood {donor} depth {depth} limit {args.limit}", args.runs,
                        partial(neighbourhood, store, center, depth=depth, limit=args.limit),
                        NEIGHBOURHOOD_MS,
                        lambda nb: f"{len(nb.nodes)} nodes, {len(nb.edges)} edges, truncated {nb.truncated}")
        cases = [(center, NodeRef(Label.COUNCIL, args.council), 4),
                 (NodeRef(Label.INSTITUTION, args.institutions[0]),
                  NodeRef(Label.INSTITUTION, args.institutions[1]), 4),
                 (center, NodeRef(Label.COUNCIL, args.far_council), 6)]
        for source, target, hops in cases:
            await probe(store, f"connection {source.key} -> {target.key} (max {hops})", args.runs,
                        partial(connection, store, source, target, max_hops=hops),
                        CONNECTION_MS, lambda c: f"hops {c.hops}, {len(c.paths)} paths")
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", default="/tmp/nat/falkordb.sock", help="FalkorDB unix socket")
    parser.add_argument("--graph", default="national", help="graph holding the national profile")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--donor", help="the large donor's key (default: the one funding most institutions)")
    parser.add_argument("--limit", type=int, default=200, help="neighbourhood node limit")
    parser.add_argument("--council", default="council-0117", help="a council of another province than the donor's")
    parser.add_argument("--far-council", default="council-0001", help="a council six hops away")
    parser.add_argument("--institutions", nargs=2, default=["inst-000001", "inst-020000"],
                        help="two institutions in different provinces (IR-06 and IR-28 by default)")
    asyncio.run(main(parser.parse_args()))
