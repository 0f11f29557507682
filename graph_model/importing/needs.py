"""The ``needs`` kind: the rows (read by this package, so XLSX, JSON Lines and Persian headers work)
go to graph_model.needs_import, which ``hub needs import`` runs, so both keep one behaviour."""

from __future__ import annotations

import csv
import io
from typing import Any

from graph_model.importing.report import ImportReport, ProblemList
from graph_model.importing.validate import _county_provinces, _out_of_scope
from graph_model.importing.write import Progress
from graph_model.needs_import import COLUMNS, import_needs
from graph_model.stores.base import GraphStore


async def run_needs(store: GraphStore, name: str, parsed: list[tuple[int, dict[str, Any]]], problems: ProblemList,
                    total: int, *, dry_run: bool, skip_invalid: bool, provinces: frozenset[str] | None,
                    progress: Progress | None) -> ImportReport:
    if provinces is not None:
        counties = await _county_provinces(store, (v["county"] for _, v in parsed))
        for number, values in parsed:
            if values["county"] in counties and counties[values["county"]] not in provinces:
                _out_of_scope(problems, number, "county", values["county"], counties[values["county"]])
    rows = [(n, v) for n, v in parsed if n not in problems.rows]
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(COLUMNS)
    for _, v in rows:
        out.writerow([v.get(c, "") for c in COLUMNS])
    line_of = {i + 2: n for i, (n, _) in enumerate(rows)}  # line 2 of the regenerated text is rows[0]
    checked = await import_needs(store, text.getvalue(), dry_run=True)
    for e in checked.errors:
        problems.add(line_of.get(e.line, e.line), "", "", "unknown_key" if "no " in e.message else "type",
                     e.message, e.message)
    bad = problems.rows
    report = ImportReport("needs", name, rows=total, created=checked.new, updated=checked.replaced,
                          unchanged=checked.unchanged, rejected=len(bad), dry_run=dry_run, problems=problems.sorted())
    if dry_run or (bad and not skip_invalid) or checked.errors:
        return report
    done = await import_needs(store, text.getvalue(), progress=progress)
    return ImportReport(**{**report.__dict__, "written": done.written})
