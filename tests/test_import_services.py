"""`hub import` of offers, partnerships and assessments (graph_model.importing.kinds_services):
files with Persian headers and digits import right (read back from the graph), a bad row in the
middle writes nothing and is named, a rerun is all unchanged, the province scope holds."""

from __future__ import annotations

from typing import Any

from graph_model.cypher import statement
from graph_model.enums import Label
from graph_model.importing import run_import
from graph_model.importing.kinds_services import assessment_key
from graph_model.mutations.assessments import score_of
from graph_model.mutations.entities import create_node
from graph_model.queries import by_keys
from graph_model.statements.importing_services import ASSESSMENTS_BY_KEYS
from graph_model.stores.falkordb import FalkorStore
from tests.builders import build_world, names, snapshot
from tests.test_import_files import TODAY, csv_bytes, xlsx

OFFERS = statement("test_import_offers", """MATCH (i:Institution)-[r:OFFERS]->(s:Service)
                   RETURN i.key AS institution, s.key AS service, r.capacity AS capacity""", register=False)
PARTNERS = statement("test_import_partners", """MATCH (a:Institution)-[r:PARTNERS_WITH]->(b:Institution)
                     RETURN a.key AS a, b.key AS b, properties(r) AS props""", register=False)


async def _world(store: FalkorStore) -> None:
    """build_world (inst-a in Markazi, inst-b in Khuzestan, fw-1 from 2020 with crit-1: weight 1,
    scale 0..5) plus inst-c in Markazi and crit-2 of fw-1 (weight 2, scale 0..10)."""
    await build_world(store)
    await create_node(store, Label.INSTITUTION, {"key": "inst-c", "kind": "CHARITY", "county": "IR-00-0002",
                                                 **names("inst-c")})
    await create_node(store, Label.CRITERION, {"key": "crit-2", "framework": "fw-1", "area": "SERVICE_QUALITY",
                                               "weight": 2.0, "scaleMax": 10, **names("Services")})


async def _offers(store: FalkorStore) -> dict[tuple[str, str], Any]:
    return {(r["institution"], r["service"]): r["capacity"] for r in await store.read(OFFERS)}


async def test_offers_from_an_xlsx_with_persian_headers_then_unchanged_then_updated(store: FalkorStore) -> None:
    await _world(store)
    data = xlsx([["موسسه", "خدمت", "ظرفیت"],
                 ["inst-a", "svc-care", "۱٬۲۰۰"],
                 ["inst-a", "svc-skills", 40],
                 ["inst-c", "svc-care", "۷"]])
    report = await run_import(store, "offers", data, "offers.xlsx", today=TODAY)
    assert report.ok, report.problems
    assert (report.rows, report.created, report.written) == (3, 3, True)
    assert await _offers(store) == {("inst-a", "svc-care"): 1200, ("inst-a", "svc-skills"): 40,
                                    ("inst-c", "svc-care"): 7}
    after = await snapshot(store)
    again = await run_import(store, "offers", data, "offers.xlsx", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 3, False)
    assert await snapshot(store) == after
    changed = csv_bytes([["institution", "service", "capacity"], ["inst-a", "svc-care", "1500"]])
    report = await run_import(store, "offers", changed, "o.csv", today=TODAY)
    assert (report.updated, report.written) == (1, True)
    assert (await _offers(store))[("inst-a", "svc-care")] == 1500


async def test_a_bad_offer_in_the_middle_writes_nothing(store: FalkorStore) -> None:
    await _world(store)
    before = await snapshot(store)
    rows = [["institution", "service", "capacity"],
            ["inst-a", "svc-care", "10"],
            ["inst-a", "svc-nowhere", "10"],     # row 3: unknown service
            ["inst-c", "svc-care", "-3"],        # row 4: negative capacity
            ["inst-a", "svc-care", "12"],        # row 5: the pair again
            ["inst-c", "svc-skills", "5"]]
    report = await run_import(store, "offers", csv_bytes(rows), "o.csv", today=TODAY)
    assert {(p.row, p.column, p.code) for p in report.problems} == {
        (3, "service", "unknown_key"), (4, "capacity", "negative"), (5, "service", "duplicate")}
    assert (report.created, report.rejected, report.written) == (2, 3, False)
    assert await snapshot(store) == before
    scoped = await run_import(store, "offers", csv_bytes([rows[0], ["inst-b", "svc-care", "1"]]), "o.csv",
                              provinces=frozenset({"IR-00"}), today=TODAY)
    assert [(p.row, p.column, p.code) for p in scoped.problems] == [(2, "institution", "province")]


async def test_partnerships_either_way_round_are_one_pair(store: FalkorStore) -> None:
    await _world(store)
    data = csv_bytes([["موسسه", "موسسه همکار", "از تاریخ", "بابت"],
                      ["inst-a", "inst-c", "۱۴۰۲/۰۱/۰۱", "آموزش مهارت"],
                      ["inst-b", "inst-a", "2023-05-01", ""]], bom=True)
    report = await run_import(store, "partnerships", data, "p.csv", today=TODAY)
    assert (report.created, report.written) == (2, True), report.problems
    stored = {frozenset((r["a"], r["b"])): r["props"] for r in await store.read(PARTNERS)}
    assert stored == {frozenset({"inst-a", "inst-c"}): {"since": "2023-03-21", "purpose": "آموزش مهارت"},
                      frozenset({"inst-a", "inst-b"}): {"since": "2023-05-01"}}
    after = await snapshot(store)
    # the same pairs the other way round: the same partnerships, nothing to write
    reversed_rows = csv_bytes([["institution", "partner", "since", "purpose"],
                               ["inst-c", "inst-a", "2023-03-21", "آموزش مهارت"],
                               ["inst-a", "inst-b", "1402/02/11", None]])
    again = await run_import(store, "partnerships", reversed_rows, "p.csv", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 2, False), again.problems
    assert await snapshot(store) == after
    purpose = csv_bytes([["institution", "partner", "since", "purpose"], ["inst-c", "inst-a", "2023-03-21", "غذا"]])
    report = await run_import(store, "partnerships", purpose, "p.csv", today=TODAY)
    assert (report.updated, report.written) == (1, True)
    stored = {frozenset((r["a"], r["b"])): r["props"] for r in await store.read(PARTNERS)}
    assert stored[frozenset({"inst-a", "inst-c"})]["purpose"] == "غذا" and len(stored) == 2


async def test_a_bad_partnership_in_the_middle_writes_nothing(store: FalkorStore) -> None:
    await _world(store)
    before = await snapshot(store)
    rows = [["institution", "partner", "since"],
            ["inst-a", "inst-c", "2023-01-01"],
            ["inst-a", "inst-a", "2023-01-01"],     # row 3: with itself
            ["inst-c", "inst-a", "2023-01-01"],     # row 4: row 2 the other way round
            ["inst-b", "inst-x", "2023-01-01"],     # row 5: unknown partner
            ["inst-b", "inst-c", "2030-01-01"]]     # row 6: in the future
    report = await run_import(store, "partnerships", csv_bytes(rows), "p.csv", today=TODAY)
    assert {(p.row, p.column, p.code) for p in report.problems} == {
        (3, "partner", "self"), (4, "partner", "duplicate"), (5, "partner", "unknown_key"), (6, "since", "future")}
    assert not report.written and report.created == 1
    assert await snapshot(store) == before
    # a scoped editor must hold both ends (the linkPartners mutation checks both)
    scoped = await run_import(store, "partnerships", csv_bytes([rows[0], ["inst-a", "inst-b", ""]]), "p.csv",
                              provinces=frozenset({"IR-00"}), today=TODAY)
    assert [(p.row, p.column, p.code) for p in scoped.problems] == [(2, "partner", "province")]


ASSESSMENT_HEADER = ["موسسه", "چارچوب ارزیابی", "سطح ارزیابی", "تاریخ", "نوع ارزیاب", "ارزیاب", "یافته‌ها",
                     "امتیازها"]


async def test_assessments_from_an_xlsx_score_as_record_assessment_does(store: FalkorStore) -> None:
    await _world(store)
    data = xlsx([ASSESSMENT_HEADER,
                 ["inst-a", "fw-1", "COUNTY", "۱۴۰۳/۰۲/۱۰", "OFFICE", "اداره بهزیستی", "پرونده‌ها کامل",
                  "crit-1:۴؛ crit-2:۷٫۵"],
                 ["inst-c", "fw-1", "SELF", "2024-01-15", "", "", "", "crit-2=3"]])
    report = await run_import(store, "assessments", data, "a.xlsx", today=TODAY)
    assert (report.created, report.written) == (2, True), report.problems
    key = assessment_key({"institution": "inst-a", "framework": "fw-1", "level": "COUNTY", "date": "2024-04-29"})
    node = (await by_keys(store, Label.ASSESSMENT, [key]))[key]
    rules = {"crit-1": {"weight": 1.0, "scaleMax": 5}, "crit-2": {"weight": 2.0, "scaleMax": 10}}
    assert node["score"] == score_of({"crit-1": 4.0, "crit-2": 7.5}, rules) == 76.67  # 100 * (4/5 + 2 * 7.5/10) / 3
    assert (node["date"], node["level"], node["assessorKind"], node["assessor"]) == (
        "2024-04-29", "COUNTY", "OFFICE", "اداره بهزیستی")
    [held] = await store.read(ASSESSMENTS_BY_KEYS, keys=[key])
    assert (held["institutions"], held["frameworks"], held["actions"]) == (["inst-a"], ["fw-1"], 0)
    assert sorted((s["criterion"], s["value"]) for s in held["scores"]) == [("crit-1", 4.0), ("crit-2", 7.5)]
    after = await snapshot(store)
    again = await run_import(store, "assessments", data, "a.xlsx", today=TODAY)
    assert (again.created, again.unchanged, again.written) == (0, 2, False), again.problems
    assert await snapshot(store) == after
    # the same assessment (institution, framework, level, day) with other scores is refused, never changed
    other = xlsx([ASSESSMENT_HEADER, ["inst-c", "fw-1", "SELF", "2024-01-15", "", "", "", "crit-2:4"]])
    taken = await run_import(store, "assessments", other, "a.xlsx", today=TODAY)
    assert [(p.row, p.code) for p in taken.problems] == [(2, "taken")] and not taken.written


async def test_a_bad_assessment_in_the_middle_writes_nothing(store: FalkorStore) -> None:
    await _world(store)
    before = await snapshot(store)
    rows = [["institution", "framework", "level", "date", "scores"],
            ["inst-a", "fw-1", "SELF", "2024-01-01", "crit-1:5"],
            ["inst-a", "fw-1", "COUNTY", "2024-01-01", "crit-1:9; crit-2:1"],  # row 3: off crit-1's scale
            ["inst-a", "fw-9", "COUNTY", "2024-02-01", "crit-1:1"],            # row 4: unknown framework
            ["inst-c", "fw-1", "COUNTY", "2024-02-01", "crit-x:1"],            # row 5: criterion not in fw-1
            ["inst-c", "fw-1", "COUNTY", "2019-02-01", "crit-1:1"],            # row 6: before fw-1 is valid
            ["inst-c", "fw-1", "SELF", "2026-02-01", "crit-1:1"],              # row 7: in the future
            ["inst-c", "fw-1", "SELF", "2024-03-01", "crit-1 4"],              # row 8: not criterion:value
            ["inst-a", "fw-1", "SELF", "2024-01-01", "crit-1:4"],              # row 9: row 2's assessment again
            ["inst-c", "fw-1", "NATIONAL", "2024-03-01", "crit-2:10"]]
    report = await run_import(store, "assessments", csv_bytes(rows), "a.csv", today=TODAY)
    assert {(p.row, p.column, p.code) for p in report.problems} == {
        (3, "scores", "too_large"), (4, "framework", "unknown_key"), (5, "scores", "unknown_key"),
        (6, "date", "date"), (7, "date", "future"), (8, "scores", "type"), (9, "date", "duplicate")}
    assert (report.created, report.rejected, report.written) == (2, 7, False)
    assert await snapshot(store) == before
    scoped = await run_import(store, "assessments", csv_bytes([rows[0], ["inst-b", "fw-1", "SELF", "2024-01-01",
                                                                         "crit-1:1"]]), "a.csv",
                              provinces=frozenset({"IR-00"}), today=TODAY)
    assert [(p.row, p.column, p.code) for p in scoped.problems] == [(2, "institution", "province")]
