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
    name = f"test_{os.getpid()}_{next(_graph_ids)}"
    if profile:
        await client.execute_command("GRAPH.COPY", await _template(server, profile), name)
    s = FalkorStore(client, name, location=str(server.socket_path))
    try:
        await s.ensure_schema()
        yield s
    finally:
        await s.clear()
        await s.close()


# The graph holding a seed profile, per server and profile: loaded the first time a test asks for the
# profile, and never written again. Each test gets a GRAPH.COPY of it (a quarter of a second for
# `demo`, against two and a half to load it, of which 1.3 s of the server's CPU). The copy is safe
# here because nothing writes to the graph copied: in this engine a copy that meets a write
# committing to the same graph can hang the server (graph_model.stores.falkordb.save_snapshot).
_TEMPLATES: dict[tuple[str, str], str] = {}


async def _template(server: EmbeddedServer, profile: str) -> str:
    place = (str(server.socket_path), profile)
    if place not in _TEMPLATES:
        name = f"test_{os.getpid()}_{profile}"
        store = FalkorStore(FalkorDB(unix_socket_path=place[0]), name, location=place[0])
        try:
            await load(store, build(profile))  # the schema first; safe to run again if it stopped
        finally:
            await store.close()
        _TEMPLATES[place] = name
    return _TEMPLATES[place]


async def parent_keys(store: FalkorStore, label: str, most: int = 60) -> list[str]:
    """The keys of the first ``most`` nodes of ``label`` (the parents a nested list is read under)."""
    stmt = statement(f"test_parents_{label}_{most}",
                     f"MATCH (p:{label}) RETURN p.key AS key ORDER BY key LIMIT {most}", register=False)
    return [r["key"] for r in await store.read(stmt)]
