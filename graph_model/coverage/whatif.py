"""What-if changes to a coverage question, applied in memory to what was read (never written).

- ``AddCapacity``: a hypothetical licensed provider of a service, at a county's centroid or at a
  point (a point alone belongs to the county with the nearest centroid);
- ``CloseInstitution``: every offer of one institution removed;
- a changed norm is an argument of the comparison (``Coverage.what_if``), not a change here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from graph_model.coverage.methods import distance_matrix_km
from graph_model.coverage.reading import Areas, Provider
from graph_model.errors import FieldError, NotFound, ValidationFailed


@dataclass(frozen=True)
class AddCapacity:
    capacity: int
    service: str | None = None  # None: the one service asked
    county: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class CloseInstitution:
    institution: str


Change = AddCapacity | CloseInstitution


def apply(areas: Areas, providers: Sequence[Provider], services: tuple[str, ...],
          changes: Sequence[Change]) -> tuple[Provider, ...]:
    """The providers after the changes; a ValidationFailed or NotFound names the change at fault."""
    result = list(providers)
    for n, change in enumerate(changes):
        where = f"changes[{n}]"
        if isinstance(change, CloseInstitution):
            kept = [p for p in result if p.institution != change.institution]
            if len(kept) == len(result):
                raise ValidationFailed(f"{change.institution!r} offers none of the services asked: closing it "
                                       "changes nothing", [FieldError(f"{where}.institution", "offers none of them")])
            result = kept
        else:
            result.append(_added(areas, services, change, where, n))
    return tuple(result)


def _added(areas: Areas, services: tuple[str, ...], change: AddCapacity, where: str, n: int) -> Provider:
    if change.capacity <= 0:
        raise ValidationFailed("added capacity must be positive", [FieldError(f"{where}.capacity", "must be > 0")])
    service = change.service
    if service is None:
        if len(services) != 1:
            raise ValidationFailed("name the service the capacity is for", [FieldError(
                f"{where}.service", f"required when the question covers several services: {', '.join(services)}")])
        service = services[0]
    elif service not in services:
        raise ValidationFailed(f"{service!r} is not one of the services asked", [FieldError(
            f"{where}.service", f"one of {', '.join(services)}")])
    point = (change.lat, change.lon)
    if (point[0] is None) != (point[1] is None):
        raise ValidationFailed("a point needs both lat and lon", [FieldError(f"{where}.lat", "give lat and lon")])
    if point[0] is not None and not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):  # type: ignore[operator]
        raise ValidationFailed("the point is off the globe", [FieldError(f"{where}.lat", "lat -90..90, lon -180..180")])
    county = change.county
    if county is not None and county not in areas.county_index:
        raise NotFound(f"no county with key {county!r}")
    if county is None:
        if point[0] is None:
            raise ValidationFailed("give a county or a point", [FieldError(f"{where}.county", "or lat and lon")])
        county = _nearest_county(areas, point[0], point[1])  # type: ignore[arg-type]
    return Provider(f"what-if-{n + 1}", service, county, change.lat, change.lon, change.capacity, True)


def _nearest_county(areas: Areas, lat: float, lon: float) -> str:
    located = [c for c in areas.counties if c.lat is not None and c.lon is not None]
    dist = distance_matrix_km(np.array([lat]), np.array([lon]), np.array([c.lat for c in located], dtype=float),
                              np.array([c.lon for c in located], dtype=float))
    return located[int(np.argmin(dist[0]))].key
