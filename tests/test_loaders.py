"""hub.execution.loaders._Loader: strawberry's DataLoader with keys loaded in bulk; the same
batches, cache and errors as strawberry's own per-key ``load``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from strawberry.dataloader import DataLoader

from hub.execution.loaders import _Loader


def _pair() -> tuple[list[list[int]], _Loader[int], list[list[int]], DataLoader[int, int]]:
    def make() -> tuple[list[list[int]], Callable[[list[int]], Awaitable[list[int]]]]:
        batches: list[list[int]] = []

        async def load(keys: list[int]) -> list[int]:
            batches.append(list(keys))
            if 13 in keys:
                raise LookupError("unlucky")
            return [k * 10 for k in keys]

        return batches, load

    ours, load_ours = make()
    theirs, load_theirs = make()
    return ours, _Loader(load_ours), theirs, DataLoader(load_theirs)


async def test_bulk_loads_batch_and_cache_as_strawberrys_loads() -> None:
    ours, bulk, theirs, plain = _pair()
    for loader in (bulk, plain):
        first = loader.load_many([1, 2, 2, 3])
        single = loader.load(4)
        assert await first == [10, 20, 20, 30] and await single == 40
        assert await loader.load_many([3, 5, 1]) == [30, 50, 10]
        loader.prime(6, 60)
        assert await loader.load_many([6, 7]) == [60, 70]
    assert ours == theirs == [[1, 2, 3, 4], [5], [7]]


async def test_a_key_primed_while_its_batch_waits_is_not_read() -> None:
    batches, bulk, _, _ = _pair()
    waiting = bulk.load_many([1, 2])
    bulk.prime(2, 99)
    assert await waiting == [10, 99]
    assert batches == [[1]]


async def test_a_failed_batch_fails_every_load_of_it_and_is_read_again_after_a_clear() -> None:
    batches, bulk, _, _ = _pair()
    with pytest.raises(LookupError, match="unlucky"):
        await bulk.load_many([12, 13])
    with pytest.raises(LookupError):
        await bulk.load(12)  # the failed future is what the cache holds, as strawberry keeps it
    bulk.clear_all()
    assert await bulk.load_many([12]) == [120]
    assert batches == [[12, 13], [12]]


async def test_a_cancelled_future_is_loaded_anew() -> None:
    batches, bulk, _, _ = _pair()
    waiting = asyncio.ensure_future(bulk.load_many([1]))
    await asyncio.sleep(0)
    bulk._cached[1].cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert await bulk.load_many([1]) == [10]
    assert await bulk.load(1) == 10


async def test_priming_many_keys_answers_as_strawberrys_priming() -> None:
    """``_Loader.prime_many`` writes the cache's dict itself: what each loader then answers, and what it
    reads, are strawberry's: a key loaded already keeps its value (unless forced), a key waiting in a
    batch not yet sent is answered and left out of the batch, and a new key is answered without a read."""
    ours, bulk, theirs, plain = _pair()
    answers = []
    for loader in (bulk, plain):
        assert await loader.load_many([1, 2]) == [10, 20]
        waiting = loader.load_many([3, 4])  # a batch not yet sent
        loader.prime_many({2: -2, 3: -3, 5: -5})
        loader.prime_many({1: -1}, force=True)
        got = [await waiting, await loader.load_many([1, 2, 3, 5, 6])]
        failed = loader.load(13)
        loader.prime_many({13: 130})  # waiting to be read, and answered
        got.append([await failed])
        answers.append(got)
    assert answers[0] == answers[1] == [[-3, 40], [-1, 20, -3, -5, 60], [130]], answers
    assert ours == theirs == [[1, 2], [4], [6]], (ours, theirs)
