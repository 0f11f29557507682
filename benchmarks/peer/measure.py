"""Timed phases against one side (the hub or the peer) and the CPU its processes spend.

CPU is read from /proc/PID/stat (user + system, in clock ticks) before and after a phase and
divided by the requests answered: the hub's Python process and, apart, its descendants (the
embedded FalkorDB); the peer's Node process and every PostgreSQL process (the postmaster's tree,
with what backends that ended already spent, which the kernel adds to their parent's children's
times). A write sent before each request (the overview after a write) is not timed, and its CPU
is taken out: measured around each write at one client, and at 16 clients the writes times the
per-write CPU measured at one client.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.peer.questions import Json, Question

TICK = os.sysconf("SC_CLK_TCK")


class Failed(Exception):
    """A side answered with an error: the run stops (a figure over failed requests would mean nothing)."""


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()  # fields from the state on (the name may hold spaces)


def own_cpu(pid: int) -> float:
    """User + system seconds of ``pid`` itself (all its threads)."""
    try:
        fields = _stat(pid)
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def tree_cpu(pid: int) -> float:
    """User + system seconds of ``pid``, its live descendants and the children they have reaped."""
    try:
        fields = _stat(pid)
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except FileNotFoundError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / TICK + sum(tree_cpu(c) for c in children)


@dataclass
class Side:
    name: str  # "hub" or "peer"
    client: httpx.AsyncClient
    headers: Callable[[int], dict[str, str]]  # per client (the hub limits concurrent analytics per key)
    query: Callable[[Question], str]  # the side's text of a question
    write: str  # the mutation sent before a request that must follow a write
    write_variables: Json
    cpu: dict[str, Callable[[], float]]  # process group -> its CPU seconds so far
    write_cpu: dict[str, list[float]] = field(default_factory=dict)  # group -> [seconds, writes] at one client

    def snapshot(self) -> dict[str, float]:
        return {group: read() for group, read in self.cpu.items()}

    async def ask(self, text: str, variables: Json, n: int = 0) -> Json:
        response = await self.client.post("/graphql", json={"query": text, "variables": variables},
                                          headers=self.headers(n))
        if response.status_code != 200:
            raise Failed(f"{self.name}: HTTP {response.status_code}: {response.text[:500]}")
        body: Json = response.json()
        if body.get("errors") or not body.get("data"):
            raise Failed(f"{self.name}: {str(body.get('errors') or body)[:500]}")
        data: Json = body["data"]
        failed = [v for v in data.values() if isinstance(v, dict) and "code" in v]  # a typed mutation error
        if failed:
            raise Failed(f"{self.name}: {failed}")
        return data

    async def touch(self, serial: int, n: int = 0) -> None:
        await self.ask(self.write, {**self.write_variables, "source": f"benchmarks/peer {serial}"}, n)


@dataclass
class Phase:
    latencies: list[float]  # ms
    seconds: float
    cpu: dict[str, float]  # group -> seconds spent answering the timed requests
    writes: int


def _diff(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in after}


async def phase(side: Side, question: Question, variables: Json, clients: int, seconds: float) -> Phase:
    """``clients`` loops sending the question for ``seconds``; each waits for its answer before the next."""
    text = side.query(question)
    latencies: list[float] = []
    writes = 0
    write_cpu = {group: 0.0 for group in side.cpu}
    serial = int(time.time() * 1000)
    stop = time.monotonic() + seconds

    async def loop(n: int) -> None:
        nonlocal writes
        while time.monotonic() < stop:
            if question.after_write:
                before = side.snapshot() if clients == 1 else {}
                await side.touch(serial * 100 + n * 1_000_000 + writes, n)
                writes += 1
                if clients == 1:
                    for group, spent in _diff(side.snapshot(), before).items():
                        write_cpu[group] += spent
            started = time.perf_counter()
            await side.ask(text, variables, n)
            latencies.append((time.perf_counter() - started) * 1000)

    before = side.snapshot()
    began = time.perf_counter()
    await asyncio.gather(*(loop(n) for n in range(clients)))
    elapsed = time.perf_counter() - began
    spent = _diff(side.snapshot(), before)
    if writes and clients == 1:
        for group, cpu in write_cpu.items():
            total = side.write_cpu.setdefault(group, [0.0, 0.0])
            total[0] += cpu
            total[1] += writes
    elif writes:  # the per-write CPU measured at one client stands in for each write
        write_cpu = {group: writes * side.write_cpu[group][0] / side.write_cpu[group][1] for group in side.cpu}
    return Phase(latencies, elapsed, {g: spent[g] - write_cpu[g] for g in spent}, writes)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Figures:
    """A side's phases for one question at one concurrency, over every round."""

    phases: list[Phase] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return [t for p in self.phases for t in p.latencies]

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)

    @property
    def rate(self) -> float:
        return self.requests / sum(p.seconds for p in self.phases)

    def cpu_ms(self) -> dict[str, float]:
        """CPU milliseconds per request, per process group."""
        groups: dict[str, float] = {}
        for p in self.phases:
            for g, s in p.cpu.items():
                groups[g] = groups.get(g, 0.0) + s
        return {g: s * 1000 / self.requests for g, s in groups.items()}

    def round_p50s(self) -> list[float]:
        return [statistics.median(p.latencies) for p in self.phases]


def summary(values: dict[str, Any]) -> str:
    return " + ".join(f"{v:.1f}" for v in values.values())
