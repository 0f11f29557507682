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


SCOPED = """{ markazi: institutions(filter: {province: "IR-00"}) { nodes { key county { key nameEn } } }
              khuzestan: events(filter: {province: "IR-01"}) { nodes { key place { key nameFa } } }
              county: institutions(filter: {county: "IR-00-0001"}) { nodes { key county { key nameFa } } } }"""
UNSCOPED = """{ institutions(first: 50) { nodes { key county { key nameEn nameFa } } }
                events(first: 50) { nodes { key place { key nameFa } } } }"""


async def _scoped(store: FalkorStore, query: str = SCOPED) -> tuple[dict[str, Any], int, list[str]]:
    """A query's answer, the round trips it cost and the statements it sent."""
    sent = Sent(store)
    async with asgi_client(store) as client:
        before = store.round_trips
        data = await _post(client, query)
        return data, store.round_trips - before, list(sent.texts)


def _counties(data: dict[str, Any]) -> dict[str, Any]:
    return {n["key"]: n.get("county", n.get("place")) for page in data.values() for n in page["nodes"]}


async def test_a_page_scoped_to_a_place_reads_its_counties_beside_it(store: FalkorStore) -> None:
    """A list scoped to a province has that province's counties read in its own statement (by the
    provinceKey they mirror), one scoped to a county that county: its items' counties are then asked
    of the store no more, and answer as they do unscoped."""
    await build_world(store)
    data, trips, sent = await _scoped(store)
    assert trips == 1, sent
    assert [t for t in sent if "n.provinceKey IN $" in t], sent
    assert not any(_follows_county(t) or "(p)-[:HELD_IN]->(n:County)" in t for t in sent), sent
    assert {key: county["key"] for key, county in _counties(data).items()} == {
        "inst-a": "IR-00-0001", "evt-1": "IR-01-0001"}, data
    unscoped = _counties(await _post_once(store, UNSCOPED))
    for page in ("markazi", "khuzestan", "county"):
        for node in data[page]["nodes"]:
            county = node.get("county", node.get("place"))
            assert county == {k: unscoped[node["key"]][k] for k in county}, (page, node, unscoped)


async def _post_once(store: FalkorStore, query: str) -> dict[str, Any]:
    async with asgi_client(store) as client:
        return await _post(client, query)


async def test_a_scoped_page_whose_mirror_names_a_county_elsewhere_reads_it(store: FalkorStore) -> None:
    """An item whose mirror names a county outside the scope's (written past the hub) has that county
    read as before, by its key, after the page: the counties read beside the page are only a head start."""
    await build_world(store)
    await store.write(_write("MATCH (i:Institution {key: 'inst-a'}) SET i.countyKey = 'IR-01-0001'"))
    data, trips, sent = await _scoped(store, """{ institutions(filter: {province: "IR-00"}) {
        nodes { key county { key nameEn } } } }""")
    assert data["institutions"]["nodes"] == [{"key": "inst-a", "county": {"key": "IR-01-0001", "nameEn": "IR-01-0001"}}]
    assert trips == 2 and any("MATCH (n:County) WHERE n.key IN" in t for t in sent), sent
    unscoped = _counties(await _post_once(store, UNSCOPED))
    assert unscoped["inst-a"]["key"] == "IR-01-0001"


async def test_two_projections_of_the_scoped_counties_and_a_failed_read_beside_the_page(store: FalkorStore) -> None:
    """Two selections reading different properties of the counties each have them read beside the
    page; when that read fails, the page answers the same, its counties read after it by key."""
    await build_world(store)
    query = """{ a: institutions(filter: {province: "IR-00"}) { nodes { key county { key } } }
                 b: institutions(filter: {province: "IR-00"}) { nodes { key county { nameEn nameFa } } } }"""
    data, trips, sent = await _scoped(store, query)
    assert trips == 1 and sum(t.count("n.provinceKey IN $") for t in sent) == 2, sent  # one for each projection
    county = _counties(await _post_once(store, UNSCOPED))["inst-a"]
    expected = {"a": {"nodes": [{"key": "inst-a", "county": {"key": "IR-00-0001"}}]},
                "b": {"nodes": [{"key": "inst-a", "county": {"nameEn": "IR-00-0001", "nameFa": county["nameFa"]}}]}}
    assert data == expected and county["key"] == "IR-00-0001", data
    original = store.read

    async def failing(stmt: Any, **params: Any) -> Any:
        if "n.provinceKey IN $" in stmt.text:
            raise RuntimeError("injected: the counties beside the page")
        return await original(stmt, **params)

    store.read = failing  # type: ignore[method-assign]
    data, _, sent = await _scoped(store, query)
    assert data == expected, data
    # (the two projections of the one county by its key: one statement rooted at it, graph_model.stores.fused)
    assert any("MATCH (n:County) WHERE n.key IN" in t or "MATCH (root:County) WHERE root.key =" in t
               for t in sent), sent


async def test_a_scoped_page_that_reads_more_below_it_has_its_counties_read_with_that(store: FalkorStore) -> None:
    """When the level below the page asks the store for more than those counties (an institution's
    services, a county's province), a statement follows the page anyway: the counties join it, by key,
    as they did, rather than all the province's counties being read beside the page."""
    await build_world(store)
    for below in ("services { edges { node { key } } }", ""):
        county = "county { key nameEn }" if below else "county { key province { key } }"
        data, trips, sent = await _scoped(store, f"""{{ institutions(filter: {{province: "IR-00"}}) {{
            nodes {{ key {county} {below} }} }} }}""")
        assert data["institutions"]["nodes"][0]["county"]["key"] == "IR-00-0001", data
        assert not any("n.provinceKey IN $" in t for t in sent), sent
        assert trips == 2 and any("MATCH (n:County) WHERE n.key IN" in t for t in sent), (trips, sent)
