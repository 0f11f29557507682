"""The statements' own connections: one RESP command and its reply on a pooled unix-socket connection.

redis-py's asyncio client spends ~120 µs of CPU on a statement around the server's work (a retry
wrapper, a blocking pool's lock and condition, a stream reader, a parser coroutine per read); this
path, an ``asyncio.Protocol`` feeding hiredis's C reader, spends ~35 (benchmarks/README.md, issue 18).
A page of 100 institutions sends 5 statements. Only ``FalkorStore``'s statements use it; server
commands (INFO, constraints, saves) stay on the redis client.

It keeps that client's behaviour, which the store's error translation and tests rely on:
- replies decoded as the client decodes them (UTF-8, strict), an error reply raised as the
  exception redis-py's parser makes of it (``BaseParser.parse_error``: same class, same text);
- a connect bounded by ``connect_timeout``, a reply by ``reply_timeout`` (``rx.TimeoutError``);
- at most ``most`` connections, a statement past them waiting up to ``wait_timeout`` for one
  (``rx.ConnectionError("No connection available.")``, as ``BlockingConnectionPool``);
- one immediate retry on a broken connection (a pooled connection to a server that restarted);
- a connection whose reply was not read to the end (a timeout, a cancelled request) is closed,
  never reused.
"""

from __future__ import annotations

import asyncio
from typing import Any

import hiredis
import redis.exceptions as rx
from redis._parsers.base import BaseParser

from graph_model.stores.line import Line

CLOSED = "Connection closed by server."


class _Connection(asyncio.Protocol):
    """One socket: a command sent, then its reply awaited, one at a time."""

    def __init__(self) -> None:
        self._reader = hiredis.Reader(protocolError=rx.InvalidResponse, replyError=BaseParser.parse_error,
                                      encoding="utf-8", errors="strict")
        self._transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future[Any] | None = None
        self.broken = False
        self.loop = asyncio.get_running_loop()  # the loop it belongs to (Statements counts only the current one's)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        try:
            reply = self._reader.gets()
        except rx.InvalidResponse as exc:  # the stream is lost: nothing after it can be trusted
            self._fail(rx.ConnectionError(f"Protocol error: {exc}"))
            self.close()
            return
        if reply is False:  # not all of it yet
            return
        waiter, self._waiter = self._waiter, None
        if waiter is None or self._reader.has_data():  # a reply nobody asked for: out of step
            self.close()
            if waiter is None:
                return
        if not waiter.done():
            waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.broken = True
        self._fail(rx.ConnectionError(CLOSED))

    def _fail(self, error: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def send(self, payload: bytes) -> asyncio.Future[Any]:
        if self.broken or self._transport is None or self._transport.is_closing():
            raise rx.ConnectionError(CLOSED)
        waiter = self._waiter = asyncio.get_running_loop().create_future()
        self._transport.write(payload)
        return waiter

    def close(self) -> None:
        self.broken = True
        if self._transport is not None:
            self._transport.close()


class Statements:
    """A pool of connections to the server at ``path`` for the store's statements."""

    def __init__(self, path: str, *, most: int, connect_timeout: float | None, reply_timeout: float | None,
                 wait_timeout: float | None) -> None:
        self.path = path
        self.most = most
        self.connect_timeout = connect_timeout
        self.reply_timeout = reply_timeout
        self.wait_timeout = wait_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: list[_Connection] = []
        self._open = 0  # connections made and not yet closed (idle or in use)
        self._line: Line[_Connection | None] = Line()  # statements waiting for a connection or a place

    async def call(self, *args: Any) -> Any:
        """The reply to the command ``args``; an error reply raised."""
        payload = hiredis.pack_command(args)
        try:
            return await self._once(payload)
        except rx.ConnectionError:
            return await self._once(payload)  # one immediate retry, on a fresh connection if need be

    async def _once(self, payload: bytes) -> Any:
        connection = await self._acquire()
        done = False
        try:
            async with asyncio.timeout(self.reply_timeout):
                reply = await connection.send(payload)
            done = True
        except TimeoutError:
            raise rx.TimeoutError("Timeout reading from socket") from None
        finally:
            self._release(connection, done)
        if isinstance(reply, rx.ResponseError):
            raise reply
        if isinstance(reply, list) and reply and isinstance(reply[0], rx.ConnectionError):
            raise reply[0]
        return reply

    async def _acquire(self) -> _Connection:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # another event loop (a thread's): its connections cannot be used here
            self._forget()
            self._loop = loop
        while self._idle:
            connection = self._idle.pop()
            if not connection.broken:
                return connection
            self._open -= 1
        if self._open >= self.most:
            try:
                handed = await self._line.wait(self._returned, self.wait_timeout)
            except TimeoutError:
                raise rx.ConnectionError("No connection available.") from None
            if handed is not None:
                return handed
            # None: a connection was closed, this statement may open one in its place
        self._open += 1
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, connection = await loop.create_unix_connection(_Connection, self.path)
        except BaseException as exc:  # refused, timed out, or the statement cancelled meanwhile
            self._open -= 1
            self._wake(None)
            if isinstance(exc, (OSError, TimeoutError)):
                raise rx.ConnectionError(f"Error connecting to {self.path}: {exc or 'timed out'}") from exc
            raise
        return connection

    def _release(self, connection: _Connection, done: bool) -> None:
        if connection.loop is not self._loop:  # made before the pool moved to another loop: not counted now
            connection.close()
            return
        if not done or connection.broken:  # its reply unread (cancelled, timed out) or its socket gone
            connection.close()
            self._open -= 1
            self._wake(None)
            return
        if not self._wake(connection):
            self._idle.append(connection)

    def _wake(self, connection: _Connection | None) -> bool:
        """Hand ``connection`` (or, None, a free place for one) to the first statement waiting."""
        return self._line.hand(connection)

    def _returned(self, given: _Connection | None) -> None:
        """What a statement was handed as it was cancelled or timed out: to the next, or back to the pool."""
        if given is None:
            self._wake(None)
        else:
            self._release(given, True)

    def _forget(self) -> None:
        for connection in self._idle:
            try:
                connection.close()
            except RuntimeError:  # its loop is closed: the socket went with it
                pass
        self._idle.clear()
        self._open = 0
        self._line.clear()

    def close(self) -> None:
        """Close the idle connections; one in use is closed when its statement gives it back."""
        self._forget()
        self._loop = None
