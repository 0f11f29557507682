"""`hub import` with files a welfare office would send (graph_model.importing): Persian headers,
Jalali dates and Persian digits in XLSX; a bad row in the middle of a CSV; reruns; donation totals;
licence transitions; a scoped editor's provinces."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl

from graph_model import donation_totals
from graph_model.importing import run_import
from graph_model.importing.write import totals_differ
from graph_model.queries import by_keys
from graph_model.enums import Label
from graph_model.mutations.licences import issue_licence, revoke_licence
from graph_model.stores.falkordb import FalkorStore
from tests.builders import build_world, snapshot

TODAY = dt.date(2025, 6, 1)


def xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[Any]], bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


async def test_an_xlsx_with_persian_headers_jalali_dates_and_persian_digits(store: FalkorStore) -> None:
    await build_world(store)
    data = xlsx([["کلید", "نام فارسی", "نام انگلیسی", "نوع", "شهرستان", "تاریخ تاسیس", "تعداد ساکنان"],
                 ["inst-۱۰", "خانه سالمندان مهر", "Mehr Elderly Home", "CHARITY", "IR-۰۰-۰۰۰۱", "۱۴۰۰/۰۱/۰۱", "۱٬۲۵۰"],
                 [None, None, None, None, None, None, None]])
    report = await run_import(store, "institutions", data, "register.xlsx", today=TODAY)
    assert report.ok, report.problems
    assert (report.rows, report.created, report.written) == (1, 1, True)
    node = (await by_keys(store, Label.INSTITUTION, ["inst-10"]))["inst-10"]
    assert node["founded"] == "2021-03-21"  # 1 Farvardin 1400
    assert node["residents"] == 1250
    assert node["countyKey"] == "IR-00-0001"
    assert node["searchText"] == "خانه سالمندان مهر | mehr elderly home"
    donations = xlsx([["نیکوکار", "موسسه", "مبلغ", "تاریخ", "بابت"],
                      ["donor-1", "inst-10", "۱۲٬۵۰۰٬۰۰۰", "۱۴۰۳/۰۱/۰۱", "جهیزیه"]])
    report = await run_import(store, "donations", donations, "gifts.xlsx", today=TODAY)
    assert report.ok and report.created == 1, report.problems
    gifts = [r for r in (await snapshot(store))[3] if "DONATED_TO" in r]
    assert any("12500000" in g and "2024-03-20" in g for g in gifts), gifts


GIFTS = [["donor", "institution", "amount", "date", "purpose"],
         ["donor-1", "inst-a", "1,000,000", "2024-01-10", "food"],
         ["donor-1", "inst-b", "250000", "1402/11/01", ""],
         ["donor-1", "inst-a", "-5", "2024-02-01", "bad"],          # row 4: negative amount
         ["donor-1", "inst-b", "3000", "2024-03-01", "school"]]


async def test_a_bad_row_in_the_middle_writes_nothing_and_is_named(store: FalkorStore) -> None:
    await build_world(store)
    before = await snapshot(store)
    report = await run_import(store, "donations", csv_bytes(GIFTS, bom=True), "gifts.csv", today=TODAY)
    assert not report.written and report.rejected == 1 and report.created == 3
    [problem] = report.problems
    assert (problem.file, problem.row, problem.column, problem.value, problem.code) == (
        "gifts.csv", 4, "amount", "-5", "negative")
    assert problem.fa and problem.en
    assert await snapshot(store) == before


async def test_skip_invalid_writes_the_others_and_a_rerun_changes_nothing(store: FalkorStore) -> None:
    await build_world(store)
    data = csv_bytes(GIFTS)
    report = await run_import(store, "donations", data, "gifts.csv", skip_invalid=True, today=TODAY)
    assert (report.created, report.rejected, report.written) == (3, 1, True)
    assert [p.row for p in report.problems] == [4]
    assert not await totals_differ(store)  # the totals equal their rebuild from the gifts
    after = await snapshot(store)
    again = await run_import(store, "donations", data, "gifts.csv", skip_invalid=True, today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 3, False)
    counts, rels, _, edges = await snapshot(store)
    assert (counts, rels, edges) == (after[0], after[1], after[3])
    assert await donation_totals.stored(store)


async def test_a_dry_run_writes_nothing(store: FalkorStore) -> None:
    await build_world(store)
    before = await snapshot(store)
    report = await run_import(store, "donations", csv_bytes(GIFTS[:3]), "gifts.csv", dry_run=True, today=TODAY)
    assert (report.created, report.written, report.dry_run) == (2, False, True)
    assert await snapshot(store) == before


async def test_unknown_keys_future_dates_and_duplicates_are_reported(store: FalkorStore) -> None:
    await build_world(store)
    rows = [["key", "nameFa", "nameEn", "kind", "county", "founded"],
            ["inst-x", "الف", "X", "CHARITY", "IR-99-0001", "2020-01-01"],   # unknown county
            ["inst-y", "ب", "Y", "CHARITY", "IR-00-0001", "2030-01-01"],     # in the future
            ["inst-y", "ب", "Y", "NOT_A_KIND", "IR-00-0001", ""],            # duplicate key, bad kind
            ["inst-z", "", "Z", "CHARITY", "IR-00-0001", ""]]                # missing nameFa
    report = await run_import(store, "institutions", csv_bytes(rows), "i.csv", today=TODAY)
    found = {(p.row, p.column, p.code) for p in report.problems}
    assert found == {(2, "county", "unknown_key"), (3, "founded", "future"), (4, "kind", "enum"),
                     (4, "key", "duplicate"), (5, "nameFa", "required")}, found
    assert not report.written
    header = await run_import(store, "institutions", csv_bytes([["key", "colour"], ["a", "b"]]), "h.csv")
    assert {(p.row, p.code) for p in header.problems} >= {(1, "unknown_column"), (1, "missing_column")}


async def test_a_forbidden_licence_transition_is_rejected(store: FalkorStore) -> None:
    await build_world(store)
    await issue_licence(store, holder="inst-a", licence_type="lt-care", services=["svc-care"],
                        issued_on="2020-01-01", key="lic-1")
    await revoke_licence(store, "lic-1", on="2021-01-01", reason="closed", today=TODAY)
    head = ["key", "holder", "licenceType", "services", "status", "issuedOn", "reason", "on"]
    revived = [head, ["lic-1", "inst-a", "lt-care", "svc-care", "ACTIVE", "2020-01-01", "", "2024-01-01"]]
    report = await run_import(store, "licences", csv_bytes(revived), "l.csv", today=TODAY)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(2, "status", "transition")]
    assert "a REVOKED licence cannot become ACTIVE" in report.problems[0].en
    # An allowed one writes its LicenceChange as the mutation does.
    rows = [head, ["lic-2", "inst-a", "lt-care", "svc-care;svc-skills", "ACTIVE", "۱۴۰۱/۰۱/۰۱", "", ""]]
    assert (await run_import(store, "licences", csv_bytes(rows), "l.csv", today=TODAY)).created == 1
    rows = [head, ["lic-2", "inst-a", "lt-care", "svc-care;svc-skills", "SUSPENDED", "۱۴۰۱/۰۱/۰۱", "audit",
                   "2024-05-01"]]
    report = await run_import(store, "licences", csv_bytes(rows), "l.csv", today=TODAY)
    assert report.updated == 1 and report.written, report.problems
    _, _, nodes, rels = await snapshot(store)
    changes = {r.split("'")[3] for r in rels if "CHANGE_OF" in r and "'lic-2'" in r}  # the change keys
    history = [n for n in nodes if "LicenceChange" in n and any(k in n for k in changes)]
    assert len(history) == 2 and any("SUSPENDED" in h and "audit" in h and "2024-05-01" in h for h in history)
    again = await run_import(store, "licences", csv_bytes(rows), "l.csv", today=TODAY)
    assert (again.unchanged, again.written) == (1, False)


async def test_a_scoped_import_rejects_rows_of_other_provinces(store: FalkorStore) -> None:
    await build_world(store)
    rows = [["donor", "institution", "amount", "date"],
            ["donor-1", "inst-a", "100", "2024-01-01"],    # inst-a is in IR-00
            ["donor-1", "inst-b", "200", "2024-01-01"]]    # inst-b is in IR-01
    report = await run_import(store, "donations", csv_bytes(rows), "g.csv", provinces=frozenset({"IR-00"}),
                              today=TODAY)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(3, "institution", "province")]
    assert not report.written
    # the donor too, as recordDonation's scope check holds it: donor-1 is based in IR-00
    rows = [["donor", "institution", "amount", "date"], ["donor-1", "inst-b", "200", "2024-01-01"]]
    report = await run_import(store, "donations", csv_bytes(rows), "g.csv", provinces=frozenset({"IR-01"}),
                              today=TODAY)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(2, "donor", "province")]
    assert not report.written


async def test_json_lines_and_the_needs_kind(store: FalkorStore, tmp_path: Path) -> None:
    await build_world(store)
    path = tmp_path / "donors.jsonl"
    path.write_text('{"key": "donor-9", "nameFa": "نیکوکار", "nameEn": "Giver", "kind": "INDIVIDUAL", '
                    '"province": "IR-01"}\n', encoding="utf-8")
    report = await run_import(store, "donors", path, today=TODAY)
    assert (report.created, report.written) == (1, True), report.problems
    needs = csv_bytes([["شهرستان", "گروه هدف", "تعداد افراد", "منبع", "سال"],
                       ["IR-00-0001", "tg-elderly", "۱۲٬۵۰۰", "survey", "2024"]])
    report = await run_import(store, "needs", needs, "n.csv", today=TODAY)
    assert (report.created, report.written) == (1, True), report.problems


def test_the_command_offers_every_kind_the_importer_builds() -> None:
    """`hub import --kind` lists its kinds without importing the importer (a light parser): the two
    lists must name the same kinds."""
    from graph_model.importing.columns import KINDS as BUILT
    from hub.cli.importing import KINDS

    assert set(KINDS) == set(BUILT)
