"""The donation totals after an import that only adds gifts, without reading every gift back.

The rebuild (graph_model.donation_totals.rebuild) reads every gift in the store once the batches are
written: for 100,000 new gifts on `demo` that was a third of the import. When the import only creates
gifts (no gift of the store changes), the gifts after it are the gifts before it plus the file's, and
the cells are a function of the pieces (graph_model.donation_totals.cells: sums, and a donor counted
once per cell however many of its rows fall there). So the pieces are read before the batches (on a
first import, only what the store held), each of the file's gifts becomes a row of its own with the
year and side of Nowruz PIECES_PER_DONOR gives it and the amount's two exact parts, and the cells of
both (worked out on columns, donation_totals.cells_of) replace the stored ones, as the rebuild would.

As the rebuild, it guards against other writers with the graph version: from the read to the
replacement only the import's own batches may have written (one version each), and the replacement
must be the only write after them; otherwise the full rebuild runs. A run stopped part way leaves its
batches' gifts and stale cells; the next run reads those gifts with the store's and replaces every
cell, so it ends where one clean run ends (tests/test_import_killed.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import numpy as np

from graph_model import donation_totals, version
from graph_model.enums import DonorKind, Label
from graph_model.queries import by_keys
from graph_model.statements import donation_totals as stmts
from graph_model.statements.overview import AMOUNT_UNIT
from graph_model.stores.base import GraphStore

CHUNK = 10_000  # keys per read


class Before:
    """What the store held before the batches: its pieces and its version."""

    def __init__(self, pieces: list[dict[str, Any]], at: version.Version) -> None:
        self.pieces, self.at = pieces, at


async def read_before(store: GraphStore) -> Before:
    at = await version.current(store)
    return Before(await store.read(stmts.PIECES_PER_DONOR, **donation_totals.totals_params(
        stmts.PIECES_PER_DONOR.params)), at)


async def _nodes(store: GraphStore, label: Label, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted, found = list(dict.fromkeys(keys)), {}
    for i in range(0, len(wanted), CHUNK):
        found.update(await by_keys(store, label, wanted[i:i + CHUNK]))
    return found


async def built_cells(store: GraphStore, before: Before, gifts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cells of ``before``'s pieces plus ``gifts``' (each: donor, institution, props with date and
    amount), with the donors' kinds and the institutions' county and province read from the store.

    Nothing here depends on the batches, so write.write_donations works it out while the store writes
    them: the reads first, then the grouping and the cells in a worker thread, leaving the event loop
    free to encode and send the next batch (numpy's sorts run without the interpreter lock)."""
    donors = await _nodes(store, Label.DONOR, (g["donor"] for g in gifts))
    institutions = await _nodes(store, Label.INSTITUTION, (g["institution"] for g in gifts))
    counties = await _nodes(store, Label.COUNTY, (c for n in institutions.values() if (c := n.get("countyKey"))))
    return await asyncio.to_thread(_cells, before.pieces, gifts, donors, institutions, counties)


def _cells(before: list[dict[str, Any]], gifts: list[dict[str, Any]], donors: dict[str, dict[str, Any]],
           institutions: dict[str, dict[str, Any]], counties: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
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
    return donation_totals.cells_of(donation_totals.joined(donation_totals.pieces_of(before), added))


async def settle_added(store: GraphStore, before: Before, built: list[dict[str, Any]], writes: int) -> bool:
    """Replace the cells by ``built`` (built_cells) when only the import's ``writes`` batches wrote
    since ``before`` was read; whether it did (else the caller rebuilds)."""
    ours = await version.current(store)
    if ours[1] != before.at[1] + writes or (before.at != version.EMPTY and ours[0] != before.at[0]):
        return False
    await donation_totals.replace(store, built)
    return await version.current(store) == (ours[0], ours[1] + 1)
