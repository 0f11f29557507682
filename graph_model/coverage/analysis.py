"""Coverage of one service or target group per area: need, capacity, what reaches it, the gap.

Methods (``Method``):

- ``RATIO``: provider-to-population ratio. An area reaches the licensed capacity located in it.
- ``TWO_STEP`` (2SFCA) and ``ENHANCED`` (E2SFCA, with ``Decay`` GAUSSIAN or STEPPED): demand at
  county centroids, supply at institutions, great-circle distances, a catchment ``radius_km``
  (``graph_model.coverage.methods``). An area reaches its accessibility times its need: its
  share of every provider within reach.
- ``NEAREST``: the distance from each county to the nearest provider with capacity. An area
  reaches the capacity within the radius; when nothing is within it, its whole target is short.

The norm is capacity per 10,000 people in need; by default the national one (all licensed
capacity over all need), so a gap is measured against what the country provides on average.
Per area: ``target = need x norm / 10,000``, ``shortfall = max(0, target - reached)`` (people
or places), ``unmet = shortfall / target``. Areas rank by unmet share, then shortfall (for
NEAREST: by distance, then shortfall); rank 1 is the worst served.

A province's need, capacity, reached and target are its counties' sums, and its shortfall is
netted over them; for NEAREST it is the sum of its counties' shortfalls and its distance is its
worst county's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

import numpy as np

from graph_model.coverage.methods import Decay, decay_weights, distance_matrix_km, floating_catchment, nearest_km
from graph_model.coverage.need import NeedFigure
from graph_model.coverage.reading import Areas, Provider


class Method(str, Enum):
    RATIO = "RATIO"
    TWO_STEP = "TWO_STEP"
    ENHANCED = "ENHANCED"
    NEAREST = "NEAREST"


class Level(str, Enum):
    COUNTY = "COUNTY"
    PROVINCE = "PROVINCE"


PER = 10_000.0  # ratios and norms are per 10,000 people in need


@dataclass(frozen=True)
class Options:
    method: Method = Method.ENHANCED
    level: Level = Level.COUNTY
    radius_km: float = 50.0
    decay: Decay = Decay.GAUSSIAN  # ENHANCED only: TWO_STEP is UNIFORM by definition
    norm: float | None = None  # capacity per 10,000 in need; None: the national ratio


@dataclass(frozen=True, slots=True)
class Reach:
    """A provider reaching an area: its capacity, distance from the county centroid and weight."""

    institution: str
    service: str
    capacity: int
    distance_km: float
    weight: float


@dataclass(frozen=True)
class AreaCoverage:
    key: str
    level: Level
    province: str
    need: float
    needs: tuple[NeedFigure, ...]
    capacity: float  # licensed capacity located in the area
    unlicensed: float  # capacity offered in the area without a licence in force on the date
    reached: float
    accessibility: float | None  # TWO_STEP / ENHANCED: supply per person in need
    nearest_km: float | None  # None: no provider anywhere
    within_reach: bool  # a provider lies within the radius (every county of a province)
    target: float
    shortfall: float
    rank: int = 0

    @property
    def ratio(self) -> float | None:
        """Reached capacity per 10,000 people in need."""
        return self.reached / self.need * PER if self.need > 0 else None

    @property
    def unmet(self) -> float:
        return self.shortfall / self.target if self.target > 0 else 0.0


@dataclass(frozen=True)
class CoverageTable:
    services: tuple[str, ...]
    groups: tuple[str, ...]
    options: Options
    norm: float  # the norm applied, per 10,000 in need
    need: float
    capacity: float
    areas: tuple[AreaCoverage, ...]  # ranked, worst first
    reach: Callable[[str], tuple[Reach, ...]] = field(repr=False, compare=False)
    by_key: dict[str, AreaCoverage] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {a.key: a for a in self.areas})
        object.__setattr__(self, "_reached", {})

    def providers(self, key: str) -> tuple[Reach, ...]:
        """The providers reaching an area, strongest weight first (computed when first asked:
        most answers never list them)."""
        known: dict[str, tuple[Reach, ...]] = self._reached  # type: ignore[attr-defined]
        if key not in known:
            known[key] = self.reach(key)
        return known[key]


def _distances(clat: np.ndarray, clon: np.ndarray, plat: np.ndarray, plon: np.ndarray) -> np.ndarray:
    """Counties x providers in km. A county or provider with no known location (a county created
    without a centroid, a provider in it without its own) is out of reach: infinitely far."""
    rows = np.isfinite(clat) & np.isfinite(clon)
    cols = np.isfinite(plat) & np.isfinite(plon)
    if rows.all() and cols.all():
        return distance_matrix_km(clat, clon, plat, plon)
    dist = np.full((clat.size, plat.size), np.inf)
    dist[np.ix_(rows, cols)] = distance_matrix_km(clat[rows], clon[rows], plat[cols], plon[cols])
    return dist


def compute(areas: Areas, needs: dict[str, tuple[NeedFigure, ...]], providers: Sequence[Provider],
            services: tuple[str, ...], groups: tuple[str, ...], options: Options) -> CoverageTable:
    """The coverage table of ``providers`` (already the services asked) against ``needs``."""
    counties = areas.counties
    index = areas.county_index
    people = np.array([sum(f.people for f in needs.get(c.key, ())) for c in counties], dtype=float)
    clat = np.array([np.nan if c.lat is None else c.lat for c in counties], dtype=float)
    clon = np.array([np.nan if c.lon is None else c.lon for c in counties], dtype=float)
    licensed = [p for p in providers if p.licensed and p.county in index]
    home = np.array([index[p.county] for p in licensed], dtype=np.int64)
    cap = np.array([p.capacity for p in licensed], dtype=float)
    plat = np.array([clat[h] if p.lat is None else p.lat for p, h in zip(licensed, home, strict=True)], dtype=float)
    plon = np.array([clon[h] if p.lon is None else p.lon for p, h in zip(licensed, home, strict=True)], dtype=float)
    dist = _distances(clat, clon, plat, plon)
    in_county = np.bincount(home, weights=cap, minlength=len(counties)) if len(home) else np.zeros(len(counties))
    unlicensed = np.zeros(len(counties))
    for p in providers:
        if not p.licensed and p.county in index:
            unlicensed[index[p.county]] += p.capacity
    total_need, total_cap = float(people.sum()), float(cap.sum())
    norm = options.norm if options.norm is not None else (total_cap / total_need * PER if total_need else 0.0)
    target = people * norm / PER
    nearest = nearest_km(dist, cap)

    method = options.method
    accessibility: np.ndarray | None = None
    if method is Method.RATIO:
        weights = (home[None, :] == np.arange(len(counties))[:, None]).astype(float)
        reached = in_county
    elif method is Method.NEAREST:
        weights = decay_weights(dist, options.radius_km, Decay.UNIFORM)
        reached = weights @ cap
    else:
        decay = Decay.UNIFORM if method is Method.TWO_STEP else options.decay
        catchment = floating_catchment(people, cap, dist, options.radius_km, decay)
        weights, accessibility = catchment.weights, catchment.accessibility
        reached = accessibility * people
    within = nearest <= options.radius_km
    if method is Method.NEAREST:
        shortfall = np.where(within, 0.0, target)
    else:
        shortfall = np.maximum(0.0, target - reached)

    def reach(key: str) -> tuple[Reach, ...]:
        """The providers with weight in the area's counties, strongest first."""
        rows = [index[key]] if options.level is Level.COUNTY else [i for i, c in enumerate(counties)
                                                                   if c.province == key]
        best: dict[int, tuple[float, float]] = {}
        for i in rows:
            for j in np.flatnonzero(weights[i] > 0):
                w, d = float(weights[i, j]), float(dist[i, j])
                old = best.get(int(j))
                best[int(j)] = (max(w, old[0]), min(d, old[1])) if old else (w, d)
        items = [Reach(licensed[j].institution, licensed[j].service, licensed[j].capacity, d, w)
                 for j, (w, d) in best.items()]
        return tuple(sorted(items, key=lambda r: (-r.weight, r.distance_km, r.institution, r.service)))

    def finite(x: float) -> float | None:
        return None if not np.isfinite(x) else float(x)

    results: list[AreaCoverage] = []
    if options.level is Level.COUNTY:
        for i, c in enumerate(counties):
            results.append(AreaCoverage(
                c.key, Level.COUNTY, c.province, float(people[i]), needs.get(c.key, ()), float(in_county[i]),
                float(unlicensed[i]), float(reached[i]),
                None if accessibility is None else float(accessibility[i]), finite(nearest[i]), bool(within[i]),
                float(target[i]), float(shortfall[i])))
    else:
        for province in sorted(areas.provinces):
            rows = np.array([i for i, c in enumerate(counties) if c.province == province], dtype=np.int64)
            if not len(rows):
                continue
            need, got, goal = float(people[rows].sum()), float(reached[rows].sum()), float(target[rows].sum())
            short = float(shortfall[rows].sum()) if method is Method.NEAREST else max(0.0, goal - got)
            figures = tuple(f for i in rows for f in needs.get(counties[i].key, ()))
            results.append(AreaCoverage(
                province, Level.PROVINCE, province, need, figures, float(in_county[rows].sum()),
                float(unlicensed[rows].sum()), got, None if accessibility is None else (got / need if need else 0.0),
                finite(float(nearest[rows].max())), bool(within[rows].all()), goal, short))
    return CoverageTable(services, groups, options, norm, total_need, total_cap, ranked(results, method), reach)


def ranked(results: list[AreaCoverage], method: Method) -> tuple[AreaCoverage, ...]:
    if method is Method.NEAREST:
        def order(a: AreaCoverage) -> tuple[float, float, str]:
            far = float("inf") if a.nearest_km is None else a.nearest_km
            return (-far, -a.shortfall, a.key)
    else:
        def order(a: AreaCoverage) -> tuple[float, float, str]:
            return (-a.unmet, -a.shortfall, a.key)
    return tuple(replace(a, rank=n) for n, a in enumerate(sorted(results, key=order), start=1))
