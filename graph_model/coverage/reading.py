"""Reading what coverage is computed from: the areas (counties with census columns, provinces),
the services and the groups they serve, the planners' need figures, and the providers.

A provider is one institution offering one service, with its capacity and whether a licence
for that service is in force on the date asked. Which licences count:

- status ACTIVE or EXPIRED, issued on or before the date and expiring on or after it: an
  expired licence was in force until its expiry date, and an active one whose expiry has passed
  (not yet marked expired) is not in force after it;
- SUSPENDED and REVOKED never count: the graph keeps no history of when a suspension began, so
  the hub cannot say it was in force on an earlier date; an AGREEMENT_IN_PRINCIPLE is an approval
  to set a centre up, not to serve.

An institution without coordinates stands at its county's centroid.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph_model.coverage.need import NeedFigure
from graph_model.enums import LicenceStatus
from graph_model.statements.coverage import (
    COVERAGE_AREAS, COVERAGE_GROUPS, COVERAGE_LICENCES, COVERAGE_NEEDS, COVERAGE_OFFERS, COVERAGE_PROVINCES,
    COVERAGE_SERVICES)
from graph_model.stores.base import GraphStore

COUNTING = (LicenceStatus.ACTIVE.value, LicenceStatus.EXPIRED.value)


@dataclass(frozen=True, slots=True)
class County:
    key: str
    province: str
    name_fa: str
    name_en: str
    lat: float | None
    lon: float | None
    census: dict[str, int | None]  # key, population, age0to14, age60plus


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    key: str
    name_fa: str
    name_en: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Areas:
    """Everything about places and services a coverage question needs, whatever it asks."""

    counties: tuple[County, ...]  # sorted by key
    provinces: dict[str, tuple[str, str]]  # key -> (nameFa, nameEn)
    services: dict[str, ServiceInfo]
    groups: frozenset[str]  # every target group's key
    county_index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "county_index", {c.key: i for i, c in enumerate(self.counties)})

    def serving(self, group: str) -> tuple[str, ...]:
        """The services serving a target group, sorted."""
        return tuple(sorted(s.key for s in self.services.values() if group in s.groups))


@dataclass(frozen=True, slots=True)
class Provider:
    institution: str
    service: str
    county: str
    lat: float | None
    lon: float | None
    capacity: int
    licensed: bool  # a licence for the service is in force on the date asked


def column(cells: list[list[Any]]) -> list[Any]:
    """A nullable column collected as one-item lists (graph_model.statements.coverage)."""
    return [cell[0] for cell in cells]


async def read_areas(store: GraphStore) -> Areas:
    (c,), (p,), service_rows, (g,) = await asyncio.gather(
        store.read(COVERAGE_AREAS), store.read(COVERAGE_PROVINCES), store.read(COVERAGE_SERVICES),
        store.read(COVERAGE_GROUPS))
    counties = tuple(
        County(key, province, fa, en, lat, lon, {"key": key, "population": pop, "age0to14": young, "age60plus": old})
        for key, province, fa, en, lat, lon, pop, young, old in zip(
            c["keys"], c["provinces"], c["namesFa"], c["namesEn"], column(c["lats"]), column(c["lons"]),
            column(c["population"]), column(c["age0to14"]), column(c["age60plus"]), strict=True))
    services = {row["key"]: ServiceInfo(row["key"], row["nameFa"], row["nameEn"], tuple(row["groups"]))
                for row in service_rows}
    provinces = {key: (fa, en) for key, fa, en in zip(p["keys"], p["namesFa"], p["namesEn"], strict=True)}
    return Areas(counties, provinces, services, frozenset(g["keys"]))


async def read_overrides(store: GraphStore, groups: Iterable[str]) -> dict[tuple[str, str], NeedFigure]:
    """The planners' need figures for the groups, by (county, group)."""
    rows = await store.read(COVERAGE_NEEDS, groups=sorted(groups))
    return {(r["county"], r["targetGroup"]): NeedFigure(r["county"], r["targetGroup"], float(r["people"]),
                                                        r["source"], r["year"], True) for r in rows}


@dataclass(frozen=True)
class Offers:
    """The offers of some services and the licences for them, as read: which are in force is a
    question of the day asked (``on``), answered in memory."""

    offers: tuple[tuple[str, str, str, float | None, float | None, int], ...]  # service, inst, county, lat, lon, cap
    licences: tuple[tuple[str, str, str, str | None, str | None], ...]  # service, inst, status, issuedOn, expiresOn

    def on(self, as_of: dt.date) -> tuple[Provider, ...]:
        """Every offer as a provider, licensed when a licence for the service is in force on ``as_of``."""
        day = as_of.isoformat()
        licensed = {(service, inst) for service, inst, status, issued, expires in self.licences
                    if status in COUNTING and (issued is None or issued <= day) and (expires is None or day <= expires)}
        return tuple(Provider(inst, service, county, lat, lon, capacity, (service, inst) in licensed)
                     for service, inst, county, lat, lon, capacity in self.offers)


async def read_offers(store: GraphStore, services: Iterable[str]) -> Offers:
    """Every institution offering one of the services, and every licence for them."""
    services = sorted(services)
    offers = [(row["service"], inst, county, lat, lon, capacity)
              for row in await store.read(COVERAGE_OFFERS, services=services)
              for inst, county, lat, lon, capacity in zip(row["institutions"], row["counties"], column(row["lats"]),
                                                          column(row["lons"]), column(row["capacities"]), strict=True)]
    licences = [(row["service"], *licence)
                for row in await store.read(COVERAGE_LICENCES, services=services)
                for licence in zip(row["institutions"], row["statuses"], column(row["issued"]), column(row["expires"]),
                                   strict=True)]
    offers.sort(key=lambda o: (o[0], o[1]))
    return Offers(tuple(offers), tuple(licences))
