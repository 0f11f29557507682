"""The first GraphQL fields, end to end: the generated hub_client against the ASGI app on the
embedded store (malformed requests, which the typed client cannot send, go through raw httpx)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph_model.enums import InstitutionKind, Label, Rel
from graph_model.stores.falkordb import FalkorStore
from hub.app import create_app
from hub_client import HubClient
from hub.settings import Settings
from seed.dataset import Dataset
from seed.loader import load


def small_dataset() -> Dataset:
    ds = Dataset("small")
    for p in range(3):
        pk = ds.node(Label.PROVINCE, f"IR-0{p}", nameFa=f"استان {p}", nameEn=f"Province {p}",
                     generated=True, source="test")
        for c in range(4):
            ck = ds.node(Label.COUNTY, f"{pk}-000{c}", nameFa=f"شهرستان {c}", nameEn=f"County {c}",
                         provinceKey=pk, generated=True, source="test")
            ds.rel(Rel.IN_PROVINCE, ck, pk)
            for i in range(30):
                ik = ds.node(Label.INSTITUTION, f"inst-{p}{c}{i:03d}", nameFa=f"مرکز {i}",
                             nameEn=f"Centre {i}", kind=InstitutionKind.NGO.value, generated=True,
                             source="test")
                ds.rel(Rel.LOCATED_IN, ik, ck)
    return ds


@pytest.fixture
async def client(store: FalkorStore) -> AsyncIterator[httpx.AsyncClient]:
    await load(store, small_dataset())
    app = create_app(Settings(), store=store)
    async with app.router.lifespan_context(app) as state:
        # httpx's ASGITransport does not run the lifespan; hand its state to each request.
        async def with_state(scope: Any, receive: Any, send: Any) -> None:
            scope["state"] = dict(state)
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as c:
            yield c


@pytest.fixture
def hub(client: httpx.AsyncClient) -> HubClient:
    return HubClient(url="http://hub/graphql", http_client=client)


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


async def test_provinces_total_and_pages(hub: HubClient) -> None:
    first = (await hub.provinces(first=2)).provinces
    assert first.total_count == 3
    assert [n.key for n in first.nodes] == ["IR-00", "IR-01"]
    assert first.page_info.has_next_page is True
    second = (await hub.provinces(first=2, after=first.page_info.end_cursor)).provinces
    assert [n.key for n in second.nodes] == ["IR-02"]
    assert second.page_info.has_next_page is False
    assert all(n.generated for n in first.nodes + second.nodes)


async def test_institutions_of_a_province_with_their_county(hub: HubClient) -> None:
    page = (await hub.institutions(province="IR-01", first=5)).institutions
    assert page.total_count == 120
    assert len(page.nodes) == 5
    assert {n.county.province.key for n in page.nodes if n.county and n.county.province} == {"IR-01"}


async def test_counties_of_a_province(hub: HubClient) -> None:
    page = (await hub.counties(province="IR-02")).counties
    assert page.total_count == 4
    assert [c.key for c in page.nodes] == [f"IR-02-000{i}" for i in range(4)]


async def test_nested_lookups_are_batched(hub: HubClient, store: FalkorStore) -> None:
    trips = []
    for size in (5, 100):
        before = store.round_trips
        await hub.institutions(province="IR-02", first=size)
        trips.append(store.round_trips - before)
    assert trips[0] == trips[1] == 4  # page, total, counties (one batch), provinces (one batch)


async def test_counts_and_lookup_by_key(hub: HubClient) -> None:
    counts = {c.label: c.total for c in (await hub.counts()).counts}
    assert counts["Province"] == 3 and counts["County"] == 12 and counts["Institution"] == 360
    assert counts["Donor"] == 0
    assert (await hub.province(key="IR-00")).province.name_fa == "استان 0"
    assert (await hub.institution(key="nope")).institution is None
    found = (await hub.institution(key="inst-00001")).institution
    assert found is not None and found.county is not None and found.county.key == "IR-00-0000"


@pytest.mark.parametrize(("args", "field"), [('first: 1000', "first"), ('first: -1', "first"),
                                             ('after: "not-a-cursor"', "after")])
async def test_bad_paging_arguments_say_which_field(client: httpx.AsyncClient, args: str, field: str) -> None:
    body = await gql(client, f"{{ provinces({args}) {{ totalCount }} }}")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["fields"][0]["field"] == field


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["store"] == "embedded"
