"""``hub quality [--province P] [--lang fa|en] [--csv FILE] [--as-of D]``: the data-quality findings, for a data
steward or a cron job.

Prints what ``dataQuality`` in the API returns (graph_model.quality) for the country or one province
or county, as a table: severity, kind, the keys involved, the message and the suggested fix in one
language. ``--csv FILE`` also writes every finding with both languages (UTF-8 with a BOM, so a
spreadsheet reads the Persian). The command runs with every right (it reads the store directly), so
it lists findings about individual donors too. Exits 0 whether or not there are findings; an unknown
province exits 1 with one line on stderr.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_model.quality.findings import Finding
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings

CSV_COLUMNS = ("id", "severity", "kind", "province", "county", "keys", "message_en", "message_fa", "fix_en",
               "fix_fa")


async def collect(store: GraphStore, province: str | None, as_of: str | None) -> list[Finding]:
    import datetime as dt

    from graph_model.quality.report import report
    from hub.schema.scalars import parse_date

    day = dt.date.fromisoformat(parse_date(as_of, "asOf")) if as_of else dt.date.today()
    _, found = await report(store, province, None, day, "province")
    return found


def write_csv(found: list[Finding], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(CSV_COLUMNS)
        for x in found:
            out.writerow((x.id, x.severity.value, x.kind.value, x.province or "", x.county or "", " ".join(x.keys),
                          x.message_en, x.message_fa, x.fix_en, x.fix_fa))


def table(found: list[Finding], lang: str, area: str | None) -> object:
    from rich.table import Table

    counts: dict[str, int] = {}
    for x in found:
        counts[x.kind.value] = counts.get(x.kind.value, 0) + 1
    title = f"{len(found)} finding(s) in {area or 'the country'}"
    if counts:
        title += ": " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
    t = Table(title=title, show_lines=False)
    for name in ("severity", "kind", "keys", "message", "fix"):
        t.add_column(name, overflow="fold")
    for x in found:
        t.add_row(x.severity.value, x.kind.value, " ".join(x.keys), x.message_fa if lang == "fa" else x.message_en,
                  x.fix_fa if lang == "fa" else x.fix_en)
    return t


def cmd_quality(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from rich.console import Console

    from hub.cli.common import with_store

    found = asyncio.run(with_store(settings, lambda store: collect(store, args.province, args.as_of)))
    if args.csv is not None:
        write_csv(found, args.csv)
    # Wide enough off a terminal (a cron job's mail, a pipe) that a row stays on a line or two.
    console = Console(width=None if Console().is_terminal else 240)
    console.print(table(found, args.lang, args.province))


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("quality", help="data-quality findings: duplicates, missing facts, unlicensed offers, "
                                       "dates out of range")
    s.add_argument("--province", default=None, help="a province's or county's key (default: the country)")
    s.add_argument("--lang", choices=("en", "fa"), default="en", help="the language of messages and fixes")
    s.add_argument("--as-of", dest="as_of", default=None,
                   help="the day, ISO or Solar Hijri (default: today): dates after it are in the future")
    s.add_argument("--csv", type=Path, default=None, help="also write every finding (both languages) to this CSV")
    s.set_defaults(run=cmd_quality)
