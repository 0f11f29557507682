"""The scale generator's institution side: centres, what they offer, licences, assessments and
partnerships. Every row it writes is marked generated.

People in need are not seeded: the hub computes them from each County's census columns, and
``NEEDS`` relationships are left for planners' own figures.

Each step takes its own ``random.Random`` so the output depends only on the profile's seed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Mapping, Sequence
from functools import cache

import jdatetime

from graph_model.enums import AssessmentLevel, Label, LicenceStatus, Rel
from graph_model.enums import InstitutionKind as K
from seed.catalogue import AGREEMENT_IN_PRINCIPLE, KIND_SERVICES, LICENCE_TYPE_BY_KEY, OPERATING_TYPES, SERVICE_BY_KEY
from seed.naming import iso_days
from seed.reference import county_key
from seed.supervision import add_supervision
from seed.world import RESIDENTIAL_KINDS, World, add_generated_institution

# The data's "today": "expiring soon" and "expired" are measured from this fixed day, never
# from the clock, so the seed (and every test on it) gives the same answers on any day.
TODAY = dt.date(2026, 11, 23)
FOUNDED_DAYS = iso_days(dt.date(1995, 3, 21), dt.date(2025, 3, 20))
KIND_WEIGHTS: dict[K, float] = {
    K.CHARITY: 18, K.NGO: 17, K.DAY_CARE: 11, K.POSITIVE_LIFE_CENTRE: 10, K.REHABILITATION_CENTRE: 8,
    K.ADDICTION_TREATMENT: 8, K.DISABLED_ELDERLY_CARE: 8, K.COUNSELLING_CENTRE: 7, K.RESIDENTIAL_CARE: 6,
    K.NGO_HOUSE: 0.4,
}
RESIDENTS = {K.RESIDENTIAL_CARE: (10, 70), K.DISABLED_ELDERLY_CARE: (15, 90)}
ASSESSMENT_LEVELS = {AssessmentLevel.SELF: 25, AssessmentLevel.COUNTY: 20, AssessmentLevel.PROVINCIAL: 18,
                     AssessmentLevel.NATIONAL: 5, AssessmentLevel.GUILD: 10,
                     AssessmentLevel.STAKEHOLDER: 12, AssessmentLevel.EXPERT: 10}
PARTNER_PURPOSES = ("joint referral of clients", "shared rehabilitation equipment", "joint training",
                    "joint fundraising campaign", "home-care coverage of rural areas",
                    "Ramadan food-basket distribution")
# When every service of a centre's kind is withheld in its county (a rehabilitation centre where
# tg-disability is withheld; a disabled-and-elderly care centre where both groups are), it
# offers one of these instead, the first not withheld: general family and life-skills work any
# kind of centre runs. The centre stays in the data (counties keep their institutions) without
# filling the deliberate gap.
FALLBACK_SERVICES = ("svc-life-skills", "svc-counselling-1480")


def allocate(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` over ``weights`` (largest remainder), each share at least ``minimum``."""
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ValueError(f"cannot give {minimum} each to {len(weights)} parts out of {total}")
    whole = sum(weights)
    exact = [spare * w / whole for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[:spare - sum(shares)]:
        shares[i] += 1
    return [minimum + s for s in shares]


def add_institutions(world: World, rng: random.Random, total: int, skip_provinces: Sequence[str],
                     min_per_province: int, min_per_county: int, source: str) -> None:
    """``total`` centres over the other provinces, roughly by population, with spread."""
    provinces = [p for p in world.ref.provinces if p.key not in skip_provinces]
    weights = [p.population * rng.lognormvariate(0, 0.2) for p in provinces]
    kinds, kind_cum = list(KIND_WEIGHTS), list(itertools.accumulate(KIND_WEIGHTS.values()))
    for province, n in zip(provinces, allocate(total, weights, min_per_province), strict=True):
        counties = world.ref.counties_of(province.key)
        # Every county gets its floor first (when the province's share allows), so planners'
        # gaps come from missing services, not from counties left empty by chance.
        floor = min_per_county if n >= min_per_county * len(counties) else 0
        plan = [c for c in counties for _ in range(floor)]
        plan += rng.choices(counties, [c.population ** 0.9 * rng.uniform(0.6, 1.4) for c in counties],
                            k=n - len(plan))
        for county, kind in zip(plan, rng.choices(kinds, cum_weights=kind_cum, k=len(plan)), strict=True):
            span = RESIDENTS.get(kind)
            add_generated_institution(world, rng, county.key, kind, rng.choice(FOUNDED_DAYS), source,
                                      residents=rng.randint(*span) if span else None)


def add_institution_layer(world: World, rng: random.Random, total: int, skip_provinces: Sequence[str],
                          min_per_province: int, source: str) -> None:
    """``total`` centres over the other provinces by population, each kind spread on its own.

    For a sample much smaller than the country's 21,000 centres. Drawn at random (as
    ``add_institutions`` does), a kind with a few centres in a province lands anywhere, and a city
    of millions is left without a counselling centre while a town of 20,000 has one, which reads
    as a fault of the data. Here each province's centres are split over the kinds, and each kind
    over the counties by largest remainder on population (with some spread), the first of each
    kind in the province's largest county: a county holds a kind's centres in proportion to its
    people, the largest holds every kind the province has, and the gaps fall where they are
    plausible, in smaller counties.
    """
    provinces = [p for p in world.ref.provinces if p.key not in skip_provinces]
    weights = [p.population * rng.lognormvariate(0, 0.2) for p in provinces]
    kinds = list(KIND_WEIGHTS)
    for province, n in zip(provinces, allocate(total, weights, min_per_province), strict=True):
        counties = world.ref.counties_of(province.key)
        largest = max(range(len(counties)), key=lambda i: counties[i].population)
        per_kind = allocate(n, [KIND_WEIGHTS[k] * rng.uniform(0.7, 1.3) for k in kinds])
        plan = []
        for kind, m in zip(kinds, per_kind, strict=True):
            if not m:
                continue
            # The first of a kind in the province's largest county, the rest by population.
            shares = allocate(m - 1, [c.population ** 0.9 * rng.uniform(0.6, 1.4) for c in counties])
            shares[largest] += 1
            plan += [(county, kind) for county, c in zip(counties, shares, strict=True) for _ in range(c)]
        rng.shuffle(plan)  # keys and serial numbers in no telling order, as in a real register
        for county, kind in plan:
            span = RESIDENTS.get(kind)
            add_generated_institution(world, rng, county.key, kind, rng.choice(FOUNDED_DAYS), source,
                                      residents=rng.randint(*span) if span else None)


def mark_flagships(world: World) -> None:
    """In each province's capital and largest county, the first generated centre of each kind
    becomes a flagship (``World.flagships``): it runs every service of its kind under a licence
    in force (``add_offers``, ``add_licences``).

    A small sample needs them: most services are a centre's second or third, offered and
    licensed only now and then, so with two thousand centres home-based rehabilitation or social
    emergency would be missing from Isfahan or Karaj by chance. A province's main city has the
    full range of the kinds it holds; the gaps then fall in smaller counties. The article
    provinces' generated centres take part (their counts and kinds do not change); the real,
    named ones are left as they are.
    """
    generated = {row["key"] for row in world.ds.nodes.get(Label.INSTITUTION, []) if row["props"]["generated"]}
    hubs: set[str] = set()
    for province in world.ref.provinces:
        counties = world.ref.counties_of(province.key)
        hubs.add(max(counties, key=lambda c: c.population).key)
        try:
            hubs.add(county_key(province.key, province.capital_en, world.ref))
        except KeyError:  # the census spells it otherwise (Urmia, Bandar Abbas): the largest county it is
            pass
    seen: set[tuple[str, K]] = set()
    for inst in world.institutions:
        if inst.county in hubs and inst.key in generated and (inst.county, inst.kind) not in seen:
            seen.add((inst.county, inst.kind))
            world.flagships.add(inst.key)


def add_offers(world: World, rng: random.Random, withheld: Mapping[str, tuple[str, ...]],
               extra_prob: float = 0.35) -> None:
    """Services each centre offers, with capacity; ``withheld`` services never appear in a county.

    A centre whose kind's services are all withheld there offers a general fallback service; a
    flagship (``World.flagships``) offers every service of its kind.
    """
    rels = world.ds.rels.setdefault(Rel.OFFERS, [])
    for inst in world.institutions:
        banned = withheld.get(inst.county, ())
        own = [s for s in KIND_SERVICES[inst.kind] if s not in banned]
        options = own or [_fallback(banned, inst.county)]
        chosen = options if inst.key in world.flagships else options[:1] + [
            s for s in options[1:] if rng.random() < extra_prob]
        for i, svc in enumerate(chosen):
            low, high = SERVICE_BY_KEY[svc].capacity
            capacity = rng.randint(low, high)
            # A fallback service is not where residents live: only the kind's own residential
            # service is sized to them.
            if i == 0 and own and inst.residents is not None and inst.kind in RESIDENTIAL_KINDS:
                capacity = inst.residents + rng.randint(0, 8)  # places never fewer than residents
            rels.append({"start": inst.key, "end": svc, "props": {"capacity": capacity}})
        world.offers[inst.key] = chosen


def _fallback(banned: Sequence[str], county: str) -> str:
    for svc in FALLBACK_SERVICES:
        if svc not in banned:
            return svc
    raise ValueError(f"every fallback service is withheld in {county}: nothing left to offer there")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@cache
def _jalali_year(iso: str) -> int:
    return jdatetime.date.fromgregorian(date=dt.date.fromisoformat(iso)).year


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from ``first`` to ``last`` inclusive (``first`` when the span is empty)."""
    span = max(0, last.toordinal() - first.toordinal())
    return dt.date.fromordinal(first.toordinal() + int(rng.random() * (span + 1)))


def _licence_dates(rng: random.Random, type_key: str, founded: dt.date,
                   current: bool = False) -> tuple[str, dt.date, dt.date]:
    """Status, issue and expiry of a licence; ``current``: an operating licence in force on TODAY."""
    years = LICENCE_TYPE_BY_KEY[type_key].validity_years
    if type_key == AGREEMENT_IN_PRINCIPLE:
        issued = _between(rng, max(founded, _add_years(TODAY, -2)), TODAY)
        expires = _add_years(issued, years)
        status = LicenceStatus.AGREEMENT_IN_PRINCIPLE if expires > TODAY else LicenceStatus.EXPIRED
        return status.value, issued, expires
    lapse_before = _add_years(TODAY, -years)
    if not current and rng.random() < 0.17 and founded < lapse_before:
        # A licence that was not renewed: renewal is the pain point the articles name.
        issued = _between(rng, founded, lapse_before)
        status = LicenceStatus.REVOKED if rng.random() < 0.2 else LicenceStatus.EXPIRED
    else:
        issued = _between(rng, max(founded, lapse_before + dt.timedelta(days=1)), TODAY)
        status = LicenceStatus.SUSPENDED if not current and rng.random() < 0.05 else LicenceStatus.ACTIVE
    return status.value, issued, _add_years(issued, years)


def add_licences(world: World, rng: random.Random, source: str, extra_prob: float,
                 aip_prob: float) -> None:
    """One operating licence for the main service, more for others, some agreements in principle.

    A flagship holds an operating licence in force for every service it offers."""
    ds = world.ds
    nodes = ds.nodes.setdefault(Label.LICENCE, [])
    holds, licenses, of_type = (ds.rels.setdefault(r, []) for r in (Rel.HOLDS, Rel.LICENSES, Rel.OF_TYPE))
    default_founded = dt.date(2005, 3, 21)  # real centres with no founding date in the articles
    for inst in world.institutions:
        services = world.offers.get(inst.key, [])
        founded = dt.date.fromisoformat(inst.founded) if inst.founded else default_founded
        flagship = inst.key in world.flagships
        wanted = [(s, rng.choice(OPERATING_TYPES[s])) for i, s in enumerate(services)
                  if i == 0 or flagship or rng.random() < extra_prob]
        if services and rng.random() < aip_prob:
            wanted.append((rng.choice(services), AGREEMENT_IN_PRINCIPLE))
        for svc, type_key in wanted:
            status, issued, expires = _licence_dates(rng, type_key, founded,
                                                     flagship and type_key != AGREEMENT_IN_PRINCIPLE)
            key = world.keys.next("lic")
            issued_iso = issued.isoformat()
            number = f"GEN-{inst.province[3:]}-{_jalali_year(issued_iso)}-{key[4:]}"
            nodes.append({"key": key, "props": {
                "number": number, "status": status, "issuedOn": issued_iso,
                "expiresOn": expires.isoformat(), "generated": True, "source": source}})
            holds.append({"start": inst.key, "end": key, "props": {}})
            licenses.append({"start": key, "end": svc, "props": {}})
            of_type.append({"start": key, "end": type_key, "props": {}})


def add_assessments(world: World, rng: random.Random, source: str, per_institution: float) -> None:
    """Supervision at several levels; a centre's scores cluster around its own quality. Structured:
    frameworks, criteria scores, assessors, findings, corrective actions, complaints and the planted
    cases (seed.supervision)."""
    add_supervision(world, rng, source, per_institution, TODAY, ASSESSMENT_LEVELS)


def add_partnerships(world: World, rng: random.Random, count: int) -> None:
    """Institution pairs working together, mostly within a province; no self or repeated pairs."""
    by_province = [v for v in world.by_province().values() if len(v) >= 2]
    everyone = world.institutions
    seen: set[tuple[str, str]] = set()
    rels = world.ds.rels.setdefault(Rel.PARTNERS_WITH, [])
    while len(rels) < count:
        a, b = rng.sample(rng.choice(by_province), 2) if rng.random() < 0.85 else rng.sample(everyone, 2)
        if (a.key, b.key) in seen or (b.key, a.key) in seen:
            continue
        seen.add((a.key, b.key))
        start = max(dt.date.fromisoformat(i.founded) if i.founded else dt.date(2010, 1, 1) for i in (a, b))
        rels.append({"start": a.key, "end": b.key, "props": {
            "since": _between(rng, start, TODAY).isoformat(), "purpose": rng.choice(PARTNER_PURPOSES)}})
