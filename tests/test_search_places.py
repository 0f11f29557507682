"""`search` finds institutions and events by the county or province they lie in, and stays right
through every write that could change the answer: moving an institution or event, renaming a
county or province, seeding, and a store written before the county mirror existed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph_model import mirrors
from graph_model.cypher import statement
from graph_model.enums import Label, Rel
from graph_model.errors import ValidationFailed
from graph_model.mutations import create_node, update_node
from graph_model.stores.falkordb import FalkorStore
from seed.dataset import Dataset
from seed.loader import load
from tests.asgi import asgi_client

COUNTY_KEYS = statement("test_search_places_county_keys",
                        "MATCH (n) WHERE n:Institution OR n:Event RETURN n.key AS key, n.countyKey AS county",
                        register=False)
FORGET = statement("test_search_places_forget", "MATCH (n) WHERE n:Institution OR n:Event REMOVE n.countyKey",
                   write=True, register=False)


def names(en: str, fa: str | None = None) -> dict[str, str]:
    return {"nameEn": en, "nameFa": fa or en}


@pytest.fixture
async def places(store: FalkorStore) -> FalkorStore:
    """Two provinces, three counties; an institution and an event in Ahvaz, one institution in Arak."""
    await create_node(store, Label.PROVINCE, {"key": "IR-00", **names("Markazi", "مرکزی")})
    await create_node(store, Label.PROVINCE, {"key": "IR-06", **names("Khuzestan", "خوزستان")})
    for key, province, en, fa in (("IR-00-0001", "IR-00", "Arak", "اراک"), ("IR-06-0603", "IR-06", "Ahvaz", "اهواز"),
                                  ("IR-06-0607", "IR-06", "Khorramshahr", "خرمشهر")):
        await create_node(store, Label.COUNTY, {"key": key, "province": province, **names(en, fa)})
    await create_node(store, Label.INSTITUTION, {"key": "inst-a", "kind": "CHARITY", "county": "IR-06-0603",
                                                 **names("Hope house", "خانه امید")})
    await create_node(store, Label.INSTITUTION, {"key": "inst-b", "kind": "NGO", "county": "IR-00-0001",
                                                 **names("Light centre", "مرکز نور")})
    await create_node(store, Label.EVENT, {"key": "evt-1", "kind": "MAWKIB", "startsOn": "2024-08-20",
                                           "county": "IR-06-0603", **names("Mawkib")})
    return store


@pytest.fixture
async def http(places: FalkorStore) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(places) as client:
        yield client


async def found(http: httpx.AsyncClient, text: str) -> tuple[set[str], set[str]]:
    """(institution keys, event keys) that `search: text` finds."""
    query = ("query($t: String!) { institutions(filter: {search: $t}) { totalCount nodes { key } } "
             "events(filter: {search: $t}) { totalCount nodes { key } } }")
    body = (await http.post("/graphql", json={"query": query, "variables": {"t": text}})).json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    for name in ("institutions", "events"):
        assert data[name]["totalCount"] == len(data[name]["nodes"])
    return {n["key"] for n in data["institutions"]["nodes"]}, {n["key"] for n in data["events"]["nodes"]}


async def gql(http: httpx.AsyncClient, query: str) -> None:
    body = (await http.post("/graphql", json={"query": query})).json()
    assert "errors" not in body and "Error" not in str(body["data"]), body


async def test_by_county_and_province_name_in_either_language(http: httpx.AsyncClient) -> None:
    assert await found(http, "Ahvaz") == ({"inst-a"}, {"evt-1"})
    assert await found(http, "اهواز") == ({"inst-a"}, {"evt-1"})
    assert await found(http, "KHUZESTAN") == ({"inst-a"}, {"evt-1"})
    assert await found(http, "خوزستان") == ({"inst-a"}, {"evt-1"})
    assert await found(http, "مركزي") == ({"inst-b"}, set())  # Arabic kaf and yeh: Markazi
    assert await found(http, "نور") == ({"inst-b"}, set())  # by its own name, as before
    assert await found(http, "Khorramshahr") == (set(), set())  # a place with nothing in it


async def test_moving_an_institution_or_event_moves_what_finds_it(http: httpx.AsyncClient) -> None:
    await gql(http, 'mutation { updateInstitution(key: "inst-a", input: {county: "IR-00-0001"}) { __typename } }')
    await gql(http, 'mutation { updateEvent(key: "evt-1", input: {county: "IR-06-0607"}) { __typename } }')
    assert await found(http, "Ahvaz") == (set(), set())
    assert await found(http, "Arak") == ({"inst-a", "inst-b"}, set())
    assert await found(http, "Khorramshahr") == (set(), {"evt-1"})
    await gql(http, 'mutation { createInstitution(input: {key: "inst-c", kind: CHARITY, county: "IR-06-0603", '
                    'nameFa: "تازه", nameEn: "New one"}) { __typename } }')
    assert await found(http, "Ahvaz") == ({"inst-c"}, set())


async def test_renaming_a_county_or_province_is_found_by_its_new_name_at_once(http: httpx.AsyncClient) -> None:
    await gql(http, 'mutation { updateCounty(key: "IR-06-0603", input: {nameEn: "Ahwaz"}) { __typename } }')
    assert await found(http, "Ahwaz") == ({"inst-a"}, {"evt-1"})
    assert await found(http, "Ahvaz") == (set(), set())
    assert await found(http, "اهواز") == ({"inst-a"}, {"evt-1"})  # the Persian name stayed
    await gql(http, 'mutation { updateProvince(key: "IR-00", input: {nameFa: "استان مرکزی"}) { __typename } }')
    assert await found(http, "استان") == ({"inst-b"}, set())


async def test_the_county_mirror_is_set_from_the_link_never_directly(places: FalkorStore) -> None:
    rows = {r["key"]: r["county"] for r in await places.read(COUNTY_KEYS)}
    assert rows == {"inst-a": "IR-06-0603", "inst-b": "IR-00-0001", "evt-1": "IR-06-0603"}
    with pytest.raises(ValidationFailed) as refused:
        await update_node(places, Label.INSTITUTION, "inst-a", {"countyKey": "IR-00-0001"})
    assert [e.field for e in refused.value.errors] == ["countyKey"]


async def test_a_store_written_before_the_mirror_is_filled_when_opened(
        places: FalkorStore, http: httpx.AsyncClient) -> None:
    await places.write(FORGET)
    assert await found(http, "Ahvaz") == (set(), set())  # what an older store answered
    assert await mirrors.fill(places) == {Rel.LOCATED_IN: 2, Rel.HELD_IN: 1}
    assert await found(http, "Ahvaz") == ({"inst-a"}, {"evt-1"})
    assert await mirrors.fill(places) == {}  # nothing left: one read, no write


async def test_the_seed_loader_sets_the_mirror_with_the_link(store: FalkorStore) -> None:
    ds = Dataset("tiny")
    ds.node(Label.PROVINCE, "IR-06", **names("Khuzestan", "خوزستان"))
    ds.node(Label.COUNTY, "IR-06-0603", provinceKey="IR-06", **names("Ahvaz", "اهواز"))
    ds.rel(Rel.IN_PROVINCE, "IR-06-0603", "IR-06")
    ds.node(Label.INSTITUTION, "inst-s", kind="CHARITY", **names("Seeded"))
    ds.rel(Rel.LOCATED_IN, "inst-s", "IR-06-0603")
    await load(store, ds)
    assert {r["key"]: r["county"] for r in await store.read(COUNTY_KEYS)} == {"inst-s": "IR-06-0603"}
