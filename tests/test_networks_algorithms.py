"""The network core on graphs with known answers, and every fast backend against networkx."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import networkx as nx
import pytest
from networkx.algorithms import bipartite

from graph_model.errors import ValidationFailed
from graph_model.networks import (
    Backend, GivingEdge, GivingIndex, Membership, Metric, OverlapOrder, Partition, Partnership, Projection, Ranking,
    WeightedGraph, Weighting, betweenness, constraint, degree, describe, donor_overlap, eigenvector,
    isolated_institutions, leiden, louvain, modularity, pagerank, project_donors, project_institutions, rank,
    shared_donors, strength)

ALL = tuple(Backend)
FAST = (Backend.IGRAPH, Backend.RUSTWORKX)
Ranker = Callable[..., Ranking]


def graph(edges: list[tuple[str, str]]) -> WeightedGraph:
    return WeightedGraph.from_edges((a, b, 1.0) for a, b in edges)


def path() -> WeightedGraph:
    return graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])


def star() -> WeightedGraph:
    return graph([("hub", leaf) for leaf in ("l1", "l2", "l3", "l4", "l5")])


def two_cliques() -> WeightedGraph:
    """Two 5-cliques (a*, b*) joined by the bridge a0 - b0."""
    left, right = [f"a{i}" for i in range(5)], [f"b{i}" for i in range(5)]
    edges = list(itertools.combinations(left, 2)) + list(itertools.combinations(right, 2))
    return graph([*edges, ("a0", "b0")])


def random_graph(seed: int, n: int = 60, p: float = 0.1) -> WeightedGraph:
    rng = random.Random(seed)
    g = nx.gnp_random_graph(n, p, seed=seed)
    return WeightedGraph.from_edges(((f"n{u:03d}", f"n{v:03d}", rng.uniform(0.1, 3.0)) for u, v in g.edges),
                                    nodes=[f"n{i:03d}" for i in range(n)])


def supported(backend: Backend, metric: Ranker, weighted: bool = False) -> bool:
    return backend is not Backend.RUSTWORKX or not (metric is constraint or (metric is betweenness and weighted))


# --- hand-made graphs ----------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ALL)
def test_path_middle_node_is_the_top_broker(backend: Backend) -> None:
    ranking = betweenness(path(), weighted=False, backend=backend)
    assert ranking.order[0] == "c"
    assert ranking.values["c"] == pytest.approx(4 / 6)  # 4 of the 6 pairs not involving c go through it
    assert ranking.values["a"] == 0.0 and ranking.order.index("b") == ranking.order.index("d") - 1  # b, d tie: by key


@pytest.mark.parametrize("backend", ALL)
def test_star_centre_tops_degree_betweenness_and_has_least_constraint(backend: Backend) -> None:
    g = star()
    assert degree(g, backend=backend).top(1)[0].key == "hub"
    assert betweenness(g, weighted=False, backend=backend).values["hub"] == pytest.approx(1.0)
    leaves = degree(g, backend=backend).order[1:]
    assert leaves == ("l1", "l2", "l3", "l4", "l5")  # equal degrees: ordered by key
    if supported(backend, constraint):
        ranking = constraint(g, backend=backend)
        assert ranking.order[0] == "hub"
        assert ranking.values["hub"] == pytest.approx(5 * (1 / 5) ** 2)  # no contact ties to another
        assert ranking.values["l1"] == pytest.approx(1.0)  # one contact: fully constrained


@pytest.mark.parametrize("backend", ALL)
def test_bridge_nodes_are_the_top_brokers(backend: Backend) -> None:
    g = two_cliques()
    assert set(betweenness(g, backend=backend, weighted=False).order[:2]) == {"a0", "b0"}
    if supported(backend, constraint):
        assert set(constraint(g, backend=backend).order[:2]) == {"a0", "b0"}


@pytest.mark.parametrize("run", [
    lambda g: louvain(g, seed=1, backend=Backend.NETWORKX),
    lambda g: louvain(g, seed=1, backend=Backend.IGRAPH),
    lambda g: leiden(g, seed=1),
    lambda g: leiden(g, seed=1, leidenalg=True),
], ids=["louvain-networkx", "louvain-igraph", "leiden-igraph", "leiden-leidenalg"])
def test_the_cliques_are_the_communities(run: Callable[[WeightedGraph], Partition]) -> None:
    g = two_cliques()
    partition = run(g)
    members = {c.members for c in partition.communities}
    assert members == {tuple(f"a{i}" for i in range(5)), tuple(f"b{i}" for i in range(5))}
    expected = nx.community.modularity(_nx(g), [set(m) for m in members])
    assert partition.modularity == pytest.approx(expected)
    assert [c.index for c in partition.communities] == [0, 1]


def test_communities_are_described_by_services_and_donors() -> None:
    partition = describe(
        leiden(two_cliques(), seed=1),
        services={"a0": ["rehab", "elderly"], "a1": ["rehab"], "b0": ["prevention"]},
        giving=[GivingEdge("d1", "a0", 500), GivingEdge("d1", "a1", 100), GivingEdge("d2", "a2", 900),
                GivingEdge("d3", "b4", 10)], limit=1)
    left = partition.community_of("a3")
    assert left is not None and left.size == 5
    assert [(s.service, s.institutions) for s in left.services] == [("rehab", 2)]
    assert [(d.donor, d.amount, d.institutions) for d in left.donors] == [("d2", 900, 1)]
    right = partition.community_of("b1")
    assert right is not None and right.donors[0].donor == "d3" and right.services[0].service == "prevention"


# --- projections by hand -------------------------------------------------------------------------
# d1 funds A, B, C; d2 funds B, C; d3 funds C, D.
GIVING = [GivingEdge("d1", "A", 100), GivingEdge("d1", "B", 200), GivingEdge("d1", "C", 300, 2),
          GivingEdge("d2", "B", 50), GivingEdge("d2", "C", 70), GivingEdge("d3", "C", 5), GivingEdge("d3", "D", 7)]


def weights(projection: Projection) -> dict[tuple[str, str], float]:
    return {(e.a, e.b): e.weight for e in projection.graph.edges()}


def test_institution_projection_weights_by_hand() -> None:
    # Newman: d1 (3 institutions) adds 1/2 to each of its pairs, d2 and d3 (2 each) add 1.
    assert weights(project_institutions(GIVING)) == pytest.approx(
        {("A", "B"): 0.5, ("A", "C"): 0.5, ("B", "C"): 1.5, ("C", "D"): 1.0})
    # Jaccard over donor sets A={d1}, B={d1,d2}, C={d1,d2,d3}, D={d3}.
    assert weights(project_institutions(GIVING, Weighting.JACCARD)) == pytest.approx(
        {("A", "B"): 1 / 2, ("A", "C"): 1 / 3, ("B", "C"): 2 / 3, ("C", "D"): 1 / 3})


def test_donor_projection_weights_by_hand() -> None:
    # Over institutions: B (2 donors) adds 1 to d1-d2, C (3 donors) adds 1/2 to each pair; A, D one donor.
    assert weights(project_donors(GIVING)) == pytest.approx({("d1", "d2"): 1.5, ("d1", "d3"): 0.5, ("d2", "d3"): 0.5})
    # Jaccard over institution sets d1={A,B,C}, d2={B,C}, d3={C,D}.
    assert weights(project_donors(GIVING, Weighting.JACCARD)) == pytest.approx(
        {("d1", "d2"): 2 / 3, ("d1", "d3"): 1 / 4, ("d2", "d3"): 1 / 3})


def test_council_and_partnership_layers_explain_each_edge() -> None:
    seats = [Membership("A", "Institution", "x"), Membership("B", "Institution", "x"),
             Membership("P", "Person", "x"),  # people do not count towards m_c
             Membership("B", "Institution", "y"), Membership("C", "Institution", "y"),
             Membership("D", "Institution", "y"), Membership("E", "Institution", "z")]
    partners = [Partnership("A", "D"), Partnership("D", "A"), Partnership("B", "C")]
    p = project_institutions(GIVING, memberships=seats, partnerships=partners, institutions=["F"])
    assert p.graph.nodes == ("A", "B", "C", "D", "E", "F")  # E: a lone seat, F: named only
    assert weights(p) == pytest.approx({("A", "B"): 1.5, ("A", "C"): 0.5, ("A", "D"): 1.0, ("B", "C"): 3.0,
                                        ("B", "D"): 0.5, ("C", "D"): 1.5})
    bc = p.link("C", "B")
    assert bc is not None and (bc.a, bc.b, bc.shared, bc.shared_councils, bc.partnered) == ("B", "C", 2, 1, True)
    assert (bc.giving_weight, bc.council_weight) == pytest.approx((1.5, 0.5))
    ad = p.link("A", "D")
    assert ad is not None and (ad.shared, ad.shared_councils, ad.partnered, ad.weight) == (0, 0, True, 1.0)
    assert p.link("A", "E") is None and p.link("A", "nobody") is None
    assert [(e.a, e.b) for e in p.links_of("B")] == [("B", "C"), ("A", "B"), ("B", "D")]


@pytest.mark.parametrize("weighting", list(Weighting))
def test_projections_equal_networkx_helpers(weighting: Weighting) -> None:
    rng = random.Random(7)
    rows = [GivingEdge(f"d{rng.randrange(80):02d}", f"i{rng.randrange(50):02d}", rng.randrange(1, 9))
            for _ in range(400)]
    b = nx.Graph((r.donor, r.institution) for r in rows)
    project = {Weighting.COLLABORATION: bipartite.collaboration_weighted_projected_graph,
               Weighting.JACCARD: lambda g, nodes: bipartite.overlap_weighted_projected_graph(g, nodes, jaccard=True)}
    for mine, side in ((project_institutions(rows, weighting), {r.institution for r in rows}),
                       (project_donors(rows, weighting), {r.donor for r in rows})):
        reference = {tuple(sorted((u, v))): w for u, v, w in project[weighting](b, side).edges(data="weight")}
        assert weights(mine) == pytest.approx(reference)
        assert set(mine.graph.nodes) == side


# --- shared donors and isolated institutions -----------------------------------------------------

def test_shared_donors_of_an_institution() -> None:
    index = GivingIndex.from_rows(GIVING)
    found = shared_donors(index, "C")
    assert [(o.other, o.shared) for o in found] == [("B", 2), ("A", 1), ("D", 1)]  # A, D: A got more
    b = found[0]
    assert (b.jaccard, b.amount_to_institution, b.amount_to_other, b.donors) == (2 / 3, 370, 250, ("d1", "d2"))
    # E shares d1 and d2 with C too, but has six more donors of its own and a large gift from d1.
    rows = [*GIVING, GivingEdge("d1", "E", 10_000), GivingEdge("d2", "E", 1),
            *(GivingEdge(f"e{i}", "E", 1) for i in range(6))]
    index = GivingIndex.from_rows(rows)
    assert [o.other for o in shared_donors(index, "C")] == ["B", "E", "A", "D"]
    assert [o.other for o in shared_donors(index, "C", order=OverlapOrder.JACCARD)] == ["B", "A", "D", "E"]
    assert [o.other for o in shared_donors(index, "C", order=OverlapOrder.AMOUNT, limit=2)] == ["E", "B"]
    assert shared_donors(index, "nobody") == ()


def test_overlap_of_two_institutions() -> None:
    index = GivingIndex.from_rows(GIVING)
    ab = donor_overlap(index, "A", "B")
    assert (ab.shared, ab.jaccard, ab.amount_to_institution, ab.amount_to_other) == (1, 0.5, 100, 200)
    assert donor_overlap(index, "A", "D").shared == 0 and donor_overlap(index, "A", "D").jaccard == 0.0
    # Rows holding only C's neighbourhood: the full donor base sizes come from donor_counts.
    partial = GivingIndex.from_rows([g for g in GIVING if g.donor == "d3"], donor_counts={"C": 3, "D": 1})
    assert donor_overlap(partial, "C", "D").jaccard == pytest.approx(1 / 3)


def test_isolated_institutions_have_no_donor_partner_or_seat() -> None:
    found = isolated_institutions(
        ["A", "B", "C", "D", "E", "F", "G"], giving=[GivingEdge("d1", "A", 1)],
        memberships=[Membership("B", "Institution", "x"), Membership("E", "Donor", "x")],
        partnerships=[Partnership("C", "D")])
    assert found == ("E", "F", "G")  # E's key is a donor's seat here, not an institution's


# --- every fast backend equals networkx ----------------------------------------------------------

def close(ranking: Ranking, reference: Ranking) -> None:
    assert ranking.values.keys() == reference.values.keys()
    scale = max(abs(v) for v in reference.values.values()) or 1.0
    for key, expected in reference.values.items():
        # within 1e-6 relative; values ~0 (eigenvector off the main component) within 1e-9 of the largest
        assert ranking.values[key] == pytest.approx(expected, rel=1e-6, abs=1e-9 * scale), key
    assert ranking.order == reference.order


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("backend", FAST)
@pytest.mark.parametrize("metric", [degree, strength, pagerank, eigenvector, constraint], ids=lambda f: f.__name__)
def test_metrics_equal_networkx_on_random_graphs(metric: Ranker, backend: Backend, seed: int) -> None:
    if not supported(backend, metric):
        with pytest.raises(ValidationFailed):
            metric(random_graph(seed), backend=backend)
        return
    close(metric(random_graph(seed), backend=backend), metric(random_graph(seed), backend=Backend.NETWORKX))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("backend", FAST)
@pytest.mark.parametrize(("weighted", "pivots"), [(True, None), (False, None), (True, 15), (False, 15)])
def test_betweenness_equals_networkx(backend: Backend, weighted: bool, pivots: int | None, seed: int) -> None:
    g = random_graph(seed)
    if backend is Backend.RUSTWORKX and (weighted or pivots):
        with pytest.raises(ValidationFailed):
            betweenness(g, weighted=weighted, pivots=pivots, backend=backend)
        return
    reference = betweenness(g, weighted=weighted, pivots=pivots, seed=seed, backend=Backend.NETWORKX)
    close(betweenness(g, weighted=weighted, pivots=pivots, seed=seed, backend=backend), reference)
    assert not math.isnan(sum(reference.values.values()))


@pytest.mark.parametrize("pivots", [None, 20])
def test_weighted_betweenness_on_a_projection_equals_networkx(pivots: int | None) -> None:
    # Collaboration weights are sums of 1/(k - 1): many paths of equal length whose float sums
    # would differ in the last bit without the rounded distances.
    rng = random.Random(7)
    rows = [GivingEdge(f"d{rng.randrange(300):03d}", f"i{rng.randrange(120):03d}", 1) for _ in range(700)]
    g = project_institutions(rows).graph
    reference = betweenness(g, pivots=pivots, seed=3, backend=Backend.NETWORKX)
    close(betweenness(g, pivots=pivots, seed=3, backend=Backend.IGRAPH), reference)


@pytest.mark.parametrize("seed", [1, 2])
def test_community_quality_matches_networkx(seed: int) -> None:
    g = random_graph(seed, n=120, p=0.05)
    reference = louvain(g, seed=seed, backend=Backend.NETWORKX)
    assert reference.modularity == pytest.approx(
        nx.community.modularity(_nx(g), [set(c.members) for c in reference.communities]))
    for partition in (louvain(g, seed=seed, backend=Backend.IGRAPH), leiden(g, seed=seed),
                      leiden(g, seed=seed, iterations=-1), leiden(g, seed=seed, leidenalg=True)):
        assert sorted(k for c in partition.communities for k in c.members) == list(g.nodes)
        assert partition.modularity == pytest.approx(modularity(g, [c.members for c in partition.communities]))
        assert partition.modularity == pytest.approx(reference.modularity, abs=0.03)


def test_same_seed_same_answer() -> None:
    g = random_graph(4, n=120, p=0.05)
    assert louvain(g, seed=9).communities == louvain(g, seed=9).communities
    assert leiden(g, seed=9).communities == leiden(g, seed=9).communities
    assert leiden(g, seed=9, leidenalg=True).communities == leiden(g, seed=9, leidenalg=True).communities
    assert betweenness(g, pivots=20, seed=9).values == betweenness(g, pivots=20, seed=9).values


def test_graph_merges_repeated_pairs_and_ranks_through_the_dispatcher() -> None:
    g = WeightedGraph.from_edges([("b", "a", 1.0), ("a", "b", 2.0), ("a", "a", 5.0)], nodes=["c"])
    assert (g.nodes, [(e.a, e.b, e.weight) for e in g.edges()]) == (("a", "b", "c"), [("a", "b", 3.0)])
    assert rank(star(), Metric.DEGREE).order[0] == "hub"
    assert rank(g, Metric.CONSTRAINT).values.keys() == {"a", "b"}  # c has no contacts, so no constraint


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        betweenness(path(), pivots=1)
    with pytest.raises(ValidationFailed):
        pagerank(path(), alpha=1.0)
    with pytest.raises(ValidationFailed):
        louvain(path(), resolution=0)
    with pytest.raises(ValueError):
        WeightedGraph.from_edges([("a", "b", 0.0)])


def _nx(g: WeightedGraph) -> nx.Graph:
    out = nx.Graph()
    out.add_nodes_from(g.nodes)
    out.add_weighted_edges_from((e.a, e.b, e.weight) for e in g.edges())
    return out
