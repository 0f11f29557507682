"""`hub export DIR`: every node and relationship of the graph, a page at a time, into an archive.

The graph is read from a point-in-time copy where the store can make one (graph_model.archive.
snapshot), so the files, their counts and the graph version in the manifest agree even while the
hub keeps serving writes. Pages are written out as they come: memory holds one page, not the graph.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from contextlib import ExitStack
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from graph_model import queries
from graph_model.archive import vocabulary
from graph_model.archive.manifest import MANIFEST, Manifest, node_file, rel_file, sha256_of
from graph_model.archive.snapshot import frozen
from graph_model.enums import ENDPOINTS, Rel
from graph_model.errors import StoreError, ValidationFailed
from graph_model.statements.archive import NODE_PAGE, REL_PAGE
from graph_model.statements.version import READ_VERSION
from graph_model.stores.base import GraphStore
from graph_model.version import KEY

PAGE = 5_000  # rows per read: one round trip amortised, one page in memory
MAX_STARTS = 50_000  # start nodes per relationship page, when most have none

Progress = Callable[[str, int], None]  # (what is being written, rows just written)


def hub_version() -> str:
    try:
        return metadata.version("participation-hub")
    except metadata.PackageNotFoundError:
        return "unknown"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _Writer:
    """The JSON Lines and CSV files of one label or type, written side by side."""

    def __init__(self, stack: ExitStack, folder: Path, jsonl: str, csv_name: str, head: list[str],
                 allowed: frozenset[str], what: str) -> None:
        for name in (jsonl, csv_name):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
        self._jsonl: IO[str] = stack.enter_context((folder / jsonl).open("w", encoding="utf-8", newline="\n"))
        self._csv_file = stack.enter_context((folder / csv_name).open("w", encoding="utf-8", newline=""))
        self._csv = csv.writer(self._csv_file)
        self._csv.writerow(head)
        self._head = head
        self._allowed = allowed
        self._what = what
        self.rows = 0

    def write(self, row: dict[str, Any]) -> None:
        node = "key" in row  # a node's key is a column of its own; a gift's key is one of its properties
        props = {k: v for k, v in row["props"].items() if v is not None and not (node and k == "key")}
        unknown = set(props) - self._allowed
        if unknown:  # a restore would refuse it: say so now, not after an hour of export
            raise StoreError(f"{self._what} {row.get('key') or (row.get('start'), row.get('end'))!r} holds "
                             f"properties the model does not know: {sorted(unknown)}")
        line: dict[str, Any] = {k: row[k] for k in ("key", "start", "end") if k in row}
        line["props"] = dict(sorted(props.items()))
        self._jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
        flat: dict[str, Any] = {**row, **props}
        self._csv.writerow([_cell(flat.get(name)) for name in self._head])
        self.rows += 1


async def _nodes(src: GraphStore, label: Any, out: _Writer, progress: Progress | None) -> None:
    after = ""
    while True:
        rows = await src.read(NODE_PAGE[label], after=after, limit=PAGE)
        for row in rows:
            out.write(row)
        if progress and rows:
            progress(label.value, len(rows))
        if len(rows) < PAGE:
            return
        after = rows[-1]["key"]


async def _rels(src: GraphStore, rel: Rel, starts_total: int, rels_total: int, out: _Writer,
                progress: Progress | None) -> None:
    if not rels_total:
        return
    # As many start nodes per page as hold about PAGE relationships.
    limit = max(50, min(MAX_STARTS, PAGE * max(starts_total, 1) // rels_total))
    after = ""
    while True:
        rows = await src.read(REL_PAGE[rel], after=after, limit=limit)
        links = [r for r in rows if r["end"] is not None]
        for row in sorted(links, key=lambda r: (r["start"], r["end"], r["props"].get("key", ""))):
            out.write(row)
        if progress and links:
            progress(rel.value, len(links))
        starts = {r["start"] for r in rows}
        if len(starts) < limit:
            return
        after = max(starts)


async def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    return await queries.node_counts(store), await queries.rel_counts(store)


async def export(store: GraphStore, folder: Path, *, with_meta: bool = False,
                 progress: Progress | None = None, totals: Callable[[int], None] | None = None) -> Manifest:
    """Write the whole graph into ``folder`` (which must be empty or new); return its manifest.
    ``totals`` is told how many rows there are once they are counted (for a progress bar)."""
    if folder.exists() and any(folder.iterdir()):
        raise ValidationFailed(f"{folder} is not empty: export into a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    async with frozen(store) as (src, _):
        nodes, rels = await counts(src)
        if totals:
            totals(sum(nodes.values()) + sum(rels.values()))
        row = (await src.read(READ_VERSION, key=KEY))[0]
        graph_version = {k: row[k] for k in ("epoch", "version", "coverage", "donations", "networks")
                         if row[k] is not None}
        manifest = Manifest(created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            hub_version=hub_version(), schema_version=vocabulary.schema_version(),
                            graph_version=graph_version, with_meta=with_meta)
        with ExitStack() as stack:
            for label in vocabulary.labels(with_meta):
                allowed = vocabulary.node_properties(label)
                out = _Writer(stack, folder, node_file(label.value, "jsonl"), node_file(label.value, "csv"),
                              ["key", *sorted(allowed)], allowed, label.value)
                await _nodes(src, label, out, progress)
                manifest.nodes[label.value] = out.rows
            for rel in Rel:
                allowed = vocabulary.rel_properties(rel)
                out = _Writer(stack, folder, rel_file(rel.value, "jsonl"), rel_file(rel.value, "csv"),
                              ["start", "end", *sorted(allowed)], allowed, rel.value)
                await _rels(src, rel, nodes[ENDPOINTS[rel][0].value], rels[rel.value], out, progress)
                manifest.rels[rel.value] = out.rows
        wrong = [f"{name}: {manifest.nodes[name]} written, {n} counted" for name, n in nodes.items()
                 if manifest.nodes[name] != n]
        wrong += [f"{name}: {manifest.rels[name]} written, {n} counted" for name, n in rels.items()
                  if manifest.rels[name] != n]
        if wrong:
            raise StoreError(f"the export does not match the graph's counts (was it written meanwhile?): {wrong[:5]}")
    names = [node_file(n, ext) for n in manifest.nodes for ext in ("jsonl", "csv")]
    names += [rel_file(n, ext) for n in manifest.rels for ext in ("jsonl", "csv")]
    for name in sorted(names):
        with (folder / name).open("rb") as f:
            manifest.files[name] = sha256_of(f)
    (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest

