"""A frozen copy of a live graph to read an archive from.

FalkorDB: ``GRAPH.COPY`` copies the graph atomically (it runs as one command in the server, so
it sees one point in time while other clients keep writing) into a scratch graph, which the export
then reads at leisure, page by page, and deletes. Chosen over a redis BGSAVE (a fork snapshot of
the whole server): that gives an RDB file only FalkorDB can load, while an export of the copy gives
an archive `hub restore` loads into either store. It costs a second copy of the graph in the
server's memory while the export runs.

The copy is deleted when the export ends or fails (and, through asyncio's cancellation on Ctrl+C,
when it is interrupted: not tested); a process killed outright (kill -9) leaves it behind, as a
graph named ``<graph>__snapshot_<id>`` in the same server: delete it with ``GRAPH.DELETE``.

Neo4j: there is no cheap copy; the export reads the live graph (stop writes for a consistent one).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

from graph_model.stores.base import GraphStore


@contextlib.asynccontextmanager
async def frozen(store: GraphStore) -> AsyncIterator[tuple[GraphStore, bool]]:
    """(the store to read, whether it is a point-in-time copy)."""
    from graph_model.stores.falkordb import FalkorStore

    if not isinstance(store, FalkorStore):
        yield store, False
        return
    copy = await store.copy(f"{store.graph_name}__snapshot_{uuid.uuid4().hex[:12]}")
    try:
        yield copy, True
    finally:
        await copy.clear()
