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
        self.hits = self.misses = 0

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
