"""The undirected weighted graph every network metric runs on.

Nodes are string keys kept sorted, so a node's index is its position in ``nodes`` and every
library sees the same node order: that is what makes sampled betweenness pick the same pivots
in networkx and igraph for the same seed. Edges are three numpy columns (``source < target``),
because the national institution projection has about two million edges and a Python object
per edge would cost hundreds of megabytes; ``edge``/``edges`` hand out small objects on demand.

Weights are similarities (higher = closer). Shortest-path metrics use ``distance = 1 / weight``
rounded to a multiple of ``2**-20`` (``distances``): sums of such numbers are exact in floating
point, so two paths of equal length tie in every library. Without it, 0.1 + 0.2 and 0.3
differ in the last bit: networkx (exact comparison) then keeps one path and igraph (comparison
within 1e-10) both, and their betweenness disagree on projections, where such ties are common.
Distinct rounded lengths differ by at least 2**-20, far above igraph's tolerance for any path
shorter than ~9,000; the rounding moves a distance by at most 5e-7.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DISTANCE_STEP = 2.0**-20


def weighted_bincount(groups: npt.ArrayLike, weights: npt.ArrayLike, minlength: int = 0) -> FloatArray:
    """``np.bincount`` with weights: the float64 sum of the weights per group. (numpy's stubs give
    every bincount the integer result of the unweighted one.)"""
    return np.bincount(groups, weights, minlength)  # type: ignore[return-value]  # float64 with weights


@dataclass(frozen=True, slots=True)
class Edge:
    """One undirected edge, ``a < b`` by key."""

    a: str
    b: str
    weight: float


@dataclass(frozen=True, eq=False)
class WeightedGraph:
    """A simple undirected graph with positive edge weights (no self-loops, no parallel edges).

    ``source[i] < target[i]`` are indices into ``nodes``; edges are sorted by (source, target).
    Build one with ``from_edges`` or ``from_columns``; the constructor trusts its input.
    Converted copies for the graph libraries are cached on the instance (``cache``), so the
    metrics of one projection pay the conversion once.
    """

    nodes: tuple[str, ...]
    source: IntArray
    target: IntArray
    weight: FloatArray
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str, float]], nodes: Iterable[str] = ()) -> WeightedGraph:
        """A graph from ``(a, b, weight)`` triples; repeated pairs add up, self-loops are dropped,
        ``nodes`` adds nodes without edges. A weight must be positive."""
        triples = [(a, b, float(w)) for a, b, w in edges if a != b]
        if any(w <= 0 for _, _, w in triples):
            raise ValueError("edge weights must be positive")
        keys = sorted({*nodes, *(a for a, _, _ in triples), *(b for _, b, _ in triples)})
        index = {k: i for i, k in enumerate(keys)}
        a = np.fromiter((index[x] for x, _, _ in triples), np.int64, len(triples))
        b = np.fromiter((index[y] for _, y, _ in triples), np.int64, len(triples))
        w = np.fromiter((t[2] for t in triples), np.float64, len(triples))
        return cls.from_columns(tuple(keys), a, b, w)

    @classmethod
    def from_columns(cls, nodes: Sequence[str], a: IntArray, b: IntArray, w: FloatArray) -> WeightedGraph:
        """A graph from index columns in any order; ``nodes`` must be sorted and unique."""
        n = len(nodes)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        code, inverse = np.unique(lo * n + hi, return_inverse=True)
        weight = np.bincount(inverse, weights=w, minlength=len(code)) if len(code) else np.zeros(0)
        return cls(tuple(nodes), code // max(n, 1), code % max(n, 1), weight.astype(np.float64))

    @property
    def order(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def size(self) -> int:
        """Number of edges."""
        return len(self.source)

    def index(self, key: str) -> int | None:
        """Position of ``key`` in ``nodes`` (binary search), or None."""
        i = bisect.bisect_left(self.nodes, key)
        return i if i < len(self.nodes) and self.nodes[i] == key else None

    def edge_index(self, a: str, b: str) -> int | None:
        """Row of the edge between ``a`` and ``b`` in the columns, or None."""
        i, j = self.index(a), self.index(b)
        if i is None or j is None or i == j:
            return None
        code = min(i, j) * self.order + max(i, j)
        codes = self.cache.get("codes")
        if codes is None:
            codes = self.cache["codes"] = self.source * self.order + self.target
        row = int(np.searchsorted(codes, code))
        return row if row < self.size and codes[row] == code else None

    def edge(self, a: str, b: str) -> Edge | None:
        row = self.edge_index(a, b)
        return None if row is None else self._edge(row)

    def edges(self) -> Iterator[Edge]:
        return (self._edge(row) for row in range(self.size))

    def neighbour_rows(self, key: str) -> IntArray:
        """Rows of the edges at ``key`` (empty if unknown)."""
        i = self.index(key)
        if i is None:
            return np.zeros(0, np.int64)
        return np.flatnonzero((self.source == i) | (self.target == i))

    def degrees(self) -> IntArray:
        """Number of neighbours per node, in node order."""
        return np.bincount(np.concatenate([self.source, self.target]), minlength=self.order)

    def strengths(self) -> FloatArray:
        """Sum of the weights of a node's edges, in node order."""
        both = np.concatenate([self.source, self.target])
        return weighted_bincount(both, np.concatenate([self.weight, self.weight]), self.order)

    def distances(self) -> FloatArray:
        """``1 / weight`` per edge, rounded to a multiple of ``DISTANCE_STEP`` (at least one step)."""
        cached = self.cache.get("distances")
        if cached is None:
            steps = np.maximum(np.round(1.0 / self.weight / DISTANCE_STEP), 1.0)
            cached = self.cache["distances"] = steps * DISTANCE_STEP
        return cached

    def _edge(self, row: int) -> Edge:
        return Edge(self.nodes[self.source[row]], self.nodes[self.target[row]], float(self.weight[row]))

