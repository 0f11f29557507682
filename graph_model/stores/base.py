"""The one protocol every store adapter implements.

Adapters return plain dicts (``list[dict[str, Any]]``, one per result row): no driver
record, node or result object ever leaves this package.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from graph_model.cypher import Statement
from graph_model.dialect import Dialect

Rows = list[dict[str, Any]]


class StoreAddress(Protocol):
    """A picklable way to the same store from another process."""

    def open(self) -> GraphStore:
        """A store of this process's own on the same data (closing it stops nothing)."""


class GraphStore(Protocol):
    kind: str
    dialect: Dialect
    # Statements sent so far; the GraphQL layer reads it to count round trips per operation.
    round_trips: int

    def location(self) -> str:
        """Where the data lives, for people (socket path, or URI and database)."""

    def address(self) -> StoreAddress | None:
        """How another process opens a connection of its own to this store (graph_model.offload's
        children read large scopes so), or None when it cannot."""

    async def ensure_schema(self) -> None:
        """Create unique keys and indexes; safe to run at every start."""

    async def read(self, stmt: Statement, **params: Any) -> Rows:
        """Run a read-only statement (routed to a reader where the store has them)."""

    async def write(self, stmt: Statement, **params: Any) -> Rows:
        """Run one statement in one transaction: all of it is written or none of it. When it
        returns rows (it wrote), bump the graph version (graph_model.version) afterwards."""

    async def checkpoint(self) -> None:
        """Make what was written so far quick to recover after a restart (after bulk loads)."""

    async def clear(self) -> None:
        """Remove every node and relationship of this graph (tests and re-seeding)."""

    async def close(self) -> None: ...


T = TypeVar("T")
# Told when the current request starts and stops waiting for the store (hub.execution.turns), or None.
STORE_WAIT: ContextVar[Callable[[bool], None] | None] = ContextVar("store_wait", default=None)


async def waited(reply: Awaitable[T]) -> T:
    """``reply`` awaited, the request's ``STORE_WAIT`` told while it waits."""
    told = STORE_WAIT.get()
    if told is None:
        return await reply
    told(True)
    try:
        return await reply
    finally:
        told(False)


def plain(value: Any) -> Any:
    """Turn driver containers into plain dicts and lists, recursively."""
    if isinstance(value, (dict, OrderedDict)):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def check_params(stmt: Statement, params: dict[str, Any]) -> None:
    """A statement gets exactly the parameters it declares: a typo fails loudly here."""
    if set(params) != set(stmt.params):
        missing = sorted(set(stmt.params) - set(params))
        extra = sorted(set(params) - set(stmt.params))
        raise TypeError(f"statement {stmt.name}: missing parameters {missing}, unexpected {extra}")
