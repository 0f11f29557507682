"""The seed profiles hold valid, consistent rows and every fact of DOMAIN.md (no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import jdatetime
import pytest

from graph_model.enums import (
    ENDPOINTS,
    KEYED_RELS,
    CouncilKind,
    DonorKind,
    EventKind,
    InstitutionKind,
    Label,
    LicenceStatus,
    Rel,
)
from graph_model.model import validate_node, validate_rel
from seed import articles as A
from seed.catalogue import AGREEMENT_IN_PRINCIPLE, KIND_SERVICES, SERVICE_BY_KEY, SERVICES
from seed.dataset import Dataset
from seed.demo import DEMO_SCALE, build_demo
from seed.generator import FALLBACK_SERVICES, TODAY
from seed.national import UNDERSERVED_COUNTIES, WITHHELD_SERVICES, build_national
from seed.profiles import PROFILES, build
from seed.scale import build_profile
from tests.datasets import demo, national


PROFILE_BUILDS = {"demo": demo, "national": national}

# The hub's default need per county and target group (graph_model/coverage/need.py documents the
# same table): census columns times a prevalence rate, no noise. Repeated here so the seed's own
# guarantees are checked without a database.
CENSUS_NEED: dict[str, Callable[[dict], float]] = {
    "tg-disability": lambda c: c["population"] * 0.020,
    "tg-elderly": lambda c: c["age60plus"] * 0.12,
    "tg-low-income": lambda c: c["population"] * 0.080,
    "tg-addiction": lambda c: (c["population"] - c["age0to14"]) * 0.025,
    "tg-children": lambda c: c["age0to14"] * 0.030,
    "tg-women-heads": lambda c: c["population"] * 0.012,
    "tg-mental-illness": lambda c: c["population"] * 0.004,
}
BOTH = pytest.mark.parametrize("profile", sorted(PROFILE_BUILDS))


def props_by_key(ds: Dataset, label: Label) -> dict[str, dict]:
    return {row["key"]: row["props"] for row in ds.nodes.get(label, [])}


def institution_province(ds: Dataset) -> dict[str, str]:
    county_province = {k: p["provinceKey"] for k, p in props_by_key(ds, Label.COUNTY).items()}
    return {r["start"]: county_province[r["end"]] for r in ds.rels[Rel.LOCATED_IN]}


def institutions_in(ds: Dataset, province: str) -> dict[str, dict]:
    where = institution_province(ds)
    return {k: p for k, p in props_by_key(ds, Label.INSTITUTION).items() if where[k] == province}


# --- rows are valid and consistent -------------------------------------------------------

@BOTH
def test_every_row_validates(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    for label, rows in ds.nodes.items():
        for row in rows:
            validate_node(label, row["key"], row["props"])
    for rel, rows in ds.rels.items():
        for row in rows:
            validate_rel(rel, row["start"], row["end"], row["props"])


@BOTH
def test_keys_unique_and_endpoints_exist(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    keys = {}
    for label in Label:
        listed = [row["key"] for row in ds.nodes.get(label, [])]
        assert listed, f"no {label.value} rows"
        keys[label] = set(listed)
        assert len(keys[label]) == len(listed), f"duplicate {label.value} keys"
    for rel, rows in ds.rels.items():
        start, end = ENDPOINTS[rel]
        missing = [r for r in rows if r["start"] not in keys[start] or r["end"] not in keys[end]]
        assert not missing, f"{rel.value}: {len(missing)} rows with a missing end, e.g. {missing[0]}"


@BOTH
def test_relationships_are_not_repeated(profile: str) -> None:
    """The loader MERGEs unkeyed relationships on (start, end): a repeat would silently vanish."""
    ds = PROFILE_BUILDS[profile]()
    for rel, rows in ds.rels.items():
        if rel in KEYED_RELS:
            donation_keys = [r["props"]["key"] for r in rows]
            assert len(set(donation_keys)) == len(donation_keys), f"duplicate {rel.value} keys"
        else:
            pairs = [(r["start"], r["end"]) for r in rows]
            assert len(set(pairs)) == len(pairs), f"repeated {rel.value} pairs"
            if rel is Rel.PARTNERS_WITH:
                assert all(a != b for a, b in pairs)
    all_donation_keys = [r["props"]["key"] for rel in KEYED_RELS for r in ds.rels[rel]]
    assert len(set(all_donation_keys)) == len(all_donation_keys)


@BOTH
def test_generated_rows_are_marked(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    real = {Label.INSTITUTION: {A.HAZRAT_ALI_AKBAR, A.MARKAZI_NGO_HOUSE},
            Label.COUNCIL: {c[0] for c in A.COUNCILS}, Label.PERSON: {p[0] for p in A.PERSONS},
            Label.EVENT: {A.MAWKIB_SHALAMCHEH, A.MAWKIB_CHAZABEH, A.EVT_KHZ_SUPERVISION_SESSION,
                          A.EVT_KHZ_NGO_MEETING, A.EVT_MKZ_TRAINING}}
    reference = {Label.PROVINCE, Label.COUNTY, Label.SERVICE, Label.TARGET_GROUP, Label.LICENCE_TYPE}
    for label, rows in ds.nodes.items():
        for row in rows:
            p = row["props"]
            assert isinstance(p.get("generated"), bool) and p.get("source"), row
            expected_real = label in reference or row["key"] in real.get(label, set())
            assert p["generated"] is not expected_real, row
            if p["generated"]:
                assert "generated" in p["source"], row
                if "nameEn" in p:
                    assert p["nameEn"].endswith("(generated)") and p["nameFa"].endswith("(نمونه)"), row
            else:
                assert "generated" not in p.get("nameEn", ""), row
    for rel in (Rel.DONATED_TO, Rel.DONATED_TO_EVENT):
        assert all(r["props"]["generated"] is True and "generated" in r["props"]["source"]
                   for r in ds.rels[rel]), rel


# --- the facts of DOMAIN.md ---------------------------------------------------------------

@BOTH
def test_geography(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    assert len(ds.nodes[Label.PROVINCE]) == 31 and len(ds.nodes[Label.COUNTY]) == 429
    assert sum(p["population"] for p in props_by_key(ds, Label.PROVINCE).values()) == 79_926_270
    assert props_by_key(ds, Label.PROVINCE)["IR-00"]["capitalEn"] == "Arak"
    assert props_by_key(ds, Label.PROVINCE)["IR-29"]["capitalEn"] == "Birjand"
    assert len(ds.rels[Rel.IN_PROVINCE]) == 429


@BOTH
def test_article_province_counts(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    khz = Counter(p["kind"] for p in institutions_in(ds, A.KHUZESTAN).values())
    assert sum(khz.values()) == 820 and khz[InstitutionKind.POSITIVE_LIFE_CENTRE.value] == 189
    mkz = Counter(p["kind"] for p in institutions_in(ds, A.MARKAZI).values())
    assert sum(mkz.values()) == 107 and mkz[InstitutionKind.DISABLED_ELDERLY_CARE.value] == 40
    markazi = institutions_in(ds, A.MARKAZI)
    domains = {SERVICE_BY_KEY[r["end"]].domain.value for r in ds.rels[Rel.OFFERS] if r["start"] in markazi}
    assert domains == {"PREVENTION", "SOCIAL", "REHABILITATION"}  # "in three domains"
    skh = Counter(p["kind"] for p in institutions_in(ds, A.SOUTH_KHORASAN).values())
    assert sum(skh.values()) == 118 and skh[InstitutionKind.RESIDENTIAL_CARE.value] == 54


@BOTH
def test_hazrat_ali_akbar_houses_forty_percent(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    skh = institutions_in(ds, A.SOUTH_KHORASAN)
    haa = skh[A.HAZRAT_ALI_AKBAR]
    assert haa["kind"] == InstitutionKind.RESIDENTIAL_CARE.value and haa["generated"] is False
    assert "حضرت علی اکبر" in haa["nameFa"]
    residential = [p for p in skh.values() if p["kind"] == InstitutionKind.RESIDENTIAL_CARE.value]
    total = sum(p["residents"] for p in residential)
    assert haa["residents"] * 100 == 40 * total
    located = {r["start"]: r["end"] for r in ds.rels[Rel.LOCATED_IN]}
    assert props_by_key(ds, Label.COUNTY)[located[A.HAZRAT_ALI_AKBAR]]["nameEn"] == "Birjand"


@BOTH
def test_first_ngo_house_in_markazi(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    house = institutions_in(ds, A.MARKAZI)[A.MARKAZI_NGO_HOUSE]
    assert house["kind"] == InstitutionKind.NGO_HOUSE.value and house["generated"] is False


@BOTH
def test_named_councils_and_members(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    councils = props_by_key(ds, Label.COUNCIL)
    covers = {(r["start"], r["end"]) for r in ds.rels[Rel.COVERS_PROVINCE]}
    expected = {A.KHZ_SUPERVISION_COMMITTEE: (CouncilKind.SUPERVISION_COMMITTEE, A.KHUZESTAN),
                A.KHZ_ARTICLE_26: (CouncilKind.ARTICLE_26_COMMISSION, A.KHUZESTAN),
                A.KHZ_SUPERVISORY_BOARD: (CouncilKind.SUPERVISORY_BOARD, A.KHUZESTAN),
                A.SKH_PARTICIPATION_COUNCIL: (CouncilKind.PARTICIPATION_COUNCIL, A.SOUTH_KHORASAN),
                A.MKZ_PARTICIPATION_COUNCIL: (CouncilKind.PARTICIPATION_COUNCIL, A.MARKAZI)}
    for key, (kind, province) in expected.items():
        assert councils[key]["kind"] == kind.value and councils[key]["level"] == "PROVINCIAL"
        assert (key, province) in covers
    assert "social responsibility" in councils[A.SKH_PARTICIPATION_COUNCIL]["source"]
    seats = defaultdict(set)
    for r in ds.rels[Rel.PERSON_MEMBER_OF]:
        seats[r["start"]].add((r["end"], r["props"].get("role")))
    assert (A.MKZ_PARTICIPATION_COUNCIL, "CHAIR") in seats["person-behrouz-rafiei"]
    assert any(c == A.MKZ_PARTICIPATION_COUNCIL for c, _ in seats["person-gholamreza-vanaei"])
    assert any(c == A.KHZ_SUPERVISION_COMMITTEE for c, _ in seats["person-mehran-karimian"])
    assert any(c == A.SKH_PARTICIPATION_COUNCIL for c, _ in seats["person-sharafi"])
    donor_kind = {k: p["kind"] for k, p in props_by_key(ds, Label.DONOR).items()}
    skh_donors = {donor_kind[r["start"]] for r in ds.rels[Rel.DONOR_MEMBER_OF]
                  if r["end"] == A.SKH_PARTICIPATION_COUNCIL}
    assert skh_donors & {DonorKind.COMPANY.value, DonorKind.CONTRACTOR.value, DonorKind.PUBLIC_COMPANY.value}
    members = {r["end"] for r in ds.rels[Rel.INSTITUTION_MEMBER_OF]}
    assert set(expected) <= members


@BOTH
def test_mawkibs_at_the_border_crossings(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    events = props_by_key(ds, Label.EVENT)
    held = {r["start"]: r["end"] for r in ds.rels[Rel.HELD_IN]}
    counties = props_by_key(ds, Label.COUNTY)
    khz_mawkibs = {k for k, p in events.items() if p["kind"] == EventKind.MAWKIB.value
                   and counties[held[k]]["provinceKey"] == A.KHUZESTAN}
    assert khz_mawkibs == {A.MAWKIB_SHALAMCHEH, A.MAWKIB_CHAZABEH}
    assert counties[held[A.MAWKIB_SHALAMCHEH]]["nameEn"] == "Khoramshahr"  # OSM spelling
    assert counties[held[A.MAWKIB_CHAZABEH]]["nameEn"] == "Dasht-e-Azadegan"
    assert "شلمچه" in events[A.MAWKIB_SHALAMCHEH]["nameFa"] and "چذابه" in events[A.MAWKIB_CHAZABEH]["nameFa"]


@BOTH
def test_meetings_on_the_articles_jalali_dates(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    events = props_by_key(ds, Label.EVENT)

    def jalali(key: str) -> jdatetime.date:
        return jdatetime.date.fromgregorian(date=dt.date.fromisoformat(events[key]["startsOn"]))

    session, meeting, training = (jalali(k) for k in (A.EVT_KHZ_SUPERVISION_SESSION, A.EVT_KHZ_NGO_MEETING,
                                                      A.EVT_MKZ_TRAINING))
    assert (session.month, session.day) == (5, 19) and session.togregorian().weekday() == 2  # Wednesday
    assert (meeting.month, meeting.day) == (5, 24) and meeting.togregorian().weekday() == 2
    assert (training.month, training.day) == (10, 28)
    assert events[A.EVT_KHZ_SUPERVISION_SESSION]["kind"] == EventKind.COUNCIL_SESSION.value
    assert events[A.EVT_MKZ_TRAINING]["kind"] == EventKind.TRAINING.value
    held = {r["start"]: r["end"] for r in ds.rels[Rel.HELD_IN]}
    assert props_by_key(ds, Label.COUNTY)[held[A.EVT_MKZ_TRAINING]]["nameEn"] == "Arak"
    organised = {(r["start"], r["end"]) for r in ds.rels[Rel.ORGANISED_BY_COUNCIL]}
    assert (A.EVT_KHZ_SUPERVISION_SESSION, A.KHZ_SUPERVISION_COMMITTEE) in organised


@BOTH
def test_catalogue_and_licences(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    domains = Counter(p["domain"] for p in props_by_key(ds, Label.SERVICE).values())
    assert set(domains) == {"PREVENTION", "SOCIAL", "REHABILITATION"}
    types = props_by_key(ds, Label.LICENCE_TYPE)
    assert "موافقت اصولی" in types[AGREEMENT_IN_PRINCIPLE]["nameFa"]
    assert any("پروانه فعالیت" in t["nameFa"] for t in types.values())
    assert all("92" in t["source"] for t in types.values())
    licences = props_by_key(ds, Label.LICENCE)
    assert {p["status"] for p in licences.values()} == {s.value for s in LicenceStatus}
    today = TODAY.isoformat()
    soon = (TODAY + dt.timedelta(days=90)).isoformat()
    for p in licences.values():
        assert p["issuedOn"] <= today and p["issuedOn"] < p["expiresOn"]
        if p["status"] in ("ACTIVE", "AGREEMENT_IN_PRINCIPLE"):
            assert p["expiresOn"] > today
        if p["status"] == "EXPIRED":
            assert p["expiresOn"] <= today
    assert any(today < p["expiresOn"] <= soon for p in licences.values() if p["status"] == "ACTIVE")
    # A licence covers a service its holder offers and its type permits.
    offers = {(r["start"], r["end"]) for r in ds.rels[Rel.OFFERS]}
    permits = {(r["start"], r["end"]) for r in ds.rels[Rel.PERMITS]}
    holder = {r["end"]: r["start"] for r in ds.rels[Rel.HOLDS]}
    of_type = {r["start"]: r["end"] for r in ds.rels[Rel.OF_TYPE]}
    for r in ds.rels[Rel.LICENSES]:
        assert (holder[r["start"]], r["end"]) in offers and (of_type[r["start"]], r["end"]) in permits



@BOTH
def test_no_needs_are_seeded_and_the_census_defaults_exist(profile: str) -> None:
    """NEEDS rows are planners' overrides: the hub's default need comes from the census columns."""
    ds = PROFILE_BUILDS[profile]()
    assert not ds.rels.get(Rel.NEEDS)
    assert set(CENSUS_NEED) == set(props_by_key(ds, Label.TARGET_GROUP))
    counties = props_by_key(ds, Label.COUNTY)
    assert len(counties) == 429
    for key, c in counties.items():
        assert all(isinstance(c[k], int) and c[k] > 0 for k in ("population", "age0to14", "age60plus")), key
        assert c["age0to14"] + c["age60plus"] < c["population"], key
        assert all(need(c) > 0 for need in CENSUS_NEED.values()), key


@BOTH
def test_giving(profile: str) -> None:
    ds = PROFILE_BUILDS[profile]()
    gifts = ds.rels[Rel.DONATED_TO] + ds.rels[Rel.DONATED_TO_EVENT]
    assert all("2021-01-01" <= g["props"]["date"] <= "2025-12-31" for g in gifts)
    assert all(isinstance(g["props"]["amount"], int) and g["props"]["amount"] > 0 for g in gifts)
    by_donor: Counter[str] = Counter()
    for g in gifts:
        by_donor[g["start"]] += g["props"]["amount"]
    ranked = sorted(by_donor.values(), reverse=True)
    top = ranked[: max(1, len(ranked) // 100)]
    assert sum(top) > 0.15 * sum(ranked), "giving should be heavy-tailed"
    kinds = Counter(p["kind"] for p in props_by_key(ds, Label.DONOR).values())
    assert set(kinds) == {k.value for k in DonorKind}
    assert len(ds.rels[Rel.BASED_IN]) == len(ds.nodes[Label.DONOR])


# --- the national profile -----------------------------------------------------------------

def test_national_orders_of_magnitude() -> None:
    c = national().counts()
    assert 20_000 <= c["Institution"] <= 22_000
    assert c["Donor"] == 100_000
    assert c["DONATED_TO"] + c["DONATED_TO_EVENT"] == 500_000
    assert 38_000 <= c["Licence"] <= 42_000
    assert 380 <= c["Council"] <= 420
    assert 4_500 <= c["Event"] <= 5_500


def test_national_spreads_institutions_by_population() -> None:
    ds = national()
    per_province = Counter(institution_province(ds).values())
    assert set(per_province) == {p["key"] for p in ds.nodes[Label.PROVINCE]}
    assert per_province["IR-23"] == max(per_province.values())  # Tehran, the most populous
    located = Counter(r["end"] for r in ds.rels[Rel.LOCATED_IN])
    assert len(located) == 429, "every county has at least one institution"


def test_national_is_deterministic() -> None:
    again = build_national()
    assert again.nodes == national().nodes and again.rels == national().rels
    assert build_demo().nodes == demo().nodes and build_demo().rels == demo().rels


DIGEST = """
import hashlib, json
from seed.demo import build_demo
ds = build_demo()
rows = [ds.nodes[label] for label in sorted(ds.nodes)] + [ds.rels[rel] for rel in sorted(ds.rels)]
print(hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest())
"""


def test_demo_is_identical_across_processes() -> None:
    """String hashing is salted per process: nothing may depend on set or hash order."""
    digests = set()
    for salt in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": salt}
        out = subprocess.run([sys.executable, "-c", DIGEST], env=env, capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parents[1])
        digests.add(out.stdout.strip())
    ds = demo()
    rows = [ds.nodes[label] for label in sorted(ds.nodes)] + [ds.rels[rel] for rel in sorted(ds.rels)]
    digests.add(hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest())
    assert len(digests) == 1


def test_the_seed_moves_generated_rows_but_not_article_facts() -> None:
    one, two = build_profile("demo", 1, DEMO_SCALE), build_profile("demo", 2, DEMO_SCALE)
    assert one.rels[Rel.DONATED_TO] != two.rels[Rel.DONATED_TO]
    for province in A.ARTICLE_PROVINCES:
        assert institutions_in(one, province) == institutions_in(two, province)


def test_article_provinces_are_the_same_in_both_profiles() -> None:
    for province in A.ARTICLE_PROVINCES:
        assert institutions_in(demo(), province) == institutions_in(national(), province)


def test_underserved_counties_lack_every_service_of_their_groups() -> None:
    ds = national()
    counties = props_by_key(ds, Label.COUNTY)
    located = {r["start"]: r["end"] for r in ds.rels[Rel.LOCATED_IN]}
    capacity: Counter[tuple[str, str]] = Counter()
    for r in ds.rels[Rel.OFFERS]:
        capacity[(located[r["start"]], r["end"])] += r["props"]["capacity"]
    assert 10 <= len(UNDERSERVED_COUNTIES) <= 15
    assert set(WITHHELD_SERVICES) == set(UNDERSERVED_COUNTIES)
    for county, groups in UNDERSERVED_COUNTIES.items():
        assert groups and set(groups) <= {"tg-disability", "tg-elderly"}
        assert county in counties and county[:5] not in A.ARTICLE_PROVINCES
        assert county in located.values(), f"{county} should still have institutions"
        serving = {s.key for s in SERVICES if set(s.serves) & set(groups)}
        assert set(WITHHELD_SERVICES[county]) == serving
        for svc in serving:
            assert capacity[(county, svc)] == 0, (county, svc)
            # The same service exists elsewhere in the province: the gap is local.
            assert any(cap for (c, s), cap in capacity.items() if s == svc and c[:5] == county[:5] and c != county)


def test_a_centre_whose_services_are_all_withheld_falls_back_to_a_general_one() -> None:
    ds = national()
    kind = {r["key"]: InstitutionKind(r["props"]["kind"]) for r in ds.nodes[Label.INSTITUTION]}
    located = {r["start"]: r["end"] for r in ds.rels[Rel.LOCATED_IN]}
    offered: defaultdict[str, set[str]] = defaultdict(set)
    for r in ds.rels[Rel.OFFERS]:
        offered[r["start"]].add(r["end"])
    assert set(offered) == set(kind), "every centre offers something"
    fallbacks = 0
    for inst, services in offered.items():
        banned = set(WITHHELD_SERVICES.get(located[inst], ()))
        own = set(KIND_SERVICES[kind[inst]]) - banned
        if own:
            assert services <= own, inst
        else:
            assert services == {FALLBACK_SERVICES[0]} and FALLBACK_SERVICES[0] not in banned, inst
            fallbacks += 1
    assert fallbacks > 0  # rehabilitation centres in counties withheld for tg-disability, at least


def coverage_ranking(ds: Dataset, group: str) -> list[tuple[float, float, str]]:
    """(unmet share, shortfall, county), worst first: licensed capacity on TODAY against census need."""
    return ranking(ds, {s.key for s in SERVICES if group in s.serves}, (group,))


def ranking(ds: Dataset, services: set[str], groups: tuple[str, ...]) -> list[tuple[float, float, str]]:
    """The hub's RATIO ranking of counties for ``services`` against the need of ``groups``."""
    today = TODAY.isoformat()
    licences = props_by_key(ds, Label.LICENCE)
    holder = {r["end"]: r["start"] for r in ds.rels[Rel.HOLDS]}
    licensed = {(holder[r["start"]], r["end"]) for r in ds.rels[Rel.LICENSES]
                if licences[r["start"]]["status"] in ("ACTIVE", "EXPIRED")
                and licences[r["start"]]["issuedOn"] <= today <= licences[r["start"]]["expiresOn"]}
    located = {r["start"]: r["end"] for r in ds.rels[Rel.LOCATED_IN]}
    capacity: Counter[str] = Counter()
    for r in ds.rels[Rel.OFFERS]:
        if r["end"] in services and (r["start"], r["end"]) in licensed:
            capacity[located[r["start"]]] += r["props"]["capacity"]
    need = {key: sum(CENSUS_NEED[g](c) for g in groups) for key, c in props_by_key(ds, Label.COUNTY).items()}
    norm = sum(capacity.values()) / sum(need.values())
    rows = []
    for county, people in need.items():
        expected = people * norm
        shortfall = max(0.0, expected - capacity[county])
        rows.append((shortfall / expected, shortfall, county))
    return sorted(rows, key=lambda row: (-row[0], -row[1]))


@pytest.mark.parametrize("group", ["tg-disability", "tg-elderly"])
def test_underserved_counties_top_the_coverage_ranking(group: str) -> None:
    """What the hub's gap analysis will show: the deliberate gaps first, before any chance one."""
    withheld = {c for c, groups in UNDERSERVED_COUNTIES.items() if group in groups}
    ranking = coverage_ranking(national(), group)
    assert withheld and {county for _, _, county in ranking[:len(withheld)]} == withheld
    assert all(share == 1.0 for share, _, _ in ranking[:len(withheld)])


# --- the demo's generated layer -------------------------------------------------------------

def largest_counties(ds: Dataset) -> dict[str, str]:
    """Province -> its most populous county."""
    best: dict[str, tuple[int, str]] = {}
    for key, c in props_by_key(ds, Label.COUNTY).items():
        best[c["provinceKey"]] = max(best.get(c["provinceKey"], (0, "")), (c["population"], key))
    return {province: key for province, (_, key) in best.items()}


def main_cities(ds: Dataset) -> set[str]:
    """Every province's largest county and its capital (where the census spells it alike)."""
    capitals = {p["capitalEn"] for p in props_by_key(ds, Label.PROVINCE).values()}
    return set(largest_counties(ds).values()) | {
        k for k, c in props_by_key(ds, Label.COUNTY).items() if c["nameEn"] in capitals}


def test_demo_spreads_a_generated_layer_over_every_province_by_population() -> None:
    ds = demo()
    per_province = Counter(institution_province(ds).values())
    population = {k: p["population"] for k, p in props_by_key(ds, Label.PROVINCE).items()}
    others = [k for k in population if k not in A.ARTICLE_PROVINCES]
    assert sum(per_province[k] for k in others) == DEMO_SCALE.other_institutions == 800
    assert all(per_province[k] >= DEMO_SCALE.min_per_province for k in others)
    assert per_province["IR-23"] == max(per_province[k] for k in others)  # Tehran, the most populous
    # Beyond each province's floor, centres per million people vary with a spread, not with size.
    density = [(per_province[k] - DEMO_SCALE.min_per_province) / population[k] * 1e6 for k in others]
    assert max(density) < 3 * min(density), density
    generated = {k for k, p in props_by_key(ds, Label.INSTITUTION).items() if p["generated"]}
    assert all(k in generated for k, province in institution_province(ds).items() if province in others)


def test_demo_largest_counties_run_every_service_their_province_has() -> None:
    """A province's largest county holds licensed capacity on TODAY for every service offered
    anywhere in the province: a city of millions never shows up empty by chance."""
    ds = demo()
    served = {svc: {county for share, _, county in ranking(ds, {svc}, SERVICE_BY_KEY[svc].serves) if share < 1}
              for svc in SERVICE_BY_KEY}
    located = {r["start"]: r["end"] for r in ds.rels[Rel.LOCATED_IN]}
    offered: defaultdict[str, set[str]] = defaultdict(set)
    for r in ds.rels[Rel.OFFERS]:
        offered[located[r["start"]][:5]].add(r["end"])
    for province, county in largest_counties(ds).items():
        if province in A.ARTICLE_PROVINCES:
            continue  # their centres are the articles' counts, spread before any flagship
        missing = [svc for svc in sorted(offered[province]) if county not in served[svc]]
        assert not missing, (county, missing)


@pytest.mark.parametrize(("services", "groups"), [
    ({"svc-counselling-1480"}, SERVICE_BY_KEY["svc-counselling-1480"].serves),
    ({"svc-life-skills"}, SERVICE_BY_KEY["svc-life-skills"].serves),
    ({s.key for s in SERVICES if "tg-disability" in s.serves}, ("tg-disability",)),
    ({s.key for s in SERVICES if "tg-elderly" in s.serves}, ("tg-elderly",)),
])
def test_demo_gaps_are_not_the_largest_cities(services: set[str], groups: tuple[str, ...]) -> None:
    """The worst served counties are smaller ones, not Tehran, Mashhad or Isfahan at capacity 0."""
    ds = demo()
    cities = main_cities(ds)
    top = [county for _, _, county in ranking(ds, services, groups)[:10]]
    assert not cities & set(top), sorted(cities & set(top))
    population = {k: c["population"] for k, c in props_by_key(ds, Label.COUNTY).items()}
    assert all(population[county] < 1_000_000 for county in top)


def test_profiles_registry() -> None:
    assert set(PROFILES) == {"demo", "national"}
    assert build("demo").name == "demo"
    with pytest.raises(ValueError, match="demo, national"):
        build("nope")
