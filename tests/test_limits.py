"""Query limits, the body limit and the rate limit, through the real ASGI app.

Every hostile request is refused with a message naming the limit, the value, the maximum and the
environment variable, and without a single store statement (``store.round_trips`` does not move);
an ordinary query still runs. Then the token bucket alone, on a fake clock.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    OperationDefinitionNode,
    get_introspection_query,
    get_named_type,
    parse,
)
from strawberry.utils.str_converters import to_camel_case

from graph_model.coverage.service import Coverage
from graph_model.errors import RateLimited
from graph_model.mutations import record_donation
from graph_model.stores.falkordb import FalkorStore
from hub.auth.principal import ANONYMOUS, SYSTEM
from hub.execution.concurrency import CALLER, AnalyticsGate
from hub.execution.limits import check, count_tokens
from hub.execution.weights import WEIGHTS
from hub.http.rate_limit import RateLimiter
from hub.schema import schema
from hub.schema.coverage import CoverageQuery
from hub.schema.data_quality import DataQualityQuery
from hub.schema.network_explore import ExploreQuery
from hub.schema.networks import NetworkQuery
from hub.schema.overview import OverviewQuery
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
    assert dataclasses.asdict(found) == {"limit": "depth", "value": 50, "maximum": 12, "where": "", "argument": ""}


# -- lists: every list-valued argument and input field, enumerated from the schema ----------------

MOST = Limits().list_items


@dataclass(frozen=True)
class ListSite:
    """A list an operation can pass: the type and field reached from the root by ``path``, the
    argument, the input fields down to the list (``steps``; "[]" enters a list's item) and its type."""

    path: tuple[str, ...]  # field names from the root type to the field taking the argument
    root: str  # "query" or "mutation"
    parent: GraphQLObjectType
    field: str
    argument: str
    steps: tuple[str, ...]
    kind: Any  # the list's GraphQL type

    @property
    def where(self) -> str:
        return ".".join([self.field, self.argument, *(s for s in self.steps if s != "[]")])


def _bare(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def _lists_in(kind: Any, steps: tuple[str, ...], seen: frozenset[str]) -> Iterator[tuple[tuple[str, ...], Any]]:
    kind = _bare(kind)
    if isinstance(kind, GraphQLList):
        yield steps, kind
        yield from _lists_in(kind.of_type, (*steps, "[]"), seen)
    elif isinstance(kind, GraphQLInputObjectType) and kind.name not in seen:
        for name, field in kind.fields.items():
            yield from _lists_in(field.type, (*steps, name), seen | {kind.name})


def list_sites() -> list[ListSite]:
    """Every list-valued argument and input field of every field the operations can reach (a path
    from the query or mutation root found breadth first)."""
    graph = graphql_schema(schema)
    sites: list[ListSite] = []
    for root, start in (("query", graph.query_type), ("mutation", graph.mutation_type)):
        assert start is not None
        paths: dict[str, tuple[str, ...]] = {start.name: ()}
        queue: list[GraphQLObjectType] = [start]
        while queue:
            parent = queue.pop(0)
            for name, field in parent.fields.items():
                target = get_named_type(field.type)
                for argument, defined in field.args.items():
                    for steps, kind in _lists_in(defined.type, (), frozenset()):
                        sites.append(ListSite(paths[parent.name], root, parent, name, argument, steps, kind))
                if isinstance(target, GraphQLObjectType) and target.name not in paths and root == "query":
                    paths[target.name] = (*paths[parent.name], name)
                    queue.append(target)
    return sites


def _item(kind: Any) -> tuple[str, Any]:
    """One item of a list of ``kind`` items, as GraphQL source and as JSON."""
    named = get_named_type(kind)
    if isinstance(named, GraphQLEnumType):
        value = next(iter(named.values))
        return value, value
    if isinstance(named, GraphQLInputObjectType):
        return "{}", {}
    if named.name in ("Int", "Float"):
        return "1", 1
    return '"x"', "x"


def _wrap(steps: tuple[str, ...], inner: tuple[str, Any]) -> tuple[str, Any]:
    """The argument's value holding ``inner`` at ``steps`` (source, JSON)."""
    text, value = inner
    for step in reversed(steps):
        text, value = (f"[{text}]", [value]) if step == "[]" else (f"{{{step}: {text}}}", {step: value})
    return text, value


def site_operation(site: ListSite, length: int, as_variable: bool) -> tuple[str, dict[str, Any]]:
    """An operation passing ``length`` items at ``site``: written in the document, or in a variable
    (the whole argument's value). Other arguments are left out: the limit is checked before the
    document is validated."""
    item_text, item_value = _item(site.kind)
    value = _wrap(site.steps, (f"[{', '.join([item_text] * length)}]", [item_value] * length))
    argument_type = site.parent.fields[site.field].args[site.argument].type
    if as_variable:
        call, variables, header = f"{site.argument}: $v", {"v": value[1]}, f"($v: {argument_type})"
    else:
        call, variables, header = f"{site.argument}: {value[0]}", {}, ""
    body = f"{site.field}({call}) {{ __typename }}"
    for name in reversed(site.path):
        body = f"{name} {{ {body} }}"
    return f"{site.root}{header} {{ {body} }}", variables


def test_the_schema_has_list_arguments_to_check() -> None:
    sites = {s.where for s in list_sites()}
    assert {"nodes.ids", "institutions.filter.kind", "coverageWhatIf.changes", "createCouncil.input.provinces",
            "issueLicence.input.services", "members.filter.role"} <= sites, sorted(sites)


@pytest.mark.parametrize("as_variable", [False, True], ids=["literal", "variable"])
def test_every_list_argument_of_the_schema_is_limited(as_variable: bool) -> None:
    """Generated from the schema: a list argument or input field added later is covered, or this fails."""
    missed: list[tuple[Any, ...]] = []
    for site in list_sites():
        query, variables = site_operation(site, MOST + 1, as_variable)
        found = measure(query, variables=variables)
        if found is None or (found.limit, found.value, found.maximum, found.argument) != (
                "list", MOST + 1, MOST, site.where):
            missed.append((site.where, found))
        at_most, with_variables = site_operation(site, MOST, as_variable)
        within = measure(at_most, variables=with_variables)
        if within is not None and within.limit == "list":
            missed.append((site.where, "refused at the limit", within))
    assert not missed, missed


def test_list_items_count_in_the_cost_and_ids_multiply_the_selection() -> None:
    ids = ", ".join(['"x"'] * 100)
    # nodes 1 + 100 ids + 100 x (inline fragment: key 1) = 201
    found = measure(f"{{ nodes(ids: [{ids}]) {{ ... on Institution {{ key }} }} }}", Limits(cost=200))
    assert found is not None and (found.limit, found.value) == ("cost", 201)
    kinds = ", ".join(["SCHOOL"] * 100)
    # institutions 1 + 100 items + 20 (default page) x totalCount... : the 100 items are counted
    plain = measure("{ institutions(filter: {}) { totalCount } }", Limits(cost=1))
    listed = measure(f"{{ institutions(filter: {{kind: [{kinds}]}}) {{ totalCount }} }}", Limits(cost=1))
    assert plain is not None and listed is not None and listed.value - plain.value == 100


def test_nested_and_unread_variables_are_walked_too() -> None:
    # A list inside a list (none in the schema today) and a declared variable no argument reads.
    found = measure("query($x: [ID!]) { __typename }", variables={"x": ["a"] * (MOST + 1)})
    assert found is not None and (found.limit, found.argument) == ("list", "$x")
    # One value where a list is due is a list of one; a refused list is not read past the limit.
    assert measure('{ nodes(ids: "x") { id } }') is None
    many = measure("query($f: InstitutionFilter) { institutions(filter: $f) { totalCount } }",
                   variables={"f": {"kind": ["SCHOOL"] * 90_000}})
    assert many is not None and (many.value, many.argument) == (90_000, "institutions.filter.kind")


@pytest.mark.parametrize("case", ["29,000 ids", "90,000 enum values", "11,000 what-if changes"])
async def test_huge_lists_are_refused_before_any_store_work(client: httpx.AsyncClient, limits_world: FalkorStore,
                                                            case: str) -> None:
    query, variables, where, length = {
        "29,000 ids": ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                       {"ids": ["SW5zdGl0dXRpb246aW5zdC1h"] * 29_000}, "nodes.ids", 29_000),
        "90,000 enum values": ("query($f: InstitutionFilter) { institutions(filter: $f) { totalCount } }",
                               {"f": {"kind": ["SCHOOL", "CHARITY"] * 45_000}}, "institutions.filter.kind", 90_000),
        "11,000 what-if changes": (
            "query($c: [CoverageChangeInput!]!) { coverageWhatIf(question: {service: \"svc-a\"}, changes: $c) "
            "{ after { need } } }", {"c": [{"closeInstitution": "inst-a"}] * 11_000}, "coverageWhatIf.changes",
            11_000),
    }[case]
    before = limits_world.round_trips
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert limits_world.round_trips == before
    error = refused(response, "list")
    assert error["extensions"]["argument"] == where and error["extensions"]["value"] == length
    assert error["message"] == f"list length {length} ({where}) exceeds the limit {MOST} (HUB_MAX_LIST)"


async def test_the_list_limit_comes_from_the_settings(limits_world: FalkorStore) -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    gid = "SW5zdGl0dXRpb246aW5zdC1h"  # Institution:inst-a
    async with asgi_client(limits_world, Settings(limits=Limits(list_items=3))) as strict:
        ok = await strict.post("/graphql", json={"query": query, "variables": {"ids": [gid] * 3}})
        assert ok.json() == {"data": {"nodes": [{"id": gid}] * 3}}
        refused(await strict.post("/graphql", json={"query": query, "variables": {"ids": [gid] * 4}}), "list")
    assert Settings.from_env({"HUB_MAX_LIST": "7", "HUB_MAX_CONCURRENT_ANALYTICS": "5"}).limits == Limits(
        list_items=7, concurrent_analytics=5)


# -- analytics: weighed, and a few at once per key -----------------------------------------------

def test_every_analytics_root_field_has_a_weight() -> None:
    """The network, exploration, coverage, overview and data-quality root fields are all weighed (a new one must
    be)."""
    named = {to_camel_case(f.python_name) for cls in (NetworkQuery, ExploreQuery, CoverageQuery, OverviewQuery,
                                                      DataQualityQuery)
             for f in cls.__strawberry_definition__.fields}  # type: ignore[union-attr]
    assert named and {f"Query.{n}" for n in named} == set(WEIGHTS)
    query_fields = graphql_schema(schema).query_type.fields  # type: ignore[union-attr]
    assert all(n in query_fields for n in named)


def test_thirty_aliased_analyses_exceed_the_cost() -> None:
    windows = [f"b{i}: brokers(metric: BETWEENNESS, scope: {{jalaliYear: {1370 + i}}}) {{ nodes }}"
               for i in range(30)]
    found = measure("{ " + " ".join(windows) + " }")
    assert found is not None and found.limit == "cost" and found.value > 30 * 10_000
    assert measure("{ " + " ".join(windows[:9]) + " }") is None  # nine whole-graph analyses fit


async def test_analytics_gate_refuses_past_the_limit_per_key() -> None:
    gate = AnalyticsGate(2)
    one, two = SimpleNamespace(principal=SYSTEM), SimpleNamespace(principal=ANONYMOUS)
    token = CALLER.set("key-1")
    try:
        async with gate.admit(one), gate.admit(one):
            with pytest.raises(GraphQLError) as error:
                async with gate.admit(one):
                    pass
            assert error.value.extensions == {"code": "LIMIT_EXCEEDED", "limit": "concurrent", "value": 3,
                                              "maximum": 2}
            assert "HUB_MAX_CONCURRENT_ANALYTICS" in error.value.message
            CALLER.set("key-2")
            async with gate.admit(two):  # another key has its own count
                assert gate.running == {"key-1": 2, "key-2": 1}
            CALLER.set("key-1")
        async with gate.admit(one):  # both finished: room again
            pass
        assert gate.running == {}  # nothing kept for idle keys
    finally:
        CALLER.reset(token)


async def test_concurrent_analytics_of_one_key_through_the_app(limits_world: FalkorStore,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Two coverage requests of one key held in flight (the computation waits on an event, a fault
    injected): a third of the same key is refused at once without a store statement; another key
    runs; after the two finish, the first key runs again. A cheap query is never counted."""
    release = asyncio.Event()
    started = asyncio.Semaphore(0)
    real = Coverage.table

    async def held(self: Coverage, *args: Any, **kwargs: Any) -> Any:
        started.release()
        await release.wait()
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Coverage, "table", held)
    query = {"query": '{ coverage(question: {service: "svc-care"}) { need } }'}
    other = {"Authorization": f"Bearer {token('viewer', subject='someone-else')}"}
    async with asgi_client(limits_world) as http:
        first = asyncio.ensure_future(http.post("/graphql", json=query))
        second = asyncio.ensure_future(http.post("/graphql", json=query))
        await started.acquire()
        await started.acquire()
        before = limits_world.round_trips
        third = await http.post("/graphql", json=query)
        assert limits_world.round_trips == before
        assert refused(third, "concurrent")["extensions"]["maximum"] == 2
        assert (await http.post("/graphql", json={"query": "{ provinces { totalCount } }"})).status_code == 200
        elsewhere = asyncio.ensure_future(http.post("/graphql", json=query, headers=other))
        await started.acquire()
        release.set()
        for done in (first, second, elsewhere):
            response = await done
            assert response.status_code == 200 and "errors" not in response.json(), response.text
        again = await http.post("/graphql", json=query)
        assert again.status_code == 200 and "errors" not in again.json(), again.text


def test_a_whole_3w_matrix_counts_its_rows() -> None:
    """The 3W matrix is a plain list of up to ~8,600 rows: one fits an operation, two do not (each
    takes ~0.3 s of the event loop to complete, cached or not)."""
    row = "areaKey provinceKey serviceKey implementers capacity licensedCapacity funders funding service { nameEn }"
    assert measure(f"{{ whoWhatWhere {{ {row} }} }}") is None
    found = measure(f"{{ a: whoWhatWhere {{ {row} }} b: whoWhatWhere(level: PROVINCE) {{ {row} }} }}")
    assert found is not None and found.limit == "cost" and found.value > 2 * 8_600 * 10
