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


async def test_single_runs_one_computation_at_a_time_across_versions() -> None:
    """A stream of writes must not start a whole-graph computation per version: askers at newer
    versions wait for the running one, then share one computation of the newest version asked."""
    cache = VersionCache()
    running = most = 0
    started: list[int] = []

    async def compute_at(v: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        started.append(v)
        await asyncio.sleep(0.01)
        running -= 1
        return v

    answers = await asyncio.gather(*(cache.single((1, v), "k", lambda v=v: compute_at(v))  # type: ignore[misc]
                                     for v in (1, 2, 2, 3, 3, 3)))
    # Version 2 was out of date before its turn came: its askers get None, not a computation.
    assert answers == [1, None, None, 3, 3, 3] and started == [1, 3] and most == 1
    assert await cache.single((1, 2), "k", lambda: compute_at(2)) is None  # older than the newest answer
    # The newest answer is kept across versions; a failure is not.
    assert await cache.single((1, 3), "k", lambda: compute_at(99)) == 3

    async def fail() -> int:
        raise RuntimeError("store hiccup")

    with pytest.raises(RuntimeError):
        await cache.single((1, 4), "k", fail)
    assert await cache.single((1, 4), "k", lambda: compute_at(4)) == 4


async def test_single_rests_between_computations() -> None:
    """With ``idle``, the next computation of a key starts no sooner than idle x the last one's
    duration after it ended (a lower bound: a slow machine only waits longer)."""
    cache = VersionCache()
    loop = asyncio.get_running_loop()
    spans: list[tuple[float, float]] = []

    async def compute() -> int:
        start = loop.time()
        await asyncio.sleep(0.02)
        spans.append((start, loop.time()))
        return len(spans)

    assert await cache.single((1, 1), "k", compute, idle=2.0) == 1
    assert await cache.single((1, 2), "k", compute, idle=2.0) == 2
    (first_start, first_end), (second_start, _) = spans
    assert second_start - first_end >= 2.0 * (first_end - first_start) - 1e-3


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


async def test_a_cache_beside_keeps_its_own_version() -> None:
    """Coverage's answers follow their own version beside the shared cache (VersionCache.beside): a newer
    graph version empties the shared cache, not the one beside it."""
    shared = VersionCache()
    beside = shared.beside("coverage")
    assert shared.beside("coverage") is beside
    computed: list[str] = []

    async def compute(name: str) -> str:
        computed.append(name)
        return name

    assert await beside.get((1, 1), "table", lambda: compute("table")) == "table"
    assert await shared.get((1, 5), "overview", lambda: compute("overview")) == "overview"
    assert await shared.get((1, 6), "overview", lambda: compute("overview")) == "overview"  # a write: again
    assert await beside.get((1, 1), "table", lambda: compute("table")) == "table"  # kept
    assert computed == ["table", "overview", "overview"]
