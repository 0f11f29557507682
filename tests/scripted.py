"""A unix-socket server that answers each command as a script says, for fault injection: in the
test's own event loop (``Scripted``, tests/test_resp.py) or in a thread of its own (``in_thread``, for
code that blocks, as the embedded server's start does: tests/test_embedded.py)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hiredis

Script = Callable[[list[str]], Any]  # a command -> an awaitable of the bytes to answer, or None: close


class Scripted:
    """A unix-socket server answering each command as its script says; counts connections."""

    def __init__(self, path: Path, script: Script) -> None:
        self.path, self.script = path, script
        self.connections = 0
        self.open = 0
        self.most_open = 0
        self.server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> Scripted:
        self.server = await asyncio.start_unix_server(self._serve, str(self.path))
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self.server is not None
        self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        parser = hiredis.Reader(encoding="utf-8")
        try:
            while data := await reader.read(65536):
                parser.feed(data)
                while (command := parser.gets()) is not False:
                    answer = await self.script(command)
                    if answer is None:
                        return
                    writer.write(answer)
                    await writer.drain()
        except ConnectionError:
            pass
        finally:
            self.open -= 1
            writer.close()


@contextlib.contextmanager
def in_thread(path: Path, script: Script) -> Iterator[Scripted]:
    """``Scripted`` served by an event loop in a thread of its own while the block runs; its
    connections' pending scripts are cancelled at the end."""
    loop = asyncio.new_event_loop()
    scripted = Scripted(path, script)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(scripted.__aenter__(), loop).result(10)
    try:
        yield scripted
    finally:
        async def stop() -> None:
            await scripted.__aexit__()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
