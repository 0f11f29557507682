"""A page read without a cursor has statements of its own (graph_model.listing.compose's ``first``: no
cursor parameters, no test of each item against one, and a page of keys cut from what was collected,
its items flat). For every list of the demo data, in both directions and for a small and a large page,
they return the rows the cursor statements return when given a null cursor, row for row (a nested
page's in the first page's shape: ``_as_first``). A root list's total is the number of its rows."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_model import list_statements, list_types, listing, page_items
from graph_model.errors import ValidationFailed
from graph_model.list_specs import NESTED, ROOTS
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from tests.stores import fresh_store, parent_keys

NESTED_FORMS = [(spec, by_key) for spec in NESTED.values() for by_key in (False, True)
                if not by_key or spec.node_label is not None]


@pytest.fixture(scope="module")
async def demo(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    async with fresh_store(server, "demo") as store:
        yield store



async def _both(store: FalkorStore, spec: list_types.ListSpec, descending: bool, limit: int, by_key: bool = False,
                sort: str | None = None, public: bool = False, props: tuple[str, ...] | None = None,
                **params: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sort = sort or spec.entity.default_sort
    first = listing.compose(spec, (), sort, descending, by_key=by_key, first=True, public=public, props=props)
    later = listing.compose(spec, (), sort, descending, by_key=by_key, public=public, props=props)
    assert "cursorId" not in first.params and "cursorId" in later.params
    req = listing.Request(limit=limit, descending=descending, sort=sort, personal=not public)
    given = {**listing._params(spec, req, None, limit), **params}
    # at once: the server reads one while the other is decoded here (the two cores both used)
    return await asyncio.gather(store.read(first, **given), store.read(later, **given, cursorSv=None, cursorId=None))


@pytest.mark.parametrize("spec", list(ROOTS.values()), ids=lambda spec: spec.name)
async def test_a_root_lists_first_page_is_the_page_from_a_null_cursor(demo: FalkorStore,
                                                                      spec: list_types.ListSpec) -> None:
    seen = 0
    for descending in (False, True):
        for limit in (3, 500):
            first, later = await _both(demo, spec, descending, limit)
            assert first == later, (spec.name, descending, limit)
            seen += len(first)
    if spec.name in ("provinces", "countys", "institutions", "donors", "services", "donations"):
        assert seen > 0, spec.name  # the demo data holds these: the comparison compared rows


@pytest.mark.parametrize(("spec", "by_key"), NESTED_FORMS,
                         ids=lambda v: v.name if isinstance(v, list_types.ListSpec) else ("keys" if v else "rows"))
async def test_a_nested_lists_first_page_is_the_page_from_a_null_cursor(demo: FalkorStore, spec: list_types.ListSpec,
                                                                        by_key: bool) -> None:
    assert spec.parent is not None
    keys = await parent_keys(demo, spec.parent.value)
    # every sort (a first page of lone nodes reads each item's sort value again: ``compose``), and
    # the public variants
    sorts = [(s.name, False) for s in spec.sorts] + [(s.name, True) for s in spec.sorts if s.public]
    # and rows of some properties (a map projection, or flat: ``page_items.flat_rows``)
    projections: list[tuple[str, ...] | None] = [None]
    if not by_key and spec.row == "properties(n)":
        projections.append(("key", "nameEn"))
    for sort, public in sorts:
        chosen = listing.chosen_sort(spec, sort, public)
        for props in projections:
            for descending in (False, True):
                for limit in (3, 500):
                    first, later = await _both(demo, spec, descending, limit, by_key=by_key, sort=sort,
                                               public=public, props=props, keys=keys)
                    if props is not None and page_items.flat_rows(spec, chosen, props):
                        later = _flat(later, spec, chosen, props)
                    # One row per parent with items, in no set order: compared by parent.
                    assert {r["key"]: r for r in first} == {r["key"]: r for r in _as_first(spec, by_key, later)}, (
                        spec.name, sort, public, props, descending, limit)
                    assert len(first) == len(later)


@pytest.mark.parametrize("spec", list(NESTED.values()), ids=lambda spec: spec.name)
async def test_a_nested_first_page_under_one_parent_is_its_page_under_several(demo: FalkorStore,
                                                                           spec: list_types.ListSpec) -> None:
    """A first page read under one parent (``compose``'s ``single``: cut by LIMIT where its items come
    alone) holds the row the several parents' statement holds for that parent: its total and its page,
    item for item, for every sort, the public variants, both directions, a small and a large page,
    and rows of some properties. Parents with items and parents without (no row) are both asked."""
    assert spec.parent is not None
    keys = await parent_keys(demo, spec.parent.value, most=12)
    sorts = [(s.name, False) for s in spec.sorts] + [(s.name, True) for s in spec.sorts if s.public]
    projections: list[tuple[str, ...] | None] = [None]
    if spec.row == "properties(n)":
        projections.append(("key", "nameEn"))
    compared = own = quiet_own = 0
    for sort, public in sorts:
        for props in projections:
            for descending in (False, True):
                several = listing.compose(spec, (), sort, descending, first=True, public=public, props=props)
                one = listing.compose(spec, (), sort, descending, first=True, public=public, props=props, single=True)
                own += one.name != several.name
                uncounted = listing.compose(spec, (), sort, descending, first=True, public=public, props=props,
                                            single=True, counted=False)
                quiet_own += uncounted.name != several.name
                for limit in (3, 500):
                    req = listing.Request(limit=limit, descending=descending, sort=sort, personal=not public)
                    given = listing._params(spec, req, None, limit)
                    everyone = {r["key"]: r for r in await demo.read(several, **given, keys=keys)}
                    alones = await asyncio.gather(*(demo.read(one, **given, keys=[key]) for key in keys))
                    for key, alone in zip(keys, alones, strict=True):
                        assert alone == ([everyone[key]] if key in everyone else []), (spec.name, sort, key)
                        compared += bool(alone and alone[0]["page"])
                        # not counted (Request.counted): the same page, and no total (whole pages under a few
                        # parents: a service's institutions are hundreds, for each sort)
                        if uncounted.name != several.name and (limit == 3 or key in keys[:3]):
                            quiet = await demo.read(uncounted, **given, keys=[key])
                            flat = uncounted.name.startswith("list_first_one_uncounted_flat")  # (ListSpec.flat)
                            assert quiet == [{**r, "total": None,
                                              "page": _as_flat(spec, sort, public, key, r["page"]) if flat
                                              else r["page"]}
                                             for r in alone], (spec.name, sort, key)
    form = page_items.first_form(spec, listing.chosen_sort(spec, spec.entity.default_sort, False), False, None)
    if form in (page_items.NODES, page_items.ROWS):  # the lists that have the form of their own
        assert own, spec.name
    if form in (page_items.NODES, page_items.ROWS, page_items.PICKED):  # and a form of their own not counted
        assert quiet_own, spec.name
    if spec.name in ("province_institutions", "county_institutions", "province_events"):
        assert compared, spec.name  # the demo data holds these: the comparison compared pages


def _as_flat(spec: list_types.ListSpec, sort: str, public: bool, key: str, page: list[list[Any]]) -> list[list[Any]]:
    """A page of rows that are maps ([row, edge, sort value, id] each) under the parent ``key`` in the shape a
    flat first page sends them (``ListSpec.flat``): [sort value, id, each entry's value...], a property the row
    lacks null, but for the entries that are the sort value, the id or the parent's key or label
    (``page_items.flat_sent``), which must equal those."""
    assert spec.flat and all(edge is None for _, edge, _, _ in page)
    _, sources = page_items.flat_sent(spec, listing.chosen_sort(spec, sort, public).expr)
    out = []
    for row, _, sv, id_ in page:
        values = [row[group].get(name) if group else row[name] for group, name, _ in spec.flat]
        for value, source in zip(values, sources, strict=True):
            if not isinstance(source, int) or source < 2:  # not sent: the sort value, the id, the parent's key
                expected = key if source is None else source if isinstance(source, str) else (sv, id_)[source]
                assert value == expected, (spec.name, sort, value, source)  # or label
        out.append([sv, id_, *(v for v, source in zip(values, sources, strict=True)
                               if isinstance(source, int) and source >= 2)])
    return out


def _flat(rows: list[dict[str, Any]], spec: list_types.ListSpec, chosen: list_types.Sort, props: tuple[str, ...]
          ) -> list[dict[str, Any]]:
    """Rows of a null cursor's page of projected nodes in a flat first page's shape: each item
    [sort value, id, the properties' values...], but for a property that is the sort value or the id
    (``page_items.row_sent``), which must equal it."""
    _, sources = page_items.row_sent(chosen.expr, spec.id, props)
    out = []
    for r in rows:
        page = []
        for row, edge, sv, id_ in r["page"]:
            assert edge is None and list(row) == list(props), (row, edge)
            values = list(row.values())
            assert all(value == (sv, id_)[source] for value, source in zip(values, sources, strict=True)
                       if source < 2), (spec.name, chosen.name, row)
            page.append([sv, id_, *(v for v, source in zip(values, sources, strict=True) if source >= 2)])
        out.append({**r, "page": page})
    return out


def _as_first(spec: list_types.ListSpec, by_key: bool, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A null cursor's rows in a first page's shape: no ``remaining`` (with no cursor, every item remains),
    and a page of keys flat, each item [sort value, id, edge values...] (``page_items.edge_entries``)."""
    entries = page_items.edge_entries(spec.edge)
    out = []
    for r in rows:
        assert r["remaining"] == r["total"], spec.name
        page = r["page"]
        if by_key:
            flat = []
            for row, edge, sv, id_ in page:
                assert row is None
                if entries is None:
                    values = [edge]
                else:
                    assert (edge is None) if not entries else list(edge) == [name for name, _ in entries], edge
                    values = [edge[name] for name, _ in entries]
                flat.append([sv, id_, *values])
            page = flat
        out.append({"key": r["key"], "total": r["total"], "page": page})
    return out


async def test_the_lists_of_the_demo_data_are_not_empty(demo: FalkorStore) -> None:
    """The comparisons above compare rows: the commonest nested lists have items in the demo data."""
    for name in ("institution_services", "institution_donations", "province_institutions"):
        spec = NESTED[name]
        assert spec.parent is not None
        keys = await parent_keys(demo, spec.parent.value)
        first, _ = await _both(demo, spec, False, 3, keys=keys)
        assert any(r["page"] for r in first), name


@pytest.mark.parametrize("spec", list(ROOTS.values()), ids=lambda spec: spec.name)
async def test_a_root_lists_total_is_the_number_of_its_rows(demo: FalkorStore, spec: list_types.ListSpec) -> None:
    """Counted as items, not as pairs of ends: the demo data's donors give to the same institution
    more than once (139 pairs), and FalkorDB's count(*) counted such a pair once."""
    everything, _ = await _both(demo, spec, False, 10**6)
    total = await listing.count_root(demo, spec, listing.Request())
    assert total == len(everything), spec.name
    if spec.name == "donations":
        assert len({(r["row"]["donor"], r["row"]["recipient"]) for r in everything}) < total  # repeated pairs


async def test_a_donations_page_scanned_as_relationships_equals_the_labelled_pattern(demo: FalkorStore) -> None:
    """The root donations list reads the relationships alone when nothing reads their ends
    (list_statements.edge_form): the same rows and totals as the labelled pattern, for every sort, both
    directions, first pages and pages after a cursor, with filters on the gift; a filter on the donor
    keeps the labelled pattern."""
    spec = ROOTS["Donation"]
    labelled = dataclasses.replace(spec, edge_scan="", ends="")
    filters: dict[tuple[str, ...], dict[str, Any]] = {
        (): {}, ("amountMin",): {"amountMin": 5_000_000}, ("dateFrom",): {"dateFrom": "2025-06-01"},
        ("amountMax", "search"): {"amountMax": 10**12, "search": "school"}}
    compared = 0
    for used, values in filters.items():
        for sort in (s.name for s in spec.sorts):
            assert list_statements.edge_form(spec, used, spec.sort(sort)) is not None, (used, sort)
            for descending in (False, True):
                for first in (True, False):
                    params = {**values, "limit": 7, **({} if first else {"cursorSv": None, "cursorId": None})}
                    edges = listing.compose(spec, used, sort, descending, first=first)
                    plain = listing.compose(labelled, used, sort, descending, first=first)
                    assert "startNode(r)" in edges.text and "startNode" not in plain.text
                    got = await demo.read(edges, **params)
                    assert got == await demo.read(plain, **params), (used, sort, descending, first)
                    compared += len(got)
        total = await demo.read(listing.compose_count(spec, used), **values)
        assert total == await demo.read(listing.compose_count(labelled, used), **values), used
    assert compared > 0
    # the donor's kind is read from the ends: the labelled pattern stays
    assert list_statements.edge_form(spec, ("donorKind",), spec.sort("DATE")) is None
    assert "startNode" not in listing.compose(spec, ("donorKind",), "DATE", False).text


async def test_a_provinces_councils_read_from_the_councils_first_equal_the_pattern_alone(demo: FalkorStore) -> None:
    """province_councils matches its councils first (``items_first``): the same pages, totals and
    order as the one pattern FalkorDB planned from every node of the graph."""
    spec = NESTED["province_councils"]
    alone = dataclasses.replace(spec, items_first="", pattern="(n:Council)-[:COVERS_PROVINCE|COVERS_COUNTY]->(pa)")
    keys = await parent_keys(demo, "Province")
    seen = 0
    for used, values in (((), {}), (("level",), {"level": ["PROVINCIAL", "COUNTY"]})):
        for by_key in (False, True):
            for first in (True, False):
                params = {**values, "keys": keys, "limit": 4, **({} if first else {"cursorSv": None, "cursorId": None})}
                got, want = [await demo.read(listing.compose(s, used, "NAME_EN", False, by_key=by_key, first=first),
                                             **params) for s in (spec, alone)]
                assert got == want, (used, by_key, first)
                seen += sum(len(r["page"]) for r in got)
    assert seen > 0


def test_an_edge_comes_flat_only_when_its_entries_can_be_read() -> None:
    """A first page of keys carries an edge's values flat when the edge is null or a plain map literal;
    anything else (a variable holding a map of aggregates, a value with a string or a call with
    commas) travels whole."""
    assert page_items.edge_entries("null") == ()
    assert page_items.edge_entries("{capacity: r.capacity}") == (("capacity", "r.capacity"),)
    assert page_items.edge_entries("{role: r.role, since: r.since}") == (("role", "r.role"), ("since", "r.since"))
    for whole in ("e", "{a: f(x, y)}", "{a: 'x, y'}", "{a: [1, 2]}", "{a: {b: 1}}", "{1a: r.x}", "{a r.x}"):
        assert page_items.edge_entries(whole) is None, whole
    assert page_items.edge_of(None, [{"units": 1}]) == {"units": 1}
    assert page_items.edge_of((), []) is None
    role = (("role", "r.role"), ("since", "r.since"))
    assert page_items.edge_of(role, ["HEAD", None]) == {"role": "HEAD", "since": None}


def test_a_page_is_built_from_its_nodes_alone_only_when_nothing_else_is_read() -> None:
    """The comprehension form reads each item's row, sort value and id from its node: a list carrying
    more than ``n``, aggregating, or whose sort reads another variable keeps the unwound form."""
    spec = NESTED["province_institutions"]
    assert page_items.item_alone(spec, spec.sort("NAME_EN"), "properties(n)")
    assert page_items.item_alone(spec, list_types.Sort("X", "coalesce(n.nameEn, 'p.key: x')"), "n {.key, .nameEn}")
    assert not page_items.item_alone(spec, list_types.Sort("X", "p.key"), "properties(n)")
    assert not page_items.item_alone(spec, list_types.Sort("X", "coalesce(k, n.key)"), "properties(n)")
    assert not page_items.item_alone(spec, spec.sort("CAPACITY"), "properties(n)")  # an OPTIONAL MATCH, summed
    assert not page_items.item_alone(spec, list_types.Sort("X", "count(n)"), "properties(n)")
    assert not page_items.item_alone(NESTED["institution_services"], list_types.Sort("X", "n.key"), "properties(n)")
    assert not page_items.item_alone(NESTED["institution_donors"], list_types.Sort("X", "n.key"), "properties(n)")
    assert "UNWIND CASE" not in listing.compose(spec, (), "NAME_EN", False, first=True).text
    # the one decision compose writes by and fetch_nested reads by
    name_en, props = spec.sort("NAME_EN"), ("key", "nameEn")
    assert page_items.first_form(spec, name_en, True, None) == page_items.KEYS
    assert page_items.first_form(spec, name_en, False, props) == page_items.ROWS
    assert page_items.first_form(spec, name_en, False, None) == page_items.NODES
    # any other list: its page picked from the collected items by a list comprehension, not unwound
    assert page_items.first_form(spec, spec.sort("CAPACITY"), False, props) == page_items.PICKED
    assert "UNWIND CASE" not in listing.compose(spec, (), "CAPACITY", False, first=True).text
    assert all(page_items.first_form(s, sort, False, asked) != page_items.UNWOUND
               for s in NESTED.values() for sort in s.sorts for asked in (None, props))


def test_a_page_is_picked_from_its_items_only_when_each_variable_is_read_as_a_value() -> None:
    """``picked`` reads each carried variable as its place in a collected item, and a map projection of one
    as the map literal it stands for; a label test, an aggregate, or the comprehension's own name refuses."""
    donations = ("{props: properties(r), donor: dn.key, donorKind: dn.kind, recipient: rc.key, "
                 "recipientKind: labels(rc)[0]}")
    assert page_items.picked(("dn", "r", "rc"), donations, "null") == (
        "{props: properties(x[1]), donor: x[0].key, donorKind: x[0].kind, recipient: x[2].key, "
        "recipientKind: labels(x[2])[0]}", "null")
    assert page_items.picked(("n", "r"), "n {.domain, .key}", "{capacity: r.capacity}") == (
        "{domain: x[0].domain, key: x[0].key}", "{capacity: x[1].capacity}")
    assert page_items.picked(("n", "e"), "properties(n)", "e") == ("properties(x[0])", "x[1]")
    # names inside strings and property names are not variables
    assert page_items.picked(("n", "r"), "{s: 'n, r', t: n.r}", "null") == ("{s: 'n, r', t: x[0].r}", "null")
    # a map key named as a variable cannot be told from a label test by its text: refused
    assert page_items.picked(("n", "r"), "{n: n.key}", "null") is None
    assert page_items.picked(("n", "r"), "properties(n)", "CASE WHEN n:Donor THEN r.a END") is None
    assert page_items.picked(("n",), "{total: sum(n.amount)}", "null") is None
    assert page_items.picked(("n", "x"), "properties(n)", "null") is None
    assert page_items.picked(("n",), "properties(n)", "{a: x.b}") is None


@pytest.mark.parametrize("spec", [s for s in NESTED.values() if s.row == "properties(n)"], ids=lambda spec: spec.name)
async def test_a_first_page_of_some_properties_holds_them_as_the_whole_rows_do(demo: FalkorStore,
                                                                              spec: list_types.ListSpec) -> None:
    """Read through ``fetch_nested`` for one parent at a time (rows inline, flat when ``flat_rows``): each
    page, item for item, is the page of whole rows cut to the properties asked for."""
    assert spec.parent is not None
    props = ("key", "nameEn")
    seen = 0
    for key in (await parent_keys(demo, spec.parent.value))[:8]:
        for descending in (False, True):
            whole, some = [(await listing.fetch_nested(demo, spec, [key], listing.Request(
                limit=3, descending=descending, props=asked)))[key] for asked in (None, props)]
            cut = [item._replace(row={p: item.row.get(p) for p in props}) for item in whole.items]
            assert some.items == cut, (spec.name, key)
            assert (some.has_next, some.has_previous, some.total) == (whole.has_next, whole.has_previous, whole.total)
            seen += len(cut)
    if spec.name in ("province_institutions", "province_counties", "county_institutions"):
        assert seen > 0


def test_a_statement_is_named_for_the_public_variant_only_when_it_reads_one() -> None:
    """A list's own sort (an override: the capacity an institution offers) is named as it is; the public
    variant of a sort that has one carries ``_public``."""
    services = NESTED["institution_services"]
    for public in (False, True):
        assert "__capacity__" in listing.compose(services, (), "CAPACITY", False, first=True, public=public).name
    spec = next(s for s in ROOTS.values() if any(sort.public for sort in s.sorts))
    sort = next(sort.name for sort in spec.sorts if sort.public)
    assert f"__{sort.lower()}_public__" in listing.compose(spec, (), sort, False, public=True).name
    assert f"__{sort.lower()}__" in listing.compose(spec, (), sort, False).name


async def test_a_first_page_left_unwound_is_the_page_from_a_null_cursor(demo: FalkorStore) -> None:
    """No list of the schema takes the unwound first form now (``picked`` reads them all), but a row
    ``picked`` refuses (here a label test on a carried variable) still gets it, and it gives what the
    cursor form gives from a null cursor."""
    gifts = NESTED["institution_donations"]
    spec = dataclasses.replace(gifts, row=f"CASE WHEN dn:Donor THEN {gifts.row} END")
    assert spec.parent is not None
    assert page_items.first_form(spec, spec.sort(spec.entity.default_sort), False, None) == page_items.UNWOUND
    assert "UNWIND CASE" in listing.compose(spec, (), spec.entity.default_sort, False, first=True).text
    keys = await parent_keys(demo, spec.parent.value)
    seen = 0
    for descending in (False, True):
        for limit in (3, 500):
            first, later = await _both(demo, spec, descending, limit, keys=keys)
            assert {r["key"]: r for r in first} == {r["key"]: r for r in _as_first(spec, False, later)}
            seen += sum(len(r["page"]) for r in first)
    assert seen > 0


async def test_a_first_pages_plan_is_kept_and_its_refusals_and_cursor_pages_are_not(demo: FalkorStore) -> None:
    """``fetch_nested`` keeps a first page's plan (statement, parameters, form) by list, request and number
    of parents: asked again, the same pages from it. A refusal is raised again each time it is asked, and a
    page after a cursor is worked out afresh, kept nowhere."""
    spec = NESTED["institution_services"]
    keys = (await parent_keys(demo, "Institution"))[:3]
    plans = listing._first_plan  # noqa: SLF001
    plans.cache_clear()
    first = [await listing.fetch_nested(demo, spec, keys[:n], listing.Request(limit=2)) for n in (1, 3)]
    assert (plans.cache_info().hits, plans.cache_info().misses) == (0, 2)  # one parent, several
    assert any(page.items for pages in first for page in pages.values())
    again = [await listing.fetch_nested(demo, spec, keys[:n], listing.Request(limit=2)) for n in (1, 3)]
    assert again == first
    assert (plans.cache_info().hits, plans.cache_info().misses) == (2, 2)
    for _ in range(2):
        with pytest.raises(ValidationFailed, match="sort does not apply"):
            await listing.fetch_nested(demo, spec, keys[:1], listing.Request(sort="NO_SUCH_SORT"))
    order = first[0][keys[0]].order
    after = listing.Request(limit=2, after=("", ""), cursor_order=order)
    assert await listing.fetch_nested(demo, spec, keys[:1], after) == await listing.fetch_nested(
        demo, spec, keys[:1], after)
    assert plans.cache_info().currsize == 2
    with pytest.raises(ValidationFailed, match="another ordering"):
        await listing.fetch_nested(demo, spec, keys[:1], dataclasses.replace(after, cursor_order="other"))


async def test_a_first_pages_plan_filtered_by_a_list_or_a_long_text_is_not_kept(demo: FalkorStore) -> None:
    """What a first page's kept plan may hold is bounded: a filter of a list, or of a text longer than
    ``KEPT_TEXT``, leaves the page's plan unkept (the same page read), a short text does not."""
    spec = NESTED["county_institutions"]
    keys = (await parent_keys(demo, "County"))[:2]
    plans = listing._first_plan  # noqa: SLF001
    plans.cache_clear()
    for value in (("RESIDENTIAL_CARE",), "x" * (listing.KEPT_TEXT + 1)):
        name = "kind" if type(value) is tuple else "search"
        req = listing.Request(filters=((name, value),), limit=2)
        assert await listing.fetch_nested(demo, spec, keys, req) == await listing.fetch_nested(demo, spec, keys, req)
    assert plans.cache_info().currsize == 0
    await listing.fetch_nested(demo, spec, keys, listing.Request(filters=(("search", "x" * listing.KEPT_TEXT),)))
    assert plans.cache_info().currsize == 1
