"""Reads made together, sent as one statement (graph_model.stores.fused): each caller gets the rows its
statement gives alone, in its order, or its own error; a request's round trips shrink to one per level.

That every query answers the same with fusing on and off, as every role, is tests/test_compiled.py
(its slow path runs with both the compiled completion and fusing off); Neo4j's form of the joined
statement is linted as `fused_loader_reads` (tests/test_cypher_lint.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph_model import links, listing, queries
from graph_model.cypher import Statement, all_statements, statement
from graph_model.enums import Label
from graph_model.errors import StoreError
from graph_model.list_specs import NESTED
from graph_model.list_types import ListSpec
from graph_model.listing import Request
from graph_model.statements.reads import by_keys as queries_statement
from graph_model.stores.falkordb import FalkorStore
from graph_model.stores.falkordb_params import header
from graph_model.stores.fused import FusedReads, columns, fused, root_of
from hub.auth.visibility import Visibility
from hub.settings import Settings
from tests.asgi import asgi_client
from tests.builders import build_solo_world

# Parameters that must be integers for a statement to run at all (a LIMIT, a count of days, a unit);
# every other parameter is null, under which a read returns no row but still names its columns.
_INTEGERS = {"limit", "days", "horizon", "k", "first", "year", "top", "unit"}


async def test_columns_are_what_the_store_names_for_every_read(small_world: FalkorStore) -> None:
    """The columns read off each registered read's text are the ones FalkorDB returns, in order."""
    client = small_world._client.connection
    checked = 0
    for stmt in all_statements():
        if stmt.write or stmt.dialect == "neo4j":
            continue
        found = columns(stmt)
        # (a joined statement's parameters are renamed f<i>_<name>)
        params = {p: (0 if p in _INTEGERS or p.split("_", 1)[-1] in _INTEGERS else None) for p in stmt.params}
        query = f"CYPHER {header(params)}{stmt.text}" if params else stmt.text
        reply = await client.execute_command("GRAPH.RO_QUERY", small_world.graph_name, query, "--compact")
        if found is None:  # not fused (a procedure's YIELD without RETURN): sent as it is
            continue
        assert found == tuple(h[1] for h in reply[0]), stmt.name
        checked += 1
    assert checked > 400


def test_what_is_not_fused() -> None:
    assert columns(statement("t_write", "CREATE (n:Donor) RETURN n.key AS key", write=True, register=False)) is None
    assert columns(statement("t_star", "MATCH (n:Donor) RETURN *", register=False)) is None
    assert columns(statement("t_bare", "MATCH (n:Donor) RETURN n.key", register=False)) is None
    assert columns(statement("t_dollar", "MATCH (n:Donor) WHERE n.key = '$x' RETURN n.key AS key",
                             register=False)) is None
    assert columns(statement("t_clash", "RETURN 1 AS fused_row", register=False)) is None
    assert columns(statement("t_order", "MATCH (n:Donor) RETURN DISTINCT n.key AS key, n.kind AS kind "
                             "ORDER BY key LIMIT 2", register=False)) == ("key", "kind")


async def test_reads_made_together_are_one_statement_with_each_callers_rows(small_world: FalkorStore) -> None:
    reads = FusedReads(small_world)
    institutions = ["inst-a", "inst-b", "no-such-key"]
    alone = await asyncio.gather(
        queries.by_keys(small_world, Label.INSTITUTION, institutions),
        links.fetch_link(small_world, "institution_county", institutions),
        small_world.read(links.INSTITUTION_CELLS, cells=[links.institution_cell(k) for k in institutions]),
        queries.by_keys(small_world, Label.PROVINCE, ["IR-01", "IR-00"]))
    before = small_world.round_trips
    together = await asyncio.gather(
        queries.by_keys(reads, Label.INSTITUTION, institutions),
        links.fetch_link(reads, "institution_county", institutions),
        reads.read(links.INSTITUTION_CELLS, cells=[links.institution_cell(k) for k in institutions]),
        queries.by_keys(reads, Label.PROVINCE, ["IR-01", "IR-00"]))
    assert small_world.round_trips - before == 1
    assert together == alone
    assert together[0] and together[1] and together[3]  # the world holds them: not a comparison of nothing


async def test_a_failing_statement_fails_only_its_caller(small_world: FalkorStore) -> None:
    """A fault injected in one of three reads: the joined statement fails, each runs again alone; the
    other two get their rows, the faulty one its own error."""
    reads = FusedReads(small_world)
    faulty = statement("t_divide", "UNWIND $xs AS x RETURN 1 / x AS y", register=False)
    ok = statement("t_keys", "UNWIND $keys AS k RETURN k AS key", register=False)
    before = small_world.round_trips
    first, failed, last = await asyncio.gather(reads.read(ok, keys=["a", "b"]), reads.read(faulty, xs=[1, 0]),
                                               reads.read(ok, keys=["c"]), return_exceptions=True)
    assert first == [{"key": "a"}, {"key": "b"}] and last == [{"key": "c"}]
    assert isinstance(failed, StoreError) and "t_divide" in str(failed)
    assert small_world.round_trips - before == 4  # the joined statement, then each alone


async def test_rows_keep_their_order_and_parameters_stay_apart(small_world: FalkorStore) -> None:
    reads = FusedReads(small_world)
    ordered = statement("t_ordered", "UNWIND $keys AS k WITH k ORDER BY k DESC RETURN k AS key, $tag AS tag",
                        register=False)
    a, b = await asyncio.gather(reads.read(ordered, keys=["a", "c", "b"], tag="first"),
                                reads.read(ordered, keys=["y", "z"], tag="second"))
    assert a == [{"key": k, "tag": "first"} for k in "cba"]
    assert b == [{"key": k, "tag": "second"} for k in "zy"]
    text = fused((ordered, ordered), small_world.dialect).text
    assert "$f0_keys" in text and "$f1_tag" in text and "$keys" not in text


async def test_a_read_alone_and_writes_go_as_they_are(small_world: FalkorStore) -> None:
    reads = FusedReads(small_world)
    stmt = statement("t_alone", "UNWIND $keys AS k RETURN k AS key", register=False)
    before = small_world.round_trips
    assert await reads.read(stmt, keys=["x"]) == [{"key": "x"}]
    assert small_world.round_trips - before == 1
    assert reads.dialect is small_world.dialect and reads.kind == small_world.kind


async def test_one_objects_reads_are_one_statement_rooted_at_it(store: FalkorStore) -> None:
    """An institution's row, its county with the county's province, its kept cell and the first pages of its
    services and its gifts (public and personal: the donor-kind filter narrows the gifts of a caller without
    the personal right), read together for one key, are one statement rooted at the institution, and each
    caller gets the rows its statement gives alone: for an institution with gifts, one without, and a key
    that is no institution's (whose kept cell, read beside the root, still answers when there is one)."""
    await build_solo_world(store)
    sent: list[str] = []
    reads = FusedReads(_Observed(store, sent))  # type: ignore[arg-type]  # (reads are all it is asked)
    hop = (("provinceKey", Label.PROVINCE, ("key", "nameEn")),)
    services, gifts = NESTED["institution_services"], NESTED["institution_donations"]
    public = Visibility(None, 1).narrow(gifts.entity.name, Request(limit=20, counted=False, descending=True))
    assert public.filters  # the donor-kind filter: not a comparison of the personal form twice
    asked = [(services, Request(limit=20, counted=False, props=("key", "nameEn"))),
             (gifts, Request(limit=20, counted=False, descending=True, personal=True)), (gifts, public)]

    def five(source: Any, key: str, spec: ListSpec, req: Request) -> Any:
        return asyncio.gather(
            queries.by_keys(source, Label.INSTITUTION, [key], ("countyKey", "key", "nameEn")),
            links.fetch_link_hops(source, "institution_county", [key], ("key", "nameEn", "provinceKey"), hop),
            source.read(links.INSTITUTION_CELLS, cells=[links.institution_cell(key)]),
            listing.fetch_nested(source, services, [key], asked[0][1]),
            listing.fetch_nested(source, spec, [key], req))

    compared = 0
    for key in ("inst-a", "inst-b", "no-such-key"):
        for spec, req in asked[1:]:
            alone = await five(store, key, spec, req)
            sent.clear()
            before = store.round_trips
            together = await five(reads, key, spec, req)
            assert store.round_trips - before == 1 and len(sent) == 1 and sent[0].startswith("rooted("), sent
            assert together == alone, (key, req)
            compared += bool(alone[0]) + bool(alone[2]) + bool(alone[4][key].items)
    assert compared >= 6  # inst-a's row, cell and gifts, in both forms: not a comparison of nothing


def test_reads_of_several_keys_or_labels_are_not_rooted() -> None:
    by_key = queries_statement(Label.INSTITUTION, None)
    assert root_of([(by_key, {"keys": ["a"]}), (links.INSTITUTION_CELLS, {"cells": ["c"]})]) == ("Institution", "a")
    assert root_of([(by_key, {"keys": ["a", "b"]}), (by_key, {"keys": ["a", "b"]})]) is None
    assert root_of([(by_key, {"keys": ["a"]}), (queries_statement(Label.PROVINCE, None), {"keys": ["a"]})]) is None
    assert root_of([(by_key, {"keys": ["a"]}), (by_key, {"keys": ["b"]})]) is None
    assert root_of([(links.INSTITUTION_CELLS, {"cells": ["c"]})] * 2) is None  # nothing read by key
    plain = statement("t_plain", "MATCH (n:Institution) WHERE n.key IN $keys RETURN n.key AS key", register=False)
    assert root_of([(by_key, {"keys": ["a"]}), (plain, {"keys": ["a"]})]) is None  # no form under a root


class _Observed:
    """A store whose reads are noted by name (then read by the store itself)."""

    def __init__(self, store: FalkorStore, sent: list[str]) -> None:
        self._store, self._sent = store, sent
        self.kind, self.dialect = store.kind, store.dialect

    async def read(self, stmt: Statement, **params: Any) -> Any:
        self._sent.append(stmt.name)
        return await self._store.read(stmt, **params)


@pytest.mark.parametrize(("fused_reads", "role"), [(True, "admin"), (False, "admin"), (True, "planner")])
async def test_an_institutions_detail_takes_fewer_round_trips_fused(store: FalkorStore, fused_reads: bool,
                                                                    role: str) -> None:
    """The one-institution question of benchmarks/peer: 5 statements alone; fused, 1: the institution
    with what its fields read by its key (hub.execution.prefetch.prefetch_by_key), and with them what
    the level below would read, the county's province (a hop, read by the county's own statement: 7
    alone before); the giving dates come in its kept cell (6 alone while they were read from the gifts
    beside it); the donors are known from the gifts' rows. (Before the hop and
    the dates beside the totals: 8 and 2, the second statement the province, the donors and the
    dates.) 2 for a caller without the right to
    see personal data, whose institution totals follow the complementary suppression pattern: the
    graph's version, which the pattern is kept under, is read in a second statement (it went alone)."""
    await build_solo_world(store)
    query = """query One($key: String!) { institution(key: $key) {
      key nameFa county { key province { key } } services { edges { capacity node { key } } }
      giving { amount firstDate } donations(first: 20) { nodes { key donor { key } } } } }"""
    settings = Settings(fused_reads=fused_reads, privacy_k=1)  # inst-a's totals shown but for the pattern
    async with asgi_client(store, settings, role=role) as http:
        await http.post("/graphql", json={"query": query, "variables": {"key": "inst-a"}})  # the pattern, once
        before = store.round_trips
        answer = (await http.post("/graphql", json={"query": query, "variables": {"key": "inst-a"}})).json()
        trips = store.round_trips - before
    assert "errors" not in answer and answer["data"]["institution"]["county"]["province"]["key"] == "IR-00"
    assert trips == (5 if not fused_reads else 1 if role == "admin" else 2), trips


def test_the_switch_reads_hub_fused_reads() -> None:
    assert Settings.from_env({}).fused_reads is True
    assert Settings.from_env({"HUB_FUSED_READS": "0"}).fused_reads is False
