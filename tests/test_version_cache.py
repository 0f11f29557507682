"""The graph version in the store, and the answers cached per version.

A write that changed the graph bumps the version; a refused one leaves it (and the graph) as it
was; the overview is answered from the cache until a write, and never older than the last write.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph_model import version
from graph_model.cache import VersionCache
from graph_model.errors import NotFound
from graph_model.mutations import record_donation
from graph_model.stores.falkordb import FalkorStore
from hub_client import HubClient
from hub_client.enums import Calendar
from hub_client.input_types import RecordDonationInput


async def test_writes_bump_the_version_and_refusals_do_not(api_world: tuple[HubClient, FalkorStore]) -> None:
    _, store = api_world
    first = await version.current(store)
    assert first > version.EMPTY  # build_world wrote
    await record_donation(store, donor="donor-1", institution="inst-a", amount=10, date="2024-01-01")
    second = await version.current(store)
    assert second[0] == first[0] and second[1] > first[1]
    with pytest.raises(NotFound):
        await record_donation(store, donor="donor-1", institution="inst-zz", amount=10, date="2024-01-01")
    assert await version.current(store) == second


async def test_a_cleared_graph_starts_a_new_epoch(store: FalkorStore) -> None:
    assert await version.current(store) == version.EMPTY
    await store.write(version.BUMP_VERSION, **version.bump_params())
    assert (await version.current(store))[1] == 1


async def test_concurrent_askers_share_one_computation() -> None:
    cache = VersionCache()
    runs = 0

    async def compute() -> int:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.01)
        return 42

    answers = await asyncio.gather(*(cache.get((1, 1), "k", compute) for _ in range(10)))
    assert answers == [42] * 10 and runs == 1
    assert await cache.get((1, 1), "k", compute) == 42 and runs == 1
    assert await cache.get((1, 2), "k", compute) == 42 and runs == 2  # a newer version recomputes
    assert await cache.get((1, 1), "k", compute) == 42 and runs == 3  # an older one is never stored
    assert await cache.get((1, 2), "k", compute) == 42 and runs == 3


async def test_a_failed_computation_is_tried_again() -> None:
    cache = VersionCache()
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("store hiccup")
        return "ok"

    with pytest.raises(RuntimeError):
        await cache.get((1, 1), "k", flaky)
    assert await cache.get((1, 1), "k", flaky) == "ok"


async def test_the_overview_is_cached_until_a_write(api_world: tuple[HubClient, FalkorStore]) -> None:
    hub, store = api_world

    async def overview() -> tuple[Any, int]:
        before = store.round_trips
        got = (await hub.overview(province="IR-00", expiring_within_days=90, calendar=Calendar.GREGORIAN)).overview
        return got, store.round_trips - before

    cold, cold_trips = await overview()
    warm, warm_trips = await overview()
    assert warm == cold and warm_trips < cold_trips  # the sections came from the cache
    written = await hub.record_donation(RecordDonationInput(donor="donor-1", institution="inst-a", amount=7,
                                                            date="2024-05-01"))
    assert written.record_donation.typename__ == "Donation"
    fresh, fresh_trips = await overview()
    assert fresh_trips == cold_trips
    assert fresh.donations.donations == cold.donations.donations + 1
    assert fresh.donations.amount == cold.donations.amount + 7
