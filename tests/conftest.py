"""One embedded FalkorDB server per test session; a fresh graph for every test. Neo4j's Cypher lint
(tests/test_cypher_lint.py) started in the background when the tests are collected."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from tests import browser
from tests.stores import fresh_store


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """When the Cypher lint runs beside other tests, its tests go last and its node process starts now.
    It is about two minutes of CPU. Beside the whole suite, which mostly leaves the second core idle,
    it gets one worker thread: the session ends about a minute earlier on two free cores, and no later
    on a busy machine (the same CPU in all). Beside a few tests, it gets one per core."""
    lint = [item for item in items if getattr(getattr(item, "module", None), "__name__", "").endswith(
        "test_cypher_lint")]
    if not lint or len(lint) == len(items) or not any("linted" in getattr(item, "fixturenames", ()) for item in lint):
        return
    linting = set(map(id, lint))
    others = [item for item in items if id(item) not in linting]
    items[:] = others + lint
    module = lint[0].module  # type: ignore[attr-defined]
    try:
        module.BACKGROUND = module.Running(module.linted_statements(),
                                           workers=1 if len(others) > len(lint) else None)
    except Exception:  # noqa: BLE001  # node or the package missing: the lint's own test says so
        return
    _STARTED.append(module)


_STARTED: list[Any] = []  # the lint's module, once its node process is started


def pytest_sessionfinish() -> None:
    """A session stopped before the lint's tests (-x, Ctrl+C) ends its node process."""
    for module in _STARTED:
        if module.BACKGROUND is not None:
            module.BACKGROUND.stop()
            module.BACKGROUND = None


@pytest.fixture(scope="session", autouse=True)
async def _browsers() -> AsyncIterator[None]:
    """The session's browsers (tests.browser.chromium) are closed at its end."""
    yield
    await browser.close_all()


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
async def demo_store(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    """A store on a graph of its own holding the ``demo`` profile (a copy: tests.stores.fresh_store)."""
    async with fresh_store(server, "demo") as s:
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
