"""The CSV exports count among a key's running analytics, as GraphQL operations do (issue 15's
overload by one key: the exports ran the same analyses outside the count).

A coverage computation is held in flight (a fault injected: it waits on an event), so requests of
one key stay running while the next is sent.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from graph_model.coverage.service import Coverage
from graph_model.mutations import record_donation
from graph_model.stores.falkordb import FalkorStore
from hub.settings import Limits
from tests.asgi import asgi_client, token
from tests.builders import build_world

# A request that should be refused at once but is let in waits for the held computation: give up
# on it after this long instead of hanging the suite (a hang guard, not a timing assertion).
STUCK_S = 120
COVERAGE = {"query": '{ coverage(question: {service: "svc-care"}) { need } }'}
EXPORT = "/export/coverage.csv?service=svc-care"


@pytest.fixture
async def world(store: FalkorStore) -> FalkorStore:
    await build_world(store)
    await record_donation(store, donor="donor-1", amount=5_000_000, date="2024-01-02", institution="inst-a",
                          key="don-1")
    return store


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Semaphore]:
    """Coverage tables wait for the event once started (each start releases the semaphore)."""
    release, started = asyncio.Event(), asyncio.Semaphore(0)
    real = Coverage.table

    async def table(self: Coverage, *args: Any, **kwargs: Any) -> Any:
        started.release()
        await release.wait()
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Coverage, "table", table)
    return release, started


def export_refused(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["error"]["code"] == "LIMIT_EXCEEDED" and "at once for this key" in body["error"]["message"], body


async def test_an_export_is_refused_while_the_key_runs_its_limit_of_analytics(
        world: FalkorStore, held: tuple[asyncio.Event, asyncio.Semaphore]) -> None:
    release, started = held
    assert Limits().concurrent_analytics == 2
    other = {"Authorization": f"Bearer {token('viewer', subject='someone-else')}"}
    async with asgi_client(world) as http:
        running = [asyncio.ensure_future(http.post("/graphql", json=COVERAGE)) for _ in range(2)]
        await started.acquire()
        await started.acquire()
        before = world.round_trips
        export_refused(await asyncio.wait_for(http.get(EXPORT), STUCK_S))
        assert world.round_trips == before  # refused before any statement
        elsewhere = asyncio.ensure_future(http.get(EXPORT, headers=other))  # another key runs
        await started.acquire()
        release.set()
        for done in running:
            response = await done
            assert response.status_code == 200 and "errors" not in response.json(), response.text
        assert (await elsewhere).status_code == 200
        again = await http.get(EXPORT)
        assert again.status_code == 200 and "Province code" in again.text.splitlines()[0], again.text[:200]


async def test_running_exports_count_against_graphql_analytics(
        world: FalkorStore, held: tuple[asyncio.Event, asyncio.Semaphore]) -> None:
    release, started = held
    async with asgi_client(world) as http:
        exports = [asyncio.ensure_future(http.get(EXPORT)) for _ in range(2)]
        await started.acquire()
        await started.acquire()
        third = await asyncio.wait_for(http.post("/graphql", json=COVERAGE), STUCK_S)
        assert third.status_code == 400, third.text
        [error] = third.json()["errors"]
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and error["extensions"]["limit"] == "concurrent"
        release.set()
        for done in exports:
            assert (await done).status_code == 200
        assert (await http.post("/graphql", json=COVERAGE)).json().get("errors") is None
