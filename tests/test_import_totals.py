"""An import that only adds gifts sets the donation totals from the store's pieces read before its
batches plus the file's own (graph_model.importing.totals), without the rebuild, and they equal a
rebuild; a file that changes a gift, or another writer meanwhile, falls back to the rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_model import donation_totals
from graph_model.importing import run_import, totals
from graph_model.importing.write import totals_differ
from graph_model.mutations import record_donation
from graph_model.stores.falkordb import FalkorStore
from tests.builders import SOLO, build_solo_world

# Both sides of Nowruz 2024 (2024-03-20) and of 1403 in Jalali, both donors (a company and an
# individual who already gave), both institutions, amounts past one unit, a year outside none.
GIFTS = [["donor", "institution", "amount", "date"],
         ["donor-1", "inst-a", "1,000", "2024-03-19"],
         ["donor-1", "inst-a", "2,000", "2024-03-20"],
         ["donor-1", "inst-b", "3,000", "1402/12/29"],
         [SOLO, "inst-a", "1,234,567,890,123", "1403/01/01"],
         [SOLO, "inst-b", "7", "2024-03-21"],
         [SOLO, "inst-a", "9", "2023-12-31"],
         [SOLO, "inst-a", "9", "2023-12-31"]]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n", encoding="utf-8")
    return path


def forbid_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    async def rebuilt(*_: Any, **__: Any) -> int:  # fault injection: proves the rebuild was not taken
        raise AssertionError("the totals were rebuilt")

    monkeypatch.setattr(donation_totals, "rebuild", rebuilt)


async def test_new_gifts_set_the_totals_a_rebuild_would(store: FalkorStore, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    await build_solo_world(store)
    with monkeypatch.context() as m:
        forbid_rebuild(m)
        report = await run_import(store, "donations", write_csv(tmp_path / "a.csv", GIFTS))
        assert report.created == len(GIFTS) - 1
        assert not await totals_differ(store)
        more = [GIFTS[0], ["donor-1", "inst-b", "5", "2024-06-01"], [SOLO, "inst-b", "11", "1403/05/05"]]
        assert (await run_import(store, "donations", write_csv(tmp_path / "b.csv", more))).created == 2
    assert not await totals_differ(store)


async def test_a_changed_gift_rebuilds_the_totals(store: FalkorStore, tmp_path: Path) -> None:
    await build_solo_world(store)
    rows = [["key", "donor", "institution", "amount", "date"], ["g-1", "donor-1", "inst-a", "100", "2024-01-01"]]
    await run_import(store, "donations", write_csv(tmp_path / "a.csv", rows))
    rows[1][3] = "250"
    assert (await run_import(store, "donations", write_csv(tmp_path / "b.csv", rows))).updated == 1
    assert not await totals_differ(store)


async def test_another_write_meanwhile_rebuilds_the_totals(store: FalkorStore, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    await build_solo_world(store)
    read_before = totals.read_before

    async def and_a_gift_meanwhile(s: Any, donors: Any, adding: int) -> totals.Before:  # fault injection
        before = await read_before(s, donors, adding)  # then another writer
        await record_donation(store, donor=SOLO, amount=77, date="2024-02-02", institution="inst-b", key="other")
        return before

    monkeypatch.setattr(totals, "read_before", and_a_gift_meanwhile)
    assert (await run_import(store, "donations", write_csv(tmp_path / "a.csv", GIFTS))).created == len(GIFTS) - 1
    assert not await totals_differ(store)


def spy_reads(store: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """The statements (name, parameters) the store is asked to read from now on."""
    seen: list[tuple[str, dict[str, Any]]] = []
    read = store.read

    async def spied(stmt: Any, **params: Any) -> Any:
        seen.append((stmt.name, params))
        return await read(stmt, **params)

    monkeypatch.setattr(store, "read", spied)
    return seen


async def test_only_the_files_donors_gifts_are_read(store: FalkorStore, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's other donors' gifts are not read when the file adds fewer gifts than the store
    holds: the cells change by the file's donors' part, which their gifts before and after give
    (donor-1's company gift stays out of the reads)."""
    await build_solo_world(store)
    forbid_rebuild(monkeypatch)
    seen = spy_reads(store, monkeypatch)
    solo = [GIFTS[0], [SOLO, "inst-b", "7", "2024-03-21"]]  # one gift: fewer than the store's two
    assert (await run_import(store, "donations", write_csv(tmp_path / "a.csv", solo))).created == 1
    pieces = [params for name, params in seen if name.startswith("donation_totals_pieces")]
    assert [name for name, _ in seen if name.startswith("donation_totals_pieces")] == [
        "donation_totals_pieces_of_donors"]
    assert pieces[0]["donors"] == [SOLO]
    assert not await totals_differ(store)


async def test_gifts_the_totals_do_not_count_make_the_import_count_them_all(
        store: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stopped run's batches leave gifts the cells do not count (written here as a batch writes
    them): the next import reads every donor's gifts and sets every cell, so none is left out."""
    from graph_model.enums import Rel
    from graph_model.statements.importing import UPSERT_GIFTS

    await build_solo_world(store)
    await store.write(UPSERT_GIFTS[Rel.DONATED_TO], groups=[{"start": "donor-1", "rows": [
        {"end": "inst-b", "props": {"key": "stopped-run", "amount": 42, "date": "2024-05-05"}}]}])
    assert await totals_differ(store)
    forbid_rebuild(monkeypatch)
    seen = spy_reads(store, monkeypatch)
    assert (await run_import(store, "donations", write_csv(tmp_path / "a.csv", GIFTS[:2]))).created == 1
    assert "donation_totals_pieces_per_donor" in [name for name, _ in seen]
    assert not await totals_differ(store)
