"""Turns (hub.execution.turns): at most ``HUB_EXECUTING`` prepared queries execute at once unless all of them
wait for the store, the others wait in arrival order; a turn is held at most ``HOLD_S``; cancelled waiters
take no slot and leak none. In the app: requests asked together answer as without turns, the store's
reads tell their request's turn, a turn is given only while a slot is free or every holder waits for the
store, and every turn comes back, errors included."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
from typing import Any

import pytest

from graph_model.stores.falkordb import FalkorStore
from hub import app as hub_app
from hub.execution import turns as turns_module
from hub.execution.turns import Turn, Turns
from hub.settings import Settings
from tests.asgi import asgi_client
from tests.test_compiled import canonical
from tests.test_prepared import EVENTS, PROVINCE, UNLIMITED, build_supervised_solo_world

LONG = 3600.0  # a hold no test reaches: turns come back only when released
WAIT = 300.0  # a turn never given back fails the app's test after this, rather than hanging it


@pytest.fixture(autouse=True)
def long_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turns_module, "HOLD_S", LONG)


async def settle() -> None:
    """Let every task that can run, run."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_slots_are_given_in_arrival_order() -> None:
    turns = Turns(2)
    first, second = await turns.take(), await turns.take()
    assert turns.held == 2
    order: list[int] = []

    async def wait(n: int) -> Any:
        turn = await turns.take()
        order.append(n)
        return turn

    waiting = [asyncio.ensure_future(wait(n)) for n in range(3)]
    await settle()
    assert order == []  # no slot free
    first.release()
    first.release()  # a second release gives nothing back
    await settle()
    assert order == [0] and turns.held == 2
    second.release()
    await settle()
    assert order == [0, 1]
    for task in waiting[:2]:
        (await task).release()
    await settle()
    assert order == [0, 1, 2]
    (await waiting[2]).release()
    assert turns.held == 0


async def test_a_turn_held_too_long_goes_to_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turns_module, "HOLD_S", 0.01)
    turns = Turns(1)
    slow = await turns.take()  # never released by its holder
    nxt = await asyncio.wait_for(turns.take(), timeout=60)  # given when the hold ran out
    slow.release()  # late: nothing more given back
    assert turns.held == 1
    nxt.release()
    assert turns.held == 0


async def test_cancelled_waiters_take_no_slot() -> None:
    turns = Turns(1)
    held = await turns.take()
    # Cancelled while waiting: it leaves the queue.
    gone = asyncio.ensure_future(turns.take())
    await settle()
    gone.cancel()
    await settle()
    assert gone.cancelled()
    # Cancelled just as it is given the slot: it passes it on to the next.
    unlucky, patient = asyncio.ensure_future(turns.take()), asyncio.ensure_future(turns.take())
    await settle()
    held.release()  # given to ``unlucky``, whose task has not run yet
    unlucky.cancel()
    await settle()
    assert unlucky.cancelled() and patient.done()
    # Cancelled while ``give`` passes over it (its task not yet run): nothing raised, nothing lost.
    third = asyncio.ensure_future(turns.take())
    await settle()
    third.cancel()
    (patient.result()).release()  # passes over ``third``, whose future is cancelled: the slot is free
    await settle()
    assert third.cancelled() and turns.held == 0


async def test_released_turns_are_not_kept_by_the_next_ones() -> None:
    """Turns taken one after another in one task (as tests and in-process callers ask requests) go once
    released: a turn's timer ran in a copy of the request's context, which held the turn before it."""
    turns = Turns(1)
    for _ in range(50):
        (await turns.take()).release()
    gc.collect()
    assert sum(type(o) is Turn for o in gc.get_objects()) <= 1  # the last, which this task's context still tells


async def test_a_turn_more_while_every_holder_waits_for_the_store() -> None:
    turns = Turns(2)
    first, second = await turns.take(), await turns.take()
    late = asyncio.ensure_future(turns.take())
    await settle()
    first.waiting(True)
    await settle()
    assert not late.done()  # the other holder works
    second.waiting(True)
    second.waiting(True)  # two statements of one request at once
    await settle()
    assert late.done() and turns.held == 3 and turns.idle == 2  # the thread would idle: one more let in
    later = asyncio.ensure_future(turns.take())
    await settle()
    assert not later.done()  # the one let in works
    second.waiting(False)
    assert turns.idle == 2  # one of its statements still waits
    second.waiting(False)
    first.release()  # released while waiting: no longer counted
    assert turns.idle == 0 and turns.held == 2
    late.result().release()
    await settle()
    assert later.done()
    second.release()
    later.result().release()
    assert turns.held == turns.idle == 0


async def test_the_app_gives_turns_by_its_rule_and_answers_the_same(store: FalkorStore,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    world = await build_supervised_solo_world(store)
    made: list[Turns] = []
    given: list[tuple[int, int, int]] = []  # (held, idle, slots) as each turn was given
    told = 0  # store waits the requests' reads told their turns

    class Recorded(Turns):
        def __init__(self, slots: int) -> None:
            super().__init__(slots)
            made.append(self)

        async def take(self) -> Turn:
            if not self._line and self._open():
                given.append((self.held, self.idle, self.slots))
            return await super().take()

        def admit(self) -> None:
            if self._line and self._open():
                given.append((self.held, self.idle, self.slots))
            super().admit()

    def counting(turn: Turn, starts: bool) -> None:
        nonlocal told
        told += starts
        waiting(turn, starts)

    waiting = Turn.waiting
    monkeypatch.setattr(Turn, "waiting", counting)
    monkeypatch.setattr(hub_app, "Turns", Recorded)
    province = {"query": PROVINCE, "variables": {"key": "IR-00"}}
    missing = {"query": EVENTS, "variables": {"county": "IR-99-9999"}}  # NOT_FOUND: a field error
    bodies = [province, missing, province, province] * 3
    answers = {}
    for slots in (0, 1, 2):
        async with asgi_client(world, dataclasses.replace(UNLIMITED, executing=slots)) as client:
            for body in (province, missing):  # the texts kept
                await client.post("/graphql", json=body)
            responses = await asyncio.wait_for(asyncio.gather(*(client.post("/graphql", json=b) for b in bodies)),
                                               WAIT)
        assert all(r.status_code == 200 for r in responses)
        answers[slots] = [canonical(r.json()) for r in responses]
        if slots:
            assert made[-1].slots == slots and made[-1].held == made[-1].idle == 0, slots  # every turn given back
    assert answers[1] == answers[2] == answers[0]
    assert sum("errors" in a for a in answers[0]) == 3  # the field errors' turns came back too
    assert told >= 2 * len(bodies)  # every request read the store, each read told its turn
    assert len(given) == 2 * len(bodies) and all(held < slots or idle == held for held, idle, slots in given)
    assert any(held >= slots for held, idle, slots in given)  # some let in as the holders waited for the store


def test_the_setting_reads_hub_executing() -> None:
    assert Settings.from_env({}).executing == Settings.executing == 4
    assert Settings.from_env({"HUB_EXECUTING": "0"}).executing == 0
    assert Settings.from_env({"HUB_EXECUTING": "8"}).executing == 8
    with pytest.raises(Exception, match="HUB_EXECUTING"):
        Settings.from_env({"HUB_EXECUTING": "-1"})
