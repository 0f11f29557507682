"""Open the store the settings name: switching databases is configuration, never code."""

from __future__ import annotations

from graph_model.stores.base import GraphStore
from graph_model.stores.falkordb import open_embedded
from graph_model.stores.neo4j import open_neo4j
from hub.settings import Settings


async def open_store(settings: Settings) -> GraphStore:
    if settings.store == "neo4j":
        store: GraphStore = await open_neo4j(
            settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database,
            timeout_ms=settings.statement_timeout_ms)
    else:
        store = await open_embedded(str(settings.data_dir), settings.graph,
                                    timeout_ms=settings.statement_timeout_ms, fsync=settings.fsync)
    try:
        await store.ensure_schema()
    except BaseException:
        await store.close()
        raise
    return store
