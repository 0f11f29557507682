"""Reading a file into uniform rows: (row number, the header's cells) from CSV, XLSX or JSON Lines.

CSV: UTF-8 with or without a byte-order mark; row 1 is the header, so a row number is what a
spreadsheet shows. XLSX: the first sheet, read streaming (openpyxl ``read_only``), row numbers as
the sheet shows them. JSON Lines: one object per line, its keys are the headers; the row number is
the line. Rows whose cells are all empty (what spreadsheets leave at the end) are skipped.
The format is chosen by the file name's extension.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from graph_model.importing.values import Bad

Row = tuple[int, dict[str, Any]]
FORMATS = ("csv", "xlsx", "jsonl")


def format_of(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    ext = {"json": "jsonl", "ndjson": "jsonl", "txt": "csv"}.get(ext, ext)
    if ext not in FORMATS:
        raise Bad("unreadable", f"{filename}: unknown file type (use .csv, .xlsx or .jsonl)",
                  f"{filename}: نوع فایل شناخته نیست (csv، xlsx یا jsonl)")
    return ext


def _blank(cells: Any) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _csv(data: bytes) -> tuple[list[str], Iterator[Row]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Bad("unreadable", f"not UTF-8 text (byte {exc.start}): save the file as CSV UTF-8",
                  "فایل UTF-8 نیست: آن را با قالب CSV UTF-8 ذخیره کنید") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]

    def rows() -> Iterator[Row]:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                raise Bad("unreadable", f"row {line}: unreadable CSV: {exc}", f"ردیف {line}: CSV خوانا نیست") from None
            if cells is None:
                return
            if not "".join(cells).isspace() and any(cells):  # a CSV cell is text: blank is empty or spaces
                yield line, dict(zip(header, cells, strict=False))

    return header, rows()


def _xlsx(data: bytes) -> tuple[list[str], Iterator[Row]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise Bad("unreadable", f"not an XLSX workbook: {exc}", "فایل XLSX خوانا نیست") from None
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    first = next(it, ())
    header = ["" if h is None else str(h).strip() for h in first]

    def rows() -> Iterator[Row]:
        try:
            for number, cells in enumerate(it, start=2):
                if not _blank(cells):
                    yield number, dict(zip(header, cells, strict=False))
        finally:
            book.close()

    return header, rows()


def _jsonl(data: bytes) -> tuple[list[str], Iterator[Row]]:
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise Bad("unreadable", "not UTF-8 text", "فایل UTF-8 نیست") from None
    parsed: list[Row] = []
    header: dict[str, None] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Bad("unreadable", f"line {number}: not JSON: {exc.msg}", f"سطر {number}: JSON نیست") from None
        if not isinstance(obj, dict):
            raise Bad("unreadable", f"line {number}: not a JSON object", f"سطر {number}: شیء JSON نیست")
        header.update(dict.fromkeys(obj))
        parsed.append((number, obj))
    return list(header), iter(parsed)


def read_rows(data: bytes, filename: str) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows of the file; Bad('unreadable') when it cannot be read."""
    return {"csv": _csv, "xlsx": _xlsx, "jsonl": _jsonl}[format_of(filename)](data)
