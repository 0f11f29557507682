"""Donation totals per area and period, kept current by the writes (graph_model.statements.
donation_totals): the parameters those writes take, and the rebuild from the gifts themselves.

The rebuild is what a bulk load ends with (seed.loader) and what ``hub aggregates rebuild`` runs: it
reads every gift once, grouped per donor, institution and piece of a year, and works the cells out
here in Python, independently of the Cypher that maintains them, so a test can hold one against
the other. It replaces every cell in one statement; a write landing between its read and that
statement is lost from the totals until the next rebuild, so run it while nothing writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graph_model.enums import DonorKind
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


def cell_key(level: int, area: str, period: int, year: int, part: int) -> str:
    """A cell's key, as the maintaining statements build it."""
    return SEP.join((str(level), area, str(period), str(year), str(part)))


@dataclass
class _Cell:
    level: int
    area: str
    period: int
    year: int
    part: int
    donations: int = 0
    units: int = 0
    rest: int = 0
    donors: set[str] = field(default_factory=set)
    individuals: set[str] = field(default_factory=set)

    def row(self) -> dict[str, Any]:
        return {"key": cell_key(self.level, self.area, self.period, self.year, self.part), "level": self.level,
                "area": self.area, "calendar": self.period, "year": self.year, "part": self.part,
                "donations": self.donations, "units": self.units, "rest": self.rest,
                "donors": len(self.donors), "individuals": len(self.individuals)}


def cells(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every cell, from the rows of PIECES_PER_DONOR (one per donor, institution and piece)."""
    found: dict[tuple[int, str, int, int, int], _Cell] = {}

    def add(where: tuple[int, str, int, int, int], r: dict[str, Any]) -> None:
        cell = found.get(where)
        if cell is None:
            cell = found[where] = _Cell(*where)
        cell.donations += int(r["donations"])
        cell.units += int(r["units"])
        cell.rest += int(r["rest"])
        cell.donors.add(r["donor"])
        if r["individual"]:
            cell.individuals.add(r["donor"])

    for r in rows:
        year, late = int(r["year"]), bool(r["late"])
        periods = ((Period.ALL, 0, 0), (Period.GREGORIAN, year, 0),
                   (Period.JALALI, year - 621 if late else year - 622, 0), (Period.PIECE, year, 2 if late else 1))
        areas = ([(Level.COUNTRY, COUNTRY_AREA), (Level.UNLOCATED, COUNTRY_AREA)] if r["county"] is None else
                 [(Level.COUNTRY, COUNTRY_AREA), (Level.COUNTY, r["county"])]
                 + ([(Level.PROVINCE, r["province"])] if r["province"] is not None else []))
        for level, area in areas:
            for period, y, part in periods:
                add((int(level), area, int(period), y, part), r)
        add((int(Level.INSTITUTION), r["institution"], int(Period.ALL), 0, 0), r)
    return [c.row() for c in found.values()]


async def computed(store: GraphStore) -> list[dict[str, Any]]:
    """Every cell as the gifts in the store make it (one read of every gift; nothing written)."""
    return cells(await store.read(stmts.PIECES_PER_DONOR, **totals_params(stmts.PIECES_PER_DONOR.params)))


async def rebuild(store: GraphStore) -> int:
    """Recompute every cell from the gifts and replace the stored ones; return how many there are."""
    built = await computed(store)
    written = await store.write(stmts.REPLACE, rows=built)
    return int(written[0]["written"]) if written else 0


async def stored(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every stored cell by key (what the maintenance left)."""
    return {r["cell"]["key"]: r["cell"] for r in await store.read(stmts.ALL_CELLS)}
