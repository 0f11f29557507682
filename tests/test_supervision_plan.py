"""The supervision plan end to end through the generated client, on a hand-made Khuzestan.

Period 2026-01-01 .. 2026-01-30 (30 days); 1 inspector x 5 visits a month: capacity 5.

    institution    kind                   history                                      reasons (weight)        risk
    p-never        RESIDENTIAL_CARE       nothing                                      NEVER_VISITED 40 x1.5    60
    p-complaints   DAY_CARE (IR-01-0002)  COUNTY 80 2025-11-01; 4 open complaints,      OPEN_COMPLAINTS 30 (cap) 30
                                          1 closed
    p-resi-due     ADDICTION_TREATMENT    COUNTY 90 2025-07-15 (+6 months 2026-01-15)  VISIT_INTERVAL 20 x1.5    30
    p-low          DAY_CARE               COUNTY 30 2025-11-01                         LOW_SCORE 25             25
    p-actions      DAY_CARE               COUNTY 80 2025-11-01; open actions due       OVERDUE_ACTIONS 2x10     20
                                          2025-12-01, 2025-12-15 (counted), 2026-02-01
                                          (not yet due), a DONE one due 2025-11-15
    p-interval     DAY_CARE               COUNTY 80 2024-12-15 (+12 months 2025-12-15) VISIT_INTERVAL 20        20
    p-falling      DAY_CARE               PROVINCIAL 85 2025-06-01, COUNTY 60          FALLING_SCORE 15         15
                                          2025-10-01 (fell 25)
    p-licence      DAY_CARE               COUNTY 80 2025-11-01; ACTIVE licence          LICENCE_EXPIRING 15      15
                                          expiring 2026-03-15 (within 90 days)
    p-resi-ok      DISABLED_ELDERLY_CARE  COUNTY 90 2025-09-01 (due 2026-03-01)        none: not in the plan

Order: risk, then key. The first five fit; p-interval, p-falling and p-licence are listed, not fitting.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph_model.enums import Label
from graph_model.mutations import create_node, issue_licence
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from tests.builders import names
from tests.supervision_world import action, assess, build_map, client, codes, complaint, institution

FROM, UNTIL = "2026-01-01", "2026-01-30"
ORDER = [("p-never", 60.0, ["NEVER_VISITED"], True), ("p-complaints", 30.0, ["OPEN_COMPLAINTS"], True),
         ("p-resi-due", 30.0, ["VISIT_INTERVAL_PASSED"], True), ("p-low", 25.0, ["LOW_SCORE"], True),
         ("p-actions", 20.0, ["OVERDUE_ACTIONS"], True), ("p-interval", 20.0, ["VISIT_INTERVAL_PASSED"], False),
         ("p-falling", 15.0, ["FALLING_SCORE"], False), ("p-licence", 15.0, ["LICENCE_EXPIRING"], False)]


async def build_plan_world(store: Any) -> None:
    await build_map(store)
    await institution(store, "p-never", kind="RESIDENTIAL_CARE")
    await institution(store, "p-complaints", county="IR-01-0002")
    await institution(store, "p-resi-due", kind="ADDICTION_TREATMENT")
    await institution(store, "p-resi-ok", kind="DISABLED_ELDERLY_CARE")
    for key in ("p-low", "p-actions", "p-interval", "p-falling", "p-licence"):
        await institution(store, key)
    await institution(store, "m-never", county="IR-00-0001")  # Markazi: outside the plan of IR-01
    for key, inst, level, score, date in (
            ("c1", "p-complaints", "COUNTY", 80, "2025-11-01"), ("r1", "p-resi-due", "COUNTY", 90, "2025-07-15"),
            ("o1", "p-resi-ok", "COUNTY", 90, "2025-09-01"), ("l1", "p-low", "COUNTY", 30, "2025-11-01"),
            ("a1", "p-actions", "COUNTY", 80, "2025-11-01"), ("i1", "p-interval", "COUNTY", 80, "2024-12-15"),
            ("f1", "p-falling", "PROVINCIAL", 85, "2025-06-01"), ("f2", "p-falling", "COUNTY", 60, "2025-10-01"),
            ("x1", "p-licence", "COUNTY", 80, "2025-11-01")):
        await assess(store, key, inst, level, score, date)
    for n, due in enumerate(("2025-12-01", "2025-12-15", "2026-02-01")):
        await action(store, f"act-{n}", "a1", due)
    await action(store, "act-done", "a1", "2025-11-15", status="DONE")
    for n in range(4):
        await complaint(store, f"cmp-{n}", "p-complaints", "2025-12-01")
    await complaint(store, "cmp-closed", "p-complaints", "2025-12-01", status="CLOSED")
    await create_node(store, Label.SERVICE, {"key": "svc-x", "domain": "SOCIAL", **names("X")})
    await create_node(store, Label.LICENCE_TYPE, {"key": "lt-x", "validityYears": 5, "services": ["svc-x"],
                                                  **names("X")})
    await issue_licence(store, holder="p-licence", licence_type="lt-x", services=["svc-x"], issued_on="2021-03-15",
                        expires_on="2026-03-15")


@pytest.fixture
async def world(store: Any) -> Any:
    await build_plan_world(store)
    return store


async def test_plan_reasons_order_and_capacity(world: Any) -> None:
    async with client(world) as api:
        made = (await api.supervision_plan(province="IR-01", from_=FROM, until=UNTIL, inspectors=1,
                                           visits_per_inspector_month=5, per_county=10)).supervision_plan
        page = (await api.supervision_plan(province="IR-01", from_=FROM, until=UNTIL, inspectors=1,
                                           visits_per_inspector_month=5, first=3, after=4,
                                           per_county=1)).supervision_plan
    assert (made.capacity, made.total, made.fitting) == (5, 8, 5)
    assert [(x.key, x.risk, [r.key.value for r in x.reasons], x.fits) for x in made.entries] == ORDER
    assert [x.order for x in made.entries] == list(range(1, 9))
    interval = next(x for x in made.entries if x.key == "p-interval")
    assert interval.last_visit == "2024-12-15" and "2025-12-15" in interval.reasons[0].text_en
    assert "بازدید" in interval.reasons[0].text_fa and "2025-12-15" in interval.reasons[0].text_fa
    actions = next(x for x in made.entries if x.key == "p-actions")
    assert actions.reasons[0].weight == 20 and actions.reasons[0].text_en.startswith("2 open corrective")
    assert next(x for x in made.entries if x.key == "p-never").last_visit is None
    assert [(c.key, c.due, c.fitting, c.top_risk, [x.key for x in c.entries]) for c in made.counties] == [
        ("IR-01-0001", 7, 4, 60.0, [k for k, *_ in ORDER if k != "p-complaints"]),
        ("IR-01-0002", 1, 1, 30.0, ["p-complaints"])]
    # a page: the entries after order 4, three of them; `total` still counts all
    assert [(x.order, x.key) for x in page.entries] == [(5, "p-actions"), (6, "p-interval"), (7, "p-falling")]
    assert page.total == 8 and [len(c.entries) for c in page.counties] == [1, 1]


async def test_without_capacity_everything_fits_and_the_country_adds_markazi(world: Any) -> None:
    async with client(world) as api:
        made = (await api.supervision_plan(from_=FROM, until=UNTIL)).supervision_plan
    assert made.capacity is None and made.fitting == made.total == 9
    assert made.entries[0].key == "p-never" and made.entries[1].key == "m-never"  # 60, then 40


async def test_bad_periods_and_access(world: Any) -> None:
    async with client(world) as api:
        for start, end in ((UNTIL, FROM), ("2026-01-01", "2027-01-02")):
            with pytest.raises(GraphQLClientGraphQLMultiError) as bad:
                await api.supervision_plan(province="IR-01", from_=start, until=end)
            assert codes(bad.value) == {"VALIDATION_FAILED"}
        with pytest.raises(GraphQLClientGraphQLMultiError) as negative:
            await api.supervision_plan(province="IR-01", from_=FROM, until=UNTIL, inspectors=-1)
        assert codes(negative.value) == {"VALIDATION_FAILED"}
    async with client(world, role="planner") as api:
        with pytest.raises(GraphQLClientGraphQLMultiError) as refused:
            await api.supervision_plan(province="IR-01", from_=FROM, until=UNTIL)
        assert codes(refused.value) == {"FORBIDDEN"}
    async with client(world, provinces=["IR-00"]) as api:
        with pytest.raises(GraphQLClientGraphQLMultiError) as other:
            await api.supervision_plan(province="IR-01", from_=FROM, until=UNTIL)
        assert codes(other.value) == {"FORBIDDEN"}
        mine = (await api.supervision_plan(from_=FROM, until=UNTIL)).supervision_plan
        assert [x.key for x in mine.entries] == ["m-never"]
