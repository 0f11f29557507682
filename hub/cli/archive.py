"""``hub export DIR``, ``hub restore DIR|FILE``, ``hub backup FILE``: whole-graph archives
(graph_model.archive), with a progress bar on stderr."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings


@contextlib.contextmanager
def _bar(what: str) -> Iterator[tuple[Any, Any]]:
    """(progress, totals) callbacks driving one rich bar of rows."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hub.cli.common import err

    columns = (TextColumn("[bold]{task.description:<26}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("rows"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(what, total=None)

        def progress(name: str, rows: int) -> None:
            bar.update(task, advance=rows, description=name)

        def totals(rows: int) -> None:
            bar.update(task, total=rows)

        yield progress, totals


def _summary(verb: str, manifest: Any, where: str) -> str:
    return (f"[green]{verb}[/] {sum(manifest.nodes.values()):,} nodes and {sum(manifest.rels.values()):,} "
            f"relationships (graph version {manifest.graph_version.get('version', 0)}, schema "
            f"{manifest.schema_version}) {where}")


def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from graph_model.archive.export import export
    from hub.cli.common import out, with_store

    async def work(store: GraphStore) -> None:
        with _bar("exporting") as (progress, totals):
            manifest = await export(store, args.dir, with_meta=args.with_meta, progress=progress, totals=totals)
        out.print(_summary("exported", manifest, f"to {args.dir}"), highlight=False, soft_wrap=True)

    asyncio.run(with_store(settings, work))


def cmd_restore(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from graph_model.archive.restore import restore
    from graph_model.errors import ValidationFailed
    from hub.cli.common import out, with_store

    if not args.source.exists():  # before the store opens: a wrong path starts no server
        raise ValidationFailed(f"{args.source} does not exist")

    async def work(store: GraphStore) -> None:
        with _bar("restoring") as (progress, totals):
            manifest = await restore(store, args.source, progress=progress, totals=totals)
        out.print(_summary("restored", manifest, f"into {store.location()}"), highlight=False, soft_wrap=True)

    asyncio.run(with_store(settings, work))


def cmd_backup(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from graph_model.archive.backup import backup
    from hub.cli.common import out, with_store

    async def work(store: GraphStore) -> None:
        with _bar("backing up") as (progress, totals):
            manifest = await backup(store, args.file, with_meta=args.with_meta, progress=progress, totals=totals)
        out.print(_summary("backed up", manifest, f"to {args.file}"), highlight=False, soft_wrap=True)

    asyncio.run(with_store(settings, work))


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    meta = "also the hub's own records: API keys, the audit log, registered operations"
    s = sub.add_parser("export", help="write the whole graph to a folder (JSON Lines + CSV per label and type, "
                       "manifest.json with counts, versions and sha256 of every file)")
    s.add_argument("dir", type=Path, help="a new or empty folder")
    s.add_argument("--with-meta", action="store_true", help=meta)
    s.set_defaults(run=cmd_export)
    s = sub.add_parser("restore", help="load an export folder or a backup file into an EMPTY store "
                       "(embedded or Neo4j: HUB_STORE); everything is checked before anything is written")
    s.add_argument("source", type=Path, help="a folder written by `hub export`, or a file written by `hub backup`")
    s.set_defaults(run=cmd_restore)
    s = sub.add_parser("backup", help="a consistent snapshot of the store, while it serves, into one file "
                       "(a tar of an export; .tar.gz compresses)")
    s.add_argument("file", type=Path, help="the backup file to write (.tar or .tar.gz)")
    s.add_argument("--with-meta", action="store_true", help=meta)
    s.set_defaults(run=cmd_backup)
