"""Links read through the key their objects mirror (graph_model.links.Link.mirror): a page's institutions
and events have their counties read by the ``countyKey`` their rows hold (hub.execution.loaders.Loaders.
mirrored), once per county, where an object by key follows its link. Both must answer the same county
for every object, also after a move, and for an object with no county, a mirror not yet filled or one
naming no county."""

from __future__ import annotations

from typing import Any

from graph_model.cypher import statement
from graph_model.stores.falkordb import FalkorStore
from tests.asgi import asgi_client
from tests.builders import build_world
from tests.test_projection import Sent

PAGE = """{ institutions(first: 50) { nodes { key county { key nameEn province { key } } } }
            events(first: 50) { nodes { key place { key nameFa } } } }"""
ONE = """query One($key: String!) { institution(key: $key) { key county { key nameEn province { key } } } }"""
EVENT = """query One($key: String!) { event(key: $key) { key place { key nameFa } } }"""


async def _post(client: Any, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = (await client.post("/graphql", json={"query": query, "variables": variables or {}})).json()
    assert "errors" not in body, body
    return body["data"]


async def _page_and_each(store: FalkorStore) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The page's counties and places, each object's asked by its key, and the statements the page sent."""
    sent = Sent(store)
    async with asgi_client(store) as client:
        page = await _post(client, PAGE)
        page_sent = list(sent.texts)
        listed = {n["key"]: n["county"] for n in page["institutions"]["nodes"]}
        listed |= {n["key"]: n["place"] for n in page["events"]["nodes"]}
        one = {}
        for key in [n["key"] for n in page["institutions"]["nodes"]]:
            one[key] = (await _post(client, ONE, {"key": key}))["institution"]["county"]
        for key in [n["key"] for n in page["events"]["nodes"]]:
            one[key] = (await _post(client, EVENT, {"key": key}))["event"]["place"]
    return listed, one, page_sent


def _follows_county(text: str) -> bool:
    """Whether a statement follows institutions' county links (graph_model.links: with or without the
    county's province read beside it), rather than reading counties by key or following a link for a hop."""
    return "MATCH (p)-[:LOCATED_IN]->(n:County)" in text and "collect([k, n.key])" in text


def _write(text: str) -> Any:
    return statement("test_mirror_write", text, write=True, register=False)


async def test_a_page_reads_its_counties_by_the_keys_its_rows_mirror(store: FalkorStore) -> None:
    await build_world(store)
    listed, one, sent = await _page_and_each(store)
    assert listed == one and all(listed.values()) and len(listed) == 3, (listed, one)
    assert listed["inst-a"] == {"key": "IR-00-0001", "nameEn": "IR-00-0001", "province": {"key": "IR-00"}}
    # No link followed: the counties are read by key (the province beside them follows the link: a hop).
    assert not any(_follows_county(t) or ":HELD_IN]" in t for t in sent), sent
    assert any("MATCH (n:County) WHERE n.key IN" in t for t in sent), sent


async def test_a_moved_institution_is_listed_in_its_new_county(store: FalkorStore) -> None:
    await build_world(store)
    async with asgi_client(store) as client:
        await _post(client, """mutation { updateInstitution(key: "inst-a", input: {county: "IR-00-0002"}) {
            __typename } }""")
    listed, one, _ = await _page_and_each(store)
    assert listed == one and listed["inst-a"]["key"] == "IR-00-0002", (listed, one)


async def test_no_county_a_mirror_not_filled_and_one_naming_no_county(store: FalkorStore) -> None:
    await build_world(store)
    # inst-a: its mirror gone (a store written before it existed): its link is followed.
    await store.write(_write("MATCH (i:Institution {key: 'inst-a'}) REMOVE i.countyKey"))
    # inst-b: no county at all; evt-1: its link gone, its mirror naming no county.
    await store.write(_write("MATCH (i:Institution {key: 'inst-b'})-[r:LOCATED_IN]->() DELETE r REMOVE i.countyKey"))
    await store.write(_write("MATCH (e:Event {key: 'evt-1'})-[r:HELD_IN]->() DELETE r SET e.countyKey = 'IR-99-9999'"))
    listed, one, sent = await _page_and_each(store)
    assert listed == one, (listed, one)
    assert listed == {"inst-a": {"key": "IR-00-0001", "nameEn": "IR-00-0001", "province": {"key": "IR-00"}},
                      "inst-b": None, "evt-1": None}
    assert any(_follows_county(t) for t in sent), sent  # inst-a's and inst-b's


async def test_a_mirror_that_is_no_key_leaves_the_link_to_answer(store: FalkorStore) -> None:
    await build_world(store)
    # Written past the hub: a list where a key belongs. The prefetch's read by key fails (a list is no
    # dict key); that failure stays in the prefetch, and the field follows its link.
    await store.write(_write("MATCH (i:Institution {key: 'inst-a'}) SET i.countyKey = ['IR-00-0002']"))
    listed, one, sent = await _page_and_each(store)
    assert listed == one and listed["inst-a"]["key"] == "IR-00-0001", (listed, one)
    assert any(_follows_county(t) for t in sent), sent
