"""Writing a checked plan: donations in batched UNWIND upserts, the rest through the mutations.

Gifts go in batches of ``HUB_IMPORT_BATCH`` rows (default 5,000; three in flight), sorted by donor,
through one keyed upsert grouped by donor (graph_model.statements.importing.UPSERT_GIFTS: MERGE by
the gift's key, so a batch run twice writes once; a key another donor or recipient took meanwhile
fails its batch whole). Then the donation totals: for a file that only adds gifts, from the store's
pieces read before the batches plus the file's own (graph_model.importing.totals), else rebuilt from
the gifts (graph_model.donation_totals.rebuild, as a bulk load ends); either way the cells come out
exactly as the per-gift maintenance of the mutations leaves them. Institutions, donors and licences
are few and go row by row through the mutations (create_node/update_node, issue_licence and the
licence steps), so their links, mirrors, search text and LicenceChange history are written exactly
as a user's edit writes them.

A run stopped part way leaves the batches written so far; a rerun finds their gifts stored
(unchanged), writes the rest and ends where one clean run ends.
``HUB_IMPORT_PAUSE_MARKER`` (fault injection for tests): after the first batch, create that file
and wait forever, so a test can kill the process at a known point (the batch in flight beside it,
if any, may land too).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from graph_model import donation_totals
from graph_model.enums import Label, Rel
from graph_model.errors import Conflict, StoreError
from graph_model.importing import totals
from graph_model.importing.validate import CREATE, UPDATE, Planned
from graph_model.mutations import licences as lic
from graph_model.mutations.entities import create_node, update_node
from graph_model.statements.importing import UPSERT_GIFTS
from graph_model.stores.base import GraphStore

Progress = Callable[[int, int], None]
BATCH = 5_000
# Batches in flight at once: while the store writes one, the client encodes the next. Three, not two
# (seed.loader, the archive's restore): a batch's task holds its slot over the graph version's bump,
# which waits behind the other batch, so with two the store idled between batches. The store still
# applies each one atomically.
IN_FLIGHT = 3


def batch_size() -> int:
    return max(1, int(os.environ.get("HUB_IMPORT_BATCH", BATCH)))


def _pause_after_batch() -> None:
    marker = os.environ.get("HUB_IMPORT_PAUSE_MARKER")
    if marker:
        Path(marker).write_text("first batch written\n")
        while True:  # the test kills the process here
            time.sleep(1)


async def write_donations(store: GraphStore, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action in (CREATE, UPDATE)]
    size = batch_size()
    done = 0
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one(rel: Rel, batch: list[Planned]) -> None:
        nonlocal done
        end = "institution" if rel is Rel.DONATED_TO else "event"
        groups: dict[str, list[dict[str, Any]]] = {}
        for p in batch:
            groups.setdefault(p.values["donor"], []).append({"end": p.values[end], "props": p.values["props"]})
        async with slots:
            try:
                result = await store.write(UPSERT_GIFTS[rel], groups=[{"start": donor, "rows": rows}
                                                                     for donor, rows in groups.items()])
            except Conflict:
                raise StoreError("a gift key of this file was taken by another donor or recipient during the "
                                 "import: run the import again to see which") from None
        written = int(result[0]["written"]) if result else 0
        if written != len(batch):
            raise StoreError(f"{len(batch) - written} gift(s) of a batch found no donor or recipient "
                             "(deleted meanwhile?): run the import again")
        done += len(batch)
        if progress is not None:
            progress(done, len(todo))
        _pause_after_batch()

    # By relationship, then by donor, so that a batch holds few donors (each sought once per batch).
    batches = [(rel, chunk) for rel in (Rel.DONATED_TO, Rel.DONATED_TO_EVENT)
               for chunk in _chunks(sorted((p for p in todo if p.values["rel"] is rel),
                                           key=lambda p: p.values["donor"]), size)]
    # Only new gifts: the totals are the store's pieces plus the file's (graph_model.importing.totals).
    added = bool(todo) and all(p.action == CREATE for p in todo)
    gifts = [p.values for p in todo if p.values["rel"] is Rel.DONATED_TO] if added else []
    before = await totals.read_before(store, (g["donor"] for g in gifts), len(gifts)) if added else None
    tasks: list[asyncio.Future[Any]] = [asyncio.ensure_future(one(rel, chunk)) for rel, chunk in batches]
    building = None
    if before is not None:  # worked out while the store writes the batches
        building = asyncio.ensure_future(totals.built_cells(store, before, gifts))
        tasks.append(building)
    try:
        await asyncio.gather(*tasks)
    except BaseException:  # a failed batch (or Ctrl+C) stops the others; a rerun writes what is left
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    if before is not None and building is not None and await totals.settle_added(store, before, building.result(),
                                                                                  len(batches)):
        return
    await settle_totals(store, wrote=bool(todo))


def _chunks(items: list[Planned], size: int) -> list[list[Planned]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


async def settle_totals(store: GraphStore, *, wrote: bool) -> None:
    """Rebuild the totals after gifts were written, or when a stopped run left them behind (an
    import that wrote nothing finds them equal to the gifts and writes nothing either)."""
    if wrote or await totals_differ(store):
        await donation_totals.rebuild(store)


async def totals_differ(store: GraphStore) -> bool:
    """Whether the stored totals differ from those the gifts make (what a test of the totals checks)."""
    built = {cell["key"]: cell for cell in await donation_totals.computed(store)}
    return built != await donation_totals.stored(store)


async def write_entities(store: GraphStore, label: Label, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action in (CREATE, UPDATE)]
    for done, p in enumerate(todo, start=1):
        if p.action == CREATE:
            await create_node(store, label, p.values)
        else:
            await update_node(store, label, p.key, p.changes)
        if progress is not None:
            progress(done, len(todo))


STEPS = {lic.ACTIVATE.done: lic.activate_licence, lic.SUSPEND.done: lic.suspend_licence,
         lic.REINSTATE.done: lic.reinstate_licence, lic.REVOKE.done: lic.revoke_licence}


async def write_licences(store: GraphStore, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action in (CREATE, UPDATE)]
    for done, p in enumerate(todo, start=1):
        v = p.values
        if p.action == CREATE:
            await lic.issue_licence(store, holder=v["holder"], licence_type=v["licenceType"], services=v["services"],
                                    issued_on=v["issuedOn"], status=v["status"], expires_on=v.get("expiresOn"),
                                    number=v.get("number"), key=p.key, source=v.get("source"), by=v.get("by"),
                                    generated=v.get("generated"))
        else:
            if p.changes:
                await update_node(store, Label.LICENCE, p.key, p.changes)
            step = dict(on=v.get("on"), by=v.get("by"), reason=v.get("reason"))
            if p.step == lic.RENEW_FROM.done:
                await lic.renew_licence(store, p.key, expires_on=v.get("expiresOn"), **step)
            elif p.step is not None:
                await STEPS[p.step](store, p.key, **step)
        if progress is not None:
            progress(done, len(todo))
