"""Turns: at most ``slots`` prepared queries (hub.http.prepared) executing at once in this process; the
others wait their turn, first come first served.

The server has one Python thread. Sixteen requests executing at once do not finish sooner than four
would: each holds its rows, objects and answer in memory while the thread serves the others, and a page
of 100 institutions cost ~20% more CPU at 16 requests at once than one at a time, spent in allocating and
freeing (the same calls, measured: benchmarks/README.md, issue 18). A few at once still keep the store
busy while the thread works on another.

A turn is held at most ``HOLD_S``: a slow request (a heavy search, a stalled store) then goes on without
one and gives its slot to the next, so no request waits behind slow ones for longer than that per slot
ahead of it, and what one caller's slow queries can hold up is bounded. A waiter that is cancelled (its
client went away) takes no slot, and one cancelled just as it was given one passes it on.
"""

from __future__ import annotations

import asyncio
from collections import deque

HOLD_S = 0.05  # the longest one request holds a turn


class Turn:
    """One request's turn; ``release`` gives it back (once, however often called)."""

    __slots__ = ("_turns", "_timer")

    def __init__(self, turns: Turns) -> None:
        self._turns: Turns | None = turns
        self._timer = asyncio.get_running_loop().call_later(HOLD_S, self.release)

    def release(self) -> None:
        turns, self._turns = self._turns, None
        if turns is not None:
            self._timer.cancel()
            turns.give()


class Turns:
    """The turns of one app's prepared queries (``Settings.executing`` slots)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.free = slots
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def take(self) -> Turn:
        """A turn: at once when a slot is free and nobody waits, else when the ones ahead have had theirs."""
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return Turn(self)
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():  # given the slot as it was cancelled: passed on
                self.give()
            elif waiter in self._waiting:  # (one that ``give`` passed over, being cancelled, is gone already)
                self._waiting.remove(waiter)
            raise
        return Turn(self)

    def give(self) -> None:
        """A slot given back: to the first one waiting, else free."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.free += 1
