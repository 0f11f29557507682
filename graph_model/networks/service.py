"""The collaboration networks as the API asks for them: read a scope, compute, cache.

``Networks(store, cache)`` answers each question from the scope's ``ScopeData`` (one statement,
``graph_model.networks.reading``) and the computing core, off the event loop
(``graph_model.offload``: a national projection takes seconds of CPU; every step whose work grows
with the scope runs there, the rows' conversion into a ``ScopeData`` included). Every step is kept
in a ``VersionCache`` under the scope and the networks count (graph_model.networks.inputs: the
count of writes that may change what the network statements read), so a ranking asked twice between
such writes is computed once, and concurrent askers of a missing answer share one computation. The
count is global: any write that may change the networks' inputs anywhere invalidates every network
answer (coarser than "writes touching the scope", and never stale, which the per-scope form could not
promise for a donor's gifts elsewhere); a write that cannot (a new donor, an institution's
``source``, a licence, an audit entry) leaves them all.

Betweenness is exact when it fits a time budget and sampled otherwise, with its error
(``sampling.budgeted_betweenness``): the national institution projection has about two million
edges, where exact weighted betweenness takes over an hour.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Hashable
from dataclasses import dataclass
from typing import TypeVar

from graph_model.cache import VersionCache
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks import explore
from graph_model.networks.communities import Algorithm, Partition, describe, leiden, louvain
from graph_model.networks.explore import ALL, Connection, Neighbourhood, NetworkRelation, NodeRef
from graph_model.networks.metrics import Metric, Ranking, rank
from graph_model.networks.overlap import (
    DonorOverlap, GivingIndex, OverlapOrder, donor_overlap, isolated_institutions, shared_donors)
from graph_model.networks.projections import Projection, Side, Weighting, project_donors, project_institutions
from graph_model.networks.reading import read_scope
from graph_model.networks.sampling import budgeted_betweenness
from graph_model.networks.scope import NetworkScope, ScopeData
from graph_model.networks.suggest import Suggestion, suggest_donors
from graph_model.offload import offload, offload_graph
from graph_model.stores.base import GraphStore
from graph_model.version import Version, current_networks

T = TypeVar("T")

# Seconds of search a betweenness answer may spend (graph_model.networks.sampling): exact when
# all sources fit, otherwise as many sampled sources as fit, with the sampling error stated.
BETWEENNESS_BUDGET_S = 3.0


@dataclass(frozen=True)
class Brokers:
    """A ranking over a projection, with how it was computed."""

    ranking: Ranking
    nodes: int
    edges: int
    exact: bool = True
    pivots: int | None = None
    weighted: bool = True
    relative_error: float | None = None  # sampled betweenness: mean standard error / value of the top


class Networks:
    """Methods taking a ``version`` take the networks count (``current_networks``), not the graph
    version."""

    def __init__(self, store: GraphStore, cache: VersionCache | None = None) -> None:
        self.store = store
        self.cache = cache if cache is not None else VersionCache(maxsize=64)
        # Kept per networks count, beside the shared cache (which follows the graph version).
        self.kept = self.cache.beside("networks")

    async def version(self) -> Version:
        return await current_networks(self.store)

    async def _cached(self, key: Hashable, compute: Callable[[Version], Awaitable[T]]) -> T:
        version = await self.version()
        return await self.kept.get(version, ("networks", key), lambda: compute(version))

    async def _at(self, version: Version, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        return await self.kept.get(version, ("networks", key), compute)

    # -- steps shared by several answers ---------------------------------------------------

    async def _data(self, version: Version, scope: NetworkScope) -> ScopeData:
        return await self._at(version, ("data", scope), lambda: read_scope(self.store, scope))

    async def _projection(self, version: Version, scope: NetworkScope, side: Side, weighting: Weighting) -> Projection:
        async def compute() -> Projection:
            data = await self._data(version, scope)
            return await offload(project, data, side, weighting)
        return await self._at(version, ("projection", scope, side, weighting), compute)

    async def _index(self, version: Version, scope: NetworkScope) -> GivingIndex:
        async def compute() -> GivingIndex:
            data = await self._data(version, scope)
            return await offload(GivingIndex.from_rows, data.edges)
        return await self._at(version, ("index", scope), compute)

    # -- answers ---------------------------------------------------------------------------

    async def data(self, scope: NetworkScope) -> ScopeData:
        return await self._data(await self.version(), scope)

    async def projection(self, scope: NetworkScope, side: Side = Side.INSTITUTION,
                         weighting: Weighting = Weighting.COLLABORATION) -> Projection:
        return await self._projection(await self.version(), scope, side, weighting)

    async def brokers(self, scope: NetworkScope, metric: Metric, *, side: Side = Side.INSTITUTION,
                      weighting: Weighting = Weighting.COLLABORATION, weighted: bool = True) -> Brokers:
        """``metric`` over the scope's projection. ``weighted`` only matters for betweenness (paths
        measured by 1/weight, or by hops)."""
        async def compute(version: Version) -> Brokers:
            graph = (await self._projection(version, scope, side, weighting)).graph
            if metric is not Metric.BETWEENNESS:
                return Brokers(await offload_graph(rank, graph, metric), graph.order, graph.size)
            found = await offload_graph(budgeted_betweenness, graph, weighted=weighted,
                                        budget_s=BETWEENNESS_BUDGET_S)
            return Brokers(found.ranking, graph.order, graph.size, found.exact, found.pivots, weighted,
                           found.relative_error)
        key = ("brokers", scope, metric, side, weighting, weighted and metric is Metric.BETWEENNESS)
        return await self._cached(key, compute)

    async def communities(self, scope: NetworkScope, *, algorithm: Algorithm = Algorithm.LEIDEN,
                          side: Side = Side.INSTITUTION, weighting: Weighting = Weighting.COLLABORATION,
                          resolution: float = 1.0, seed: int = 0) -> Partition:
        async def compute(version: Version) -> Partition:
            data = await self._data(version, scope)
            graph = (await self._projection(version, scope, side, weighting)).graph
            find = leiden if algorithm is Algorithm.LEIDEN else louvain
            found = await offload_graph(find, graph, resolution=resolution, seed=seed)

            def run() -> Partition:
                services = {k: info.services for k, info in data.institutions.items()}
                return describe(found, services=services, giving=data.edges)
            return await offload(run) if side is Side.INSTITUTION else found
        return await self._cached(("communities", scope, algorithm, side, weighting, resolution, seed), compute)

    async def shared_donors(self, scope: NetworkScope, institution: str, *, order: OverlapOrder = OverlapOrder.SHARED,
                            limit: int | None = None) -> tuple[DonorOverlap, ...]:
        async def compute(version: Version) -> tuple[DonorOverlap, ...]:
            await self._require(version, scope, institution)
            return await offload(shared_donors, await self._index(version, scope), institution, order=order,
                                 limit=limit)
        return await self._cached(("shared", scope, institution, order, limit), compute)

    async def overlap(self, scope: NetworkScope, institution: str, other: str) -> DonorOverlap:
        async def compute(version: Version) -> DonorOverlap:
            for key in (institution, other):
                await self._require(version, scope, key)
            return await offload(donor_overlap, await self._index(version, scope), institution, other)
        return await self._cached(("overlap", scope, institution, other), compute)

    async def isolated(self, scope: NetworkScope) -> tuple[str, ...]:
        async def compute(version: Version) -> tuple[str, ...]:
            d = await self._data(version, scope)
            return await offload(isolated_institutions, d.institutions, giving=d.edges, memberships=d.memberships,
                                 partnerships=d.partnerships)
        return await self._cached(("isolated", scope), compute)

    async def suggestions(self, scope: NetworkScope, *, institution: str | None = None, service: str | None = None,
                          county: str | None = None, limit: int = 20) -> tuple[Suggestion, ...]:
        """Donors for an institution or a gap (``suggest.suggest_donors``); candidates are the donors
        who gave in ``scope`` (the country, in the API), the window included."""
        async def compute(version: Version) -> tuple[Suggestion, ...]:
            data = await self._data(version, scope)
            return await offload(suggest_donors, data, institution=institution, service=service,
                                 county=county, limit=limit)
        return await self._cached(("suggest", scope, institution, service, county, limit), compute)

    async def neighbourhood(self, center: NodeRef, *, depth: int = 2, relations: Collection[NetworkRelation] = ALL,
                            limit: int = 200, public: bool = False) -> Neighbourhood:
        """``public``: ranked without individual donors' amounts (``explore.neighbourhood``), cached apart."""
        rel = frozenset(relations)
        return await self._cached(("neighbourhood", center, depth, rel, limit, public), lambda v: explore.neighbourhood(
            self.store, center, depth=depth, relations=rel, limit=limit, public=public))

    async def connection(self, source: NodeRef, target: NodeRef, *, max_hops: int = 4,
                         relations: Collection[NetworkRelation] = ALL, limit: int = 10) -> Connection:
        rel = frozenset(relations)
        return await self._cached(("connection", source, target, max_hops, rel, limit), lambda v: explore.connection(
            self.store, source, target, max_hops=max_hops, relations=rel, limit=limit))

    async def _require(self, version: Version, scope: NetworkScope, institution: str) -> None:
        if institution not in (await self._data(version, scope)).institutions:
            raise NotFound(f"no institution with key {institution!r} in this scope")


def project(data: ScopeData, side: Side, weighting: Weighting) -> Projection:
    if side is Side.INSTITUTION:
        return project_institutions(data.giving, weighting, memberships=data.memberships,
                                    partnerships=data.partnerships, institutions=data.institutions)
    return project_donors(data.giving, weighting, memberships=data.memberships)


def check_limit(limit: int | None, field: str = "limit", most: int = 1000) -> None:
    if limit is not None and not 1 <= limit <= most:
        raise ValidationFailed(f"{field} must be between 1 and {most}", [FieldError(field, f"between 1 and {most}")])
