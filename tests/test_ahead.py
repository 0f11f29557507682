"""A prepared query's first reads sent to the store as the request arrives (hub.execution.ahead): every answer
the same as with HUB_AHEAD=0, for several objects, callers and variables, with no statement more once the
reads are known, at most one wasted when they do not follow the variables, and a read that failed ahead made
again as it would have been."""

from __future__ import annotations

import contextvars
import dataclasses
from typing import Any

import pytest

from graph_model.cypher import statement
from graph_model.enums import Label
from graph_model.errors import StoreUnavailable
from graph_model.stores.falkordb import FalkorStore
from graph_model.stores.fused import FusedReads
from hub.execution import ahead
from hub.settings import Settings
from tests.asgi import asgi_client
from tests.builders import create_node, names
from tests.test_compiled import VARIABLES, build_supervised_solo_world, canonical, query_operations
from tests.test_prepared import UNLIMITED, WHO as ROLES

ONE = """query One($key: String!) { institution(key: $key) {
  key nameFa county { key province { key } } services { edges { capacity node { key } } }
  giving { amount firstDate } donations(first: 20) { nodes { key amount donor { key kind } } } } }"""
SEARCH = "query Search($text: String!) { institutions(filter: {search: $text}, first: 3) { nodes { key } } }"
PAGE = "query Page { institutions(first: 3) { nodes { key county { key } } } }"
SOME = "query Some($key: String!, $n: Int) { institution(key: $key) { key donations(first: $n) { nodes { key } } } }"
WHO = [("admin", (), None), ("viewer", (), None), ("editor", ("IR-00",), None), ("institution", (), "inst-a")]


@pytest.fixture
async def world(store: FalkorStore) -> FalkorStore:
    return await build_supervised_solo_world(store)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The statements each request sent ahead, by name (send_ahead, or read_ahead for a direct answer, observed,
    then run)."""
    found: list[list[str]] = []
    original, original_read = FusedReads.send_ahead, FusedReads.read_ahead

    def observed(self: FusedReads, reads: Any) -> None:
        found.append([stmt.name for stmt, _ in reads])
        original(self, reads)

    async def observed_read(self: FusedReads, reads: Any) -> None:
        found.append([stmt.name for stmt, _ in reads])
        await original_read(self, reads)

    monkeypatch.setattr(FusedReads, "send_ahead", observed)
    monkeypatch.setattr(FusedReads, "read_ahead", observed_read)
    return found


async def asked(store: FalkorStore, http: Any, query: str, variables: dict[str, Any]) -> tuple[Any, int]:
    """The answer (cursors by what they hold) and the statements it cost."""
    before = store.round_trips
    answer = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    return canonical(answer), store.round_trips - before


@pytest.mark.parametrize(("role", "provinces", "institution"), WHO)
async def test_an_objects_reads_go_ahead_and_answer_as_asked(world: FalkorStore, sent: list[list[str]], role: str,
                                                             provinces: Any, institution: str | None,
                                                             batches: list[list[Any]]) -> None:
    off = dataclasses.replace(UNLIMITED, ahead=False)
    keys = ["inst-a", "inst-a", "inst-b", "no-such-institution", "inst-a", "inst-b"]
    async with (asgi_client(world, UNLIMITED, role, provinces, institution) as on_,
                asgi_client(world, off, role, provinces, institution) as plain):
        for i, key in enumerate(keys):
            expected, trips = await asked(world, plain, ONE, {"key": key})
            batches.clear()
            answer, trips_ahead = await asked(world, on_, ONE, {"key": key})
            assert answer == expected, (role, key)
            assert "errors" not in answer or key == "no-such-institution", answer
            # The first request runs the ordinary way, the second records its reads: from the third on they
            # go ahead, and the statements sent are those the request would have sent (no read twice).
            assert trips_ahead == trips, (role, key, trips_ahead, trips)
            assert len(sent) == max(0, i - 1), (role, key, sent)
            # and every load is answered at once by them, none waits in a batch (graph_model.stores.fused.at_once)
            assert (batches == []) == (i >= 2), (role, key, batches)
    assert sent[0] and all(names == sent[0] for names in sent)  # the same reads, each key's own


async def test_every_operation_with_its_reads_sent_ahead_costs_the_statements_it_costs_without(
        world: FalkorStore, sent: list[list[str]]) -> None:
    """Each query operation, as several roles, asked three times of an app sending reads ahead (the third time,
    with its loads answered at once and no prefetch beside an object by key) and of one that does not: the same
    answers with the same statements, request by request (the apps' caches of analyses filled alike)."""
    off = dataclasses.replace(UNLIMITED, ahead=False)
    for role, provinces, institution in ROLES:
        async with (asgi_client(world, UNLIMITED, role, provinces, institution) as on_,
                    asgi_client(world, off, role, provinces, institution) as plain):
            for document, name in query_operations():
                variables = VARIABLES.get(name, {})
                body = {"query": document, "operationName": name, "variables": variables}
                for i in range(3):
                    before = world.round_trips
                    expected = (await plain.post("/graphql", json=body)).json()
                    trips, before = world.round_trips - before, world.round_trips
                    answer = (await on_.post("/graphql", json=body)).json()
                    assert canonical(answer) == canonical(expected), (role, name, i)
                    assert world.round_trips - before == trips, (role, name, i, world.round_trips - before, trips)
    assert len(sent) > 20


TWO = """query Two($a: String!, $b: String!) {
  a: institution(key: $a) { key county { key province { key } } donations(first: 2) { nodes { key donor { key } } } }
  b: institution(key: $b) { key services { edges { node { key } } } giving { amount } } }"""


async def test_two_objects_by_key_in_one_query_answer_as_asked(world: FalkorStore, sent: list[list[str]],
                                                               batches: list[list[Any]]) -> None:
    """Two objects by key, of the same key, of two keys and of a key that is none: their reads go ahead together
    and each object's loads are answered at once from them, with the answers and statements of an app that does
    not send them (the second object waits for the same reply; a missing one takes what its prefetch would)."""
    off = dataclasses.replace(UNLIMITED, ahead=False)
    pairs = [("inst-a", "inst-b"), ("inst-b", "inst-a"), ("inst-a", "inst-b"), ("inst-a", "no-such-institution"),
             ("no-such-institution", "inst-b"), ("inst-a", "inst-a"), ("inst-b", "inst-a")]
    async with asgi_client(world, UNLIMITED) as on_, asgi_client(world, off) as plain:
        for i, (a, b) in enumerate(pairs):
            expected, trips = await asked(world, plain, TWO, {"a": a, "b": b})
            batches.clear()
            answer, trips_ahead = await asked(world, on_, TWO, {"a": a, "b": b})
            assert answer == expected and "errors" not in answer, (a, b)
            assert trips_ahead == trips, (a, b, trips_ahead, trips)
            # sent ahead from the third request on, every load then answered at once
            assert len(sent) == max(0, i - 1) and (batches == []) == (i >= 2), (a, b, sent, batches)


async def test_reads_that_do_not_follow_the_variables_go_ahead_once(world: FalkorStore,
                                                                   sent: list[list[str]]) -> None:
    """A search text is folded (case, Arabic and Persian letters) before the places it names are sought: another
    text of other case asks other reads than those sent ahead. That request pays one statement more, and the
    query is not sent ahead again."""
    off = dataclasses.replace(UNLIMITED, ahead=False)
    asks = ["inst", "inst", "kind", "INST", "inst", "kind"]
    async with asgi_client(world, UNLIMITED) as on_, asgi_client(world, off) as plain:
        for i, text in enumerate(asks):
            expected, trips = await asked(world, plain, SEARCH, {"text": text})
            answer, trips_ahead = await asked(world, on_, SEARCH, {"text": text})
            assert answer == expected and "errors" not in answer, text
            assert trips_ahead == trips + (1 if i == 3 else 0), (i, trips_ahead, trips)
    assert len(sent) == 2  # the third request and the fourth (whose reads were not those): then never


async def test_a_query_given_other_than_strings_is_not_sent_ahead(world: FalkorStore, sent: list[list[str]]) -> None:
    """A page size is an Int, which is not put back: such a query is not recorded, and costs what it costs."""
    off = dataclasses.replace(UNLIMITED, ahead=False)
    async with asgi_client(world, UNLIMITED) as on_, asgi_client(world, off) as plain:
        for key, n in [("inst-a", 2), ("inst-a", 2), ("inst-b", 2), ("inst-a", 1), ("inst-b", 3)]:
            expected, trips = await asked(world, plain, SOME, {"key": key, "n": n})
            answer, trips_ahead = await asked(world, on_, SOME, {"key": key, "n": n})
            assert answer == expected and "errors" not in answer and trips_ahead == trips, (key, n)
        # Nor with the same variables named differently: without the size, another request than recorded.
        tried: list[dict[str, Any]] = [{"key": "inst-a"}, {"key": "inst-a"}, {"key": "inst-b", "n": 1}]
        for variables in tried:
            expected, trips = await asked(world, plain, SOME, variables)
            answer, trips_ahead = await asked(world, on_, SOME, variables)
            assert answer == expected and trips_ahead == trips, variables
    assert sent == []


async def test_reads_after_another_statement_are_not_recorded(world: FalkorStore, sent: list[list[str]]) -> None:
    """The institutions' first page is read first, alone; their counties' reads follow the keys it found, not
    the query: not recorded, so an institution added to the page costs no read more (one sent ahead with the
    keys found before would not be asked for)."""
    off = dataclasses.replace(UNLIMITED, ahead=False)
    async with asgi_client(world, UNLIMITED) as on_, asgi_client(world, off) as plain:
        for i in range(5):
            if i == 3:
                await create_node(world, Label.INSTITUTION, {"key": "inst-0", "kind": "CHARITY", "county": "IR-00-0002",
                                                             **names("inst-0")})
            expected, trips = await asked(world, plain, PAGE, {})
            answer, trips_ahead = await asked(world, on_, PAGE, {})
            assert answer == expected and "errors" not in answer and trips_ahead == trips, i
            assert len(answer["data"]["institutions"]["nodes"]) == (2 if i < 3 else 3), answer
    assert sent == []


async def test_only_the_variables_the_query_declares_are_put_back(world: FalkorStore, sent: list[list[str]]) -> None:
    """A body may carry variables the query does not declare (graphql-core leaves them aside): one equal to
    the key, first by name, is not what the record puts back."""
    async with asgi_client(world, UNLIMITED) as http:
        for _ in range(2):  # the ordinary way, then recorded
            await asked(world, http, ONE, {"key": "inst-a", "another": "inst-a"})
        answer, _ = await asked(world, http, ONE, {"key": "inst-b"})
    assert answer["data"]["institution"]["key"] == "inst-b"
    assert len(sent) == 1  # sent ahead with inst-b in the key's places


DOOMED: contextvars.ContextVar[bool] = contextvars.ContextVar("doomed", default=False)


class _FailingAhead:
    """The store, but a read made by a statement sent ahead fails (what the task sending them inherits)."""

    def __init__(self, store: FalkorStore) -> None:
        self._store = store
        self.failed = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def read(self, stmt: Any, **params: Any) -> Any:
        if DOOMED.get():
            self.failed += 1
            raise StoreUnavailable("the graph store cannot be reached (injected)")
        return await self._store.read(stmt, **params)


async def test_a_read_that_failed_ahead_is_made_again(world: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    original, original_read = FusedReads.send_ahead, FusedReads.read_ahead
    doomed_reads: list[int] = []

    def doomed(self: FusedReads, reads: Any) -> None:
        token = DOOMED.set(True)  # the sending task is made now, with this context
        try:
            original(self, reads)
        finally:
            DOOMED.reset(token)

    async def doomed_read(self: FusedReads, reads: Any) -> None:  # a direct answer's reads, read in its task
        doomed_reads.append(len(reads))
        token = DOOMED.set(True)
        try:
            await original_read(self, reads)
        finally:
            DOOMED.reset(token)

    monkeypatch.setattr(FusedReads, "send_ahead", doomed)
    monkeypatch.setattr(FusedReads, "read_ahead", doomed_read)
    failing = _FailingAhead(world)
    off = dataclasses.replace(UNLIMITED, ahead=False)
    async with asgi_client(failing, UNLIMITED) as on_, asgi_client(world, off) as plain:
        for key in ("inst-a", "inst-a", "inst-a", "inst-b", "inst-a", "inst-b"):
            expected, _ = await asked(world, plain, ONE, {"key": key})
            answer, _ = await asked(world, on_, ONE, {"key": key})
            assert answer == expected and "errors" not in answer, key
    # every request after the recording one: the joined statement, then each alone
    assert failing.failed >= 2 * 4
    assert doomed_reads  # some of them the direct answer's (hub.execution.direct), made again the ordinary way


def test_reads_are_recorded_with_the_variables_strings_in_their_places() -> None:
    one = statement("t_ahead", "MATCH (n:Institution) WHERE n.key IN $keys RETURN n.key AS key", register=False)
    reads = [(one, {"keys": ["inst-a", "other"], "kind": "inst-a", "limit": 20, "filter": {"k": "x"}})]
    wave = ahead.recorded(reads, {"key": "inst-a", "also": "inst-a", "f": "x"})
    (stmt, params), = wave.reads
    assert stmt is one
    # The first name of two equal strings; integers (a page size) stay as they were.
    assert params == {"keys": [ahead.Variable("also"), "other"], "kind": ahead.Variable("also"), "limit": 20,
                      "filter": {"k": ahead.Variable("f")}}
    assert ahead.reads_of(wave, {"key": "inst-c", "also": "inst-b", "f": "y"}) == [
        (one, {"keys": ["inst-b", "other"], "kind": "inst-b", "limit": 20, "filter": {"k": "y"}})]
    # A variable not a string, one missing or one more than recorded: nothing sent.
    assert ahead.reads_of(wave, {"key": "inst-c", "also": None, "f": "y"}) is None
    assert ahead.reads_of(wave, {"key": None, "also": "inst-b", "f": "y"}) is None  # even one not put back
    assert ahead.reads_of(wave, {"key": "inst-c", "f": "y"}) is None
    assert ahead.reads_of(wave, {"key": "inst-c", "also": "inst-b", "f": "y", "n": "1"}) is None
    # Within a parameter, a string of AROUND characters or more, found once.
    cells = [(one, {"cells": ["5|inst-a|0", "5|ab|0", "inst-a inst-a"]})]
    wave = ahead.recorded(cells, {"key": "inst-a", "short": "ab"})
    assert wave.reads[0][1] == {"cells": [ahead.Within("5|", "key", "|0"), "5|ab|0", "inst-a inst-a"]}
    assert wave.names == {"key", "short"}
    assert ahead.reads_of(wave, {"key": "inst-b", "short": "cd"}) == [
        (one, {"cells": ["5|inst-b|0", "5|ab|0", "inst-a inst-a"]})]
    assert ahead.reads_of(wave, {"f": "y"}) is None


def test_the_switch_reads_hub_ahead() -> None:
    assert Settings.from_env({}).ahead is True
    assert Settings.from_env({"HUB_AHEAD": "0"}).ahead is False
