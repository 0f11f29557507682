"""A line of waiters served first come, first served, each handed one value: a connection or a place
for one (graph_model.stores.resp), a turn to execute (hub.execution.turns).

A waiter that is cancelled or times out leaves the line. One cancelled just as it was handed a value
gives that value to ``returned``, which passes it on: nothing handed is lost.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Line(Generic[T]):
    def __init__(self) -> None:
        self._waiting: deque[asyncio.Future[T]] = deque()

    def __bool__(self) -> bool:
        """Whether anyone is in the line (one cancelled and not yet gone counts until ``hand`` passes it)."""
        return bool(self._waiting)

    async def wait(self, returned: Callable[[T], None], timeout: float | None = None) -> T:
        """The value handed to this waiter; TimeoutError after ``timeout`` seconds (None: no limit)."""
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except BaseException:  # timed out or cancelled, perhaps just after being handed a value
            if waiter.done() and not waiter.cancelled():
                returned(waiter.result())
            elif waiter in self._waiting:  # (one ``hand`` passed over, being cancelled, is gone already)
                self._waiting.remove(waiter)
            raise

    def hand(self, value: T) -> bool:
        """``value`` to the first one waiting; False when nobody waits."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(value)
                return True
        return False

    def clear(self) -> None:
        self._waiting.clear()
