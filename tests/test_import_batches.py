"""Gift batches go three at a time (graph_model.importing.write.IN_FLIGHT): a batch the store refuses
stops the import with the store's error, the batches beside it stop too, and running the file again
ends where one clean run ends (totals included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_model.cypher import Statement
from graph_model.errors import StoreError
from graph_model.importing import run_import
from graph_model.importing.write import totals_differ
from graph_model.statements.importing import UPSERT_GIFTS
from graph_model.stores.falkordb import FalkorStore
from graph_model.cypher import statement
from graph_model.mutations import record_donation
from tests.builders import GIFT_ROWS, build_world, gifts_file, snapshot

ROWS = GIFT_ROWS
GIFT_KEYS = statement("test_gift_keys", "MATCH ()-[r:DONATED_TO]->() RETURN r.key AS key", register=False)


async def test_a_refused_batch_stops_the_import_and_a_rerun_completes_it(
        store: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await build_world(store)
    monkeypatch.setenv("HUB_IMPORT_BATCH", "2")  # six batches
    path = gifts_file(tmp_path / "gifts.csv")
    write = store.write
    batches = 0

    async def refuse_the_third(stmt: Statement, **params: Any) -> Any:  # fault injection
        nonlocal batches
        if stmt in UPSERT_GIFTS.values():
            batches += 1
            if batches == 3:
                raise StoreError("injected: the store refused this batch")
        return await write(stmt, **params)

    monkeypatch.setattr(store, "write", refuse_the_third)
    with pytest.raises(StoreError, match="injected"):
        await run_import(store, "donations", path)
    assert batches < 6  # stopped: the batches after the refused one were not all sent
    partial = (await snapshot(store))[1].get("DONATED_TO", 0)
    assert 0 < partial < ROWS
    monkeypatch.setattr(store, "write", write)
    report = await run_import(store, "donations", path)
    assert report.created == ROWS - partial and report.unchanged == partial
    assert (await snapshot(store))[1]["DONATED_TO"] == ROWS
    assert not await totals_differ(store)


async def test_a_key_taken_meanwhile_fails_its_batch_whole(store: FalkorStore, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone records a gift with the key of one of the file's gifts, to another recipient, between the
    plan and the batch (fault injection: just before the second batch): that batch writes nothing, the
    import stops, no key is held twice, and the next run names the row whose key is taken."""
    await build_world(store)
    monkeypatch.setenv("HUB_IMPORT_BATCH", "2")
    path = gifts_file(tmp_path / "gifts.csv")
    write = store.write
    batches = 0
    taken = ""

    async def another_writer_first(stmt: Statement, **params: Any) -> Any:
        nonlocal batches, taken
        if stmt in UPSERT_GIFTS.values():
            batches += 1
            if batches == 2:
                gift = params["groups"][-1]["rows"][-1]
                taken = gift["props"]["key"]
                other = "inst-b" if gift["end"] == "inst-a" else "inst-a"
                await record_donation(store, donor=params["groups"][-1]["start"], institution=other, key=taken,
                                      amount=1, date="2024-01-01")
        return await write(stmt, **params)

    monkeypatch.setattr(store, "write", another_writer_first)
    with pytest.raises(StoreError, match="taken by another donor or recipient"):
        await run_import(store, "donations", path)
    monkeypatch.setattr(store, "write", write)
    keys = [r["key"] for r in await store.read(GIFT_KEYS)]
    assert len(keys) == len(set(keys))  # no key twice
    assert 0 < len(keys) - 1 < ROWS and (len(keys) - 1) % 2 == 0  # whole batches, and the other writer's gift
    report = await run_import(store, "donations", path, skip_invalid=True)
    assert [(p.code, p.value) for p in report.problems] == [("taken", taken)]
    assert report.created + report.unchanged == ROWS - 1
    assert not await totals_differ(store)
