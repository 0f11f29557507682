"""`hub restore DIR|FILE`: an archive into an empty store (embedded FalkorDB or Neo4j).

Everything is checked before the first write: the manifest's shape and file names, every file's
sha256, every row (a label, type or property outside the model is refused, values must fit the
model: graph_model.model), and that every relationship's ends are in the archive; the store's schema
is ensured first (as `hub serve` does: indexes, no data). Then nodes and relationships are written in batched UNWIND
upserts (the seed loader's statements, one transaction per batch), and last the graph version is
set to the manifest's. An interrupted restore leaves a
partial store, which the next restore refuses as not empty: clear it (or use a new graph) and run
it again.

The name search's text (``searchText``) is made again from each node's names, as every write makes
it, rather than read from the file. DonationTotal cells are restored as exported: an export reads
them from the same point-in-time copy as the gifts, so they agree with them (the archive tests check
it), and rebuilding them from the gifts (graph_model.donation_totals) holds every gift of the graph
in memory at once: on `national` that took the restore's peak from 110 MiB to 1.3 GiB. An archive
without them (written by hand, or by a hub that did not export them) gets them rebuilt; `hub
aggregates rebuild` does it again at will.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from graph_model import donation_totals, queries, version
from graph_model.archive import vocabulary
from graph_model.archive.manifest import Archive, Manifest, node_file, rel_file
from graph_model.enums import ENDPOINTS, Label, MetaLabel, Rel
from graph_model.errors import FieldError, StoreError, ValidationFailed
from graph_model.model import NODE_FIELDS, field_errors, validate_rel, with_search_text
from graph_model.statements.archive import ANY_NODE, RESTORE_META, SET_VERSION
from graph_model.statements.audit import CREATE_AUDIT_ENTRY
from graph_model.statements.loading import UPSERT_NODE, UPSERT_REL
from graph_model.stores.base import GraphStore
from graph_model.text import text_problem

AUDIT_FIELDS = ("at", "subject", "role", "operation", "keys", "values", "outcome")
BATCH = 5_000
IN_FLIGHT = 2  # batches sent at once: the client encodes the next while the store writes one
MAX_REPORTED = 50

Progress = Callable[[str, int], None]


def _node_errors(label: Label | MetaLabel, row: dict[str, Any], where: str) -> list[FieldError]:
    key, props = row.get("key"), row.get("props")
    if set(row) - {"key", "props"} or not isinstance(props, dict):
        return [FieldError(where, "a node row is {\"key\": ..., \"props\": {...}}")]
    if not isinstance(key, str) or not key.strip() or text_problem(key, "key"):
        return [FieldError(f"{where}.key", "must be a non-empty string")]
    unknown = set(props) - vocabulary.node_properties(label)
    if unknown:
        return [FieldError(f"{where}.{name}", f"is not a property of {label.value}") for name in sorted(unknown)]
    if isinstance(label, MetaLabel):
        bad = [name for name, v in props.items() if not _scalar_or_list(v)]
        return [FieldError(f"{where}.{name}", "must be a value or a list of values") for name in bad]
    modelled = {k: v for k, v in props.items() if k in NODE_FIELDS[label]}
    errors = field_errors(modelled, NODE_FIELDS[label], f"{where}.")
    errors += [FieldError(f"{where}.{k}", "must be a text") for k, v in props.items()
               if k not in NODE_FIELDS[label] and not isinstance(v, str)]
    return errors


def _scalar_or_list(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, (str, int, float, bool)) for v in value)
    return isinstance(value, (str, int, float, bool))


def _rel_errors(rel: Rel, row: dict[str, Any], where: str) -> list[FieldError]:
    if set(row) - {"start", "end", "props"} or not isinstance(row.get("props"), dict):
        return [FieldError(where, "a relationship row is {\"start\": ..., \"end\": ..., \"props\": {...}}")]
    try:
        validate_rel(rel, row.get("start"), row.get("end"), row["props"])
    except ValidationFailed as exc:
        return [FieldError(f"{where}.{e.field}", e.message) for e in exc.errors]
    return []


def check(archive: Archive, manifest: Manifest) -> None:
    """Every row against the model, counts against the manifest, ends against the archive's keys.
    Reads each file once, keeping only the keys (not the rows) in memory."""
    errors: list[FieldError] = []
    keys: dict[str, set[str]] = {}
    for name, expected in manifest.nodes.items():
        label = vocabulary.entity_named(name)
        assert label is not None  # the manifest's check
        seen = keys.setdefault(name, set())
        file = node_file(name, "jsonl")
        count = 0
        for number, row in archive.rows(file):
            count += 1
            errors += _node_errors(label, row, f"{file}:{number}")
            key = row.get("key")
            if isinstance(key, str):
                if key in seen:
                    errors.append(FieldError(f"{file}:{number}.key", f"duplicate key {key!r}"))
                seen.add(key)
            if len(errors) > MAX_REPORTED:
                break
        if count != expected and len(errors) <= MAX_REPORTED:
            errors.append(FieldError(file, f"holds {count} rows, the manifest says {expected}"))
    for name, expected in manifest.rels.items():
        rel = vocabulary.rel_named(name)
        assert rel is not None
        start, end = (keys.get(label.value, set()) for label in ENDPOINTS[rel])
        file = rel_file(name, "jsonl")
        count = 0
        for number, row in archive.rows(file):
            count += 1
            where = f"{file}:{number}"
            found = _rel_errors(rel, row, where)
            errors += found
            if not found:
                errors += [FieldError(f"{where}.{side}", f"no {label.value} {row[side]!r} in the archive")
                           for side, label, known in (("start", ENDPOINTS[rel][0], start),
                                                      ("end", ENDPOINTS[rel][1], end)) if row[side] not in known]
            if len(errors) > MAX_REPORTED:
                break
        if count != expected and len(errors) <= MAX_REPORTED:
            errors.append(FieldError(file, f"holds {count} rows, the manifest says {expected}"))
    if errors:
        raise ValidationFailed(f"the archive holds {len(errors)}{'+' if len(errors) > MAX_REPORTED else ''} "
                               f"invalid rows; nothing was written", errors[:MAX_REPORTED])


async def _write_audit(store: GraphStore, rows: Iterator[tuple[int, dict[str, Any]]],
                       progress: Progress | None) -> None:
    """The audit log's entries, each with the one statement allowed to write one (a whole-entry MERGE:
    append-only; a few thousand entries, so one by one is quick enough)."""
    for _, row in rows:
        props = row["props"]
        await store.write(CREATE_AUDIT_ENTRY, key=row["key"], **{name: props.get(name) for name in AUDIT_FIELDS})
        if progress:
            progress(MetaLabel.AUDIT_ENTRY.value, 1)


def _derived(rows: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Node rows with the properties the writes derive (the name search's text, vocabulary.DERIVED) made
    again from their names, not taken from the file: a name edited by hand cannot leave a stale search
    text, which name search and the data-quality report's duplicate checks read."""
    for line, row in rows:
        props = {k: v for k, v in row["props"].items() if k not in vocabulary.DERIVED}
        yield line, {**row, "props": with_search_text(props)}


def _batches(rows: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for _, row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _write_file(store: GraphStore, stmt: Any, batches: Iterator[list[dict[str, Any]]], what: str,
                      progress: Progress | None) -> None:
    slots = asyncio.Semaphore(IN_FLIGHT)
    pending: set[asyncio.Task[None]] = set()

    async def one(rows: list[dict[str, Any]]) -> None:
        try:
            written = (await store.write(stmt, rows=rows))[0]["written"]
            if written != len(rows):
                raise StoreError(f"{what}: wrote {written} of {len(rows)} rows")
        finally:
            slots.release()
        if progress:
            progress(what, len(rows))

    try:
        for batch in batches:
            await slots.acquire()
            task = asyncio.ensure_future(one(batch))
            pending.add(task)
            task.add_done_callback(pending.discard)
            done = [t for t in list(pending) if t.done()]
            for t in done:
                t.result()
        await asyncio.gather(*pending)
    except BaseException:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        raise


async def refuse_unless_empty(store: GraphStore) -> None:
    total = int((await store.read(ANY_NODE))[0]["total"])
    if total:
        raise ValidationFailed(f"the store at {store.location()} is not empty ({total:,} nodes): a restore goes "
                               f"into an empty store only; nothing was written")


async def restore(store: GraphStore, path: Path, *, progress: Progress | None = None,
                  totals: Callable[[int], None] | None = None) -> Manifest:
    """Load the archive at ``path`` (a folder or a tar file) into the empty ``store``."""
    archive = Archive(path)
    try:
        manifest = archive.manifest()
        archive.verify(manifest)
        # The schema first (idempotent, as every hub start runs it; it writes no node): a graph that
        # does not exist yet has no nodes to count until it has been made.
        await store.ensure_schema()
        await refuse_unless_empty(store)
        check(archive, manifest)
        if totals:
            totals(sum(manifest.nodes.values()) + sum(manifest.rels.values()))
        for name in manifest.nodes:
            label = vocabulary.entity_named(name)
            if label is MetaLabel.AUDIT_ENTRY:
                await _write_audit(store, archive.rows(node_file(name, "jsonl")), progress)
                continue
            rows = archive.rows(node_file(name, "jsonl"))
            if isinstance(label, MetaLabel):
                await _write_file(store, RESTORE_META[label], _batches(rows), name, progress)
            else:
                await _write_file(store, UPSERT_NODE[label], _batches(_derived(rows)), name, progress)  # type: ignore[index]
        for name in manifest.rels:
            rel = vocabulary.rel_named(name)
            assert rel is not None
            await _write_file(store, UPSERT_REL[rel], _batches(archive.rows(rel_file(name, "jsonl"))), name,
                              progress)
    finally:
        archive.close()
    if vocabulary.TOTALS.value not in manifest.nodes:  # an archive without them: rebuilt from the gifts
        if progress:
            progress("donation totals", 0)
        await donation_totals.replace(store, await donation_totals.computed(store))
    if manifest.graph_version:
        await store.write(SET_VERSION, key=version.KEY, props=manifest.graph_version)
    await store.checkpoint()
    await _agrees(store, manifest)
    return manifest


async def _agrees(store: GraphStore, manifest: Manifest) -> None:
    """The restored store holds what the manifest says: counts per label and type, graph version."""
    nodes, rels = await queries.node_counts(store), await queries.rel_counts(store)
    wrong = [f"{name}: {nodes.get(name)} (manifest {n})" for name, n in manifest.nodes.items()
             if name in nodes and nodes[name] != n]
    wrong += [f"{name}: {rels.get(name)} (manifest {n})" for name, n in manifest.rels.items() if rels[name] != n]
    if manifest.graph_version:
        got = await version.versions(store)
        want = manifest.graph_version
        if got.graph != (want.get("epoch"), want.get("version")):
            wrong.append(f"graph version {got.graph} (manifest {(want.get('epoch'), want.get('version'))})")
    if wrong:
        raise StoreError(f"the restored store does not match the archive's manifest: {wrong}")
