"""``/export/network.gexf`` and ``.graphml`` (hub.http.network_export) end to end, on the hand-made
network of tests/test_api_networks.py plus an individual donor: each file, read back with networkx's
own readers, is the ``networkProjection`` field's answer for the same arguments (asked through the
generated client, node by node); a viewer gets the individual under its pseudonym, nowhere named; a
scoped key is kept to its provinces; bad arguments name the parameter; the per-key analytics gate
counts the exports as it counts GraphQL analyses.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import networkx as nx
import pytest

from graph_model.enums import Label
from graph_model.mutations import create_node, record_donation
from graph_model.networks.service import Networks
from graph_model.stores.falkordb import FalkorStore
from hub.http import network_export
from hub_client import HubClient
from hub_client.enums import ProjectionSide, ProjectionWeighting
from hub_client.input_types import NetworkScopeInput
from tests.asgi import asgi_client, token
from tests.test_api_networks import build_network

SECRET = {"key": "donor-secret-7", "nameFa": "خیّر پنهان", "nameEn": "Hidden Benefactor"}
READERS = {"gexf": nx.read_gexf, "graphml": nx.read_graphml}
STUCK_S = 120  # a hang guard for a request that should be refused at once, not a timing assertion


@pytest.fixture
async def world(store: FalkorStore) -> FalkorStore:
    await build_network(store)
    await create_node(store, Label.DONOR, {**SECRET, "kind": "INDIVIDUAL", "province": "IR-00"})
    for i in ("a1", "b2"):
        await record_donation(store, donor=SECRET["key"], institution=i, amount=9_000, date="2024-07-01")
    await create_node(store, Label.INSTITUTION, {"key": "k1", "kind": "CHARITY", "county": "IR-01-0001",
                                                 "nameFa": "نهاد خوزستان", "nameEn": "Khuzestan institution"})
    await record_donation(store, donor="dB", institution="k1", amount=500, date="2024-07-01")
    return store


@pytest.fixture
async def admin(world: FalkorStore) -> AsyncIterator[tuple[httpx.AsyncClient, HubClient]]:
    async with asgi_client(world) as http:
        yield http, HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]


def read(response: httpx.Response, fmt: str) -> nx.Graph:
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="network-')
    assert response.headers["content-disposition"].endswith(f'.{fmt}"')
    graph = READERS[fmt](io.BytesIO(response.content))
    assert isinstance(graph, nx.Graph) and not graph.is_directed()
    return graph


async def same_as_field(graph: nx.Graph, client: HubClient, side: ProjectionSide, scope: NetworkScopeInput | None,
                        weighting: ProjectionWeighting = ProjectionWeighting.COLLABORATION) -> None:
    """``graph`` holds the field's nodes, edges, total weight and, for every node the field can be
    asked about (not a withheld donor), the same links with the same attributes and actors."""
    seen: dict[tuple[str, str], Any] = {}
    answer = None
    for node, attrs in graph.nodes(data=True):
        if attrs["withheld"]:
            continue
        answer = (await client.network_projection(of=node, scope=scope, projection=side, weighting=weighting,
                                                  first=1000)).network_projection
        for link in answer.links:
            for end in (link.a, link.b):
                got = graph.nodes[end.key]
                assert (got["kind"], got["hubKey"]) == (end.kind.value, end.key)
                assert (got.get("nameFa"), got.get("nameEn")) == (end.name_fa, end.name_en)
                assert got["label"] == (end.name_fa or end.name_en or end.key)
            seen[(link.a.key, link.b.key)] = link
    assert answer is not None
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (answer.nodes, answer.edges)
    assert sum(w for _, _, w in graph.edges(data="weight")) == pytest.approx(answer.total_weight)
    visible = {(a, b) for a, b in graph.edges() if not (graph.nodes[a]["withheld"] and graph.nodes[b]["withheld"])}
    assert {tuple(sorted(e)) for e in visible} == {tuple(sorted(e)) for e in seen}
    for (a, b), link in seen.items():
        edge = graph.edges[a, b]
        assert edge["weight"] == pytest.approx(link.weight) and edge["givingWeight"] == pytest.approx(
            link.giving_weight) and edge["councilWeight"] == pytest.approx(link.council_weight)
        assert (edge["shared"], edge["sharedCouncils"], edge["partnered"]) == (
            link.shared, link.shared_councils, link.partnered)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
async def test_the_file_is_the_fields_projection(admin: tuple[httpx.AsyncClient, HubClient], fmt: str) -> None:
    http, client = admin
    graph = read(await http.get(f"/export/network.{fmt}"), fmt)
    assert graph.number_of_nodes() == 8 and graph.number_of_edges() == 11  # a1..b3, z, k1; the individual: a1-b2
    await same_as_field(graph, client, ProjectionSide.INSTITUTIONS, None)
    assert graph.nodes["a1"]["province"] == "IR-00" and graph.nodes["k1"]["province"] == "IR-01"
    assert graph.nodes["k1"]["label"] == "نهاد خوزستان"
    donors = read(await http.get(f"/export/network.{fmt}?projection=donors&jalaliYear=۱۴۰۳&weighting=JACCARD"), fmt)
    scope = NetworkScopeInput(jalali_year=1403)
    await same_as_field(donors, client, ProjectionSide.DONORS, scope, ProjectionWeighting.JACCARD)
    assert donors.nodes[SECRET["key"]]["nameEn"] == SECRET["nameEn"]  # an admin sees the individual
    assert "dX" not in donors  # gave in 1402 only
    province = read(await http.get(f"/export/network.{fmt}?province=IR-01"), fmt)
    assert set(province) == {"k1"}


async def test_a_viewer_gets_pseudonyms_and_never_the_individual(world: FalkorStore) -> None:
    async with asgi_client(world, role="viewer") as http:
        client = HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]
        for fmt in ("gexf", "graphml"):
            response = await http.get(f"/export/network.{fmt}?projection=DONORS")
            for secret in SECRET.values():
                assert secret.encode() not in response.content
            graph = read(response, fmt)
            [hidden] = [n for n, withheld in graph.nodes(data="withheld") if withheld]
            assert hidden.startswith("individual-") and graph.nodes[hidden]["label"] == hidden
            assert "nameFa" not in graph.nodes[hidden] and "province" not in graph.nodes[hidden]
            assert graph.degree(hidden) > 0
            await same_as_field(graph, client, ProjectionSide.DONORS, None)


async def test_a_scoped_key_reads_its_provinces_only(world: FalkorStore) -> None:
    async with asgi_client(world, role="viewer", provinces=["IR-01"]) as http:
        refused = await http.get("/export/network.gexf?province=IR-00")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN", refused.text
        council = await http.get("/export/network.graphml?council=council-1")
        assert council.status_code == 403, council.text
        assert set(read(await http.get("/export/network.gexf"), "gexf")) == {"k1"}  # the country: its province
        assert set(read(await http.get("/export/network.gexf?province=IR-01"), "gexf")) == {"k1"}
    async with asgi_client(world, role="viewer", provinces=["IR-00", "IR-01"]) as http:
        country = await http.get("/export/network.gexf")
        assert country.status_code == 403 and "give province" in country.json()["error"]["message"]
        council_area = read(await http.get("/export/network.gexf?council=council-1"), "gexf")  # its area: IR-00
        assert council_area.number_of_nodes() == 7
    async with asgi_client(world, role="institution", institution="a1") as http:
        assert (await http.get("/export/network.gexf")).status_code == 403  # no NETWORKS right


@pytest.mark.parametrize(("query", "status", "field"), [
    ("projection=BOTH", 400, "projection"),
    ("weighting=newman", 400, "weighting"),
    ("jalaliYear=soon", 400, "jalaliYear"),
    ("jalaliYear=1800", 400, "jalaliYear"),
    ("since=2024-13-01", 400, "since"),
    ("since=1403/01/01&jalaliYear=1403", 400, "jalaliYear"),
    ("since=2024-06-01&until=2024-01-01", 400, "until"),
    ("province=IR-00&council=council-1", 400, "council"),
    ("of=a1", 400, "of"),
    ("province=IR-99", 404, None),
])
async def test_bad_arguments_name_the_parameter(admin: tuple[httpx.AsyncClient, HubClient], query: str,
                                                status: int, field: str | None) -> None:
    http, _ = admin
    for fmt in ("gexf", "graphml"):
        response = await http.get(f"/export/network.{fmt}?{query}")
        assert response.status_code == status, response.text
        body = response.json()
        assert body["error"]["code"] == ("NOT_FOUND" if status == 404 else "VALIDATION_FAILED")
        if field is not None:
            assert field in {f["field"] for f in body["error"]["fields"]}, body


async def test_a_network_over_the_cap_is_refused(admin: tuple[httpx.AsyncClient, HubClient],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    http, _ = admin
    monkeypatch.setattr(network_export, "MAX_EDGES", 7)
    response = await http.get("/export/network.gexf")
    assert response.status_code == 400 and "11 edges" in response.json()["error"]["message"], response.text
    assert (await http.get("/export/network.gexf?province=IR-01")).status_code == 200


async def test_the_gate_refuses_a_third_analysis_of_one_key(world: FalkorStore,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    release, started = asyncio.Event(), asyncio.Semaphore(0)
    real = Networks.projection

    async def projection(self: Networks, *args: Any, **kwargs: Any) -> Any:
        started.release()
        await release.wait()
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Networks, "projection", projection)
    other = {"Authorization": f"Bearer {token('viewer', subject='someone-else')}"}
    async with asgi_client(world) as http:
        running = [asyncio.ensure_future(http.get("/export/network.gexf")),
                   asyncio.ensure_future(http.post("/graphql", json={
                       "query": '{ networkProjection(of: "a1") { nodes } }'}))]
        await started.acquire()
        await started.acquire()
        before = world.round_trips
        third = await asyncio.wait_for(http.get("/export/network.graphml"), STUCK_S)
        assert third.status_code == 429 and third.json()["error"]["code"] == "LIMIT_EXCEEDED", third.text
        assert world.round_trips == before  # refused before any statement
        elsewhere = asyncio.ensure_future(http.get("/export/network.graphml", headers=other))
        await started.acquire()
        release.set()
        assert read(await running[0], "gexf").number_of_nodes() == 8
        assert (await running[1]).json() == {"data": {"networkProjection": {"nodes": 8}}}
        assert read(await elsewhere, "graphml").number_of_nodes() == 8
