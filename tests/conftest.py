"""One embedded FalkorDB server per test session; a fresh graph for every test. Neo4j's Cypher lint
(tests/test_cypher_lint.py) started in the background when the tests are collected."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry.dataloader

from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from tests import browser
from tests.stores import fresh_store


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When the Cypher lint runs beside other tests, its tests go last and its node process starts now.
    It is minutes of CPU. Beside the whole suite it gets one worker thread, beside a few tests
    one per core. Under pytest-xdist one of the run's processes lints, the first to claim the run's
    folder (tests.cypher_lint.Shared), and the others read its answer."""
    lint = [item for item in items if getattr(getattr(item, "module", None), "__name__", "").endswith(
        "test_cypher_lint")]
    if not lint or not any("linted" in getattr(item, "fixturenames", ()) for item in lint):
        return
    linting = set(map(id, lint))
    others = [item for item in items if id(item) not in linting]
    items[:] = others + lint
    module = lint[0].module  # type: ignore[attr-defined]
    folder = getattr(config, "workerinput", {}).get(LINT_FOLDER)
    if folder is not None:
        module.SHARED = module.Shared(Path(folder))
        if not module.SHARED.claim():
            return
    elif not others:  # the lint alone in one process: its fixture starts it
        return
    _STARTED.append(module)
    try:
        module.BACKGROUND = module.Running(module.linted_statements(),
                                           workers=1 if len(others) > len(lint) else None)
    except Exception as error:  # noqa: BLE001  # node or the package missing: the lint's own test says so
        if module.SHARED is not None:
            module.SHARED.publish(None, f"Neo4j's Cypher linter could not start: {error}")
        return
    if module.SHARED is not None:  # published as soon as it ends, whatever this process is running then
        _PUBLISHING.append(threading.Thread(target=module.SHARED.publish_answer, args=(module.BACKGROUND,),
                                            name="cypher-lint", daemon=True))
        _PUBLISHING[-1].start()


_STARTED: list[Any] = []  # the lint's module, once this process is the one to lint
_PUBLISHING: list[threading.Thread] = []  # pytest-xdist: the thread giving the lint's answer to the run
LINT_FOLDER = "hub_cypher_lint"  # pytest-xdist: the run's folder for its one lint, given to each worker


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist's controller gives each worker the run's lint folder (made once, removed at the end)."""
    config = node.config
    if config.stash.get(_LINT_FOLDER_KEY, None) is None:
        config.stash[_LINT_FOLDER_KEY] = Path(tempfile.mkdtemp(prefix="hub-cypher-lint-"))
    node.workerinput[LINT_FOLDER] = str(config.stash[_LINT_FOLDER_KEY])


_LINT_FOLDER_KEY = pytest.StashKey[Path]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A session stopped before the lint's tests (-x, Ctrl+C) ends its node process. Under pytest-xdist,
    the process that lints waits for its answer to be published (other processes may be waiting for it),
    unless it was stopped itself (Ctrl+C, or -x after a failure of its own). A worker the controller ends
    because another worker failed under -x is not told why, so the lint's owner then waits for node to
    finish (the rest of its minutes) before the run ends."""
    for module in _STARTED:
        if module.BACKGROUND is not None:
            if (not _PUBLISHING or exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldfail
                    or session.shouldstop):
                module.BACKGROUND.stop()
            for thread in _PUBLISHING:
                thread.join()
            module.BACKGROUND = None
    folder = session.config.stash.get(_LINT_FOLDER_KEY, None)
    if folder is not None:  # the controller, once every worker ended
        shutil.rmtree(folder, ignore_errors=True)


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
def batches(monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """The keys of each loader batch dispatched from now (strawberry's dispatch_batch observed, then run)."""
    found: list[list[Any]] = []
    original = strawberry.dataloader.dispatch_batch

    async def observed(loader: Any, batch: Any) -> None:
        found.append([task.key for task in batch.tasks])
        await original(loader, batch)

    monkeypatch.setattr(strawberry.dataloader, "dispatch_batch", observed)
    return found


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
