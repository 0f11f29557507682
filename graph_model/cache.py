"""Answers kept per graph version, computed once however many ask at the same time.

A process holds one ``VersionCache``. Callers read the graph version first (one cheap
statement), then ask for a key: an entry of that version is answered from memory; a newer
version empties the cache; concurrent askers of a missing key share one computation. A caller
that read an older version than the cache holds (it raced a write) computes without storing.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from graph_model.version import EMPTY, Version

T = TypeVar("T")


class VersionCache:
    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self.version: Version = EMPTY
        self._entries: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()
        self._single: dict[Hashable, tuple[Version, asyncio.Future[Any]]] = {}
        self._wanted: dict[Hashable, Version] = {}  # the newest version asked of each single key
        self._rest_until: dict[Hashable, float] = {}  # loop time before which a single key does not start again
        self._beside: dict[str, VersionCache] = {}
        self.hits = self.misses = 0

    def beside(self, name: str) -> VersionCache:
        """A cache kept with this one for answers keyed by another version (a VersionCache holds one
        version at a time): coverage's, by the count of writes that can change its inputs."""
        found = self._beside.get(name)
        if found is None:
            found = self._beside[name] = VersionCache(self.maxsize)
        return found

    async def get(self, version: Version, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        if version < self.version:
            return await compute()
        if version > self.version:
            self._entries.clear()
            self.version = version
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            entry = asyncio.ensure_future(compute())
            self._entries[key] = entry
            entry.add_done_callback(lambda done: self._forget_failure(key, done))
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        else:
            self.hits += 1
            self._entries.move_to_end(key)
        # shield: one asker giving up (a cancelled request) must not cancel the others' answer.
        return await asyncio.shield(entry)

    def _forget_failure(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        """A failed computation is not an answer: the next asker tries again."""
        if (done.cancelled() or done.exception() is not None) and self._entries.get(key) is done:
            del self._entries[key]

    async def single(self, version: Version, key: Hashable, compute: Callable[[], Awaitable[T]],
                     idle: float = 0.0) -> T | None:
        """The answer of ``key`` at ``version``, with at most one computation of ``key`` running at
        a time whatever the versions; None when the answer would be out of date on arrival.

        For a computation of seconds over the whole graph (the disclosure pattern), one started for
        every version a stream of writes passes through would pile up and starve every other
        request (measured: 56 -> 6 requests a second under 10% writes). So an asker at another
        version than the running computation's waits for it to end, then starts (or joins) the one
        of its own version, unless a newer version has been asked for meanwhile (None: the asker
        is out of date, and so would its answer be). The newest answer is kept across versions
        (``get`` forgets on a write), so askers at that version find it done. ``idle``: after a
        computation of d seconds the next one starts no sooner than ``idle`` x d seconds later, so
        under a stream of writes it takes at most 1 / (1 + idle) of the time."""
        if version > self._wanted.get(key, EMPTY):
            self._wanted[key] = version
        while True:
            found = self._single.get(key)
            if found is not None:
                at, future = found
                if at == version:
                    self.hits += 1
                    return await asyncio.shield(future)
                if not future.done():
                    await asyncio.wait([future])  # its failure is its own askers'; ours may start next
                    continue
            if version < self._wanted[key] or (found is not None and version < found[0]):
                return None  # raced a write: an answer for an older graph is of no use
            resting = self._rest_until.get(key, 0.0) - asyncio.get_running_loop().time()
            if resting > 0:
                await asyncio.sleep(resting)
                continue  # meanwhile another asker may have started it, or a newer version been asked
            self.misses += 1
            future = asyncio.ensure_future(self._timed(key, compute, idle))
            self._single[key] = (version, future)
            future.add_done_callback(lambda done: self._forget_single(key, done))
            return await asyncio.shield(future)

    async def _timed(self, key: Hashable, compute: Callable[[], Awaitable[T]], idle: float) -> T:
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            return await compute()
        finally:
            ended = loop.time()
            self._rest_until[key] = ended + idle * (ended - started)

    def _forget_single(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        found = self._single.get(key)
        if found is not None and found[1] is done and (done.cancelled() or done.exception() is not None):
            del self._single[key]
