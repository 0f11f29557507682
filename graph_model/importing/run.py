"""The one entry point of an import, shared by ``hub import`` and the GraphQL upload mutation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from graph_model import collector
from graph_model.enums import Label
from graph_model.importing import kinds_civic, kinds_services, validate, write
from graph_model.importing.columns import KINDS
from graph_model.importing.report import ImportReport, ProblemList
from graph_model.importing.sources import read_rows
from graph_model.importing.values import Bad
from graph_model.importing.write import Progress
from graph_model.stores.base import GraphStore


Planner = Callable[[GraphStore, list[tuple[int, dict[str, Any]]], ProblemList, dict[str, str],
                    frozenset[str] | None, dt.date], Awaitable[list[validate.Planned]]]
Writer = Callable[[GraphStore, list[validate.Planned], Progress | None], Awaitable[None]]

# Each kind: how its parsed rows become a plan (checked against the store), and how a plan is written.
# A new kind adds its columns (columns.KINDS) and one entry here.
PLANNERS: dict[str, Planner] = {
    "institutions": lambda s, rows, pr, shown, prov, today: validate.plan_institutions(s, rows, pr, shown, prov),
    "donors": lambda s, rows, pr, shown, prov, today: validate.plan_donors(s, rows, pr, shown, prov),
    "donations": lambda s, rows, pr, shown, prov, today: validate.plan_donations(s, rows, pr, shown, prov),
    "licences": validate.plan_licences,
    "councils": kinds_civic.plan_councils,
    "events": kinds_civic.plan_events,
    "memberships": kinds_civic.plan_memberships,
    "participations": kinds_civic.plan_participations,
    "offers": kinds_services.plan_offers,
    "partnerships": kinds_services.plan_partnerships,
    "assessments": kinds_services.plan_assessments,
}
WRITERS: dict[str, Writer] = {
    "institutions": lambda s, plans, progress: write.write_entities(s, Label.INSTITUTION, plans, progress),
    "donors": lambda s, plans, progress: write.write_entities(s, Label.DONOR, plans, progress),
    "donations": write.write_donations,
    "licences": write.write_licences,
    "councils": lambda s, plans, progress: write.write_entities(s, Label.COUNCIL, plans, progress),
    "events": lambda s, plans, progress: write.write_entities(s, Label.EVENT, plans, progress),
    "memberships": kinds_civic.write_memberships,
    "participations": kinds_civic.write_participations,
    "offers": kinds_services.write_offers,
    "partnerships": kinds_services.write_partnerships,
    "assessments": kinds_services.write_assessments,
}


async def run_import(store: GraphStore, kind: str, source: bytes | Path, filename: str | None = None, *,
                     dry_run: bool = False, skip_invalid: bool = False, provinces: frozenset[str] | None = None,
                     progress: Progress | None = None, today: dt.date | None = None) -> ImportReport:
    """Check every row of the file, then (unless ``dry_run``) write it: all rows when all pass, the
    valid ones with ``skip_invalid``, none otherwise.

    ``source``: the file's bytes (an upload) or its path; ``filename`` picks the format by its
    extension (.csv, .xlsx, .jsonl; default: the path's name). ``provinces``: None for all, else a
    scoped editor's provinces: rows about places elsewhere are rejected with a ``province`` problem.
    ``progress(done, total)`` is called as rows are written.

    Returns an ImportReport (graph_model.importing.report): kind, file, rows, created, updated,
    unchanged, rejected, written, dry_run and problems (each: file, row, column, value, code, en, fa).
    Counts are what the valid rows did, or would do on a dry run or a refused file.
    """
    with collector.paused():  # the rows are plain dicts held to the end (graph_model.collector)
        return await _run_import(store, kind, source, filename, dry_run=dry_run, skip_invalid=skip_invalid,
                                 provinces=provinces, progress=progress, today=today)


async def _run_import(store: GraphStore, kind: str, source: bytes | Path, filename: str | None, *,
                      dry_run: bool, skip_invalid: bool, provinces: frozenset[str] | None,
                      progress: Progress | None, today: dt.date | None) -> ImportReport:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}: one of {', '.join(KINDS)}")
    if isinstance(source, Path):
        filename = filename or source.name
        data = source.read_bytes()
    else:
        data = source
    name = filename or "upload"
    today = today or dt.date.today()
    problems = ProblemList(name)
    try:
        header, rows = read_rows(data, name)
    except Bad as exc:
        problems.add(0, "", "", exc.code, exc.en, exc.fa)
        return ImportReport(kind, name, dry_run=dry_run, problems=problems.sorted())
    mapped = validate.map_header(kind, header, problems)
    try:
        parsed = validate.parse_rows(kind, mapped, rows, problems, today)
    except Bad as exc:
        problems.add(0, "", "", exc.code, exc.en, exc.fa)
        return ImportReport(kind, name, dry_run=dry_run, problems=problems.sorted())
    total = len(parsed) + len(problems.rows - {0, 1})
    if any(p.row <= 1 for p in problems.items):  # the file itself is wrong: no row can be trusted
        return ImportReport(kind, name, rows=total, rejected=total, dry_run=dry_run, problems=problems.sorted())
    if kind == "needs":
        from graph_model.importing.needs import run_needs

        return await run_needs(store, name, parsed, problems, total, dry_run=dry_run, skip_invalid=skip_invalid,
                               provinces=provinces, progress=progress)
    shown = {c.name: cell for cell, c in mapped.items()}
    plans = await PLANNERS[kind](store, parsed, problems, shown, provinces, today)
    bad = problems.rows
    plans = [p for p in plans if p.row not in bad]  # a row with a problem anywhere is rejected whole
    counts = {a: sum(1 for p in plans if p.action == a) for a in (validate.CREATE, validate.UPDATE,
                                                                   validate.UNCHANGED)}
    report = ImportReport(kind, name, rows=total, created=counts[validate.CREATE], updated=counts[validate.UPDATE],
                          unchanged=counts[validate.UNCHANGED], rejected=len(bad), dry_run=dry_run,
                          problems=problems.sorted())
    if dry_run or (bad and not skip_invalid):
        return report
    await WRITERS[kind](store, plans, progress)
    wrote = counts[validate.CREATE] + counts[validate.UPDATE] > 0
    return ImportReport(**{**report.__dict__, "written": wrote})
