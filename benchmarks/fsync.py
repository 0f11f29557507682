"""What durability costs: write latency and throughput of the embedded FalkorDB per fsync policy.

    .venv/bin/python benchmarks/fsync.py [--writes 2000] [--concurrency 16]

For each policy (append-only file with ``appendfsync always``, with ``everysec``, and no
append-only file at all) a fresh server in a temporary folder takes ``--writes`` small writes
the way a mutation makes them (one node created, then the graph version bumped: two write
statements), first one after another (latency p50/p99 per write), then ``--concurrency`` at a
time (throughput; redis fsyncs once per event-loop turn, so concurrent writes share an fsync).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_model.enums import Label  # noqa: E402
from graph_model.statements.loading import CREATE_NODE  # noqa: E402
from graph_model.stores.embedded import EmbeddedServer  # noqa: E402
from graph_model.stores.falkordb import FalkorStore, client_for  # noqa: E402


class NoAofServer(EmbeddedServer):
    """The embedded server without its append-only file: the cost floor (nothing survives)."""

    def arguments(self, server: str, module: str, socket: Path | None = None) -> list[str]:
        args = super().arguments(server, module, socket)
        args[args.index("--appendonly") + 1] = "no"
        return args


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(server: EmbeddedServer, writes: int, concurrency: int) -> dict[str, float]:
    server.start()
    store = FalkorStore(client_for(server), "bench", location=str(server.socket_path), server=server)
    try:
        await store.ensure_schema()
        props = {"nameFa": "نیکوکار", "nameEn": "Donor", "kind": "INDIVIDUAL"}
        latencies = []
        for i in range(writes):
            t0 = time.perf_counter()
            await store.write(CREATE_NODE[Label.DONOR], key=f"seq-{i}", props=props)
            latencies.append((time.perf_counter() - t0) * 1000)
        slots = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with slots:
                await store.write(CREATE_NODE[Label.DONOR], key=f"par-{i}", props=props)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(writes)))
        parallel_s = time.perf_counter() - t0
    finally:
        await store.close()
    return {"p50": statistics.median(latencies), "p99": percentile(latencies, 0.99),
            "sequential": writes / (sum(latencies) / 1000), "concurrent": writes / parallel_s}


async def main(writes: int, concurrency: int) -> None:
    print(f"{writes:,} writes (create a node + bump the version) per policy; concurrent: {concurrency} in flight")
    print(f"{'policy':<22} {'p50 ms':>8} {'p99 ms':>8} {'seq writes/s':>13} {'conc writes/s':>14}")
    policies: list[tuple[str, type[EmbeddedServer], str]] = [
        ("appendfsync always", EmbeddedServer, "always"),
        ("appendfsync everysec", EmbeddedServer, "everysec"),
        ("no append-only file", NoAofServer, "everysec"),
    ]
    for name, kind, fsync in policies:
        with tempfile.TemporaryDirectory(prefix="hub-fsync-", dir=Path.cwd()) as data_dir:
            # In the working folder, not /tmp: the figures must be those of the disk the data lives on.
            r = await measure(kind(data_dir, fsync=fsync), writes, concurrency)
        print(f"{name:<22} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['sequential']:>13,.0f} {r['concurrent']:>14,.0f}")


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--writes", type=int, default=2000)
    cli.add_argument("--concurrency", type=int, default=16)
    args = cli.parse_args()
    asyncio.run(main(args.writes, args.concurrency))
