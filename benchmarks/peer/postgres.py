"""A private PostgreSQL cluster in the scratch folder: Debian's package, initdb on a free port,
loopback only, trust authentication (nothing but this benchmark reaches it).

PostgreSQL refuses to run as root: when the benchmark runs as root, the cluster belongs to the
Debian package's ``postgres`` user (or a dedicated ``hubpeer`` user made for it) and its commands
run through ``runuser``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console

DATABASE = "hub"


def bin_dir(console: Console) -> Path:
    """The newest installed PostgreSQL's bin folder; installs Debian's package when none is."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        if os.geteuid() != 0:
            raise SystemExit("PostgreSQL is not installed: apt-get install postgresql (as root), then run again")
        console.print("installing PostgreSQL (Debian package) ...")
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent


def _owner() -> str | None:
    """The user the cluster runs as: None for the current (non-root) user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "hubpeer"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "hubpeer"], check=True)
    return "hubpeer"


class Cluster:
    def __init__(self, bindir: Path, folder: Path, port: int) -> None:
        self.bin = bindir
        self.folder = folder
        self.data = folder / "pgdata"
        self.log = folder / "postgres.log"
        self.port = port
        self.owner = _owner()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _as_owner(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", self.owner, "--", *command] if self.owner else command

    def exists(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        if self.data.exists():
            shutil.rmtree(self.data)
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.owner:
            shutil.chown(self.folder, self.owner)
        # C collation: text sorts by code point, as the hub's store compares strings.
        subprocess.run(self._as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                                       "--auth=trust", "--encoding=UTF8", "--locale=C"]),
                       check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        if self.owner:
            self.log.touch()
            shutil.chown(self.log, self.owner)
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        subprocess.run(self._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                                       "-o", options, "-w", "-t", "120", "start"]), check=True,
                       stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        subprocess.run(self._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                       "stop"]), check=False, stdout=subprocess.DEVNULL)

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def psql(self, sql: str, database: str = DATABASE, lines: Iterable[str] | None = None) -> str:
        """Run ``sql``; with ``lines``, they are its standard input (COPY ... FROM STDIN)."""
        command = [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                   "-p", str(self.port), "-U", "postgres", "-d", database, "-c", sql]
        if lines is None:
            return subprocess.run(command, check=True, capture_output=True, text=True).stdout
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as proc:
            assert proc.stdin is not None
            for line in lines:
                proc.stdin.write(line)
            proc.stdin.close()
            out = proc.stdout.read() if proc.stdout else ""
        if proc.returncode:
            raise SystemExit(f"psql failed ({proc.returncode}) on {sql[:80]}")
        return out
