"""Which provinces neighbour which, approximated from county centroids.

The store holds no province borders, only each county's centroid (``CountyInfo.lat``/``lon``).
Two provinces count as neighbours when a county of one has a county of the other among its ``k``
nearest counties by great-circle distance; the relation is made symmetric. This approximates
"shares a border": a county on a provincial border usually has counties across it among its
nearest ones, while counties deep inside a province only see their own province. It can miss
two provinces whose border counties are large (centroids far apart compared with the counties
behind them) and can join two provinces that are close but not touching (a narrow strip of a
third one, or water, between them). ``k = 3`` keeps the relation to roughly the provinces one
border away; a larger ``k`` reaches further.

Counties without coordinates are skipped: they neither find nor are found as neighbours. Ties in
distance are broken by county key, so the answer is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from graph_model.errors import FieldError, ValidationFailed
from graph_model.networks.graph import FloatArray
from graph_model.networks.scope import CountyInfo

EARTH_RADIUS_KM = 6371.0088  # the mean Earth radius (IUGG)
ROWS_PER_BLOCK = 512  # distance rows computed at once: bounds memory for any number of counties


def great_circle_km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """Great-circle distance in km between two points given in degrees (haversine formula)."""
    return float(_haversine(np.radians([lat_a]), np.radians([lon_a]), np.radians(lat_b), np.radians(lon_b))[0])


def province_neighbours(counties: Mapping[str, CountyInfo], k: int = 3) -> dict[str, frozenset[str]]:
    """Every province with at least one located county -> its neighbouring provinces (see the
    module docstring). A province never neighbours itself; the relation is symmetric."""
    if k < 1:
        raise ValidationFailed("invalid number of nearest counties", [FieldError("k", "must be >= 1")])
    located = sorted((c for c in counties.values() if c.lat is not None and c.lon is not None),
                     key=lambda c: c.key)
    neighbours: dict[str, set[str]] = {c.province: set() for c in located}
    if len(located) < 2:
        return {p: frozenset() for p in neighbours}
    lat = np.radians(np.array([c.lat for c in located], dtype=np.float64))
    lon = np.radians(np.array([c.lon for c in located], dtype=np.float64))
    provinces = [c.province for c in located]
    take = min(k, len(located) - 1)
    for start in range(0, len(located), ROWS_PER_BLOCK):
        rows = np.arange(start, min(start + ROWS_PER_BLOCK, len(located)))
        distance = _haversine(lat[rows, None], lon[rows, None], lat[None, :], lon[None, :])
        distance[np.arange(len(rows)), rows] = np.inf  # a county is not its own neighbour
        # a stable sort over counties sorted by key: equal distances keep key order
        nearest = np.argsort(distance, axis=1, kind="stable")[:, :take]
        for row, near in zip(rows, nearest, strict=True):
            mine = provinces[row]
            for other in (provinces[j] for j in near):
                if other != mine:
                    neighbours[mine].add(other)
                    neighbours[other].add(mine)
    return {p: frozenset(n) for p, n in sorted(neighbours.items())}


def _haversine(lat_a: FloatArray, lon_a: FloatArray, lat_b: FloatArray, lon_b: FloatArray) -> FloatArray:
    """Great-circle distances in km between points in radians (numpy broadcasting)."""
    h = np.sin((lat_b - lat_a) / 2) ** 2 + np.cos(lat_a) * np.cos(lat_b) * np.sin((lon_b - lon_a) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
