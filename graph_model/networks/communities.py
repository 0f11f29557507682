"""Communities of a projection: Louvain and Leiden, both maximising weighted modularity.

Modularity (Newman–Girvan, weighted, with resolution ``γ``):
``Q = Σ_c [ W_c / W - γ (S_c / 2W)^2 ]``, ``W`` the total edge weight, ``W_c`` the weight inside
community ``c`` and ``S_c`` the strengths of its members. ``γ > 1`` gives more, smaller communities.

- ``louvain``: networkx's ``louvain_communities`` (the reference) or igraph's
  ``community_multilevel`` (the same Blondel et al. algorithm in C).
- ``leiden`` (Traag et al. 2019; unlike Louvain it guarantees connected communities): igraph's
  ``community_leiden`` with the modularity objective, or leidenalg's
  ``RBConfigurationVertexPartition`` (modularity with a resolution). igraph's is about ten times
  faster on the national projection and found a slightly better partition there
  (benchmarks/README.md), so it is the default.

The libraries visit nodes in different random orders, so their partitions differ in detail; what
must agree is the quality (modularity), which the tests and the benchmark compare. Communities are
numbered by size (largest first, ties by smallest member key); members are sorted by key.
``describe`` attaches the services a community covers and its main donors.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import Enum
from functools import cached_property

import numpy as np

from graph_model.errors import FieldError, ValidationFailed
from graph_model.networks.backends import Backend, to_igraph, to_networkx
from graph_model.networks.graph import WeightedGraph
from graph_model.networks.projections import GivingEdge

# igraph draws from one process-wide random generator; swapping in a seeded one is guarded so two
# threads computing communities at once still get their own seed's answer.
_IGRAPH_RNG = threading.Lock()


class Algorithm(str, Enum):
    LOUVAIN = "louvain"
    LEIDEN = "leiden"


@dataclass(frozen=True, slots=True)
class ServiceCount:
    """A service and how many of a community's institutions offer it."""

    service: str
    institutions: int


@dataclass(frozen=True, slots=True)
class DonorShare:
    """A donor, what it gave a community's institutions (rials) and how many of them it funds."""

    donor: str
    amount: int
    institutions: int


@dataclass(frozen=True)
class Community:
    index: int  # 0 = largest
    members: tuple[str, ...]
    services: tuple[ServiceCount, ...] = ()  # filled by ``describe``
    donors: tuple[DonorShare, ...] = ()  # filled by ``describe``

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Partition:
    """Every node of the graph in exactly one community."""

    algorithm: Algorithm
    method: str  # the library function that found it, e.g. "igraph.Graph.community_leiden"
    resolution: float
    seed: int
    modularity: float
    communities: tuple[Community, ...]

    def community_of(self, key: str) -> Community | None:
        return self._by_member.get(key)

    @cached_property
    def _by_member(self) -> dict[str, Community]:
        return {key: c for c in self.communities for key in c.members}


def louvain(graph: WeightedGraph, *, resolution: float = 1.0, seed: int = 0,
            backend: Backend | None = None) -> Partition:
    """Louvain communities (networkx reference or igraph), reproducible for a ``seed``."""
    backend = backend or Backend.IGRAPH
    _check(resolution)
    if backend is Backend.NETWORKX:
        import networkx as nx

        groups: Sequence[Iterable[str]] = nx.community.louvain_communities(
            to_networkx(graph), weight="weight", resolution=resolution, seed=seed)
        method = "networkx.community.louvain_communities"
    elif backend is Backend.IGRAPH:
        with _seeded_igraph(seed):
            membership = to_igraph(graph).community_multilevel(weights="weight", resolution=resolution).membership
        groups, method = _groups(graph, membership), "igraph.Graph.community_multilevel"
    else:
        raise ValidationFailed(f"{backend.value} has no Louvain", [FieldError("backend", "choose igraph")])
    return _partition(graph, Algorithm.LOUVAIN, method, resolution, seed, groups)


def leiden(graph: WeightedGraph, *, resolution: float = 1.0, seed: int = 0, iterations: int = 2,
           leidenalg: bool = False) -> Partition:
    """Leiden communities, reproducible for a ``seed``: ``iterations`` rounds of the algorithm (2,
    both libraries' default; -1 repeats until a round changes nothing). igraph's implementation
    unless ``leidenalg``."""
    _check(resolution)
    if leidenalg:
        import leidenalg as la

        found = la.find_partition(to_igraph(graph), la.RBConfigurationVertexPartition, weights="weight",
                                  resolution_parameter=resolution, n_iterations=iterations, seed=seed)
        membership, method = found.membership, "leidenalg.RBConfigurationVertexPartition"
    else:
        with _seeded_igraph(seed):
            membership = to_igraph(graph).community_leiden(
                objective_function="modularity", weights="weight", resolution=resolution,
                n_iterations=iterations).membership
        method = "igraph.Graph.community_leiden"
    return _partition(graph, Algorithm.LEIDEN, method, resolution, seed, _groups(graph, membership))


@contextmanager
def _seeded_igraph(seed: int) -> Iterator[None]:
    import igraph as ig

    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def modularity(graph: WeightedGraph, communities: Iterable[Iterable[str]], resolution: float = 1.0) -> float:
    """Weighted modularity of a partition of ``graph``'s nodes (as networkx's ``modularity``)."""
    label = np.full(graph.order, -1, np.int64)
    for c, members in enumerate(communities):
        for key in members:
            i = graph.index(key)
            if i is None or label[i] >= 0:
                raise ValueError(f"{key!r} is not a node of the graph or is in two communities")
            label[i] = c
    if (label < 0).any():
        raise ValueError("the communities do not cover every node")
    total = float(graph.weight.sum())
    if total == 0:
        return 0.0
    inside = label[graph.source] == label[graph.target]
    within = np.bincount(label[graph.source][inside], weights=graph.weight[inside], minlength=label.max() + 1)
    strength = np.bincount(label, weights=graph.strengths(), minlength=label.max() + 1)
    return float((within / total).sum() - resolution * ((strength / (2 * total)) ** 2).sum())


def describe(partition: Partition, *, services: Mapping[str, Iterable[str]] | None = None,
             giving: Iterable[GivingEdge] | None = None, limit: int = 5) -> Partition:
    """The partition with, per community, its ``limit`` most offered services (``services``:
    institution -> service keys; by number of member institutions offering it) and its ``limit``
    main donors (``giving``: by total amount given to the members). Ties go by key."""
    by_institution: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in giving or ():
        by_institution[g.institution][g.donor] += g.amount
    described = []
    for community in partition.communities:
        offered = Counter(s for member in community.members for s in set((services or {}).get(member, ())))
        amounts: dict[str, int] = defaultdict(int)
        funded: Counter[str] = Counter()
        for member in community.members:
            for donor, amount in by_institution.get(member, {}).items():
                amounts[donor] += amount
                funded[donor] += 1
        top_services = sorted(offered.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        top_donors = sorted(amounts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        described.append(replace(
            community, services=tuple(ServiceCount(s, n) for s, n in top_services),
            donors=tuple(DonorShare(d, a, funded[d]) for d, a in top_donors)))
    return replace(partition, communities=tuple(described))


def _groups(graph: WeightedGraph, membership: Sequence[int]) -> list[list[str]]:
    groups: dict[int, list[str]] = defaultdict(list)
    for key, label in zip(graph.nodes, membership, strict=True):
        groups[label].append(key)
    return list(groups.values())


def _partition(graph: WeightedGraph, algorithm: Algorithm, method: str, resolution: float, seed: int,
               groups: Iterable[Iterable[str]]) -> Partition:
    ordered = sorted((tuple(sorted(g)) for g in groups), key=lambda members: (-len(members), members[0]))
    communities = tuple(Community(i, members) for i, members in enumerate(ordered))
    return Partition(algorithm, method, resolution, seed, modularity(graph, ordered, resolution), communities)


def _check(resolution: float) -> None:
    if not resolution > 0:
        raise ValidationFailed("invalid resolution", [FieldError("resolution", "must be positive")])
