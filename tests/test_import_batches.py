"""Gift batches go two at a time (graph_model.importing.write.IN_FLIGHT): a batch the store refuses
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
from graph_model.statements.loading import UPSERT_REL
from graph_model.stores.falkordb import FalkorStore
from tests.builders import GIFT_ROWS, build_world, gifts_file, snapshot

ROWS = GIFT_ROWS


async def test_a_refused_batch_stops_the_import_and_a_rerun_completes_it(
        store: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await build_world(store)
    monkeypatch.setenv("HUB_IMPORT_BATCH", "2")  # six batches
    path = gifts_file(tmp_path / "gifts.csv")
    write = store.write
    batches = 0

    async def refuse_the_third(stmt: Statement, **params: Any) -> Any:  # fault injection
        nonlocal batches
        if stmt in UPSERT_REL.values():
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
