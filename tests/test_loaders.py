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
