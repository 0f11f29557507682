"""Load the `national` profile into a fresh embedded store; print time and peak memory.

    .venv/bin/python benchmarks/seed_national.py [--batch-size N]

Target (issue 2): the load takes <= 60 s on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_model import queries  # noqa: E402
from graph_model.stores.falkordb import open_embedded  # noqa: E402
from seed.loader import BATCH_SIZE, load  # noqa: E402
from seed.profiles import build  # noqa: E402

TARGET_S = 60.0


async def main(batch_size: int) -> None:
    started = time.perf_counter()
    dataset = build("national")
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as data_dir:
        store = await open_embedded(data_dir, "national")
        try:
            t0 = time.perf_counter()
            report = await load(store, dataset, batch_size=batch_size)
            loaded = time.perf_counter() - t0
            t0 = time.perf_counter()
            await load(store, dataset, batch_size=batch_size)
            reloaded = time.perf_counter() - t0
            nodes = sum((await queries.node_counts(store)).values())
            rels = sum((await queries.rel_counts(store)).values())
            info = redis.Redis(unix_socket_path=store.location().split(" (")[0]).info("memory")
        finally:
            await store.close()
    rows = dataset.total_rows()
    peak_py = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"profile national: {rows:,} rows ({nodes:,} nodes, {rels:,} relationships), batch {batch_size}")
    print(f"build (python)      {built:6.1f} s")
    print(f"load (fresh store)  {loaded:6.1f} s   {rows / loaded:,.0f} rows/s   "
          f"target <= {TARGET_S:.0f} s: {'met' if loaded <= TARGET_S else 'MISSED'}")
    print(f"build + load        {built + loaded:6.1f} s")
    print(f"reload (idempotent) {reloaded:6.1f} s   store round trips {report.batches} batches per load")
    print(f"peak memory: hub process {peak_py:,.0f} MiB, FalkorDB server {info['used_memory_peak_human']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    asyncio.run(main(parser.parse_args().batch_size))
