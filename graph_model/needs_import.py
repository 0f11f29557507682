"""Import planners' need figures (``NEEDS``, county -> target group) from a CSV file.

The file has a header row and the columns ``county``, ``targetGroup``, ``people`` and,
optionally, ``source`` and ``year``; a row without its own source or year takes the
import's defaults (``hub needs import --source/--year``). Numbers may be written with
Persian or Arabic-Indic digits and with thousands separators (``12,500``, ``۱۲٬۵۰۰``).

Nothing is written unless every row is right: the whole file is parsed and checked first
(columns, numbers, duplicate pairs, keys that name no county or target group), and any
error is reported with its line number (line 1 is the header, line 2 the first data row).
Each row is then written with ``set_need``, the same upsert the ``setNeed`` mutation runs;
a row whose figure, source and year the graph already holds is left alone, so importing
the same file twice writes nothing the second time. Rows are separate writes: should the
store fail part way, the rows before are written and running the file again finishes it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph_model.coverage.reading import read_overrides
from graph_model.enums import Label, Rel
from graph_model.errors import FieldError, ValidationFailed
from graph_model.model import REL_FIELDS, field_errors
from graph_model.mutations.relations import set_need
from graph_model.statements.loading import MISSING_KEYS
from graph_model.stores.base import GraphStore
from graph_model.text import normalise
from graph_model.text import whole_number as text_whole_number

REQUIRED = ("county", "targetGroup", "people")
OPTIONAL = ("source", "year")
COLUMNS = REQUIRED + OPTIONAL
HEADER_LINE = 1

Progress = Callable[[int, int], None]  # (rows written so far, rows to write)


@dataclass(frozen=True, slots=True)
class NeedRow:
    """One figure of the file, checked and with its defaults applied."""

    line: int
    county: str
    target_group: str
    people: int
    source: str
    year: int


@dataclass(frozen=True, slots=True)
class LineError:
    line: int  # 1 for the header (missing or unknown columns), 2 for the first data row
    message: str


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did; ``written`` is False when it wrote nothing at all."""

    rows: tuple[NeedRow, ...]
    errors: tuple[LineError, ...]
    new: int = 0  # pairs without a figure before
    replaced: int = 0  # pairs whose figure, source or year changed
    unchanged: int = 0  # pairs already holding exactly this figure, source and year
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def read_csv_text(path: Path) -> str:
    """The file's text (UTF-8, a byte-order mark is dropped); ValidationFailed when unreadable."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"{path} is not UTF-8 text (byte {exc.start}): save the file as CSV UTF-8"
    except OSError as exc:
        message = f"cannot read {path}: {exc.strerror or exc}"
    raise ValidationFailed(message)


def _ascii_digits(text: str) -> str:
    # Keys are case-sensitive, so they get only this, not the full search folding.
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
                   for ch in text).strip()


def whole_number(text: str, what: str) -> int | str:
    """The non-negative integer written in ``text`` (the forms ``graph_model.text.whole_number``
    reads, as the API's amounts do: '12,500', '۱۲٬۵۰۰'; a decimal point is refused, half a person
    is a typo, not a figure), or why it is not one."""
    if not normalise(text):
        return f"{what} is missing"
    try:
        value = text_whole_number(text)
    except ValueError as exc:
        return f"{what} {exc}"
    if value < 0:
        return f"{what} must not be negative, got {value}"
    return value


def _header_errors(fields: list[str]) -> list[str]:
    errors = [f"duplicate column {name!r}" for i, name in enumerate(fields) if name in fields[:i]]
    errors += [f"unknown column {name!r} (expected {', '.join(COLUMNS)})" for name in fields
               if name not in COLUMNS]
    errors += [f"missing column {name!r}" for name in REQUIRED if name not in fields]
    return errors


def _parse_row(line: int, pair: tuple[str, str], cells: dict[str, str], source: str | None,
               year: int | None) -> NeedRow | list[str]:
    county, group = pair
    errors = [] if county else ["county is missing"]
    errors += [] if group else ["targetGroup is missing"]
    people = whole_number(cells.get("people", ""), "people")
    row_source = cells.get("source", "").strip() or source
    row_year: int | str | None = year
    if cells.get("year", "").strip():
        row_year = whole_number(cells["year"], "year")
    if isinstance(people, str):
        errors.append(people)
    if row_source is None:
        errors.append("source is missing: fill the source column or pass --source")
    if row_year is None:
        errors.append("year is missing: fill the year column or pass --year")
    elif isinstance(row_year, str):
        errors.append(row_year)
    elif row_year == 0:
        errors.append("year must be a positive number")
    if errors or not isinstance(people, int) or not isinstance(row_year, int) or row_source is None:
        return errors
    # The mutation's own checks, so that nothing the import accepts is refused half way through.
    refused = field_errors({"people": people, "source": row_source, "year": row_year}, REL_FIELDS[Rel.NEEDS])
    if refused:
        return [f"{e.field} {e.message}" for e in refused]
    return NeedRow(line, county, group, people, row_source, row_year)


Ref = tuple[int, str, str]  # (line, county, targetGroup) of every row, right or wrong


def _parse(text: str, source: str | None, year: int | None) -> tuple[list[NeedRow], list[LineError], list[Ref]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        return [], [LineError(HEADER_LINE, f"the file is empty: a header row ({', '.join(COLUMNS)}) is required")], []
    # Column names match whatever their case: a spreadsheet's "TargetGroup" is meant as "targetGroup".
    canonical = {name.casefold(): name for name in COLUMNS}
    fields = [canonical.get(cell.strip().casefold(), cell.strip()) for cell in header]
    header_errors = _header_errors(fields)
    if header_errors:
        return [], [LineError(HEADER_LINE, message) for message in header_errors], []
    rows: list[NeedRow] = []
    errors: list[LineError] = []
    refs: list[Ref] = []
    seen: dict[tuple[str, str], int] = {}
    while True:
        line = reader.line_num + 1  # the record about to be read starts on the next line
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            errors.append(LineError(line, f"unreadable CSV: {exc}"))
            break
        if cells is None:
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(fields):
            errors.append(LineError(line, f"{len(cells)} cells, but the header names {len(fields)} columns"))
            continue
        named = dict(zip(fields, cells, strict=False))
        pair = (_ascii_digits(named.get("county", "")), _ascii_digits(named.get("targetGroup", "")))
        refs.append((line, *pair))
        parsed = _parse_row(line, pair, named, source, year)
        if all(pair) and pair in seen:
            errors.append(LineError(line, f"county {pair[0]!r} and target group {pair[1]!r} are already "
                                          f"on line {seen[pair]}"))
        elif all(pair):
            seen[pair] = line
        if isinstance(parsed, list):
            errors += [LineError(line, message) for message in parsed]
        elif seen[pair] == line:
            rows.append(parsed)
    return rows, errors, refs


def parse(text: str, *, source: str | None = None, year: int | None = None) -> tuple[list[NeedRow], list[LineError]]:
    """Parse and check the file's text without the store: every row is checked, all errors kept.

    Rows whose cells are all empty (what spreadsheets leave at the end) are skipped.
    """
    rows, errors, _ = _parse(text, source, year)
    return rows, errors


async def unknown_keys(store: GraphStore, refs: list[Ref]) -> list[LineError]:
    """Rows naming a county or target group the graph does not hold (one read per label)."""
    errors: list[LineError] = []
    for label, column, what in ((Label.COUNTY, 1, "county"), (Label.TARGET_GROUP, 2, "target group")):
        keys = list(dict.fromkeys(ref[column] for ref in refs if ref[column]))
        if not keys:
            continue
        missing = set((await store.read(MISSING_KEYS[label], keys=keys))[0]["missing"])
        errors += [LineError(ref[0], f"no {what} with key {ref[column]!r}") for ref in refs if ref[column] in missing]
    return errors


def _check_options(source: str | None, year: int | None) -> None:
    errors = []
    if source is not None and not source.strip():
        errors.append(FieldError("source", "must not be empty"))
    if year is not None and year <= 0:
        errors.append(FieldError("year", f"must be a positive number, got {year}"))
    if errors:
        raise ValidationFailed("invalid import options", errors)


async def import_needs(store: GraphStore, text: str, *, source: str | None = None, year: int | None = None,
                       dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Check every row of the CSV ``text``; when all are right (and not ``dry_run``) write them.

    ``source`` and ``year`` apply to rows that leave those cells empty. The report counts the
    rows that are new, replace a figure, or match the one held (those are not written).
    """
    _check_options(source, year)
    source = source.strip() if source is not None else None
    rows, errors, refs = _parse(text, source, year)
    errors += await unknown_keys(store, refs)
    if errors:
        return ImportReport(tuple(rows), tuple(sorted(errors, key=lambda e: e.line)), dry_run=dry_run)
    held = await read_overrides(store, {r.target_group for r in rows})
    changes: list[NeedRow] = []
    new = unchanged = 0
    for row in rows:
        before = held.get((row.county, row.target_group))
        if before is None:
            new += 1
            changes.append(row)
        elif (before.people, before.source, before.year) == (float(row.people), row.source, row.year):
            unchanged += 1
        else:
            changes.append(row)
    report = ImportReport(tuple(rows), (), new, len(changes) - new, unchanged, dry_run=dry_run)
    if dry_run:
        return report
    for done, row in enumerate(changes, start=1):
        await set_need(store, row.county, row.target_group, people=row.people, source=row.source, year=row.year)
        if progress is not None:
            progress(done, len(changes))
    return ImportReport(report.rows, (), report.new, report.replaced, report.unchanged, written=bool(changes))
