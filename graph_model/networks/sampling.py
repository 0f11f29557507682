"""Betweenness within a time budget: exact when it fits, otherwise sampled with its own error.

Exact betweenness runs one shortest-path search from every node; over the national institution
projection (21,000 nodes, two million edges) that is over an hour weighted. ``budgeted_betweenness``
first times two searches on the graph at hand, then either runs them all (exact) or as many
sampled sources ("pivots", Brandes and Pich 2007) as fit the budget. The sample is split into
``BATCHES`` independent batches; each gives an unbiased estimate (the estimator of
``metrics.betweenness``), the answer is their mean, and the spread between batches gives each
value's standard error. ``Estimate.relative_error`` states it for the top of the ranking: the mean
of standard error / value over the ``TOP`` best nodes, so a client knows how far to trust the order.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from graph_model.networks.backends import Backend, to_igraph
from graph_model.networks.graph import WeightedGraph
from graph_model.networks.metrics import Metric, Ranking, _ranking, igraph_sampled

BATCHES = 4
TOP = 20
CALIBRATION = 2  # searches timed to estimate the cost of one
MIN_PIVOTS = 8 * BATCHES  # fewer give the batches too little to estimate a spread from


@dataclass(frozen=True)
class Estimate:
    ranking: Ranking
    exact: bool
    pivots: int | None  # sources searched when sampled
    relative_error: float | None  # mean standard error / value over the TOP best, when sampled


def budgeted_betweenness(graph: WeightedGraph, *, weighted: bool = True, budget_s: float = 3.0,
                         seed: int = 0, pivots: int | None = None) -> Estimate:
    """Exact betweenness if ``budget_s`` seconds of search suffice, else sampled (``pivots``
    overrides the number of sampled sources the budget would give: tests use it)."""
    n = graph.order
    g, weights = to_igraph(graph), "distance" if weighted else None
    if n <= 2:
        return Estimate(_ranking(graph, Metric.BETWEENNESS, Backend.IGRAPH, [0.0] * n), True, None, None)
    rng = random.Random(seed)
    started = time.perf_counter()
    g.betweenness(sources=rng.sample(range(n), min(CALIBRATION, n)), targets=None, weights=weights)
    per_search = (time.perf_counter() - started) / min(CALIBRATION, n)
    if pivots is None and per_search * n <= budget_s:
        scale = 2.0 / ((n - 1) * (n - 2))  # igraph counts each unordered pair once
        values = [v * scale for v in g.betweenness(weights=weights)]
        return Estimate(_ranking(graph, Metric.BETWEENNESS, Backend.IGRAPH, values), True, None, None)
    fits = int(budget_s / max(per_search, 1e-9)) if pivots is None else pivots
    chosen = rng.sample(range(n), min(n, max(MIN_PIVOTS, fits)) // BATCHES * BATCHES)
    batches = np.array([igraph_sampled(g, weights, chosen[b::BATCHES]) for b in range(BATCHES)])
    values = batches.mean(axis=0)
    ranking = _ranking(graph, Metric.BETWEENNESS, Backend.IGRAPH, values.tolist())
    top = [i for i in map(graph.index, ranking.order[:TOP]) if i is not None]  # all of them: ranked keys are nodes
    error = batches[:, top].std(axis=0, ddof=1) / np.sqrt(BATCHES)
    shown = values[top] > 0
    relative = float((error[shown] / values[top][shown]).mean()) if shown.any() else 0.0
    return Estimate(ranking, False, len(chosen), relative)
