"""Loads run at once from reads sent ahead (graph_model.stores.fused.FusedReads.at_once, hub.execution.loaders):
a load whose every read was sent ahead and answered gets its value with no batch and no statement; any other
load goes to its loader's batch as before, nothing sent by the try and the reads it took put back, so the
statements sent and the values got are the batch's. That the API answers the same, as several roles, with the
same statements, is tests/test_ahead.py and tests/test_prepared.py (each operation asked with its reads sent ahead).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph_model.cypher import statement
from graph_model.errors import StoreError
from graph_model.stores.falkordb import FalkorStore
from graph_model.stores.fused import FusedReads
from hub.auth.visibility import Visibility
from hub.execution.loaders import Loaders, _ordered
from tests.builders import build_world

KEYS = statement("t_at_once_keys", "MATCH (n:Institution) WHERE n.key IN $keys RETURN n.key AS key, n.nameEn AS name",
                 register=False)
COUNTIES = statement("t_at_once_counties", "MATCH (n:County) WHERE n.key IN $keys RETURN n.key AS key",
                     register=False)


@pytest.fixture
async def reads(store: FalkorStore) -> FusedReads:
    await build_world(store)
    return FusedReads(store)


def loader(reads: FusedReads, fetch: Any) -> Any:
    """A loader of ``fetch`` made as a request's Loaders make theirs (so run at once where it can)."""
    return Loaders(reads, Visibility(None, 1))._get(("test", id(fetch)), lambda: _ordered(fetch))


async def names(reads: FusedReads, keys: list[str]) -> dict[str, Any]:
    return {row["key"]: row["name"] for row in await reads.read(KEYS, keys=keys)}


async def test_a_load_whose_read_was_answered_ahead_costs_no_batch_and_no_statement(
        reads: FusedReads, batches: list[list[Any]]) -> None:
    reads.send_ahead([(KEYS, {"keys": ["inst-a"]})])
    await reads.answered()
    trips = reads.round_trips
    names_of = loader(reads, lambda keys: names(reads, keys))
    future = names_of.load("inst-a")
    assert isinstance(future, asyncio.Future) and future.done() and future.result() == "inst-a"
    assert reads.ahead == [] and batches == [] and reads.round_trips == trips
    assert await names_of.load("inst-a") == "inst-a"  # kept as a batch's answer is


async def test_a_load_reading_anything_else_goes_to_its_batch_with_nothing_sent_twice(
        reads: FusedReads, batches: list[list[Any]]) -> None:
    """Its first read was sent ahead, its second not: the try stops at the second before sending it, the first
    is put back, and the batch makes both, the first from what was sent ahead."""
    async def both(keys: list[str]) -> dict[str, Any]:
        found = await names(reads, keys)
        counties = await reads.read(COUNTIES, keys=["IR-00-0001"])
        return {k: (v, len(counties)) for k, v in found.items()}

    reads.send_ahead([(KEYS, {"keys": ["inst-a"]})])
    await reads.answered()
    trips = reads.round_trips
    assert await loader(reads, both).load("inst-a") == ("inst-a", 1)
    assert batches == [["inst-a"]] and reads.ahead == []
    assert reads.round_trips == trips + 1  # the counties alone


async def test_keys_whose_reads_were_not_sent_ahead_are_batched_together(reads: FusedReads,
                                                                        batches: list[list[Any]]) -> None:
    reads.send_ahead([(KEYS, {"keys": ["inst-a"]})])
    await reads.answered()
    trips = reads.round_trips
    names_of = loader(reads, lambda keys: names(reads, keys))
    assert await names_of.load_many(["inst-a", "inst-b", "no-such"]) == ["inst-a", "inst-b", None]
    assert batches == [["inst-b", "no-such"]] and reads.round_trips == trips + 1


async def test_a_read_not_answered_yet_or_failed_ahead_is_made_in_the_batch(reads: FusedReads,
                                                                          batches: list[list[Any]]) -> None:
    reads.send_ahead([(KEYS, {"keys": ["inst-a"]})])  # not answered yet: the load waits in its batch
    assert await loader(reads, lambda keys: names(reads, keys)).load("inst-a") == "inst-a"
    assert batches == [["inst-a"]]
    broken = statement("t_at_once_broken", "MATCH (n:Institution) WHERE n.key IN $keys RETURN n.key AS key, "
                       "n.nameEn AS name, 1 / (size($keys) - 1) AS oops", register=False)
    reads.send_ahead([(broken, {"keys": ["inst-a"]})])
    await reads.answered()
    batches.clear()
    trips = reads.round_trips

    async def failing(keys: list[str]) -> dict[str, Any]:
        return {row["key"]: row["name"] for row in await reads.read(broken, keys=keys)}

    with pytest.raises(StoreError):  # made again in the batch, where it fails as it would have
        await loader(reads, failing).load("inst-a")
    assert batches == [["inst-a"]] and reads.round_trips == trips + 1


async def test_a_batch_functions_error_is_the_keys_as_a_batch_gives_it(reads: FusedReads,
                                                                     batches: list[list[Any]]) -> None:
    async def refusing(keys: list[str]) -> dict[str, Any]:
        await names(reads, keys)
        raise ValueError("refused")

    reads.send_ahead([(KEYS, {"keys": ["inst-a"]})])
    await reads.answered()
    with pytest.raises(ValueError, match="refused"):
        await loader(reads, refusing).load("inst-a")
    assert batches == []


async def test_a_load_that_waits_on_another_batch_is_made_in_its_own(reads: FusedReads,
                                                                    batches: list[list[Any]]) -> None:
    """A batch function asking another loader, whose read was not sent ahead, waits on that loader's batch: the
    try gives up (the read it took put back) and the load is made in its batch, which waits on the same future."""
    counties = loader(reads, lambda keys: _counties(reads, keys))

    async def asking(keys: list[str]) -> dict[str, Any]:
        found = await names(reads, keys)
        county = await counties.load("IR-00-0001")
        return {k: (v, county) for k, v in found.items()}

    reads.send_ahead([(KEYS, {"keys": ["inst-a"]})])
    await reads.answered()
    assert await loader(reads, asking).load("inst-a") == ("inst-a", "IR-00-0001")
    assert sorted(batches) == [["IR-00-0001"], ["inst-a"]] and reads.ahead == []


async def _counties(reads: FusedReads, keys: list[str]) -> dict[str, Any]:
    return {row["key"]: row["key"] for row in await reads.read(COUNTIES, keys=keys)}


async def test_a_wait_for_the_reply_given_up_leaves_the_reads_to_the_loads(reads: FusedReads,
                                                                         batches: list[list[Any]]) -> None:
    """A request given up while it waits for the reply of its reads sent ahead (its client gone): the reads are
    not cancelled with it, and a load asking for one is answered at once."""
    reads.send_ahead([(KEYS, {"keys": ["inst-a"]})])
    waiting = asyncio.ensure_future(reads.answered())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await reads.answered()
    trips = reads.round_trips
    assert await loader(reads, lambda keys: names(reads, keys)).load("inst-a") == "inst-a"
    assert batches == [] and reads.round_trips == trips
