"""`hub import` of 100,000 donations, from CSV and from XLSX, into the embedded store: rows per
second (read, check, write and the totals' rebuild: the whole import) and peak memory.

    .venv/bin/python benchmarks/import.py [--data-dir .hub-bench-import] [--rows 100000]

A fresh graph gets the `demo` profile; the gifts go from its donors to its institutions. The CSV and
XLSX files hold different gifts (so the second import creates rows too). Peak memory is the
process's maximum resident size (ru_maxrss) after each import. CPU: this process's and the embedded
FalkorDB server's seconds during each import, which other processes on a shared machine move much less
than the wall time. Target (issue 20): at least 20,000 rows/s from CSV.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from graph_model.cypher import statement  # noqa: E402
from graph_model.importing import run_import  # noqa: E402
from graph_model.importing.report import ImportReport  # noqa: E402
from graph_model.stores.falkordb import FalkorStore, open_embedded  # noqa: E402
from seed.loader import load  # noqa: E402
from seed.profiles import build  # noqa: E402

KEYS = {label: statement(f"bench_import_{label}_keys", f"MATCH (n:{label}) RETURN n.key AS key", register=False)
        for label in ("Donor", "Institution")}
HEADER = ["donor", "institution", "amount", "date", "purpose"]


def gifts(donors: list[str], institutions: list[str], n: int, tag: str, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(donors), rng.choice(institutions), f"{rng.randrange(1, 5000) * 10_000:,}",
             f"{rng.randrange(1399, 1404)}/{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}", f"{tag} {i}"]
            for i in range(n)]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_cpu(pid: int | None) -> float:
    """The server's user + system CPU seconds so far (/proc), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """CPU seconds the whole machine has been busy (user, nice, system, irq, softirq) and stolen by
    the hypervisor so far (/proc/stat's first line)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / tick, fields[7] / tick


async def timed(store: FalkorStore, path: Path) -> tuple[ImportReport, float, str]:
    """The import of ``path``, its wall seconds, and the CPU it took here and in the server, with what
    the rest of the machine took meanwhile (other processes; stolen by the hypervisor): on a shared
    machine those, not the code, move the wall time most."""
    pid = store.embedded.running_pid() if store.embedded else None
    wall, cpu, served, (busy, stolen) = time.perf_counter(), time.process_time(), server_cpu(pid), machine_cpu()
    report = await run_import(store, "donations", path)
    wall = time.perf_counter() - wall
    here, there = time.process_time() - cpu, server_cpu(pid) - served
    now_busy, now_stolen = machine_cpu()
    others = max(0.0, now_busy - busy - here - there)
    return report, wall, (f"CPU {here:.1f} s here, {there:.1f} s in the server; the rest of the machine "
                          f"{others:.1f} s, stolen {now_stolen - stolen:.1f} s; load {os.getloadavg()[0]:.1f}")


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default=".hub-bench-import")
    p.add_argument("--rows", type=int, default=100_000)
    args = p.parse_args()
    store = await open_embedded(args.data_dir, f"bench_import_{int(time.time())}")
    try:
        await store.ensure_schema()
        started = time.perf_counter()
        await load(store, build("demo"))
        print(f"demo loaded in {time.perf_counter() - started:.1f} s")
        donors = [r["key"] for r in await store.read(KEYS['Donor'])]
        institutions = [r["key"] for r in await store.read(KEYS['Institution'])]
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "gifts.csv"
            with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow(HEADER)
                out.writerows(gifts(donors, institutions, args.rows, "csv", 1))
            xlsx_path = Path(tmp) / "gifts.xlsx"
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append(["نیکوکار", "موسسه", "مبلغ", "تاریخ", "بابت"])
            for row in gifts(donors, institutions, args.rows, "xlsx", 2):
                sheet.append(row)
            book.save(xlsx_path)
            for path in (csv_path, xlsx_path):
                before = rss_mb()
                report, seconds, cpu = await timed(store, path)
                assert report.ok and report.created == args.rows, report.problems[:5]
                print(f"{path.suffix[1:]:>4}: {args.rows:,} rows in {seconds:.1f} s = "
                      f"{args.rows / seconds:,.0f} rows/s; peak RSS {rss_mb():.0f} MB (before: {before:.0f} MB); "
                      f"{cpu}", flush=True)
            report, seconds, cpu = await timed(store, csv_path)
            print(f"CSV again (all unchanged: {report.unchanged:,}): {args.rows / seconds:,.0f} rows/s; {cpu}")
    finally:
        await store.clear()
        await store.close()


if __name__ == "__main__":
    asyncio.run(main())
