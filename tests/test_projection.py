"""Rows holding only what the selection reads (hub.execution.projection): which properties each
statement of a compiled query asks for, whole nodes wherever a field does not say what it reads or
the query is not compiled, and the properties the loaders' own checks read, always.

That the answers are the same bytes with and without it, for every operation and role and for
generated queries, is tests/test_compiled.py (its slow path runs without the compiled completion,
so without projections)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from graph_model.cypher import statement
from graph_model.stores.falkordb import FalkorStore
from hub.settings import Settings
from tests.asgi import asgi_client
from tests.builders import GIFTS, SOLO, build_solo_world, build_world

# a node's row in a statement (``ELSE``: the root's, in a statement rooted at it: graph_model.stores.fused)
ROW = re.compile(r"(?:RETURN|\[|\||ELSE) *(properties\(\w+\)|\w+ \{\.[^}]*\})")


class Sent:
    """The texts of the statements a store is sent."""

    def __init__(self, store: FalkorStore) -> None:
        self.texts: list[str] = []
        original = store.read

        async def read(stmt: Any, **params: Any) -> Any:
            self.texts.append(stmt.text)
            return await original(stmt, **params)

        store.read = read  # type: ignore[method-assign]

    def rows(self) -> list[str]:
        return [row for text in self.texts for row in ROW.findall(text)]


async def _ask(store: FalkorStore, query: str, settings: Settings | None = None, role: str = "admin") -> Any:
    async with asgi_client(store, settings, role=role) as client:
        response = await client.post("/graphql", json={"query": query})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_page_reads_only_the_properties_its_fields_read(store: FalkorStore) -> None:
    await build_world(store)
    sent = Sent(store)
    data = await _ask(store, """{ institutions(first: 10) { nodes {
        id nameEn foundedJalali county { nameFa province { nameEn } }
        services { edges { capacity node { key } } } giving { amount } } } }""")
    assert data["institutions"]["nodes"] and all(n["county"] for n in data["institutions"]["nodes"])
    assert sorted(sent.rows()) == sorted([
        # id: the key; the Jalali date: the date; the links: the key, and the county's the key it mirrors
        "n {.countyKey, .founded, .key, .nameEn}",
        "n {.key, .nameFa, .provinceKey}",  # the county, read by that key: its province is read by its own
        "m {.key, .nameEn}",  # the province, read beside the county (graph_model.links.fetch_hop)
        "n {.key}",  # the services
    ]), sent.texts


async def test_whole_nodes_where_a_field_does_not_say_or_the_query_is_not_compiled(store: FalkorStore) -> None:
    await build_world(store)
    # An assessment's findings are read by a resolver that declares nothing: its nodes come whole.
    sent = Sent(store)
    await _ask(store, "{ institution(key: \"inst-a\") { nameEn assessments { nodes { key findings } } } }")
    rows = sent.rows()
    assert {"n {.key, .nameEn}", "root {.key, .nameEn}"} & set(rows) and "properties(n)" in rows, sent.texts
    # Not compiled (HUB_COMPILED=0): graphql-core resolves every field, and every row is whole.
    sent.texts.clear()
    await _ask(store, "{ institutions(first: 10) { nodes { key county { key } } } }", Settings(compiled=False))
    assert sent.rows() and set(sent.rows()) <= {"properties(n)", "properties(x)"}, sent.texts


@pytest.mark.parametrize("role", ["viewer", "planner"])
async def test_a_projected_donor_still_carries_its_kind_to_the_privacy_check(store: FalkorStore, role: str) -> None:
    """An individual donor is absent for a caller without the personal right: asked for by key with
    only its key selected, its row still holds the kind that check reads (projection.CHECKS)."""
    await build_solo_world(store)
    sent = Sent(store)
    query = f'{{ donor(key: "{SOLO}") {{ key }} company: donor(key: "donor-1") {{ key }} }}'
    assert await _ask(store, query, role=role) == {"donor": None, "company": {"key": "donor-1"}}
    assert "n {.key, .kind}" in sent.rows(), sent.texts
    assert await _ask(store, query) == {"donor": {"key": SOLO}, "company": {"key": "donor-1"}}


ONE = """{ institution(key: "inst-a") {
    key county { key province { key nameEn } } giving { amount firstDate lastDate }
    donations(first: 5) { nodes { key amount donor { %s } institution { key } } } } }"""


@pytest.mark.parametrize("role", ["admin", "viewer"])
async def test_one_institution_is_one_statement_and_the_same_answer(store: FalkorStore, role: str) -> None:
    """What the level below an institution would read is read in its own level: its county's province
    beside the county (a hop), the first and last gifts' dates beside the totals, and its gifts'
    donors and recipient (their keys, and a donor's kind, which the gift's row holds) not again. So
    the institution, its county and province, its giving and its gifts are one joined statement, and
    the answer is the one graphql-core gives (HUB_COMPILED=0), for a role that may see individual
    donors and one that may not (the solo donor's gift is then absent)."""
    await build_solo_world(store)
    before = store.round_trips
    data = await _ask(store, ONE % "key", role=role)
    assert store.round_trips - before == 1
    assert data == await _ask(store, ONE % "key", Settings(compiled=False), role=role)
    donors = {n["donor"]["key"] for n in data["institution"]["donations"]["nodes"]}
    assert donors == ({SOLO, "donor-1"} if role == "admin" else {"donor-1"}), donors
    assert data["institution"]["county"]["province"]["key"] == "IR-00"
    # The viewer's totals are withheld (one individual donor among them, fewer than k): no date shown.
    assert bool(data["institution"]["giving"]["firstDate"]) is (role == "admin")
    # A donor asked for more than its row carries (its name) is read by key, as before.
    sent = Sent(store)
    named = await _ask(store, ONE % "key nameEn", role=role)
    assert "n {.key, .kind, .nameEn}" in sent.rows(), sent.texts
    assert named == await _ask(store, ONE % "key nameEn", Settings(compiled=False), role=role)


@pytest.mark.parametrize("role", ["admin", "viewer"])
async def test_a_countys_province_is_read_by_the_countys_own_statement_once_per_projection(store: FalkorStore,
                                                                                           role: str) -> None:
    """The province a county names, asked for below the county (three times, two of them alike), is read
    by the statement that follows the institution's county link (graph_model.links.fetch_link_hops), once
    for each set of properties asked, not by a statement beside it: the same answer as graphql-core's."""
    await build_world(store)
    query = """{ institution(key: "inst-a") { county { key a: province { key } b: province { key }
        c: province { nameEn } } } }"""
    sent = Sent(store)
    before = store.round_trips
    data = await _ask(store, query, role=role)
    assert store.round_trips - before == 1
    assert data == await _ask(store, query, Settings(compiled=False), role=role)
    county = data["institution"]["county"]
    assert county["a"] == county["b"] == {"key": "IR-00"} and county["c"]["nameEn"], county
    joined = sent.texts[0]
    assert joined.count("OPTIONAL MATCH (m") == 2 and "WITH DISTINCT n.provinceKey" not in joined, joined


GIFT_ENDS = """{ institution(key: "inst-a") { donations(first: 5) { nodes {
      key donor { key %s } institution { key } event { key } } } }
    event(key: "evt-1") { donations(first: 5) { nodes { key donor { key } institution { key } event { key } } } } }"""


@pytest.mark.parametrize("role", ["admin", "viewer"])
@pytest.mark.parametrize("below", ["", "giving { count amount }", "nameEn"])
async def test_a_gifts_ends_answered_from_its_row_are_what_the_loaders_answer(
        store: FalkorStore, role: str, below: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A gift's donor, institution and event, when the selection reads no more of them than the gift's
    row carries (a key, and a donor's kind), are answered from that row (hub.schema.fields.link's ``held``)
    without their loaders: the same answer as the loaders give (the query not compiled, rows read by key),
    in no more statements, for a role that may see individual donors and one whose lists leave their gifts
    out; with what the level below them reads (a donor's giving) still read; a donor asked for more than
    the row carries (its name) read by key. Asked for its key alone, with nothing to read below it, a
    gift's donor is not prefetched at all (``Prefetch.held``): each gift is made into its object once, for
    its answer, where the prefetch made it too."""
    from hub.schema import relations

    await build_solo_world(store)
    query = GIFT_ENDS % below
    made: list[type] = []
    new = relations._new

    def counted(cls: type) -> Any:  # what Donation.from_row makes its object with
        made.append(cls)
        return new(cls)

    monkeypatch.setattr(relations, "_new", counted)
    before = store.round_trips
    data = await _ask(store, query, role=role)
    compiled_trips = store.round_trips - before
    monkeypatch.undo()
    before = store.round_trips
    assert data == await _ask(store, query, Settings(compiled=False), role=role)
    assert compiled_trips <= store.round_trips - before
    gifts = data["institution"]["donations"]["nodes"] + data["event"]["donations"]["nodes"]
    ends = {g["key"]: (g["donor"]["key"], g["institution"] and g["institution"]["key"],
                       g["event"] and g["event"]["key"]) for g in gifts}
    expected: dict[str, tuple[str, str | None, str | None]] = {"company-gift": ("donor-1", "inst-a", None)}
    if role == "admin":  # the individual donor's gifts are left out of a viewer's lists altogether
        expected |= {GIFTS[0]: (SOLO, "inst-a", None), GIFTS[1]: (SOLO, None, "evt-1")}
    assert ends == expected, ends
    if below == "nameEn":
        assert all(g["donor"]["nameEn"] for g in data["institution"]["donations"]["nodes"])
    # The event's gifts ask their donor's key alone; the institution's, with ``below``, more.
    assert len(made) == len(gifts) + (len(data["institution"]["donations"]["nodes"]) if below else 0), made


async def test_a_donor_known_from_another_row_is_hidden_as_the_store_read_hides_it(store: FalkorStore) -> None:
    """Loaders.known answers a node loader as its own read would: an individual donor is absent for a
    caller without the personal right, however its row was come by."""
    from graph_model.enums import Label
    from hub.auth.principal import Principal, Role
    from hub.auth.visibility import Visibility
    from hub.execution.loaders import Loaders

    await build_solo_world(store)
    rows = [{"key": SOLO, "kind": "INDIVIDUAL"}, {"key": "donor-1", "kind": "COMPANY"}]
    for role, expected in ((Role.VIEWER, [None, rows[1]]), (Role.ADMIN, rows)):
        visibility = Visibility(Principal(role), k=5)
        loaders = Loaders(store, visibility)
        loaders.known(Label.DONOR, ("key", "kind"), rows)
        before = store.round_trips
        assert await loaders.node(Label.DONOR, ("key", "kind")).load_many([SOLO, "donor-1"]) == expected
        assert store.round_trips == before
        read = Loaders(store, visibility)  # the store's own answer: the same
        assert await read.node(Label.DONOR, ("key", "kind")).load_many([SOLO, "donor-1"]) == expected


async def test_a_field_selected_twice_over_one_fragment_reads_what_each_selection_reads(store: FalkorStore) -> None:
    """A fragment's field node can select a field on its own in one place and beside another node in
    another (the fragment spread, then the same field again): each place gets its own projection.
    (Projections kept by the first node alone gave the second place the first's rows: `a`'s county
    came without its name, a null in a non-null field.)"""
    await build_world(store)
    query = """query { b: institution(key: "inst-a") { ...F } a: institution(key: "inst-a") { ...F county { nameEn } }
      p: institutions(first: 2) { nodes { ...F } } q: institutions(first: 2) { nodes { ...F county { nameEn } } } }
    fragment F on Institution { county { key } }"""
    data = await _ask(store, query)
    assert data == await _ask(store, query, Settings(compiled=False))
    assert data["a"]["county"]["nameEn"] and all(n["county"]["nameEn"] for n in data["q"]["nodes"]), data


PAGE_AND_ONE = """query Both%s($key: String!) {
    institution(key: $key) { key county { key province { key } } giving { amount }
      donations(first: 5) { nodes { key donor { key } } } }
    institutions(first: 10) { nodes { key county { key province { key nameEn } }
      services { edges { capacity node { key } } } giving { count } } } }"""


@pytest.mark.parametrize("role", ["admin", "viewer"])
async def test_the_prefetch_walks_an_operation_once(store: FalkorStore, role: str, monkeypatch: Any) -> None:
    """What the prefetch starts at each level (hub.execution.prefetch._Walk.steps) depends on the operation
    and the variables its plans are kept by, not on the rows: the same operation asked again, for
    another object, collects no field of its selection, and reads the same statements and answers
    as it did."""
    from hub.execution import prefetch

    await build_solo_world(store)
    collected: list[str] = []
    original = prefetch._Walk.collect

    def collect(walk: Any, parent: Any, nodes: Any) -> Any:
        collected.append(parent.name)
        return original(walk, parent, nodes)

    monkeypatch.setattr(prefetch._Walk, "collect", collect)
    query = PAGE_AND_ONE % role.title()  # an operation of its own: the plans are kept by operation, for all roles

    async def ask(key: str) -> tuple[Any, list[str]]:
        sent = Sent(store)
        async with asgi_client(store, role=role) as client:
            body = (await client.post("/graphql", json={"query": query, "variables": {"key": key}})).json()
        assert "errors" not in body, body
        return body["data"], list(sent.texts)  # (a later ask's Sent wraps this one's)

    first, first_sent = await ask("inst-a")
    assert {"Institution", "InstitutionConnection", "County", "Donation", "DonationConnection", "ServiceConnection",
            "ServiceEdge"} <= set(collected), collected
    collected.clear()
    again, again_sent = await ask("inst-b")
    assert collected == []
    assert again_sent == first_sent  # the same statements (their parameters aside)
    assert again["institution"]["key"] == "inst-b" and again["institutions"] == first["institutions"]
    assert (await ask("inst-a"))[0] == first
    assert collected == []


GIFT_PAGE = """{ institution(key: "inst-a") { donations(first: 5, orderBy: DATE, direction: DESC) { nodes { %s } } }
  event(key: "evt-1") { donations(first: 5) { nodes { %s } } }
  donor(key: "%s") { donations(first: 5, orderBy: AMOUNT) { nodes { %s } } } }"""


@pytest.mark.parametrize("role", ["admin", "viewer"])
@pytest.mark.parametrize("fields", ["key amount date", "key date dateJalali purpose donor { key }",
                                    "id generated source institution { key } event { key }", "__typename amount"])
async def test_a_first_page_of_gifts_sends_only_the_properties_its_fields_read(store: FalkorStore, role: str,
                                                                             fields: str) -> None:
    """An institution's, an event's and a donor's first page of gifts, flat (graph_model.page_items.flat_sent),
    sends of each gift's own properties only those its fields read (projection.RELATION_READS), with its key,
    amount and date always; the answer is graphql-core's (HUB_COMPILED=0), which reads whole rows."""
    await build_solo_world(store)
    # A gift whose purpose, source and generated flag are not the defaults, so that a value not read shows.
    await store.write(statement("test_gift_properties", "MATCH ()-[r:DONATED_TO]->() WHERE r.key = $key "
                                "SET r.purpose = 'for the test', r.source = 'a test', r.generated = true",
                                register=False), key="company-gift")
    query = GIFT_PAGE % (fields, fields, SOLO, fields)
    sent = Sent(store)
    data = await _ask(store, query, role=role)
    flat = [part for text in sent.texts for part in re.findall(r"collect\(\[sv, id.*?\]\) AS page", text)]
    assert len(flat) == 3, sent.texts  # the three pages' values (joined in one statement)
    read = {prop for name, prop in (("generated", "r.generated"), ("source", "r.source"), ("purpose", "r.purpose"))
            if all(prop in text for text in flat)}
    asked = {name for name in ("generated", "source", "purpose") if name in fields}
    assert {p.split(".")[1] for p in read} == asked, flat
    assert all("dn.kind" in part for part in flat)  # what the privacy check reads, whatever is asked
    assert data == await _ask(store, query, Settings(compiled=False), role=role)
    gifts = data["institution"]["donations"]["nodes"]
    assert gifts and all(set(gift) == set(fields.replace("{ key }", "").split()) for gift in gifts), gifts
    if "source" in fields:
        # the solo donor's gift (the defaults) only for a role that may see individual donors
        expected = {(True, "a test"), (False, None)} if role == "admin" else {(True, "a test")}
        assert {(g["generated"], g["source"]) for g in gifts} == expected, gifts


def test_every_field_of_a_gift_says_what_it_reads() -> None:
    """A field of Donation missing from projection.RELATION_READS makes its pages read whole rows (safe, not
    projected): each field is listed, so a new one is decided on, not forgotten."""
    from hub.execution.projection import RELATION_READS
    from hub.schema import schema
    from hub.strawberry_compat import graphql_schema

    donation = graphql_schema(schema).get_type("Donation")
    assert donation is not None
    assert set(RELATION_READS["Donation"][0]) == set(donation.fields)  # type: ignore[attr-defined]
