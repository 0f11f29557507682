"""What an import found and did: plain data the CLI prints and the GraphQL mutation returns.

A problem names the file, the row (1 is the header row of CSV and XLSX, 2 the first data row; in
JSON Lines the line), the column as the file spells it, the value as written, a stable code and a
message in Persian and in English. Codes: ``required``, ``type``, ``date``, ``future``, ``negative``,
``too_large``, ``enum``, ``unknown_column``, ``missing_column``, ``unknown_key``, ``duplicate``,
``taken``, ``transition``, ``province``, ``unreadable``, ``self`` (an institution partnering itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    row: int
    column: str
    value: str
    code: str
    en: str
    fa: str

    def message(self, lang: str = "en") -> str:
        return self.fa if lang == "fa" else self.en


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import.

    ``rows``: data rows read; ``created`` / ``updated`` / ``unchanged`` count the valid rows by what
    they did (or, on a dry run or a refused file, would do); ``rejected`` the rows with a problem;
    ``written`` is True when anything was written; ``dry_run`` as asked. ``problems`` in file order.
    """

    kind: str
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    written: bool = False
    dry_run: bool = False
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


class ProblemList:
    """Collects problems while rows are read and checked; knows which rows were rejected."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, row: int, column: str, value: object, code: str, en: str, fa: str) -> None:
        shown = "" if value is None else str(value)
        self.items.append(Problem(self.file, row, column, shown, code, en, fa))

    @property
    def rows(self) -> set[int]:
        return {p.row for p in self.items}

    def sorted(self) -> tuple[Problem, ...]:
        return tuple(sorted(self.items, key=lambda p: (p.row, p.column)))
