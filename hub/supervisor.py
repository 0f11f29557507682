"""Supervision of the embedded FalkorDB server: if its process dies, start it again.

The process that started the server (the app's lifespan when it opened the store itself, or
the parent of ``hub serve``, which starts it for all its workers) checks it every
``INTERVAL`` seconds. A dead server is restarted on the same data folder and socket; it replays
its append-only file, and the clients' connection pools reconnect by themselves (one immediate
retry on a broken connection, graph_model/stores/falkordb.py). Meanwhile requests fail fast
with STORE_UNAVAILABLE (HTTP 503) and /readyz answers 503, then 200 again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Iterator

from graph_model.errors import StoreUnavailable
from graph_model.stores.base import GraphStore
from graph_model.stores.embedded import EmbeddedServer

log = logging.getLogger("hub.supervisor")

# How often the child is checked: a wait without a system call beyond waitpid(WNOHANG), so
# cheap; an outage lasts about this long plus the replay of the append-only file.
INTERVAL = 0.5


class Supervisor:
    """Watch one owned EmbeddedServer; restart it when it has died."""

    def __init__(self, server: EmbeddedServer, interval: float = INTERVAL) -> None:
        self.server = server
        self.interval = interval
        self.restarts = 0
        self._busy = threading.Lock()  # held while a restart runs

    def check(self) -> bool:
        """Restart the server if it died (blocking while it starts). True when it was restarted."""
        with self._busy:
            return self._check()

    def _check(self) -> bool:
        status = self.server.exited()
        if status is None:
            return False
        log.warning("the embedded FalkorDB server in %s exited (status %s); restarting it",
                    self.server.data_dir, status)
        try:
            owned = self.server.restart()
        except StoreUnavailable as exc:
            # Stays dead: requests keep answering STORE_UNAVAILABLE; the next check tries again.
            log.error("cannot restart the embedded FalkorDB server: %s", exc)
            return False
        self.restarts += 1
        if owned:
            log.warning("restarted the embedded FalkorDB server in %s (pid %s)",
                        self.server.data_dir, self.server.running_pid())
        else:
            # Another process (a `hub seed`, say) started one first; it owns that one now.
            log.warning("another process restarted the embedded FalkorDB server in %s; "
                        "no longer supervising it", self.server.data_dir)
        return True

    async def run(self) -> None:
        """Check forever (cancel to stop). The restart runs in a thread: the loop keeps
        answering requests (with 503) while the server replays its file."""
        while True:
            await asyncio.sleep(self.interval)
            if self.server.exited() is not None:
                await asyncio.to_thread(self.check)

    async def settle(self) -> None:
        """Wait for a restart in progress to finish (before the owner stops the server)."""
        await asyncio.to_thread(self._busy.acquire)
        self._busy.release()

    @contextlib.contextmanager
    def in_thread(self) -> Iterator[None]:
        """Check from a daemon thread while the block runs (``hub serve``'s parent process,
        whose main thread runs uvicorn)."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(self.interval):
                self.check()

        thread = threading.Thread(target=loop, name="falkordb-supervisor", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


@contextlib.asynccontextmanager
async def supervised(store: GraphStore, interval: float = INTERVAL) -> AsyncIterator[Supervisor | None]:
    """Supervise the embedded server ``store`` started, for the duration of the block. A store
    that shares a server another process started (or a Neo4j store) is left alone."""
    server: EmbeddedServer | None = getattr(store, "server", None)
    if server is None:
        yield None
        return
    supervisor = Supervisor(server, interval)
    task = asyncio.create_task(supervisor.run(), name="falkordb-supervisor")
    try:
        yield supervisor
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await supervisor.settle()
