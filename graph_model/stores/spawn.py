"""Start a child process that dies with this process (Linux), from a thread that lives as long.

The embedded FalkorDB server runs in a session of its own (so Ctrl+C reaches the hub, which stops
it cleanly). Without more, a ``kill -9`` of the hub left it running with no parent: the next hub
found it answering, reused it, and nobody restarted it when it later died (issue 15). On Linux the
child asks the kernel for SIGTERM when its parent goes (``PR_SET_PDEATHSIG``); SIGTERM, not SIGKILL,
so that redis flushes its append-only file and removes its pid file and socket on the way out.

The kernel sends that signal when the *thread* that forked the child exits, not the process. The
hub starts the server from short-lived places (``asyncio.to_thread`` workers, the supervisor's
thread), so every child is forked by one daemon thread that lives until the process ends. Other
systems have no such call: there an orphan is adopted and supervised by the next hub instead
(hub/supervisor.py), which is also what happens to a server some other program started.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import os
import queue
import signal
import subprocess
import sys
import threading
from typing import Any, cast

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
DEATH_SIGNAL = signal.SIGTERM

_Request = tuple[list[str], dict[str, Any], "concurrent.futures.Future[subprocess.Popen[bytes]]"]


def _prctl() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not glibc/musl with prctl: adoption covers it
        return None


class Spawner:
    """Forks children from one long-lived thread of this process (started on first use, and again
    in a forked child process, which does not inherit threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner_pid: int | None = None
        self._requests: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._prctl = _prctl()

    @property
    def dies_with_parent(self) -> bool:
        """True when children are asked to die with this process."""
        return self._prctl is not None

    def popen(self, args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        """``subprocess.Popen(args, **kwargs)`` run by the spawning thread; raises what Popen raises."""
        if self._prctl is None:
            return subprocess.Popen(args, **kwargs)
        self._ensure_thread()
        done: concurrent.futures.Future[subprocess.Popen[bytes]] = concurrent.futures.Future()
        self._requests.put((args, kwargs, done))
        return done.result()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._owner_pid == os.getpid():
                return
            self._requests = queue.SimpleQueue()  # a forked child's copy may hold a parent's request
            thread = threading.Thread(target=self._serve, args=(self._requests,), name="hub-spawner", daemon=True)
            thread.start()
            self._owner_pid = os.getpid()

    def _serve(self, requests: queue.SimpleQueue[_Request]) -> None:
        while True:  # never returns: its exit would signal every child it forked
            args, kwargs, done = requests.get()
            if not done.set_running_or_notify_cancel():
                continue
            try:
                # The callers pass no text options: the child's pipes, if any, are bytes.
                child = cast("subprocess.Popen[bytes]",
                             subprocess.Popen(args, preexec_fn=self._preexec(os.getpid()), **kwargs))
                done.set_result(child)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
                done.set_exception(exc)

    def _preexec(self, parent: int) -> Any:
        prctl = self._prctl
        assert prctl is not None  # only called when there is one

        def die_with_parent() -> None:  # in the child, between fork and exec: no imports, no locks
            prctl(PR_SET_PDEATHSIG, int(DEATH_SIGNAL), 0, 0, 0)
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)

        return die_with_parent


SPAWNER = Spawner()  # one per process, as the thread it stands for
