"""Graphs for tests on the session's embedded FalkorDB server: each test's own, deleted afterwards."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import AsyncIterator

from falkordb.asyncio import FalkorDB

from graph_model.cypher import statement
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from seed.loader import load
from seed.profiles import build

_graph_ids = itertools.count()


@contextlib.asynccontextmanager
async def fresh_store(server: EmbeddedServer, profile: str | None = None) -> AsyncIterator[FalkorStore]:
    """A store on a graph no other test uses (holding a seed ``profile`` when one is named), deleted
    afterwards."""
    client = FalkorDB(unix_socket_path=str(server.socket_path))
    s = FalkorStore(client, f"test_{os.getpid()}_{next(_graph_ids)}", location=str(server.socket_path))
    await s.ensure_schema()
    try:
        if profile:
            await load(s, build(profile))
        yield s
    finally:
        await s.clear()
        await s.close()


async def parent_keys(store: FalkorStore, label: str, most: int = 60) -> list[str]:
    """The keys of the first ``most`` nodes of ``label`` (the parents a nested list is read under)."""
    stmt = statement(f"test_parents_{label}_{most}",
                     f"MATCH (p:{label}) RETURN p.key AS key ORDER BY key LIMIT {most}", register=False)
    return [r["key"] for r in await store.read(stmt)]
