"""Coverage gaps end to end: the generated client and the CSV exports on the ASGI app, over a
hand-made map with answers worked out here.

Markazi (IR-00) has four counties, Khuzestan (IR-01) one. People with disabilities in need are the
census default, 2% of the population:

    county      centroid        population  need   providers of svc-care (licensed on 2026-11-23)
    IR-00-0001  34.0, 50.0      100,000     2,000  inst-1: 300
    IR-00-0002  34.0, 50.3       50,000     1,000  inst-2: 150; inst-4: 60 (licence expired 2024-01-01)
    IR-00-0003  35.5, 50.0       25,000       500  inst-3: 50 (no licence)
    IR-00-0004  35.5, 50.3       20,000       400  -
    IR-01-0001  31.3, 48.7       10,000       200  -

The first two counties are about 28 km apart, as are the third and fourth; the pairs are about
166 km apart. With 2SFCA at 50 km: R(inst-1) = 300 / (2,000 + 1,000) = 0.1, R(inst-2) = 150 / 3,000 =
0.05, so both first counties have accessibility 0.15 and reach 300 and 150; the rest reach nothing.
The national norm is 450 / 4,100 per person in need (1,097.56 per 10,000), so the targets are
219.5, 109.8, 54.9, 43.9 and 22.0, and the shortfalls those of the last three: IR-00-0003 is the
worst served, then IR-00-0004, then IR-01-0001.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import AsyncIterator
from typing import Any

import hxl
import numpy as np
import pytest

from graph_model import queries
from graph_model.coverage import rounding
from graph_model.coverage.analysis import Level, Method, Options
from graph_model.coverage.methods import Decay, decay_weights, distance_matrix_km
from graph_model.coverage.service import Coverage, Subject
from graph_model.enums import Label
from graph_model.mutations import create_node, issue_licence, offer_service, record_donation, update_node
from graph_model.statements.loading import UPSERT_NODE
from graph_model.version import current
from hub_client import HubClient
from hub_client.enums import CoverageLevel, CoverageMethod, DistanceDecay
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from hub_client.input_types import AddCapacityInput, CoverageChangeInput, CoverageQuestion, NetworkScopeInput
from tests.asgi import asgi_client
from tests.builders import names

TODAY = "2026-11-23"
COUNTIES = {"IR-00-0001": (34.0, 50.0, 100_000), "IR-00-0002": (34.0, 50.3, 50_000),
            "IR-00-0003": (35.5, 50.0, 25_000), "IR-00-0004": (35.5, 50.3, 20_000),
            "IR-01-0001": (31.3, 48.7, 10_000)}
NORM = 450 / 4_100 * 10_000
RATIO_CARE = CoverageQuestion(service="svc-care", method=CoverageMethod.RATIO, as_of=TODAY)
RATIO_HOME = CoverageQuestion(service="svc-home", method=CoverageMethod.RATIO, as_of=TODAY)


def target(county: str) -> float:
    return COUNTIES[county][2] * 0.02 * NORM / 10_000


async def build_coverage_world(store: Any) -> dict[str, str]:
    """The map above; returns the licence key of each licensed institution."""
    for key, en in (("IR-00", "Markazi"), ("IR-01", "Khuzestan")):
        await create_node(store, Label.PROVINCE, {"key": key, **names(en)})
    for key, (lat, lon, people) in COUNTIES.items():
        await create_node(store, Label.COUNTY, {"key": key, "province": key[:5], "lat": lat, "lon": lon,
                                                "population": people, "age0to14": people // 4,
                                                "age60plus": people // 10,
                                                **names(f"County {key[-1]}", f"شهرستان {key[-1]}")})
    for key in ("tg-disability", "tg-elderly"):
        await create_node(store, Label.TARGET_GROUP, {"key": key, **names(key)})
    await create_node(store, Label.SERVICE, {"key": "svc-care", "domain": "REHABILITATION",
                                             "targetGroups": ["tg-disability"], **names("Day care")})
    await create_node(store, Label.SERVICE, {"key": "svc-home", "domain": "REHABILITATION",
                                             "targetGroups": ["tg-disability", "tg-elderly"], **names("Home care")})
    await create_node(store, Label.LICENCE_TYPE, {"key": "lt-care", "validityYears": 5,
                                                  "services": ["svc-care", "svc-home"], **names("Care")})
    placed = {"inst-1": "IR-00-0001", "inst-2": "IR-00-0002", "inst-3": "IR-00-0003", "inst-4": "IR-00-0002"}
    for key, county in placed.items():
        lat, lon, _ = COUNTIES[county]
        await create_node(store, Label.INSTITUTION, {"key": key, "kind": "REHABILITATION_CENTRE", "county": county,
                                                     "lat": lat, "lon": lon, **names(f"Centre {key[-1]}")})
    for key, capacity in (("inst-1", 300), ("inst-2", 150), ("inst-3", 50), ("inst-4", 60)):
        await offer_service(store, key, "svc-care", capacity=capacity)
    await offer_service(store, "inst-1", "svc-home", capacity=20)
    licences = {}
    for key in ("inst-1", "inst-2", "inst-4"):
        issued = "2019-01-01" if key == "inst-4" else "2024-03-20"
        licence = await issue_licence(store, holder=key, licence_type="lt-care", services=["svc-care", "svc-home"],
                                      issued_on=issued)
        licences[key] = licence["key"]
    # inst-4's licence lapsed on 2024-01-01 (EXPIRED is set by time, not by an operation).
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": licences["inst-4"], "props": {
        "status": "EXPIRED", "expiresOn": "2024-01-01"}}])
    await create_node(store, Label.DONOR, {"key": "donor-a", "kind": "COMPANY", "province": "IR-00", **names("A")})
    await create_node(store, Label.DONOR, {"key": "donor-b", "kind": "FOUNDATION", "province": "IR-00", **names("B")})
    for donor, institution, amount in (("donor-a", "inst-1", 1_000), ("donor-b", "inst-1", 500),
                                       ("donor-a", "inst-2", 200)):
        await record_donation(store, donor=donor, institution=institution, amount=amount, date="2024-05-01")
    return licences


@pytest.fixture
async def cov(store: Any) -> AsyncIterator[tuple[HubClient, Any, dict[str, str], Any]]:
    licences = await build_coverage_world(store)
    async with asgi_client(store) as http:
        yield HubClient(url="http://hub/graphql", http_client=http), store, licences, http  # type: ignore[arg-type]  # codegen's HttpClient protocol: json by position


async def test_two_step_by_hand(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, *_ = cov
    report = (await client.coverage(CoverageQuestion(service="svc-care", method=CoverageMethod.TWO_STEP, radius_km=50,
                                                     as_of=TODAY))).coverage
    assert (report.need, report.capacity, report.total_count) == (4_100, 450, 5)
    assert report.norm == round(NORM, 2) and report.norm_is_national  # 2 decimals at the edge
    assert report.target_group_keys == ["tg-disability"] and [s.key for s in report.services] == ["svc-care"]
    by_key = {a.key: a for a in report.areas}
    assert [a.key for a in report.areas] == ["IR-00-0003", "IR-00-0004", "IR-01-0001", "IR-00-0001", "IR-00-0002"]
    assert [a.rank for a in report.areas] == [1, 2, 3, 4, 5]
    for key, reached in (("IR-00-0001", 300), ("IR-00-0002", 150)):
        assert by_key[key].accessibility == pytest.approx(0.15)
        assert by_key[key].reached == pytest.approx(reached) and by_key[key].shortfall == 0
    for key in ("IR-00-0003", "IR-00-0004", "IR-01-0001"):
        area = by_key[key]
        assert (area.reached, area.accessibility, area.unmet_share) == (0, 0, 1)
        assert area.shortfall == round(target(key), 2) and not area.within_reach
    first = by_key["IR-00-0001"]
    assert first.ratio == pytest.approx(300 / 2_000 * 10_000)
    assert [(p.institution_key, p.weight) for p in first.providers] == [("inst-1", 1.0), ("inst-2", 1.0)]
    assert first.providers[0].institution is not None and first.county is not None
    assert first.providers[0].institution.name_en == "Centre 1" and first.county.name_fa == "شهرستان 1"
    assert by_key["IR-00-0003"].unlicensed_capacity == 50  # inst-3 has no licence
    # The population-weighted mean accessibility is total supply over total need.
    assert None not in [a.accessibility for a in report.areas]
    assert sum((a.accessibility or 0.0) * a.need for a in report.areas) == pytest.approx(450)


async def test_need_defaults_and_overrides(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, *_ = cov
    area = (await client.coverage(CoverageQuestion(service="svc-care"), province="IR-00", first=4)).coverage.areas
    figure = next(a for a in area if a.key == "IR-00-0004").needs[0]
    assert (figure.people, figure.override, figure.year) == (400, False, 2016)
    assert "census population x 2.0%" in figure.source
    result = await client.set_need(county="IR-00-0004", target_group="tg-disability", people=800,
                                   source="County welfare office survey, 1403", year=2024)
    assert result.set_need.typename__ == "Need"
    after = (await client.coverage(RATIO_CARE)).coverage
    fourth = next(a for a in after.areas if a.key == "IR-00-0004")
    assert fourth.need == 800 and after.need == 4_500
    assert [(n.source, n.override) for n in fourth.needs] == [("County welfare office survey, 1403", True)]
    # A service serving two groups counts the need of both.
    home = (await client.coverage(RATIO_HOME)).coverage
    first = next(a for a in home.areas if a.key == "IR-00-0001")
    assert first.need == pytest.approx(2_000 + 10_000 * 0.12)
    assert sorted(n.target_group_key for n in first.needs) == ["tg-disability", "tg-elderly"]


async def test_licences_decide_capacity_on_the_day(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, _, licences, _ = cov

    async def second(as_of: str) -> Any:
        report = (await client.coverage(CoverageQuestion(service="svc-care", method=CoverageMethod.RATIO,
                                                         as_of=as_of))).coverage
        return next(a for a in report.areas if a.key == "IR-00-0002")

    # inst-4's licence was in force until 2024-01-01 (its capacity counts on a day before, not after);
    # inst-2's was issued on 2024-03-20 (Nowruz 1403 in the Solar Hijri calendar).
    assert (await second("2023-06-01")).capacity == 60
    assert (await second("1403/01/01")).capacity == 150
    now = await second(TODAY)
    assert (now.capacity, now.unlicensed_capacity) == (150, 60)
    suspended = await client.suspend_licence(key=licences["inst-1"], reason="inspection")
    assert suspended.suspend_licence.typename__ == "Licence"
    report = (await client.coverage(RATIO_CARE)).coverage
    first = next(a for a in report.areas if a.key == "IR-00-0001")
    assert (first.capacity, first.unlicensed_capacity, first.reached) == (0, 300, 0)
    assert report.capacity == 150


async def test_methods_and_levels(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, *_ = cov
    nearest = (await client.coverage(CoverageQuestion(service="svc-care", method=CoverageMethod.NEAREST,
                                                      as_of=TODAY))).coverage
    assert [a.key for a in nearest.areas[:3]] == ["IR-01-0001", "IR-00-0003", "IR-00-0004"]  # farthest first
    third = next(a for a in nearest.areas if a.key == "IR-00-0003")
    distances = distance_matrix_km(np.array([35.5]), np.array([50.0]), np.array([34.0, 34.0]), np.array([50.0, 50.3]))
    assert third.nearest_km == round(float(distances.min()), 2) and third.shortfall == round(target("IR-00-0003"), 2)
    provinces = (await client.coverage(CoverageQuestion(service="svc-care", method=CoverageMethod.RATIO,
                                                        level=CoverageLevel.PROVINCE, as_of=TODAY))).coverage
    assert [(a.key, a.need, a.capacity) for a in provinces.areas] == [("IR-01", 200, 0), ("IR-00", 3_900, 450)]
    markazi = provinces.areas[1]
    # Netted over the province: 450 reached against a target of 3,900 x the norm.
    assert markazi.shortfall == round(max(0.0, 3_900 * NORM / 10_000 - 450), 2) and markazi.county is None
    group = (await client.coverage(CoverageQuestion(target_group="tg-disability", method=CoverageMethod.RATIO,
                                                    as_of=TODAY))).coverage
    assert sorted(s.key for s in group.services) == ["svc-care", "svc-home"] and group.capacity == 470


async def test_figures_are_rounded_at_the_edge_only(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    """The computation keeps full floats (graph_model, compared with pysal elsewhere); the API and the
    CSV round each figure once, from its unrounded value, by graph_model.coverage.rounding."""
    client, store, _, http = cov
    await update_node(store, Label.COUNTY, "IR-01-0001", {"population": 10_013})  # need 200.26 people
    day = dt.date.fromisoformat(TODAY)
    for method, decay in ((Method.ENHANCED, Decay.GAUSSIAN), (Method.TWO_STEP, Decay.UNIFORM), (Method.RATIO, None)):
        options = Options(method, Level.COUNTY, 120.0, decay or Decay.GAUSSIAN)
        exact = await Coverage(store).table(Subject("svc-care"), options, day)
        question = CoverageQuestion(service="svc-care", method=CoverageMethod(method.value), radius_km=120,
                                    as_of=TODAY, decay=None if decay is None else DistanceDecay(decay.value))
        report = (await client.coverage(question, first=10)).coverage
        assert (report.need, report.capacity, report.norm) == (
            rounding.people(exact.need), rounding.capacity(exact.capacity), rounding.per_10k(exact.norm))
        for shown in report.areas:
            a = exact.by_key[shown.key]
            assert (shown.need, shown.capacity, shown.unlicensed_capacity) == (
                round(a.need), round(a.capacity), round(a.unlicensed))
            assert (shown.reached, shown.target, shown.shortfall) == (
                round(a.reached, 2), round(a.target, 2), round(a.shortfall, 2))
            assert shown.unmet_share == round(a.unmet, 4) and shown.rank == a.rank
            assert shown.ratio == (None if a.ratio is None else round(a.ratio, 2))
            assert shown.accessibility == (None if a.accessibility is None else round(a.accessibility, 6))
            assert shown.nearest_km == (None if a.nearest_km is None else round(a.nearest_km, 2))
            assert [n.people for n in shown.needs] == [round(f.people) for f in a.needs]
            for p, r in zip(shown.providers, exact.providers(shown.key), strict=False):
                assert (p.distance_km, p.weight) == (round(r.distance_km, 2), round(r.weight, 4))
        # There was something to round: a census default and, under 2SFCA, shares of capacity.
        assert exact.by_key["IR-01-0001"].need == pytest.approx(200.26)
        assert next(a for a in report.areas if a.key == "IR-01-0001").need == 200
        assert any(round(a.reached, 2) != a.reached for a in exact.areas) == (method is not Method.RATIO)
    enhanced = await Coverage(store).table(Subject("svc-care"), Options(Method.ENHANCED, Level.COUNTY, 120.0), day)
    # The CSV rounds alike.
    response = await http.get("/export/coverage.csv", params={"service": "svc-care", "radiusKm": "120",
                                                               "asOf": TODAY})
    _, tags, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    for row in (dict(zip(tags, r, strict=True)) for r in rows):
        a = enhanced.by_key[row["#adm2+code"]]
        assert (row["#inneed"], float(row["#reached"]), float(row["#inneed+unmet"])) == (
            str(round(a.need)), round(a.reached, 2), round(a.shortfall, 2))


async def test_underserved_areas(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, *_ = cov
    worst = (await client.underserved_areas(CoverageQuestion(service="svc-care", method=CoverageMethod.TWO_STEP,
                                                             as_of=TODAY), top=10)).underserved_areas
    assert [a.key for a in worst] == ["IR-00-0003", "IR-00-0004", "IR-01-0001"]  # only those with a shortfall
    top = (await client.underserved_areas(CoverageQuestion(service="svc-care", as_of=TODAY), top=1)).underserved_areas
    assert [a.key for a in top] == ["IR-00-0003"]


async def test_what_if_adds_the_weighted_share_and_writes_nothing(
        cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, store, *_ = cov
    before_version, before_counts = await current(store), await queries.node_counts(store)
    add = [CoverageChangeInput(add_capacity=AddCapacityInput(capacity=40, county="IR-00-0003"))]
    two_step = CoverageQuestion(service="svc-care", method=CoverageMethod.TWO_STEP, as_of=TODAY)
    result = (await client.coverage_what_if(two_step, changes=add)).coverage_what_if
    changed = {c.before.key: c for c in result.changed}
    assert set(changed) == {"IR-00-0003", "IR-00-0004"}
    # The new capacity is shared over the need within reach: 500 / (500 + 400) of it goes to the county.
    assert changed["IR-00-0003"].shortfall_change == round(-40 * 500 / 900, 2)
    assert changed["IR-00-0003"].after.reached == round(40 * 500 / 900, 2)
    assert changed["IR-00-0003"].after.providers[0].institution_key == "what-if-1"
    assert result.after.norm == pytest.approx(result.before.norm)  # the norm holds unless normAfter says
    # With Gaussian decay the share is 500 / (500 + 400 w), w the weight at the 28 km between them.
    d = distance_matrix_km(np.array([35.5]), np.array([50.0]), np.array([35.5]), np.array([50.3]))
    w = float(decay_weights(d, 50.0, Decay.GAUSSIAN)[0, 0])
    gaussian = (await client.coverage_what_if(CoverageQuestion(service="svc-care", method=CoverageMethod.ENHANCED,
                                                               decay=DistanceDecay.GAUSSIAN, as_of=TODAY),
                                              changes=add)).coverage_what_if
    third = next(c for c in gaussian.changed if c.before.key == "IR-00-0003")
    assert 0 < w < 1 and third.shortfall_change == round(-40 * 500 / (500 + 400 * w), 2)
    closed = (await client.coverage_what_if(CoverageQuestion(service="svc-care", method=CoverageMethod.RATIO,
                                                             as_of=TODAY),
                                            changes=[CoverageChangeInput(close_institution="inst-1")],
                                            norm_after=500)).coverage_what_if
    first = next(c for c in closed.changed if c.before.key == "IR-00-0001")
    assert (first.before.reached, first.after.reached) == (300, 0) and closed.after.norm == 500
    assert first.after.shortfall == pytest.approx(2_000 * 500 / 10_000)
    assert await current(store) == before_version and await queries.node_counts(store) == before_counts


async def test_who_what_where(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, *_ = cov
    rows = (await client.who_what_where(as_of=TODAY)).who_what_where
    cells = {(r.area_key, r.service_key): (r.implementers, r.capacity, r.licensed_capacity, r.funders, r.funding)
             for r in rows}
    assert cells == {("IR-00-0001", "svc-care"): (1, 300, 300, 2, 1_500),
                     ("IR-00-0001", "svc-home"): (1, 20, 20, 2, 1_500),
                     ("IR-00-0002", "svc-care"): (2, 210, 150, 1, 200),
                     ("IR-00-0003", "svc-care"): (1, 50, 0, 0, 0)}
    provinces = (await client.who_what_where(level=CoverageLevel.PROVINCE, service="svc-care",
                                             scope=NetworkScopeInput(province="IR-00"))).who_what_where
    # donor-a gave to two implementers: counted once.
    assert [(r.area_key, r.implementers, r.funders, r.funding) for r in provinces] == [("IR-00", 4, 2, 1_700)]
    assert provinces[0].service is not None and provinces[0].service.name_en == "Day care"


async def test_errors(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    client, *_ = cov
    cases: list[tuple[dict[str, Any], str]] = [({"service": "svc-nope"}, "NOT_FOUND"), ({}, "VALIDATION_FAILED"),
             ({"service": "svc-care", "target_group": "tg-elderly"}, "VALIDATION_FAILED"),
             ({"service": "svc-care", "radius_km": 0}, "VALIDATION_FAILED"),
             ({"service": "svc-care", "method": CoverageMethod.RATIO, "decay": DistanceDecay.STEPPED},
              "VALIDATION_FAILED"),
             ({"service": "svc-care", "as_of": "1402/13/01"}, "VALIDATION_FAILED")]
    for args, code in cases:
        with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
            await client.coverage(CoverageQuestion(**args))
        assert (caught.value.errors[0].extensions or {}).get("code") == code, args
    with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
        await client.coverage_what_if(CoverageQuestion(service="svc-home"),
                                      changes=[CoverageChangeInput(close_institution="inst-3")])
    assert (caught.value.errors[0].extensions or {}).get("code") == "VALIDATION_FAILED"


def hxl_problems(data: Any) -> list[tuple[str, str, str]]:
    """What libhxl's default schema (dates are dates, people in need and indicators are numbers, no
    outliers or stray spaces) finds wrong, as (tag, message, value)."""
    found: list[tuple[str, str, str]] = []
    hxl.schema(callback=lambda e: found.append((str(e.rule.tag_pattern), e.message, e.value))).validate(data)
    return found


async def test_csv_exports_carry_hxl_tags(cov: tuple[HubClient, Any, dict[str, str], Any]) -> None:
    _, _, _, http = cov
    response = await http.get("/export/coverage.csv", params={"service": "svc-care", "method": "two_step",
                                                               "asOf": TODAY})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="coverage-svc-care-county.csv"' in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    header, tags, worst, *rest = list(csv.reader(io.StringIO(text)))
    assert header[:6] == ["Province code", "Province", "Province (fa)", "County code", "County", "County (fa)"]
    assert tags[:6] == ["#adm1+code", "#adm1+name", "#adm1+name+i_fa", "#adm2+code", "#adm2+name", "#adm2+name+i_fa"]
    assert {"#inneed", "#reached", "#targeted", "#sector+code", "#org+impl+num"} <= set(tags)
    row = dict(zip(tags, worst, strict=True))
    assert (row["#adm2+code"], row["#adm2+name+i_fa"], float(row["#inneed"])) == ("IR-00-0003", "شهرستان 3", 500)
    assert math.isclose(float(row["#inneed+unmet"]), target("IR-00-0003"), rel_tol=1e-3) and len(rest) == 4
    # libhxl (the HDX tools' library) reads the tags and finds nothing wrong under its default schema.
    data = hxl.data(io.BytesIO(response.content))
    assert [c.display_tag for c in data.columns][:4] == ["#adm1+code", "#adm1+name", "#adm1+name+i_fa", "#adm2+code"]
    assert hxl_problems(data) == []
    three = await http.get("/export/3w.csv", params={"level": "PROVINCE", "asOf": TODAY})
    tags = next(r for n, r in enumerate(csv.reader(io.StringIO(three.content.decode("utf-8-sig")))) if n == 1)
    assert {"#org+impl+num", "#org+funding+num", "#value+funding+irr", "#sector+code"} <= set(tags)
    assert hxl_problems(hxl.data(io.BytesIO(three.content))) == []
    missing = await http.get("/export/coverage.csv", params={"service": "svc-nope"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    wrong = await http.get("/export/coverage.csv", params={"service": "svc-care", "radius": "9"})
    assert wrong.status_code == 400 and wrong.json()["error"]["fields"][0]["field"] == "radius"
