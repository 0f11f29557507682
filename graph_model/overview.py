"""Dashboard aggregates for the whole country, a province or a county.

``open_overview`` checks the scope (one round trip, none for the country) and returns an
``Overview`` whose sections are read on first use and at most once: the light aggregates
share one statement, expiring licences one, donation years one per calendar (from the totals
the writes keep per area and year, graph_model.donation_totals: no gift is scanned). Sections
asked for together may be awaited concurrently (``read_all`` does), so a full dashboard costs
four round trips.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any, TypeVar

import jdatetime

from graph_model.cache import VersionCache
from graph_model.enums import CouncilLevel, EventKind, InstitutionKind, LicenceStatus, ServiceDomain
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.statements import donation_totals as totals
from graph_model.statements import overview as stmts
from graph_model.statements.overview import AMOUNT_UNIT, Section
from graph_model.stores.base import GraphStore
from graph_model.version import EMPTY, Version, current

Node = dict[str, Any]
T = TypeVar("T")

EXPIRING_LIMIT = 10  # soonest-expiring licences listed; the count covers them all
MAX_EXPIRING_DAYS = 3660
# Statuses of licences no longer in force: they are not "expiring".
CLOSED_STATUSES = (LicenceStatus.EXPIRED.value, LicenceStatus.REVOKED.value)
# Gregorian years the Nowruz table covers; for dates outside it the statements assume 21 March
# (at worst a gift on 20 or 22 March of such a year is counted in the neighbouring Solar Hijri year).
NOWRUZ_YEARS = range(1900, 2200)


class Level(str, Enum):
    COUNTRY = "country"
    PROVINCE = "province"
    COUNTY = "county"


class Calendar(str, Enum):
    JALALI = "JALALI"  # Solar Hijri: years start at Nowruz (20-22 March)
    GREGORIAN = "GREGORIAN"


@cache
def nowruz_table() -> tuple[str, ...]:
    """Nowruz (1 Farvardin) as "MM-DD" for each Gregorian year in ``NOWRUZ_YEARS``."""
    return tuple(jdatetime.date(y - 621, 1, 1).togregorian().isoformat()[5:] for y in NOWRUZ_YEARS)


@cache
def nowruz_dates() -> tuple[str, ...]:
    """Nowruz as an ISO date for each Gregorian year in ``NOWRUZ_YEARS`` (what the statements
    compare a gift's date with)."""
    return tuple(f"{year}-{day}" for year, day in zip(NOWRUZ_YEARS, nowruz_table(), strict=True))


def year_of(iso: str, calendar: Calendar) -> int:
    """The year a date falls in (what the donation statements compute in Cypher)."""
    day = dt.date.fromisoformat(iso)
    return jdatetime.date.fromgregorian(date=day).year if calendar is Calendar.JALALI else day.year


@dataclass(frozen=True)
class Scope:
    level: Level
    province: Node | None = None  # with a county scope: the county's province
    county: Node | None = None

    def params(self) -> dict[str, str]:
        if self.level is Level.PROVINCE:
            return {"province": self.province["key"]} if self.province else {}
        if self.level is Level.COUNTY:
            return {"county": self.county["key"]} if self.county else {}
        return {}


async def scope(store: GraphStore, province: str | None = None, county: str | None = None) -> Scope:
    """The country (neither key), a province or a county; unknown keys are NotFound."""
    if province is None and county is None:
        return Scope(Level.COUNTRY)
    row = (await store.read(stmts.SCOPE, province=province, county=county))[0]
    missing = [FieldError(name, f"no {name} has the key {key!r}")
               for name, key, node in (("province", province, row["province"]), ("county", county, row["county"]))
               if key is not None and node is None]
    if missing:
        raise NotFound("unknown place", missing)
    if county is None:
        return Scope(Level.PROVINCE, province=row["province"])
    if province is not None and row["county"]["provinceKey"] != province:
        raise ValidationFailed("county outside province", [FieldError(
            "county", f"county {county!r} lies in province {row['county']['provinceKey']!r}, not {province!r}")])
    return Scope(Level.COUNTY, province=row["province"], county=row["county"])


@dataclass(frozen=True)
class ServiceFigures:
    service: Node  # the Service node's properties
    institutions: int  # institutions in scope offering the service
    capacity: int  # their summed capacity (places or people a year)

    @property
    def key(self) -> str:
        return str(self.service["key"])


@dataclass(frozen=True)
class DomainFigures:
    domain: str
    institutions: int  # distinct institutions offering at least one service of the domain
    capacity: int


@dataclass(frozen=True)
class Totals:
    institutions: int
    donors: int
    councils: int
    events: int
    licences: int


@dataclass(frozen=True)
class Summary:
    institutions_by_kind: dict[str, int]  # every InstitutionKind, zeros included
    services: list[ServiceFigures]  # every service of the catalogue, in key order
    domains: list[DomainFigures]  # every ServiceDomain
    licences_by_status: dict[str, int]  # every LicenceStatus
    councils_by_level: dict[str, int]  # every CouncilLevel
    events_by_kind: dict[str, int]  # every EventKind
    donors: int

    @property
    def totals(self) -> Totals:
        return Totals(institutions=sum(self.institutions_by_kind.values()), donors=self.donors,
                      councils=sum(self.councils_by_level.values()), events=sum(self.events_by_kind.values()),
                      licences=sum(self.licences_by_status.values()))


def _counts(rows: list[Node], section: Section, names: type[Enum]) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in rows:
        if r["section"] == section:
            found[r["key"]] = found.get(r["key"], 0) + int(r["n"])
    # Values outside the enum (none today) still count rather than vanish from the totals.
    return {**{m.value: 0 for m in names}, **found}


async def summary(store: GraphStore, where: Scope) -> Summary:
    """Counts per kind, service, domain, status and level in scope (one round trip)."""
    rows = await store.read(stmts.SUMMARY[where.level.value], **where.params())
    offers = {r["key"]: r for r in rows if r["section"] == Section.OFFERS}
    domains = {r["key"]: r for r in rows if r["section"] == Section.DOMAINS}
    catalogue = sorted((r for r in rows if r["section"] == Section.CATALOGUE), key=lambda r: r["key"])
    services = [ServiceFigures(r["info"], int(offers[r["key"]]["n"]) if r["key"] in offers else 0,
                               int(offers[r["key"]]["total"] or 0) if r["key"] in offers else 0)
                for r in catalogue]
    return Summary(
        institutions_by_kind=_counts(rows, Section.KINDS, InstitutionKind),
        services=services,
        domains=[DomainFigures(d.value, int(domains[d.value]["n"]) if d.value in domains else 0,
                               int(domains[d.value]["total"] or 0) if d.value in domains else 0)
                 for d in ServiceDomain],
        licences_by_status=_counts(rows, Section.LICENCES, LicenceStatus),
        councils_by_level=_counts(rows, Section.COUNCILS, CouncilLevel),
        events_by_kind=_counts(rows, Section.EVENTS, EventKind),
        donors=sum(int(r["n"]) for r in rows if r["section"] == Section.DONORS),
    )


@dataclass(frozen=True)
class ExpiringLicence:
    licence: Node
    institution: Node
    days_left: int


@dataclass(frozen=True)
class Expiring:
    start: dt.date  # the as-of day
    end: dt.date  # last day of the window, inclusive
    total: int
    soonest: list[ExpiringLicence]  # at most EXPIRING_LIMIT, soonest first


def check_window(within_days: int) -> None:
    if not 0 <= within_days <= MAX_EXPIRING_DAYS:
        raise ValidationFailed("invalid window", [FieldError(
            "expiringWithinDays", f"must be between 0 and {MAX_EXPIRING_DAYS}, got {within_days}")])


async def expiring_licences(store: GraphStore, where: Scope, *, as_of: dt.date, within_days: int,
                            limit: int = EXPIRING_LIMIT) -> Expiring:
    """Licences in force expiring from ``as_of`` to ``within_days`` later (one round trip)."""
    check_window(within_days)
    end = as_of + dt.timedelta(days=within_days)
    row = (await store.read(stmts.EXPIRING_LICENCES[where.level.value], **where.params(),
                            fromDay=as_of.isoformat(), toDay=end.isoformat(), closed=list(CLOSED_STATUSES),
                            limit=limit))[0]
    soonest = [ExpiringLicence(x["licence"], x["institution"],
                               (dt.date.fromisoformat(x["licence"]["expiresOn"]) - as_of).days)
               for x in row["soonest"]]
    return Expiring(as_of, end, int(row["total"]), soonest)


@dataclass(frozen=True)
class DonationYear:
    year: int
    amount: int  # rials, exact
    donations: int
    donors: int  # distinct donors who gave that year


@dataclass(frozen=True)
class Donations:
    calendar: Calendar
    years: list[DonationYear]  # oldest first, years without gifts left out

    @property
    def amount(self) -> int:
        return sum(y.amount for y in self.years)

    @property
    def donations(self) -> int:
        return sum(y.donations for y in self.years)


# The level and calendar of the donation totals (graph_model.statements.donation_totals) each scope
# and calendar reads: the writes keep them current, so the overview scans no gift.
_TOTALS_LEVEL = {Level.COUNTRY: totals.Level.COUNTRY, Level.PROVINCE: totals.Level.PROVINCE,
                 Level.COUNTY: totals.Level.COUNTY}
_TOTALS_PERIOD = {Calendar.JALALI: totals.Period.JALALI, Calendar.GREGORIAN: totals.Period.GREGORIAN}


async def read_totals(store: GraphStore, where: Scope, calendar: Calendar, *, overall: bool = False) -> list[Node]:
    """The scope's cells of ``calendar``'s years (and its all-years cell, year 0, if ``overall``)."""
    periods = [int(_TOTALS_PERIOD[calendar]), *([int(totals.Period.ALL)] if overall else [])]
    return await store.read(totals.AREA, area=next(iter(where.params().values()), totals.COUNTRY_AREA),
                            level=int(_TOTALS_LEVEL[where.level]), periods=periods)


async def donation_years(store: GraphStore, where: Scope, calendar: Calendar = Calendar.JALALI) -> Donations:
    """Gifts to institutions in scope per year: amount, count, distinct donors (one round trip, to
    the totals the writes keep)."""
    rows = await read_totals(store, where, calendar)
    years = [DonationYear(int(r["year"]), int(r["units"]) * AMOUNT_UNIT + int(r["rest"]), int(r["donations"]),
                          int(r["donors"])) for r in rows]
    return Donations(calendar, sorted(years, key=lambda y: y.year))


@dataclass
class Overview:
    """One scope's sections, each read on first use and shared by everyone who awaits it."""

    store: GraphStore
    scope: Scope
    as_of: dt.date
    within_days: int
    # Shared across requests when given: sections keyed by scope and arguments, per graph version.
    cache: VersionCache | None = None
    version: Version = EMPTY
    _reads: dict[object, asyncio.Future[Any]] = field(default_factory=dict, repr=False)

    def _once(self, key: object, read: Callable[[], Awaitable[T]]) -> asyncio.Future[T]:
        if key not in self._reads:
            if self.cache is not None:
                shared = ("overview", tuple(sorted(self.scope.params().items())), key)
                answers, version, compute = self.cache, self.version, read
                read = lambda: answers.get(version, shared, compute)  # noqa: E731
            self._reads[key] = asyncio.ensure_future(read())
        return self._reads[key]

    def summary(self) -> Awaitable[Summary]:
        return self._once("summary", lambda: summary(self.store, self.scope))

    def expiring(self) -> Awaitable[Expiring]:
        return self._once(("expiring", self.as_of, self.within_days), lambda: expiring_licences(
            self.store, self.scope, as_of=self.as_of, within_days=self.within_days))

    def donations(self, calendar: Calendar = Calendar.JALALI) -> Awaitable[Donations]:
        return self._once(calendar, lambda: donation_years(self.store, self.scope, calendar))


async def open_overview(store: GraphStore, *, province: str | None = None, county: str | None = None,
                        as_of: dt.date, within_days: int = 90, cache: VersionCache | None = None) -> Overview:
    """Check the arguments and the scope; the sections are read later, on demand (from ``cache``
    when one is given and holds them for the current graph version)."""
    check_window(within_days)
    if cache is None:
        return Overview(store, await scope(store, province, county), as_of, within_days)
    where, now = await asyncio.gather(scope(store, province, county), current(store))
    return Overview(store, where, as_of, within_days, cache, now)


@dataclass(frozen=True)
class Figures:
    scope: Scope
    summary: Summary
    expiring: Expiring
    donations: Donations


async def read_all(overview: Overview, calendar: Calendar = Calendar.JALALI) -> Figures:
    """Every section at once, the three statements running concurrently."""
    got = await asyncio.gather(overview.summary(), overview.expiring(), overview.donations(calendar))
    return Figures(overview.scope, *got)
