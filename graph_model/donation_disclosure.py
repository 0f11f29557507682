"""Which donation totals are withheld from callers without the right to see personal data: the
overview's years and all-years totals of the country, every province and every county, in both
calendars, and every institution's giving total, decided together by ``graph_model.disclosure``.

These tables are linked: a province-year is the sum of its counties' years, an area's all-years
total the sum of its years in either calendar (and of its institutions' giving, for a county), and
a Solar Hijri year shares a piece with each of two Gregorian years. A withheld figure is safe only
if no subtraction across all of them gives it back, so the pattern is computed once for the whole
country (per graph version and k, cached) and every answer reads its cells from it: the same
figures are withheld whichever scope, level or calendar is asked.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from graph_model.cache import VersionCache
from graph_model.disclosure import Cell, Key, Margin, protect
from graph_model.overview import Calendar
from graph_model.statements import donation_totals as totals
from graph_model.statements.donation_totals import Level, Period
from graph_model.statements.overview import AMOUNT_UNIT
from graph_model.stores.base import GraphStore
from graph_model.version import current_donations

COUNTRY = ""  # the area key of the country (provinces and counties go by their keys)
UNLOCATED = "~unlocated"  # gifts to institutions in no county: in the country's totals only
ALL: tuple[Hashable, ...] = ("all",)


def year_cell(area: str, calendar: Calendar, year: int) -> Key:
    return (area, (calendar.value, year))


def total_cell(area: str) -> Key:
    return (area, ALL)


def institution_cell(key: str) -> Key:
    return ("institution", key)


@dataclass(frozen=True)
class Suppression:
    """The withheld cells (keys built by ``year_cell``, ``total_cell``, ``institution_cell``)."""

    withheld: frozenset[Key]

    def year(self, area: str, calendar: Calendar, year: int) -> bool:
        return year_cell(area, calendar, year) in self.withheld

    def total(self, area: str) -> bool:
        return total_cell(area) in self.withheld

    def institution(self, key: str) -> bool:
        return institution_cell(key) in self.withheld


# Where a donation total's cell lies in these tables (graph_model.statements.donation_totals).
_PERIODS: dict[int, str] = {Period.GREGORIAN: Calendar.GREGORIAN.value, Period.JALALI: Calendar.JALALI.value}


def _cell_of(r: dict[str, Any]) -> tuple[str, tuple[Hashable, ...]]:
    level, period, year = int(r["level"]), int(r["calendar"]), int(r["year"])
    area = {Level.COUNTRY: COUNTRY, Level.UNLOCATED: UNLOCATED}.get(Level(level), r["area"])
    if period == Period.ALL:
        return area, ALL
    if period == Period.PIECE:
        return area, ("piece", year, int(r["part"]) == 2)
    return area, (_PERIODS[period], year)


def pattern(areas: list[dict[str, Any]], institutions: list[dict[str, Any]], provinces: dict[str, str | None],
            k: int) -> frozenset[Key]:
    """The withheld cells, from the donation totals: rows of ``AREAS`` and ``INSTITUTIONS``, and
    each county's province. The pieces of a year are never published, nor is any figure of the
    gifts to institutions in no county (they are in the country's totals only)."""
    cells: dict[Key, Cell] = {}
    hidden: set[Key] = set()
    counties_of: dict[str, set[str]] = defaultdict(set)
    for r in areas:
        key = _cell_of(r)
        cells[key] = Cell(int(r["units"]) * AMOUNT_UNIT + int(r["rest"]), int(r["individuals"]))
        if int(r["calendar"]) == Period.PIECE or int(r["level"]) == Level.UNLOCATED:
            hidden.add(key)
        if int(r["level"]) == Level.COUNTY:
            province = provinces.get(r["area"])
            if province is not None:
                counties_of[province].add(r["area"])
    for r in institutions:
        cells[institution_cell(r["institution"])] = Cell(int(r["units"]) * AMOUNT_UNIT + int(r["rest"]),
                                                         int(r["individuals"]))
    return protect(cells, _margins(cells, counties_of, institutions), k, hidden)


def _margins(cells: dict[Key, Cell], counties_of: dict[str, set[str]],
             institutions: list[dict[str, Any]]) -> list[Margin]:
    periods: dict[str, set[Hashable]] = defaultdict(set)  # area -> its periods and pieces with gifts
    for key in cells:
        pair: tuple[Hashable, Hashable] = key  # type: ignore[assignment]  # every key is (area, period)
        if pair[0] != "institution":
            periods[str(pair[0])].add(pair[1])
    margins: list[Margin] = []
    for area, own in periods.items():
        for calendar in Calendar:
            years = tuple((area, p) for p in sorted(own, key=repr) if isinstance(p, tuple) and p[0] == calendar.value)
            margins.append(Margin((area, ALL), years))
        for p in own:
            if not (isinstance(p, tuple) and p[0] in (Calendar.GREGORIAN.value, Calendar.JALALI.value)):
                continue
            year = int(p[1])
            pieces = (((year, False), (year, True)) if p[0] == Calendar.GREGORIAN.value
                      else ((year + 621, True), (year + 622, False)))
            margins.append(Margin((area, p), tuple((area, ("piece", g, late)) for g, late in pieces)))
    every = set().union(*periods.values()) if periods else set()
    for p in every:  # the area hierarchy, in every period and piece
        for province, counties in counties_of.items():
            margins.append(Margin((province, p), tuple((c, p) for c in sorted(counties))))
        margins.append(Margin((COUNTRY, p), (*((province, p) for province in sorted(counties_of)), (UNLOCATED, p))))
    by_county: dict[str, list[Key]] = defaultdict(list)
    for r in institutions:
        by_county[r["county"]].append(institution_cell(r["institution"]))
    margins += [Margin(total_cell(county), tuple(sorted(parts, key=repr))) for county, parts in by_county.items()]
    return margins


# Under a stream of writes the pattern is recomputed at most a third of the time (VersionCache.single):
# on `national` its Python (and its reads of every cell) would otherwise take a core of two.
IDLE = 2.0


async def suppression(store: GraphStore, cache: VersionCache | None, k: int,
                      wait: float | None = None, *, version_from: GraphStore | None = None) -> Suppression | None:
    """The pattern for the graph as it is (three concurrent round trips; kept per graph version and
    k), or None when it is not known within ``wait`` seconds: the caller then withholds every figure
    the pattern protects (withholding more is always safe).

    The pattern reads the donation totals the writes keep (graph_model.donation_totals: every
    area's cells and every institution's, not the gifts) and solves the whole country's tables, and
    every write makes it out of date, so one computation runs at a time (VersionCache.single) and
    goes on in the background past ``wait``: a request never waits on a stream of writes, and
    figures are shown again once the pattern of the graph as it is has been computed.

    ``version_from``: where the graph's version is read, if not from ``store`` (a request's joined
    reads, graph_model.stores.fused: the read then goes in the statement of the loads made beside
    it). The pattern itself is always read from ``store``, never joined with a request's reads."""
    async def compute() -> Suppression:
        level = {"institution": int(Level.INSTITUTION)}
        areas, institutions, counties = await asyncio.gather(
            store.read(totals.AREAS, **level), store.read(totals.INSTITUTIONS, **level),
            store.read(totals.COUNTY_PROVINCES))
        provinces = {r["county"]: r["province"] for r in counties}
        return Suppression(await asyncio.to_thread(pattern, areas, institutions, provinces, k))
    if cache is None:
        return await compute()
    # Keyed by the donation figures' own version: a write that cannot change them (a new donor, a
    # council, an institution's source) leaves the pattern as it is (graph_model.coverage.inputs).
    version = await current_donations(version_from or store)
    asked = asyncio.ensure_future(cache.single(version, ("disclosure", "donations", k), compute,
                                               idle=IDLE))
    # Past the wait the computation goes on; its failure is then nobody's answer but must not be
    # reported as never retrieved.
    asked.add_done_callback(lambda task: task.cancelled() or task.exception())
    done, _ = await asyncio.wait([asked], timeout=wait)
    return asked.result() if done else None
