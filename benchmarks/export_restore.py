"""`hub export` and `hub restore` of a large graph (issue 20): time and peak memory of each.

    .venv/bin/python benchmarks/export_restore.py --data-dir DIR [--graph national] [--out DIR] [--only PHASE]

DIR holds an embedded store with the graph (``hub seed --profile national`` into it first, or a copy
of a data folder no server runs on). The export goes to --out (a new folder), then is restored into
a new graph of the same server (``<graph>_restored``, deleted at the end). Each phase runs in a
child process of its own, so each peak RSS is that phase's alone. Target: each at most 2 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 120.0


async def _phase(phase: str, data_dir: str, graph: str, out: Path) -> dict[str, object]:
    from graph_model.archive.export import export
    from graph_model.archive.restore import restore
    from graph_model.stores.falkordb import open_embedded

    store = await open_embedded(data_dir, graph if phase == "export" else f"{graph}_restored", fsync="no")
    try:
        if phase == "restore":
            await store.clear()
        started = time.perf_counter()
        before_totals: list[int] = []

        def progress(what: str, rows: int) -> None:  # the peak before the donation totals' rebuild
            if what == "donation totals":
                before_totals.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)

        manifest = await (export(store, out) if phase == "export" else restore(store, out, progress=progress))
        seconds = time.perf_counter() - started
        info = await store._client.execute_command("INFO", "memory")
        if phase == "restore":
            await store.clear()
    finally:
        await store.close()
    rows = sum(manifest.nodes.values()) + sum(manifest.rels.values())
    return {"phase": phase, "seconds": round(seconds, 1), "rows": rows, "rows_per_s": round(rows / seconds),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "server_used_memory_peak": info.get("used_memory_peak_human"),
            "peak_rss_before_totals_mib": before_totals[0] if before_totals else None}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", required=True)
    p.add_argument("--graph", default="national")
    p.add_argument("--out", type=Path)
    p.add_argument("--only", choices=["export", "restore"], help="one phase (restore: of the export in --out)")
    p.add_argument("--phase", choices=["export", "restore"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.phase:
        print(json.dumps(asyncio.run(_phase(args.phase, args.data_dir, args.graph, args.out))))
        return
    from graph_model.stores.embedded import EmbeddedServer

    # One server for both phases (started here, so that the children find it running).
    server = EmbeddedServer(args.data_dir, fsync="no")
    server.start(timeout=600)
    out = args.out or Path(tempfile.mkdtemp(prefix="hub-export-")) / "export"
    try:
        for phase in (args.only,) if args.only else ("export", "restore"):
            done = subprocess.run([sys.executable, __file__, "--data-dir", args.data_dir, "--graph", args.graph,
                                   "--out", str(out), "--phase", phase], capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{phase} failed:\n{done.stderr[-3000:]}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            verdict = "met" if figures["seconds"] <= TARGET_S else "MISSED"
            print(f"{phase}: {figures['seconds']} s ({figures['rows']:,} rows, {figures['rows_per_s']:,} rows/s), "
                  f"peak RSS {figures['peak_rss_mib']} MiB, FalkorDB used_memory_peak "
                  f"{figures['server_used_memory_peak']}; target <= {TARGET_S:.0f} s {verdict}", flush=True)
            if figures["peak_rss_before_totals_mib"]:
                print(f"  peak RSS before the donation totals' rebuild: {figures['peak_rss_before_totals_mib']} MiB")
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        print(f"archive: {size / 2**20:.0f} MiB in {out}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
