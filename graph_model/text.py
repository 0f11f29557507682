"""Persian-aware text normalisation for search, and whole numbers as people write them.

Arabic letters that Persian writes differently (ي ى ك ة ۀ) become their Persian forms,
Persian and Arabic-Indic digits become ASCII digits, zero-width non-joiners and other
invisible joiners become nothing, diacritics are dropped, case is folded and runs of
white space collapse, so 'كتابخانه‌ها ۱۲' and 'کتابخانهها 12' compare equal.

``whole_number`` reads an integer typed or pasted by a person ('1,000,000', '۱۲٬۵۰۰'); the
API's amounts (the Rials scalar), the CSV exports and ``hub needs import`` all read numbers
with it, so the three accept the same forms.

``text_problem`` says why a text cannot be taken as a value (too long for its field, a NUL, a lone
surrogate); the model's validation and the API's input checks (hub.execution.input_checks) both
apply it, with the limits of ``TEXT_LIMITS``.
"""

from __future__ import annotations

import re
import unicodedata

_LETTERS = {
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا",
    "ؤ": "و",
}
_DIGITS = {**{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)}}
# ZWNJ, ZWJ, zero-width space, word joiner, BOM, and tatweel (kashida) carry no meaning in search.
_INVISIBLE = {"\u200c": "", "\u200d": "", "\u200b": "", "\u2060": "", "\ufeff": "", "\u0640": ""}
_TABLE = str.maketrans({**_LETTERS, **_DIGITS, **_INVISIBLE})
_SPACES = re.compile(r"\s+")


class _Marks(dict[int, int | None]):
    """``str.translate``'s table deleting every combining mark (a non-zero combining class), each code
    point looked up once, when first folded: building the whole table up front meant testing all
    1.1 million code points (60 ms), paid by the first request folding non-ASCII text. Only the
    BMP's answers are kept (at most 65,536 entries, whatever texts arrive); a character beyond it
    is looked up each time it is folded."""

    def __missing__(self, cp: int) -> int | None:
        kept = None if unicodedata.combining(chr(cp)) else cp
        if cp < 0x10000:
            self[cp] = kept
        return kept


_MARKS = _Marks()


def normalise(text: str) -> str:
    """Fold ``text`` to the form search compares: NFKD, combining marks dropped (Arabic harakat, Latin
    accents; NFKD keeps base letters intact), NFC, then the letters, digits and joiners above,
    spaces collapsed and case folded. ASCII text has nothing to decompose, fold into Persian forms or
    drop, so only its spaces and case are touched. (This was 390,000 texts of a national data-quality
    report, a character-by-character filter taking half its time; tests/test_text.py holds the two
    ways equal on random texts.)"""
    if text.isascii():
        return _SPACES.sub(" ", text).strip().casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_TABLE))
    composed = unicodedata.normalize("NFC", decomposed.translate(_MARKS)).translate(_TABLE)
    return _SPACES.sub(" ", composed).strip().casefold()


SEARCH_JOIN = " | "  # between the folded names of a stored search text (graph_model.quality.checks splits it)


def search_text(*parts: str | None) -> str:
    """The stored, normalised text that name search matches (both languages joined)."""
    return SEARCH_JOIN.join(normalise(p) for p in parts if p)


# Thousands separators people type: the comma, the Arabic thousands separator U+066C (what Persian
# and Arabic locales format with: ۱۲٬۵۰۰) and the Arabic comma U+060C (typed for it on Persian
# keyboards). Decimal points: '.' and the Arabic decimal separator U+066B (۱۲٫۵).
# No NFKD folding here, unlike search: it would read '1000²' as 10002.
_NUMBER_TABLE = str.maketrans({**_DIGITS, **_INVISIBLE, "\u066c": ",", "\u060c": ",", "\u066b": ".", "\u2212": "-"})
_WHOLE = re.compile(r"-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)")
_SEPARATED = re.compile(r"-?[0-9,]*[0-9][0-9,]*")
_DECIMAL = re.compile(r"-?[0-9,]*\.[0-9]*")
MAX_INT = 2**63 - 1  # both stores hold signed 64-bit integers


def whole_number(text: str) -> int:
    """The integer written in ``text``: ASCII, Persian (۰-۹) or Arabic-Indic (٠-٩) digits, an
    optional leading minus, and optionally a thousands separator (',' '٬' '،', one kind or
    mixed) between every group of three digits: '1,000,000', '۱٬۰۰۰٬۰۰۰', '١،٠٠٠'. Separators
    anywhere else ('1,00,000', '1,0000') are refused rather than dropped, as they may be a
    typo for another figure; so is a decimal part ('12.5', '۱۲٫۵'), spaces inside, and anything
    beyond 64 bits. Raises ValueError saying why, naming the text as given."""
    folded = text.translate(_NUMBER_TABLE).strip()
    shown = text.strip()
    if _WHOLE.fullmatch(folded):
        value = int(folded.replace(",", ""))
        if not -MAX_INT - 1 <= value <= MAX_INT:
            raise ValueError(f"{shown!r} is too large (at most {MAX_INT:,})")
        return value
    if _SEPARATED.fullmatch(folded):
        raise ValueError(f"{shown!r} is not a whole number: thousands separators must split the digits "
                         f"into groups of three (1,000,000)")
    if _DECIMAL.fullmatch(folded) and any("0" <= ch <= "9" for ch in folded):
        raise ValueError(f"{shown!r} is not a whole number: it has a decimal part")
    if not folded:
        raise ValueError("'' is not a whole number: it is empty")
    raise ValueError(f"{shown!r} is not a whole number")


# The longest text, in characters, a field or argument of that name may hold, in the store and in
# any String argument of the API. Names and titles fit twice the longest real one; free text
# (a purpose, a source) a paragraph; search text a phrase. Every other text (codes, cursors,
# operation arguments) has DEFAULT_TEXT_LIMIT. README "Limits" lists them.
TEXT_LIMITS: dict[str, int] = {
    "key": 100,
    "nameFa": 200, "nameEn": 200, "title": 200, "capitalEn": 200, "centroidSource": 200,
    "number": 100, "wikidata": 100, "phone": 50, "role": 100,
    "source": 500, "purpose": 500, "note": 300,
    "search": 200,
}
DEFAULT_TEXT_LIMIT = 1000
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_limit(name: str) -> int:
    """The most characters a text named ``name`` (its last part: ``input.nameFa`` -> nameFa) may have."""
    return TEXT_LIMITS.get(name.rsplit(".", 1)[-1], DEFAULT_TEXT_LIMIT)


def text_problem(value: str, name: str, *, nul: bool = True) -> str | None:
    """Why ``value`` cannot be the text ``name`` (None when it can): longer than its limit, or holding
    a NUL (U+0000) or a lone surrogate (U+D800-U+DFFF: half of a UTF-16 pair, not a character, which
    JSON's ``\\ud800`` escape can carry but UTF-8, and so the store, cannot)."""
    most = text_limit(name)
    if len(value) > most:
        return f"is {len(value):,} characters long; at most {most:,} are allowed"
    if nul and "\x00" in value:
        return "holds a NUL character (U+0000), which no text may contain"
    if (found := _SURROGATE.search(value)) is not None:
        return f"holds a lone surrogate (U+{ord(found.group()):04X}), which is not a character: send valid Unicode"
    return None
