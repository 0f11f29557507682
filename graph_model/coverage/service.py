"""Coverage as the API asks for it: resolve the subject, read, compute, cache.

``Coverage(store, cache)`` keeps each step in the process's ``VersionCache`` under the graph
version: the areas and services (one read for every question), the providers of a set of
services on a date, the planners' need figures, and each finished table. Computing runs off the
event loop (``graph_model.offload``). A what-if recomputes from the cached reads with its changes
applied in memory, also off the loop; its changes are few (at most ``HUB_MAX_LIST``, refused by
size before anything runs: 11,000 changes once held the loop for 10 s).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from graph_model.cache import VersionCache
from graph_model.coverage import whatif
from graph_model.coverage.analysis import CoverageTable, Level, Options, compute
from graph_model.coverage.need import NeedFigure, needs_by_county
from graph_model.coverage.threew import WhoWhatWhere, matrix
from graph_model.coverage.reading import Areas, Offers, Provider, read_areas, read_offers, read_overrides
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks.scope import NetworkScope
from graph_model.networks.service import Networks
from graph_model.offload import offload
from graph_model.stores.base import GraphStore
from graph_model.version import Version, current_coverage, versions

T = TypeVar("T")
MAX_RADIUS_KM = 1000.0


@dataclass(frozen=True)
class Subject:
    """What coverage is asked for: one service, or every service serving one target group."""

    service: str | None = None
    target_group: str | None = None


@dataclass(frozen=True)
class Inputs:
    """What one coverage table is computed from (each part cached on its own)."""

    areas: Areas
    needs: dict[str, tuple[NeedFigure, ...]]
    providers: tuple[Provider, ...]
    services: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    before: CoverageTable
    after: CoverageTable


class Coverage:
    """Coverage tables. Methods taking a ``version`` take the coverage version (current_coverage),
    not the graph version; answers that also read donations (the 3W matrix) are kept per graph
    version in the shared cache."""

    def __init__(self, store: GraphStore, cache: VersionCache | None = None) -> None:
        self.store = store
        self.cache = cache if cache is not None else VersionCache(maxsize=64)
        # Coverage's own answers are kept per coverage version (graph_model.coverage.inputs: writes
        # that cannot change its inputs leave it), beside the shared cache, which follows the graph's.
        self.inputs = self.cache.beside("coverage")

    async def _at(self, version: Version, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        return await self.inputs.get(version, ("coverage", key), compute)

    async def version(self) -> Version:
        return await current_coverage(self.store)

    async def areas(self, version: Version) -> Areas:
        return await self._at(version, "areas", lambda: read_areas(self.store))

    async def offers(self, version: Version, service: str) -> Offers:
        return await self._at(version, ("offers", service), lambda: read_offers(self.store, (service,)))

    async def providers(self, version: Version, services: tuple[str, ...], as_of: dt.date) -> tuple[Provider, ...]:
        """The providers of the services on a day. Offers are read and kept per service, so a target
        group's question and its services' share them, and so does every day asked."""
        async def compute() -> tuple[Provider, ...]:
            read = await asyncio.gather(*(self.offers(version, s) for s in services))
            return tuple(p for offers in read for p in offers.on(as_of))
        return await self._at(version, ("providers", services, as_of), compute)

    async def needs(self, version: Version, groups: tuple[str, ...]) -> dict[str, tuple[NeedFigure, ...]]:
        async def compute() -> dict[str, tuple[NeedFigure, ...]]:
            areas = await self.areas(version)
            overrides = await read_overrides(self.store, groups)
            return needs_by_county((c.census for c in areas.counties), groups, overrides)
        return await self._at(version, ("needs", groups), compute)

    async def resolve(self, version: Version, subject: Subject) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(services, target groups) of a subject: a service and the groups it serves, or a group
        and the services serving it."""
        if (subject.service is None) == (subject.target_group is None):
            raise ValidationFailed("ask for a service or a target group", [FieldError(
                "service", "give exactly one of service and targetGroup")])
        areas = await self.areas(version)
        if subject.service is not None:
            info = areas.services.get(subject.service)
            if info is None:
                raise NotFound(f"no service with key {subject.service!r}")
            return (info.key,), info.groups
        if subject.target_group not in areas.groups:
            raise NotFound(f"no target group with key {subject.target_group!r}")
        return areas.serving(subject.target_group), (subject.target_group,)

    async def _inputs(self, version: Version, subject: Subject, as_of: dt.date) -> Inputs:
        services, groups = await self.resolve(version, subject)
        areas, needs, providers = await asyncio.gather(
            self.areas(version), self.needs(version, groups), self.providers(version, services, as_of))
        return Inputs(areas, needs, providers, services, groups)

    async def _table(self, version: Version, subject: Subject, options: Options, as_of: dt.date) -> CoverageTable:
        async def build() -> CoverageTable:
            given = await self._inputs(version, subject, as_of)
            return await offload(compute, given.areas, given.needs, given.providers, given.services,
                                           given.groups, options)
        return await self._at(version, ("table", subject, options, as_of), build)

    async def table(self, subject: Subject, options: Options, as_of: dt.date) -> CoverageTable:
        check(options)
        return await self._table(await self.version(), subject, options, as_of)

    async def what_if(self, subject: Subject, options: Options, as_of: dt.date,
                      changes: Sequence[whatif.Change], norm_after: float | None = None) -> Comparison:
        """Coverage before and after the changes, both at one graph version. The norm stays the one
        before (so added capacity shows as the gap it closes) unless ``norm_after`` sets another."""
        if not changes and norm_after is None:
            raise ValidationFailed("a what-if needs a change", [FieldError("changes", "give a change or normAfter")])
        check(options)
        if norm_after is not None:
            check(replace(options, norm=norm_after), "normAfter")
        version = await self.version()
        before = await self._table(version, subject, options, as_of)
        given = await self._inputs(version, subject, as_of)
        changed = await offload(whatif.apply, given.areas, given.providers, given.services, changes)
        after_options = replace(options, norm=before.norm if norm_after is None else norm_after)
        after = await offload(compute, given.areas, given.needs, changed, given.services, given.groups,
                                        after_options)
        return Comparison(before, after)

    async def who_what_where(self, networks: Networks, scope: NetworkScope, level: Level,
                             as_of: dt.date) -> tuple[WhoWhatWhere, ...]:
        """The 3W matrix of a scope: the providers of every service on ``as_of`` and the gifts of
        the scope's window, read through ``networks`` (whose cache the scope read is shared with)."""
        version, inputs = (got := await versions(self.store)).graph, got.coverage

        async def build() -> tuple[WhoWhatWhere, ...]:
            data = await networks.data(scope)
            areas = await self.areas(inputs)
            providers = await self.providers(inputs, tuple(sorted(areas.services)), as_of)
            return await offload(matrix, providers, data, level)
        # the gifts' figures: kept per graph version, like every answer carrying them
        return await self.cache.get(version, ("coverage", "3w", scope, level, as_of), build)


def check(options: Options, norm_field: str = "norm") -> None:
    if not 0 < options.radius_km <= MAX_RADIUS_KM:
        raise ValidationFailed("the catchment radius is out of range", [FieldError(
            "radiusKm", f"more than 0 and at most {MAX_RADIUS_KM:g} km")])
    if options.norm is not None and not 0 <= options.norm <= 1e9:
        raise ValidationFailed("the norm is out of range", [FieldError(norm_field, "0 to 10^9 per 10,000 in need")])
