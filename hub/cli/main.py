"""The ``hub`` command: its parser, and serve, seed, status, export-schema, needs import."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Only what builds the parser is imported here: ``hub --help`` must not pay for rich, the store
# adapters (redis, neo4j and through it pandas), the schema or the generated client. Every
# command imports what it uses when it runs.
if TYPE_CHECKING:
    from rich.console import Console

    from graph_model.stores.base import GraphStore
    from hub.settings import Settings


KEEP_ALIVE_S = 75  # seconds an idle HTTP connection is kept (nginx's default)

async def seed_store(store: GraphStore, profile: str, *, console: Console | None = None) -> None:
    """Build a profile and load it with a progress bar (on stderr unless ``console`` says)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hub.cli.common import err
    from seed.loader import load
    from seed.profiles import build

    console = err if console is None else console

    with console.status(f"building the {profile} profile..."):
        dataset = build(profile)
    columns = (TextColumn("[bold]{task.description:<26}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("rows"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(f"loading {profile}", total=dataset.total_rows())

        def advance(what: str, rows: int) -> None:
            bar.update(task, advance=rows, description=what)

        report = await load(store, dataset, progress=advance)
        bar.update(task, description=f"loaded {profile}")
    console.print(f"[green]loaded[/] profile {profile!r}: {dataset.total_rows():,} rows in "
                  f"{report.batches} batches, {report.seconds:.1f} s into {store.location()}")


def cmd_seed(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from hub.cli.common import with_store

    asyncio.run(with_store(settings, lambda store: seed_store(store, args.profile)))


def cmd_status(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from rich.markup import escape
    from rich.table import Table

    from graph_model import queries
    from hub.cli.common import out, with_store

    async def work(store: GraphStore) -> None:
        nodes = await queries.node_counts(store)
        rels = await queries.rel_counts(store)
        out.print(f"store: [bold]{store.kind}[/] at {escape(store.location())}", highlight=False, soft_wrap=True)
        table = Table("label", "count", title="nodes")
        for name, total in nodes.items():
            table.add_row(name, f"{total:,}")
        out.print(table)
        table = Table("relationship", "count", title="relationships")
        for name, total in rels.items():
            table.add_row(name, f"{total:,}")
        out.print(table)

    asyncio.run(with_store(settings, work))


def cmd_needs_import(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from graph_model.errors import ValidationFailed
    from graph_model.needs_import import import_needs, read_csv_text
    from hub.cli.common import err, out, with_store

    text = read_csv_text(args.file)  # before the store opens: a wrong path starts no server
    columns = (TextColumn("[bold]{task.description:<26}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("rows"), TimeElapsedColumn())

    async def work(store: GraphStore) -> None:
        # Only on a terminal: a log gains nothing from a bar, and rich leaves blank lines there.
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("checking need figures", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description="writing need figures")

            report = await import_needs(store, text, source=args.source, year=args.year, dry_run=args.dry_run,
                                        progress=advance)
        if not report.ok:
            for e in report.errors:
                err.print(f"[red]line {e.line}:[/] {escape(e.message)}", soft_wrap=True)
            lines = len({e.line for e in report.errors})
            raise ValidationFailed(f"nothing written: {len(report.errors)} error(s) on {lines} line(s)")
        counts = (f"{len(report.rows)} need figures ({report.new} new, {report.replaced} replaced, "
                  f"{report.unchanged} unchanged)")
        if report.dry_run:
            out.print(f"dry run: would set {counts}; nothing written", highlight=False, soft_wrap=True)
        else:
            out.print(f"[green]set[/] {counts}", highlight=False, soft_wrap=True)

    asyncio.run(with_store(settings, work))


def cmd_export_schema(settings: Settings, args: argparse.Namespace) -> None:
    from hub.schema import schema

    sys.stdout.write(schema.as_str() + "\n")


async def _prepare_store(settings: Settings, url: str, before_seeding: Callable[[], None] | None = None) -> None:
    """Before serving: an empty store gets the demo profile and a key; a store from before the donation
    totals were kept gets them."""
    from graph_model import queries
    from hub.cli.common import err, with_store

    async def work(store: GraphStore) -> None:
        if sum((await queries.node_counts(store)).values()) == 0:
            if before_seeding is not None:
                before_seeding()
            err.print("[yellow]The store is empty:[/] seeding the demo profile first (generated demo data "
                      "is marked `generated: true`).")
            await seed_store(store, "demo")
            from hub.cli.keys import demo_key

            await demo_key(store, url)  # the new store has no keys: one to try it with
        else:
            from graph_model import donation_totals

            with err.status("checking the donation totals..."):
                rebuilt = await donation_totals.ensure(store)
            if rebuilt is not None:
                err.print(f"[yellow]The store's gifts had no donation totals, or none with the first and last "
                          f"gift's dates[/] (written before they were kept): rebuilt {rebuilt:,}.")

    await with_store(settings, work)


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


class _Preload:
    """Import a module in a thread while this one waits on something else, with the cyclic
    collector paused until ``wait`` (what is imported lives as long as the process, and the app's
    lifespan collects once and freezes it; a few percent of the import).

    ``hub serve`` imports the app (the schema: about 2.5 s, most of its start-up) this way while
    the embedded server loads its append-only file and the seed check runs. Imports hold the GIL,
    so only the waiting is saved: little on `demo`, 1.5-2 s on `national`, whose file takes 10 s or
    more to load (benchmarks/README.md). An import error is left for the real import, uvicorn's, to
    raise in the main thread."""

    def __init__(self, module: str) -> None:
        import gc
        import threading

        self._collecting = gc.isenabled()
        gc.disable()
        self._thread = threading.Thread(target=self._run, args=(module,), name=f"import {module}", daemon=True)
        self._thread.start()

    @staticmethod
    def _run(module: str) -> None:
        import contextlib
        import importlib

        with contextlib.suppress(Exception):  # uvicorn's import raises it again, and reports it
            importlib.import_module(module)

    def wait(self) -> None:
        import gc

        self._thread.join()
        if self._collecting:
            gc.enable()


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio
    import contextlib
    import signal

    import uvicorn

    from graph_model import queries  # noqa: F401 - the seed check's, imported before the app's thread starts
    from graph_model.stores.embedded import EmbeddedServer
    from hub.cli.common import err
    from hub.stores import import_adapter
    from hub.supervisor import Supervisor

    import_adapter(settings)
    # With one worker the app runs in this process: it is imported while the embedded server
    # starts and the seed check runs, which mostly wait. Workers import their own.
    app = _Preload("hub.app") if args.workers == 1 else None
    # The embedded server is started here, in the parent, so every uvicorn worker reuses
    # it and it is stopped once, when the parent exits.
    server = EmbeddedServer(settings.data_dir, fsync=settings.fsync) if settings.store == "embedded" else None
    if server is not None:
        server.start()
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again for the handler it
    # found; the default one would end the process before `finally` stops the database server.
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        # Seeding waits for the app's import: two threads importing the same modules could deadlock.
        asyncio.run(_prepare_store(settings, f"http://{args.host}:{args.port}/graphql",
                                   before_seeding=app.wait if app is not None else None))
        if app is not None:
            app.wait()
        err.print(f"The app at [bold]http://{args.host}:{args.port}/[/] (paste an API key), "
                  f"GraphiQL at [bold]http://{args.host}:{args.port}/graphql[/]")
        # This process owns the server: it restarts it if it dies (hub/supervisor.py).
        with Supervisor(server).in_thread() if server is not None else contextlib.nullcontext():
            # loop and http "auto": uvloop and httptools (uvicorn[standard]) when installed; a line
            # per request only when asked (--access-log): writing it cost the event loop's time.
            uvicorn.run("hub.app:app_from_env", factory=True, host=args.host, port=args.port,
                        workers=args.workers, log_level="info", loop="auto", http="auto",
                        access_log=args.access_log,
                        # An idle connection is kept longer than clients keep theirs (httpx 5 s,
                        # uvicorn's own default): with both at 5 s, a client reusing one just as the
                        # server closed it got a reset instead of an answer (benchmarks/load.py: 1-3
                        # transport errors a minute at ~80 req/s).
                        timeout_keep_alive=KEEP_ALIVE_S,
                        # uvicorn would believe X-Forwarded-For from 127.0.0.1; the hub decides which
                        # proxies to believe itself (HUB_TRUSTED_PROXIES, hub.http.rate_limit)
                        proxy_headers=False)
    finally:
        if server is not None:
            server.stop()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hub", description="Participation Hub: a GraphQL hub over the "
                                "welfare participation graph. Settings come from HUB_* variables.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve GraphQL (seeds the demo profile into an empty store)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--access-log", action="store_true", help="log a line per request (off by default)")
    s.set_defaults(run=cmd_serve)
    s = sub.add_parser("seed", help="load a profile (idempotent: loading twice changes nothing)")
    s.add_argument("--profile", choices=["demo", "national"], default="demo")
    s.set_defaults(run=cmd_seed)
    s = sub.add_parser("status", help="store kind, location and counts per label")
    s.set_defaults(run=cmd_status)
    s = sub.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    s.set_defaults(run=cmd_export_schema)
    needs = sub.add_parser("needs", help="planners' need figures (County -NEEDS-> TargetGroup)")
    needs_sub = needs.add_subparsers(dest="needs_command", required=True)
    s = needs_sub.add_parser(
        "import", help="set need figures from a CSV file (all rows are checked first; one bad row writes nothing)",
        description="CSV with a header row: county, targetGroup, people, and optional source, year (UTF-8, "
                    "Persian digits accepted). A row's own source/year win over --source/--year.")
    s.add_argument("file", type=Path, help="the CSV file")
    s.add_argument("--source", help="source of rows whose source cell is empty")
    s.add_argument("--year", type=int, help="year of rows whose year cell is empty")
    s.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    s.set_defaults(run=cmd_needs_import)
    from hub.cli.keys import add_parser as add_keys_parser

    add_keys_parser(sub)
    from hub.cli.operations import add_parser as add_operations_parser

    add_operations_parser(sub)
    from hub.cli.aggregates import add_parser as add_aggregates_parser

    add_aggregates_parser(sub)
    from hub.cli.alerts import add_parser as add_alerts_parser

    add_alerts_parser(sub)
    from hub.cli.archive import add_parser as add_archive_parser

    add_archive_parser(sub)
    from hub.cli.quality import add_parser as add_quality_parser

    add_quality_parser(sub)
    from hub.cli.importing import add_parser as add_import_parser

    add_import_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from graph_model.errors import HubError
    from hub.settings import Settings

    try:
        settings = Settings.from_env()
        code = args.run(settings, args)  # a command may return its exit code (hub import: rows rejected)
    except HubError as exc:
        from rich.markup import escape

        from hub.cli.common import err

        # One line, never folded at the terminal's width: a path in it can be copied whole.
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
