"""CPU-heavy work off the event loop: pure Python in a worker thread, graph libraries on large
graphs in a child process; one piece at a time per request.

Pure Python in a worker thread gives the event loop the GIL every few milliseconds (the switch
interval), so `/healthz` and other callers keep being answered while a projection or a coverage
table is computed. igraph does not: one call holds the GIL to its end, and on the national
projection (21,000 nodes, two million edges) a conversion takes 1.4 s, a betweenness batch most of
its 3 s budget and Leiden 6 s, during which a thread would freeze the loop and every request with
it (measured: a 0.24 s igraph call in a thread delayed the loop by 0.23 s). :func:`offload_graph`
therefore runs a metric over a graph of ``PROCESS_MIN_EDGES`` edges or more in a child process
(spawned, two at most, started on first use and kept, at a lower priority than the hub): the
graph's three numpy columns are copied over (tens of milliseconds) and the answer, a ranking or a
partition, comes back. Smaller graphs
(every province but the largest, the tests' worlds) stay in a thread, where the GIL is held for
milliseconds. A large store's scope reads go there too (:func:`offload_process`,
graph_model.networks.reading): the child reads over a connection of its own and converts, so the
hub's process neither decodes the country's reply on its loop nor converts it in a thread.

Without a bound, one request of ten aliased analyses would start ten threads at once. A request may
open a ``lane`` (hub.execution.concurrency does, for an operation with analytics fields): its heavy
pieces then run one after another. The lane travels in a context variable, so it reaches the
computations the request starts (``VersionCache`` computes in a task that copies the asker's
context); a computation shared with another request runs in the lane of the request that started it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import multiprocessing
import os
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar

from graph_model.networks.graph import WeightedGraph

P = ParamSpec("P")
T = TypeVar("T")

# Edges from which a graph's metric runs in a child process: igraph on 50,000 edges holds the GIL
# for tens of milliseconds per call; copying a graph over costs about that much.
PROCESS_MIN_EDGES = 50_000
PROCESSES = 2
# The children's scheduling priority (nice): an analysis of seconds yields the CPU to the requests
# of milliseconds the hub and its database answer meanwhile.
NICENESS = 10


def _lower_priority() -> None:
    os.nice(NICENESS)

_lane: contextvars.ContextVar[asyncio.Lock | None] = contextvars.ContextVar("graph_model_lane", default=None)


class _Pool:
    """The child processes, started on first use and kept for the life of the process (a spawned
    child imports numpy and igraph once: about a second). Spawned, not forked: the hub has threads
    and a database child that a fork would copy mid-flight."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=_lower_priority)
            return self._executor

    def discard(self, broken: ProcessPoolExecutor) -> None:
        """Forget ``broken`` (a child died: the executor refuses all work from then on); the next
        ``get`` starts new children."""
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)


POOL = _Pool()  # one per process: it is the process's children, whatever app or request asks


@contextlib.asynccontextmanager
async def lane() -> AsyncIterator[None]:
    """Within this block, :func:`offload` runs the caller's heavy pieces one at a time."""
    before = _lane.get()
    _lane.set(asyncio.Lock())
    try:
        yield
    finally:
        _lane.set(before)  # not reset(token): hooks may resume in a copy of the context


async def offload(work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` in a worker thread, after the lane's previous piece."""
    held = _lane.get()
    if held is None:
        return await asyncio.to_thread(work, *args, **kwargs)
    async with held:
        return await asyncio.to_thread(work, *args, **kwargs)


async def offload_graph(work: Callable[Concatenate[WeightedGraph, P], T], graph: WeightedGraph, /,
                        *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(graph, ...)`` (a module-level function: it is pickled) in a thread for a small graph,
    in a child process from ``PROCESS_MIN_EDGES`` edges; after the lane's previous piece."""
    if graph.size < PROCESS_MIN_EDGES:
        return await offload(work, graph, *args, **kwargs)
    bare = WeightedGraph(graph.nodes, graph.source, graph.target, graph.weight)  # without converted copies
    return await offload_process(work, bare, *args, **kwargs)


async def offload_process(work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``work(*args, **kwargs)`` (a module-level function; it, its arguments and its result are
    pickled) in one of the child processes, after the lane's previous piece."""
    call: Callable[[], Any] = partial(work, *args, **kwargs)
    held = _lane.get() or asyncio.Lock()
    async with held:
        executor = POOL.get()
        try:
            result: T = await asyncio.get_running_loop().run_in_executor(executor, call)
        except BrokenProcessPool:
            # A child died (killed, out of memory) while this or an earlier piece ran: every later
            # piece would fail until a restart. New children, and this piece once more.
            POOL.discard(executor)
            result = await asyncio.get_running_loop().run_in_executor(POOL.get(), call)
        return result
