"""Turns: at most ``slots`` prepared queries (hub.http.prepared) executing at once in this process, unless
all of those are waiting for the store; the others wait their turn, first come first served.

The server has one Python thread. Sixteen requests executing at once do not finish sooner than four
would: each holds its rows, objects and answer in memory while the thread serves the others, and a page
of 100 institutions cost ~20% more CPU at 16 requests at once than one at a time, spent in allocating and
freeing (the same calls, measured: benchmarks/README.md, issue 18). A few at once still keep the store
busy while the thread works on another. When every request holding a turn waits for the store (a busy
store, a slow statement), the next one is let in too, so the thread never idles while requests wait at
the door: with plain slots, 64 clients asking a mix of reads, analytics and writes got 17% fewer answers
a second. A request tells its turn when it starts and stops waiting (``graph_model.stores.base.waited``,
through ``STORE_WAIT``, which ``take`` sets for the request's context).

A turn is held at most ``HOLD_S``: a slow request then goes on without one, so no request waits behind
slow ones for longer than that per slot ahead of it, and what one caller's slow queries can hold up is
bounded. A waiter that is cancelled (its client went away) takes no slot, and one cancelled just as it was
given one passes it on.
"""

from __future__ import annotations

import asyncio
import contextvars

from graph_model.stores.base import STORE_WAIT
from graph_model.stores.line import Line

HOLD_S = 0.05  # the longest one request holds a turn


class Turn:
    """One request's turn; ``release`` gives it back (once, however often called)."""

    __slots__ = ("_turns", "_timer", "waits")

    def __init__(self, turns: Turns) -> None:
        self._turns: Turns | None = turns
        # Run in a context of its own: one copied from the request's would hold the turn its request
        # held before (``STORE_WAIT``), and that one the one before it, for as long as the request's task lives.
        self._timer = asyncio.get_running_loop().call_later(HOLD_S, self.release, context=contextvars.Context())
        self.waits = 0  # statements of this request the store has not answered yet

    def waiting(self, starts: bool) -> None:
        """The request starts (True) or stops waiting for a statement's reply."""
        turns = self._turns
        self.waits += 1 if starts else -1
        if turns is not None and self.waits == int(starts):  # 0 -> 1 or 1 -> 0
            turns.idle += 1 if starts else -1
            if starts:
                turns.admit()

    def release(self) -> None:
        turns, self._turns = self._turns, None
        if turns is not None:
            self._timer.cancel()
            turns.held -= 1
            if self.waits:
                turns.idle -= 1
            turns.admit()


class Turns:
    """The turns of one app's prepared queries (``Settings.executing`` slots)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.held = 0  # turns given and not given back
        self.idle = 0  # of those, the ones waiting for the store
        self._line: Line[None] = Line()

    async def take(self) -> Turn:
        """A turn: at once when a slot is free (or every holder waits for the store) and nobody waits, else
        when the ones ahead have had theirs. The request's store waits are told to it from now on."""
        if not self._line and self._open():
            self.held += 1
        else:
            await self._line.wait(self._returned)  # ``admit`` counted it in ``held``
        turn = Turn(self)
        STORE_WAIT.set(turn.waiting)
        return turn

    def _open(self) -> bool:
        return self.held < self.slots or self.idle == self.held

    def _returned(self, _: None) -> None:
        """A turn given to a waiter as it was cancelled: passed on."""
        self.held -= 1
        self.admit()

    def admit(self) -> None:
        """Turns given to the first ones waiting, while a slot is free or every holder waits for the store."""
        while self._line and self._open():
            self.held += 1
            if not self._line.hand(None):  # only cancelled waiters were left
                self.held -= 1
                return
