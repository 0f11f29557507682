"""Open the store the settings name: switching databases is configuration, never code.

Each adapter is imported only when it is the one named: the Neo4j driver alone takes about a
second to import (it imports numpy and pandas when they are installed, to offer them in its
results), which an embedded store never needs, and the embedded adapter brings redis."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from graph_model import mirrors

if TYPE_CHECKING:
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings

ADAPTERS = {"embedded": "graph_model.stores.falkordb", "neo4j": "graph_model.stores.neo4j"}


def import_adapter(settings: Settings) -> ModuleType:
    """The adapter module the settings name, imported now (``open_store`` imports it anyway;
    ``hub serve`` asks first, so nothing is left to import while the app loads in a thread)."""
    return importlib.import_module(ADAPTERS[settings.store])


async def open_store(settings: Settings) -> GraphStore:
    if settings.store == "neo4j":
        from graph_model.stores.neo4j import open_neo4j

        store: GraphStore = await open_neo4j(
            settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database,
            timeout_ms=settings.statement_timeout_ms)
    else:
        from graph_model.stores.falkordb import open_embedded

        store = await open_embedded(str(settings.data_dir), settings.graph,
                                    timeout_ms=settings.statement_timeout_ms, fsync=settings.fsync)
    try:
        await store.ensure_schema()
        await mirrors.fill(store)  # a store written before a link mirror existed (graph_model.mirrors)
    except BaseException:
        await store.close()
        raise
    return store
