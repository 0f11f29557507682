"""Write a Dataset into a store: validated first, then batched, idempotent upserts.

Every row is checked before the first write, so bad input fails with the list of what is
wrong and nothing written. Each batch is one statement, hence one transaction: a batch
is written whole or not at all, and running a load again after an interruption finishes
the job with exactly the counts of a clean run (upserts MERGE on keys).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph_model import donation_totals, queries
from graph_model.enums import ENDPOINTS, KEYED_RELS, Label
from graph_model.errors import FieldError, StoreError, ValidationFailed
from graph_model.model import validate_node, validate_rel, with_search_text
from graph_model.statements.loading import MISSING_KEYS, UPSERT_NODE, UPSERT_REL
from graph_model.stores.base import GraphStore
from seed.dataset import NODE_ORDER, REL_ORDER, Dataset, Row
from seed.totals import gift_dates, pieces

# Rows per statement: large enough to amortise the round trip, small enough that one
# statement stays well under the store's timeout and memory on the national profile.
BATCH_SIZE = 5_000
# Batches of one label or type in flight at once: while the store executes one, the client
# encodes the next (the store still applies writes one at a time, each atomically).
IN_FLIGHT = 2
MAX_REPORTED = 50

Progress = Callable[[str, int], None]  # (what is being written, rows just written)
T = TypeVar("T")


@dataclass
class LoadReport:
    dataset: str
    written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    batches: int = 0


def _batches(rows: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def check(dataset: Dataset) -> dict[Label, set[str]]:
    """Validate every row; return the keys per label. Raises ValidationFailed, listing problems."""
    errors: list[FieldError] = []
    keys: dict[Label, set[str]] = {}
    for label in NODE_ORDER:
        seen = keys.setdefault(label, set())
        for i, row in enumerate(dataset.nodes.get(label, [])):
            try:
                validate_node(label, row.get("key"), row.get("props", {}))
            except ValidationFailed as exc:
                errors += [FieldError(f"{label.value}[{i}].{e.field}", e.message) for e in exc.errors]
            key = row.get("key")
            if isinstance(key, str):  # a missing or malformed key is reported above
                if key in seen:
                    errors.append(FieldError(f"{label.value}[{i}].key", f"duplicate key {key!r}"))
                seen.add(key)
        if len(errors) > MAX_REPORTED:
            break
    for rel in REL_ORDER:
        # A relationship is identified by its key, or else by its two ends: a second row for
        # the same one would be merged into the first, so it is an error, not a silent loss.
        seen_rels: set[Any] = set()
        for i, row in enumerate(dataset.rels.get(rel, [])):
            try:
                validate_rel(rel, row.get("start"), row.get("end"), row.get("props", {}))
            except ValidationFailed as exc:
                errors += [FieldError(f"{rel.value}[{i}].{e.field}", e.message) for e in exc.errors]
            ident = row.get("props", {}).get("key") if rel in KEYED_RELS else (row.get("start"), row.get("end"))
            if ident in seen_rels:
                errors.append(FieldError(f"{rel.value}[{i}]", f"duplicate relationship {ident!r}"))
            seen_rels.add(ident)
        if len(errors) > MAX_REPORTED:
            break
    if errors:
        raise ValidationFailed(f"dataset {dataset.name!r} has {len(errors)} invalid rows; nothing was written",
                               errors[:MAX_REPORTED])
    return keys


async def _check_references(store: GraphStore, dataset: Dataset, keys: dict[Label, set[str]]) -> None:
    """Keys a relationship names must be in the dataset or already in the store."""
    outside: dict[Label, set[str]] = {}
    for rel, rows in dataset.rels.items():
        start, end = ENDPOINTS[rel]
        for row in rows:
            for label, key in ((start, row["start"]), (end, row["end"])):
                if key not in keys[label]:
                    outside.setdefault(label, set()).add(key)
    errors: list[FieldError] = []
    for label, wanted in outside.items():
        for chunk in _batches(sorted(wanted), BATCH_SIZE):
            missing = (await store.read(MISSING_KEYS[label], keys=chunk))[0]["missing"]
            errors += [FieldError(label.value, f"unknown key {k!r}") for k in missing]
    if errors:
        raise ValidationFailed(f"dataset {dataset.name!r} refers to nodes that do not exist; nothing was written",
                               errors[:MAX_REPORTED])


async def _write(store: GraphStore, stmt: Any, rows: list[Row], what: str) -> None:
    written = (await store.write(stmt, rows=rows))[0]["written"]
    if written != len(rows):  # a MATCH found no endpoint: should be impossible after the checks
        raise StoreError(f"{what}: wrote {written} of {len(rows)} rows")


async def _write_all(store: GraphStore, stmt: Any, rows: list[Row], what: str, batch_size: int,
                     shape: Callable[[Row], Row], progress: Progress | None) -> int:
    """Write ``rows`` in batches, ``IN_FLIGHT`` at a time; return the number of batches."""
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one(batch: list[Row]) -> None:
        async with slots:
            await _write(store, stmt, [shape(r) for r in batch], what)
        if progress:
            progress(what, len(batch))

    batches = list(_batches(rows, batch_size))
    tasks = [asyncio.ensure_future(one(b)) for b in batches]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return len(batches)


def _node_row(row: Row) -> Row:
    return {"key": row["key"], "props": with_search_text(row.get("props", {}))}


def _rel_row(row: Row) -> Row:
    return {"start": row["start"], "end": row["end"], "props": row.get("props", {})}


async def load(store: GraphStore, dataset: Dataset, *, batch_size: int = BATCH_SIZE,
               progress: Progress | None = None) -> LoadReport:
    """Load ``dataset`` into ``store`` (schema first). Safe to run again."""
    started = time.perf_counter()
    if progress:
        progress("checking rows", 0)  # several seconds on `national`: say what is happening
    keys = check(dataset)
    await store.ensure_schema()
    empty = sum((await queries.node_counts(store)).values()) == 0
    await _check_references(store, dataset, keys)
    report = LoadReport(dataset.name)
    # All nodes before any relationship, so every MATCH of an endpoint finds it.
    for label in NODE_ORDER:
        rows = dataset.nodes.get(label, [])
        report.batches += await _write_all(store, UPSERT_NODE[label], rows, label.value, batch_size,
                                           _node_row, progress)
        report.written[label.value] = len(rows)
    for rel in REL_ORDER:
        rows = dataset.rels.get(rel, [])
        report.batches += await _write_all(store, UPSERT_REL[rel], rows, rel.value, batch_size,
                                           _rel_row, progress)
        report.written[rel.value] = len(rows)
    if progress:
        progress("donation totals", 0)
    # The writes keep the donation totals current one gift at a time; a bulk load rebuilds them
    # from every gift once, at its end (graph_model.donation_totals): from the dataset itself when
    # the store held nothing before (its gifts are then the dataset's), else read back from the store.
    if empty:
        await donation_totals.replace(store, donation_totals.cells(pieces(dataset), gift_dates(dataset)))
    else:
        await donation_totals.rebuild(store)
    await store.checkpoint()
    report.seconds = time.perf_counter() - started
    return report
