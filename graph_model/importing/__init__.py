"""Bring your own data: ``hub import`` of CSV, XLSX and JSON Lines files, checked row by row first.

columns.py: each kind's columns (English and Persian headers) from graph_model.model; values.py:
cells read (Jalali dates, Persian digits, thousands separators); sources.py: files into rows;
validate.py: the checks and the plan; write.py: the writes; report.py: the report;
run.py: ``run_import``, the one entry point of the CLI and the API.
"""

from graph_model.importing.report import ImportReport, Problem
from graph_model.importing.run import run_import

__all__ = ["ImportReport", "Problem", "run_import"]
