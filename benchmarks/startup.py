"""Start-up costs (issue 16): how long the `hub` command, the generated client and the app take to
start, and how soon a restarted `hub serve` answers.

    .venv/bin/python benchmarks/startup.py [--runs 10] [--data-dir DIR] [--no-bytecode-cache]

Every figure is wall clock over --runs fresh processes (p50, and the fastest and slowest run), with
the p50 of the CPU time they used (user + system; for `hub serve`, the hub process's own until the
answer, not the FalkorDB server's), which a busy machine inflates less than wall clock:

- `hub --help`; `hub status` against a store that `hub serve` keeps running, and against none (the
  command starts the embedded server, which loads the seeded folder, and stops it);
- `import hub_client`, `from hub_client import HubClient`, and the client's first answer (`counts`:
  its result models built on first use; on a mock transport, no server) in a fresh interpreter;
- `import hub.app` (the schema; what `hub serve` imports before it listens);
- `hub serve` restarted on a seeded folder: from the spawn to the first 200 on /readyz, and to the
  first GraphQL answer (`{ provinces { totalCount } }` with an API key).

The commands run as `python -m hub.cli` (what the `hub` script runs) from this checkout. The data
folder (a temporary one unless --data-dir) is seeded with `demo` by a first `hub serve` that is not
timed, and a key for the GraphQL request is made with `hub keys create` (note "benchmarks/startup.py").
Byte-code is cached as it is for anyone who runs the hub (Python writes it on the first import), in a
temporary folder (PYTHONPYCACHEPREFIX) so nothing is written into the working tree; one untimed run
of each command fills it. --no-bytecode-cache measures instead what PYTHONDONTWRITEBYTECODE=1
without existing byte-code costs: every module of the repository compiled again by every process.
The load average is printed before and after: figures taken on a busy machine are not comparable.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HUB = [sys.executable, "-m", "hub.cli"]
TOKEN = re.compile(r"hub_[0-9a-f]{12}_[A-Za-z0-9_-]+")
QUERY = {"query": "{ provinces { totalCount } }"}
CLIENT_FIRST_ANSWER = """
import asyncio, httpx
from hub_client import HubClient
async def main():
    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, json={"data": {"counts": [{"label": "Province", "total": 31}]}}))
    async with httpx.AsyncClient(transport=transport) as http:
        await HubClient(url="http://hub/graphql", http_client=http).counts()
asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(pid: int) -> float:
    """User + system seconds a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall clock and CPU seconds of one run (with the children it waited for)."""
    cpu0, t0 = cpu_of_children(), time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return seconds, cpu_of_children() - cpu0


def serve(data_dir: Path, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([*HUB, "serve", "--port", str(port)], cwd=ROOT,
                                env={**env, "HUB_DATA_DIR": str(data_dir)}, stdout=out, stderr=subprocess.STDOUT)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)  # serve stops the embedded server it started
    server.wait(60)


def answered(server: subprocess.Popen[bytes], port: int, token: str, log: Path) -> tuple[float, float, float]:
    """Seconds from now (just after the spawn) to the first 200 on /readyz and to the first GraphQL
    answer, and the CPU seconds the hub process had used by then."""
    t0 = time.perf_counter()
    base = f"http://127.0.0.1:{port}"
    ready = None
    with httpx.Client(timeout=30) as http:
        while time.perf_counter() - t0 < 300:
            if server.poll() is not None:
                raise SystemExit(f"hub serve ended with status {server.returncode}; see {log}")
            try:
                if ready is None:
                    if http.get(f"{base}/readyz").status_code != 200:
                        time.sleep(0.01)
                        continue
                    ready = time.perf_counter() - t0
                body = http.post(f"{base}/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}).json()
            except httpx.TransportError:
                time.sleep(0.01)
                continue
            first, cpu = time.perf_counter() - t0, cpu_of(server.pid)
            if body != {"data": {"provinces": {"totalCount": 31}}}:
                raise SystemExit(f"unexpected answer {body}")
            return ready, first, cpu
    raise SystemExit(f"hub serve did not answer in 300 s; see {log}")


def seed(data_dir: Path, env: dict[str, str], log: Path) -> str:
    """Seed an empty folder with a first `hub serve` (untimed), then make a key; return its token."""
    server = serve(data_dir, free_port(), env, log)
    try:
        deadline = time.monotonic() + 300
        while "Uvicorn running" not in log.read_text(errors="replace"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the first hub serve did not start; see {log}")
            time.sleep(0.2)
    finally:
        stop(server)
    made = subprocess.run([*HUB, "keys", "create", "--role", "viewer", "--note", "benchmarks/startup.py"], cwd=ROOT,
                          env={**env, "HUB_DATA_DIR": str(data_dir)}, capture_output=True, text=True)
    found = TOKEN.search(made.stdout)
    if made.returncode != 0 or found is None:
        raise SystemExit(f"hub keys create failed:\n{made.stdout}{made.stderr}")
    return found.group(0)


def row(what: str, runs: list[float], cpu: list[float], target: float | None) -> None:
    p50 = statistics.median(runs)
    verdict = "" if target is None else f"{target:g} s: " + ("met" if p50 < target else "MISSED")
    print(f"{what:<46} {p50:>7.2f} {min(runs):>7.2f} {max(runs):>7.2f} {statistics.median(cpu):>7.2f}   {verdict}",
          flush=True)


def measure(what: str, runs: int, once: Callable[[], tuple[float, float]], target: float | None) -> None:
    once()  # fills the byte-code cache (and the OS's file cache)
    times = [once() for _ in range(runs)]
    row(what, [wall for wall, _ in times], [cpu for _, cpu in times], target)


def main(runs: int, data_dir: Path, bytecode_cache: bool) -> None:
    env = dict(os.environ)
    cache = tempfile.TemporaryDirectory(prefix="hub-pycache-")
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache.name
    else:  # the libraries keep the byte-code pip wrote; the repository's modules have none
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "startup-benchmark.log"
    log.write_text("")
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}; "
          f"{runs} runs each; byte-code {'cached' if bytecode_cache else 'compiled by every process'}; "
          f"data folder {data_dir}")
    token = seed(data_dir, env, log)
    store_env = {**env, "HUB_DATA_DIR": str(data_dir)}
    print(f"{'':<46} {'p50 s':>7} {'min':>7} {'max':>7} {'cpu s':>7}   target")
    measure("hub --help", runs, lambda: timed([*HUB, "--help"], env), 0.5)
    port = free_port()
    server = serve(data_dir, port, env, log)
    try:
        answered(server, port, token, log)
        measure("hub status (store running: hub serve)", runs, lambda: timed([*HUB, "status"], store_env), 1.5)
    finally:
        stop(server)
    measure("hub status (no store running: starts one)", runs, lambda: timed([*HUB, "status"], store_env), 1.5)
    measure("import hub_client", runs, lambda: timed([sys.executable, "-c", "import hub_client"], env), 1.0)
    measure("from hub_client import HubClient", runs,
            lambda: timed([sys.executable, "-c", "from hub_client import HubClient"], env), None)
    measure("HubClient: first answer (mock transport)", runs,
            lambda: timed([sys.executable, "-c", CLIENT_FIRST_ANSWER], env), None)
    measure("import hub.app", runs, lambda: timed([sys.executable, "-c", "import hub.app"], env), None)

    def restart() -> tuple[float, float, float]:
        port = free_port()
        server = serve(data_dir, port, env, log)
        try:
            return answered(server, port, token, log)
        finally:
            stop(server)

    restart()
    times = [restart() for _ in range(runs)]
    cpu = [cpu for _, _, cpu in times]
    row("hub serve restarted: /readyz 200", [ready for ready, _, _ in times], cpu, None)
    row("hub serve restarted: first GraphQL answer", [first for _, first, _ in times], cpu, 3.0)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    cache.cleanup()


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=10)
    cli.add_argument("--data-dir", type=Path, help="a seeded or empty data folder (default: a temporary one)")
    cli.add_argument("--no-bytecode-cache", action="store_true",
                     help="every process compiles the repository's modules again (PYTHONDONTWRITEBYTECODE=1)")
    args = cli.parse_args()
    if args.data_dir is not None:
        main(args.runs, args.data_dir.resolve(), not args.no_bytecode_cache)
    else:
        with tempfile.TemporaryDirectory(prefix="hub-startup-") as folder:
            main(args.runs, Path(folder), not args.no_bytecode_cache)
