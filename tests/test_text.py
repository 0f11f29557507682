from graph_model.text import normalise, search_text


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


def test_search_text_joins_both_languages() -> None:
    assert search_text("خوزستان", "Khuzestan") == "خوزستان | khuzestan"
    assert search_text(None, "Arak") == "arak"
