"""The import's cell readers: their fast paths (plain Latin digits, cached dates) read exactly what
the general reading does, and a bad cell is refused every time, not only the first."""

from __future__ import annotations

import pytest

from graph_model.importing.values import Bad, read_date, read_int
from graph_model.text import whole_number

CELLS = ["0", "12", "-7", " 1,250,000 ", "12,500", "9,223,372,036,854,775,807", "9223372036854775808",
         "-9,223,372,036,854,775,809", "1,00,000", "1,0000", "12.5", "", "12 500", "۱۲٬۵۰۰", "١،٠٠٠", "x1"]


@pytest.mark.parametrize("cell", CELLS)
def test_a_whole_number_cell_reads_as_the_api_reads_it(cell: str) -> None:
    try:
        expected: int | str = whole_number(cell)
    except ValueError as exc:
        expected = str(exc)
    try:
        got: int | str = read_int(cell)
    except Bad as exc:
        assert exc.code == "type"
        got = exc.en
    assert got == expected


def test_dates_read_the_same_twice_and_a_bad_one_is_refused_twice() -> None:
    assert read_date("1403/01/01") == read_date("۱۴۰۳/۰۱/۰۱") == "2024-03-20"
    assert read_date("1403/01/01") == "2024-03-20"  # from the cache
    assert read_date("2024-02-29") == "2024-02-29"
    for _ in range(2):
        for cell in ("1403/13/01", "2023-02-29", "tomorrow"):
            with pytest.raises(Bad) as exc:
                read_date(cell)
            assert exc.value.code == "date" and repr(cell) in exc.value.en
    with pytest.raises(Bad, match="^14030101 is not a date"):  # a number cell is named as it was
        read_date(14030101)


def test_a_repeated_cell_is_read_once_but_rows_never_share_a_list() -> None:
    """parse_rows reads each distinct text of a repeating column once; a list of keys (licences'
    services) is still each row's own list, so changing one row's cannot change another's."""
    import datetime as dt

    from graph_model.importing.report import ProblemList
    from graph_model.importing.sources import read_rows
    from graph_model.importing.validate import map_header, parse_rows

    data = (b"key,holder,licenceType,issuedOn,status,services\n"
            b"lic-1,inst-a,lt-care,1402/01/15,ACTIVE,svc-a;svc-b\n"
            b"lic-2,inst-a,lt-care,1402/01/15,ACTIVE,svc-a;svc-b\n")
    problems = ProblemList("l.csv")
    header, rows = read_rows(data, "l.csv")
    parsed = parse_rows("licences", map_header("licences", header, problems), rows, problems, dt.date(2026, 1, 1))
    assert not problems.items
    (_, first), (_, second) = parsed
    assert first["services"] == second["services"] == ["svc-a", "svc-b"]
    assert first["services"] is not second["services"]
    assert first["issuedOn"] == second["issuedOn"] == "2023-04-04"
