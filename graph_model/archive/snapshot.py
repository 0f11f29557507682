"""A frozen copy of a live graph to read an archive from.

FalkorDB: the server writes a snapshot of itself at one point in time (a redis BGSAVE: a fork of
the server, while other clients keep reading and writing; FalkorStore.save_snapshot), and a scratch
server of its own loads it (graph_model.stores.embedded.SnapshotServer) in a hidden folder beside
the store's files; the export reads that at leisure, page by page, and the scratch server is stopped
and its folder deleted when the export ends or fails (and, through asyncio's cancellation on Ctrl+C,
when it is interrupted). A process killed outright (kill -9) takes its scratch server with it (it is
the process's child, graph_model.stores.spawn) but leaves the folder ``.snapshot-<id>`` in the
store's folder: delete it. The snapshot costs a second copy of the store in memory (the scratch
server's) and on disk while the export runs.

Not GRAPH.COPY (a copy of one graph inside the same server), which the hub used before: the embedded
engine's copy can hang the server when a write commits at the moment it starts
(FalkorStore.save_snapshot says how).

Neo4j: there is no cheap copy; the export reads the live graph (stop writes for a consistent one).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from graph_model.stores.base import GraphStore


@contextlib.asynccontextmanager
async def frozen(store: GraphStore) -> AsyncIterator[tuple[GraphStore, bool]]:
    """(the store to read, whether it is a point-in-time copy)."""
    from graph_model.stores.embedded import SnapshotServer
    from graph_model.stores.falkordb import FalkorStore, client_for

    if not isinstance(store, FalkorStore):
        yield store, False
        return
    folder = Path(await store.server_folder())
    scratch = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=folder))
    try:
        await store.save_snapshot(scratch / SnapshotServer.RDB)
        server = SnapshotServer(scratch)
        await asyncio.to_thread(server.start)
        copy = FalkorStore(client_for(server), store.graph_name, location=str(server.socket_path), server=server)
        try:
            yield copy, True
        finally:
            await copy.close()  # and the scratch server with it
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
