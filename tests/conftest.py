"""One embedded FalkorDB server per test session; a fresh graph for every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from tests.stores import fresh_store


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    srv = EmbeddedServer(tmp_path_factory.mktemp("falkordb"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
async def store(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    """A store on a graph no other test uses, deleted afterwards."""
    async with fresh_store(server) as s:
        yield s


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
async def small_world(store: FalkorStore) -> FalkorStore:
    """A fresh store holding ``tests.builders.build_world``: two provinces, three counties, two
    institutions, a donor, a council, services and licence types."""
    from tests.builders import build_world

    await build_world(store)
    return store


@pytest.fixture
async def api_world(store: FalkorStore) -> AsyncIterator[tuple[Any, FalkorStore]]:
    """The generated client (``hub_client.HubClient``) on the ASGI app over a fresh store holding
    ``tests.builders.build_world`` (as ``small_world``), and that store."""
    from hub_client import HubClient
    from tests.asgi import asgi_client
    from tests.builders import build_world

    await build_world(store)
    async with asgi_client(store) as http:
        yield HubClient(url="http://hub/graphql", http_client=http), store  # type: ignore[arg-type]  # codegen's HttpClient protocol: json by position
