"""Query limits, the body limit and the rate limit, through the real ASGI app.

Every hostile request is refused with a message naming the limit, the value, the maximum and the
environment variable, and without a single store statement (``store.round_trips`` does not move);
an ordinary query still runs. Then the token bucket alone, on a fake clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, get_introspection_query, parse

from graph_model.errors import RateLimited
from graph_model.mutations import record_donation
from graph_model.stores.falkordb import FalkorStore
from hub.execution.limits import check, count_tokens
from hub.http.rate_limit import RateLimiter
from hub.schema import schema
from hub.settings import Limits, Settings
from hub.strawberry_compat import graphql_schema
from tests.asgi import asgi_client, token
from tests.builders import build_world

OPERATIONS = Path(__file__).resolve().parent.parent / "operations"
NORMAL = '{ institutions(first: 5) { totalCount nodes { key donations(first: 5) { nodes { key donor { key } } } } } }'


def deep(cycles: int) -> str:
    """A query nested 2 + 3 * cycles deep: institution, then county > institutions > nodes, again and again."""
    return ('{ institution(key: "inst-a") { ' + "county { institutions(first: 1) { nodes { " * cycles + "key"
            + " } } }" * cycles + " } }")


HOSTILE: dict[str, tuple[str, dict[str, Any] | None, str, int]] = {
    # name: (query, variables, limit, value)
    "depth 50": (deep(16), None, "depth", 50),
    "1,000 aliases": ("{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }", None, "aliases", 1000),
    "first: 1000000": ("{ provinces(first: 1000000) { totalCount } }", None, "page", 1_000_000),
    "last: 1000000 in a variable": ("query($n: Int) { provinces(last: $n) { totalCount } }", {"n": 1_000_000},
                                    "page", 1_000_000),
    "first from a variable's default": ("query($n: Int = 5000) { institution(key: \"inst-a\") { donors(first: $n) "
                                        "{ totalCount } } }", None, "page", 5000),
    # 1 + 100 * (nodes 1 + donations (1 + 100 * (nodes 1 + key 1 + donor (1 + institutions 201)))) = 2,040,201
    "nested connections": ("{ institutions(first: 100) { nodes { donations(first: 100) { nodes { key donor { "
                           "institutions(first: 100) { nodes { key } } } } } } } }", None, "cost", 2_040_201),
    "5,000 tokens": ("{ " + "__typename " * 4998 + "}", None, "tokens", 4001),
}


@pytest.fixture
async def limits_world(store: FalkorStore) -> FalkorStore:
    await build_world(store)
    await record_donation(store, donor="donor-1", amount=5_000_000, date="2024-01-02", institution="inst-a",
                          key="don-1")
    return store


@pytest.fixture
async def client(limits_world: FalkorStore) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(limits_world) as http:
        yield http


def refused(response: httpx.Response, limit: str) -> dict[str, Any]:
    """The one LIMIT_EXCEEDED error of a request that never ran."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert "data" not in body, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and error["extensions"]["limit"] == limit, error
    return error


@pytest.mark.parametrize("case", HOSTILE)
async def test_hostile_queries_are_refused_before_any_store_work(client: httpx.AsyncClient, limits_world: FalkorStore,
                                                                 case: str) -> None:
    query, variables, limit, value = HOSTILE[case]
    maximum = getattr(Limits(), limit)
    before = limits_world.round_trips
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert limits_world.round_trips == before  # not one statement
    error = refused(response, limit)
    assert error["extensions"]["value"] == value and error["extensions"]["maximum"] == maximum
    env = {"depth": "HUB_MAX_DEPTH", "aliases": "HUB_MAX_ALIASES", "page": "HUB_MAX_PAGE", "cost": "HUB_MAX_COST",
           "tokens": "HUB_MAX_TOKENS"}[limit]
    assert f"{value}" in error["message"] and f"exceeds the limit {maximum} ({env})" in error["message"]


async def test_the_message_says_which_limit_and_by_how_much(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": deep(16)},
                                 headers={"accept": "application/graphql-response+json"})
    assert refused(response, "depth")["message"] == "query depth 50 exceeds the limit 12 (HUB_MAX_DEPTH)"
    page = await client.post("/graphql", json={"query": HOSTILE["first: 1000000"][0]})
    assert refused(page, "page")["message"] == ("page size 1000000 (provinces.first) exceeds the limit 100 "
                                                "(HUB_MAX_PAGE)")


async def test_a_normal_query_still_runs(client: httpx.AsyncClient, limits_world: FalkorStore) -> None:
    before = limits_world.round_trips
    response = await client.post("/graphql", json={"query": NORMAL})
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    institutions = response.json()["data"]["institutions"]
    assert institutions["totalCount"] == 2
    donations = {n["key"]: n["donations"]["nodes"] for n in institutions["nodes"]}
    assert donations["inst-a"] == [{"key": "don-1", "donor": {"key": "donor-1"}}]
    assert limits_world.round_trips > before
    introspection = await client.post("/graphql", json={"query": get_introspection_query(descriptions=True)})
    assert introspection.status_code == 200 and introspection.json()["data"]["__schema"]["queryType"]


async def test_limits_come_from_the_settings(limits_world: FalkorStore) -> None:
    """The same queries, run with the default limits, then with small ones, then with a larger page."""
    shallow = '{ institution(key: "inst-a") { county { province { key } } } }'  # depth 4, cost 5
    async with asgi_client(limits_world) as default:
        assert (await default.post("/graphql", json={"query": shallow})).json()["data"]["institution"]
        assert (await default.post("/graphql", json={"query": NORMAL})).status_code == 200
    async with asgi_client(limits_world, Settings(limits=Limits(depth=3))) as strict:
        assert "HUB_MAX_DEPTH" in refused(await strict.post("/graphql", json={"query": shallow}), "depth")["message"]
    async with asgi_client(limits_world, Settings(limits=Limits(cost=50, page=4))) as strict:
        refused(await strict.post("/graphql", json={"query": NORMAL}), "page")  # first: 5 > 4
        # institutions 1 + 4 * (totalCount 1 + nodes (1 + key 1 + donations (1 + 4 * 4))) = 81
        cost = NORMAL.replace("first: 5", "first: 4")
        assert refused(await strict.post("/graphql", json={"query": cost}), "cost")["extensions"]["value"] == 81
    # The resolvers' own page check reads the same setting: 200 items is too many by default, not here.
    big = "{ provinces(first: 200) { totalCount } }"
    async with asgi_client(limits_world) as default:
        refused(await default.post("/graphql", json={"query": big}), "page")
    async with asgi_client(limits_world, Settings(limits=Limits(page=500))) as generous:
        response = await generous.post("/graphql", json={"query": big})
        assert response.json() == {"data": {"provinces": {"totalCount": 2}}}


async def test_variables_are_checked_and_cached_documents_too(limits_world: FalkorStore) -> None:
    """The parser and validation caches are shared: a document they already hold is measured again,
    with this request's variables and this app's limits."""
    query = "query($n: Int) { provinces(first: $n) { totalCount } }"
    async with asgi_client(limits_world) as default:
        assert (await default.post("/graphql", json={"query": query, "variables": {"n": 5}})).status_code == 200
        refused(await default.post("/graphql", json={"query": query, "variables": {"n": 101}}), "page")
        assert (await default.post("/graphql", json={"query": query, "variables": {"n": 100}})).status_code == 200
        assert (await default.post("/graphql", json={"query": deep(3)})).status_code == 200  # depth 11
    async with asgi_client(limits_world, Settings(limits=Limits(depth=10, page=2))) as strict:
        refused(await strict.post("/graphql", json={"query": query, "variables": {"n": 5}}), "page")
        refused(await strict.post("/graphql", json={"query": deep(3)}), "depth")


async def test_a_large_body_is_refused_413_without_reading_it(client: httpx.AsyncClient,
                                                              limits_world: FalkorStore) -> None:
    before = limits_world.round_trips
    ten_mb = b'{"query": "{ __typename }", "pad": "' + b"x" * 10_000_000 + b'"}'
    response = await client.post("/graphql", content=ten_mb, headers={"content-type": "application/json"})
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED"}
    assert error["message"] == (f"a request body of {len(ten_mb)} bytes exceeds the limit 1048576 "
                                "(HUB_MAX_BODY_BYTES)")

    sent = []

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked, counted as it comes
        for _ in range(10):
            sent.append(1)
            yield b"x" * 1_000_000

    streamed = await client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert "more than 1048576 bytes" in streamed.json()["errors"][0]["message"]
    assert len(sent) == 2  # refused as soon as the count passed the limit: 8 MB never read
    assert limits_world.round_trips == before
    ok = await client.post("/graphql", json={"query": "{ __typename }", "pad": "x" * 900_000})
    assert ok.json() == {"data": {"__typename": "Query"}}  # a body within the limit reaches the app whole


async def test_body_limit_comes_from_the_settings(limits_world: FalkorStore) -> None:
    async with asgi_client(limits_world, Settings(limits=Limits(body_bytes=100))) as small:
        response = await small.post("/graphql", json={"query": "{ __typename }", "pad": "x" * 100})
        assert response.status_code == 413 and "limit 100 (HUB_MAX_BODY_BYTES)" in response.text
        assert (await small.post("/graphql", json={"query": "{ __typename }"})).status_code == 200


async def test_rate_limit_per_key(limits_world: FalkorStore) -> None:
    settings = Settings(limits=Limits(rate_per_minute=60, rate_burst=2))
    query = {"query": "{ __typename }"}
    async with asgi_client(limits_world, settings) as client:
        assert [(await client.post("/graphql", json=query)).status_code for _ in range(2)] == [200, 200]
        third = await client.post("/graphql", json=query)
        assert third.status_code == 429
        assert int(third.headers["retry-after"]) >= 1
        [error] = third.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert "60 requests a minute" in error["message"] and "HUB_RATE_LIMIT" in error["message"]
        other = {"Authorization": f"Bearer {token('viewer', subject='someone-else')}"}
        assert (await client.post("/graphql", json=query, headers=other)).status_code == 200  # its own bucket
    unlimited = Settings(limits=Limits(rate_per_minute=0, rate_burst=1))
    async with asgi_client(limits_world, unlimited) as client:
        assert {(await client.post("/graphql", json=query)).status_code for _ in range(5)} == {200}


# -- the token bucket alone --------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_burst_refill_and_retry_after() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 3, clock=clock)  # one a second, three at once
    for _ in range(3):
        limiter.check("k")
    with pytest.raises(RateLimited) as refused_now:
        limiter.check("k")
    assert refused_now.value.retry_after == pytest.approx(1.0)
    limiter.check("other")  # another key, another bucket
    clock.now += 0.5
    with pytest.raises(RateLimited) as half:
        limiter.check("k")
    assert half.value.retry_after == pytest.approx(0.5)  # a refused request takes nothing
    clock.now += 0.5
    limiter.check("k")  # one came back
    with pytest.raises(RateLimited):
        limiter.check("k")
    clock.now += 3600  # refills to the burst, no further
    for _ in range(3):
        limiter.check("k")
    with pytest.raises(RateLimited):
        limiter.check("k")


def test_bucket_off_at_zero_and_bounded_memory() -> None:
    clock = Clock()
    off = RateLimiter(0, 1, clock=clock)
    for _ in range(1000):
        off.check("k")
    assert not off.buckets
    limiter = RateLimiter(60, 2, clock=clock, most_buckets=100)
    for i in range(1000):
        limiter.check(f"caller-{i}")
    assert len(limiter.buckets) <= 100  # the least recently seen went first
    assert "caller-999" in limiter.buckets and "caller-0" not in limiter.buckets
    clock.now += 2  # every bucket has refilled: idle ones are dropped as new callers come
    limiter.check("newcomer")
    assert list(limiter.buckets) == ["newcomer"]


# -- the measure itself ------------------------------------------------------------------------

def measure(query: str, limits: Limits = Limits(), variables: dict[str, Any] | None = None) -> Any:
    return check(limits, graphql_schema(schema), parse(query), variables, None)


def test_fragments_are_expanded_and_measured_once() -> None:
    via_fragments = ('query { institution(key: "a") { ...A } } fragment A on Institution { county { ...B } } '
                     "fragment B on County { institutions(first: 100) { nodes { ... on Institution { "
                     "donors(first: 100) { nodes { key } } } } } }")
    found = measure(via_fragments, Limits(depth=5))
    assert (found.limit, found.value) == ("depth", 7)
    assert measure(via_fragments, Limits(depth=7, cost=10_000)).limit == "cost"
    # Fragments spreading each other twice, 30 times over: 2^30 expanded fields, measured in no time.
    chain = "".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }} " for i in range(30))
    bomb = measure("query { ...F0 } " + chain + "fragment F30 on Query { __typename }")
    assert (bomb.limit, bomb.value) == ("cost", 2**30)
    # A cycle (validation refuses it afterwards) does not loop.
    assert measure("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }") is None


def test_introspection_counts_but_fits() -> None:
    standard = get_introspection_query(descriptions=True)
    assert measure(standard) is None
    nested = "{ __schema { types { fields { type { fields { type { fields { type { fields { type " \
             "{ fields { type { fields { type { name } } } } } } } } } } } } } } }"
    assert measure(nested).limit == "depth"


def test_checked_in_operations_fit_the_default_limits() -> None:
    """The client's own operations (operations/*.graphql, with their default variables) are never
    refused by the default limits."""
    for path in sorted(OPERATIONS.glob("*.graphql")):
        text = path.read_text()
        assert count_tokens(text, Limits().tokens) <= Limits().tokens, path
        document = parse(text)
        for op in document.definitions:
            if isinstance(op, OperationDefinitionNode) and op.name is not None:
                found = check(Limits(), graphql_schema(schema), document, {}, op.name.value)
                assert found is None, (path.name, op.name.value, found)


def test_tokens_are_counted_without_parsing() -> None:
    assert count_tokens("{ a(x: 1) { b } } # a comment", 100) == 11
    assert count_tokens("{ a " * 10_000, 50) == 51  # stops past the limit
    assert count_tokens('{ "unterminated', 100) == 1  # the parser reports the syntax error itself


def test_refusals_are_fresh_errors() -> None:
    found = measure(deep(16))
    assert found is not None and found.error() is not found.error()
    assert dataclasses.asdict(found) == {"limit": "depth", "value": 50, "maximum": 12, "where": ""}
