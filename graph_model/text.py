"""Persian-aware text normalisation for search.

Arabic letters that Persian writes differently (ي ى ك ة ۀ) become their Persian forms,
Persian and Arabic-Indic digits become ASCII digits, zero-width non-joiners and other
invisible joiners become nothing, diacritics are dropped, case is folded and runs of
white space collapse, so 'كتابخانه‌ها ۱۲' and 'کتابخانهها 12' compare equal.
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


def normalise(text: str) -> str:
    """Fold ``text`` to the form search compares."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TABLE))
    # Drop combining marks (Arabic harakat, Latin accents); NFKD keeps base letters intact.
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    composed = unicodedata.normalize("NFC", stripped).translate(_TABLE)
    return _SPACES.sub(" ", composed).strip().casefold()


def search_text(*parts: str | None) -> str:
    """The stored, normalised text that name search matches (both languages joined)."""
    return " | ".join(normalise(p) for p in parts if p)
