"""The scale generator's people side: donors and their giving, councils and who sits on them,
and events. Every row it writes is marked generated.

Giving is heavy-tailed on purpose: a donor's propensity is Pareto-distributed and amounts
are lognormal per donor kind, so a few donors (mostly companies) account for most rials,
which is what council members exploring the network expect to find.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

from graph_model.enums import CouncilKind, CouncilLevel, Label, MemberRole, Rel
from graph_model.enums import DonorKind as D
from graph_model.enums import EventKind as E
from seed.articles import KHUZESTAN
from seed.generator import TODAY
from seed.naming import GEN_EN, GEN_FA, donor_names, event_names, fa_digits, iso_days
from seed.world import CouncilRef, EventRef, World, jitter

DONOR_KINDS = {D.INDIVIDUAL: 86, D.COMPANY: 7, D.CONTRACTOR: 3, D.FOUNDATION: 3, D.PUBLIC_COMPANY: 1}
COMPANY_KINDS = frozenset({D.COMPANY, D.CONTRACTOR, D.PUBLIC_COMPANY})
# Median gift in rials at 2021 prices and the lognormal spread, per donor kind.
# Calibrated so five years of gifts total roughly a hundred trillion rials nationally.
AMOUNTS = {D.INDIVIDUAL: (5e6, 1.0), D.COMPANY: (3e8, 1.0), D.CONTRACTOR: (5e8, 1.0),
           D.FOUNDATION: (2e8, 1.0), D.PUBLIC_COMPANY: (1e9, 0.9)}
# A donor's propensity to give: Pareto, capped so the busiest donor gives hundreds of times, not tens of thousands.
PARETO_SHAPE, PARETO_CAP = 1.2, 150.0
INFLATION = 1.4  # yearly rise of rial amounts, roughly Iran's inflation in 2021-2025
PURPOSES = ("general support", "residential care costs", "rehabilitation equipment", "Ramadan food baskets",
            "school supplies for children", "dowry for young women", "housing for families in need",
            "empowerment of women heads of household", "addiction prevention programme",
            "medical costs of clients")
NORMAL_QUANTILES = [NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096)]
DONATION_DAYS = iso_days(dt.date(2021, 1, 1), dt.date(2025, 12, 31))
EVENT_DAYS = iso_days(dt.date(2021, 1, 1), dt.date(2026, 12, 31))
SINCE_DAYS = iso_days(dt.date(2016, 3, 20), TODAY)
COUNCIL_NAMES = {
    CouncilKind.PARTICIPATION_COUNCIL: ("participation council", "شورای مشارکت‌های بهزیستی"),
    CouncilKind.SUPERVISION_COMMITTEE: ("supervision committee over non-governmental centres",
                                        "کمیته نظارت بر مراکز غیردولتی بهزیستی"),
    CouncilKind.ARTICLE_26_COMMISSION: ("Article 26 commission", "کمیسیون ماده ۲۶ بهزیستی"),
    CouncilKind.SUPERVISORY_BOARD: ("supervisory board", "هیئت نظارت بهزیستی"),
}
PERSON_TITLES = ("County welfare head", "Provincial welfare expert", "Trustee of the council",
                 "Representative of the governorate", "Representative of a disability association")
EVENT_KINDS = {E.CHARITY_EVENT: 34, E.COUNCIL_SESSION: 22, E.TRAINING: 18, E.RELIGIOUS_OUTREACH: 16,
               E.MEETING: 8, E.MAWKIB: 2}
GIVING_EVENTS = frozenset({E.CHARITY_EVENT.value, E.RELIGIOUS_OUTREACH.value, E.MAWKIB.value})


@dataclass
class Donors:
    keys: list[str] = field(default_factory=list)
    kinds: list[D] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def by_province(self, provinces: Sequence[str]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {p: [] for p in provinces}
        for i, p in enumerate(self.provinces):
            out[p].append(i)
        return out


def add_donors(world: World, rng: random.Random, count: int, source: str,
               guaranteed: Sequence[tuple[str, D]] = ()) -> Donors:
    """``count`` donors based in provinces by population; ``guaranteed`` ones come first."""
    provinces = [p.key for p in world.ref.provinces]
    cum = list(itertools.accumulate(p.population for p in world.ref.provinces))
    kinds, kind_cum = list(DONOR_KINDS), list(itertools.accumulate(DONOR_KINDS.values()))
    donors = Donors()
    nodes = world.ds.nodes.setdefault(Label.DONOR, [])
    based = world.ds.rels.setdefault(Rel.BASED_IN, [])
    picked = list(guaranteed) + list(zip(rng.choices(provinces, cum_weights=cum, k=count - len(guaranteed)),
                                         rng.choices(kinds, cum_weights=kind_cum, k=count - len(guaranteed)),
                                         strict=True))
    for province, kind in picked:
        key = world.keys.next("donor")
        name_en, name_fa = donor_names(kind, key[6:])
        nodes.append({"key": key, "props": {"nameFa": name_fa, "nameEn": name_en, "kind": kind.value,
                                            "generated": True, "source": source}})
        based.append({"start": key, "end": province, "props": {}})
        donors.keys.append(key)
        donors.kinds.append(kind)
        donors.provinces.append(province)
        donors.weights.append(min(PARETO_CAP, rng.paretovariate(PARETO_SHAPE)))
    return donors


def add_donations(world: World, rng: random.Random, donors: Donors, total: int, to_events: int,
                  source: str) -> None:
    """``total`` gifts: every donor gives once, the rest follow the donors' Pareto weights."""
    n = len(donors.keys)
    counts = [1] * n
    for d in rng.choices(range(n), cum_weights=list(itertools.accumulate(donors.weights)),
                         k=total - to_events - n):
        counts[d] += 1
    everyone = [i.key for i in world.institutions]
    local = {p: [i.key for i in insts] or everyone for p, insts in world.by_province().items()}
    growth = [INFLATION ** (int(day[:4]) - 2021) for day in DONATION_DAYS]
    rels = world.ds.rels.setdefault(Rel.DONATED_TO, [])
    # The hot loop of the national build (half a million rows): float draws, a table of normal
    # quantiles instead of gauss(), and local names keep it to a couple of seconds.
    days, n_days, n_everyone, n_purposes = DONATION_DAYS, len(DONATION_DAYS), len(everyone), len(PURPOSES)
    random_, exp, append = rng.random, math.exp, rels.append
    seq = world.keys.reserve("don", total)
    for d, key in enumerate(donors.keys):
        mine = local[donors.provinces[d]]
        n_mine = len(mine)
        median, sigma = AMOUNTS[donors.kinds[d]]
        mu = math.log(median * donors.weights[d] ** 0.3 / 10_000)  # in units of 10,000 rials
        for _ in range(counts[d]):
            r = random_()
            if r < 0.5:  # one of three favourite local centres (int(r * 6) is 0, 1 or 2)
                target = mine[(d * 7919 + int(r * 6) * 104729) % n_mine]
            elif r < 0.8:
                target = mine[int(random_() * n_mine)]
            else:
                target = everyone[int(random_() * n_everyone)]
            day = int(random_() * n_days)
            units = int(exp(mu + sigma * NORMAL_QUANTILES[int(random_() * 4096)]) * growth[day])
            append({"start": key, "end": target, "props": {
                "key": f"don-{seq:07d}", "amount": (units if units > 10 else 10) * 10_000, "date": days[day],
                "purpose": PURPOSES[int(random_() * n_purposes)], "generated": True, "source": source}})
            seq += 1
    _add_event_donations(world, rng, donors, to_events, source, seq)


def _add_event_donations(world: World, rng: random.Random, donors: Donors, count: int,
                         source: str, seq: int) -> None:
    kinds = {row["key"]: row["props"]["kind"] for row in world.ds.nodes.get(Label.EVENT, [])}
    eligible = [e for e in world.events if kinds[e.key] in GIVING_EVENTS
                and DONATION_DAYS[0] <= e.starts_on <= DONATION_DAYS[-1]]
    by_province = donors.by_province([p.key for p in world.ref.provinces])
    rels = world.ds.rels.setdefault(Rel.DONATED_TO_EVENT, [])
    first = dt.date.fromisoformat(DONATION_DAYS[0])
    for _ in range(count):
        event = rng.choice(eligible)
        pool = by_province[event.province] or range(len(donors.keys))
        d = rng.choice(pool)
        day = max(first, dt.date.fromisoformat(event.starts_on) - dt.timedelta(days=rng.randint(0, 20)))
        mu, sigma = AMOUNTS[donors.kinds[d]]
        amount = max(100_000, round(rng.lognormvariate(math.log(mu), sigma), -4))
        rels.append({"start": donors.keys[d], "end": event.key, "props": {
            "key": f"don-{seq:07d}", "amount": int(amount), "date": day.isoformat(),
            "purpose": "event sponsorship", "generated": True, "source": source}})
        seq += 1


def _pick(rng: random.Random, pool: tuple[list[int], list[float]], k: int) -> list[int]:
    """Up to ``k`` distinct donors from ``pool`` (indices, cumulative weights); the heavy
    givers come up more often, so the same big donors sit on several councils (brokers)."""
    members, cum = pool
    if not members:
        return []
    chosen: dict[int, None] = {}
    for i in rng.choices(members, cum_weights=cum, k=3 * k):
        chosen.setdefault(i, None)
        if len(chosen) == k:
            break
    return list(chosen)


def add_councils(world: World, rng: random.Random, donors: Donors, county_councils: int,
                 persons_per_province: int, source: str, within: Sequence[str] = ()) -> None:
    """Fill every province's four bodies, one national one, county councils (in the provinces
    ``within``, or anywhere), then the members."""
    ds, ref = world.ds, world.ref
    kind_of = {row["key"]: row["props"]["kind"] for row in ds.nodes.get(Label.COUNCIL, [])}
    have = {(c.province, kind_of[c.key]) for c in world.councils}

    def council(kind: CouncilKind, level: CouncilLevel, name_en: str, name_fa: str,
                province: str | None, county: str | None) -> None:
        key = world.keys.next("council")
        ds.node(Label.COUNCIL, key, nameFa=name_fa, nameEn=name_en, kind=kind.value, level=level.value,
                generated=True, source=source)
        if county:
            ds.rel(Rel.COVERS_COUNTY, key, county)
        elif province:
            ds.rel(Rel.COVERS_PROVINCE, key, province)
        world.councils.append(CouncilRef(key, province, county))

    council(CouncilKind.SUPERVISION_COMMITTEE, CouncilLevel.NATIONAL,
            f"National supervision committee over non-governmental centres {GEN_EN}",
            f"کمیته ملی نظارت بر مراکز غیردولتی {GEN_FA}", None, None)
    for p in ref.provinces:
        for kind, (en, fa) in COUNCIL_NAMES.items():
            if (p.key, kind.value) not in have:
                council(kind, CouncilLevel.PROVINCIAL, f"{p.name_en} {en} {GEN_EN}",
                        f"{fa} {p.name_fa} {GEN_FA}", p.key, None)
    counties = [c for c in ref.counties if not within or c.province_key in within]
    weights = [c.population for c in counties]
    picked: dict[str, None] = {}
    while len(picked) < county_councils:
        picked.setdefault(rng.choices(counties, weights)[0].key, None)
    for key in sorted(picked):
        c = ref.county(key)
        council(CouncilKind.PARTICIPATION_COUNCIL, CouncilLevel.COUNTY,
                f"{c.name_en} county participation council {GEN_EN}",
                f"شورای مشارکت‌های بهزیستی شهرستان {c.name_fa} {GEN_FA}", c.province_key, key)
    _add_members(world, rng, donors, persons_per_province, source)


def _add_members(world: World, rng: random.Random, donors: Donors, persons_per_province: int,
                 source: str) -> None:
    ds = world.ds
    pools: dict[str, list[str]] = {}
    for p in world.ref.provinces:
        for _ in range(persons_per_province):
            key = world.keys.next("person")
            ds.node(Label.PERSON, key, nameFa=f"کارشناس {fa_digits(key[7:])} {GEN_FA}",
                    nameEn=f"Welfare official {key[7:]} {GEN_EN}", title=rng.choice(PERSON_TITLES),
                    generated=True, source=source)
            pools.setdefault(p.key, []).append(key)
    all_persons = [k for pool in pools.values() for k in pool]
    by_province, by_county = world.by_province(), world.by_county()
    def weighted(members: list[int]) -> tuple[list[int], list[float]]:
        return members, list(itertools.accumulate(donors.weights[d] for d in members))

    by_donor_province = donors.by_province([p.key for p in world.ref.provinces])
    donors_in = {p: weighted(members) for p, members in by_donor_province.items()}
    companies_in = {p: weighted([d for d in members if donors.kinds[d] in COMPANY_KINDS])
                    for p, members in by_donor_province.items()}
    council_props = {row["key"]: row["props"] for row in ds.nodes[Label.COUNCIL]}

    def since() -> str:
        return SINCE_DAYS[rng.randrange(len(SINCE_DAYS))]

    for c in world.councils:
        props = council_props[c.key]
        if props["generated"]:  # real councils keep only the officials the articles name
            officials = pools[c.province] if c.province else all_persons
            people = rng.sample(officials, min(len(officials), rng.randint(2, 4)))
            roles = [MemberRole.CHAIR, MemberRole.SECRETARY] + [MemberRole.MEMBER] * 2
            for person, role in zip(people, roles, strict=False):  # two to four people: the first roles
                ds.rel(Rel.PERSON_MEMBER_OF, person, c.key, role=role.value, since=since())
        local = by_county[c.county] if c.county and len(by_county[c.county]) >= 2 else (
            by_province[c.province] if c.province else world.institutions)
        for inst in rng.sample(local, min(len(local), rng.randint(3, 8) if not c.county else rng.randint(2, 5))):
            ds.rel(Rel.INSTITUTION_MEMBER_OF, inst.key, c.key, role=MemberRole.MEMBER.value,
                   since=max(since(), inst.founded or ""))  # never before the centre existed
        if c.province is None:
            continue
        participation = props["kind"] == CouncilKind.PARTICIPATION_COUNCIL.value
        # Participation councils court companies (corporate social responsibility) first.
        picks = _pick(rng, companies_in[c.province], rng.randint(1, 2)) if participation else []
        rest = _pick(rng, donors_in[c.province], rng.randint(2, 5) if participation else 1)
        for d in dict.fromkeys(picks + rest):
            role = MemberRole.MEMBER if participation else MemberRole.OBSERVER
            ds.rel(Rel.DONOR_MEMBER_OF, donors.keys[d], c.key, role=role.value, since=since())


def add_events(world: World, rng: random.Random, count: int, source: str) -> None:
    """Charity events, sessions, trainings and outreach, organised by a centre or a council."""
    ds, ref = world.ds, world.ref
    capital = {p.key: max(ref.counties_of(p.key), key=lambda c: c.population).key for p in ref.provinces}
    kinds, kind_cum = list(EVENT_KINDS), list(itertools.accumulate(EVENT_KINDS.values()))
    by_province = world.by_province()
    services = [row["key"] for row in ds.nodes[Label.SERVICE]]
    for _ in range(count):
        kind = rng.choices(kinds, cum_weights=kind_cum)[0]
        organiser = None
        if kind is E.COUNCIL_SESSION:
            council = rng.choice(world.councils)
            province = council.province or rng.choice(ref.provinces).key
            county = council.county or capital[province]
        else:
            organiser = rng.choice(world.institutions)
            province, county = organiser.province, organiser.county
            if kind is E.MAWKIB and province == KHUZESTAN:
                kind = E.CHARITY_EVENT  # Khuzestan's mawkibs are the two the articles name
        key = world.keys.next("evt")
        p, c = ref.province(province), ref.county(county)
        name_en, name_fa = event_names(kind, key[4:], p.name_en, p.name_fa)
        start = rng.randrange(len(EVENT_DAYS))
        lat, lon = jitter(rng, c.lat, c.lon)
        props: dict[str, object] = {"nameFa": name_fa, "nameEn": name_en, "kind": kind.value,
                                    "startsOn": EVENT_DAYS[start], "lat": lat, "lon": lon,
                                    "generated": True, "source": source}
        length = {E.TRAINING: (1, 4), E.MAWKIB: (7, 16)}.get(kind)
        if length:
            props["endsOn"] = EVENT_DAYS[min(len(EVENT_DAYS) - 1, start + rng.randint(*length))]
        ds.node(Label.EVENT, key, **props)
        ds.rel(Rel.HELD_IN, key, county)
        world.events.append(EventRef(key, province, EVENT_DAYS[start]))
        if organiser is None:
            ds.rel(Rel.ORGANISED_BY_COUNCIL, key, council.key)
            continue
        ds.rel(Rel.ORGANISED_BY_INSTITUTION, key, organiser.key)
        others = [i for i in rng.sample(by_province[province], min(5, len(by_province[province])))
                  if i.key != organiser.key][:rng.randint(0, 4)]
        for inst in others:
            ds.rel(Rel.PARTICIPATED_IN, inst.key, key, role="participant")
        if kind.value in GIVING_EVENTS:
            offered = world.offers.get(organiser.key) or services
            for svc in rng.sample(offered, min(len(offered), rng.randint(1, 2))):
                ds.rel(Rel.PROVIDED, key, svc, people=rng.randint(20, 1500))
