"""Collaboration networks end to end: the generated client on the ASGI app over a hand-made graph
with known answers (two cliques of institutions joined by one bridging donor).

Giving (all in Markazi, IR-00):
    donors dA, dA2 fund a1, a2, a3     donors dB, dB2 fund b1, b2, b3     donor dX funds a3 and b1 (in 1402)
so the institution projection (Newman) is two triangles (edges 1/2 + 1/2) and the bridge a3-b1
(weight 1): a3 and b1 carry every path between the triangles. Institution z has no donor, partner
or seat; dY gives to b2 and sits on a council with a1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from strawberry.relay import to_base64

from graph_model.enums import Label
from graph_model.mutations import add_member, create_node, offer_service, record_donation
from hub_client import HubClient
from hub_client.enums import CentralityMetric, CommunityAlgorithm, NetworkRelation, ProjectionSide
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from hub_client.input_types import NetworkScopeInput, RecordDonationInput
from tests.asgi import asgi_client
from tests.builders import names

CLIQUE_A, CLIQUE_B = ("a1", "a2", "a3"), ("b1", "b2", "b3")


async def build_network(store: Any) -> None:
    await create_node(store, Label.PROVINCE, {"key": "IR-00", **names("Markazi")})
    await create_node(store, Label.PROVINCE, {"key": "IR-01", **names("Khuzestan")})
    for key, province, lat, lon in (("IR-00-0001", "IR-00", 34.0, 49.7), ("IR-00-0002", "IR-00", 34.1, 50.0),
                                    ("IR-01-0001", "IR-01", 31.3, 48.7)):
        await create_node(store, Label.COUNTY, {"key": key, "province": province, "lat": lat, "lon": lon,
                                                **names(key)})
    await create_node(store, Label.TARGET_GROUP, {"key": "tg-elderly", **names("Elderly")})
    for svc in ("svc-care", "svc-skills"):
        await create_node(store, Label.SERVICE, {"key": svc, "domain": "SOCIAL", "targetGroups": ["tg-elderly"],
                                                 **names(svc)})
    for key in (*CLIQUE_A, *CLIQUE_B, "z"):
        county = "IR-00-0002" if key.startswith("b") else "IR-00-0001"
        await create_node(store, Label.INSTITUTION, {"key": key, "kind": "CHARITY", "county": county,
                                                     **names(f"Institution {key}")})
    for key in ("dA", "dA2", "dB", "dB2", "dX", "dY"):
        await create_node(store, Label.DONOR, {"key": key, "kind": "COMPANY", "province": "IR-00",
                                               **names(f"Donor {key}")})
    for donor, clique in (("dA", CLIQUE_A), ("dA2", CLIQUE_A), ("dB", CLIQUE_B), ("dB2", CLIQUE_B)):
        for i in clique:
            await record_donation(store, donor=donor, institution=i, amount=1_000, date="2024-05-01")
    for i in ("a3", "b1"):  # 1402 (21 March 2023 - 19 March 2024)
        await record_donation(store, donor="dX", institution=i, amount=5_000, date="2023-06-01")
    await record_donation(store, donor="dY", institution="b2", amount=700, date="2024-06-01")
    for i in ("a1", "a2", "b1"):
        await offer_service(store, i, "svc-care", capacity=10)
    await create_node(store, Label.COUNCIL, {"key": "council-1", "kind": "PARTICIPATION_COUNCIL",
                                             "level": "PROVINCIAL", "provinces": ["IR-00"], **names("Council")})
    await add_member(store, "council-1", donor="dY")
    await add_member(store, "council-1", institution="a1")


@pytest.fixture
async def net(store: Any) -> AsyncIterator[tuple[HubClient, Any]]:
    await build_network(store)
    async with asgi_client(store) as http:
        yield HubClient(url="http://hub/graphql", http_client=http), store  # type: ignore[arg-type]  # codegen's HttpClient protocol: json by position


async def test_brokers_are_the_bridge_ends(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    found = (await client.brokers(metric=CentralityMetric.BETWEENNESS, first=3)).brokers
    assert found.exact and found.pivots is None and found.sampling_note is None
    assert (found.nodes, found.edges) == (7, 7)  # z counts as a node; two triangles and the bridge
    assert {i.actor.key for i in found.items[:2]} == {"a3", "b1"}
    # a3 lies on the paths from a1, a2 to b1, b2, b3: 6 of the 15 pairs it is not part of.
    assert found.items[0].value == pytest.approx(6 / 15)
    assert found.items[0].actor.name_en == f"Institution {found.items[0].actor.key}"
    constraint = (await client.brokers(metric=CentralityMetric.CONSTRAINT, first=7)).brokers
    assert {i.actor.key for i in constraint.items[:2]} == {"a3", "b1"}  # least constrained: the brokers
    assert "z" not in {i.actor.key for i in constraint.items}  # constraint is undefined without edges


async def test_projection_links_explain_the_bridge(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    p = (await client.network_projection(of="a3")).network_projection
    by_other = {(link.b.key if link.a.key == "a3" else link.a.key): link for link in p.links}
    assert set(by_other) == {"a1", "a2", "b1"}
    assert by_other["b1"].weight == pytest.approx(1.0) and by_other["b1"].shared == 1
    assert (by_other["a1"].giving_weight, by_other["a1"].shared) == pytest.approx((1.0, 2))
    donors = (await client.network_projection(of="dA", projection=ProjectionSide.DONORS)).network_projection
    # dA and dA2 share a1 and a2 (1 each: two donors) and a3 (1/2: three donors); dX shares a3.
    assert [(link.a.key, link.b.key, link.weight) for link in donors.links] == [  # type: ignore[comparison-overlap]
        ("dA", "dA2", pytest.approx(2.5)), ("dA", "dX", pytest.approx(0.5))]


async def test_communities_are_the_cliques(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    for algorithm in (CommunityAlgorithm.LEIDEN, CommunityAlgorithm.LOUVAIN):
        found = (await client.communities(algorithm=algorithm)).communities
        groups = {tuple(m.key for m in c.members) for c in found.communities if c.size > 1}
        assert groups == {CLIQUE_A, CLIQUE_B}
        assert found.modularity > 0.3
        a = next(c for c in found.communities if c.members[0].key == "a1")
        assert [(s.service_key, s.institutions) for s in a.services] == [("svc-care", 2)]
        assert a.donors[0].donor.key == "dX" and a.donors[0].amount == 5_000  # dX gave a3 the most


async def test_shared_donors_and_overlap(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    shared = (await client.shared_donors(institution="a3")).shared_donors
    assert [(o.other.key, o.shared) for o in shared] == [("a1", 2), ("a2", 2), ("b1", 1)]
    overlap = (await client.donor_overlap(institution="a3", other="b1")).donor_overlap
    assert (overlap.shared, overlap.amount_to_institution, overlap.amount_to_other) == (1, 5_000, 5_000)
    assert overlap.jaccard == pytest.approx(1 / 5) and [d.key for d in overlap.donors] == ["dX"]
    none = (await client.donor_overlap(institution="a1", other="b3")).donor_overlap
    assert (none.shared, none.jaccard, none.donors) == (0, 0.0, [])


async def test_window_and_scope(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    year_1403 = NetworkScopeInput(jalaliYear=1403)  # dX's gifts were in 1402: the bridge is gone
    assert (await client.network_projection(of="a3", scope=year_1403)).network_projection.edges == 6
    gifts_1402 = NetworkScopeInput(since="1402/01/01", until="1402/12/29")
    only_x = (await client.network_projection(of="a3", scope=gifts_1402)).network_projection
    assert [(link.a.key, link.b.key) for link in only_x.links] == [("a3", "b1")]
    khuzestan = (await client.isolated_institutions(scope=NetworkScopeInput(province="IR-01")))
    assert khuzestan.isolated_institutions.total_count == 0
    council = await client.brokers(scope=NetworkScopeInput(council="council-1"), metric=CentralityMetric.DEGREE)
    assert council.brokers.nodes == 7  # a provincial council's area is its province


async def test_donor_suggestions_give_reasons(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    found = (await client.donor_suggestions(institution="a1")).donor_suggestions
    by_donor = {s.donor.key: s for s in found}
    assert "dA" not in by_donor  # already gives to a1
    kinds = {r.kind.value for r in by_donor["dX"].reasons}
    assert "CO_FUNDING" in kinds and "SAME_SERVICE" in kinds  # funds b1 (care) and co-funds a3 with dA
    seat = next(r for r in by_donor["dY"].reasons if r.kind.value == "SHARED_COUNCIL")
    assert seat.evidence == ["council-1"]
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    gap = (await client.donor_suggestions(service="svc-care", county="IR-00-0002")).donor_suggestions
    assert "dB" not in {s.donor.key for s in gap}  # already funds care (b1) in that county


async def test_errors_are_clear(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    cases = [
        (client.shared_donors(institution="nope"), "NOT_FOUND"),
        (client.brokers(scope=NetworkScopeInput(province="IR-99")), "NOT_FOUND"),
        (client.brokers(scope=NetworkScopeInput(province="IR-00", council="council-1")), "VALIDATION_FAILED"),
        (client.brokers(scope=NetworkScopeInput(since="2024-01-01", until="2023-01-01")), "VALIDATION_FAILED"),
        (client.donor_suggestions(institution="a1", service="svc-care"), "VALIDATION_FAILED"),
        (client.donor_suggestions(service="svc-nope", county="IR-00-0001"), "NOT_FOUND"),
        (client.brokers(first=0), "VALIDATION_FAILED"),
    ]
    for call, code in cases:
        with pytest.raises(GraphQLClientGraphQLMultiError) as raised:
            await call
        assert (raised.value.errors[0].extensions or {}).get("code") == code, raised.value.errors[0].message


async def test_a_write_invalidates_cached_answers(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    before = await client.isolated_institutions()
    assert [i.key for i in before.isolated_institutions.institutions] == ["z"]
    again = await client.isolated_institutions()  # from the cache: the same answer
    assert again.isolated_institutions.total_count == 1
    written = await client.record_donation(RecordDonationInput(donor="dA", institution="z", amount=10,
                                                               date="2024-07-01"))
    assert written.record_donation.typename__ == "Donation"
    after = await client.isolated_institutions()
    assert after.isolated_institutions.total_count == 0
    brokers = (await client.brokers(metric=CentralityMetric.DEGREE, first=1)).brokers
    assert (brokers.items[0].actor.key, brokers.items[0].value) == ("a3", 4)  # z joined clique A


def gid(label: str, key: str) -> str:
    return to_base64(label, key)


async def test_neighbourhood_ready_to_draw(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    found = (await client.network(center=gid("Donor", "dX"))).network
    assert not found.truncated
    assert [(n.actor.key, n.hop) for n in found.nodes] == [
        ("dX", 0), ("a3", 1), ("b1", 1), ("dA", 2), ("dA2", 2), ("dB", 2), ("dB2", 2)]
    assert found.nodes[0].actor.name_en == "Donor dX" and found.nodes[0].id == found.center
    edges = {(e.source, e.target): e for e in found.edges}
    assert len(edges) == 6
    bridge = edges[(gid("Donor", "dX"), gid("Institution", "a3"))]
    assert (bridge.type_, bridge.amount, bridge.count, bridge.weight) == ("DONATED_TO", 5_000, 1, 1.0)
    cut = (await client.network(center=gid("Donor", "dX"), limit=4)).network
    assert cut.truncated and [n.actor.key for n in cut.nodes] == ["dX", "a3", "b1", "dA"]
    seats = (await client.network(center=gid("Council", "council-1"), depth=1,
                                  relations=[NetworkRelation.COUNCIL_SEATS])).network
    assert sorted(n.actor.key for n in seats.nodes) == ["a1", "council-1", "dY"]
    assert {e.role for e in seats.edges} == {"MEMBER"}


async def test_connection_gives_every_shortest_path(net: tuple[HubClient, Any]) -> None:
    client, _ = net
    found = (await client.connection(source=gid("Institution", "a1"), target=gid("Institution", "b3"),
                                     max_hops=6)).connection
    assert found.hops == 5  # a1 - council-1 - dY - b2 - dB (or dB2) - b3
    assert [[n.actor.key for n in p.nodes] for p in found.paths] == [
        ["a1", "council-1", "dY", "b2", "dB", "b3"], ["a1", "council-1", "dY", "b2", "dB2", "b3"]]
    gift = found.paths[0].steps[2][0]
    assert (gift.type_, gift.source, gift.amount, gift.first_date, gift.first_date_jalali) == (
        "DONATED_TO", gid("Donor", "dY"), 700, "2024-06-01", "1403/03/12")
    assert found.paths[0].steps[0][0].type_ == "INSTITUTION_MEMBER_OF"
    none = (await client.connection(source=gid("Institution", "a1"), target=gid("Institution", "b3"))).connection
    assert (none.hops, none.paths) == (None, [])
    with pytest.raises(GraphQLClientGraphQLMultiError) as raised:
        await client.connection(source=gid("County", "IR-00-0001"), target=gid("Institution", "a1"))
    assert (raised.value.errors[0].extensions or {}).get("code") == "VALIDATION_FAILED"
    with pytest.raises(GraphQLClientGraphQLMultiError) as raised:
        await client.network(center=gid("Donor", "nobody"))
    assert (raised.value.errors[0].extensions or {}).get("code") == "NOT_FOUND"
