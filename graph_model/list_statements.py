"""A list's statements, composed from named Cypher fragments (graph_model.listing reads with them).

Filters are fragments: a predicate on the item in the first ``WHERE``, or a ``MATCH`` that
joins the item to something (its county, the services it offers, ...). Only the fragments of
the filters a request uses are spliced in: FalkorDB evaluates a ``$x IS NULL OR ...`` guard
and pattern predicates row by row, which made one generic statement 20-100x slower than
composed ones on the national profile (measured in benchmarks/README.md).

A composed statement's name says which fragments it holds, and every fragment text is a
constant declared here or in ``graph_model.list_specs``; ``lint_samples`` composes each list
with all its filters and each sort so Neo4j's linter sees every fragment in context.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from graph_model.cypher import Rooted, Statement, projected, projected_name, seek_keys, statement
from graph_model.list_types import ListSpec, Sort
from graph_model.page_items import (KEYS, NODES, OMITTED, PICKED, ROWS, carried, edge_entries, first_form,
                                    flat_relation, flat_sent, picked, row_sent)


def _with(carry: tuple[str, ...], keyed: bool, *extra: str, distinct: bool = False) -> str:
    """A WITH carrying ``carry`` (and, ``keyed``, the parent's key ``k``: a statement answering per parent)."""
    names = (("k",) if keyed else ()) + carry + extra
    return f"WITH {'DISTINCT ' if distinct else ''}{', '.join(names)}"


def _body(spec: ListSpec, used: tuple[str, ...], keyed: bool = True) -> tuple[str, tuple[str, ...]]:
    """The MATCH, filters and aggregate of a list, and the variables it carries on; a nested list's carry
    its parent's key ``k`` unless not ``keyed`` (under one parent, ``_lone``) and its parents are nodes (one
    whose items are tested against ``k``, ``key_where``, carries it to that test)."""
    nested = spec.parent is not None
    keyed = nested and (keyed or bool(spec.key_where))
    chosen = [f for f in spec.filters if f.name in used]
    replaced = {f.replaces for f in chosen}
    chosen = [f for f in chosen if f.name not in replaced]
    wheres = [spec.key_where] if spec.key_where else []
    wheres += [f"({f.where})" for f in chosen if f.where]
    parts = ["UNWIND $keys AS k"] if nested and spec.key_where else []
    if nested and not spec.key_where:
        # Seek the parents by their keys first: left to itself the planner may start from the
        # other end of the pattern (all 100,000 donors) and filter on the parent last.
        parts.append(seek_keys(spec.parent_var, spec.parent.value, carry=keyed))  # type: ignore[union-attr]
    pattern = spec.pattern
    if nested and not spec.key_where:
        # The anchored parent is bound already; naming its label again makes FalkorDB traverse
        # from the node to itself (a "conditional traverse (p)->(p)" in the plan).
        pattern = pattern.replace(f"({spec.parent_var}:{spec.parent.value})", f"({spec.parent_var})")  # type: ignore[union-attr]
    if spec.items_first:
        parts.append(f"MATCH {spec.items_first} {_with(spec.carry, keyed)}")
    parts.append(f"MATCH {pattern}")
    if wheres:
        parts.append("WHERE " + " AND ".join(wheres))
    carry = spec.carry
    if spec.distinct:
        parts.append(_with(carry, keyed, distinct=True))
    if spec.aggregate:
        parts.append(f"{_with(('n',), keyed)}, {spec.aggregate}")
        carry = ("n", "e")
    joins = [f for f in chosen if f.match]
    if joins:
        # A WITH before the joins: FalkorDB then expands each item once instead of planning
        # the joins into the first MATCH (8 ms instead of 72 ms for a province's institutions).
        parts.append(_with(carry, keyed))
        for f in joins:
            parts += [f.match, _with(carry, keyed, distinct=f.multiplies)]
    return " ".join(p for p in parts if p), carry


def edge_form(spec: ListSpec, used: tuple[str, ...], sort: Sort | None) -> ListSpec | None:
    """The list scanned as its relationships alone, when ``spec`` has such a form and neither the
    filters in use nor the sort read the relationship's ends; else None.

    FalkorDB reaches `(dn:Donor)-[r:DONATED_TO]->(rc:Institution)` by scanning every institution and
    traversing its gifts; the relationships alone are scanned directly, sorted and cut, and only the
    page's ends are bound (startNode, endNode). The national profile's 495,000 donations: a page
    0.56 -> 0.35 s through the API, their count 0.41 s -> 0.6 ms (FalkorDB keeps it). A caller without the right to
    see individual donors' gifts has a donor-kind filter (hub.auth.privacy): the ends are read, and the
    list keeps its pattern."""
    if not spec.edge_scan or spec.parent is not None:
        return None
    ends = [v for v in spec.carry if f"[{v}:" not in spec.edge_scan]
    fragments = [f.where + f.match for f in spec.filters if f.name in used]
    fragments += [sort.expr, sort.optional_match] if sort is not None else []
    if any(re.search(rf"\b{v}\.", text) for v in ends for text in fragments):
        return None
    kept = tuple(v for v in spec.carry if v not in ends)
    return replace(spec, pattern=spec.edge_scan, carry=kept)


def chosen_sort(spec: ListSpec, sort_name: str, public: bool) -> Sort:
    """The sort a list is read by: ``sort_name``'s, or its public variant (``Sort.public``)."""
    chosen = spec.sort(sort_name)
    return chosen.public if public and chosen.public is not None else chosen


def _sort_clause(sort: Sort, carry: tuple[str, ...], keyed: bool) -> str:
    if sort.optional_match:
        return f"{sort.optional_match} {_with(carry, keyed)}, {sort.expr} AS sv"
    return f"{_with(carry, keyed)}, {sort.expr} AS sv"


def _cursor(sv: str, id_: str, descending: bool) -> str:
    """Whether the item whose sort value and id are the expressions ``sv`` and ``id_`` comes after the cursor."""
    op = "<" if descending else ">"
    return (f"($cursorId IS NULL OR {sv} {op} $cursorSv "
            f"OR ({sv} = $cursorSv AND {id_} {op} $cursorId))")


def _name(spec: ListSpec, used: tuple[str, ...], sort: str, descending: bool, what: str) -> str:
    return "__".join([f"{what}_{spec.name}", *used, sort.lower(), "desc" if descending else "asc"])


def public_sort(spec: ListSpec, sort_name: str, personal: bool) -> bool:
    """Whether a caller (``personal``: may see personal figures) sorts by the sort's public variant."""
    return not personal and spec.sort(sort_name).public is not None


def order_of(spec: ListSpec, sort_name: str, personal: bool) -> str:
    """What a cursor of this list is bound to: the kind of item, the sort, and the caller's
    visibility. A cursor is only valid in an ordering with the same name (hub.execution.cursors)."""
    return f"{spec.entity.name}.{sort_name}.{'personal' if personal else 'public'}"


def _row(spec: ListSpec, props: tuple[str, ...] | None) -> tuple[str, str]:
    """What a row of the list holds, and the statement name's suffix for it."""
    if props is None or spec.row != "properties(n)":
        return spec.row, ""
    return projected("n", props), projected_name(props)


@lru_cache(maxsize=4096)
def compose(spec: ListSpec, used: tuple[str, ...], sort_name: str, descending: bool,
            register: bool = False, public: bool = False, by_key: bool = False,
            props: tuple[str, ...] | None = None, first: bool = False, single: bool = False,
            counted: bool = True) -> Statement:
    """The page statement for a list with the given filters in use, sort and direction;
    ``public``: by the sort's public variant (``Sort.public``), for a caller without the right to
    see personal data; ``by_key``: a nested list of nodes whose rows hold no properties, the
    nodes being read once each by key afterwards (``fetch_nested``); ``props``: the properties a
    row of nodes holds (``Request.props``); ``first``: a page read without a cursor (no cursor
    parameters and no test of each item against one; the same rows as with a null cursor);
    ``single``: a nested list's first page read under one parent (its items sorted and cut by LIMIT,
    where they come alone; the same rows as under several parents); ``counted``: with it, whether its
    total is asked for (not: its items are not collected to count them, and its total is null)."""
    row, suffix = _row(spec, props)
    nested = spec.parent is not None
    chosen = chosen_sort(spec, sort_name, public)
    if public and spec.sort(sort_name).public is not None:  # (``sorts`` makes a list's own sorts afresh)
        sort_name = f"{sort_name}_public"
    edges = edge_form(spec, used, chosen)  # a root list of relationships whose ends nothing reads
    body, carry = _body(edges or spec, used)
    sort = _sort_clause(chosen, carry, nested)
    direction = "DESC" if descending else "ASC"
    alone = ""  # a first page under one parent (``single``), where it has a form of its own
    rooted = None  # its form under one root (``_lone``)
    if nested:
        # Every item of every parent is sorted and counted, but only the page's items are
        # projected: the carried variables travel in the collected maps, and the page is
        # unwound to build its rows (a province's 820 institutions built 820 property maps
        # for a page of 100 before). An empty page unwinds as one null, so the parent's
        # totals still come back; collect() drops the null. An item is a list [row, edge, sort
        # value, id], not a map with those keys in every item: the page of 100 institutions' 205
        # services (keys only) decoded in 0.44-0.78 ms as lists, 0.70-1.14 ms as maps. So are the
        # collected items ([carried variables..., sort value, id]): a province's 820 institutions
        # took FalkorDB 0.90 ms collected as lists, 1.04 as maps.
        keep = ", ".join(carry)
        packed = f"[{keep}, sv, id]"
        unpacked = ", ".join(f"x[{i}] AS {v}" for i, v in enumerate(carry))
        sv, id_ = f"x[{len(carry)}]", f"x[{len(carry) + 1}]"
        ordered = f"{body} {sort}, {spec.id} AS id ORDER BY sv {direction}, id {direction} "  # one WITH
        form = first_form(spec, chosen, by_key, props) if first else None
        if form == KEYS:
            # A first page of keys: each item's [sort value, id, edge...] collected as it comes (no
            # larger than the map of its variables the other forms collect), the page cut from them.
            # The services of 100 institutions: 0.69 ms of FalkorDB's time instead of 1.3. The edge's
            # values come flat, its map built by ``fetch_nested`` (``edge_entries``): the same reply
            # decoded in 0.40 ms instead of 0.63, FalkorDB 0.80 instead of 0.92 (issue 18, thirteenth).
            entries = edge_entries(spec.edge)
            flat = ", ".join(["sv", "id", *(expr for _, expr in entries)] if entries is not None
                             else ["sv", "id", spec.edge])
            text = (f"{ordered}WITH k, collect([{flat}]) AS rows "
                    f"RETURN k AS key, size(rows) AS total, rows[0..$limit] AS page")
        elif form in (NODES, ROWS):
            # A first page of lone nodes: the sorted nodes collected, the page's rows built by a list
            # comprehension, each item's sort value and id read again from its node. The
            # institutions of a province: FalkorDB 0.89 ms instead of 1.10 (issue 18, thirteenth).
            # Rows of some properties come flat, [sort value, id, values...], their maps built by
            # ``fetch_nested`` (``flat_rows``): decoded in 0.17 ms instead of 0.30.
            item = (", ".join([chosen.expr, spec.id, *row_sent(chosen.expr, spec.id, props or ())[0]])
                    if form == ROWS else f"{row}, {spec.edge}, {chosen.expr}, {spec.id}")  # (each value once)
            if not single:
                text = (f"{ordered}WITH k, collect(n) AS rows "
                        f"RETURN k AS key, size(rows) AS total, [n IN rows[0..$limit] | [{item}]] AS page")
            else:
                # Under one parent (a root list narrowed to a province, a county's institutions), LIMIT
                # cuts the page as the items are sorted, keeping only the page's, where the other form
                # sorts them all and slices the page off; the total is the count of the nodes collected
                # first. A province's 657 institutions by Persian name, a page of 40: FalkorDB 0.54-0.66 ms
                # instead of 0.70-0.78; its 820 by English name, 100: 0.72-0.74 instead of 0.80-0.86
                # (issue 18, nineteenth). Several parents share no LIMIT: each needs its own page.
                if counted:
                    text = (f"{body} WITH k, collect(n) AS found UNWIND found AS n "
                            f"WITH k, size(found) AS total, n, {chosen.expr} AS sv, {spec.id} AS id "
                            f"ORDER BY sv {direction}, id {direction} LIMIT $limit "
                            f"RETURN k AS key, total, collect([{item}]) AS page")
                    alone = "_one"
                else:  # nothing collected first: 0.44-0.48 ms instead of 0.54-0.66 for the 657
                    text, rooted = _lone(spec, used, chosen, direction, item)
                    alone = "_one_uncounted"
        elif form == PICKED and single and not counted:
            # Under one parent and not counted (an institution's 20 latest gifts, its services, with no
            # `totalCount`): LIMIT cuts the page as the items are sorted, and its rows are built from the
            # carried variables as they are, where the form below collects every item and builds the page
            # from the collected lists. The picked rows read no aggregate (``picked``), so they may sit in
            # the collect. The 33 gifts of one institution, 21 of them: FalkorDB 0.30-0.33 ms instead of
            # 0.36-0.38 (issue 18, twentieth).
            if flat_relation(spec, form, single, counted):
                # Rows that are a map of values (a gift's) come flat, [sort value, id, values...], their maps
                # built by ``fetch_nested`` (``ListSpec.flat``): the 21 gifts of one institution decoded in
                # 0.15 ms instead of 0.21-0.23, FalkorDB 0.28-0.30 ms instead of 0.31-0.37 (issue 18, twentieth).
                # An entry that is the sort value, the id or the parent's key or label is not sent again, nor
                # one of the row's properties that ``props`` (what the selection reads) leaves out (``flat_sent``).
                sent, sources = flat_sent(spec, chosen.expr, props)
                values = ", ".join(["sv", "id", *sent])
                alone = "_one_uncounted_flat"
                suffix = projected_name(props) if OMITTED in sources else ""  # each projection's statement its name
            else:
                values = f"{row}, {spec.edge}, sv, id"
                alone = "_one_uncounted"
            text, rooted = _lone(spec, used, chosen, direction, values)
        elif form == PICKED:
            # Any other first page: the page's rows built by a list comprehension over the collected
            # items, each carried variable read as its place in the item (``picked``), instead of
            # unwinding the page and collecting it again. An institution's 20 latest gifts: FalkorDB
            # 0.32 ms instead of 0.36-0.43 (issue 18, fourteenth).
            assert carry == carried(spec)  # what first_form decided by
            pick_row, pick_edge = picked(carry, row, spec.edge)  # type: ignore[misc]  # (first_form checked)
            text = (f"{ordered}WITH k, collect({packed}) AS rows RETURN k AS key, size(rows) AS total, "
                    f"[x IN rows[0..$limit] | [{pick_row}, {pick_edge}, {sv}, {id_}]] AS page")
        else:
            cut = ("WITH k, size(rows) AS total, rows[0..$limit] AS page " if first else
                   f"WITH k, size(rows) AS total, [x IN rows WHERE {_cursor(sv, id_, descending)}] AS rest "
                   f"WITH k, total, size(rest) AS remaining, rest[0..$limit] AS page ")
            remaining = "" if first else "remaining, "  # a first page's is its total (``fetch_nested``)
            text = (f"{ordered}WITH k, collect({packed}) AS rows {cut}"
                    f"UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE page END AS x "
                    f"WITH k, total, {remaining}x, {unpacked} "
                    f"RETURN k AS key, total, {remaining}collect(CASE WHEN x IS NULL THEN null ELSE "
                    f"[{'null' if by_key else row}, {spec.edge}, {sv}, {id_}] END) AS page")
    else:
        # Sort and cut on the bare values first: building every row's properties before the
        # LIMIT cost 680 ms instead of 12 ms on the national profile's 21,000 institutions.
        # The relationships alone (edge_form): their ends bound for the page only.
        ends = "" if edges is None else f"WITH {', '.join(carry)}, sv, id, {spec.ends} "
        keep = ", ".join(carry)
        after = "" if first else f"WHERE {_cursor('sv', 'id', descending)} "
        text = (f"{body} {sort} WITH {keep}, sv, {spec.id} AS id {after}"
                f"WITH {keep}, sv, id ORDER BY sv {direction}, id {direction} LIMIT $limit "
                f"{ends}RETURN {row} AS row, {spec.edge} AS edge, sv, id")
    what = ("list_by_key" if by_key else "list") + ("_first" if first else "") + alone
    return statement(_name(spec, used, sort_name, descending, what) + suffix, text, register=register, rooted=rooted)


def _lone(spec: ListSpec, used: tuple[str, ...], sort: Sort, direction: str, item: str) -> tuple[str, Rooted | None]:
    """A first page under one parent, not counted: its items sorted and cut by LIMIT as they come, and collected
    into the page with no parent's key carried along. Under one parent that key is the one given, so grouping
    the items by it, as the statements answering per parent do, is work for nothing: one institution's
    services and 21 latest gifts, joined with its other reads, cost FalkorDB 0.517 ms instead of 0.570 (10
    rounds, lower in 8; issue 18, twenty-sixth). No item, no row, as when grouped."""
    body, carry = _body(spec, used, keyed=False)  # (a nested list has no form of relationships alone: edge_form)
    ordered = (f"{_sort_clause(sort, carry, False)}, {spec.id} AS id "
               f"ORDER BY sv {direction}, id {direction} LIMIT $limit")
    text = (f"{body} {ordered} WITH collect([{item}]) AS page WHERE size(page) > 0 "
            f"RETURN head($keys) AS key, null AS total, page")
    # Under one root (graph_model.stores.fused): the parent bound to it instead of sought, the page collected
    # whatever it holds (the read's row, or none, made again from it).
    seek = seek_keys(spec.parent_var, spec.parent.value, carry=False)  # type: ignore[union-attr]  # (nested)
    if spec.key_where or not body.startswith(seek + " "):
        return text, None
    bound = f"WITH root AS {spec.parent_var} WHERE {spec.parent_var} IS NOT NULL"
    return text, Rooted("page", f"{bound}{body[len(seek):]} {ordered} RETURN collect([{item}]) AS v",
                        spec.parent.value)  # type: ignore[union-attr]


@lru_cache(maxsize=1024)
def compose_count(spec: ListSpec, used: tuple[str, ...], register: bool = False) -> Statement:
    """How many items a root list holds under the given filters.

    The item itself is counted (``count(r)``, the variable of its id), not the rows: FalkorDB's
    ``count(*)`` over a pattern whose relationship is not used after it counts each pair of ends
    once (FalkorDB/FalkorDB#248), so a donor's second gift to the same institution went uncounted
    (1,062 of the demo data's 1,460 donations; 378,016 of national's 495,000)."""
    body, _ = _body(edge_form(spec, used, None) or spec, used)
    item = spec.id.split(".")[0]
    return statement(_name(spec, used, "count", False, "count"), f"{body} RETURN count({item}) AS total",
                     register=register)


def lint_samples(specs: list[ListSpec]) -> list[Statement]:
    """Compositions that between them hold every fragment of every list, registered for the
    linter: each list with all its filters; each root list with each of its sorts and descending;
    each list's own sorts; each root list's count; each list's first page (no cursor). (Linting
    costs ~0.4 s per long statement, so the samples cover each fragment once rather than every
    combination.)"""
    out: list[Statement] = []
    for spec in specs:
        every = tuple(sorted(f.name for f in spec.filters))
        out.append(compose(spec, every, spec.entity.default_sort, False, register=True))
        if any(f.replaces for f in spec.filters):  # and the fragments they stand in for
            plain = tuple(sorted(f.name for f in spec.filters if not f.replaces))
            out.append(compose(spec, plain, spec.entity.default_sort, False, register=True))
        own = [name for name, _ in spec.sort_overrides]
        if spec.parent is None:
            own += [s.name for s in spec.sorts if s.name != spec.entity.default_sort]
            out.append(compose(spec, (), spec.entity.default_sort, True, register=True))
            out.append(compose_count(spec, every, register=True))
            if spec.edge_scan:  # and its count over the relationships alone (edge_form)
                out.append(compose_count(spec, (), register=True))
            # and the public variants (Sort.public), each once with its list
            out += [compose(spec, (), s.name, False, register=True, public=True) for s in spec.sorts if s.public]
        out += [compose(spec, (), name, False, register=True) for name in dict.fromkeys(own)]
        if spec.parent is not None and spec.node_label is not None:  # read in two under several parents
            out.append(compose(spec, (), spec.entity.default_sort, False, register=True, by_key=True))
        # and a first page's forms (no cursor), whose ends differ from the others'
        out.append(compose(spec, (), spec.entity.default_sort, False, register=True, first=True))
        if spec.parent is not None and spec.node_label is not None:
            out.append(compose(spec, (), spec.entity.default_sort, False, register=True, by_key=True, first=True))
    # and rows holding only some properties (a map projection), once at the root and once nested
    for nested in (False, True):
        sample = next((s for s in specs if (s.parent is not None) == nested and s.row == "properties(n)"), None)
        if sample is not None:
            out.append(compose(sample, (), sample.entity.default_sort, False, register=True, props=("key", "nameEn")))
            if nested:  # and in a first page's list comprehension, and under one parent, counted or not (flat rows)
                out += [compose(sample, (), sample.entity.default_sort, False, register=True, props=("key", "nameEn"),
                                first=True, single=single, counted=counted)
                        for single, counted in ((False, True), (True, True), (True, False))]
    # and a first page under one parent of whole rows, counted or not (its other fragments are the lists' own above)
    whole = next((s for s in specs if s.parent is not None and compose(
        s, (), s.entity.default_sort, False, first=True, single=True).name.startswith("list_first_one")), None)
    if whole is not None:
        out += [compose(whole, (), whole.entity.default_sort, False, register=True, first=True, single=True,
                        counted=counted) for counted in (True, False)]
    # and a first page under one parent not counted whose rows are picked (a row and an edge in a collect), once
    # with its rows as maps and once flat (ListSpec.flat): the fragments in them are each list's own, linted above
    picking = [s for s in specs if s.parent is not None
               and first_form(s, s.sort(s.entity.default_sort), False, None) == PICKED]
    as_maps = next((s for s in picking if not s.flat and s.edge != "null"), None)  # a row and an edge as maps
    as_flat = next((s for s in picking if s.flat), None)
    out += [compose(sample, (), sample.entity.default_sort, False, register=True, first=True, single=True,
                    counted=False) for sample in (as_maps, as_flat) if sample is not None]
    return out
