import pytest

from graph_model.needs_import import whole_number as needs_whole_number
from graph_model.text import normalise, search_text, whole_number


def test_arabic_letters_become_persian() -> None:
    assert normalise("علي") == normalise("علی")
    assert normalise("كرمان") == "کرمان"
    assert normalise("مدرسة") == normalise("مدرسه")


def test_persian_and_arabic_digits_become_ascii() -> None:
    assert normalise("۱۴۰۳/۰۵/۲۴") == "1403/05/24"
    assert normalise("٢٠٢٤") == "2024"


def test_zero_width_non_joiner_and_joiners_are_dropped() -> None:
    assert normalise("شبانه\u200cروزی") == normalise("شبانهروزی")
    assert normalise("خانه\u200dها") == "خانهها"


def test_case_spaces_and_diacritics_fold() -> None:
    assert normalise("  South   KHORASAN ") == "south khorasan"
    assert normalise("مُحَمَّد") == "محمد"


def _plain_normalise(text: str) -> str:
    """The definition ``normalise`` implements faster: each character's combining class tested."""
    import unicodedata

    from graph_model.text import _SPACES, _TABLE

    decomposed = unicodedata.normalize("NFKD", text.translate(_TABLE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    composed = unicodedata.normalize("NFC", stripped).translate(_TABLE)
    return _SPACES.sub(" ", composed).strip().casefold()


def test_normalise_equals_its_plain_definition_on_random_texts() -> None:
    import random

    rng = random.Random(20261204)
    # ASCII, Latin with accents, Arabic and Persian letters, harakat, presentation forms, joiners,
    # combining marks, spaces of other kinds, and a few characters from beyond the BMP.
    pool = [chr(c) for c in [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x600, 0x700), *range(0xFB50, 0xFDFF),
                             *range(0xFE70, 0xFEFF), 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00A0, 0x2003,
                             0x1D400, 0x1F600, 0x1E130, 0x16FF0]]
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 16))) for _ in range(50_000)]
    texts += ["آسایشگاه کهریزک", "Café  Ünïcode", "ﻻ ﷺ ﬁ", "ۀ ئ أ إ ؤ", "A\u0308", "  Ḁ\u0301 ", ""]
    assert [normalise(t) for t in texts] == [_plain_normalise(t) for t in texts]


def test_search_text_joins_both_languages() -> None:
    assert search_text("خوزستان", "Khuzestan") == "خوزستان | khuzestan"
    assert search_text(None, "Arak") == "arak"


@pytest.mark.parametrize(("text", "value"), [
    ("1000000", 1_000_000), ("1,000,000", 1_000_000), ("۱٬۰۰۰٬۰۰۰", 1_000_000), ("١٬٠٠٠٬٠٠٠", 1_000_000),
    ("١،٠٠٠", 1000), ("۱,۲۳۴", 1234), (" 42 ", 42), ("-5", -5), ("\u221212", -12), ("0", 0),
    ("1\u200c000", 1000),  # a ZWNJ pasted along is dropped, as search drops it
])
def test_whole_numbers_as_people_write_them(text: str, value: int) -> None:
    assert whole_number(text) == value
    # the CSV import reads the same forms (its own rule: no negative figures)
    assert needs_whole_number(text, "people") == (value if value >= 0 else f"people must not be negative, got {value}")


@pytest.mark.parametrize(("text", "why"), [
    ("1,00,000", "groups of three"), ("1,00,0", "groups of three"), (",100", "groups of three"),
    ("1,0000", "groups of three"), ("12.5", "decimal part"), ("۱۲٫۵", "decimal part"), ("1,000.5", "decimal part"),
    ("1 000", "is not a whole number"), ("ten", "is not a whole number"), ("", "it is empty"),
    ("9" * 20, "too large"), ("1000²", "is not a whole number"), ("１２", "is not a whole number"),
])
def test_malformed_numbers_say_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as raised:
        whole_number(text)
    assert str(raised.value).startswith(repr(text.strip()) if text else "''")
