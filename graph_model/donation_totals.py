"""Donation totals per area and period, kept current by the writes (graph_model.statements.
donation_totals): the parameters those writes take, and the rebuild from the gifts themselves.

The rebuild is what a bulk load ends with (seed.loader) and what ``hub aggregates rebuild`` runs: it
reads every gift once, grouped per donor, institution and piece of a year, and works the cells out
here in Python, independently of the Cypher that maintains them, so a test can hold one against
the other. It replaces every cell in one statement, and runs again when something else wrote meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, NamedTuple

import numpy as np

from graph_model import version
from graph_model.enums import DonorKind
from graph_model.errors import Conflict
from graph_model.overview import NOWRUZ_YEARS, nowruz_dates
from graph_model.statements import donation_totals as stmts
from graph_model.statements.donation_totals import COUNTRY_AREA, Level, Period
from graph_model.statements.overview import AMOUNT_UNIT
from graph_model.stores.base import GraphStore

SEP = "|"  # joins the parts of a cell's key (levels and periods are numbers, areas are keys)
USUAL_NOWRUZ = "03-21"  # outside the Nowruz table (graph_model.overview.NOWRUZ_YEARS)


@cache
def _params() -> tuple[tuple[str, Any], ...]:
    return (("individual", DonorKind.INDIVIDUAL.value), ("unit", AMOUNT_UNIT), ("sep", SEP), ("country", COUNTRY_AREA),
            ("nowruz", list(nowruz_dates())), ("firstYear", NOWRUZ_YEARS.start), ("endYear", NOWRUZ_YEARS.stop),
            ("usualNowruz", USUAL_NOWRUZ))


def totals_params(names: Iterable[str]) -> dict[str, Any]:
    """The parameters among ``names`` (a statement's) that the totals' maintenance takes."""
    wanted = set(names)
    return {name: value for name, value in _params() if name in wanted}


Piece = tuple[str, str, int, bool]  # donor, institution, Gregorian year, on or after that year's Nowruz


def group_pieces(gifts: Iterable[tuple[str, str, str, int]]) -> dict[Piece, list[int]]:
    """Gifts (donor, institution, ISO date, amount) grouped as PIECES_PER_DONOR groups them in the store:
    per donor, institution, year and side of Nowruz, [count, amount // AMOUNT_UNIT, amount % AMOUNT_UNIT]
    (two exact parts). Shared by a bulk load (seed.totals) and an import of new gifts
    (graph_model.importing.totals), which work the totals out without reading every gift back."""
    side = year_and_side()
    groups: dict[Piece, list[int]] = {}
    for donor, institution, date, amount in gifts:
        year, late = side(date)
        found = groups.get((donor, institution, year, late))
        if found is None:
            found = groups[(donor, institution, year, late)] = [0, 0, 0]
        found[0] += 1
        found[1] += amount // AMOUNT_UNIT
        found[2] += amount % AMOUNT_UNIT
    return groups


Dates = Mapping[str, tuple[str, str]]  # per institution, its first and last gift's date (ISO: ordered as text)


def dates_of(gifts: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Per institution, the first and last of the dates of ``gifts`` (institution, ISO date)."""
    found: dict[str, tuple[str, str]] = {}
    for institution, date in gifts:
        known = found.get(institution)
        if known is None:
            found[institution] = (date, date)
        elif date < known[0] or date > known[1]:
            found[institution] = (min(known[0], date), max(known[1], date))
    return found


def year_and_side() -> Callable[[str], tuple[int, bool]]:
    """A function of an ISO date: its Gregorian year and whether it falls on or after that year's
    Nowruz (as PIECES_PER_DONOR works it out in the store)."""
    nowruz, first, end = nowruz_dates(), NOWRUZ_YEARS.start, NOWRUZ_YEARS.stop

    def side(date: str) -> tuple[int, bool]:
        year = int(date[:4])
        return year, (date >= nowruz[year - first] if first <= year < end else date[5:] >= USUAL_NOWRUZ)

    return side


def cell_key(level: int, area: str, period: int, year: int, part: int) -> str:
    """A cell's key, as the maintaining statements build it."""
    return SEP.join((str(level), area, str(period), str(year), str(part)))


_YEARS = 20_000  # years are offset by half of this (a Solar Hijri year of an early date is negative)
_PARTS = 3


def _index(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each value's index among the distinct values (None -> -1), and those values."""
    distinct = [v for v in dict.fromkeys(values) if v is not None]
    ids: dict[Any, int] = {v: i for i, v in enumerate(distinct)}
    ids[None] = -1
    return np.array([ids[v] for v in values], np.int64), distinct


class Pieces(NamedTuple):
    """Rows of PIECES_PER_DONOR as columns: the areas as lists of keys (None: none), the rest as arrays.
    A row may also be one gift (donations 1): the cells come out the same, sums being sums."""
    donor: list[Any]
    institution: list[Any]
    county: list[Any]
    province: list[Any]
    individual: np.ndarray
    year: np.ndarray
    late: np.ndarray
    donations: np.ndarray
    units: np.ndarray
    rest: np.ndarray


def joined(a: Pieces, b: Pieces) -> Pieces:
    """The pieces of both."""
    def arrays(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.concatenate((x, y))

    return Pieces(a.donor + b.donor, a.institution + b.institution, a.county + b.county, a.province + b.province,
                  arrays(a.individual, b.individual), arrays(a.year, b.year), arrays(a.late, b.late),
                  arrays(a.donations, b.donations), arrays(a.units, b.units), arrays(a.rest, b.rest))


def pieces_of(rows: list[dict[str, Any]]) -> Pieces:
    """The columns of PIECES_PER_DONOR's rows."""
    def ints(name: str) -> np.ndarray:
        return np.fromiter((int(r[name]) for r in rows), np.int64, len(rows))

    return Pieces([r["donor"] for r in rows], [r["institution"] for r in rows], [r["county"] for r in rows],
                  [r["province"] for r in rows], np.fromiter((bool(r["individual"]) for r in rows), bool, len(rows)),
                  ints("year"), np.fromiter((bool(r["late"]) for r in rows), bool, len(rows)),
                  ints("donations"), ints("units"), ints("rest"))


def cells(rows: list[dict[str, Any]], dates: Dates) -> list[dict[str, Any]]:
    """Every cell, from the rows of PIECES_PER_DONOR (one per donor, institution and piece) and the
    institutions' dates (INSTITUTION_DATES)."""
    return cells_of(pieces_of(rows), dates)


def cells_of(pieces: Pieces, dates: Dates) -> list[dict[str, Any]]:
    """Every cell, from pieces as columns.

    Vectorised (a row counts in 13 cells; `national` has ~450,000 rows): each (row, cell) pair gets
    an integer code for its cell, summed per code; the distinct donors of a cell are the distinct
    (donor, code) pairs. Amounts stay in their two int64 parts, exact. An institution's cell also holds
    its first and last gift's date from ``dates``, when there."""
    rows = pieces.donor
    if not rows:
        return []
    donor, _ = _index(pieces.donor)
    institution, institutions = _index(pieces.institution)
    county, counties = _index(pieces.county)
    province, provinces = _index(pieces.province)
    individual, year, late = pieces.individual, pieces.year, pieces.late
    parts = {"donations": pieces.donations, "units": pieces.units, "rest": pieces.rest}
    areas = max(len(institutions), len(counties), len(provinces), 1)
    located = county >= 0
    jalali = year - np.where(late, 621, 622)
    everywhere = np.zeros(len(rows), np.int64)
    # (level, area per row, rows counted) x (period, year per row, part per row)
    places = [(Level.COUNTRY, everywhere, np.ones(len(rows), bool)), (Level.COUNTY, county, located),
              (Level.PROVINCE, province, province >= 0), (Level.UNLOCATED, everywhere, ~located)]
    periods = [(Period.ALL, everywhere, everywhere), (Period.GREGORIAN, year, everywhere),
               (Period.JALALI, jalali, everywhere), (Period.PIECE, year, np.where(late, 2, 1))]

    def code(level: int, area: np.ndarray, period: int, y: np.ndarray, part: np.ndarray) -> np.ndarray:
        return (((level * areas + area) * len(Period) + period) * _YEARS + y + _YEARS // 2) * _PARTS + part

    codes, which = [], []
    for level, area, counted in places:
        for period, y, part in periods:
            codes.append(code(level, area, period, y, part)[counted])
            which.append(np.flatnonzero(counted))
    codes.append(code(Level.INSTITUTION, institution, Period.ALL, everywhere, everywhere))
    which.append(np.arange(len(rows)))
    every, of = np.concatenate(codes), np.concatenate(which)
    # One sort of the (row, cell) pairs by cell, then donor: each cell's pairs are a run (summed with
    # reduceat), and its distinct donors are the places in the run where the donor changes.
    by = donor[of]
    if (int(every.max()) + 1) * (int(by.max()) + 1) < 2**62:
        order = np.argsort(every * (int(by.max()) + 1) + by)
    else:  # a code too wide to combine with the donor: sort by both
        order = np.lexsort((by, every))
    every, by = every[order], by[order]
    starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
    found = every[starts]
    sums = {name: np.add.reduceat(values[of][order], starts) for name, values in parts.items()}
    first = np.concatenate(([True], (every[1:] != every[:-1]) | (by[1:] != by[:-1])))  # a cell's donor, once
    donors = np.add.reduceat(first.astype(np.int64), starts)
    individuals = np.add.reduceat((first & individual[of][order]).astype(np.int64), starts)
    names = {Level.COUNTY: counties, Level.PROVINCE: provinces, Level.INSTITUTION: institutions}
    built = []
    for n, value in enumerate(found.tolist()):
        value, part = divmod(value, _PARTS)
        value, y = divmod(value, _YEARS)
        value, period = divmod(value, len(Period))
        level, area = divmod(value, areas)
        key = names[Level(level)][area] if Level(level) in names else COUNTRY_AREA
        y -= _YEARS // 2
        built.append({"key": cell_key(level, key, period, y, part), "level": level, "area": key,
                      "calendar": period, "year": y, "part": part, "donations": int(sums["donations"][n]),
                      "units": int(sums["units"][n]), "rest": int(sums["rest"][n]), "donors": int(donors[n]),
                      "individuals": int(individuals[n])})
        if level == Level.INSTITUTION and key in dates:
            built[-1]["firstDate"], built[-1]["lastDate"] = dates[key]
    return built


async def computed(store: GraphStore) -> list[dict[str, Any]]:
    """Every cell as the gifts in the store make it (two reads of every gift; nothing written)."""
    rows = await store.read(stmts.PIECES_PER_DONOR, **totals_params(stmts.PIECES_PER_DONOR.params))
    return cells(rows, await institution_dates(store))


async def institution_dates(store: GraphStore) -> dict[str, tuple[str, str]]:
    """Every institution's first and last gift's date, from its gifts."""
    return {r["institution"]: (r["firstDate"], r["lastDate"]) for r in await store.read(stmts.INSTITUTION_DATES)}


async def replace(store: GraphStore, built: list[dict[str, Any]]) -> int:
    """Replace every stored cell by ``built`` in one statement; how many there are now."""
    written = await store.write(stmts.REPLACE, rows=built)
    return int(written[0]["written"]) if written else 0


async def rebuild(store: GraphStore, attempts: int = 5) -> int:
    """Recompute every cell from the gifts and replace the stored ones; return how many there are.

    A write landing between the read and the replacement would be missing from the totals, so the
    graph version is read before and after: the replacement itself counts one write (every write
    that wrote bumps it, graph_model.version); any other means something else wrote meanwhile, and
    the rebuild runs again (a write after the replacement only costs one more round)."""
    for _ in range(attempts):
        before = await version.current(store)
        written = await replace(store, await computed(store))
        after = await version.current(store)
        if after[1] == before[1] + 1 and (before == version.EMPTY or after[0] == before[0]):
            return written
    raise Conflict(f"the gifts kept changing during {attempts} rebuilds of the donation totals: "
                   "run it again when fewer writes come in")


async def ensure(store: GraphStore) -> int | None:
    """Rebuild the totals of a store that has gifts but none (written before they were kept: its
    overview would show no donations), or whose institutions' cells lack their dates (written before
    they held them: their `giving` dates would be read from every gift); how many were built, or None
    when nothing was missing."""
    if not (await store.read(stmts.MISSING, institution=int(Level.INSTITUTION)))[0]["missing"]:
        return None
    return await rebuild(store)


async def counted(store: GraphStore) -> int:
    """The gifts the country's all-years cell counts (0 when there is none): every gift to an
    institution while the totals are current."""
    rows = await store.read(stmts.COUNTED, key=cell_key(Level.COUNTRY, COUNTRY_AREA, Period.ALL, 0, 0))
    return int(rows[0]["donations"]) if rows else 0


async def stored(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every stored cell by key (what the maintenance left)."""
    return {r["cell"]["key"]: r["cell"] for r in await store.read(stmts.ALL_CELLS)}
