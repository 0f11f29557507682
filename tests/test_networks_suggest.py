"""Donor suggestions on hand-made scopes with known answers, and invariants on a generated one."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

import pytest

from graph_model.errors import HubError, NotFound, ValidationFailed
from graph_model.networks.neighbours import great_circle_km, province_neighbours
from graph_model.networks.projections import GivingEdge, Membership, project_donors
from graph_model.networks.scope import CountyInfo, InstitutionInfo, NetworkScope, ScopeData
from graph_model.networks.suggest import (
    DEFAULT_WEIGHTS, EVIDENCE, Reason, ReasonKind, Suggestion, SuggestionWeights, suggest_donors)

# Three provinces in a row, west to east: A - B - C (two counties each, half a degree apart).
LAYOUT = {key: CountyInfo(key, key[0].upper(), 35.0, lon) for key, lon in
          (("a1", 50.0), ("a2", 50.5), ("b1", 51.0), ("b2", 51.5), ("c1", 52.0), ("c2", 52.5))}

Seat = tuple[str, str, str]  # (council, kind, member)


def scope(institutions: dict[str, tuple[str, Iterable[str]]], gifts: Iterable[tuple[str, str, int]],
          seats: Iterable[Seat] = (), based: dict[str, str] | None = None) -> ScopeData:
    """``institutions``: key -> (county, services); the province comes from ``LAYOUT``."""
    infos = {k: InstitutionInfo(k, c, LAYOUT[c].province, tuple(sorted(s))) for k, (c, s) in institutions.items()}
    return ScopeData(NetworkScope(), infos, tuple(GivingEdge(d, i, a) for d, i, a in gifts),
                     tuple(Membership(m, kind, c) for c, kind, m in seats), (), based or {}, LAYOUT)


def by_donor(suggestions: tuple[Suggestion, ...]) -> dict[str, Suggestion]:
    return {s.donor: s for s in suggestions}


def kinds(suggestion: Suggestion) -> list[ReasonKind]:
    return [r.kind for r in suggestion.reasons]


def reason(suggestion: Suggestion, kind: ReasonKind) -> Reason:
    return next(r for r in suggestion.reasons if r.kind is kind)


# --- neighbouring provinces -------------------------------------------------------------------

def test_provinces_in_a_row_neighbour_only_the_next_one() -> None:
    assert province_neighbours(LAYOUT) == {"A": {"B"}, "B": {"A", "C"}, "C": {"B"}}


def test_neighbours_are_symmetric_and_skip_counties_without_coordinates() -> None:
    counties = {**LAYOUT, "x1": CountyInfo("x1", "X", None, None), "a3": CountyInfo("a3", "A", None, 50.2)}
    found = province_neighbours(counties, k=1)
    assert "X" not in found and all("X" not in n for n in found.values())
    assert all(p in found[q] for p, ns in found.items() for q in ns)
    assert province_neighbours(counties, k=5)["A"] == {"B", "C"}  # a larger k reaches further


def test_great_circle_distance_and_k_must_be_positive() -> None:
    assert great_circle_km(35.0, 51.0, 36.0, 51.0) == pytest.approx(111.195, abs=1e-3)  # a degree of meridian
    with pytest.raises(ValidationFailed) as raised:
        province_neighbours(LAYOUT, k=0)
    assert [e.field for e in raised.value.errors] == ["k"]


# --- the reasons -------------------------------------------------------------------------------

def test_a_donor_funding_the_same_service_ranks_above_one_who_does_not() -> None:
    data = scope({"X": ("a1", ["S"]), "Y": ("c1", ["S"]), "Z": ("c1", ["T"])},
                 [("d0", "X", 5), ("ds", "Y", 10), ("dt", "Z", 10)], based={"ds": "B", "dt": "B"})
    found = suggest_donors(data, institution="X")
    assert [s.donor for s in found] == ["ds", "dt"]
    service = reason(found[0], ReasonKind.SAME_SERVICE)
    assert service.score == pytest.approx(0.75)  # all its giving to one such institution: (1 + 1/2) / 2
    assert service.evidence == ("Y",)
    assert service.detail == "funds 1 institution offering S (1 gift, 100% of its giving)"
    assert kinds(found[1]) == [ReasonKind.NEIGHBOURING_PROVINCE]


def test_service_score_counts_share_and_breadth() -> None:
    # one institution offering S among the ten the donor funds equally: (0.1 + 1/2) / 2
    places = {f"i{n}": ("c1", ["S"] if n == 0 else ["T"]) for n in range(10)}
    data = scope({"X": ("a1", ["S"]), **places}, [("d0", "X", 1), *(("d", f"i{n}", 7) for n in range(10))])
    found = reason(suggest_donors(data, institution="X")[0], ReasonKind.SAME_SERVICE)
    assert found.score == pytest.approx(0.3)
    assert found.detail == "funds 1 institution offering S (1 gift, 10% of its giving)"


def test_a_donor_on_the_institutions_councils_gets_shared_council_with_the_councils_as_evidence() -> None:
    persons = [("K", "Person", f"p{n}") for n in range(3)] + [("K2", "Person", f"q{n}") for n in range(8)]
    data = scope({"X": ("a1", []), "Z": ("c1", [])}, [("d0", "X", 5), ("dk", "Z", 5), ("do", "Z", 5)],
                 seats=[("K", "Institution", "X"), ("K", "Donor", "dk"), ("K2", "Institution", "X"),
                        ("K2", "Donor", "dk"), ("L", "Institution", "Z"), ("L", "Donor", "do"), *persons])
    found = suggest_donors(data, institution="X")
    assert [s.donor for s in found] == ["dk"]  # "do" sits on a council, but not one of X's
    council = reason(found[0], ReasonKind.SHARED_COUNCIL)
    assert council.evidence == ("K", "K2")  # the smaller council first
    assert council.score == pytest.approx(1 - (1 - 1 / 2) * (1 - 1 / 3))  # 5 members: 1/2; 10 members: 1/3
    assert council.detail == "sits on 2 councils with the institution: K (5 members), K2 (10 members)"
    assert found[0].score == pytest.approx(DEFAULT_WEIGHTS.shared_council * council.score)


def test_same_province_takes_precedence_over_a_neighbouring_one() -> None:
    data = scope({"X": ("a1", []), "Ya": ("a2", []), "Yb": ("b1", []), "Yc": ("c1", [])},
                 [("d0", "X", 1), ("home", "Ya", 3), ("home", "Yb", 1), ("near", "Yb", 1), ("far", "Yc", 1),
                  ("based", "Yc", 1), ("nb", "Yc", 1)], based={"based": "A", "nb": "B"})
    found = suggest_donors(data, institution="X")
    assert [s.donor for s in found] == ["based", "home", "nb", "near"]  # "far" gives only in C
    found_by = by_donor(found)
    assert [(r.kind, r.score, r.evidence) for r in found_by["home"].reasons] == [
        (ReasonKind.SAME_PROVINCE, 0.875, ("Ya",))]  # 0.5 + 0.5 * 3/4 of its giving
    assert found_by["home"].reasons[0].detail == "funds 1 institution in province A (75% of its giving)"
    assert found_by["based"].reasons[0].detail == "is based in province A"
    assert found_by["based"].reasons[0].evidence == ("A",)
    assert kinds(found_by["near"]) == kinds(found_by["nb"]) == [ReasonKind.NEIGHBOURING_PROVINCE]
    assert found_by["nb"].reasons[0].detail == "is based in neighbouring province B"
    assert found_by["near"].reasons[0].detail == "funds 1 institution in neighbouring province B (100% of its giving)"


def test_current_donors_are_never_suggested() -> None:
    data = scope({"X": ("a1", ["S"]), "Y": ("a2", ["S"])}, [("d0", "X", 5), ("d0", "Y", 5), ("d1", "Y", 5)],
                 seats=[("K", "Institution", "X"), ("K", "Donor", "d0")], based={"d0": "A"})
    assert [s.donor for s in suggest_donors(data, institution="X")] == ["d1"]


def test_the_co_funding_reason_finds_a_donor_two_hops_away_and_not_a_disconnected_one() -> None:
    # d0 funds X (the institution) and Y; d2 funds Y too; d3 only co-funds Z with d2; d4 is alone on W
    data = scope({"X": ("a1", []), "Y": ("c1", []), "Z": ("c2", []), "W": ("c2", [])},
                 [("d0", "X", 1), ("d0", "Y", 1), ("d2", "Y", 1), ("d2", "Z", 1), ("d3", "Z", 1), ("d4", "W", 1)])
    found = suggest_donors(data, institution="X")
    assert [s.donor for s in found] == ["d2"]
    tie = reason(found[0], ReasonKind.CO_FUNDING)
    assert tie.evidence == ("d0",)
    assert tie.score == pytest.approx(0.5)  # tie 1 (Y has two donors) of its 2: (1/2 + 1/(1+1)) / 2
    assert tie.detail == ("funds the same institutions as 1 of the 1 current donors of the institution "
                          "(tie weight 1.00, 50% of its co-funding ties)")


def test_the_gap_form_excludes_donors_already_funding_the_service_in_the_county() -> None:
    data = scope({"X": ("a1", ["S"]), "Y": ("a1", ["T"]), "Q": ("c2", []), "W": ("c1", ["S"]),
                  "Z": ("a2", ["S"]), "V": ("c2", ["U"])},
                 [("d0", "X", 5), ("d0", "Q", 5), ("d1", "Y", 5), ("d2", "W", 5), ("d3", "Z", 5), ("d4", "Q", 5),
                  ("dk", "V", 5)],
                 seats=[("K", "Institution", "Y"), ("K", "Donor", "dk")])
    found = by_donor(suggest_donors(data, service="S", county="a1"))
    assert set(found) == {"d1", "d2", "d3", "d4", "dk"}  # d0 already funds S in a1
    assert kinds(found["d1"]) == [ReasonKind.SAME_PROVINCE]  # funds T in a1: not excluded
    assert kinds(found["d2"]) == [ReasonKind.SAME_SERVICE]  # S, but in C (not a neighbour of A)
    assert kinds(found["d3"]) == [ReasonKind.SAME_SERVICE, ReasonKind.SAME_PROVINCE]  # S elsewhere in A
    council = reason(found["dk"], ReasonKind.SHARED_COUNCIL)
    assert council.evidence == ("K",)
    assert council.detail == "sits on 1 council with institutions of county a1: K (2 members)"
    tie = reason(found["d4"], ReasonKind.CO_FUNDING)
    assert tie.evidence == ("d0",) and "current donors of S in county a1" in tie.detail


def test_a_gap_nobody_fills_still_gets_suggestions() -> None:
    data = scope({"Y": ("c1", ["S"])}, [("d1", "Y", 5)])
    assert [(s.donor, kinds(s)) for s in suggest_donors(data, service="S", county="a1")] == [
        ("d1", [ReasonKind.SAME_SERVICE])]
    assert suggest_donors(data, service="unknown", county="a1") == ()  # a service nobody offers: no reasons


def test_weights_change_the_order() -> None:
    council = [("K", "Institution", "X"), ("K", "Donor", "dc"), *(("K", "Person", f"p{n}") for n in range(3))]
    data = scope({"X": ("a1", ["S"]), "Y": ("c1", ["S"]), "Z": ("c2", [])},
                 [("d0", "X", 1), ("ds", "Y", 1), ("dc", "Z", 1)], seats=council)
    assert [(s.donor, s.score) for s in suggest_donors(data, institution="X")] == [("ds", 0.75), ("dc", 0.375)]
    favour_councils = SuggestionWeights(same_service=0.25)
    assert [(s.donor, s.score) for s in suggest_donors(data, institution="X", weights=favour_councils)] == [
        ("dc", 0.375), ("ds", 0.1875)]
    no_councils = SuggestionWeights(shared_council=0.0)
    assert [s.donor for s in suggest_donors(data, institution="X", weights=no_councils)] == ["ds"]


def test_ties_are_broken_by_donor_key_and_limit_cuts_the_list() -> None:
    data = scope({"X": ("a1", ["S"]), **{f"Y{n}": ("c1", ["S"]) for n in range(5)}},
                 [("d0", "X", 1), *((f"e{4 - n}", f"Y{n}", 1) for n in range(5))])
    assert [s.donor for s in suggest_donors(data, institution="X")] == ["e0", "e1", "e2", "e3", "e4"]
    assert [s.donor for s in suggest_donors(data, institution="X", limit=2)] == ["e0", "e1"]


DATA = scope({"X": ("a1", ["S"])}, [("d0", "X", 1)])


@pytest.mark.parametrize(("arguments", "error", "fields"), [
    ({"institution": "X", "service": "S"}, ValidationFailed, ["service"]),
    ({"institution": "X", "service": "S", "county": "a1"}, ValidationFailed, ["service", "county"]),
    ({}, ValidationFailed, ["institution"]),
    ({"service": "S"}, ValidationFailed, ["county"]),
    ({"county": "a1"}, ValidationFailed, ["service"]),
    ({"institution": "nope"}, NotFound, ["institution"]),
    ({"service": "S", "county": "nope"}, NotFound, ["county"]),
    ({"institution": "X", "limit": 0}, ValidationFailed, ["limit"]),
])
def test_wrong_arguments_raise_an_error_naming_the_argument(arguments: dict[str, object], error: type[HubError],
                                                            fields: list[str]) -> None:
    with pytest.raises(HubError) as raised:
        suggest_donors(DATA, **arguments)  # type: ignore[arg-type]
    assert type(raised.value) is error
    assert [e.field for e in raised.value.errors] == fields


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_weights_must_be_finite_and_not_negative(bad: float) -> None:
    with pytest.raises(ValidationFailed) as raised:
        SuggestionWeights(co_funding=bad)
    assert [e.field for e in raised.value.errors] == ["weights.co_funding"]


# --- a generated scope -------------------------------------------------------------------------

def random_scope(seed: int) -> ScopeData:
    """Seven provinces of four located counties (and one without coordinates), 150 institutions,
    2,000 gifts from 400 donors with skewed popularity (a few donors fund many institutions),
    councils mixing institutions, donors and persons."""
    rng = random.Random(seed)
    counties = {f"k{n:02d}": CountyInfo(f"k{n:02d}", f"P{n % 7}", rng.uniform(25, 39), rng.uniform(44, 63))
                for n in range(28)}
    counties["k99"] = CountyInfo("k99", "P7", None, None)
    services = [f"S{n}" for n in range(8)]
    institutions = {}
    for n in range(150):
        county = rng.choice(sorted(counties))
        institutions[f"i{n:03d}"] = InstitutionInfo(f"i{n:03d}", county, counties[county].province,
                                                    tuple(sorted(rng.sample(services, rng.randint(0, 3)))))
    donors = [f"d{n:03d}" for n in range(400)]
    keys = sorted(institutions)
    gifts = tuple(GivingEdge(d, rng.choice(keys), rng.choice([0, rng.randint(1, 10**6)]), rng.randint(1, 4))
                  for d in rng.choices(donors, [1 / (n + 1) for n in range(len(donors))], k=2000))
    givers = sorted({g.donor for g in gifts})
    seats = [Membership(m, kind, f"c{n:02d}") for n in range(20)
             for kind, pool, size in (("Institution", keys, rng.randint(1, 4)), ("Donor", givers, rng.randint(0, 5)),
                                      ("Person", [f"p{k}" for k in range(30)], rng.randint(0, 3)))
             for m in rng.sample(pool, size)]
    based = {d: f"P{rng.randrange(8)}" for d in givers if rng.random() < 0.5}
    return ScopeData(NetworkScope(), institutions, gifts, tuple(seats), (), based, counties)


def current_donors(data: ScopeData, institution: str | None, service: str | None, county: str | None) -> set[str]:
    if institution is not None:
        return {g.donor for g in data.edges if g.institution == institution}
    offering = {k for k, i in data.institutions.items() if i.county == county and service in i.services}
    return {g.donor for g in data.edges if g.institution in offering}


def expected_co_funding(data: ScopeData, current: set[str]) -> dict[str, float]:
    """The co-funding score from networkx-free first principles: ``project_donors``' collaboration
    weights summed over the current donors, against the donor's strength."""
    projection = project_donors(data.giving)
    scores = {}
    for donor in {g.donor for g in data.edges} - current:
        links = projection.links_of(donor)
        tie = sum(e.giving_weight for e in links if (e.b if e.a == donor else e.a) in current)
        strength = sum(e.giving_weight for e in links)
        if tie > 0:
            scores[donor] = (tie / strength + tie / (tie + 1)) / 2
    return scores


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_scope_keeps_the_invariants(seed: int) -> None:
    data = random_scope(seed)
    funded = sorted({g.institution for g in data.edges})
    questions = [{"institution": k} for k in funded[:6]]
    questions += [{"institution": k} for k in sorted(set(data.institutions) - set(funded))[:2]]
    questions += [{"service": f"S{n}", "county": c} for n, c in ((0, "k00"), (3, "k05"), (5, "k99"))]
    weights = [DEFAULT_WEIGHTS, SuggestionWeights(same_province=0.0, co_funding=2.0)]
    seen_reasons: set[ReasonKind] = set()
    for question in questions:
        current = current_donors(data, question.get("institution"), question.get("service"), question.get("county"))
        co_funding = expected_co_funding(data, current)
        for weight in weights:
            found = suggest_donors(data, **question, limit=10_000, weights=weight)
            assert [(-s.score, s.donor) for s in found] == sorted((-s.score, s.donor) for s in found)
            assert not current & {s.donor for s in found}
            assert suggest_donors(data, **question, limit=7, weights=weight) == found[:7]
            for s in found:
                assert 0 < s.score <= weight.total + 1e-9
                assert s.score == pytest.approx(sum(weight.of(r.kind) * r.score for r in s.reasons))
                contributions = [weight.of(r.kind) * r.score for r in s.reasons]
                assert contributions == sorted(contributions, reverse=True) and all(c > 0 for c in contributions)
                assert all(0 < r.score <= 1 and r.detail and len(r.evidence) <= EVIDENCE for r in s.reasons)
                assert not {ReasonKind.SAME_PROVINCE, ReasonKind.NEIGHBOURING_PROVINCE} <= set(kinds(s))
                seen_reasons.update(kinds(s))
            tied = {s.donor: reason(s, ReasonKind.CO_FUNDING).score for s in found
                    if ReasonKind.CO_FUNDING in kinds(s)}
            assert tied == pytest.approx(co_funding)
    assert seen_reasons == set(ReasonKind)


def test_suggestions_do_not_depend_on_the_order_of_the_rows() -> None:
    data = random_scope(3)
    shuffled = list(data.edges)
    random.Random(0).shuffle(shuffled)
    again = ScopeData(data.scope, data.institutions, tuple(shuffled), tuple(reversed(data.memberships)), (),
                      data.donor_provinces, data.counties)
    institution = data.edges[0].institution
    assert suggest_donors(again, institution=institution) == suggest_donors(data, institution=institution)
    assert suggest_donors(again, service="S1", county="k03") == suggest_donors(data, service="S1", county="k03")
