"""Who are the hubs and brokers: centrality rankings over a weighted undirected graph.

Every function returns a ``Ranking`` (value per node, best first, ties broken by key) and takes
a ``backend``: networkx is the reference, igraph and rustworkx give the same answers faster (the
tests check each against networkx); ``None`` picks the fastest measured one (``FASTEST``, see
benchmarks/README.md). Conventions, the same in every backend:

- ``degree``: number of neighbours. ``strength``: sum of edge weights (weighted degree).
- ``betweenness``: Brandes' betweenness, normalised to [0, 1] by the number of node pairs not
  involving the node, ``(n - 1)(n - 2) / 2`` (networkx's ``normalized=True``, endpoints excluded).
  ``weighted=True`` measures paths by ``distance = 1 / weight`` (Newman 2001: two institutions
  sharing many dedicated donors are close; a tie through one donor of ninety is far), rounded so
  equal paths tie exactly in every library (``WeightedGraph.distances``);
  ``weighted=False`` counts hops. ``pivots=k`` samples ``k`` source nodes with
  ``random.Random(seed)`` (the same pivots as networkx's ``k``/``seed``) and scales like networkx
  3.6; the sampling error is measured in benchmarks/README.md.
- ``pagerank``: damping ``alpha`` (0.85), edges followed in proportion to their weight, a node
  without edges jumps uniformly; values sum to 1.
- ``eigenvector``: leading eigenvector of the weighted adjacency matrix, unit Euclidean norm
  (networkx's scaling; igraph's max = 1 is rescaled). On a disconnected graph it lives on the
  component with the largest eigenvalue and is ~0 elsewhere.
- ``constraint``: Burt's constraint with ``p_ij = w_ij / strength_i``; *lower* means more
  brokerage, so the ranking is ascending. Undefined for a node without edges: such nodes are
  left out of ``values`` and ``order``.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any

from graph_model.errors import FieldError, ValidationFailed
from graph_model.networks.backends import (
    Backend, to_igraph, to_networkx, to_rustworkx, to_rustworkx_directed)
from graph_model.networks.graph import WeightedGraph

TOLERANCE = 1e-12  # power iterations (networkx, rustworkx) stop at a total L1 change below n * TOLERANCE
MAX_ITERATIONS = 10_000
TIE_DIGITS = 10  # values equal to this many significant digits are tied (floating noise across libraries)


class Metric(str, Enum):
    DEGREE = "degree"
    STRENGTH = "strength"
    BETWEENNESS = "betweenness"
    PAGERANK = "pagerank"
    EIGENVECTOR = "eigenvector"
    CONSTRAINT = "constraint"


# The backend each metric uses when none is named: the fastest in benchmarks/networks_libraries.py
# that equals networkx (degree and strength need no library: numpy sums over the edge columns).
FASTEST: Mapping[Metric, Backend] = {m: Backend.IGRAPH for m in Metric}


@dataclass(frozen=True, slots=True)
class Ranked:
    key: str
    value: float
    rank: int  # 1 = best


@dataclass(frozen=True)
class Ranking:
    """A metric's value per node and the nodes best first (highest first, lowest first for
    constraint); nodes whose values agree to ``TIE_DIGITS`` digits are ordered by key."""

    metric: Metric
    backend: Backend
    values: Mapping[str, float]
    order: tuple[str, ...]

    def top(self, limit: int) -> tuple[Ranked, ...]:
        return tuple(Ranked(k, self.values[k], i + 1) for i, k in enumerate(self.order[:limit]))

    def rank(self, key: str) -> int | None:
        """1-based position of ``key``, or None if it has no value."""
        return self._positions.get(key)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {k: i + 1 for i, k in enumerate(self.order)}


def degree(graph: WeightedGraph, *, backend: Backend | None = None) -> Ranking:
    backend = backend or FASTEST[Metric.DEGREE]
    if backend is Backend.NETWORKX:
        g = to_networkx(graph)
        return _ranking(graph, Metric.DEGREE, backend, [float(g.degree(k)) for k in graph.nodes])
    return _ranking(graph, Metric.DEGREE, backend, graph.degrees().astype(float).tolist())


def strength(graph: WeightedGraph, *, backend: Backend | None = None) -> Ranking:
    backend = backend or FASTEST[Metric.STRENGTH]
    if backend is Backend.NETWORKX:
        g = to_networkx(graph)
        return _ranking(graph, Metric.STRENGTH, backend, [float(g.degree(k, weight="weight")) for k in graph.nodes])
    return _ranking(graph, Metric.STRENGTH, backend, graph.strengths().tolist())


def betweenness(graph: WeightedGraph, *, weighted: bool = True, pivots: int | None = None, seed: int = 0,
                backend: Backend | None = None) -> Ranking:
    """Normalised betweenness, exact or estimated from ``pivots`` sampled sources (``pivots`` >= n
    is exact). See the module docstring for the weighting and the scaling."""
    backend = backend or FASTEST[Metric.BETWEENNESS]
    n = graph.order
    if pivots is not None and pivots < 2:
        raise ValidationFailed("betweenness needs at least two pivots", [FieldError("pivots", "must be >= 2")])
    k = None if pivots is None or pivots >= n else pivots
    if backend is Backend.NETWORKX:
        import networkx as nx

        nxv = nx.betweenness_centrality(to_networkx(graph), k=k, normalized=True, seed=seed,
                                        weight="distance" if weighted else None)
        return _ranking(graph, Metric.BETWEENNESS, backend, [nxv[key] for key in graph.nodes])
    if backend is Backend.RUSTWORKX:
        if weighted or k is not None:
            raise _unsupported(backend, "weighted or sampled betweenness")
        import rustworkx as rx

        rxv = rx.graph_betweenness_centrality(to_rustworkx(graph), normalized=True, endpoints=False)
        return _ranking(graph, Metric.BETWEENNESS, backend, [rxv[i] for i in range(n)])
    return _ranking(graph, Metric.BETWEENNESS, backend, _igraph_betweenness(graph, weighted, k, seed))


def _igraph_betweenness(graph: WeightedGraph, weighted: bool, k: int | None, seed: int) -> list[float]:
    n = graph.order
    if n <= 2:
        return [0.0] * n
    g, weights = to_igraph(graph), "distance" if weighted else None
    if k is None:  # igraph counts each unordered pair once
        scale = 2.0 / ((n - 1) * (n - 2))
        return [v * scale for v in g.betweenness(weights=weights)]
    # Subset betweenness from the pivots to everyone is half of networkx's sum of the pivots'
    # dependencies; then networkx 3.6's estimator: a pivot has no dependency from its own search,
    # so it is averaged over the k - 1 other pivots.
    return igraph_sampled(g, weights, random.Random(seed).sample(range(n), k))


def igraph_sampled(g: Any, weights: str | None, pivots: list[int]) -> list[float]:
    """Betweenness estimated from the searches of ``pivots`` on igraph graph ``g``."""
    n, k = g.vcount(), len(pivots)
    raw = g.betweenness(sources=pivots, targets=None, weights=weights)
    is_pivot = set(pivots)
    source_scale, other_scale = 2.0 / ((k - 1) * (n - 2)), 2.0 / (k * (n - 2))
    return [v * (source_scale if i in is_pivot else other_scale) for i, v in enumerate(raw)]


def pagerank(graph: WeightedGraph, *, alpha: float = 0.85, backend: Backend | None = None) -> Ranking:
    if not 0 < alpha < 1:
        raise ValidationFailed("invalid damping", [FieldError("alpha", "must be between 0 and 1")])
    backend = backend or FASTEST[Metric.PAGERANK]
    if backend is Backend.NETWORKX:
        nxv = _networkx_pagerank(graph, alpha)
        return _ranking(graph, Metric.PAGERANK, backend, [nxv[k] for k in graph.nodes])
    if backend is Backend.RUSTWORKX:
        import rustworkx as rx

        rxv = rx.pagerank(to_rustworkx_directed(graph), alpha=alpha, weight_fn=float, tol=TOLERANCE,
                          max_iter=MAX_ITERATIONS)
        return _ranking(graph, Metric.PAGERANK, backend, [rxv[i] for i in range(graph.order)])
    values = to_igraph(graph).pagerank(damping=alpha, weights="weight") if graph.order else []
    return _ranking(graph, Metric.PAGERANK, backend, values)


def _networkx_pagerank(graph: WeightedGraph, alpha: float) -> dict[str, float]:
    import networkx as nx

    try:
        return nx.pagerank(to_networkx(graph), alpha=alpha, tol=TOLERANCE, max_iter=MAX_ITERATIONS)
    except ModuleNotFoundError:  # nx.pagerank needs scipy; the pure-Python power iteration does not
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

        return _pagerank_python(to_networkx(graph), alpha=alpha, tol=TOLERANCE, max_iter=MAX_ITERATIONS)


def eigenvector(graph: WeightedGraph, *, backend: Backend | None = None) -> Ranking:
    backend = backend or FASTEST[Metric.EIGENVECTOR]
    if graph.size == 0:  # no edges: no leading direction; every library answers differently
        return _ranking(graph, Metric.EIGENVECTOR, backend, [0.0] * graph.order)
    if backend is Backend.NETWORKX:
        import networkx as nx

        nxv = nx.eigenvector_centrality(to_networkx(graph), max_iter=MAX_ITERATIONS, tol=TOLERANCE, weight="weight")
        return _ranking(graph, Metric.EIGENVECTOR, backend, [nxv[k] for k in graph.nodes])
    if backend is Backend.RUSTWORKX:
        import rustworkx as rx

        rxv = rx.eigenvector_centrality(to_rustworkx(graph), weight_fn=float, max_iter=MAX_ITERATIONS, tol=TOLERANCE)
        return _ranking(graph, Metric.EIGENVECTOR, backend, [rxv[i] for i in range(graph.order)])
    with warnings.catch_warnings():  # igraph warns that near-zero values mean a disconnected graph
        warnings.simplefilter("ignore", RuntimeWarning)
        values = to_igraph(graph).eigenvector_centrality(weights="weight")
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return _ranking(graph, Metric.EIGENVECTOR, backend, [v / norm + 0.0 for v in values])  # + 0.0: no -0.0


def constraint(graph: WeightedGraph, *, backend: Backend | None = None) -> Ranking:
    """Burt's constraint, lowest (most brokerage) first; nodes without edges have none."""
    backend = backend or FASTEST[Metric.CONSTRAINT]
    if backend is Backend.NETWORKX:
        import networkx as nx

        g = to_networkx(graph)
        nxv = nx.constraint(g, nodes=[k for k in graph.nodes if g.degree(k)], weight="weight")
        values = [nxv.get(k, math.nan) for k in graph.nodes]
    elif backend is Backend.RUSTWORKX:
        raise _unsupported(backend, "Burt's constraint")
    else:
        values = to_igraph(graph).constraint(weights="weight") if graph.order else []
    return _ranking(graph, Metric.CONSTRAINT, backend, values, descending=False)


RANKERS: Mapping[Metric, Callable[..., Ranking]] = {
    Metric.DEGREE: degree, Metric.STRENGTH: strength, Metric.BETWEENNESS: betweenness,
    Metric.PAGERANK: pagerank, Metric.EIGENVECTOR: eigenvector, Metric.CONSTRAINT: constraint,
}


def rank(graph: WeightedGraph, metric: Metric, *, backend: Backend | None = None) -> Ranking:
    """``metric`` with its default options (exact weighted betweenness, alpha 0.85)."""
    return RANKERS[metric](graph, backend=backend)


def _ranking(graph: WeightedGraph, metric: Metric, backend: Backend, values: Sequence[float],
             descending: bool = True) -> Ranking:
    by_key = {k: float(v) for k, v in zip(graph.nodes, values, strict=True) if not math.isnan(v)}
    sign = -1.0 if descending else 1.0
    order = sorted(by_key, key=lambda k: (sign * float(f"{by_key[k]:.{TIE_DIGITS}g}"), k))
    return Ranking(metric, backend, by_key, tuple(order))


def _unsupported(backend: Backend, what: str) -> ValidationFailed:
    return ValidationFailed(f"{backend.value} has no {what}", [FieldError("backend", f"choose {Backend.IGRAPH.value}")])
