"""The embedded server's life: persistence, sharing, stale files, clear start-up errors."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import redis

from graph_model.enums import Label
from graph_model.errors import StoreUnavailable
from graph_model.statements.loading import UPSERT_NODE
from graph_model.statements.reads import COUNT
from graph_model.stores import embedded
from graph_model.stores.embedded import EmbeddedServer, socket_path_for
from graph_model.stores.falkordb import open_embedded
from graph_model.stores.warm_up import READS
from tests.scripted import Script, in_thread

ROWS = [{"key": f"k{i}", "props": {"nameFa": "ن", "nameEn": "n"}} for i in range(25)]


async def _count(data_dir: Path) -> int:
    store = await open_embedded(str(data_dir), "g")
    try:
        await store.ensure_schema()
        return (await store.read(COUNT[Label.PERSON]))[0]["total"]
    finally:
        await store.close()


async def _one_graph(data_dir: Path) -> None:
    """A store in ``data_dir`` holding one graph ("g"), its server stopped."""
    store = await open_embedded(str(data_dir), "g")
    await store.ensure_schema()
    await store.write(UPSERT_NODE[Label.PERSON], rows=ROWS)
    await store.close()


async def test_data_survives_stop_and_start(tmp_path: Path) -> None:
    await _one_graph(tmp_path)  # its store started the server, so closing it stops it
    assert not EmbeddedServer(tmp_path).ping()
    assert await _count(tmp_path) == 25


async def test_the_server_keeps_no_record_of_each_query(tmp_path: Path) -> None:
    """CMD_INFO no (graph_model.stores.embedded): GRAPH.INFO's per-query records are not kept."""
    store = await open_embedded(str(tmp_path), "g")
    try:
        assert await store._send("GRAPH.CONFIG", "GET", "CMD_INFO") == ["CMD_INFO", 0]
    finally:
        await store.close()


async def test_a_second_process_reuses_the_running_server(tmp_path: Path, repo_root: Path) -> None:
    server = EmbeddedServer(tmp_path)
    assert server.start() is True
    try:
        script = textwrap.dedent(f"""
            import asyncio
            from graph_model.enums import Label
            from graph_model.statements.loading import UPSERT_NODE
            from graph_model.stores.falkordb import open_embedded
            async def main():
                store = await open_embedded({str(tmp_path)!r}, "g")
                await store.ensure_schema()
                await store.write(UPSERT_NODE[Label.PERSON], rows={ROWS!r})
                print("owned" if store._server else "shared")
                await store.close()
            asyncio.run(main())
        """)
        done = subprocess.run([sys.executable, "-c", script], cwd=repo_root, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "shared"
        assert server.ping(), "the second process must not stop a server it did not start"
        assert server._process is not None and server.running_pid() == server._process.pid
        assert await _count(tmp_path) == 25
    finally:
        server.stop()
    assert not server.ping()


def test_stale_socket_and_pid_file_are_recovered(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    server.socket_path.write_text("")  # a socket file nobody listens on
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    server.pid_path.write_text(dead)
    try:
        assert server.start() is True
        assert server.ping()
    finally:
        server.stop()


async def test_a_started_server_is_warmed_up_before_its_socket_is_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """graph_model.stores.warm_up: a server this process starts gets the warm-up reads, every one answered
    for every graph it holds, on a socket of its own; the socket the clients use appears only after them
    (another process's clients reconnecting after a restart cannot come first). Stopped, it leaves neither."""
    await _one_graph(tmp_path)
    server = EmbeddedServer(tmp_path)
    seen: list[tuple[bool, str]] = []
    real = embedded.warm_up

    def watched(client: redis.Redis) -> int:  # the real warm-up, with what a client could reach meanwhile
        seen.append((server.socket_path.exists(), server.probe(server.starting_path)))
        return real(client)

    monkeypatch.setattr(embedded, "warm_up", watched)
    assert server.start() is True
    try:
        assert seen == [(False, "ready")]
        assert server.warmed is not None and server.warmed[0] == len(READS)
        assert server.ping() and server.socket_path.samefile(server.starting_path)
        assert await _count(tmp_path) == 25
    finally:
        server.stop()
    assert not server.socket_path.exists() and not server.starting_path.exists()


def test_without_hard_links_the_socket_is_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system without hard links: the socket the server was started on gets the clients' name instead."""
    def refused(source: Path, target: Path) -> None:  # fault injection: link(2) refused
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(embedded.os, "link", refused)
    server = EmbeddedServer(tmp_path)
    assert server.start() is True
    try:
        assert server.ping() and not server.starting_path.exists()
    finally:
        server.stop()
    assert not server.socket_path.exists()


def test_a_server_that_ends_during_its_warm_up_fails_the_start_clearly(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def ended(client: redis.Redis) -> int:  # fault injection: the server shuts down (it removes its socket)
        with contextlib.suppress(redis.ConnectionError):
            client.shutdown(nosave=True)
        return 0

    monkeypatch.setattr(embedded, "warm_up", ended)
    server = EmbeddedServer(tmp_path)
    with pytest.raises(StoreUnavailable, match="did not start"):
        server.start(timeout=10)
    assert not server.ping() and server.running_pid() is None


def test_a_warm_up_that_fails_leaves_the_server_answering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    def refused(client: redis.Redis) -> int:  # fault injection: a read the server refuses
        raise redis.ResponseError("refused here")

    monkeypatch.setattr(embedded, "warm_up", refused)
    server = EmbeddedServer(tmp_path)
    assert server.start() is True
    try:
        assert server.ping() and server.warmed is None
        assert "warm-up reads" in caplog.text and "refused here" in caplog.text
    finally:
        server.stop()


def test_a_server_that_cannot_start_gives_one_clear_line(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real_server, _ = embedded._binaries()
    # Fault injection: a module file that is not a FalkorDB build.
    bogus = tmp_path / "not-a-module.so"
    bogus.write_text("nothing here")
    monkeypatch.setattr(embedded, "_binaries", lambda: (real_server, str(bogus)))
    with pytest.raises(StoreUnavailable) as raised:
        EmbeddedServer(tmp_path / "data").start(timeout=10)
    message = str(raised.value)
    assert "\n" not in message
    assert "did not start" in message and "falkordb.log" in message


def test_long_data_folders_fall_back_to_a_short_socket_path(tmp_path: Path) -> None:
    deep = tmp_path / ("x" * 120)
    path = socket_path_for(deep)
    assert len(os.fsencode(path)) <= 107
    assert path == socket_path_for(deep), "every process must compute the same path"
    assert socket_path_for(tmp_path) == tmp_path / "falkordb.sock"


def test_concurrent_starts_launch_one_server(tmp_path: Path, repo_root: Path) -> None:
    script = textwrap.dedent(f"""
        from graph_model.stores.embedded import EmbeddedServer
        s = EmbeddedServer({str(tmp_path)!r})
        print(s.start())
        import time; time.sleep(1.5)
        s.stop()
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], cwd=repo_root, stdout=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert sorted(outputs) == ["False", "False", "True"]


def test_a_pid_file_naming_an_unrelated_process_is_stale(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    server.pid_path.write_text(str(os.getpid()))  # alive, but this test runner is no redis server
    assert server.running_pid() is None
    try:
        assert server.start() is True
    finally:
        server.stop()


def test_a_server_that_holds_the_folder_but_does_not_answer_is_not_doubled(tmp_path: Path) -> None:
    import signal

    server = EmbeddedServer(tmp_path)
    assert server.start() is True
    pid = server.running_pid()
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # fault injection: the server hangs
    try:
        with pytest.raises(StoreUnavailable, match=f"pid {pid}.*does not answer"):
            EmbeddedServer(tmp_path).start(timeout=3)
    finally:
        os.kill(pid, signal.SIGCONT)
        server.stop()


async def test_the_append_only_file_is_rewritten_once_it_grew_by_a_quarter(tmp_path: Path) -> None:
    """A start replays every write since the last rewrite, so the server rewrites its file by itself
    once those writes reach a quarter of it (redis's default waits for as much again). The size
    floor (auto-aof-rewrite-min-size, 64 MB) is lowered here so that a small store shows it."""
    store = await open_embedded(str(tmp_path), "g", fsync="no")
    server = store.server
    assert server is not None
    config = redis.Redis(unix_socket_path=str(server.socket_path), decode_responses=True)
    try:
        await store.ensure_schema()
        await store.write(UPSERT_NODE[Label.PERSON], rows=[{"key": f"p{i}", "props": {"nameFa": "ن" * 40,
                                                           "nameEn": "n" * 40}} for i in range(400)])
        await store.checkpoint()
        assert config.config_get("auto-aof-rewrite-percentage") == {
            "auto-aof-rewrite-percentage": str(embedded.AOF_REWRITE_PERCENT)}
        config.config_set("auto-aof-rewrite-min-size", 1)
        rewrites = config.info("persistence")["aof_rewrites"]
        base = config.info("persistence")["aof_base_size"]
        growth, written = 0.0, 0
        while growth < 0.3 and config.info("persistence")["aof_rewrites"] == rewrites:
            rows = [{"key": f"q{written + i}", "props": {"nameFa": "ن" * 40, "nameEn": "n" * 40}} for i in range(5)]
            await store.write(UPSERT_NODE[Label.PERSON], rows=rows)
            written += 5
            growth = config.info("persistence")["aof_current_size"] / base - 1
        assert growth < 1.0  # below redis's default threshold: only this setting rewrites it now
        for _ in range(1200):  # the server checks ten times a second; a slow machine only waits longer
            info = config.info("persistence")
            if info["aof_rewrites"] > rewrites and not info["aof_rewrite_in_progress"]:
                break
            await asyncio.sleep(0.1)
        assert config.info("persistence")["aof_rewrites"] > rewrites
    finally:
        config.close()
        await store.close()


def _answering_from(answer_at: float | None) -> Script:
    """A script for a server that takes connections but answers each command only once ``answer_at``
    (time.monotonic) has passed, never when None: a redis replaying its append-only file answers between
    batches of commands only."""
    import time

    async def answer(command: list[str]) -> bytes:
        while answer_at is None or time.monotonic() < answer_at:
            await asyncio.sleep(0.02)
        name = command[0].upper()
        # redis-py opens with HELLO and falls back to RESP2 when a server does not know it
        return b"+PONG\r\n" if name == "PING" else b"-ERR unknown command\r\n" if name == "HELLO" else b"+OK\r\n"

    return answer


def test_a_server_that_works_without_answering_yet_is_waited_for(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A server replaying its append-only file on a busy machine may leave a probe unanswered for longer
    than the probe waits: that is "busy", not "down", and while its CPU time grows it is waited for past
    the start's timeout. (Before, such a probe counted as "down", and a start gave up at its timeout
    while the server was still working: seen once as a failed reopen in tests/test_faults.py beside a
    busy process.)"""
    import time

    monkeypatch.setattr(embedded, "PROBE_TIMEOUT_S", 0.3)
    server = EmbeddedServer(tmp_path)
    burn = "import time\nend = time.time() + 6\nwhile time.time() < end: pass"
    working = subprocess.Popen([sys.executable, "-c", burn])
    try:
        with in_thread(server.socket_path, _answering_from(time.monotonic() + 2.0)):
            assert server.probe() == "busy"
            began = time.monotonic()
            assert server._wait_ready(0.5, working.pid) is True
            assert time.monotonic() - began > 1.0  # waited past its timeout for the answer
    finally:
        working.kill()
        working.wait()


def test_a_server_silent_and_idle_is_given_up_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One that takes connections, answers nothing and uses no CPU (stopped, or stuck) is given up on at the
    start's timeout, not waited for."""
    import time

    monkeypatch.setattr(embedded, "PROBE_TIMEOUT_S", 0.3)
    server = EmbeddedServer(tmp_path)
    idle = subprocess.Popen(["sleep", "30"])
    try:
        with in_thread(server.socket_path, _answering_from(None)):
            assert server.probe() == "busy"
            began = time.monotonic()
            assert server._wait_ready(0.5, idle.pid) is False
            assert time.monotonic() - began < 5
    finally:
        idle.kill()
        idle.wait()


def test_a_server_stuck_at_its_start_is_started_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that stays alive but never answers (seen stuck at the start of the replay of its
    append-only file, which then replayed at once) is killed and started again, once."""
    real_server, module = embedded._binaries()
    started = tmp_path / "started"
    wrapper = tmp_path / "stuck-once-redis-server"
    wrapper.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import os, sys, time
        from pathlib import Path
        started = Path({str(started)!r})
        first = not started.exists()
        with started.open("a") as f:
            f.write("start\\n")
        if first:
            time.sleep(600)  # fault injection: the first server hangs without answering
        os.execv({real_server!r}, [{real_server!r}, *sys.argv[1:]])
        """))
    wrapper.chmod(0o755)
    monkeypatch.setattr(embedded, "_binaries", lambda: (str(wrapper), module))
    server = EmbeddedServer(tmp_path / "data")
    try:
        assert server.start(timeout=2) is True
        assert server.ping()
        assert started.read_text().splitlines() == ["start", "start"]
    finally:
        server.stop()
