"""Persian words in the enum cells of `hub import` (graph_model.enum_labels, read by
graph_model.importing.values.read_enum): a welfare office's sheet says «خیریه», «فعال», «دبیر»; the graph
stores CHARITY, ACTIVE, SECRETARY. Arabic letter forms and ZWNJ or space variants read the same; an
unknown word is a row problem whose Persian message lists the Persian labels."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import pytest

from graph_model import enum_labels
from graph_model.enum_labels import ALSO, FA, fold
from graph_model.enums import InstitutionKind, Label
from graph_model.importing import run_import
from graph_model.importing.columns import KINDS
from graph_model.importing.values import Bad, read_enum
from graph_model.queries import by_keys
from graph_model.stores.falkordb import FalkorStore
from hub.cli import main as cli
from tests.builders import snapshot
from tests.test_import_civic import rel
from tests.test_import_files import csv_bytes, xlsx

TODAY = dt.date(2025, 6, 1)
COLUMN_ENUMS = {c.enum for cols in KINDS.values() for c in cols if c.enum is not None}


def test_every_enum_an_import_column_uses_has_a_persian_label_and_no_word_names_two_values() -> None:
    assert len(COLUMN_ENUMS) >= 9  # institution, donor, council kinds and levels, roles, events, licences, ...
    for enum in COLUMN_ENUMS:
        missing = [m for m in enum if m not in FA]
        assert not missing, f"{enum.__name__} has no Persian label for {missing}"
        seen: dict[str, Enum] = {}
        for member in enum:
            for word in (FA[member], *ALSO.get(member, ())):
                folded = fold(word)
                assert folded, (member, word)
                assert seen.setdefault(folded, member) is member, \
                    f"{enum.__name__}: «{word}» names both {seen[folded].name} and {member.name}"
    assert all(m in FA for m in ALSO), "an alternative word for a value without a label"


def test_a_cell_reads_as_english_any_case_or_persian_in_any_spelling() -> None:
    assert read_enum("charity", InstitutionKind) == "CHARITY"
    assert read_enum("Rehabilitation centre", InstitutionKind) == "REHABILITATION_CENTRE"
    assert read_enum(" خیریه ", InstitutionKind) == "CHARITY"
    assert read_enum("مركز توانبخشي", InstitutionKind) == "REHABILITATION_CENTRE"  # Arabic ك and ي
    assert read_enum("مرکز توان‌بخشی", InstitutionKind) == "REHABILITATION_CENTRE"  # ZWNJ inside the word
    assert read_enum("مرکز شبانه روزی", InstitutionKind) == "RESIDENTIAL_CARE"  # a space for the ZWNJ
    assert read_enum("سازمان مردم‌نهاد", InstitutionKind) == "NGO"  # an alternative
    with pytest.raises(Bad) as caught:
        read_enum("بیمارستان", InstitutionKind)
    assert caught.value.code == "enum"
    assert "CHARITY" in caught.value.en and "خیریه" not in caught.value.en
    assert "خیریه" in caught.value.fa and "مرکز توانبخشی" in caught.value.fa and "CHARITY" not in caught.value.fa


async def test_institutions_with_persian_kinds_store_the_english_values(small_world: FalkorStore) -> None:
    store = small_world
    rows = [["کلید", "نام فارسی", "نام انگلیسی", "نوع", "شهرستان"],
            ["inst-1", "خیریه مهر", "Mehr charity", "خیریه", "IR-00-0001"],
            ["inst-2", "سمن امید", "Omid NGO", "سمن", "IR-00-0001"],
            ["inst-3", "مرکز آوا", "Ava centre", "مركز توانبخشي", "IR-00-0002"],        # Arabic ك and ي
            ["inst-4", "خانه سمن‌های اراک", "Arak NGO house", "خانه سمنها", "IR-00-0002"],  # no ZWNJ
            ["inst-5", "مرکز نور", "Noor centre", "مرکز شبانه روزی", "IR-00-0002"],    # a space for the ZWNJ
            ["inst-6", "مرکز روز", "Day centre", "day_care", "IR-00-0002"]]              # English, any case
    report = await run_import(store, "institutions", csv_bytes(rows), "register.csv", today=TODAY)
    assert (report.created, report.written) == (6, True), report.problems
    nodes = await by_keys(store, Label.INSTITUTION, [f"inst-{n}" for n in range(1, 7)])
    assert {k: n["kind"] for k, n in nodes.items()} == {
        "inst-1": "CHARITY", "inst-2": "NGO", "inst-3": "REHABILITATION_CENTRE", "inst-4": "NGO_HOUSE",
        "inst-5": "RESIDENTIAL_CARE", "inst-6": "DAY_CARE"}
    rows[1][3] = "CHARITY"  # the same value written in English: nothing to change
    again = await run_import(store, "institutions", csv_bytes(rows), "register.csv", today=TODAY)
    assert (again.unchanged, again.written) == (6, False), again.problems


async def test_licences_and_memberships_with_persian_status_and_role(small_world: FalkorStore) -> None:
    store = small_world
    head = ["کلید", "دارنده", "نوع مجوز", "خدمات", "وضعیت", "تاریخ صدور", "دلیل", "تاریخ تغییر"]
    rows = [head, ["lic-1", "inst-a", "lt-care", "svc-care", "موافقت اصولی", "۱۴۰۱/۰۱/۰۱", "", ""],
            ["lic-2", "inst-a", "lt-care", "svc-care", "فعال", "۱۴۰۱/۰۲/۰۱", "", ""]]
    report = await run_import(store, "licences", xlsx(rows), "licences.xlsx", today=TODAY)
    assert (report.created, report.written) == (2, True), report.problems
    stored = await by_keys(store, Label.LICENCE, ["lic-1", "lic-2"])
    assert (stored["lic-1"]["status"], stored["lic-2"]["status"]) == ("AGREEMENT_IN_PRINCIPLE", "ACTIVE")
    suspended = [head, ["lic-2", "inst-a", "lt-care", "svc-care", "تعليق", "۱۴۰۱/۰۲/۰۱", "بازرسی", "۱۴۰۳/۰۲/۱۰"]]
    report = await run_import(store, "licences", xlsx(suspended), "licences.xlsx", today=TODAY)
    assert (report.updated, report.written) == (1, True), report.problems
    assert (await by_keys(store, Label.LICENCE, ["lic-2"]))["lic-2"]["status"] == "SUSPENDED"
    members = [["نیکوکار", "شخص", "شورا", "نقش"],
               ["donor-1", "", "council-1", "رييس"],       # Arabic ي for رئیس (folded alike)
               ["", "person-1", "council-1", "دبیر"]]
    report = await run_import(store, "memberships", csv_bytes(members), "members.csv", today=TODAY)
    assert (report.created, report.written) == (2, True), report.problems
    assert await rel(store, "DONOR_MEMBER_OF", "donor-1", "council-1") == {"role": "CHAIR"}
    assert await rel(store, "PERSON_MEMBER_OF", "person-1", "council-1") == {"role": "SECRETARY"}


async def test_an_unknown_persian_value_is_a_row_problem_listing_the_persian_labels(
        small_world: FalkorStore) -> None:
    store = small_world
    before = await snapshot(store)
    rows = [["key", "nameFa", "nameEn", "kind", "county"],
            ["inst-1", "الف", "A", "خیریه", "IR-00-0001"],
            ["inst-2", "ب", "B", "بیمارستان", "IR-00-0001"]]
    report = await run_import(store, "institutions", csv_bytes(rows), "i.csv", today=TODAY)
    assert [(p.row, p.column, p.value, p.code) for p in report.problems] == [(3, "kind", "بیمارستان", "enum")]
    problem = report.problems[0]
    labels = [FA[m] for m in InstitutionKind]
    assert all(word in problem.message("fa") for word in labels), problem.fa
    assert "CHARITY" not in problem.message("fa")
    assert "CHARITY" in problem.message("en") and "خیریه" not in problem.message("en")
    assert not report.written and await snapshot(store) == before


def test_columns_show_each_value_with_its_persian_label(capsys: pytest.CaptureFixture[str]) -> None:
    status = next(c for c in KINDS["licences"] if c.name == "status")
    assert status.format.startswith("one of AGREEMENT_IN_PRINCIPLE (موافقت اصولی), ACTIVE (فعال), ")
    assert cli.main(["import", "--columns", "councils"]) == 0
    shown = capsys.readouterr().out
    for line in ("PARTICIPATION_COUNCIL (شورای مشارکت‌ها)", "COUNTY (شهرستانی)"):
        assert line in shown, shown
    assert enum_labels.label(InstitutionKind.NGO) == "سمن"
