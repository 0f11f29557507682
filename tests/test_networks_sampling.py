"""Betweenness within a budget: exact when it fits, else sampled with a stated error that holds."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph_model.networks import WeightedGraph, betweenness
from graph_model.networks.sampling import MIN_PIVOTS, TOP, budgeted_betweenness
from tests.test_networks_algorithms import two_cliques


def test_a_small_graph_is_exact_and_equals_networkx() -> None:
    g = two_cliques()
    found = budgeted_betweenness(g, budget_s=10.0)
    assert found.exact and found.pivots is None and found.relative_error is None
    reference = betweenness(g)
    assert found.ranking.order[:2] == reference.order[:2]
    assert found.ranking.values == pytest.approx(reference.values)


def scale_free(n: int = 400, seed: int = 3) -> WeightedGraph:
    g = nx.barabasi_albert_graph(n, 3, seed=seed)
    rng = np.random.default_rng(seed)
    return WeightedGraph.from_edges((str(a), str(b), float(rng.uniform(0.2, 2.0))) for a, b in g.edges())


@pytest.mark.parametrize("weighted", [True, False])
def test_the_stated_error_holds(weighted: bool) -> None:
    g = scale_free()
    found = budgeted_betweenness(g, weighted=weighted, pivots=100)
    assert not found.exact and found.pivots == 100
    assert found.relative_error is not None and 0 < found.relative_error < 1
    exact = betweenness(g, weighted=weighted)
    for top in (found.ranking.order[:TOP], exact.order[:TOP]):
        errors = [abs(found.ranking.values[k] - exact.values[k]) / exact.values[k] for k in top]
        # A standard error: the actual errors average about that size (measured 0.7-1.3 times it).
        assert float(np.mean(errors)) < 2 * found.relative_error
    # The hubs of a scale-free graph stand far above the rest: the sample finds them.
    assert len(set(found.ranking.order[:TOP]) & set(exact.order[:TOP])) >= 14


def test_no_budget_takes_the_fewest_pivots_and_says_it_is_rough() -> None:
    found = budgeted_betweenness(scale_free(), budget_s=0.0)
    assert not found.exact and found.pivots == MIN_PIVOTS
    assert (found.relative_error or 0) > 0.25


def test_more_sources_mean_a_smaller_stated_error() -> None:
    g = scale_free(1500)
    small, large = (budgeted_betweenness(g, weighted=False, pivots=k) for k in (32, 200))
    assert (small.pivots, large.pivots) == (32, 200)
    assert (large.relative_error or 0) < (small.relative_error or 0)
