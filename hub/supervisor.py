"""Supervision of the embedded FalkorDB server: if its process dies, start it again.

Every hub process that uses the embedded server supervises it, whether it started the server or
found one running (another worker's, a `hub seed`'s, or one a killed hub left behind): a server
a hub adopts is never left unwatched (issue 15). One process per data folder does the watching:
it holds the lease, an exclusive ``flock`` on ``falkordb.supervisor`` in the folder, which the
kernel releases when that process ends in any way; the others try to take it at every check, so
when the supervising process dies another hub takes over. ``hub serve``'s parent takes it before
its workers start, so it supervises the server it started for all of them.

The holder checks the server every ``INTERVAL`` seconds. A dead server is restarted on the same
data folder and socket; it replays its append-only file, and the clients' connection pools
reconnect by themselves (one immediate retry on a broken connection, graph_model/stores/falkordb.py).
Meanwhile requests fail fast with STORE_UNAVAILABLE (HTTP 503) and /readyz answers 503, then 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
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
    """Watch one EmbeddedServer (started here or adopted); restart it when it has died."""

    def __init__(self, server: EmbeddedServer, interval: float = INTERVAL) -> None:
        self.server = server
        self.interval = interval
        self.restarts = 0
        self._busy = threading.Lock()  # held while a check or restart runs
        self._lease: int | None = None  # the open, locked lease file while this one supervises

    @property
    def leading(self) -> bool:
        """True while this supervisor holds the folder's lease (it is the one that restarts)."""
        return self._lease is not None

    def _take_lease(self) -> bool:
        if self._lease is not None:
            return True
        try:
            self.server.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.server.data_dir / "falkordb.supervisor", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            log.error("cannot open the supervisor lease in %s: %s", self.server.data_dir, exc)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another live process supervises
            os.close(fd)
            return False
        self._lease = fd
        return True

    def release(self) -> None:
        """Give the lease up (another hub's supervisor may then take it)."""
        with self._busy:
            fd, self._lease = self._lease, None
            if fd is not None:
                os.close(fd)  # closing the only descriptor releases the flock

    def check(self) -> bool:
        """Restart the server if it died (blocking while it starts). True when it was restarted.
        Does nothing while another process holds the lease."""
        with self._busy:
            if not self._take_lease():
                return False
            return self._check()

    def _check(self) -> bool:
        if not self.server.down():
            return False
        log.warning("the embedded FalkorDB server in %s is down (exit status %s); restarting it",
                    self.server.data_dir, self.server.exited() if self.server.owned else "unknown: not started here")
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
            # Another process (a `hub seed`, say) started one first: it owns that one, and this
            # process goes on supervising it as it would any server it found running.
            log.warning("another process restarted the embedded FalkorDB server in %s (pid %s)",
                        self.server.data_dir, self.server.running_pid())
        return True

    async def run(self) -> None:
        """Check forever (cancel to stop). The restart runs in a thread: the loop keeps
        answering requests (with 503) while the server replays its file."""
        while True:
            await asyncio.sleep(self.interval)
            # In a thread: probing a server that hangs may wait for the probe's timeout.
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

        # The lease is taken now, before `hub serve` starts its workers: the process that
        # started the server is the one that supervises it.
        self._take_lease()
        thread = threading.Thread(target=loop, name="falkordb-supervisor", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            self.release()


@contextlib.asynccontextmanager
async def supervised(store: GraphStore, interval: float = INTERVAL) -> AsyncIterator[Supervisor | None]:
    """Supervise the embedded server ``store`` uses, for the duration of the block, whether it
    started it or found it running (a Neo4j store has none)."""
    server: EmbeddedServer | None = getattr(store, "embedded", None)
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
        supervisor.release()
