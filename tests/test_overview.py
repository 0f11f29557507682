"""The dashboard overview on the real embedded store: the demo profile checked against the
articles' facts and against sums computed here from the dataset's own rows, a small hand-made
graph with known sums (Nowruz boundary, totals past 2^53), scope errors, and the GraphQL field."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import jdatetime
import pytest
import strawberry

from graph_model import overview as ov
from graph_model.enums import (CouncilLevel, EventKind, InstitutionKind, Label, LicenceStatus, Rel,
                               ServiceDomain)
from graph_model.errors import NotFound, ValidationFailed
from graph_model.stores.falkordb import FalkorStore
from hub.auth.principal import SYSTEM
from hub.execution.context import Context
from hub.schema.extensions import extensions
from hub.schema.overview import OverviewQuery
from hub.schema.scalars import config
from hub.settings import Settings
from seed.dataset import Dataset
from seed.generator import TODAY
from seed.loader import load
from seed.profiles import build

WINDOW = 90


# ---- an oracle: the overview computed in Python from a dataset's rows ----

def _props(ds: Dataset, label: Label) -> dict[str, dict[str, Any]]:
    return {r["key"]: r["props"] for r in ds.nodes.get(label, [])}


def _rels(ds: Dataset, rel: Rel) -> list[dict[str, Any]]:
    return ds.rels.get(rel, [])


def expected(ds: Dataset, province: str | None = None, county: str | None = None,
             calendar: ov.Calendar = ov.Calendar.JALALI, as_of: dt.date = TODAY) -> dict[str, Any]:
    counties = {k for k, p in _props(ds, Label.COUNTY).items()
                if (county is None or k == county) and (province is None or p["provinceKey"] == province)}
    insts = {r["start"] for r in _rels(ds, Rel.LOCATED_IN) if r["end"] in counties}
    kinds = _props(ds, Label.INSTITUTION)
    services = _props(ds, Label.SERVICE)
    licences = _props(ds, Label.LICENCE)
    offers = [r for r in _rels(ds, Rel.OFFERS) if r["start"] in insts]
    held = {r["end"]: r["start"] for r in _rels(ds, Rel.HOLDS) if r["start"] in insts}
    if county is None and province is None:
        councils = set(_props(ds, Label.COUNCIL))
        events = set(_props(ds, Label.EVENT))
        donors = len(_props(ds, Label.DONOR))
    else:
        councils = ({r["start"] for r in _rels(ds, Rel.COVERS_COUNTY) if r["end"] in counties}
                    | {r["start"] for r in _rels(ds, Rel.COVERS_PROVINCE) if county is None and r["end"] == province})
        events = {r["start"] for r in _rels(ds, Rel.HELD_IN) if r["end"] in counties}
        donors = (len({r["start"] for r in _rels(ds, Rel.DONATED_TO) if r["end"] in insts}) if county
                  else sum(1 for r in _rels(ds, Rel.BASED_IN) if r["end"] == province))
    years: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    givers: dict[int, set[str]] = defaultdict(set)
    for r in _rels(ds, Rel.DONATED_TO):
        if r["end"] in insts:
            year = ov.year_of(r["props"]["date"], calendar)
            years[year][0] += r["props"]["amount"]
            years[year][1] += 1
            givers[year].add(r["start"])
    end = (as_of + dt.timedelta(days=WINDOW)).isoformat()
    expiring = sorted((p["expiresOn"], k) for k, p in licences.items() if k in held
                      and as_of.isoformat() <= p["expiresOn"] <= end and p["status"] not in ov.CLOSED_STATUSES)
    by_service: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_domain: dict[str, set[str]] = defaultdict(set)
    domain_capacity: Counter[str] = Counter()
    for r in offers:
        by_service[r["end"]][0] += 1
        by_service[r["end"]][1] += r["props"]["capacity"]
        by_domain[services[r["end"]]["domain"]].add(r["start"])
        domain_capacity[services[r["end"]]["domain"]] += r["props"]["capacity"]
    return {
        "kinds": {k.value: sum(1 for i in insts if kinds[i]["kind"] == k.value) for k in InstitutionKind},
        "services": {s: tuple(by_service[s]) for s in sorted(services)},
        "domains": {d.value: (len(by_domain[d.value]), domain_capacity[d.value]) for d in ServiceDomain},
        "statuses": {s.value: sum(1 for lk in held if licences[lk]["status"] == s.value) for s in LicenceStatus},
        "levels": {lv.value: sum(1 for c in councils if _props(ds, Label.COUNCIL)[c]["level"] == lv.value)
                   for lv in CouncilLevel},
        "events": {k.value: sum(1 for e in events if _props(ds, Label.EVENT)[e]["kind"] == k.value) for k in EventKind},
        "donors": donors,
        "years": [(y, a, n, len(givers[y])) for y, (a, n) in sorted(years.items())],
        "expiring": (len(expiring), [k for _, k in expiring[:ov.EXPIRING_LIMIT]]),
    }


def actual(f: ov.Figures) -> dict[str, Any]:
    s = f.summary
    return {
        "kinds": s.institutions_by_kind,
        "services": {x.key: (x.institutions, x.capacity) for x in s.services},
        "domains": {d.domain: (d.institutions, d.capacity) for d in s.domains},
        "statuses": s.licences_by_status, "levels": s.councils_by_level, "events": s.events_by_kind,
        "donors": s.donors,
        "years": [(y.year, y.amount, y.donations, y.donors) for y in f.donations.years],
        "expiring": (f.expiring.total, [x.licence["key"] for x in f.expiring.soonest]),
    }


async def figures(store: FalkorStore, province: str | None = None, county: str | None = None,
                  calendar: ov.Calendar = ov.Calendar.JALALI) -> ov.Figures:
    opened = await ov.open_overview(store, province=province, county=county, as_of=TODAY, within_days=WINDOW)
    return await ov.read_all(opened, calendar)


# ---- the demo profile ----

async def test_demo_provinces_hold_the_articles_facts_and_match_the_rows(demo_store: FalkorStore) -> None:
    ds, store = build("demo"), demo_store
    khuzestan = await figures(store, province="IR-06")
    assert khuzestan.summary.totals.institutions == 820
    assert khuzestan.summary.institutions_by_kind["POSITIVE_LIFE_CENTRE"] == 189
    assert khuzestan.summary.events_by_kind["MAWKIB"] == 2  # Shalamcheh and Chazabeh
    assert khuzestan.scope.province is not None and khuzestan.scope.province["nameEn"] == "Khuzestan"
    assert actual(khuzestan) == expected(ds, province="IR-06")
    assert khuzestan.donations.years and khuzestan.expiring.total > 0  # the comparison is not vacuous

    markazi = await figures(store, province="IR-00", calendar=ov.Calendar.GREGORIAN)
    assert markazi.summary.totals.institutions == 107
    assert markazi.summary.institutions_by_kind["DISABLED_ELDERLY_CARE"] == 40
    assert markazi.summary.institutions_by_kind["NGO_HOUSE"] == 1
    assert actual(markazi) == expected(ds, province="IR-00", calendar=ov.Calendar.GREGORIAN)

    south_khorasan = await figures(store, province="IR-29")
    assert south_khorasan.summary.totals.institutions == 118
    assert south_khorasan.summary.institutions_by_kind["RESIDENTIAL_CARE"] == 54


async def test_demo_country_and_county_match_the_rows(demo_store: FalkorStore) -> None:
    ds, store = build("demo"), demo_store
    country = await figures(store)
    assert country.scope.level is ov.Level.COUNTRY
    assert actual(country) == expected(ds)
    totals = country.summary.totals
    assert (totals.institutions, totals.donors, totals.councils, totals.events, totals.licences) == tuple(
        len(ds.nodes[label]) for label in (Label.INSTITUTION, Label.DONOR, Label.COUNCIL, Label.EVENT, Label.LICENCE))
    assert country.donations.donations == len(ds.rels[Rel.DONATED_TO])
    assert country.donations.amount == sum(r["props"]["amount"] for r in ds.rels[Rel.DONATED_TO])

    given = Counter(r["end"] for r in ds.rels[Rel.DONATED_TO])
    located = {r["start"]: r["end"] for r in ds.rels[Rel.LOCATED_IN]}
    busiest = Counter(located[i] for i in given.elements()).most_common(1)[0][0]
    county = await figures(store, county=busiest, calendar=ov.Calendar.GREGORIAN)
    assert county.scope.level is ov.Level.COUNTY and county.scope.province is not None
    assert county.scope.province["key"] == busiest[:5]
    assert actual(county) == expected(ds, county=busiest, calendar=ov.Calendar.GREGORIAN)
    assert county.summary.donors > 0


# ---- a small graph with known figures ----

def small() -> Dataset:
    ds = Dataset("overview")
    src = {"generated": True, "source": "test"}
    for p in ("IR-01", "IR-02"):
        ds.node(Label.PROVINCE, p, nameFa=p, nameEn=p, **src)
    for c, p in (("IR-01-0101", "IR-01"), ("IR-01-0102", "IR-01"), ("IR-02-0201", "IR-02")):
        ds.node(Label.COUNTY, c, nameFa=c, nameEn=c, provinceKey=p, **src)
        ds.rel(Rel.IN_PROVINCE, c, p)
    for s, domain in (("svc-a", "PREVENTION"), ("svc-b", "PREVENTION"), ("svc-c", "SOCIAL")):
        ds.node(Label.SERVICE, s, nameFa=s, nameEn=s, domain=domain, **src)
    for i, county, kind in (("i1", "IR-01-0101", "NGO"), ("i2", "IR-01-0101", "CHARITY"),
                            ("i3", "IR-01-0102", "NGO"), ("i4", "IR-02-0201", "DAY_CARE")):
        ds.node(Label.INSTITUTION, i, nameFa=i, nameEn=i, kind=kind, **src)
        ds.rel(Rel.LOCATED_IN, i, county)
    for i, s, capacity in (("i1", "svc-a", 10), ("i1", "svc-b", 5), ("i2", "svc-a", 7), ("i3", "svc-c", 100),
                           ("i4", "svc-a", 1000)):
        ds.rel(Rel.OFFERS, i, s, capacity=capacity)
    # Expiring from 2025-01-01 within 90 days (to 2025-04-01): l1, l2, l4 (l3 revoked, l5 expired,
    # l6 one day late, l7 in another province).
    for lk, i, status, expires in (("l1", "i1", "ACTIVE", "2025-04-01"), ("l2", "i2", "SUSPENDED", "2025-01-01"),
                                   ("l3", "i2", "REVOKED", "2025-02-01"), ("l4", "i3", "AGREEMENT_IN_PRINCIPLE",
                                                                           "2025-02-01"),
                                   ("l5", "i3", "EXPIRED", "2025-02-02"), ("l6", "i1", "ACTIVE", "2025-04-02"),
                                   ("l7", "i4", "ACTIVE", "2025-01-15")):
        ds.node(Label.LICENCE, lk, number=f"N-{lk}", status=status, issuedOn="2020-01-01", expiresOn=expires, **src)
        ds.rel(Rel.HOLDS, i, lk)
    for k, level, covers, where in (("k-nat", "NATIONAL", None, None), ("k-p1", "PROVINCIAL", Rel.COVERS_PROVINCE,
                                                                          "IR-01"),
                                    ("k-c1", "COUNTY", Rel.COVERS_COUNTY, "IR-01-0101"),
                                    ("k-c2", "COUNTY", Rel.COVERS_COUNTY, "IR-02-0201")):
        ds.node(Label.COUNCIL, k, nameFa=k, nameEn=k, kind="PARTICIPATION_COUNCIL", level=level, **src)
        if covers and where:
            ds.rel(covers, k, where)
    ds.rel(Rel.COVERS_COUNTY, "k-p1", "IR-01-0102")  # covers its province and one of its counties
    for e, county, kind in (("e1", "IR-01-0101", "MAWKIB"), ("e2", "IR-01-0102", "TRAINING"),
                            ("e3", "IR-02-0201", "MAWKIB")):
        ds.node(Label.EVENT, e, nameFa=e, nameEn=e, kind=kind, startsOn="2024-08-14", **src)
        ds.rel(Rel.HELD_IN, e, county)
    for d, p in (("d1", "IR-01"), ("d2", "IR-01"), ("d3", "IR-02")):
        ds.node(Label.DONOR, d, nameFa=d, nameEn=d, kind="INDIVIDUAL", **src)
        ds.rel(Rel.BASED_IN, d, p)
    for n, (d, i, amount, date) in enumerate(GIFTS):
        ds.rel(Rel.DONATED_TO, d, i, key=f"g{n}", amount=amount, date=date, **src)
    return ds


BIG = 4_503_599_627_370_497  # 2^52 + 1: two of them pass 2^53, where doubles skip odd integers
HUGE = 9_007_199_254_740_993  # 2^53 + 1


def split(total: int, parts: int) -> tuple[int, ...]:
    """``total`` as ``parts`` gifts, each under the per-gift cap (10^15 rials): the totals past 2^53
    are then sums of many gifts, which is where a double would lose them."""
    each = total // parts
    return (each,) * (parts - 1) + (total - each * (parts - 1),)


BIG_GIFTS, HUGE_GIFTS = 5, 10  # how many gifts BIG and HUGE are made of
GIFTS = (
    ("d1", "i1", 1_000, "2025-03-20"),  # 30 Esfand 1403, the last day of 1403
    ("d2", "i1", 2_000, "2025-03-21"),  # 1 Farvardin 1404
    *(("d1", "i2", a, "2024-06-01") for a in split(BIG, BIG_GIFTS)),  # 1403
    *(("d2", "i2", a, "2024-07-01") for a in split(BIG, BIG_GIFTS)),  # 1403
    *(("d1", "i1", a, "2023-01-05") for a in split(HUGE, HUGE_GIFTS)),  # 2^53 + 1 in one year (1401)
    ("d3", "i1", 7, "2025-03-21"),  # a donor from the other province, 1404
    ("d3", "i4", 500, "2024-03-19"),  # the other province: 1402 (Nowruz 1403 was 2024-03-20)
)


async def small_store(store: FalkorStore) -> FalkorStore:
    await load(store, small())
    return store


async def test_donation_years_are_exact_and_split_at_nowruz(store: FalkorStore) -> None:
    await small_store(store)
    jalali = await ov.donation_years(store, await ov.scope(store, "IR-01"), ov.Calendar.JALALI)
    assert [(y.year, y.amount, y.donations, y.donors) for y in jalali.years] == [
        (1401, HUGE, HUGE_GIFTS, 1),
        (1403, 2 * BIG + 1_000, 2 * BIG_GIFTS + 1, 2),
        (1404, 2_007, 2, 2),
    ]
    assert jalali.amount == HUGE + 2 * BIG + 3_007
    assert int(float(jalali.amount)) != jalali.amount  # past 2^53: a double could not hold it

    gregorian = await ov.donation_years(store, await ov.scope(store, "IR-01"), ov.Calendar.GREGORIAN)
    assert [(y.year, y.amount, y.donations, y.donors) for y in gregorian.years] == [
        (2023, HUGE, HUGE_GIFTS, 1), (2024, 2 * BIG, 2 * BIG_GIFTS, 2), (2025, 3_007, 3, 3)]

    other = await ov.donation_years(store, await ov.scope(store, "IR-02"), ov.Calendar.JALALI)
    assert [(y.year, y.amount) for y in other.years] == [(1402, 500)]
    county = await ov.donation_years(store, await ov.scope(store, county="IR-01-0102"), ov.Calendar.JALALI)
    assert county.years == [] and county.amount == 0


async def test_counts_per_scope_with_zero_kinds(store: FalkorStore) -> None:
    await small_store(store)
    p1 = await ov.summary(store, await ov.scope(store, "IR-01"))
    assert p1.totals == ov.Totals(institutions=3, donors=2, councils=2, events=2, licences=6)
    assert p1.institutions_by_kind == {**{k.value: 0 for k in InstitutionKind}, "NGO": 2, "CHARITY": 1}
    assert {s.key: (s.institutions, s.capacity) for s in p1.services} == {
        "svc-a": (2, 17), "svc-b": (1, 5), "svc-c": (1, 100)}
    assert p1.services[0].service["nameEn"] == "svc-a" and p1.services[0].service["domain"] == "PREVENTION"
    # i1 offers two prevention services: counted once in the domain, its capacity twice.
    assert {d.domain: (d.institutions, d.capacity) for d in p1.domains} == {
        "PREVENTION": (2, 22), "SOCIAL": (1, 100), "REHABILITATION": (0, 0)}
    assert p1.licences_by_status == {"AGREEMENT_IN_PRINCIPLE": 1, "ACTIVE": 2, "EXPIRED": 1, "SUSPENDED": 1,
                                     "REVOKED": 1}
    assert p1.councils_by_level == {"NATIONAL": 0, "PROVINCIAL": 1, "COUNTY": 1}  # k-p1 counted once
    assert p1.events_by_kind == {**{k.value: 0 for k in EventKind}, "MAWKIB": 1, "TRAINING": 1}

    c1 = await ov.summary(store, await ov.scope(store, county="IR-01-0101"))
    # A county's donors are those who gave there: d1, d2 and d3 (based in IR-02).
    assert c1.totals == ov.Totals(institutions=2, donors=3, councils=1, events=1, licences=4)
    assert c1.councils_by_level == {"NATIONAL": 0, "PROVINCIAL": 0, "COUNTY": 1}
    c2 = await ov.summary(store, await ov.scope(store, county="IR-01-0102"))
    assert c2.councils_by_level == {"NATIONAL": 0, "PROVINCIAL": 1, "COUNTY": 0}
    assert c2.totals == ov.Totals(institutions=1, donors=0, councils=1, events=1, licences=2)

    country = await ov.summary(store, await ov.scope(store))
    assert country.totals == ov.Totals(institutions=4, donors=3, councils=4, events=3, licences=7)
    assert country.councils_by_level == {"NATIONAL": 1, "PROVINCIAL": 1, "COUNTY": 2}
    assert {s.key: s.capacity for s in country.services} == {"svc-a": 1017, "svc-b": 5, "svc-c": 100}


async def test_expiring_licences_window_and_order(store: FalkorStore) -> None:
    await small_store(store)
    start = dt.date(2025, 1, 1)
    p1 = await ov.expiring_licences(store, await ov.scope(store, "IR-01"), as_of=start, within_days=90)
    assert p1.start == start and p1.end == dt.date(2025, 4, 1)
    assert p1.total == 3
    assert [(x.licence["key"], x.days_left, x.institution["key"]) for x in p1.soonest] == [
        ("l2", 0, "i2"), ("l4", 31, "i3"), ("l1", 90, "i1")]
    assert p1.soonest[0].licence["number"] == "N-l2" and p1.soonest[0].institution["nameEn"] == "i2"
    country = await ov.expiring_licences(store, await ov.scope(store), as_of=start, within_days=90, limit=2)
    assert country.total == 4 and [x.licence["key"] for x in country.soonest] == ["l2", "l7"]
    nothing = await ov.expiring_licences(store, await ov.scope(store, county="IR-02-0201"),
                                         as_of=dt.date(2025, 1, 16), within_days=0)
    assert nothing.total == 0 and nothing.soonest == []


@pytest.mark.parametrize(("province", "county", "error", "field"), [
    ("IR-99", None, NotFound, "province"),
    (None, "IR-01-0999", NotFound, "county"),
    ("IR-99", "IR-01-0999", NotFound, "province"),
    ("IR-02", "IR-01-0101", ValidationFailed, "county"),
])
async def test_scope_errors_name_the_argument(store: FalkorStore, province: str | None, county: str | None,
                                              error: type[Exception], field: str) -> None:
    await small_store(store)
    with pytest.raises(error) as caught:
        await ov.open_overview(store, province=province, county=county, as_of=TODAY)
    assert caught.value.errors[0].field == field  # type: ignore[attr-defined]


async def test_scope_of_a_county_names_its_province(store: FalkorStore) -> None:
    await small_store(store)
    both = await ov.scope(store, "IR-01", "IR-01-0102")
    alone = await ov.scope(store, county="IR-01-0102")
    assert both == alone and alone.level is ov.Level.COUNTY
    assert alone.province is not None and alone.province["key"] == "IR-01"
    with pytest.raises(ValidationFailed):
        await ov.open_overview(store, as_of=TODAY, within_days=-1)


def test_year_of_follows_nowruz() -> None:
    assert ov.year_of("2025-03-20", ov.Calendar.JALALI) == 1403
    assert ov.year_of("2025-03-21", ov.Calendar.JALALI) == 1404
    assert ov.year_of("2024-03-20", ov.Calendar.JALALI) == 1403
    table = ov.nowruz_table()
    assert table[2024 - ov.NOWRUZ_YEARS.start] == "03-20" and table[2025 - ov.NOWRUZ_YEARS.start] == "03-21"
    assert jdatetime.date(1404, 1, 1).togregorian() == dt.date(2025, 3, 21)


# ---- the GraphQL field ----

QUERY = """
query ($province: String, $county: String, $asOf: Date, $days: Int! = 90) {
  overview(province: $province, county: $county, asOf: $asOf, expiringWithinDays: $days) {
    level asOf asOfJalali province { key } county { key }
    totals { institutions donors councils events licences }
    institutionsByKind { kind count }
    services { service { key domain } institutions capacity }
    serviceDomains { domain institutions capacity }
    licencesByStatus { status count }
    councilsByLevel { level count }
    eventsByKind { kind count }
    expiringLicences { startsOn endsOn endsOnJalali total
                       soonest { daysLeft licence { key number expiresOn expiresOnJalali status }
                                 institution { key } } }
    donations { calendar amount donations years { year amount donations donors } }
    gregorian: donations(calendar: GREGORIAN) { years { year amount } }
  }
}"""


async def run(store: FalkorStore, query: str = QUERY, **variables: Any) -> tuple[Any, int]:
    schema = strawberry.Schema(query=OverviewQuery, extensions=extensions(Settings()), config=config())
    before = store.round_trips
    context = Context(store=store, principal=SYSTEM)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    return result, store.round_trips - before


async def test_graphql_overview_of_a_province(store: FalkorStore) -> None:
    await small_store(store)
    result, trips = await run(store, province="IR-01", asOf="1403/10/12")  # 2025-01-01
    assert result.errors is None, result.errors
    o = result.data["overview"]
    assert trips == 5  # scope, counts, expiring licences, one per calendar
    assert (o["level"], o["asOf"], o["asOfJalali"], o["province"], o["county"]) == (
        "PROVINCE", "2025-01-01", "1403/10/12", {"key": "IR-01"}, None)
    assert o["totals"] == {"institutions": 3, "donors": 2, "councils": 2, "events": 2, "licences": 6}
    assert len(o["institutionsByKind"]) == len(InstitutionKind)
    assert {"kind": "NGO", "count": 2} in o["institutionsByKind"]
    assert o["services"][0] == {"service": {"key": "svc-a", "domain": "PREVENTION"}, "institutions": 2,
                                "capacity": 17}
    assert {"domain": "REHABILITATION", "institutions": 0, "capacity": 0} in o["serviceDomains"]
    assert {"status": "REVOKED", "count": 1} in o["licencesByStatus"]
    assert {"level": "COUNTY", "count": 1} in o["councilsByLevel"]
    assert {"kind": "MAWKIB", "count": 1} in o["eventsByKind"]
    expiring = o["expiringLicences"]
    assert (expiring["startsOn"], expiring["endsOn"], expiring["endsOnJalali"], expiring["total"]) == (
        "2025-01-01", "2025-04-01", "1404/01/12", 3)
    assert expiring["soonest"][2] == {"daysLeft": 90, "institution": {"key": "i1"}, "licence": {
        "key": "l1", "number": "N-l1", "expiresOn": "2025-04-01", "expiresOnJalali": "1404/01/12",
        "status": "ACTIVE"}}
    donations = o["donations"]
    assert donations["calendar"] == "JALALI" and donations["donations"] == 3 + 2 * BIG_GIFTS + HUGE_GIFTS
    assert donations["amount"] == str(HUGE + 2 * BIG + 3_007)  # Rials: exact digits
    assert donations["years"][-1] == {"year": 1404, "amount": "2007", "donations": 2, "donors": 2}
    assert [y["year"] for y in o["gregorian"]["years"]] == [2023, 2024, 2025]


async def test_graphql_reads_only_the_sections_asked_for(store: FalkorStore) -> None:
    await small_store(store)
    result, trips = await run(store, "{ overview { level totals { institutions } eventsByKind { kind count } } }")
    assert result.errors is None and result.data["overview"]["totals"] == {"institutions": 4}
    assert trips == 1  # the country needs no scope check; both sections share the counts statement
    result, trips = await run(store, '{ overview(county: "IR-01-0101") { county { key } province { key } '
                                     'donations { amount } } }')
    assert result.errors is None
    assert result.data["overview"] == {"county": {"key": "IR-01-0101"}, "province": {"key": "IR-01"},
                                       "donations": {"amount": str(3_000 + 2 * BIG + HUGE + 7)}}
    assert trips == 2


@pytest.mark.parametrize(("variables", "code", "field"), [
    ({"province": "IR-99"}, "NOT_FOUND", "province"),
    ({"county": "IR-01-0999"}, "NOT_FOUND", "county"),
    ({"province": "IR-02", "county": "IR-01-0101"}, "VALIDATION_FAILED", "county"),
    ({"days": -5}, "VALIDATION_FAILED", "expiringWithinDays"),
])
async def test_graphql_errors_carry_code_and_field(store: FalkorStore, variables: dict[str, Any], code: str,
                                                   field: str) -> None:
    await small_store(store)
    result, _ = await run(store, "query ($province: String, $county: String, $days: Int! = 90, $asOf: Date) "
                                 "{ overview(province: $province, county: $county, expiringWithinDays: $days, "
                                 "asOf: $asOf) { level } }", **variables)
    assert result.errors, result
    error = result.errors[0]
    assert error.extensions is not None and error.extensions["code"] == code
    assert error.extensions["fields"][0]["field"] == field
