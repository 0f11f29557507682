"""The hub against PostGraphile 4 over PostgreSQL, on the same `national` rows (issue 18, item 6).

    .venv/bin/python benchmarks/peer/run.py [--rounds 3] [--seconds 10] [--scratch .peer]
                                            [--data-dir .peer/hub] [--skip-install]

Installs PostgreSQL (Debian's package, when missing) and PostGraphile 4 (npm, into the scratch
folder), starts a private cluster there and loads the rows ``seed.profiles.build("national")``
gives (benchmarks/peer/tables.py); seeds the hub's data folder with the same profile when empty
and starts `hub serve` (one worker). Asks each question once on both sides and stops unless the
normalised answers are equal; then times them interleaved, hub then peer, round after round, at
1 and 16 clients, and prints p50, p99, req/s and CPU per request with the ratios hub/peer against
the issue's targets. benchmarks/peer/README.md says what is measured and how.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
from benchmarks.load import refuse_if_served, seed_if_empty, token, wait_ready  # noqa: E402
from benchmarks.peer import measure, postgres, tables  # noqa: E402
from benchmarks.peer.questions import HUB_WRITE, PEER_WRITE, Json, Question, first_difference, questions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
CONCURRENCY = (1, 16)
console = Console(width=150)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def install_postgraphile(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text('{"name": "hub-peer-benchmark", "private": true}\n')
    console.print("installing PostGraphile 4 (npm) ...")
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "postgraphile@4",
                    "postgraphile-plugin-connection-filter@2"], cwd=folder, check=True)


def load_peer(cluster: postgres.Cluster) -> None:
    """A fresh database with the national rows, keys, foreign keys and their indexes, and the functions."""
    from graph_model.overview import nowruz_dates
    from seed.profiles import build

    started = time.perf_counter()
    dataset = build("national")
    console.print(f"built national: {dataset.total_rows():,} rows in {time.perf_counter() - started:.1f} s")
    cluster.psql(f"DROP DATABASE IF EXISTS {postgres.DATABASE}", database="postgres")
    cluster.psql(f"CREATE DATABASE {postgres.DATABASE}", database="postgres")
    every = tables.tables()
    cluster.psql("; ".join(t.ddl() for t in every))
    started = time.perf_counter()
    for table, rows in tables.table_rows(dataset):
        cols = ", ".join(f'"{c}"' for c, _, _ in table.columns)
        cluster.psql(f'COPY "{table.name}" ({cols}) FROM STDIN', lines=rows)
    cluster.psql("; ".join(c for t in every for c in t.constraints()))
    cluster.psql(tables.functions(nowruz_dates()))
    cluster.psql("VACUUM ANALYZE")
    console.print(f"loaded the peer in {time.perf_counter() - started:.1f} s (COPY, keys, indexes, analyse)")


def start_postgraphile(folder: Path, url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NODE_PATH": str(folder / "node_modules"), "NODE_ENV": "production",
           "PEER_DATABASE_URL": url, "PEER_PORT": str(port)}
    with log.open("wb") as out:
        return subprocess.Popen(["node", str(HERE / "server.js")], env=env, stdout=out, stderr=subprocess.STDOUT)


async def wait_peer(client: httpx.AsyncClient, node: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if node.poll() is not None:
            raise SystemExit(f"PostGraphile exited with {node.returncode}; see {log}")
        try:
            if (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit(f"PostGraphile not ready after 120 s; see {log}")


async def check_equal(hub: measure.Side, peer: measure.Side, asked: list[tuple[Question, Json]]) -> None:
    """Each question once on each side (after a write where the question says so): equal, or stop."""
    for n, (question, variables) in enumerate(asked):
        if question.after_write:
            await hub.touch(n)
            await peer.touch(n)
        ours = question.normalise_hub(await hub.ask(question.hub, variables))
        theirs = question.normalise_peer(await peer.ask(question.peer, variables))
        if (where := first_difference(ours, theirs)) is not None:
            console.print(f"[red]answers differ[/] on {question.name}: {where}", highlight=False)
            raise SystemExit(1)
        size = len(ours.get("nodes") or ours.get("donations") or ours.get("years") or ours.get("eventNodes") or [])
        console.print(f"answers equal: {question.name} ({size} items in its main list)")


Results = dict[tuple[str, int, str], measure.Figures]


async def timed(sides: list[measure.Side], asked: list[tuple[Question, Json]], rounds: int,
                seconds: float) -> Results:
    results: Results = {}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("timing", total=rounds * len(CONCURRENCY) * len(asked) * len(sides))
        for r in range(rounds):
            for clients in CONCURRENCY:
                for question, variables in asked:
                    for side in sides:
                        progress.update(task, description=f"round {r + 1}/{rounds}, {clients} clients, "
                                                          f"{question.name}, {side.name}")
                        # A few untimed requests first: connections opened, plans cached on both sides.
                        for _ in range(3):
                            await side.ask(side.query(question), variables)
                        done = await measure.phase(side, question, variables, clients, seconds)
                        results.setdefault((question.name, clients, side.name), measure.Figures()).phases.append(done)
                        progress.advance(task)
    return results


def _verdict(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red bold]MISSED[/]"


def report(results: Results, asked: list[tuple[Question, Json]], rounds: int, seconds: float) -> bool:
    figures = Table(title=f"figures: {rounds} rounds of {seconds:g} s per side, question and concurrency, "
                          "interleaved (hub, peer, hub, peer ...)")
    for heading in ("question", "clients", "side", "requests", "p50 ms", "p99 ms", "req/s",
                    "CPU ms/req", "CPU split", "p50 per round"):
        figures.add_column(heading, justify="left" if heading in ("question", "side", "CPU split") else "right")
    ratios = Table(title="hub / peer, and the issue's targets (p50, p99 <= 1.0x at 1 client; req/s >= 1.0x at 16; "
                         "CPU per request <= 1.0x)")
    for heading in ("question", "clients", "p50", "p99", "req/s", "CPU/req", "targets"):
        ratios.add_column(heading, justify="left" if heading in ("question", "targets") else "right")
    all_met = True
    for question, _ in asked:
        for clients in CONCURRENCY:
            hub, peer = results[(question.name, clients, "hub")], results[(question.name, clients, "peer")]
            for name, f in (("hub", hub), ("peer", peer)):
                split = f.cpu_ms()
                label = "Python + FalkorDB" if name == "hub" else "Node + PostgreSQL"
                figures.add_row(question.name, str(clients), name, f"{f.requests:,}", f"{f.p50:.1f}", f"{f.p99:.1f}",
                                f"{f.rate:.1f}", f"{sum(split.values()):.1f}", f"{measure.summary(split)} ({label})",
                                " ".join(f"{v:.1f}" for v in f.round_p50s()))
            cpu = sum(hub.cpu_ms().values()) / max(sum(peer.cpu_ms().values()), 1e-9)
            p50, p99, rate = hub.p50 / peer.p50, hub.p99 / peer.p99, hub.rate / peer.rate
            judged = question.name != "cached" and not (question.after_write and clients > 1)
            verdicts = []
            if judged:
                checks = ([("p50", p50 <= 1.0), ("p99", p99 <= 1.0)] if clients == 1 else [("req/s", rate >= 1.0)])
                checks.append(("CPU", cpu <= 1.0))
                verdicts = [f"{what} {_verdict(ok)}" for what, ok in checks]
                all_met = all_met and all(ok for _, ok in checks)
            ratios.add_row(question.name, str(clients), f"{p50:.2f}x", f"{p99:.2f}x", f"{rate:.2f}x", f"{cpu:.2f}x",
                           ", ".join(verdicts) or "- (not judged, see below)")
    console.print(figures)
    console.print(ratios)
    for question, _ in asked:
        console.print(f"  {question.name}: {question.label}", highlight=False)
    console.print("Not judged: the overview after a write at 16 clients (readers that follow one write may share "
                  "one computation in the hub's cache) and the cached overview (the hub remembers it; the peer "
                  "keeps no cache). The machine's other load moves every figure: compare the rounds' p50s.")
    console.print(f"all judged targets met: {'yes' if all_met else 'NO'}")
    return all_met


async def run(args: argparse.Namespace) -> bool:
    scratch = Path(args.scratch).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    node_folder = scratch / "node"
    cluster = postgres.Cluster(postgres.bin_dir(console), scratch / "postgres", free_port())
    if not (args.skip_install and (node_folder / "node_modules" / "postgraphile").exists()):
        install_postgraphile(node_folder)
    loaded = scratch / "postgres" / "loaded"
    if not (args.skip_install and cluster.exists() and loaded.exists()):
        loaded.unlink(missing_ok=True)
        cluster.init()
        cluster.start()
        try:
            load_peer(cluster)
        finally:
            cluster.stop()
        loaded.write_text("national\n")

    data_dir = Path(args.data_dir).resolve() if args.data_dir else scratch / "hub"
    key = secrets.token_hex(32)
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "HUB_JWT_KEY": key, "HUB_JWT_ALGORITHM": "HS256",
           "HUB_RATE_LIMIT": "0", "PYTHONPATH": str(ROOT)}
    refuse_if_served(data_dir)
    seeded = seed_if_empty(data_dir, env)
    if seeded is not None:
        console.print(f"seeded the hub with national in {seeded:.1f} s")

    hub_port, peer_port = free_port(), free_port()
    hub_log, peer_log = scratch / "hub-serve.log", scratch / "postgraphile.log"
    cluster.start()
    node = start_postgraphile(node_folder, cluster.url, peer_port, peer_log)
    with hub_log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--host", "127.0.0.1", "--port",
                                   str(hub_port), "--workers", "1"], env=env, cwd=ROOT, stdout=out,
                                  stderr=subprocess.STDOUT)
    limits = httpx.Limits(max_connections=max(CONCURRENCY), max_keepalive_connections=max(CONCURRENCY))
    timeout = httpx.Timeout(120.0)
    try:
        async with (httpx.AsyncClient(base_url=f"http://127.0.0.1:{hub_port}", limits=limits, timeout=timeout) as hc,
                    httpx.AsyncClient(base_url=f"http://127.0.0.1:{peer_port}", limits=limits, timeout=timeout) as pc):
            await wait_ready(hc, server, hub_log)
            await wait_peer(pc, node, peer_log)
            postmaster = cluster.postmaster_pid()
            write_vars = {"key": args.institution}
            # One subject per client, as benchmarks/load.py: the hub limits concurrent analytics per key.
            tokens = [{"Authorization": f"Bearer {token(key, 'admin', f'peer-benchmark-{n}')}"}
                      for n in range(max(CONCURRENCY))]
            hub = measure.Side("hub", hc, tokens.__getitem__,
                               lambda q: q.hub, HUB_WRITE, write_vars,
                               {"Python": lambda: measure.own_cpu(server.pid),
                                "FalkorDB": lambda: measure.tree_cpu(server.pid) - measure.own_cpu(server.pid)})
            peer = measure.Side("peer", pc, lambda n: {}, lambda q: q.peer, PEER_WRITE, write_vars,
                                {"Node": lambda: measure.tree_cpu(node.pid),
                                 "PostgreSQL": lambda: measure.tree_cpu(postmaster)})
            asked = questions(args.institution, args.province, cached=not args.no_cached, other=args.other_province)
            console.print(f"hub pid {server.pid} (log {hub_log}); PostGraphile pid {node.pid} (log {peer_log}); "
                          f"postmaster pid {postmaster} on port {cluster.port}")
            await check_equal(hub, peer, asked)
            results = await timed([hub, peer], asked, args.rounds, args.seconds)
            return report(results, asked, args.rounds, args.seconds)
    finally:
        for proc in (server, node):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        cluster.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every phase (at least 3 for the record)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per phase (one side, question, concurrency)")
    parser.add_argument("--scratch", default=".peer", help="scratch folder: PostgreSQL cluster, node_modules, logs")
    parser.add_argument("--data-dir", help="the hub's embedded store folder (default: SCRATCH/hub; seeded if empty)")
    parser.add_argument("--skip-install", action="store_true",
                        help="reuse the scratch folder's PostGraphile and loaded cluster when present")
    parser.add_argument("--institution", default="inst-birjand-hazrat-ali-akbar", help="question 1's institution")
    parser.add_argument("--province", default="IR-06", help="questions 2 and 3's province (IR-06: Khuzestan)")
    parser.add_argument("--other-province", default="IR-01",
                        help="the fourth question's province (IR-01: Gilan), another than --province")
    parser.add_argument("--no-cached", action="store_true", help="leave out the cached overview (hub cache)")
    try:
        sys.exit(0 if asyncio.run(run(parser.parse_args())) else 1)
    except measure.Failed as failed:
        console.print(f"[red]stopped:[/] {failed}", highlight=False)
        sys.exit(1)
