"""``hub import FILE --kind KIND``: bring your own data (graph_model.importing), and ``hub import
--columns KIND``, the column mapping of a kind in both languages."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings

KINDS = ("institutions", "donors", "donations", "councils", "memberships", "events", "participations", "licences",
         "offers", "partnerships", "needs", "assessments")


def cmd_columns(kind: str) -> None:
    from rich.table import Table

    from graph_model.importing.columns import KINDS as BUILT
    from hub.cli.common import out

    table = Table("column", "ستون", "required", "format", title=f"hub import --kind {kind}")
    for col in BUILT[kind]:
        shown = "one of:\n" + "\n".join(col.choices) if col.choices else col.format  # a value per line
        table.add_row(col.name, col.fa, "yes" if col.required else "", shown)
    out.print(table)


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from graph_model.errors import ValidationFailed
    from graph_model.importing import run_import
    from hub.cli.common import err, out, with_store

    if args.columns:
        cmd_columns(args.columns)
        return 0
    if args.file is None or args.kind is None:
        raise ValidationFailed("give a FILE and --kind (or --columns KIND)")
    try:
        data = Path(args.file).read_bytes()  # before the store opens: a wrong path starts no server
    except OSError as exc:
        raise ValidationFailed(f"cannot read {args.file}: {exc.strerror or exc}") from None
    columns = (TextColumn("[bold]{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"),
               TimeElapsedColumn())

    async def work(store: GraphStore) -> int:
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task(f"checking {args.kind}", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=f"writing {args.kind}")

            report = await run_import(store, args.kind, data, Path(args.file).name, dry_run=args.dry_run,
                                      skip_invalid=args.skip_invalid, progress=advance)
        for p in report.problems:
            where = f"row {p.row}" + (f", column {p.column!r}" if p.column else "")
            value = f" ({p.value!r})" if p.value else ""
            err.print(f"[red]{escape(p.file)}: {escape(where)}{escape(value)}:[/] {escape(p.message(args.lang))}",
                      soft_wrap=True)
        table = Table("rows", "created", "updated", "unchanged", "rejected", "written",
                      title=f"import {args.kind}" + (" (dry run)" if report.dry_run else ""))
        table.add_row(*(f"{n:,}" for n in (report.rows, report.created, report.updated, report.unchanged,
                                            report.rejected)), "yes" if report.written else "no")
        out.print(table)
        if report.rejected and not (args.skip_invalid or args.dry_run):
            out.print("nothing written: fix the rows above, or pass --skip-invalid", highlight=False)
        return 1 if report.rejected or report.problems else 0

    return asyncio.run(with_store(settings, work))


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("import", help="import a CSV, XLSX or JSON Lines file (every row checked first)",
                       description="Every row is checked first; nothing is written unless all pass "
                                   "(--skip-invalid writes the valid ones). Rerunning a file changes nothing.")
    s.add_argument("file", nargs="?", type=Path, help="the file (.csv, .xlsx or .jsonl)")
    s.add_argument("--kind", choices=KINDS, help="what the file holds")
    s.add_argument("--columns", metavar="KIND", choices=KINDS, help="print the columns of KIND and exit")
    s.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    s.add_argument("--skip-invalid", action="store_true", help="write the valid rows, report the others")
    s.add_argument("--lang", choices=("fa", "en"), default="en", help="language of the problems")
    s.set_defaults(run=cmd_import)
