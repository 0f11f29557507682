"""The ranking end to end through the generated client, against scores worked out by hand.

As of 2026-01-01, in Khuzestan's county IR-01-0001 (ages are whole years, so recency weights are
0.5^0 = 1, 0.5^1 = 0.5 and 0.5^2 = 0.25; level weights: office and EXPERT 1.0, GUILD and STAKEHOLDER
0.6, SELF 0.3):

    institution  assessments (level score date: weight)             W     score                 conf.   grade
    r-alpha      COUNTY 80 2026-01-01: 1.0; SELF 100 2026-01-01: 0.3  1.3  (80+30)/1.3 = 84.6    MEDIUM  B
    r-beta       GUILD 60 2024-01-02: 0.6x0.25 = 0.15;                1.65 (9+45+70)/1.65 = 75.2 MEDIUM  B
                 PROVINCIAL 90 2025-01-01: 0.5; EXPERT 70 2026-01-01: 1.0
    r-delta      STAKEHOLDER 70 2026-01-01: 0.6                       0.6  70.0                  LOW     B
    r-epsilon    COUNTY 70 2025-01-01: 0.5                            0.5  70.0                  LOW     B
    r-gamma      COUNTY 40, NATIONAL 40, SELF 95, all 2026-01-01:     2.3  (40+40+28.5)/2.3      HIGH    D
                 1.0, 1.0, 0.3                                             = 47.2
    r-future     COUNTY 90 on 2026-02-01 (after asOf: ignored)        0    none                  NONE    -
    r-none       nothing                                              0    none                  NONE    -

Disagreement (latest self more than 20 above the weighted office mean): r-gamma (95 vs 40: 55), not
r-alpha (100 vs 80: exactly 20). Ranks: r-alpha 1, r-beta 2, r-delta 3, r-epsilon 3 (a tie shares its
rank; ties go by key), r-gamma 5, then r-future and r-none with no rank, in key order. r-gamma is a
RESIDENTIAL_CARE centre; r-alpha alone offers svc-x. Markazi's m-one (COUNTY 99) is outside Khuzestan.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph_model.enums import Label
from graph_model.mutations import create_node, offer_service
from hub_client.enums import InstitutionKind
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from tests.builders import names
from tests.supervision_world import assess, build_map, client, codes, institution

AS_OF = "2026-01-01"
EXPECTED = [  # key, rank, score, confidence, grade, total weight, disagreement
    ("r-alpha", 1, 84.6, "MEDIUM", "B", 1.3, False),
    ("r-beta", 2, 75.2, "MEDIUM", "B", 1.65, False),
    ("r-delta", 3, 70.0, "LOW", "B", 0.6, False),
    ("r-epsilon", 3, 70.0, "LOW", "B", 0.5, False),
    ("r-gamma", 5, 47.2, "HIGH", "D", 2.3, True),
    ("r-future", None, None, "NONE", None, 0.0, False),
    ("r-none", None, None, "NONE", None, 0.0, False),
]


async def build_ranking_world(store: Any) -> None:
    await build_map(store)
    for key in ("r-alpha", "r-beta", "r-delta", "r-epsilon", "r-future", "r-none"):
        await institution(store, key)
    await institution(store, "r-gamma", kind="RESIDENTIAL_CARE")
    await institution(store, "m-one", county="IR-00-0001")
    await create_node(store, Label.SERVICE, {"key": "svc-x", "domain": "SOCIAL", **names("X")})
    await offer_service(store, "r-alpha", "svc-x", capacity=10)
    for key, inst, level, score, date in (
            ("a1", "r-alpha", "COUNTY", 80, AS_OF), ("a2", "r-alpha", "SELF", 100, AS_OF),
            ("b1", "r-beta", "GUILD", 60, "2024-01-02"), ("b2", "r-beta", "PROVINCIAL", 90, "2025-01-01"),
            ("b3", "r-beta", "EXPERT", 70, AS_OF),
            ("d1", "r-delta", "STAKEHOLDER", 70, AS_OF), ("e1", "r-epsilon", "COUNTY", 70, "2025-01-01"),
            ("g1", "r-gamma", "COUNTY", 40, AS_OF), ("g2", "r-gamma", "NATIONAL", 40, AS_OF),
            ("g3", "r-gamma", "SELF", 95, AS_OF), ("f1", "r-future", "COUNTY", 90, "2026-02-01"),
            ("m1", "m-one", "COUNTY", 99, AS_OF)):
        await assess(store, key, inst, level, score, date)


@pytest.fixture
async def world(store: Any) -> Any:
    await build_ranking_world(store)
    return store


def row(node: Any) -> tuple[Any, ...]:
    return (node.key, node.rank, node.score, node.confidence.value, node.grade.value if node.grade else None,
            round(node.total_weight, 6), node.disagreement)


async def test_ranking_equals_the_hand_worked_scores(world: Any) -> None:
    async with client(world) as api:
        ranking = (await api.institution_ranking(scope="IR-01", as_of=AS_OF, first=20)).institution_ranking
    assert ranking.total_count == 7
    assert [row(e.node) for e in ranking.edges] == EXPECTED
    alpha = ranking.edges[0].node
    assert [(c.assessment, c.level.value, c.weight, round(c.share, 4)) for c in alpha.contributions] == [
        ("a1", "COUNTY", 1.0, round(1 / 1.3, 4)), ("a2", "SELF", 0.3, round(0.3 / 1.3, 4))]
    assert alpha.contributions[0].date_jalali == "1404/10/11"
    beta = ranking.edges[1].node
    assert [(c.assessment, c.weight) for c in beta.contributions] == [("b1", 0.15), ("b2", 0.5), ("b3", 1.0)]
    gamma = ranking.edges[4].node
    assert (gamma.latest_self_score, gamma.office_score) == (95.0, 40.0)
    assert ranking.edges[5].node.contributions == []  # the future assessment is not used
    assert not ranking.page_info.has_next_page


async def test_pages_cross_the_tie_without_loss_or_repeat(world: Any) -> None:
    async with client(world) as api:
        first = (await api.institution_ranking(scope="IR-01", as_of=AS_OF, first=3)).institution_ranking
        assert [(e.node.key, e.node.rank) for e in first.edges] == [("r-alpha", 1), ("r-beta", 2), ("r-delta", 3)]
        assert first.page_info.has_next_page and first.total_count == 7
        rest = (await api.institution_ranking(scope="IR-01", as_of=AS_OF, first=3,
                                              after=first.page_info.end_cursor)).institution_ranking
        assert [(e.node.key, e.node.rank) for e in rest.edges] == [("r-epsilon", 3), ("r-gamma", 5),
                                                                   ("r-future", None)]
        assert rest.page_info.has_previous_page and rest.page_info.has_next_page
        last = (await api.institution_ranking(scope="IR-01", as_of=AS_OF, first=3,
                                              after=rest.page_info.end_cursor)).institution_ranking
        assert [e.node.key for e in last.edges] == ["r-none"] and not last.page_info.has_next_page
        with pytest.raises(GraphQLClientGraphQLMultiError) as bad:
            await api.institution_ranking(scope="IR-01", as_of=AS_OF, after="not-a-cursor")
        assert codes(bad.value) == {"VALIDATION_FAILED"}


async def test_kind_service_and_as_of_narrow_the_ranking(world: Any) -> None:
    async with client(world) as api:
        residential = (await api.institution_ranking(scope="IR-01", as_of=AS_OF,
                                                     kind=InstitutionKind.RESIDENTIAL_CARE)).institution_ranking
        assert [(e.node.key, e.node.rank) for e in residential.edges] == [("r-gamma", 1)]
        offering = (await api.institution_ranking(scope="IR-01-0001", as_of=AS_OF, service="svc-x")).institution_ranking
        assert [e.node.key for e in offering.edges] == ["r-alpha"]
        later = (await api.institution_ranking(scope="IR-01", as_of="2026-02-01")).institution_ranking
        future = next(e.node for e in later.edges if e.node.key == "r-future")
        assert (future.score, future.confidence.value) == (90.0, "MEDIUM")  # counted from its day: W = 1.0
        with pytest.raises(GraphQLClientGraphQLMultiError) as unknown:
            await api.institution_ranking(scope="IR-01", service="svc-nothing")
        assert codes(unknown.value) == {"NOT_FOUND"}
        with pytest.raises(GraphQLClientGraphQLMultiError) as nowhere:
            await api.institution_ranking(scope="IR-99")
        assert codes(nowhere.value) == {"NOT_FOUND"}


async def test_access_viewer_refused_scoped_supervisor_narrowed(world: Any) -> None:
    async with client(world, role="viewer") as api:
        with pytest.raises(GraphQLClientGraphQLMultiError) as refused:
            await api.institution_ranking(scope="IR-01")
        assert codes(refused.value) == {"FORBIDDEN"}
    async with client(world, provinces=["IR-01"]) as api:
        mine = (await api.institution_ranking(as_of=AS_OF)).institution_ranking
        assert mine.total_count == 7 and "m-one" not in {e.node.key for e in mine.edges}
        with pytest.raises(GraphQLClientGraphQLMultiError) as other:
            await api.institution_ranking(scope="IR-00")
        assert codes(other.value) == {"FORBIDDEN"}
        with pytest.raises(GraphQLClientGraphQLMultiError) as other_county:
            await api.institution_ranking(scope="IR-00-0001")
        assert codes(other_county.value) == {"FORBIDDEN"}
    async with client(world, role="admin") as api:
        everything = (await api.institution_ranking(as_of=AS_OF)).institution_ranking
        assert everything.edges[0].node.key == "m-one" and everything.total_count == 8
