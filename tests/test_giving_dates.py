"""An institution's `giving` dates: read from its kept cell (graph_model.statements.donation_totals keeps
them), and from its gifts when the cell does not know them (a store written before cells held them),
on every path a query takes: one institution by key (its prefetch), a page (the prefetch's level below),
graphql-core resolving field by field (the compiled completion off); then ``ensure`` gives such a store
its dates at start."""

from __future__ import annotations

from typing import Any

import pytest

from graph_model import donation_totals
from graph_model.mutations import delete_donation, record_donation, update_donation
from graph_model.stores.falkordb import FalkorStore
from hub.settings import Settings
from tests.asgi import asgi_client
from tests.builders import build_solo_world

ONE = """query One($key: String!) { institution(key: $key) {
  key giving { count firstDate lastDate firstDateJalali lastDateJalali } } }"""
PAGE = """{ institutions(first: 10) { nodes { key giving { count firstDate lastDate lastDateJalali } } } }"""
DATES = ("firstDate", "lastDate")


async def _answers(store: FalkorStore, compiled: bool) -> tuple[list[Any], int]:
    """Both questions' answers, and the round trips of the second asking of the first (its prefetch: one
    statement when the cell holds the dates)."""
    async with asgi_client(store, Settings(compiled=compiled, privacy_k=1)) as http:
        answers = []
        for query, variables in ((ONE, {"key": "inst-a"}), (PAGE, {})):
            got = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
            assert "errors" not in got, got
            answers.append(got["data"])
        before = store.round_trips
        await http.post("/graphql", json={"query": ONE, "variables": {"key": "inst-a"}})
        return answers, store.round_trips - before


def _undated(cells: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in cell.items() if k not in DATES} for cell in cells.values()]


@pytest.mark.parametrize("compiled", [True, False])
async def test_dates_come_from_the_kept_cell_or_else_from_the_gifts(store: FalkorStore, compiled: bool) -> None:
    await build_solo_world(store)  # inst-a: gifts on 2024-01-01 and 2024-01-03
    await record_donation(store, donor="donor-1", amount=9, date="2021-03-21", institution="inst-a", key="early")
    await update_donation(store, "early", {"date": "2020-03-20"})  # a date taken away: worked out again
    kept, trips = await _answers(store, compiled)
    giving = kept[0]["institution"]["giving"]
    assert (giving["count"], giving["firstDate"], giving["lastDate"]) == (3, "2020-03-20", "2024-01-03")
    # Nowruz 2020 fell on 20 March
    assert giving["firstDateJalali"] == "1399/01/01" and giving["lastDateJalali"] == "1402/10/13"
    assert trips == 1, trips  # the institution, its cell with the dates: one statement
    cells = await donation_totals.stored(store)
    await donation_totals.replace(store, _undated(cells))  # as a store written before cells held dates
    read, trips = await _answers(store, compiled)
    assert read == kept
    assert trips == 2, trips  # its dates read from the gifts once its cell is known to hold none
    assert await donation_totals.ensure(store) == len(cells)  # at start: rebuilt, dates and all
    assert await donation_totals.stored(store) == cells
    assert await donation_totals.ensure(store) is None


async def test_deleting_the_first_or_last_gift_moves_the_dates_to_the_gifts_left(store: FalkorStore) -> None:
    await build_solo_world(store)
    await record_donation(store, donor="donor-1", amount=9, date="2025-06-30", institution="inst-a", key="late")
    await record_donation(store, donor="donor-1", amount=9, date="2019-01-05", institution="inst-a", key="early")
    cell = (await donation_totals.stored(store))[donation_totals.cell_key(4, "inst-a", 0, 0, 0)]
    assert (cell["firstDate"], cell["lastDate"]) == ("2019-01-05", "2025-06-30")
    await delete_donation(store, "late")
    await delete_donation(store, "early")
    cell = (await donation_totals.stored(store))[donation_totals.cell_key(4, "inst-a", 0, 0, 0)]
    assert (cell["firstDate"], cell["lastDate"]) == ("2024-01-01", "2024-01-03")  # the other donor's gifts too
