"""The donation totals after an import that only adds gifts, without reading every gift back.

The rebuild (graph_model.donation_totals.rebuild) reads every gift in the store once the batches are
written: for 100,000 new gifts on `demo` that was a third of the import, and 10 s for any file on
`national` (496,000 gifts). When the import only creates gifts, a cell's figures are sums over donors
(graph_model.donation_totals.cells: sums, and a donor counted once per cell however many of its rows
fall there), so only the file's donors' part of each cell changes. Their pieces are read before the
batches (PIECES_OF_DONORS); each of the file's gifts becomes a row of its own with the year and side
of Nowruz PIECES_PER_DONOR gives it and the amount's two exact parts; the cells of their pieces with
the file's, less the cells of their pieces alone, are the change, added to the stored cells (read
by key) and written whole (a statement that sets the same values when it runs again). The cost
follows the file's donors, not the store.

When the stored cells do not count every gift (the country's all-years cell against the number of
gifts: a run stopped after some batches leaves gifts uncounted), every donor's pieces are read and
every cell replaced, so the next run ends where one clean run ends (tests/test_import_killed.py,
tests/test_import_totals.py); so too when the store holds no more gifts than the file adds (the
100,000 gifts of benchmarks/import.py into `demo`), where that costs less.

As the rebuild, it guards against other writers with the graph version: from the read to the
write of the cells only the import's own batches may have written (one version each), and the cells'
write must be the only write after them; otherwise the full rebuild runs.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from graph_model import donation_totals, version
from graph_model.enums import DonorKind, Label
from graph_model.queries import by_keys
from graph_model.statements import donation_totals as stmts
from graph_model.statements.overview import AMOUNT_UNIT
from graph_model.stores.base import GraphStore

CHUNK = 10_000  # keys per read


FIELDS = ("donations", "units", "rest", "donors", "individuals")  # a cell's figures, each a sum over donors


class Before:
    """What the store held before the batches: the pieces of the file's donors (or, when the stored
    cells do not agree with the gifts, of every donor: ``whole``, and every institution's dates) and the
    graph version."""

    def __init__(self, pieces: list[dict[str, Any]], at: version.Version, whole: bool,
                 dates: dict[str, tuple[str, str]] | None = None) -> None:
        self.pieces, self.at, self.whole, self.dates = pieces, at, whole, dates or {}


class Built(NamedTuple):
    """What built_cells works out: every cell (``before.whole``), or the changes of the cells the
    file's donors give in, and which of those they gave in before (the store must hold them)."""
    cells: list[dict[str, Any]]
    had: frozenset[str]


async def read_before(store: GraphStore, donors: Iterable[str], adding: int) -> Before:
    """What the store holds before ``adding`` gifts from ``donors`` are written."""
    at = await version.current(store)
    gifts = int((await store.read(stmts.GIFTS))[0]["gifts"])
    # Every piece, and every cell replaced: when the cells do not count every gift (a stopped run's
    # batches), and when the store holds no more gifts than the file adds (reading them all costs
    # little then, and one replacement less than reading and writing back the changed cells).
    if gifts != await donation_totals.counted(store) or gifts <= adding:
        return Before(await store.read(stmts.PIECES_PER_DONOR, **donation_totals.totals_params(
            stmts.PIECES_PER_DONOR.params)), at, whole=True, dates=await donation_totals.institution_dates(store))
    pieces, wanted = [], list(dict.fromkeys(donors))
    params = donation_totals.totals_params(stmts.PIECES_OF_DONORS.params)
    for i in range(0, len(wanted), CHUNK):
        pieces += await store.read(stmts.PIECES_OF_DONORS, donors=wanted[i:i + CHUNK], **params)
    return Before(pieces, at, whole=False)


async def _nodes(store: GraphStore, label: Label, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted, found = list(dict.fromkeys(keys)), {}
    for i in range(0, len(wanted), CHUNK):
        found.update(await by_keys(store, label, wanted[i:i + CHUNK]))
    return found


async def built_cells(store: GraphStore, before: Before, gifts: list[dict[str, Any]]) -> Built:
    """The cells of ``before``'s pieces plus ``gifts``' (each: donor, institution, props with date and
    amount), with the donors' kinds and the institutions' county and province read from the store.

    Nothing here depends on the batches, so write.write_donations works it out while the store writes
    them: the reads first, then the grouping and the cells in a worker thread, leaving the event loop
    free to encode and send the next batch (numpy's sorts run without the interpreter lock)."""
    donors = await _nodes(store, Label.DONOR, (g["donor"] for g in gifts))
    institutions = await _nodes(store, Label.INSTITUTION, (g["institution"] for g in gifts))
    counties = await _nodes(store, Label.COUNTY, (c for n in institutions.values() if (c := n.get("countyKey"))))
    return await asyncio.to_thread(_cells, before, gifts, donors, institutions, counties)


def _cells(before: Before, gifts: list[dict[str, Any]], donors: dict[str, dict[str, Any]],
           institutions: dict[str, dict[str, Any]], counties: dict[str, dict[str, Any]]) -> Built:
    # Each new gift is a row of its own (donations 1): the cells sum the rows and count each donor
    # once per cell, so grouping the gifts into pieces first would change nothing.
    donor = [g["donor"] for g in gifts]
    institution = [g["institution"] for g in gifts]
    county_of = {key: node.get("countyKey") for key, node in institutions.items()}
    province_of = {key: node.get("provinceKey") for key, node in counties.items()}
    individual_of = {key: node.get("kind") == DonorKind.INDIVIDUAL.value for key, node in donors.items()}
    county = [county_of[i] for i in institution]
    dates = [g["props"]["date"] for g in gifts]
    side = donation_totals.year_and_side()
    sides = {date: side(date) for date in set(dates)}  # a register's dates repeat
    years = [sides[d][0] for d in dates]
    lates = [sides[d][1] for d in dates]
    amounts = np.fromiter((g["props"]["amount"] for g in gifts), np.int64, len(gifts))
    added = donation_totals.Pieces(
        donor, institution, county, [province_of.get(c) if c is not None else None for c in county],
        np.fromiter((individual_of[d] for d in donor), bool, len(gifts)), np.array(years, np.int64),
        np.array(lates, bool), np.ones(len(gifts), np.int64), amounts // AMOUNT_UNIT, amounts % AMOUNT_UNIT)
    prior = donation_totals.pieces_of(before.pieces)
    # An institution's dates: the file's gifts' there, widened by the store's when every cell is replaced;
    # else by the stored cell's as it is written (``_added``).
    if before.whole:
        stored = ((key, date) for key, pair in before.dates.items() for date in pair)
        every = donation_totals.dates_of(itertools.chain(stored, zip(institution, dates, strict=True)))
        return Built(donation_totals.cells_of(donation_totals.joined(prior, added), every), frozenset())
    after = donation_totals.cells_of(donation_totals.joined(prior, added),
                                     donation_totals.dates_of(zip(institution, dates, strict=True)))
    # The change of every cell the file's donors give in: their cells after less their cells before
    # (a cell's figures are sums over donors, so other donors' parts cancel out).
    was = {cell["key"]: cell for cell in donation_totals.cells_of(prior, {})}
    changed = []
    for cell in after:
        old = was.get(cell["key"])
        if old is not None:
            cell = {**cell, **{name: cell[name] - old[name] for name in FIELDS}}
        if any(cell[name] for name in FIELDS):
            changed.append(cell)
    return Built(changed, frozenset(cell["key"] for cell in changed if cell["key"] in was))



async def settle_added(store: GraphStore, before: Before, built: Built, writes: int) -> bool:
    """Write the cells ``built`` (built_cells: every cell, or the changes of some) when only the
    import's ``writes`` batches wrote since ``before`` was read; whether it did (else the caller rebuilds)."""
    ours = await version.current(store)
    if ours[1] != before.at[1] + writes or (before.at != version.EMPTY and ours[0] != before.at[0]):
        return False
    if before.whole:
        await donation_totals.replace(store, built.cells)
    else:
        if not built.cells:
            return True
        stored: dict[str, dict[str, Any]] = {}
        keys = [cell["key"] for cell in built.cells]
        for i in range(0, len(keys), CHUNK):
            stored.update({r["cell"]["key"]: r["cell"] for r in await store.read(stmts.CELLS, keys=keys[i:i + CHUNK])})
        if await version.current(store) != ours:
            return False
        # Whole cells, not increments: the statement sets the same values when it runs again.
        if built.had - stored.keys():
            return False  # a cell the donors gave in before is not stored: the stored cells are not current
        await store.write(stmts.UPSERT, rows=[_added(stored[cell["key"]], cell) if cell["key"] in stored else cell
                                              for cell in built.cells])
    return await version.current(store) == (ours[0], ours[1] + 1)


def _added(stored: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """A stored cell with ``change`` (built_cells') added: its figures summed; an institution's first and last
    date widened by the file's gifts' there (gifts only added: no date goes), or left unknown when the stored
    cell does not know them (written before cells held dates: graph_model.statements.donation_totals)."""
    cell = {**change, **{name: int(stored[name]) + change[name] for name in FIELDS}}
    if "firstDate" in change:
        known = stored.get("firstDate") is not None and stored.get("lastDate") is not None
        cell["firstDate"] = min(stored["firstDate"], change["firstDate"]) if known else None
        cell["lastDate"] = max(stored["lastDate"], change["lastDate"]) if known else None
    return cell
