"""The Neo4j adapter. No Neo4j server runs here: its statements are proved by Neo4j's own
linter (test_cypher_lint.py) and by running on FalkorDB; these tests prove the adapter's
own behaviour with the real driver, injecting faults where a server would be needed."""

from __future__ import annotations

from typing import Any

import neo4j
import neo4j.exceptions as nx
import pytest

from graph_model.enums import Label
from graph_model.errors import Conflict, StoreError, StoreUnavailable
from graph_model.statements.loading import UPSERT_NODE
from graph_model.statements.reads import COUNT
from graph_model.stores.neo4j import Neo4jStore, open_neo4j
from hub.settings import Settings
from hub.stores import open_store


async def test_an_unreachable_server_is_store_unavailable() -> None:
    # A real driver against a port nobody listens on.
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        await open_neo4j("neo4j://127.0.0.1:9", "neo4j", "secret", "neo4j")


async def test_settings_choose_neo4j() -> None:
    settings = Settings.from_env({"HUB_STORE": "neo4j", "HUB_NEO4J_URI": "neo4j://127.0.0.1:9",
                                  "HUB_NEO4J_PASSWORD": "x"})
    assert settings.store == "neo4j"
    with pytest.raises(StoreUnavailable):
        await open_store(settings)


class FailingDriver:
    """Fault injection: every statement fails with ``error``; the call is recorded first."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls: list[dict[str, Any]] = []

    async def execute_query(self, query: neo4j.Query, params: dict[str, Any], **kwargs: Any) -> Any:
        self.calls.append({"text": query.text, "timeout": query.timeout, "params": params, **kwargs})
        raise self.error

    async def close(self) -> None:
        pass


def _client_error(code: str, message: str) -> nx.Neo4jError:
    return nx.Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize(("error", "expected"), [
    (_client_error("Neo.ClientError.Schema.ConstraintValidationFailed", "already exists"), Conflict),
    (nx.ServiceUnavailable("gone"), StoreUnavailable),
    (nx.SessionExpired("expired"), StoreUnavailable),
    (_client_error("Neo.ClientError.Security.Unauthorized", "bad password"), StoreUnavailable),
    (_client_error("Neo.ClientError.Statement.SyntaxError", "bad"), StoreError),
])
async def test_driver_errors_are_translated(error: Exception, expected: type[Exception]) -> None:
    store = Neo4jStore(FailingDriver(error), "neo4j")  # type: ignore[arg-type]
    with pytest.raises(expected):
        await store.write(UPSERT_NODE[Label.PROVINCE], rows=[])


async def test_reads_route_to_readers_and_writes_to_the_leader() -> None:
    driver = FailingDriver(nx.ServiceUnavailable("down"))
    store = Neo4jStore(driver, "welfare", timeout_ms=1500)  # type: ignore[arg-type]
    for call in (store.read(COUNT[Label.DONOR]), store.write(UPSERT_NODE[Label.DONOR], rows=[])):
        with pytest.raises(StoreUnavailable):
            await call
    read, write = driver.calls
    assert read["routing_"] == neo4j.RoutingControl.READ and write["routing_"] == neo4j.RoutingControl.WRITE
    assert read["database_"] == write["database_"] == "welfare"
    assert read["timeout"] == 1.5
    assert write["params"] == {"rows": []}
    assert store.round_trips == 2


async def test_schema_is_created_with_neo4j_ddl() -> None:
    driver = FailingDriver(nx.ServiceUnavailable("down"))
    store = Neo4jStore(driver, "neo4j")  # type: ignore[arg-type]
    with pytest.raises(StoreUnavailable):
        await store.ensure_schema()
    assert driver.calls[0]["text"].startswith("CREATE CONSTRAINT province_key_unique IF NOT EXISTS")
