"""``hub aggregates rebuild``: recompute the donation totals the writes keep, from the gifts.

Every write keeps the totals current (graph_model.donation_totals) and a bulk load rebuilds them
at its end, so this is for a store whose gifts were written some other way (an older store, a
restore, a repair). It replaces every total in one statement, and reads again when another write
landed meanwhile (graph_model.donation_totals.rebuild), so it may run beside `hub serve`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings


def cmd_rebuild(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio
    import time

    from graph_model.donation_totals import rebuild
    from hub.cli.common import err, out, with_store

    async def work(store: GraphStore) -> None:
        started = time.perf_counter()
        with err.status("reading every gift and rebuilding the donation totals..."):
            cells = await rebuild(store)
        out.print(f"[green]rebuilt[/] {cells:,} donation totals in {time.perf_counter() - started:.1f} s",
                  highlight=False)

    asyncio.run(with_store(settings, work))


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("aggregates", help="donation totals per area and year, kept by the writes")
    group_sub = group.add_subparsers(dest="aggregates_command", required=True)
    s = group_sub.add_parser("rebuild", help="recompute every donation total from the gifts")
    s.set_defaults(run=cmd_rebuild)
