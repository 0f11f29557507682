"""One-mode projections of the donor–institution giving graph, with explainable edges.

Giving is bipartite (donors fund institutions). Council members ask "which institutions work
with the same people?", which is the institution–institution projection: two institutions are
linked when they share donors, and optionally when they sit on the same councils or are
partners. Each of these layers keeps its own columns on the edge, so the API can say *why* two
institutions are linked (how many shared donors, how many shared councils, partners or not).

Weighting of the giving layer (``Weighting``):

- ``COLLABORATION`` (Newman 2001, "Scientific collaboration networks II"): every shared donor
  ``d`` adds ``1 / (k_d - 1)``, ``k_d`` being the number of institutions ``d`` funds in the scope.
  A donor who funds two institutions ties them strongly; one who funds ninety spreads one unit of
  tie over them, so broad givers do not glue the whole country into one blob. Each donor adds
  ``k_d / 2`` to the graph's total weight, and a node's strength is its number of donors who
  fund anyone else. Equals networkx's ``bipartite.collaboration_weighted_projected_graph``.
- ``JACCARD``: ``|D(a) ∩ D(b)| / |D(a) ∪ D(b)|`` over the donor sets, in [0, 1]: how much of two
  institutions' donor bases overlap, independent of how big each base is elsewhere. Equals
  networkx's ``bipartite.overlap_weighted_projected_graph(jaccard=True)``.

Extra layers (institution projection only, added to the weight whichever weighting is chosen):

- councils: every council both institutions sit on adds ``1 / (m_c - 1)``, ``m_c`` the number of
  institution members of the council (the same collaboration argument: a two-member council is a
  close tie, a forty-member one a loose one);
- partnerships: a partnership (either direction, counted once per pair) adds 1.

The donor–donor projection is the mirror image over institutions (co-funding), with the same two
weightings; its council layer uses the donors' council seats, and it has no partnership layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

from graph_model.enums import Label
from graph_model.networks.graph import FloatArray, IntArray, WeightedGraph, weighted_bincount


class Weighting(str, Enum):
    COLLABORATION = "collaboration"  # Newman: each shared neighbour adds 1 / (k - 1)
    JACCARD = "jaccard"  # |shared| / |union| of the two neighbour sets


class Side(str, Enum):
    INSTITUTION = "institution"
    DONOR = "donor"


@dataclass(frozen=True, slots=True)
class GivingEdge:
    """What one donor gave one institution in the scope and time window (rials, gifts).
    Several rows for the same pair add up."""

    donor: str
    institution: str
    amount: int
    count: int = 1


@dataclass(frozen=True, eq=False)
class GivingColumns:
    """Giving as columns, one row per donor–institution pair: what a scope read produces (building
    a ``GivingEdge`` per pair costs about a second at national size, and the projection needs only
    the index columns). ``donor`` and ``institution`` index the sorted key tuples."""

    donors: tuple[str, ...]
    institutions: tuple[str, ...]
    donor: IntArray
    institution: IntArray
    amount: tuple[int, ...]  # exact, rials
    count: IntArray

    def __len__(self) -> int:
        return len(self.donor)

    def edges(self) -> tuple[GivingEdge, ...]:
        d, i, c = self.donor.tolist(), self.institution.tolist(), self.count.tolist()
        return tuple(GivingEdge(self.donors[d[n]], self.institutions[i[n]], self.amount[n], c[n])
                     for n in range(len(d)))


@dataclass(frozen=True, slots=True)
class Membership:
    """A seat on a council; ``kind`` is the member's label (``Institution``, ``Donor``, ``Person``)."""

    member: str
    kind: str
    council: str


@dataclass(frozen=True, slots=True)
class Partnership:
    """A ``PARTNERS_WITH`` relationship; its direction does not matter here."""

    a: str
    b: str


@dataclass(frozen=True, slots=True)
class ProjectedEdge:
    """One edge of a projection with each layer's share, ``a < b``. ``shared`` counts shared donors
    (institution projection) or shared institutions (donor projection)."""

    a: str
    b: str
    weight: float
    shared: int
    giving_weight: float
    shared_councils: int
    council_weight: float
    partnered: bool


@dataclass(frozen=True, eq=False)
class Projection:
    """A projection: the weighted graph metrics run on, plus the per-layer columns (aligned with
    ``graph``'s edge rows) that explain each edge."""

    side: Side
    weighting: Weighting
    graph: WeightedGraph
    shared: IntArray
    giving_weight: FloatArray
    shared_councils: IntArray
    council_weight: FloatArray
    partnered: npt.NDArray[np.bool_]

    def link(self, a: str, b: str) -> ProjectedEdge | None:
        """The edge between ``a`` and ``b`` with its explanation, or None if they are not linked."""
        row = self.graph.edge_index(a, b)
        return None if row is None else self._edge(row)

    def links_of(self, key: str, limit: int | None = None) -> tuple[ProjectedEdge, ...]:
        """``key``'s edges, heaviest first (ties by the other end's key)."""
        edges = [self._edge(int(r)) for r in self.graph.neighbour_rows(key)]
        edges.sort(key=lambda e: (-e.weight, e.b if e.a == key else e.a))
        return tuple(edges[:limit] if limit is not None else edges)

    def _edge(self, row: int) -> ProjectedEdge:
        g = self.graph
        return ProjectedEdge(
            g.nodes[g.source[row]], g.nodes[g.target[row]], float(g.weight[row]), int(self.shared[row]),
            float(self.giving_weight[row]), int(self.shared_councils[row]), float(self.council_weight[row]),
            bool(self.partnered[row]))


def project_institutions(giving: Iterable[GivingEdge] | GivingColumns,
                         weighting: Weighting = Weighting.COLLABORATION, *,
                         memberships: Iterable[Membership] = (), partnerships: Iterable[Partnership] = (),
                         institutions: Iterable[str] = ()) -> Projection:
    """The institution–institution projection of ``giving`` (see the module docstring for the
    weights). ``memberships`` (institution seats; other kinds are ignored) and ``partnerships`` add
    their layers when given. Nodes are every institution met in the rows plus ``institutions``
    (pass the scope's full list so isolated institutions count in the metrics' ``n``)."""
    seats = [(m.member, m.council) for m in memberships if m.kind == Label.INSTITUTION.value]
    partners = [(p.a, p.b) for p in partnerships if p.a != p.b]
    if isinstance(giving, GivingColumns):
        keys = sorted({*institutions, *giving.institutions, *(s for s, _ in seats),
                       *(a for a, _ in partners), *(b for _, b in partners)})
        index = {k: i for i, k in enumerate(keys)}
        at = np.fromiter((index[k] for k in giving.institutions), np.int64, len(giving.institutions))
        pairs: _Pairs = (at[giving.institution], giving.donor)
    else:
        giving = list(giving)
        keys = sorted({*institutions, *(g.institution for g in giving), *(s for s, _ in seats),
                       *(a for a, _ in partners), *(b for _, b in partners)})
        pairs = [(g.institution, g.donor) for g in giving]
    return _project(Side.INSTITUTION, weighting, keys, pairs, seats, partners)


def project_donors(giving: Iterable[GivingEdge] | GivingColumns, weighting: Weighting = Weighting.COLLABORATION, *,
                   memberships: Iterable[Membership] = (), donors: Iterable[str] = ()) -> Projection:
    """The donor–donor co-funding projection: donors linked by the institutions they both fund,
    weighted as in ``project_institutions`` with the roles swapped (``k`` is then an institution's
    number of donors). ``memberships`` adds the donors' shared council seats."""
    giving = giving.edges() if isinstance(giving, GivingColumns) else list(giving)
    seats = [(m.member, m.council) for m in memberships if m.kind == Label.DONOR.value]
    keys = sorted({*donors, *(g.donor for g in giving), *(s for s, _ in seats)})
    return _project(Side.DONOR, weighting, keys, [(g.donor, g.institution) for g in giving], seats, [])


# (actor, via) pairs: keys, or already as (actor position in the projection's keys, via number).
_Pairs = list[tuple[str, str]] | tuple[IntArray, IntArray]


def _project(side: Side, weighting: Weighting, keys: Sequence[str], giving: _Pairs,
             seats: list[tuple[str, str]], partners: list[tuple[str, str]]) -> Projection:
    n = len(keys)
    index = {k: i for i, k in enumerate(keys)}
    g_code, g_shared, g_collab, g_jaccard = _shared(index, giving)
    c_code, c_shared, c_weight, _ = _shared(index, seats)
    p_code = _distinct(np.fromiter((min(index[a], index[b]) * n + max(index[a], index[b]) for a, b in partners),
                                   np.int64, len(partners)))
    code = _distinct(np.concatenate([g_code, c_code, p_code]))
    shared, giving_weight = np.zeros(len(code), np.int64), np.zeros(len(code))
    councils, council_weight = np.zeros(len(code), np.int64), np.zeros(len(code))
    partnered = np.zeros(len(code), np.bool_)
    at = np.searchsorted(code, g_code)
    shared[at] = g_shared
    giving_weight[at] = g_collab if weighting is Weighting.COLLABORATION else g_jaccard
    at = np.searchsorted(code, c_code)
    councils[at], council_weight[at] = c_shared, c_weight
    partnered[np.searchsorted(code, p_code)] = True
    weight = giving_weight + council_weight + partnered
    graph = WeightedGraph(tuple(keys), code // max(n, 1), code % max(n, 1), weight)
    return Projection(side, weighting, graph, shared, giving_weight, councils, council_weight, partnered)


def _shared(index: dict[str, int], pairs: _Pairs) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Pairs of actors sharing a neighbour ("via": a donor, an institution or a council).

    ``pairs`` are (actor, via), or the two as number arrays. Returns, per linked actor pair ``code = a * n + b`` (a < b,
    sorted): the number of shared vias, the collaboration weight ``sum 1 / (k_via - 1)`` and
    the Jaccard overlap. Vectorised by via degree: the vias of degree ``k`` form a matrix whose
    upper-triangle column pairs are all their actor pairs, which keeps the national projection
    (about two million pairs) near a second instead of the tens a Python loop takes.
    """
    n = len(index)
    if isinstance(pairs, tuple):
        actor, via = pairs
    else:
        vias: dict[str, int] = {}
        actor = np.fromiter((index[a] for a, _ in pairs), np.int64, len(pairs))
        via = np.fromiter((vias.setdefault(v, len(vias)) for _, v in pairs), np.int64, len(pairs))
    links = _distinct(via * max(n, 1) + actor)  # distinct (via, actor), grouped by via
    via, actor = links // max(n, 1), links % max(n, 1)
    starts = np.flatnonzero(np.r_[True, via[1:] != via[:-1]]) if len(via) else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, len(via)])
    codes, weights = [np.zeros(0, np.int64)], [np.zeros(0)]
    for k in np.unique(sizes[sizes > 1]):
        block = actor[starts[sizes == k][:, None] + np.arange(k)]  # one row per via, actors sorted
        a, b = np.triu_indices(int(k), 1)
        codes.append((block[:, a] * n + block[:, b]).ravel())
        weights.append(np.full(codes[-1].shape, 1.0 / (k - 1)))
    code, inverse = np.unique(np.concatenate(codes), return_inverse=True)
    shared = np.bincount(inverse, minlength=len(code)).astype(np.int64)
    collab = weighted_bincount(inverse, np.concatenate(weights), len(code))
    degree = np.bincount(actor, minlength=n)
    union = degree[code // max(n, 1)] + degree[code % max(n, 1)] - shared
    return code, shared, collab, shared / np.maximum(union, 1)


def _distinct(values: IntArray) -> IntArray:
    """Sorted distinct values. ``np.unique`` hashes int64 arrays in numpy >= 2.3, which is
    several times slower than sorting for the millions of pair codes of a national projection."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values
