"""`hub import` of councils, events, memberships and participations (graph_model.importing.kinds_civic):
files with Persian headers, Jalali dates and Persian digits read back from the graph; bad rows (unknown
keys, two members on one row, a pair twice, provinces out of scope) write nothing and are named by row
and column; a second import of the same file changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_model.enums import Label
from graph_model.importing import run_import
from graph_model.queries import by_keys
from graph_model.stores.falkordb import FalkorStore
from tests.builders import DUMP_RELS, links, snapshot
from tests.test_import_files import csv_bytes, xlsx

TODAY = dt.date(2025, 6, 1)


async def rel(store: FalkorStore, kind: str, start: str, end: str) -> dict[str, Any] | None:
    found = [r["props"] for r in await store.read(DUMP_RELS)
             if (r["type"], r["start"], r["end"]) == (kind, start, end)]
    return found[0] if found else None


def found(report: Any) -> set[tuple[int, str, str]]:
    return {(p.row, p.column, p.code) for p in report.problems}


async def test_councils_from_an_xlsx_with_persian_headers(small_world: FalkorStore) -> None:
    store = small_world
    rows = [["کلید", "نام فارسی", "نام انگلیسی", "نوع", "سطح", "استان‌ها", "شهرستان‌ها"],
            ["council-۲", "کمیته نظارت اراک", "Arak supervision committee", "SUPERVISION_COMMITTEE", "COUNTY", "",
             "IR-00-0001،IR-00-0002"],
            ["council-1", "شورا", "Council renamed", "PARTICIPATION_COUNCIL", "PROVINCIAL", "IR-00", ""]]
    data = xlsx(rows)
    report = await run_import(store, "councils", data, "councils.xlsx", today=TODAY)
    assert (report.created, report.updated, report.written) == (1, 1, True), report.problems
    node = (await by_keys(store, Label.COUNCIL, ["council-2"]))["council-2"]
    assert (node["kind"], node["level"]) == ("SUPERVISION_COMMITTEE", "COUNTY")
    assert node["searchText"] == "کمیته نظارت اراک | arak supervision committee"
    assert await links(store, "council-2") == {("COVERS_COUNTY", "IR-00-0001"), ("COVERS_COUNTY", "IR-00-0002")}
    assert (await by_keys(store, Label.COUNCIL, ["council-1"]))["council-1"]["nameEn"] == "Council renamed"
    again = await run_import(store, "councils", data, "councils.xlsx", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 2, False), again.problems
    rows[1][6] = "IR-00-0002;IR-00-0001"  # a list link is the same keys in any order
    reordered = await run_import(store, "councils", xlsx(rows), "councils.xlsx", today=TODAY)
    assert (reordered.unchanged, reordered.written) == (2, False), reordered.problems


async def test_events_from_a_csv_with_jalali_dates_and_persian_digits(small_world: FalkorStore) -> None:
    store = small_world
    rows = [["کلید", "نام فارسی", "نام انگلیسی", "نوع", "تاریخ شروع", "تاریخ پایان", "شهرستان",
             "موسسات برگزارکننده", "شوراهای برگزارکننده"],
            ["evt-۲", "موکب اربعین", "Arbaeen mawkib", "MAWKIB", "۱۴۰۳/۰۵/۲۵", "۱۴۰۳/۰۵/۳۰", "IR-00-0001",
             "inst-a", "council-1"]]
    data = csv_bytes(rows, bom=True)
    report = await run_import(store, "events", data, "events.csv", today=TODAY)
    assert (report.created, report.written) == (1, True), report.problems
    node = (await by_keys(store, Label.EVENT, ["evt-2"]))["evt-2"]
    assert (node["startsOn"], node["endsOn"], node["countyKey"]) == ("2024-08-15", "2024-08-20", "IR-00-0001")
    assert await links(store, "evt-2") == {("HELD_IN", "IR-00-0001"), ("ORGANISED_BY_INSTITUTION", "inst-a"),
                                           ("ORGANISED_BY_COUNCIL", "council-1")}
    again = await run_import(store, "events", data, "events.csv", today=TODAY)
    assert (again.unchanged, again.written) == (1, False), again.problems
    # A changed organiser list is an update that replaces the list.
    rows[1][7] = "inst-a;inst-b"
    moved = await run_import(store, "events", csv_bytes(rows), "events.csv", today=TODAY)
    assert (moved.updated, moved.written) == (1, True), moved.problems
    assert ("ORGANISED_BY_INSTITUTION", "inst-b") in await links(store, "evt-2")


async def test_bad_events_and_councils_write_nothing(small_world: FalkorStore) -> None:
    store = small_world
    before = await snapshot(store)
    head = ["key", "nameFa", "nameEn", "kind", "startsOn", "endsOn", "county", "organiserInstitutions"]
    rows = [head,
            ["evt-a", "الف", "A", "TRAINING", "2024-01-01", "", "IR-99-0001", ""],             # unknown county
            ["evt-b", "ب", "B", "TRAINING", "2024-01-10", "2024-01-01", "IR-00-0001", ""],     # ends before start
            ["evt-c", "ج", "C", "TRAINING", "2024-01-01", "", "IR-00-0001", "inst-a;inst-x"],  # unknown organiser
            ["evt-d", "د", "D", "TRAINING", "2024-01-01", "", "IR-01-0001", ""]]               # Khuzestan
    report = await run_import(store, "events", csv_bytes(rows), "e.csv", provinces=frozenset({"IR-00"}), today=TODAY)
    assert found(report) == {(2, "county", "unknown_key"), (3, "endsOn", "date"),
                             (4, "organiserInstitutions", "unknown_key"), (5, "county", "province")}, report.problems
    assert not report.written
    councils = [["key", "nameFa", "nameEn", "kind", "level", "provinces"],
                ["council-n", "ملی", "National", "PARTICIPATION_COUNCIL", "NATIONAL", ""],   # covers nowhere
                ["council-k", "خ", "Khuzestan", "PARTICIPATION_COUNCIL", "PROVINCIAL", "IR-01"]]
    report = await run_import(store, "councils", csv_bytes(councils), "c.csv", provinces=frozenset({"IR-00"}),
                              today=TODAY)
    assert found(report) == {(2, "key", "province"), (3, "provinces", "province")}, report.problems
    assert await snapshot(store) == before


MEMBERS = [["نیکوکار", "موسسه", "شخص", "شورا", "نقش", "تاریخ عضویت"],
           ["donor-1", "", "", "council-1", "CHAIR", "۱۴۰۰/۰۱/۰۱"],
           ["", "inst-a", "", "council-1", "", ""],
           ["", "", "person-1", "council-1", "SECRETARY", "2022-05-01"]]


async def test_memberships_with_persian_headers_and_a_rerun(small_world: FalkorStore) -> None:
    store = small_world
    report = await run_import(store, "memberships", csv_bytes(MEMBERS), "members.csv", today=TODAY)
    assert (report.created, report.written) == (3, True), report.problems
    assert await rel(store, "DONOR_MEMBER_OF", "donor-1", "council-1") == {"role": "CHAIR", "since": "2021-03-21"}
    assert await rel(store, "INSTITUTION_MEMBER_OF", "inst-a", "council-1") == {"role": "MEMBER"}
    assert await rel(store, "PERSON_MEMBER_OF", "person-1", "council-1") == {"role": "SECRETARY",
                                                                             "since": "2022-05-01"}
    after = await snapshot(store)
    again = await run_import(store, "memberships", csv_bytes(MEMBERS), "members.csv", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 3, False), again.problems
    assert await snapshot(store) == after
    # Another role is an update of the seat; a blank cell leaves its value alone.
    changed = [MEMBERS[0], ["donor-1", "", "", "council-1", "OBSERVER", ""]]
    report = await run_import(store, "memberships", csv_bytes(changed), "members.csv", today=TODAY)
    assert (report.updated, report.written) == (1, True), report.problems
    assert await rel(store, "DONOR_MEMBER_OF", "donor-1", "council-1") == {"role": "OBSERVER", "since": "2021-03-21"}


async def test_bad_membership_rows_write_nothing_and_are_named(small_world: FalkorStore) -> None:
    store = small_world
    before = await snapshot(store)
    rows = [*MEMBERS[:2],
            ["", "inst-a", "", "council-x", "", ""],             # row 3: unknown council
            ["donor-1", "inst-a", "", "council-1", "", ""],      # row 4: two members
            ["donor-1", "", "", "council-1", "MEMBER", ""],      # row 5: the pair of row 2 again
            ["", "", "person-1", "council-1", "", "1410/01/01"],  # row 6: since in the future
            ["", "", "person-1", "council-1", "BOSS", ""]]       # row 7: not a role
    report = await run_import(store, "memberships", csv_bytes(rows), "members.csv", today=TODAY)
    assert found(report) == {(3, "شورا", "unknown_key"), (4, "موسسه", "required"), (5, "نیکوکار", "duplicate"),
                             (6, "تاریخ عضویت", "future"), (7, "نقش", "enum")}, report.problems
    assert (report.rejected, report.created, report.written) == (5, 1, False)
    assert await snapshot(store) == before
    # council-1 covers Markazi (IR-00): an editor of Khuzestan may not seat anyone on it.
    scoped = await run_import(store, "memberships", csv_bytes(MEMBERS[:2]), "members.csv",
                              provinces=frozenset({"IR-01"}), today=TODAY)
    assert found(scoped) == {(2, "نیکوکار", "province"), (2, "شورا", "province")}, scoped.problems
    assert await snapshot(store) == before
    # --skip-invalid writes row 2 alone and reports the rest.
    skipped = await run_import(store, "memberships", csv_bytes(rows), "members.csv", skip_invalid=True, today=TODAY)
    assert (skipped.created, skipped.rejected, skipped.written) == (1, 5, True)
    assert await rel(store, "DONOR_MEMBER_OF", "donor-1", "council-1") == {"role": "CHAIR", "since": "2021-03-21"}
    assert await rel(store, "INSTITUTION_MEMBER_OF", "inst-a", "council-1") is None


async def test_participations_from_an_xlsx(small_world: FalkorStore) -> None:
    store = small_world
    data = xlsx([["موسسه", "رویداد", "نقش"], ["inst-b", "evt-1", "میزبان"], ["inst-a", "evt-1", None]])
    report = await run_import(store, "participations", data, "p.xlsx", today=TODAY)
    assert (report.created, report.written) == (2, True), report.problems
    assert await rel(store, "PARTICIPATED_IN", "inst-b", "evt-1") == {"role": "میزبان"}
    assert await rel(store, "PARTICIPATED_IN", "inst-a", "evt-1") == {}
    again = await run_import(store, "participations", data, "p.xlsx", today=TODAY)
    assert (again.unchanged, again.written) == (2, False), again.problems
    before = await snapshot(store)
    bad = xlsx([["موسسه", "رویداد", "نقش"], ["inst-b", "evt-1", "گروه داوطلب"], ["inst-b", "evt-1", "x"],
                ["inst-a", "evt-9", None]])
    report = await run_import(store, "participations", bad, "p.xlsx", today=TODAY)
    assert found(report) == {(3, "موسسه", "duplicate"), (4, "رویداد", "unknown_key")}, report.problems
    assert (report.updated, report.written) == (1, False)
    # evt-1 is held in Khuzestan (IR-01), inst-a lies in Markazi (IR-00).
    scoped = await run_import(store, "participations", data, "p.xlsx", provinces=frozenset({"IR-01"}), today=TODAY)
    assert found(scoped) == {(3, "موسسه", "province")}, scoped.problems
    assert await snapshot(store) == before
