"""A query text that ran once is answered again straight through graphql-core (hub.http.prepared), and the
answer is the one strawberry's view gives (HUB_PREPARED=0): the same status, headers and bytes, for every
query of operations/ as several roles and for the ways a request can go wrong. Requests the prepared way
must not take (a persisted query, the allow-list, an analytics operation, a variable a check refuses, a
mutation, a GET, no credentials) go the ordinary way: counted by wrapping ``execute_kept``, the way in.
(An ``Accept`` asking for a stream would too, were the view serving one: tests/test_strawberry_compat.py.)"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from graphql import parse


from graph_model.errors import StoreUnavailable
from graph_model.stores.falkordb import FalkorStore
from hub.execution import one_field
from hub.http import prepared
from hub.settings import Limits, Settings
from tests.asgi import asgi_client
from tests.test_compiled import VARIABLES, build_supervised_solo_world, canonical, query_operations

# Who asks: (role, provinces, institution) as tests.asgi.asgi_client takes them.
WHO = [("admin", (), None), ("viewer", (), None), ("council_member", (), None), ("editor", ("IR-00",), None),
       ("institution", (), "inst-a")]
SPEC = "application/graphql-response+json"
ID = {"x-request-id": "prepared-test"}  # masked errors carry it: the same on both ways
PROVINCE = "query Province($key: String!) { province(key: $key) { key nameEn counties { totalCount } } }"
EVENTS = ('query Events($county: String) { institution(key: "inst-a") { key county { key } '
          'events(filter: {county: $county}) { totalCount } } }')
UNLIMITED = Settings(limits=Limits(rate_per_minute=0))  # a test asks more than a minute's share
# The module, which graphql.execution's function of the same name hides as an attribute.
graphql_execute = importlib.import_module("graphql.execution.execute")


@pytest.fixture
async def solo_world(store: FalkorStore) -> FalkorStore:
    return await build_supervised_solo_world(store)


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operation texts answered the prepared way, in order."""
    found: list[str] = []
    original = prepared.execute_kept

    async def counting(view: Any, request: Any, kept: prepared.Prepared, *rest: Any) -> Any:
        result = await original(view, request, kept, *rest)
        if result is not None:
            found.append(orjson.loads(await request.body())["query"])
        return result

    monkeypatch.setattr(prepared, "execute_kept", counting)
    return found


@contextlib.asynccontextmanager
async def both(store: FalkorStore, settings: Settings | None = None, role: str = "admin", provinces: Any = (),
               institution: str | None = None) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two apps on ``store``: the default, and the same settings with the prepared way off."""
    settings = settings or UNLIMITED
    off = dataclasses.replace(settings, prepared=False)
    async with (asgi_client(store, settings, role, provinces, institution) as kept,
                asgi_client(store, off, role, provinces, institution) as plain):
        yield kept, plain


def same(a: httpx.Response, b: httpx.Response) -> None:
    """The same status, headers and body (list cursors, sealed with a fresh nonce, by what they hold)."""
    assert a.status_code == b.status_code, (a.status_code, b.status_code, a.text[:500], b.text[:500])
    assert canonical(a.json()) == canonical(b.json()), (a.text[:2000], b.text[:2000])
    if a.content == b.content:
        assert a.headers.multi_items() == b.headers.multi_items()
    else:  # cursors sealed apart: the lengths may differ, nothing else
        assert [h for h in a.headers.multi_items() if h[0] != "content-length"] == \
               [h for h in b.headers.multi_items() if h[0] != "content-length"]


async def asked(kept: httpx.AsyncClient, plain: httpx.AsyncClient, body: dict[str, Any],
                headers: dict[str, str] | None = None) -> httpx.Response:
    """``body`` asked of the default app twice (the first runs the ordinary way and keeps the text) and
    of the other once; all three the same. The second answer."""
    headers = {**ID, **(headers or {})}
    first = await kept.post("/graphql", json=body, headers=headers)
    second = await kept.post("/graphql", json=body, headers=headers)
    ordinary = await plain.post("/graphql", json=body, headers=headers)
    same(second, ordinary)
    same(first, ordinary)
    return second


async def test_every_operation_as_several_roles_answers_the_same_bytes(solo_world: FalkorStore,
                                                                       answered: list[str]) -> None:
    operations = query_operations()
    for role, provinces, institution in WHO:
        async with both(solo_world, role=role, provinces=provinces, institution=institution) as (kept, plain):
            answered.clear()
            for document, name in operations:
                for accept in ("application/json", SPEC):
                    await asked(kept, plain, {"query": document, "operationName": name,
                                              "variables": VARIABLES.get(name, {})}, {"accept": accept})
            # All but the operations with analytics fields, which take a place in the per-key gate.
            assert len(answered) >= 2 * (len(operations) - 12), (role, len(answered), len(operations))
    assert len(operations) >= 27


async def test_errors_answer_the_same_both_ways(solo_world: FalkorStore, answered: list[str]) -> None:
    institutions = next(d for d, n in query_operations() if n == "Institutions")
    async with both(solo_world) as (kept, plain):
        # A field error (NOT_FOUND, with its code and fields), answered the prepared way.
        missing = await asked(kept, plain, {"query": EVENTS, "variables": {"county": "IR-99-9999"}})
        assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND" and answered == [EVENTS]
        answered.clear()
        # Variables graphql-core cannot coerce: no `data`, a 400 under the spec's media type.
        uncoercible: list[dict[str, Any]] = [{}, {"key": 7}, {"key": None}, {"key": ["IR-00"]}]
        for variables in uncoercible:
            for accept in ("application/json", SPEC):
                refused = await asked(kept, plain, {"query": PROVINCE, "variables": variables}, {"accept": accept})
                assert "data" not in refused.json() and refused.status_code == (400 if accept == SPEC else 200)
        assert answered == [PROVINCE] * (4 * 2 * 2 - 1)  # all but the first of each, which keeps the text
        # Refused by a check the request's variables decide: left to the extensions, the ordinary way.
        answered.clear()
        refusing: list[dict[str, Any]] = [{"first": 100_000}, {"first": 2**70},
                                          {"first": 1, "filter": {"search": "a\x00"}},
                                          {"first": 2, "filter": {"search": "x" * 5000}}]
        for variables in refusing:
            refused = await asked(kept, plain, {"query": institutions, "operationName": "Institutions",
                                                "variables": variables})
            assert "errors" in refused.json(), variables
        assert answered == []
        # A float in the body: read again by the standard library's reader (orjson reads 2**70 as one).
        await asked(kept, plain, {"query": institutions, "operationName": "Institutions",
                                  "variables": {"first": 2, "unused": 1.5}})
        assert answered == [institutions]
        # Lists nested deep in a member no one reads: answered alike; past the readers' depth, a 400 both ways.
        answered.clear()
        for depth, status in ((400, 200), (900, 200), (1010, 400), (1100, 400)):  # 900: the ordinary way's
            raw = orjson.dumps({"query": PROVINCE, "variables": {"key": "IR-00"}})[:-1]
            raw += b',"unused":' + b"[" * depth + b"]" * depth + b"}"
            responses = [await client.post("/graphql", content=raw, headers={**ID, "content-type": "application/json"})
                         for client in (kept, kept, plain)]
            same(responses[1], responses[2])
            same(responses[0], responses[2])
            assert responses[0].status_code == status, (depth, responses[0].text[:200])
        assert answered == [PROVINCE] * 2  # deeper than prepared.DEEPEST: the ordinary way


async def test_unexpected_errors_and_an_unreachable_store_answer_the_same(
        solo_world: FalkorStore, answered: list[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    body = {"query": PROVINCE, "variables": {"key": "IR-00"}}
    async with both(solo_world) as (kept, plain):
        await kept.post("/graphql", json=body)  # kept

        async def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("password=hunter2 leaked from the driver")

        monkeypatch.setattr(solo_world, "read", broken)
        caplog.set_level(logging.ERROR, logger="hub")
        responses = [await client.post("/graphql", json=body, headers=ID) for client in (kept, plain)]
        same(*responses)
        error = responses[0].json()["errors"][0]
        assert "hunter2" not in responses[0].text and error["message"] == "Unexpected error."
        assert error["path"] == ["province"] and error["extensions"] == {"requestId": "prepared-test"}
        logged = [r for r in caplog.records if r.name == "hub"]
        assert len(logged) == 2 and all("hunter2" in repr(r.exc_info[1]) for r in logged if r.exc_info)  # once a way
        assert answered == [PROVINCE]

        async def down(*args: Any, **kwargs: Any) -> Any:
            raise StoreUnavailable("the graph store is not reachable")

        monkeypatch.setattr(solo_world, "read", down)
        for accept in ("application/json", SPEC):
            responses = [await client.post("/graphql", json=body, headers={**ID, "accept": accept})
                         for client in (kept, plain)]
            same(*responses)
            assert responses[0].status_code == 503 and responses[0].headers["retry-after"] == "1"
        assert len(answered) == 3


async def test_what_the_prepared_way_leaves_to_the_ordinary_one(solo_world: FalkorStore,
                                                                answered: list[str]) -> None:
    body = {"query": PROVINCE, "variables": {"key": "IR-00"}}
    async with both(solo_world) as (kept, plain):
        await asked(kept, plain, body)
        assert answered == [PROVINCE]
        answered.clear()
        # The view serves no stream protocol (strawberry answers these as plain JSON too): answered.
        for accept in ('multipart/mixed; subscriptionSpec="1.0"', "text/event-stream"):
            await asked(kept, plain, body, {"accept": accept})
        assert answered == [PROVINCE] * 4
        answered.clear()
        # A GET, a persisted query, a body that is not JSON or not an object.
        url = "/graphql?query=" + PROVINCE + '&variables={"key":"IR-00"}'
        same(await kept.get(url, headers=ID), await plain.get(url, headers=ID))
        apq = {**body, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
        await asked(kept, plain, apq)
        for raw in (b"[]", b'"text"', b"{", '{"query": "\ud800"}'.encode("utf-8", "surrogatepass")):
            responses = [await client.post("/graphql", content=raw, headers={"content-type": "application/json"})
                         for client in (kept, plain)]
            assert responses[0].status_code == responses[1].status_code == 400
        # A mutation runs every time as before; a document of two queries must be named to be kept.
        mutation = {"query": 'mutation { deleteProvince(key: "IR-98") { __typename } }'}
        await asked(kept, plain, mutation)
        two = "query A { provinces(first: 1) { totalCount } } query B { me { role } }"
        await asked(kept, plain, {"query": two})
        assert answered == []
        await asked(kept, plain, {"query": two, "operationName": "B"})
        assert answered == [two]
    # An analytics operation (it takes a place in the per-key gate), and the allow-list mode.
    answered.clear()
    brokers = next(d for d, n in query_operations() if n == "Brokers")
    async with both(solo_world) as (kept, plain):
        await asked(kept, plain, {"query": brokers, "operationName": "Brokers"})
    async with both(solo_world, dataclasses.replace(UNLIMITED, allowlist=True)) as (kept, plain):
        await asked(kept, plain, body)
    async with both(solo_world, role=None) as (kept, plain):  # type: ignore[arg-type]  # no credentials
        await asked(kept, plain, body)
    assert answered == []


async def test_a_query_of_one_root_field_runs_that_field_alone(solo_world: FalkorStore, answered: list[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """hub.execution.one_field: a kept query of one root field is answered without graphql-core's ``execute``
    (counted by wrapping it where the prepared way calls it), errors included, with the same bytes; any other
    query by ``execute``, once."""
    walked: list[str | None] = []
    original = prepared.execute

    def counting(*args: Any, **kwargs: Any) -> Any:
        walked.append(kwargs.get("operation_name"))
        return original(*args, **kwargs)

    monkeypatch.setattr(prepared, "execute", counting)
    # One root field: an alias, a missing object (null, no error), a literal argument, an error below the
    # field (NOT_FOUND), a right the caller lacks (a non-null field: the response null, with its error).
    alone: list[dict[str, Any]] = [
        {"query": PROVINCE, "variables": {"key": "IR-00"}},
        {"query": "query A($key: String!) { here: institution(key: $key) { key nameEn county { key } "
                  "giving { amount count } donations(first: 2) { nodes { key donor { key } } } } }",
         "variables": {"key": "inst-a"}},
        {"query": PROVINCE, "variables": {"key": "IR-99"}},
        {"query": 'query { county(key: "IR-00-0001") { key nameFa } }'},
        {"query": EVENTS, "variables": {"county": "IR-99-9999"}},
        {"query": "query { auditLog(first: 1) { totalCount } }"}]
    # Two root fields, a directive, a meta field, a fragment at the root.
    walking: list[dict[str, Any]] = [
        {"query": 'query { province(key: "IR-00") { key } me { role } }'},
        {"query": 'query Q($on: Boolean!) { province(key: "IR-00") @include(if: $on) { key } }',
         "variables": {"on": True}},
        {"query": "query { __typename }"},
        {"query": 'query { ...F } fragment F on Query { province(key: "IR-00") { key } }'}]
    # A nullable and a non-null root field (a list) failing: the field null, or the whole response.
    failing: list[dict[str, Any]] = [{"query": PROVINCE, "variables": {"key": "IR-00"}},
                                      {"query": "query { provinces(first: 1) { totalCount } }"}]
    async with both(solo_world, role="viewer") as (kept, plain):
        for body in alone:
            await asked(kept, plain, body)
        assert walked == [] and set(answered) == {body["query"] for body in alone}
        assert (await asked(kept, plain, alone[-2])).json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert (await asked(kept, plain, alone[-1])).json()["data"] is None  # a non-null field: the whole response
        for body in walking:
            walked.clear()
            await asked(kept, plain, body)
            assert walked == [None], (body, walked)
        walked.clear()
        for body in failing:
            await asked(kept, plain, body)
        for error in (RuntimeError("password=hunter2"), StoreUnavailable("the graph store is not reachable")):
            async def broken(*args: Any, _error: Exception = error, **kwargs: Any) -> Any:
                raise _error

            with monkeypatch.context() as patched:
                patched.setattr(solo_world, "read", broken)
                answers = [await asked(kept, plain, body) for body in failing]
            assert answers[0].json()["data"] == {"province": None} and answers[1].json()["data"] is None
        assert walked == []
    assert set(answered) == {body["query"] for body in alone + walking + failing}  # all the prepared way's


@pytest.mark.parametrize(("declared", "texts"), [
    ("$key: String!", ("key",)), ("$key: ID!, $other: String!", ("key", "other")), ("", ()),
    ("$key: String", None), ('$key: String! = "IR-00"', None), ("$key: Int!", None), ("$key: [String!]!", None),
    ("$key: JalaliDate!", None)])
def test_which_queries_take_their_texts_as_given(declared: str, texts: tuple[str, ...] | None) -> None:
    """``one_field.plain_texts``: only non-null ``String`` and ``ID`` variables without a default coerce a given
    text to itself; any other variable, and a document of two operations asked without a name, are coerced."""
    variables = f"({declared})" if declared else ""
    document = parse(f'query Q{variables} {{ province(key: "IR-00") {{ key }} }}')
    assert one_field.plain_texts(document, "Q") == texts
    assert one_field.plain_texts(document, None) == texts
    two = parse('query A { province(key: "IR-00") { key } } query B($k: String!) { province(key: $k) { key } }')
    assert one_field.plain_texts(two, None) is None
    assert one_field.plain_texts(two, "B") == ("k",)


async def test_a_query_of_texts_is_not_coerced_again_and_answers_the_same(solo_world: FalkorStore,
                                                                          answered: list[str],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A kept query whose variables are all texts (``plain_texts``) given texts is executed without graphql-core's
    coercion of its variables (counted where ``ExecutionContext.build`` calls it), with the same bytes as the
    ordinary way, errors included; given anything else it is coerced, and refused, as before."""
    coerced: list[dict[str, Any]] = []
    original = graphql_execute.get_variable_values

    def counting(schema: Any, definitions: Any, given: dict[str, Any], **kwargs: Any) -> Any:
        coerced.append(given)
        return original(schema, definitions, given, **kwargs)

    monkeypatch.setattr(graphql_execute, "get_variable_values", counting)
    two = ("query Two($key: String!, $county: String!) { institution(key: $key) { id key nameEn county { key } "
           "events(filter: {county: $county}) { totalCount } } }")
    node = "query Node($id: ID!) { node(id: $id) { id ... on Institution { key nameEn } } }"
    async with both(solo_world, role="viewer") as (kept, plain):
        # Coerced by the first ask of a text (which keeps it) and by the ordinary way; not by the kept asks.
        for i, variables in enumerate(({"key": "IR-00"}, {"key": "IR-99"}, {"key": "IR-00", "unused": 1})):
            coerced.clear()
            await asked(kept, plain, {"query": PROVINCE, "variables": variables})
            assert coerced == [variables] * (2 if i == 0 else 1), coerced
        for i, variables in enumerate(({"key": "inst-a", "county": "IR-00-0001"},
                                       {"key": "inst-a", "county": "IR-99-9999"})):
            coerced.clear()
            answer = await asked(kept, plain, {"query": two, "variables": variables})
            assert len(coerced) == (2 if i == 0 else 1), coerced
            if i == 0:
                found = answer.json()["data"]["institution"]["id"]
            else:  # an unknown county: NOT_FOUND, the institution null
                assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        for i, variables in enumerate(({"id": found}, {"id": found + "x"})):
            coerced.clear()
            answer = await asked(kept, plain, {"query": node, "variables": variables})
            assert len(coerced) == (2 if i == 0 else 1), (answer.text, coerced)
        assert answer.json()["data"]["node"] is None or "errors" in answer.json()
        for variables in ({}, {"key": 7}, {"key": None}, {"key": ["IR-00"]}, {"key": "inst-a", "county": 7}):
            coerced.clear()
            refused = await asked(kept, plain, {"query": two, "variables": variables})
            # Each kept ask coerces them, then leaves them to graphql-core's execute, which reports the errors.
            assert "data" not in refused.json() and len(coerced) == 2 + 2 + 1, (variables, coerced)
    assert set(answered) == {PROVINCE, two, node}


def test_the_switch_reads_hub_prepared() -> None:
    assert Settings.from_env({}).prepared is True
    assert Settings.from_env({"HUB_PREPARED": "0"}).prepared is False
