"""The first GraphQL fields, end to end through the ASGI app on the embedded store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph_model.enums import InstitutionKind, Label, Rel
from graph_model.stores.falkordb import FalkorStore
from hub.app import create_app
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


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


async def test_provinces_total_and_pages(client: httpx.AsyncClient) -> None:
    query = """query($after: String) { provinces(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { key nameEn generated } } }"""
    first = (await gql(client, query))["data"]["provinces"]
    assert first["totalCount"] == 3
    assert [n["key"] for n in first["nodes"]] == ["IR-00", "IR-01"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = (await gql(client, query, after=first["pageInfo"]["endCursor"]))["data"]["provinces"]
    assert [n["key"] for n in second["nodes"]] == ["IR-02"]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_institutions_of_a_province_with_their_county(client: httpx.AsyncClient) -> None:
    data = await gql(client, """{ institutions(province: "IR-01", first: 5) {
        totalCount nodes { key county { key province { key } } } } }""")
    page = data["data"]["institutions"]
    assert page["totalCount"] == 120
    assert {n["county"]["province"]["key"] for n in page["nodes"]} == {"IR-01"}


async def test_nested_lookups_are_batched(client: httpx.AsyncClient, store: FalkorStore) -> None:
    query = """query($n: Int) { institutions(province: "IR-02", first: $n) {
        nodes { county { province { nameEn } } } } }"""
    trips = []
    for size in (5, 100):
        before = store.round_trips
        await gql(client, query, n=size)
        trips.append(store.round_trips - before)
    assert trips[0] == trips[1] == 4  # page, total, counties (one batch), provinces (one batch)


async def test_counts_and_lookup_by_key(client: httpx.AsyncClient) -> None:
    data = (await gql(client, '{ counts { label total } province(key: "IR-00") { nameFa } '
                              'institution(key: "nope") { key } }'))["data"]
    counts = {c["label"]: c["total"] for c in data["counts"]}
    assert counts["Province"] == 3 and counts["County"] == 12 and counts["Institution"] == 360
    assert counts["Donor"] == 0
    assert data["province"] == {"nameFa": "استان 0"}
    assert data["institution"] is None


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
