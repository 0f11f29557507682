"""Importing planners' need figures from CSV (graph_model.needs_import, ``hub needs import``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from graph_model.coverage.reading import read_overrides
from graph_model.enums import Label
from graph_model.errors import ValidationFailed
from graph_model.mutations import create_node, set_need
from graph_model.needs_import import LineError, import_needs, parse, read_csv_text
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from hub.cli import main as cli
from tests.builders import build_world, snapshot

GROUPS = ("tg-elderly", "tg-children")


async def needs_world(store: FalkorStore) -> None:
    """build_world's three counties and tg-elderly, plus tg-children."""
    await build_world(store)
    await create_node(store, Label.TARGET_GROUP, {"key": "tg-children", "nameEn": "Children", "nameFa": "کودکان"})


async def figures(store: FalkorStore) -> dict[tuple[str, str], tuple[float, str, int]]:
    return {pair: (f.people, f.source, f.year) for pair, f in (await read_overrides(store, GROUPS)).items()}


GOOD = """county,targetGroup,people,source,year
IR-00-0001,tg-elderly,1200,welfare office survey,2023
IR-00-0002,tg-elderly,800,,
IR-01-0001,tg-children,"2,500",provincial register,2022
"""


async def test_a_good_file_sets_every_figure(store: FalkorStore) -> None:
    await needs_world(store)
    report = await import_needs(store, GOOD, source="planning unit", year=2024)
    assert report.ok and report.written and not report.dry_run
    assert (report.new, report.replaced, report.unchanged) == (3, 0, 0)
    assert await figures(store) == {
        ("IR-00-0001", "tg-elderly"): (1200.0, "welfare office survey", 2023),
        # empty source and year cells take the options
        ("IR-00-0002", "tg-elderly"): (800.0, "planning unit", 2024),
        ("IR-01-0001", "tg-children"): (2500.0, "provincial register", 2022),
    }


async def test_bad_rows_are_each_reported_and_nothing_is_written(store: FalkorStore) -> None:
    await needs_world(store)
    await set_need(store, "IR-00-0001", "tg-elderly", people=5, source="earlier", year=2020)
    before = await snapshot(store)
    text = ("county,targetGroup,people,year\n"
            "IR-00-0001,tg-elderly,1200,2023\n"  # line 2: fine, yet not written either
            "IR-99-0001,tg-elderly,10,2023\n"    # line 3: unknown county
            "IR-00-0002,tg-nobody,10,2023\n"     # line 4: unknown target group
            "IR-98-0001,tg-elderly,-4,2023\n"    # line 5: negative, and an unknown county
            "IR-01-0001,tg-elderly,12.5,2023\n"  # line 6: not whole
            "IR-01-0001,tg-children,,\n"         # line 7: no people, no year
            "IR-00-0001,tg-children,7\n")        # line 8: no year (no --year either)
    report = await import_needs(store, text, source="survey")
    assert not report.ok and not report.written
    assert [e.line for e in report.errors] == [3, 4, 5, 5, 6, 7, 7, 8]
    by_line = {e.line: e.message for e in report.errors}
    assert "no county with key 'IR-99-0001'" in by_line[3]
    assert "no target group with key 'tg-nobody'" in by_line[4]
    assert {e.message for e in report.errors if e.line == 5} == {
        "people must not be negative, got -4", "no county with key 'IR-98-0001'"}
    assert "'12.5' is not a whole number" in by_line[6]
    assert {e.message for e in report.errors if e.line == 7} == {
        "people is missing", "year is missing: fill the year column or pass --year"}
    assert "year is missing" in by_line[8]
    assert await snapshot(store) == before


async def test_duplicate_pairs_are_refused(store: FalkorStore) -> None:
    await needs_world(store)
    text = ("county,targetGroup,people\n"
            "IR-00-0001,tg-elderly,10\n"
            "IR-00-0002,tg-elderly,20\n"
            " IR-00-0001 , tg-elderly ,30\n")  # the same pair once blanks are trimmed
    report = await import_needs(store, text, source="s", year=2024)
    assert report.errors == (LineError(4, "county 'IR-00-0001' and target group 'tg-elderly' are already on line 2"),)
    assert await figures(store) == {}


def test_missing_and_unknown_columns_are_header_errors() -> None:
    rows, errors = parse("County,people,yaer\nIR-00-0001,3,2024\n")
    assert rows == []
    assert {(e.line, e.message) for e in errors} == {
        (1, "unknown column 'yaer' (expected county, targetGroup, people, source, year)"),
        (1, "missing column 'targetGroup'"),
    }
    assert parse("")[1] == [LineError(1, "the file is empty: a header row (county, targetGroup, people, source, "
                                         "year) is required")]


async def test_persian_digits_and_a_byte_order_mark(store: FalkorStore, tmp_path: Path) -> None:
    await needs_world(store)
    path = tmp_path / "needs.csv"
    path.write_text("county,targetGroup,people,source,year\n"
                    "IR-00-0001,tg-elderly,۱۲٬۵۰۰,سرشماری,۱۴۰۲\n"   # Persian digits and thousands separator
                    "IR-۰۰-۰۰۰۲,tg-elderly,٣٤٥,survey,2023\n"       # Arabic-Indic digits, also in a key
                    ",,,,\n", encoding="utf-8-sig")                 # an empty spreadsheet row is skipped
    report = await import_needs(store, read_csv_text(path))
    assert report.ok, report.errors
    assert await figures(store) == {("IR-00-0001", "tg-elderly"): (12500.0, "سرشماری", 1402),
                                    ("IR-00-0002", "tg-elderly"): (345.0, "survey", 2023)}


async def test_running_the_same_file_again_changes_nothing(store: FalkorStore) -> None:
    await needs_world(store)
    await import_needs(store, GOOD, source="planning unit", year=2024)
    after_first = await snapshot(store)
    again = await import_needs(store, GOOD, source="planning unit", year=2024)
    assert (again.new, again.replaced, again.unchanged, again.written) == (0, 0, 3, False)
    assert await snapshot(store) == after_first
    # A changed default source replaces the one figure that took it.
    changed = await import_needs(store, GOOD, source="new survey", year=2024)
    assert (changed.new, changed.replaced, changed.unchanged) == (0, 1, 2)
    assert (await figures(store))[("IR-00-0002", "tg-elderly")] == (800.0, "new survey", 2024)


async def test_an_import_stopped_half_way_and_run_again_ends_as_a_clean_run(store: FalkorStore) -> None:
    """Stopped after its first figure (the fault: the progress callback raises, as a kill would
    stop it between writes), the same file run again writes the rest and ends where one clean run does."""
    await needs_world(store)

    def stop_after_one(done: int, total: int) -> None:
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await import_needs(store, GOOD, source="planning unit", year=2024, progress=stop_after_one)
    assert len(await figures(store)) == 1
    again = await import_needs(store, GOOD, source="planning unit", year=2024)
    assert (again.new, again.replaced, again.unchanged) == (2, 0, 1)
    node_counts, rel_counts, _, rels = await snapshot(store)  # the nodes hold the graph version: it differs
    interrupted = (node_counts, rel_counts, rels, await figures(store))
    await store.clear()
    await store.ensure_schema()
    await needs_world(store)
    await import_needs(store, GOOD, source="planning unit", year=2024)
    node_counts, rel_counts, _, rels = await snapshot(store)
    assert (node_counts, rel_counts, rels, await figures(store)) == interrupted


async def test_a_dry_run_reports_and_writes_nothing(store: FalkorStore) -> None:
    await needs_world(store)
    await set_need(store, "IR-00-0001", "tg-elderly", people=5, source="earlier", year=2020)
    before = await snapshot(store)
    report = await import_needs(store, GOOD, source="planning unit", year=2024, dry_run=True)
    assert report.ok and report.dry_run and not report.written
    assert (report.new, report.replaced, report.unchanged) == (2, 1, 0)
    assert await snapshot(store) == before


async def test_bad_options_are_refused(store: FalkorStore) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await import_needs(store, GOOD, source=" ", year=0)
    assert {e.field for e in caught.value.errors} == {"source", "year"}


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "needs.csv"
    path.write_bytes("county,targetGroup,people\nIR-00-0001,tg-elderly,۱۰\n".encode("utf-16"))
    with pytest.raises(ValidationFailed, match="not UTF-8"):
        read_csv_text(path)


async def test_the_cli_imports_and_refuses(store: FalkorStore, server: EmbeddedServer, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    await needs_world(store)
    # The CLI opens the test's graph on the session's server (it reuses a running server).
    monkeypatch.setenv("HUB_DATA_DIR", str(server.data_dir))
    monkeypatch.setenv("HUB_GRAPH", store.graph_name)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text("county,targetGroup,people,source,year\n"
                   "IR-00-0001,tg-elderly,10,s,2024\n"
                   "IR-77-0001,tg-elderly,ten,s,2024\n", encoding="utf-8")

    async def hub(*argv: str) -> int:
        # main() runs its own event loop (asyncio.run), so it runs off this test's loop.
        return await asyncio.to_thread(cli.main, list(argv))

    assert await hub("needs", "import", str(bad), "--source", "x") == 1
    captured = capsys.readouterr()
    assert "line 3: no county with key 'IR-77-0001'" in captured.err
    assert "line 3: people 'ten' is not a whole number" in captured.err
    assert "error: nothing written: 2 error(s) on 1 line(s)" in captured.err
    assert await figures(store) == {}

    assert await hub("needs", "import", str(good), "--source", "planning unit", "--year", "2024",
                     "--dry-run") == 0
    assert "would set 3 need figures (3 new, 0 replaced, 0 unchanged)" in capsys.readouterr().out
    assert await figures(store) == {}

    assert await hub("needs", "import", str(good), "--source", "planning unit", "--year", "2024") == 0
    assert "set 3 need figures (3 new, 0 replaced, 0 unchanged)" in capsys.readouterr().out
    assert len(await figures(store)) == 3

    assert await hub("needs", "import", str(good), "--source", "planning unit", "--year", "2024") == 0
    assert "set 3 need figures (0 new, 0 replaced, 3 unchanged)" in capsys.readouterr().out
