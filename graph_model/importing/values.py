"""Cell values as people type them into spreadsheets, read into the graph's values.

Dates: ISO (``2024-03-20``) or Solar Hijri (``1403/01/01``, ``۱۴۰۳-۰۱-۰۱``; any year below 1700 is
read as Jalali and converted with jdatetime), or a spreadsheet date cell. Numbers: Latin, Persian or
Arabic-Indic digits with thousands separators (``,`` ``٬`` ``،``), through the same
``graph_model.text.whole_number`` the API and ``hub needs import`` use. Keys: digits folded to
ASCII and blanks trimmed (keys are case-sensitive, so nothing else is folded). Names: kept as
written (trimmed); the graph's searchText is made from them with ``graph_model.text.normalise``.
Each reader raises ``Bad(code, en, fa)`` when the cell cannot be read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import Enum
from functools import lru_cache
from typing import Any

import jdatetime

from graph_model import enum_labels
from graph_model.text import MAX_INT, whole_number

_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
JALALI_BEFORE = 1700  # a year below is Solar Hijri (1403 is 2024)
# Plain Latin digits, optionally grouped by commas in threes: what graph_model.text.whole_number
# accepts from an ASCII cell (its folding changes nothing there), read without its folding table.
_LATIN_WHOLE = re.compile(r"-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)")


class Bad(Exception):
    def __init__(self, code: str, en: str, fa: str) -> None:
        super().__init__(en)
        self.code, self.en, self.fa = code, en, fa


_DIGITS = str.maketrans({chr(base + i): str(i) for base in (0x06F0, 0x0660) for i in range(10)})


def ascii_digits(text: str) -> str:
    if text.isascii():  # most cells: nothing to fold (a table lookup per character costs 100,000s of rows)
        return text.strip()
    folded = text.translate(_DIGITS)
    return "".join(str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None
                   else ch for ch in folded).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return ascii_digits(str(value))


def read_text(value: Any) -> str:
    return str(value).strip()


def read_int(value: Any) -> int:
    if isinstance(value, bool):
        raise Bad("type", f"{value!r} is not a whole number", f"«{value}» عدد صحیح نیست")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Bad("type", f"{value!r} is not a whole number", f"«{value}» عدد صحیح نیست")
    text = str(value)
    if text.isascii() and (plain := _LATIN_WHOLE.fullmatch(text.strip())):  # most cells: 12,500,000
        number = int(plain.group().replace(",", ""))
        if -MAX_INT - 1 <= number <= MAX_INT:
            return number
    try:  # other digits, separators, or a problem to name: the API's own reading
        return whole_number(text)
    except ValueError as exc:
        raise Bad("type", str(exc), f"«{value}» عدد صحیح نیست") from None


def read_float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = ascii_digits(str(value)).replace("\u066b", ".").replace("\u066c", "").replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise Bad("type", f"{value!r} is not a number", f"«{value}» عدد نیست") from None


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = ascii_digits(str(value)).casefold()
    if text in {"true", "yes", "1", "بله", "آری"}:
        return True
    if text in {"false", "no", "0", "خیر", "نه"}:
        return False
    raise Bad("type", f"{value!r} is not yes or no", f"«{value}» بله یا خیر نیست")


def read_date(value: Any) -> str:
    """An ISO date from an ISO or Jalali text, or a spreadsheet date."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    iso = _date_text(str(value))
    if iso is None:
        raise Bad("date", f"{value!r} is not a date (YYYY-MM-DD, or Jalali 1403/01/15)",
                  f"«{value}» تاریخ نیست (۱۴۰۳/۰۱/۱۵ یا YYYY-MM-DD)")
    return iso


@lru_cache(maxsize=8192)
def _date_text(value: str) -> str | None:
    """The ISO date a text cell holds, or None. Cached: a register's dates repeat (a few hundred
    days a year against 100,000s of rows), and converting a Jalali date was most of a row's reading."""
    match = _DATE.fullmatch(ascii_digits(value))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        if year < JALALI_BEFORE:
            return jdatetime.date(year, month, day).togregorian().isoformat()
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def read_enum(value: Any, enum: type[Enum]) -> str:
    """The English value (any case), or its Persian label or another common word for it
    (graph_model.enum_labels: «خیریه», «فعال», «شهرستان»), compared as search folds text."""
    found = _enum_value(str(value), enum)
    if found is not None:
        return found
    allowed = sorted(str(m.value) for m in enum)
    raise Bad("enum", f"{value!r} is not one of {', '.join(allowed)}",
              f"«{value}» یکی از {'، '.join(enum_labels.label(m) for m in enum)} نیست")


@lru_cache(maxsize=4096)  # a register repeats a handful of words in 100,000s of rows: read each once
def _enum_value(text: str, enum: type[Enum]) -> str | None:
    english = ascii_digits(text).upper().replace(" ", "_")
    if english in {m.value for m in enum}:
        return english
    member = enum_labels.from_persian(text, enum)
    return None if member is None else str(member.value)


_LIST_SEP = re.compile(r"[;،؛|]")


def read_keys(value: Any) -> list[str]:
    """A list of keys in one cell: separated by ';', '|', the Arabic comma or semicolon."""
    return list(dict.fromkeys(k for k in (read_key(p) for p in _LIST_SEP.split(str(value))) if k))
