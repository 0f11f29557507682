"""The Neo4j adapter: the official async driver, reads routed to readers, writes in managed transactions.

The driver is injected (``open_neo4j`` builds one from settings). ``execute_query`` runs
each statement in a managed transaction that the driver retries on transient failures, so every
write statement is safe to run again with the same parameters (tests/test_write_retry.py runs each
twice): the seed's upserts, link and property updates MERGE or SET on keys; creating an entity,
a licence, a donation, an API key or an audit entry MERGEs on its key and a run that finds its
own write (same key, same content and links) answers as the first run did, while the key holding
other content is a Conflict (graph_model.statements.writes.holds_exactly); the graph version's
bump names its write, so a retry counts it once. Removals and licence status moves find nothing
left to do when run again: they change nothing and return no row, and the mutation answers from
the state it reads (NOT_FOUND, INVALID_TRANSITION). The driver does not retry a commit whose
outcome it could not learn (it raises); the caller may then send the same request again, safely.
After a write, the graph version is bumped by a second statement (graph_model.version).

Every statement carries the transaction timeout HUB_STATEMENT_TIMEOUT_MS (``neo4j.Query(...,
timeout=)``; the server stops and rolls back a transaction that runs longer). When the server is
down, a statement fails fast: connecting and the driver's retries of a failed transaction are
bounded by a few seconds (the driver's defaults, 30 s each, would hold a request half a minute).
"""

from __future__ import annotations

from typing import Any

import neo4j
import neo4j.exceptions as nx

from graph_model import version
from graph_model.cypher import Statement, statement
from graph_model.dialect import NEO4J
from graph_model.errors import Conflict, HubError, StatementTimeout, StoreError, StoreUnavailable
from graph_model.stores.base import Rows, check_params, plain, waited

# Fail fast when Neo4j is down: seconds to open a connection, and to keep retrying a
# transaction that failed transiently (a leader switch in a cluster takes about that long).
CONNECT_TIMEOUT_S = 3.0
RETRY_WINDOW_S = 3.0

# Deleting in bounded batches keeps each transaction's memory small on a large graph.
CLEAR_BATCH = statement(
    "clear_batch",
    "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted",
    write=True,
)


def translate(exc: Exception, stmt: Statement | None = None, timeout_ms: int | None = None) -> HubError:
    """Map a driver exception to the hub's error tree."""
    if isinstance(exc, nx.ConstraintError) or getattr(exc, "code", "") == \
            "Neo.ClientError.Schema.ConstraintValidationFailed":
        return Conflict(f"a node or relationship with that key already exists ({exc})")
    if isinstance(exc, nx.AuthError):
        return StoreUnavailable(f"Neo4j refused the credentials: {exc}")
    if isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired, OSError)):
        return StoreUnavailable(f"Neo4j cannot be reached: {exc}")
    what = f"statement {stmt.name}" if stmt else "Neo4j"
    if "TransactionTimedOut" in str(getattr(exc, "code", "")):
        limit = f"{timeout_ms} ms" if timeout_ms else "the statement timeout"
        return StatementTimeout(f"{what} ran longer than {limit} (HUB_STATEMENT_TIMEOUT_MS) and was stopped")
    return StoreError(f"{what} failed: {exc}")


class Neo4jStore:
    kind = "neo4j"
    dialect = NEO4J

    def __init__(self, driver: neo4j.AsyncDriver, database: str, *, uri: str = "",
                 timeout_ms: int = 30_000) -> None:
        self._driver = driver
        self._database = database
        self._uri = uri
        self._timeout_ms = timeout_ms
        self._timeout_s = timeout_ms / 1000
        self.round_trips = 0

    def address(self) -> None:
        """None: a child process would need the driver's credentials and routing; large scopes are
        read here."""
        return None

    def location(self) -> str:
        return f"{self._uri} (database {self._database!r})"

    async def _run(self, stmt: Statement, params: dict[str, Any], routing: neo4j.RoutingControl) -> Rows:
        check_params(stmt, params)
        self.round_trips += 1
        query = neo4j.Query(stmt.text, timeout=self._timeout_s)
        try:
            records, _, _ = await waited(self._driver.execute_query(
                query, params, database_=self._database, routing_=routing))
        except Exception as exc:  # noqa: BLE001 - every driver error is translated
            raise translate(exc, stmt, self._timeout_ms) from exc
        return [plain(record.data()) for record in records]

    async def read(self, stmt: Statement, **params: Any) -> Rows:
        return await self._run(stmt, params, neo4j.RoutingControl.READ)

    async def write(self, stmt: Statement, **params: Any) -> Rows:
        rows = await self._run(stmt, params, neo4j.RoutingControl.WRITE)
        if rows and stmt is not version.BUMP_VERSION:
            await self._run(version.BUMP_VERSION, version.bump_params(stmt, params), neo4j.RoutingControl.WRITE)
        return rows

    async def ensure_schema(self) -> None:
        for ddl in self.dialect.schema:  # each is IF NOT EXISTS
            await self.write(ddl.stmt)

    async def checkpoint(self) -> None:
        """Neo4j checkpoints its own transaction log; nothing to do."""

    async def clear(self) -> None:
        while (await self.write(CLEAR_BATCH, batch=10_000))[0]["deleted"]:
            pass

    async def close(self) -> None:
        await self._driver.close()


async def open_neo4j(uri: str, user: str, password: str, database: str, *,
                     timeout_ms: int = 30_000) -> Neo4jStore:
    """Connect with ``neo4j://`` routing and check the server answers before returning."""
    driver = neo4j.AsyncGraphDatabase.driver(
        uri, auth=(user, password), connection_timeout=CONNECT_TIMEOUT_S,
        connection_acquisition_timeout=CONNECT_TIMEOUT_S + timeout_ms / 1000,
        max_transaction_retry_time=RETRY_WINDOW_S)
    try:
        await driver.verify_connectivity()
    except Exception as exc:  # noqa: BLE001
        await driver.close()
        raise translate(exc) from exc
    return Neo4jStore(driver, database, uri=uri, timeout_ms=timeout_ms)
