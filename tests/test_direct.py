"""A kept query answered straight from the rows of its reads sent ahead (hub.execution.direct): the same bytes as
with HUB_DIRECT=0, for the queries it covers (counted: answered directly from the fourth request on) and for those
it leaves to the ordinary way (never answered directly), for every role, key and missing key."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest

from graph_model.stores.falkordb import FalkorStore
from hub.auth.principal import RIGHTS, Right, Role
from hub.execution import direct
from hub.http import prepared
from tests.asgi import asgi_client
from tests.test_ahead import WHO
from tests.test_compiled import VARIABLES, build_supervised_solo_world, canonical, query_operations
from tests.test_prepared import UNLIMITED, WHO as ROLES

COVERED = [
    """query A($key: String!) { institution(key: $key) { key nameFa nameEn kind county { key nameEn
         province { key nameEn } } } }""",
    """query B($key: String!) { one: institution(key: $key) { __typename id kind key generated
         county { __typename key province { key } } } }""",
    """query One($key: String!) { institution(key: $key) { key nameFa nameEn kind
         county { key nameEn province { key nameEn } } services { edges { capacity node { key nameEn domain } } }
         giving { amount count counterparts firstDate lastDate }
         donations(first: 20, orderBy: DATE, direction: DESC) {
           nodes { key amount date purpose donor { key } } } } }""",
    """query G($key: String!) { institution(key: $key) { key services { totalCount nodes { key } }
         donations(first: 2) { totalCount nodes { id key donor { key kind } } } giving { amount suppressed } } }""",
    """query C($key: String!) { institution(key: $key) { key services { edges { cursor node { key } }
         pageInfo { hasNextPage endCursor } } } }""",
    """query H($key: String!) { institution(key: $key) { nameEn donations(first: 5, orderBy: AMOUNT) {
         totalCount edges { node { key amount dateJalali donor { key kind } } } } } }""",
    """query I($key: String!) { institution(key: $key) { ...Named county @include(if: true) { ...Named }
         services @skip(if: true) { totalCount } } }
       fragment Named on Node { ... on Institution { nameFa } ... on County { key nameFa } }""",
]
# Not covered (yet): a nested list below a link, an object by a key given in the text.
NOT_COVERED = [
    "query E($key: String!) { institution(key: $key) { key county { key institutions(first: 2) { nodes { key } } } } }",
    'query F { institution(key: "inst-a") { key county { key } } }',
]
KEYS = ["inst-a", "inst-a", "inst-b", "inst-a", "no-such-institution", "inst-b", "inst-a"]


@pytest.fixture
async def world(store: FalkorStore) -> FalkorStore:
    return await build_supervised_solo_world(store)


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Per kept request sent ahead with a plan made, whether it was answered directly (observed, then run)."""
    seen: list[bool] = []
    original = prepared._direct

    async def observed(*args: Any) -> Any:
        result = await original(*args)
        seen.append(result is not None and result is not prepared._FAILED)
        return result

    monkeypatch.setattr(prepared, "_direct", observed)
    return seen


async def _both(world: FalkorStore, role: str, provinces: Any, institution: str | None, query: str,
                keys: list[str]) -> None:
    off = dataclasses.replace(UNLIMITED, direct=False)
    async with (asgi_client(world, UNLIMITED, role, provinces, institution) as on_,
                asgi_client(world, off, role, provinces, institution) as plain):
        for key in keys:
            variables = {"key": key} if "$key" in query else {}
            body = {"query": query, "variables": variables}
            expected = await plain.post("/graphql", json=body)
            answer = await on_.post("/graphql", json=body)
            assert answer.content == expected.content, (role, key, answer.content, expected.content)
            assert answer.status_code == expected.status_code


@pytest.mark.parametrize(("role", "provinces", "institution"), WHO)
@pytest.mark.parametrize("query", COVERED)
async def test_a_covered_query_is_answered_directly_with_the_same_bytes(
        world: FalkorStore, answered: list[bool], role: str, provinces: Any, institution: str | None,
        query: str) -> None:
    await _both(world, role, provinces, institution, query, KEYS)
    # The first request runs the ordinary way, the second records its reads, the third sends them ahead and
    # makes the plan; from the fourth on, it is answered directly, but for a key that is no institution's (its
    # prefetch's read is the ordinary way's). Giving totals are covered for a caller who sees every donor only.
    if Right.PERSONAL in RIGHTS[Role(role)] or "giving" not in query:
        assert answered == [key != "no-such-institution" for key in KEYS[3:]], answered
    else:
        assert answered == [], answered  # not covered: totals withheld as the overview's pattern needs


@pytest.mark.parametrize("query", NOT_COVERED)
async def test_a_query_not_covered_is_never_answered_directly(world: FalkorStore, answered: list[bool],
                                                              query: str) -> None:
    await _both(world, "admin", (), None, query, KEYS)
    assert answered == []


@pytest.mark.parametrize(("role", "provinces", "institution"), ROLES)
async def test_every_operation_answers_the_same_with_and_without(world: FalkorStore, role: str, provinces: Any,
                                                                  institution: str | None) -> None:
    """Each query operation of operations/, as each role, asked four times of each app (the apps sign their
    cursors each with its own key)."""
    off = dataclasses.replace(UNLIMITED, direct=False)
    async with (asgi_client(world, UNLIMITED, role, provinces, institution) as on_,
                asgi_client(world, off, role, provinces, institution) as plain):
        for document, name in query_operations():
            body = {"query": document, "operationName": name, "variables": VARIABLES.get(name, {})}
            for i in range(4):
                expected = await plain.post("/graphql", json=body)
                answer = await on_.post("/graphql", json=body)
                assert canonical(answer.json()) == canonical(expected.json()), (name, i)  # cursors by what they hold


ORDERED = """query O($key: String!, $order: DonationSort) { institution(key: $key) { key kind
  donations(first: 3, orderBy: $order) { nodes { key date } } } }"""
TWICE = """query T($key: String!) { institution(key: $key) { key
  services(filter: {search: $key}) { nodes { key } } } }"""
IN_FRAGMENT = """query T($key: String!) { institution(key: $key) { key ...Services } }
  fragment Services on Institution { services(filter: {search: $key}) { nodes { key } } }"""


async def test_other_variables_below_the_object_are_those_it_was_made_with(world: FalkorStore,
                                                                           answered: list[bool]) -> None:
    """A variable other than the key decides what is read below the object (a sort, here): a request giving it
    another value is not answered from reads sent for the value the plan was made with."""
    asks = [("inst-a", "DATE"), ("inst-a", "DATE"), ("inst-b", "DATE"), ("inst-a", "DATE"), ("inst-a", "AMOUNT"),
            ("inst-b", "DATE"), ("inst-b", "KEY")]
    off = dataclasses.replace(UNLIMITED, direct=False)
    async with asgi_client(world, UNLIMITED) as on_, asgi_client(world, off) as plain:
        for key, order in asks:
            body = {"query": ORDERED, "variables": {"key": key, "order": order}}
            expected = await plain.post("/graphql", json=body)
            answer = await on_.post("/graphql", json=body)
            assert answer.content == expected.content and b'"errors"' not in answer.content, (key, order)
    # the fourth answered directly; the fifth not (and its reads sent ahead unasked, the query is not sent again)
    assert answered == [True, False], answered


@pytest.mark.parametrize("query", [TWICE, IN_FRAGMENT])
async def test_a_key_read_below_the_object_too_is_not_covered(world: FalkorStore, answered: list[bool],
                                                               query: str) -> None:
    """In the operation or in a fragment it spreads."""
    await _both(world, "admin", (), None, query, KEYS)
    assert answered == []


async def test_a_plan_that_fails_leaves_its_query_to_the_ordinary_way(world: FalkorStore, answered: list[bool],
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    """A fault of a plan's (injected: its answer raises) is logged once; that request and every later one of the
    query answer as the ordinary way does."""
    def broken(*_: Any) -> Any:
        raise RuntimeError("injected")

    made = direct.build

    def building(*args: Any) -> Any:
        plan = made(*args)
        return None if plan is None else dataclasses.replace(plan, answer=broken)

    monkeypatch.setattr(direct, "build", building)
    with caplog.at_level(logging.WARNING, logger="hub"):
        await _both(world, "admin", (), None, COVERED[0], KEYS)
    assert answered == [False], answered  # tried once (the fourth request), then never
    assert [r.getMessage() for r in caplog.records] == ["a direct answer failed; its query goes the ordinary way"]
