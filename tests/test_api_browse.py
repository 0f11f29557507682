"""The read API end to end: the generated hub_client against the ASGI app on the demo profile
(loaded once for the module into its own graph; these tests only read)."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_model import filter_keys
from graph_model.cypher import statement
from graph_model.enums import Label
from graph_model.links import scan_giving
from graph_model.list_specs import ENTITIES, ROOTS
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from hub_client import HubClient
from hub_client.enums import Direction, EventKind, InstitutionKind, InstitutionSort, LicenceStatus
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from hub_client.input_types import EventFilter, InstitutionFilter, LicenceFilter
from hub.schema.lists import FILTER_DOCS
from hub.schema.scalars import to_jalali
from hub.settings import Settings
from tests.stores import fresh_store
from tests.asgi import asgi_client

ROUND_TRIPS = Path(__file__).with_name("round_trips.json")
TOP_DONOR = statement(
    "test_top_donor",
    "MATCH (d:Donor)-[r:DONATED_TO]->(:Institution) RETURN d.key AS key, sum(r.amount) AS total "
    "ORDER BY total DESC, key LIMIT 1", register=False)
MOST_GIVEN = statement(
    "test_most_given_institution",
    "MATCH (:Donor)-[r:DONATED_TO]->(i:Institution) RETURN i.key AS key, count(r) AS gifts "
    "ORDER BY gifts DESC, key LIMIT 1", register=False)


@pytest.fixture(scope="module")
async def demo(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    async with fresh_store(server, "demo") as store:
        yield store


@pytest.fixture
async def client(demo: FalkorStore) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(demo) as c:
        yield c


@pytest.fixture
def hub(client: httpx.AsyncClient) -> HubClient:
    return HubClient(url="http://hub/graphql", http_client=client)  # type: ignore[arg-type]  # codegen's HttpClient protocol: json by position


async def test_khuzestan_institutions_by_kind_with_their_county(hub: HubClient) -> None:
    page = (await hub.institutions(filter_=InstitutionFilter(province="IR-06"), first=5)).institutions
    assert page.total_count == 820
    kinds = InstitutionFilter(province="IR-06", kind=[InstitutionKind.POSITIVE_LIFE_CENTRE])
    positive = (await hub.institutions(filter_=kinds, first=100)).institutions
    assert positive.total_count == 189
    assert {n.kind for n in positive.nodes} == {InstitutionKind.POSITIVE_LIFE_CENTRE}
    assert {n.county.province.key for n in positive.nodes if n.county and n.county.province} == {"IR-06"}


async def test_pages_forward_and_back_never_skip_or_repeat(hub: HubClient) -> None:
    scope = InstitutionFilter(province="IR-00")
    seen: list[str] = []
    after = None
    while True:
        page = (await hub.institutions(filter_=scope, first=30, after=after,
                                       order_by=InstitutionSort.NAME_EN)).institutions
        seen += [n.key for n in page.nodes]
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    assert len(seen) == len(set(seen)) == page.total_count == 107
    back = (await hub.institutions(filter_=scope, last=10, before=page.page_info.start_cursor,
                                   order_by=InstitutionSort.NAME_EN)).institutions
    start = seen.index(page.nodes[0].key)
    assert [n.key for n in back.nodes] == seen[start - 10:start]
    assert back.page_info.has_next_page and back.page_info.has_previous_page
    desc = (await hub.institutions(filter_=scope, first=100, order_by=InstitutionSort.NAME_EN,
                                   direction=Direction.DESC)).institutions
    assert [n.key for n in desc.nodes] == seen[::-1][:100]


async def test_search_normalises_persian_and_arabic_letters(hub: HubClient) -> None:
    # "بيرجند" with an Arabic yeh finds Birjand's Hazrat Ali Akbar institute, as does English in any case.
    for text in ("بيرجند", "birjand", "BIRJAND"):
        found = await hub.search(text=text)
        assert "inst-birjand-hazrat-ali-akbar" in {n.key for n in found.institutions.nodes}, text


async def test_institution_with_everything_around_it(hub: HubClient) -> None:
    inst = (await hub.institution_detail(key="inst-birjand-hazrat-ali-akbar")).institution
    assert inst is not None and inst.residents == 536
    assert inst.county is not None and inst.county.key == "IR-29-2901"
    assert inst.county.province is not None and inst.county.province.key == "IR-29"
    assert isinstance(inst.giving.amount, int)
    assert sum(e.amount or 0 for e in inst.donors.edges) <= inst.giving.amount
    assert inst.services.total_count == len(inst.services.edges)
    assert all(e.capacity is not None for e in inst.services.edges)


async def test_an_institutions_giving_is_what_its_gifts_give(hub: HubClient, demo: FalkorStore) -> None:
    """The totals come from the institution's kept cell and the dates from its gifts: together, the
    figures its gifts give when read one by one."""
    key = (await demo.read(MOST_GIVEN))[0]["key"]
    inst = (await hub.institution_detail(key=key)).institution
    assert inst is not None
    gifts = (await scan_giving(demo, Label.INSTITUTION, [key]))[key]
    assert gifts.count > 1 and gifts.first_date != gifts.last_date
    assert (inst.giving.amount, inst.giving.count, inst.giving.counterparts, inst.giving.first_date,
            inst.giving.last_date, inst.giving.last_date_jalali) == (
        gifts.amount, gifts.count, gifts.others, gifts.first_date, gifts.last_date, to_jalali(gifts.last_date))


async def test_donor_edges_total_their_giving(hub: HubClient, demo: FalkorStore) -> None:
    top = (await demo.read(TOP_DONOR))[0]
    donor = (await hub.donor(key=top["key"], first=100)).donor
    assert donor is not None
    assert donor.giving.amount == int(top["total"])
    amounts, page = [n.amount for n in donor.donations.nodes], donor.donations
    while page.page_info.has_next_page:  # every donation, page by page
        nxt = (await hub.donor(key=top["key"], first=100, after=page.page_info.end_cursor)).donor
        assert nxt is not None
        page = nxt.donations
        amounts += [n.amount for n in page.nodes]
    assert len(amounts) == donor.donations.total_count
    assert sum(amounts) == donor.giving.amount
    given = [e.amount for e in donor.institutions.edges if e.amount is not None]
    assert len(given) == len(donor.institutions.edges) and given == sorted(given, reverse=True)


async def test_council_members_of_every_kind(hub: HubClient) -> None:
    council = (await hub.council(key="council-khuzestan-article-26-commission")).council
    assert council is not None
    kinds = {m.member.typename__ for m in council.members.nodes if m.member}
    assert "Person" in kinds
    assert council.members.total_count == len(council.members.nodes)


async def test_events_and_jalali_dates(hub: HubClient) -> None:
    mawkibs = (await hub.events(filter_=EventFilter(kind=[EventKind.MAWKIB], province="IR-06"))).events
    keys = {n.key: n for n in mawkibs.nodes}
    assert {"evt-mawkib-shalamcheh", "evt-mawkib-chazabeh"} <= set(keys)
    place = keys["evt-mawkib-shalamcheh"].place
    assert place is not None and place.key == "IR-06-0607"
    # Jalali dates as filter bounds, in Latin and Persian digits: the day itself is included.
    same_day = (await hub.events(filter_=EventFilter(starts_from="1403/05/24", starts_to="۱۴۰۳/۰۵/۲۴",
                                                     kind=[EventKind.MAWKIB]))).events
    assert {n.starts_on_jalali for n in same_day.nodes} == {"1403/05/24"}
    assert {"evt-mawkib-shalamcheh", "evt-mawkib-chazabeh"} <= {n.key for n in same_day.nodes}


async def test_licences_expiring_in_a_window(hub: HubClient) -> None:
    window = LicenceFilter(status=[LicenceStatus.ACTIVE], expires_from="2026-11-23", expires_to="2027-02-20")
    page = (await hub.licences(filter_=window, first=100)).licences
    assert page.nodes, "the demo holds licences expiring in the next 90 days"
    assert all(n.expires_on and "2026-11-23" <= n.expires_on <= "2027-02-20" for n in page.nodes), [
        n.expires_on for n in page.nodes][:5]
    assert {n.status for n in page.nodes} == {LicenceStatus.ACTIVE}


async def test_global_ids_round_trip(hub: HubClient) -> None:
    inst = (await hub.institution_detail(key="inst-birjand-hazrat-ali-akbar")).institution
    assert inst is not None
    node = (await hub.node(id=inst.id)).node
    assert node is not None and node.typename__ == "Institution" and node.id == inst.id


@pytest.mark.parametrize(("args", "field"), [("first: -1", "first"), ('after: "not-a-cursor"', "after")])
async def test_bad_paging_arguments_say_which_field(client: httpx.AsyncClient, args: str, field: str) -> None:
    body = (await client.post("/graphql", json={"query": f"{{ provinces({args}) {{ totalCount }} }}"})).json()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["fields"][0]["field"] == field


@pytest.mark.parametrize("args", ["first: 1000", "last: 500"])
async def test_pages_over_the_limit_are_refused_before_running(client: httpx.AsyncClient, args: str) -> None:
    response = await client.post("/graphql", json={"query": f"{{ provinces({args}) {{ totalCount }} }}"})
    error = response.json()["errors"][0]
    assert response.status_code == 400 and error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "HUB_MAX_PAGE" in error["message"]


async def _trips(demo: FalkorStore, call: Awaitable[Any]) -> int:
    before = demo.round_trips
    await call
    return demo.round_trips - before


async def _refused(call: Awaitable[Any]) -> None:
    with pytest.raises(GraphQLClientGraphQLMultiError):
        await call


async def _table(hub: HubClient, demo: FalkorStore) -> dict[str, int]:
    measured = {}
    for size in (5, 100):
        measured[f"Institutions(province, first: {size}) + county, services, giving"] = await _trips(
            demo, hub.institutions(filter_=InstitutionFilter(province="IR-06"), first=size))
        measured[f"Institutions(first: {size}) + county, services, giving"] = await _trips(
            demo, hub.institutions(first=size))
        measured[f"Events(first: {size}) + place, organisers, participants, services, giving"] = await _trips(
            demo, hub.events(first=size))
        measured[f"Licences(first: {size}) + institution, type, services"] = await _trips(
            demo, hub.licences(first=size))
        # a search naming a place: which counties it names, then each list (and its count)
        measured[f"Search(a county's name, first: {size})"] = await _trips(demo, hub.search(text="Ahvaz", first=size))
    # an unknown key filter: the (empty) list, then one check of its keys
    measured["Institutions(province: unknown key) refused"] = await _trips(
        demo, _refused(hub.institutions(filter_=InstitutionFilter(province="IR-99"), first=5)))
    measured["InstitutionDetail"] = await _trips(demo, hub.institution_detail(key="inst-birjand-hazrat-ali-akbar"))
    return measured


async def test_round_trips_do_not_grow_with_page_size(hub: HubClient, demo: FalkorStore) -> None:
    """The checked-in table (tests/round_trips.json) is the contract: a list query costs a number of
    store statements that does not grow with its page, pinned here for 5 items and for 100.
    ``alone``: with the joining of reads (graph_model.stores.fused) switched off, one statement per
    batch of reads, exactly. ``joined``: with it on (the hub's default), at most: which reads are
    joined depends on when the store's replies arrive (two replies read in one turn of the event loop
    let the reads that follow them join), so a count may come out lower in one run than in another
    (Events(first: 100) took 11 or 12 statements). Change the table only on purpose
    (``HUB_WRITE_ROUND_TRIPS=1 pytest tests/test_api_browse.py`` rewrites it)."""
    async with asgi_client(demo, Settings(fused_reads=False)) as http:
        alone = await _table(HubClient(url="http://hub/graphql", http_client=http), demo)  # type: ignore[arg-type]
    joined = await _table(hub, demo)
    for name in [k for k in alone if "first: 5)" in k]:
        assert alone[name] <= alone[name.replace("first: 5)", "first: 100)")], name
        assert joined[name] <= joined[name.replace("first: 5)", "first: 100)")], name
    if os.environ.get("HUB_WRITE_ROUND_TRIPS") == "1":  # regenerate the table on purpose
        ROUND_TRIPS.write_text(json.dumps({"alone": alone, "joined": joined}, indent=2, sort_keys=True) + "\n")
    table = json.loads(ROUND_TRIPS.read_text())
    assert alone == table["alone"], {k: (alone.get(k), table["alone"].get(k)) for k in {*alone, *table["alone"]}
                                     if alone.get(k) != table["alone"].get(k)}
    assert joined.keys() == table["joined"].keys()
    assert all(joined[k] <= table["joined"][k] for k in joined), {k: (joined[k], table["joined"][k]) for k in joined}
    assert all(joined[k] <= alone[k] for k in joined), {k: (joined[k], alone[k]) for k in joined}


@pytest.mark.parametrize("query", [
    '{ node(id: "IR-00") { id } }',  # not base64
    '{ nodes(ids: ["Rm9vOmJhcg=="]) { id } }',  # base64 of Foo:bar: no such type
    '{ node(id: "UXVlcnk6eA==") { id } }',  # base64 of Query:x: not a Node type
])
async def test_a_malformed_global_id_is_the_clients_mistake(client: httpx.AsyncClient, query: str) -> None:
    body = (await client.post("/graphql", json={"query": query})).json()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED" and "requestId" not in error["extensions"], body
    assert error["message"] != "Unexpected error."


# Every root list with a key-valued filter, by its GraphQL field (a new one fails
# test_every_key_filter_of_every_list_refuses_an_unknown_key until it is named here).
ROOT_FIELDS = {"County": "counties", "Institution": "institutions", "Donor": "donors", "Council": "councils",
               "Service": "services", "Licence": "licences", "Event": "events"}
KEY_FILTERS = [(entity, f.name) for entity, spec in ROOTS.items() for f in spec.filters if f.key_of is not None]


async def _error(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    body = (await client.post("/graphql", json={"query": query})).json()
    assert body.get("errors"), body
    return dict(body["errors"][0])


def test_key_filters_are_the_string_filters_but_search() -> None:
    """A filter taking a string is a key of some node (so an unknown one is NOT_FOUND), save `search`."""
    taking_strings = {name for name, (kind, _) in FILTER_DOCS.items() if kind is str} - {"search"}
    declared = {f.name for entity in ENTITIES.values() for f in entity.filters if f.key_of is not None}
    assert declared == taking_strings == set(filter_keys.KEYED)
    assert {entity for entity, _ in KEY_FILTERS} == set(ROOT_FIELDS)


@pytest.mark.parametrize(("entity", "name"), KEY_FILTERS, ids=[f"{e}.{n}" for e, n in KEY_FILTERS])
async def test_every_key_filter_of_every_list_refuses_an_unknown_key(
        client: httpx.AsyncClient, demo: FalkorStore, entity: str, name: str) -> None:
    before = demo.round_trips
    error = await _error(client, f'{{ {ROOT_FIELDS[entity]}(filter: {{{name}: "no-such-key"}}) {{ totalCount }} }}')
    assert error["extensions"]["code"] == "NOT_FOUND", error
    [field] = error["extensions"]["fields"]
    assert field["field"] == f"filter.{name}" and "has the key 'no-such-key'" in field["message"], field
    assert f"filter.{name}: " in error["message"]
    assert demo.round_trips - before <= 2  # the list, then one check of its keys


@pytest.mark.parametrize(("query", "field", "meant"), [
    ('{ institutions(filter: {province: "IR-99"}) { totalCount } }', "filter.province", None),
    ('{ institutions(filter: {province: "Khuzestan"}) { totalCount } }', "filter.province", "'IR-06' (Khuzestan"),
    ('{ institutions(filter: {province: "خوزستان"}) { totalCount } }', "filter.province", "'IR-06' (Khuzestan"),
    ('{ institutions(filter: {province: "ir-۰۶"}) { totalCount } }', "filter.province", "'IR-06'"),
    ('{ counties(filter: {province: "مركزي"}) { totalCount } }', "filter.province", "'IR-00' (Markazi"),
    ('{ events(filter: {county: "Ahvaz"}) { totalCount } }', "filter.county", "'IR-06-0603' (Ahvaz / اهواز)"),
    ('{ services(filter: {targetGroup: "elderly"}) { totalCount } }', "filter.targetGroup", "'tg-elderly'"),
    # a nested list, and its parent's own filter refused as not applying
    ('{ province(key: "IR-06") { institutions(filter: {targetGroup: "nope"}) { totalCount } } }',
     "filter.targetGroup", None),
])
async def test_an_unknown_key_names_the_argument_and_what_was_meant(
        client: httpx.AsyncClient, query: str, field: str, meant: str | None) -> None:
    error = await _error(client, query)
    assert error["extensions"]["code"] == "NOT_FOUND", error
    [found] = error["extensions"]["fields"]
    assert found["field"] == field
    assert ("did you mean" in found["message"]) == (meant is not None), found
    assert meant is None or meant in found["message"], found


async def test_two_unknown_keys_of_one_list_are_both_named_in_one_check(
        client: httpx.AsyncClient, demo: FalkorStore) -> None:
    before = demo.round_trips
    error = await _error(client, '{ licences(filter: {province: "IR-99", service: "svc-nope"}) { totalCount } }')
    assert {f["field"] for f in error["extensions"]["fields"]} == {"filter.province", "filter.service"}
    assert demo.round_trips - before == 2  # the (empty) scoped list, then one statement for both keys


async def test_known_keys_with_no_match_are_an_empty_list_and_a_parent_filter_is_refused(
        hub: HubClient, client: httpx.AsyncClient) -> None:
    empty = LicenceFilter(province="IR-06", service="svc-counselling-1480", expires_from="2099-01-01")
    assert (await hub.licences(filter_=empty)).licences.total_count == 0
    nested = await hub.institutions(filter_=InstitutionFilter(province="IR-06"), first=3)
    assert nested.institutions.nodes  # nested lists under them, with a known key, stay lists
    error = await _error(client, '{ province(key: "IR-06") { institutions(filter: {province: "IR-00"}) '
                                 '{ totalCount } } }')
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error  # was "Unexpected error."
    assert error["extensions"]["fields"][0]["field"] == "filter.province"


async def test_search_finds_institutions_and_events_by_their_county_or_province(hub: HubClient) -> None:
    ahvaz = (await hub.institutions(filter_=InstitutionFilter(county="IR-06-0603"), first=100)).institutions
    assert ahvaz.total_count > 100
    # Persian, English in any case, Arabic letters, a ZWNJ and Persian digits fold as name search does
    for text in ("اهواز", "Ahvaz", "AHVAZ", "اهواز\u200c"):
        found = (await hub.institutions(filter_=InstitutionFilter(search=text), first=100)).institutions
        assert found.total_count == ahvaz.total_count, text  # no institution's own name says Ahvaz
        assert {n.key for n in found.nodes} == {n.key for n in ahvaz.nodes}, text
    # a province's name: all its institutions; with Arabic letters (ي) for Persian (ی)
    birjand = (await hub.search(text="بيرجند", first=100)).institutions
    assert "inst-birjand-hazrat-ali-akbar" in {n.key for n in birjand.nodes}  # by its own name
    assert birjand.total_count == (await hub.institutions(filter_=InstitutionFilter(county="IR-29-2901"))
                                   ).institutions.total_count
    markazi = (await hub.institutions(filter_=InstitutionFilter(search="مرکزی"))).institutions.total_count
    assert markazi >= (await hub.institutions(filter_=InstitutionFilter(province="IR-00"))).institutions.total_count
    # events by the county they are held in (the Shalamcheh mawkib is in Khorramshahr county)
    held = (await hub.events(filter_=EventFilter(search="خرمشهر"))).events
    assert "evt-mawkib-shalamcheh" in {n.key for n in held.nodes}
    assert {n.place.key for n in held.nodes if n.place} == {"IR-06-0607"}
    # within a scope, and a text naming no place still searches names only
    scoped = await hub.institutions(filter_=InstitutionFilter(province="IR-06", search="Ahvaz"))
    assert scoped.institutions.total_count == ahvaz.total_count
    assert (await hub.search(text="no place or name like this")).institutions.total_count == 0


async def test_licences_and_donations_are_searched_in_any_case(hub: HubClient, client: httpx.AsyncClient) -> None:
    number = (await hub.licences(first=1)).licences.nodes[0].number
    assert number and number != number.lower()
    found = (await hub.licences(filter_=LicenceFilter(search=number.lower()))).licences
    assert number in {n.number for n in found.nodes}  # was none: the text is folded, the numbers were not
    query = ('{ a: donations(filter: {search: "RAMADAN"}) { totalCount } '
             'b: donations(filter: {search: "ramadan"}) { totalCount } }')
    body = (await client.post("/graphql", json={"query": query})).json()["data"]
    assert body["a"]["totalCount"] == body["b"]["totalCount"] > 0


@pytest.mark.parametrize("amount", ["1,000,000", "۱٬۰۰۰٬۰۰۰", "١٬٠٠٠٬٠٠٠", "١،٠٠٠،٠٠٠", "۱,۰۰۰,۰۰۰", " 1000000 "])
async def test_amounts_take_separators_and_persian_or_arabic_digits(client: httpx.AsyncClient, amount: str) -> None:
    query = "query($min: Rials) { donations(filter: {amountMin: $min}) { totalCount } }"
    plain = (await client.post("/graphql", json={"query": query, "variables": {"min": 1000000}})).json()
    given = (await client.post("/graphql", json={"query": query, "variables": {"min": amount}})).json()
    assert given == plain and plain["data"]["donations"]["totalCount"] > 0, given
    literal = (await client.post("/graphql", json={
        "query": f'{{ donations(filter: {{amountMin: "{amount}"}}) {{ totalCount }} }}'})).json()
    assert literal == plain


@pytest.mark.parametrize(("amount", "why"), [
    ("1,00,000", "groups of three"), ("1,0000", "groups of three"), ("12.5", "decimal part"),
    ("۱۲٫۵", "decimal part"), ("1 000", "not a whole number"), ("ten", "not a whole number"),
    ("99999999999999999999", "too large"),
])
async def test_malformed_amounts_say_why(client: httpx.AsyncClient, amount: str, why: str) -> None:
    query = "query($min: Rials) { donations(filter: {amountMin: $min}) { totalCount } }"
    error = await _error(client, f'{{ donations(filter: {{amountMin: "{amount}"}}) {{ totalCount }} }}')
    assert error["extensions"]["code"] == "VALIDATION_FAILED", error
    assert why in error["extensions"]["fields"][0]["message"], error
    body = (await client.post("/graphql", json={"query": query, "variables": {"min": amount}})).json()
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED" and why in body["errors"][0]["message"]


async def test_the_3w_export_refuses_an_unknown_service_and_reads_years_as_amounts(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/export/3w.csv", params={"province": "IR-06", "service": "day care"})
    assert unknown.status_code == 404, unknown.text  # was an empty table
    assert unknown.json()["errors"][0]["extensions"]["fields"][0]["field"] == "service"
    known = await client.get("/export/3w.csv", params={"province": "IR-06", "service": "svc-elderly-day-care"})
    assert known.status_code == 200
    latin, persian = [await client.get("/export/3w.csv", params={"province": "IR-06", "jalaliYear": year})
                      for year in ("1403", "۱۴۰۳")]
    assert latin.status_code == 200 and latin.text == persian.text
    for year in ("²", "1403.5", "-1"):  # "²" passed isdigit() and then failed int(): a 500
        refused = await client.get("/export/3w.csv", params={"province": "IR-06", "jalaliYear": year})
        assert refused.status_code == 400, (year, refused.text)


@pytest.mark.parametrize(("entity", "province", "size"), [("institutions", "IR-00", 107), ("events", "IR-06", None)])
async def test_a_province_list_pages_the_same_whether_its_total_is_asked_or_not(
        client: httpx.AsyncClient, entity: str, province: str, size: int | None) -> None:
    """A list narrowed to one province whose total nobody asks is read without counting its items
    (graph_model.listing.Request.counted): every page, its cursors and its hasNextPage are those of
    the same walk with totalCount asked, at page sizes that end a page before, at and after the end."""
    async def walk(first: int, counted: bool) -> list[dict[str, Any]]:
        query = (f'{{ {entity}(filter: {{province: "{province}"}}, PAGING) {{ TOTAL'
                 "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { key } } }")
        return [{"nodes": page["nodes"], "next": page["pageInfo"]["hasNextPage"],
                 "previous": page["pageInfo"]["hasPreviousPage"]}
                for page in await _pages(client, query, first, counted, lambda data: data[entity])]

    whole = [n for p in await walk(100, True) for n in p["nodes"]]
    count = len(whole)
    assert count == (size or count) and count > 4
    # pages of 100, and the last page full, one short and one over (its last item alone) where a size
    # of 20-100 gives it (few pages: the rate limit's burst is 60 requests)
    ends = {next((f for f in range(20, 101) if count % f == rest % f), None) for rest in (0, -1, 1)}
    sizes = sorted({100} | {f for f in ends if f is not None})
    assert len(sizes) > 1
    for first in sizes:
        pages = await walk(first, False)
        assert pages == await walk(first, True), first
        assert [n for p in pages for n in p["nodes"]] == whole
        assert not pages[0]["previous"] and not pages[-1]["next"] and all(p["next"] for p in pages[:-1])


@pytest.mark.parametrize(("field", "args", "item"), [
    ("donations", "orderBy: DATE, direction: DESC", "nodes { key date }"),
    ("services", "", "edges { capacity node { key } }"),
])
async def test_an_objects_nested_list_pages_the_same_whether_its_total_is_asked_or_not(
        client: httpx.AsyncClient, demo: FalkorStore, monkeypatch: pytest.MonkeyPatch, field: str, args: str,
        item: str) -> None:
    """A nested list under an object asked by key, whose total nobody asks, is read without counting its
    items (graph_model.listing.Request.counted, the one-parent form not counted): every page and its
    hasNextPage are those of the same walk with totalCount asked, at page sizes that end a page before,
    at and after the end; and the statements read say which form was used."""
    rel = "(:Donor)-[r:DONATED_TO]->(i:Institution)" if field == "donations" else "(i:Institution)-[r:OFFERS]->()"
    found = await demo.read(statement("test_busiest", f"MATCH {rel} WITH i, count(r) AS n "
                                      "RETURN i.key AS key, n ORDER BY n DESC, key LIMIT 1", register=False))
    key, count = found[0]["key"], int(found[0]["n"])
    assert count > 3
    names: list[str] = []
    run = FalkorStore._run

    async def spied(self: FalkorStore, stmt: Any, params: dict[str, Any], *, read_only: bool) -> Any:
        names.append(stmt.name)
        return await run(self, stmt, params, read_only=read_only)

    monkeypatch.setattr(FalkorStore, "_run", spied)

    async def walk(first: int, counted: bool) -> list[dict[str, Any]]:
        query = (f'{{ institution(key: "{key}") {{ {field}({args + ", " if args else ""}PAGING) {{ '
                 f"TOTAL pageInfo {{ hasNextPage hasPreviousPage endCursor }} {item} }} }} }}")
        return [{"items": page.get("nodes") or page.get("edges"), "next": page["pageInfo"]["hasNextPage"],
                 "previous": page["pageInfo"]["hasPreviousPage"], "total": page.get("totalCount")}
                for page in await _pages(client, query, first, counted, lambda data: data["institution"][field])]

    sizes = sorted({count, count - 1, count + 1, max(1, count // 2)} - {0})
    for first in sizes:
        names.clear()
        quiet = await walk(first, False)
        first_read = next(n for n in names if f"institution_{field}" in n)
        # the form under one parent not counted (a gift's rows flat: ListSpec.flat)
        flat = "_flat" if field == "donations" else ""
        assert f"list_first_one_uncounted{flat}_institution_{field}" in first_read, first_read
        counted = await walk(first, True)
        assert all(p["total"] == count for p in counted)
        assert quiet == [{**p, "total": None} for p in counted], first
        assert sum(len(p["items"]) for p in quiet) == count
        assert not quiet[0]["previous"] and not quiet[-1]["next"] and all(p["next"] for p in quiet[:-1])


async def _pages(client: httpx.AsyncClient, query: str, first: int, counted: bool,
                 page_of: Callable[[dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    """Every page of a connection, walked by its end cursors, ``first`` at a time: ``query`` asks for one
    page, its ``PAGING`` the arguments and its ``TOTAL`` totalCount when ``counted``; ``page_of`` finds
    the connection in the answer's data. (A cursor's text differs each time it is issued: callers compare
    what it leads to.)"""
    pages, after = [], None
    while True:
        paging = f"first: {first}" + (f', after: "{after}"' if after else "")
        text = query.replace("PAGING", paging).replace("TOTAL", "totalCount " if counted else "")
        body = (await client.post("/graphql", json={"query": text})).json()
        assert "errors" not in body, body
        page = page_of(body["data"])
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("role", ["admin", "viewer", "planner"])
async def test_a_province_lists_first_page_with_its_items_counties_reads_as_without_compiled_execution(
        demo: FalkorStore, role: str) -> None:
    """Two root lists narrowed to a province, asking the counties their items name (an institution's
    county, an event's place: keys the items mirror, read by key after the page, Loaders.mirrored), in two
    selections of the county reading different properties: the same bytes as with compiled execution off."""
    query = """query($p: String!) {
      events(filter: {province: $p}, first: 5) { totalCount nodes { key place { key nameFa } } }
      institutions(filter: {province: $p}, first: 4, orderBy: NAME_FA) {
        nodes { key nameFa county { key nameFa } other: county { nameEn } } } }"""
    body = {"query": query, "variables": {"p": "IR-06"}}
    answers = []
    for compiled_path in (True, False):
        async with asgi_client(demo, Settings(compiled=compiled_path), role=role) as http:
            answers.append((await http.post("/graphql", json=body)).content)
    assert answers[0] == answers[1]
    data = json.loads(answers[0])["data"]
    assert data["events"]["nodes"] and data["institutions"]["nodes"], data
    assert all(e["place"] for e in data["events"]["nodes"])
    assert all(i["county"]["nameFa"] and i["other"]["nameEn"] for i in data["institutions"]["nodes"])
