"""The statements' lean connections (graph_model.stores.resp): the same replies and errors as the
redis client on the real server, and its limits held under faults a scripted server injects (a slow
reply, a dropped connection, a reply out of step, a protocol error)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import redis.exceptions as rx

from graph_model.cypher import statement
from graph_model.errors import StoreError, StoreUnavailable
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import (CONNECT_TIMEOUT_S, MAX_CONNECTIONS, REPLY_GRACE_S, client_for,
                                          statements_for, translate)
from graph_model.stores.resp import Statements
from tests.scripted import Script, Scripted
from tests.stores import fresh_store

# -- the real server ----------------------------------------------------------------------------


async def test_replies_and_errors_are_the_redis_clients_own(server: EmbeddedServer) -> None:
    async with fresh_store(server, "demo") as store:
        assert store._statements is not None, "a unix-socket client's statements go on their own connections"
        commands = [
            ("GRAPH.RO_QUERY", store.graph_name, "MATCH (p:Province) RETURN p.key AS k, p.nameFa AS n, 1.5 AS d, "
             "[1, 'a', null, true] AS l, {a: 2} AS m ORDER BY k", "--compact", "timeout", 30000),
            ("GRAPH.RO_QUERY", store.graph_name, "CYPHER x=\"دو\" RETURN $x AS x, 'ی' AS y", "--compact"),
            ("GRAPH.RO_QUERY", store.graph_name, "RETURN 1 AS", "--compact"),  # a syntax error
            ("GRAPH.RO_QUERY", store.graph_name, "CREATE (:X)", "--compact"),  # a write refused read-only
            ("GRAPH.RO_QUERY", store.graph_name, "UNWIND [1, 0] AS x RETURN 1 / x", "--compact"),  # fails while running
        ]
        outcomes = []
        for command in commands:
            lean, client = await _outcome(store._statements.call(*command)), await _outcome(
                store._client.execute_command(*command))
            assert lean == client, command
            outcomes.append(lean)
        assert outcomes[0][1][1][0][0] == [2, "IR-00"] and len(outcomes[0][1][1]) == 31, "rows came back"
        assert outcomes[1][1][1] == [[[2, "دو"], [2, "ی"]]]
        assert outcomes[2][0] is rx.ResponseError and outcomes[3][0] is rx.ResponseError
        assert outcomes[4][0] is rx.ResponseError, "a failure while running, as the client raises it"


async def _outcome(call: Any) -> tuple[Any, Any]:
    """A reply, or the class and text of what was raised; an error inside a reply as its class and text."""
    try:
        reply = await call
    except Exception as exc:  # noqa: BLE001  # compared, not handled
        return type(exc), str(exc)
    if isinstance(reply, list) and reply and isinstance(reply[-1], list):  # statistics: times and caching vary
        reply = [*reply[:-1], [s for s in reply[-1] if not (isinstance(s, str) and "execution" in s)]]
    return None, _comparable(reply)


def _comparable(value: Any) -> Any:
    if isinstance(value, Exception):
        return type(value), str(value)
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


async def test_a_statements_errors_reach_the_store_as_before(server: EmbeddedServer) -> None:
    async with fresh_store(server) as store:
        with pytest.raises(StoreError, match="failed"):
            await store.read(statement("broken", "RETURN 1 AS", register=False))


# -- a scripted server --------------------------------------------------------------------------

def _bulk(text: str) -> bytes:
    raw = text.encode()
    return b"$%d\r\n%s\r\n" % (len(raw), raw)


async def _echo(command: list[str]) -> bytes:
    """The command's last argument as the reply, after as many milliseconds as it names (``sleep:N``)."""
    last = command[-1]
    if last.startswith("sleep:"):
        await asyncio.sleep(int(last.split(":")[1]) / 1000)
    return _bulk(last)


@pytest.fixture
def scripted(tmp_path: Path) -> Callable[..., Any]:
    """``scripted(script, **pool)``: a scripted server and a pool of statements on it, the pool closed
    at the end."""
    made = itertools.count()

    @contextlib.asynccontextmanager
    async def served(script: Script = _echo, **pool: Any) -> AsyncIterator[tuple[Scripted, Statements]]:
        async with Scripted(tmp_path / f"s{next(made)}.sock", script) as server:
            lean = _statements(server.path, **pool)
            try:
                yield server, lean
            finally:
                lean.close()

    return served


def _statements(path: Path, *, most: int = 4, reply: float | None = 5.0, wait: float | None = 5.0) -> Statements:
    return Statements(str(path), most=most, connect_timeout=1.0, reply_timeout=reply, wait_timeout=wait)


async def test_at_most_its_connections_however_many_statements_wait(scripted: Any) -> None:
    async with scripted(most=2) as (server, lean):
        replies = await asyncio.gather(*(lean.call("ECHO", f"sleep:{5 + i % 3}") for i in range(20)))
        assert replies == [f"sleep:{5 + i % 3}" for i in range(20)]
        assert server.most_open == 2 and server.connections == 2, "reused, never more than two"


async def test_a_statement_finding_no_free_connection_in_time_fails_as_the_blocking_pool(scripted: Any) -> None:
    async with scripted(most=1, wait=0.05) as (server, lean):
        slow = asyncio.ensure_future(lean.call("ECHO", "sleep:1000"))
        await asyncio.sleep(0.05)
        with pytest.raises(rx.ConnectionError, match="No connection available"):
            await lean.call("ECHO", "quick")
        assert await slow == "sleep:1000"
        assert await lean.call("ECHO", "after") == "after", "the connection was given back"


async def test_a_late_reply_times_out_and_its_connection_is_never_reused(scripted: Any) -> None:
    async with scripted(reply=0.05) as (server, lean):
        with pytest.raises(rx.TimeoutError):
            await lean.call("ECHO", "sleep:1000")
        assert await lean.call("ECHO", "next") == "next", "its own reply, not the late one"
        assert server.connections == 2


async def test_a_cancelled_statement_leaves_no_reply_behind_for_the_next(scripted: Any) -> None:
    async with scripted(most=1) as (server, lean):
        waiting = asyncio.ensure_future(lean.call("ECHO", "sleep:200"))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert await lean.call("ECHO", "next") == "next"
        assert lean._open == 1, "the cancelled one's connection was closed and its place given back"


async def test_a_statement_cancelled_while_waiting_for_a_connection_gives_its_place_on(scripted: Any) -> None:
    async with scripted(most=1) as (server, lean):
        holder = asyncio.ensure_future(lean.call("ECHO", "sleep:1000"))
        await asyncio.sleep(0.02)
        cancelled = asyncio.ensure_future(lean.call("ECHO", "never"))
        after = asyncio.ensure_future(lean.call("ECHO", "after"))
        await asyncio.sleep(0.02)
        cancelled.cancel()
        assert await holder == "sleep:1000"
        assert await after == "after"
        assert server.connections == 1


async def test_a_connection_dropped_by_the_server_is_retried_once_on_a_fresh_one(scripted: Any) -> None:
    dropped: list[list[str]] = []

    async def drop_first(command: list[str]) -> bytes | None:
        if not dropped:
            dropped.append(command)
            return None  # the server closes the connection: a restart
        return await _echo(command)

    async with scripted(drop_first) as (server, lean):
        assert await lean.call("ECHO", "again") == "again"
        assert server.connections == 2


async def test_a_server_that_keeps_dropping_fails_fast_and_the_store_says_unavailable(scripted: Any) -> None:
    async def drop(command: list[str]) -> None:
        return None

    async with scripted(drop) as (server, lean):
        with pytest.raises(rx.ConnectionError):
            await lean.call("ECHO", "x")
        assert server.connections == 2, "one retry, no more"


async def test_no_server_is_a_connection_error_the_store_calls_unavailable(tmp_path: Path) -> None:
    lean = _statements(tmp_path / "nobody.sock")
    with pytest.raises(rx.ConnectionError, match="Error connecting") as raised:
        await lean.call("ECHO", "x")
    assert lean._open == 0
    assert isinstance(translate(raised.value, statement("any", "RETURN 1 AS one", register=False)), StoreUnavailable)


@pytest.mark.parametrize("answer", [b"?what\r\n", b"+one\r\n+two\r\n"], ids=["protocol error", "out of step"])
async def test_a_garbled_or_out_of_step_reply_drops_the_connection(scripted: Any, answer: bytes) -> None:
    async def garble(command: list[str]) -> bytes:
        return answer if command[-1] == "bad" else await _echo(command)

    async with scripted(garble) as (server, lean):
        try:
            await lean.call("ECHO", "bad")
        except rx.ConnectionError:
            pass
        assert await lean.call("ECHO", "good") == "good", "on a fresh connection, not the garbled one"
        assert lean._open == 1


async def test_used_from_another_event_loop_it_opens_connections_of_that_loop(scripted: Any) -> None:
    async with scripted() as (server, lean):
        assert await lean.call("ECHO", "here") == "here"
        got: list[Any] = []
        thread = threading.Thread(target=lambda: got.append(asyncio.run(lean.call("ECHO", "there"))))
        thread.start()
        await asyncio.to_thread(thread.join)
        assert got == ["there"]


async def test_a_connection_of_an_earlier_loop_given_back_is_closed_and_not_counted(scripted: Any) -> None:
    async with scripted(most=2) as (server, lean):
        slow = asyncio.ensure_future(lean.call("ECHO", "sleep:1000"))
        await asyncio.sleep(0.05)
        thread = threading.Thread(target=lambda: asyncio.run(lean.call("ECHO", "there")))
        thread.start()
        await asyncio.to_thread(thread.join)  # the pool moved to the thread's loop, then that loop ended
        assert await slow == "sleep:1000"  # given back after the move: closed, not counted
        assert lean._open == 1 and len(lean._idle) == 1, "the thread's connection, the only one counted"
        assert await lean.call("ECHO", "here") == "here"
        assert lean._open == 1, "back on this loop: the thread's forgotten, one of this loop's made"


async def test_a_connection_given_back_after_close_is_closed(scripted: Any) -> None:
    async with scripted() as (server, lean):
        slow = asyncio.ensure_future(lean.call("ECHO", "sleep:200"))
        await asyncio.sleep(0.05)
        lean.close()  # the store closing while a statement runs
        assert await slow == "sleep:200"
        assert lean._idle == [], "not kept"
        assert await _closed(server), "its socket closed"


async def _closed(server: Scripted) -> bool:
    for _ in range(100):  # the server sees the close at its loop's next turns
        if server.open == 0:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_the_hubs_client_gives_its_statements_its_own_limits(server: EmbeddedServer) -> None:
    """What statements_for reads of the redis client's pool (redis-py's attributes, by name)."""
    client = client_for(server, 1234)
    try:
        lean = statements_for(client)
        assert lean is not None and lean.path == str(server.socket_path)
        assert (lean.most, lean.wait_timeout) == (MAX_CONNECTIONS, 1.234)
        assert (lean.connect_timeout, lean.reply_timeout) == (CONNECT_TIMEOUT_S, 1.234 + REPLY_GRACE_S)
    finally:
        await client.aclose()
