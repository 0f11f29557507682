"""The peer benchmark's comparison (benchmarks/peer/questions.py): a hub answer and a PostGraphile
answer that say the same thing normalise to equal values, and a difference in any figure is found.
Hand-made answers: the benchmark itself (which installs PostgreSQL and PostGraphile) is not run here."""

from __future__ import annotations

import copy
from typing import Any

from benchmarks.peer.questions import (
    first_difference,
    normalise_hub_one,
    normalise_hub_other,
    normalise_hub_overview,
    normalise_peer_one,
    normalise_peer_other,
    normalise_peer_overview,
)

HUB_ONE: dict[str, Any] = {"institution": {
    "key": "inst-a", "nameFa": "الف", "nameEn": "A", "kind": "CHARITY",
    "county": {"key": "c-1", "nameEn": "Ahvaz", "province": {"key": "IR-06", "nameEn": "Khuzestan"}},
    "services": {"edges": [{"capacity": 5, "node": {"key": "svc-b", "nameEn": "B", "domain": "SOCIAL"}},
                           {"capacity": 7, "node": {"key": "svc-a", "nameEn": "A", "domain": "PREVENTION"}}]},
    "giving": {"amount": "12000000000000000001", "count": 2, "counterparts": 1, "firstDate": "2021-04-18",
               "lastDate": "2025-12-30"},
    "donations": {"nodes": [
        {"key": "don-2", "amount": "2", "date": "2025-12-30", "purpose": None, "donor": {"key": "donor-1"}},
        {"key": "don-1", "amount": "11999999999999999999", "date": "2021-04-18", "purpose": "x",
         "donor": {"key": "donor-1"}}]},
}}
PEER_ONE: dict[str, Any] = {"institutionByKey": {
    "key": "inst-a", "nameFa": "الف", "nameEn": "A", "kind": "CHARITY",
    "countyByCountyKey": {"key": "c-1", "nameEn": "Ahvaz",
                          "provinceByProvinceKey": {"key": "IR-06", "nameEn": "Khuzestan"}},
    "offersByInstitutionKeyList": [
        {"capacity": 7, "serviceByServiceKey": {"key": "svc-a", "nameEn": "A", "domain": "PREVENTION"}},
        {"capacity": 5, "serviceByServiceKey": {"key": "svc-b", "nameEn": "B", "domain": "SOCIAL"}}],
    "giving": {"amount": "12000000000000000001", "count": 2, "counterparts": 1, "firstDate": "2021-04-18",
               "lastDate": "2025-12-30"},
    "donationsByInstitutionKeyList": [
        {"key": "don-2", "amount": "2", "date": "2025-12-30", "purpose": None, "donorByDonorKey": {"key": "donor-1"}},
        {"key": "don-1", "amount": "11999999999999999999", "date": "2021-04-18", "purpose": "x",
         "donorByDonorKey": {"key": "donor-1"}}],
}}


def test_one_institution_answers_that_agree_normalise_equal() -> None:
    assert first_difference(normalise_hub_one(HUB_ONE), normalise_peer_one(PEER_ONE)) is None


def test_a_different_figure_or_order_is_found() -> None:
    changed = copy.deepcopy(PEER_ONE)
    changed["institutionByKey"]["giving"]["amount"] = "12000000000000000000"  # one rial less, past 2^53
    assert first_difference(normalise_hub_one(HUB_ONE), normalise_peer_one(changed)) == \
        ".giving.amount: hub 12000000000000000001, peer 12000000000000000000"
    reordered = copy.deepcopy(PEER_ONE)
    reordered["institutionByKey"]["donationsByInstitutionKeyList"].reverse()  # the latest first is the question
    assert first_difference(normalise_hub_one(HUB_ONE), normalise_peer_one(reordered)) is not None
    shorter = copy.deepcopy(PEER_ONE)
    shorter["institutionByKey"]["offersByInstitutionKeyList"].pop()
    assert first_difference(normalise_hub_one(HUB_ONE), normalise_peer_one(shorter)) == \
        ".services: 2 items on the hub, 1 on the peer"


def test_overview_sections_compare_in_any_order() -> None:
    hub = {"overview": {
        "institutionsByKind": [{"kind": "NGO", "count": 3}, {"kind": "CHARITY", "count": 0}],
        "services": [{"service": {"key": "svc-a", "nameEn": "A", "domain": "SOCIAL"}, "institutions": 2,
                      "capacity": 9}],
        "serviceDomains": [{"domain": "SOCIAL", "institutions": 2, "capacity": 9}],
        "donations": {"years": [{"year": 1402, "amount": "5", "donations": 1, "donors": 1},
                                {"year": 1401, "amount": "7", "donations": 2, "donors": 1}]},
    }}
    peer = {
        "overviewInstitutionsByKindList": [{"kind": "CHARITY", "count": 0}, {"kind": "NGO", "count": 3}],
        "overviewServicesList": [{"serviceKey": "svc-a", "nameEn": "A", "domain": "SOCIAL", "institutions": 2,
                                  "capacity": 9}],
        "overviewServiceDomainsList": [{"domain": "SOCIAL", "institutions": 2, "capacity": 9}],
        "overviewDonationYearsList": [{"year": 1401, "amount": "7", "donations": 2, "donors": 1},
                                      {"year": 1402, "amount": "5", "donations": 1, "donors": 1}],
    }
    assert first_difference(normalise_hub_overview(hub), normalise_peer_overview(peer)) is None
    peer["overviewDonationYearsList"][0]["donors"] = 2
    assert first_difference(normalise_hub_overview(hub), normalise_peer_overview(peer)) == \
        ".years[0].donors: hub 1, peer 2"


def test_the_fourth_questions_answers_compare_in_order() -> None:
    hub: dict[str, Any] = {"events": {"totalCount": 2, "nodes": [
        {"key": "ev-1", "nameEn": "Station", "kind": "ARBAEEN_STATION", "place": {"key": "c-1", "nameFa": "رشت"}},
        {"key": "ev-2", "nameEn": "Session", "kind": "COUNCIL_SESSION", "place": None}]},
        "institutions": {"nodes": [{"key": "inst-a", "nameFa": "الف", "county": {"key": "c-1", "nameFa": "رشت"}}]}}
    peer: dict[str, Any] = {"allEvents": {"totalCount": 2, "nodes": [
        {"key": "ev-1", "nameEn": "Station", "kind": "ARBAEEN_STATION",
         "countyByCountyKey": {"key": "c-1", "nameFa": "رشت"}},
        {"key": "ev-2", "nameEn": "Session", "kind": "COUNCIL_SESSION", "countyByCountyKey": None}]},
        "allInstitutions": {"nodes": [{"key": "inst-a", "nameFa": "الف",
                                       "countyByCountyKey": {"key": "c-1", "nameFa": "رشت"}}]}}
    assert first_difference(normalise_hub_other(hub), normalise_peer_other(peer)) is None
    peer["allEvents"]["nodes"].reverse()  # the page's order is the question's
    assert first_difference(normalise_hub_other(hub), normalise_peer_other(peer)) == \
        ".eventNodes[0].county: hub {'key': 'c-1', 'nameFa': 'رشت'}, peer None"
