"""Lists with filters, sorting and keyset pagination: a page of a root list, or the same page of a
nested list under many parents at once.

A list is a pattern that binds its items (``n``, or a relationship for donations and
memberships), optionally under a parent bound by key (``p.key = k``, one list of ``$keys`` for
every parent a GraphQL page asks about, so nested lists never cost a round trip per parent).
What a list is: graph_model.list_types; its statements: graph_model.list_statements.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, NamedTuple

from graph_model import filled, queries
from graph_model.errors import FieldError, ValidationFailed
from graph_model.list_statements import chosen_sort, compose, compose_count, order_of, public_sort
from graph_model.cypher import Statement
from graph_model.enums import Label
from graph_model.list_types import ListSpec, Sort
from graph_model.page_items import (KEYS, ROWS, UNWOUND, Item, edge_entries, first_form, flat_items, flat_relation,
                                    flat_relation_items, flat_row_items, flat_sent, nested_items, root_items,
                                    row_sent)
from graph_model.stores.base import GraphStore

@dataclass(frozen=True)
class Page:
    """A page of a list. ``total`` is None for a root list unless its page shows it (an empty
    list); ``count_root`` counts it when asked. ``order``: the ordering its cursors are bound to."""

    items: list[Item]
    has_next: bool
    has_previous: bool
    total: int | None = None
    order: str = ""


@dataclass(frozen=True)
class Request:
    """What a caller asks of a list: filter values (None = not filtering), sort, window."""

    filters: tuple[tuple[str, Any], ...] = ()  # (name, value) pairs; lists as tuples (a Request is hashable)
    sort: str | None = None
    descending: bool = False
    limit: int = 20
    after: tuple[Any, str] | None = None
    before: tuple[Any, str] | None = None
    backwards: bool = False  # ``last``: take the page from the end of the window
    # Whether the caller may sort by personal figures (set from its visibility, hub.auth.visibility);
    # by default not: a request that was never told sorts by what everyone may see.
    personal: bool = False
    # The ordering the ``after``/``before`` cursors were issued for (``order_of``); None: no cursor.
    cursor_order: str | None = None
    # The properties a row of nodes holds (with ``key``: what the selection reads, worked out by
    # hub.execution.projection); None: all of them. Lists whose rows are not a node's properties ignore it.
    props: tuple[str, ...] | None = None
    # Whether the list's total is asked for. A first page under one parent that is not counted is cut
    # by LIMIT without collecting its items first (``compose``'s ``counted``); its page's total is None.
    counted: bool = True

    def used(self) -> tuple[str, ...]:
        return tuple(sorted(k for k, v in self.filters if v is not None))

    def but(self, **changes: Any) -> Request:
        """``dataclasses.replace(self, **changes)`` without its walk of the fields and its call of
        ``__init__`` (~5 us, some four times a request: a list's caller view, its projection, its scope;
        benchmarks/README.md, issue 18): a copy of the fields' values with ``changes`` written over them
        (the class has no ``__post_init__`` and keeps no hash). An unknown name is refused as replace
        refuses it."""
        unknown = changes.keys() - _REQUEST_FIELDS
        if unknown:
            raise TypeError(f"Request has no field {sorted(unknown)[0]!r}")
        made = object.__new__(Request)
        made.__dict__.update(self.__dict__)
        made.__dict__.update(changes)
        return made

    def values(self) -> dict[str, Any]:
        """The filter values in use, as the store's parameters (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.filters if v is not None}


_REQUEST_FIELDS = frozenset(f.name for f in fields(Request))


def _params(spec: ListSpec, req: Request, cursor: tuple[Any, str] | None, limit: int) -> dict[str, Any]:
    chosen = chosen_sort(spec, req.sort or spec.entity.default_sort, not req.personal)
    params = dict(chosen.params)
    params.update(req.values())
    if cursor is not None:  # a first page's statement has no cursor parameters (``compose``'s ``first``)
        params.update(cursorSv=cursor[0], cursorId=cursor[1])
    params["limit"] = limit
    return params


def _check_filters(spec: ListSpec, req: Request) -> tuple[str, ...]:
    known = {f.name for f in spec.filters}
    unknown = [k for k in req.used() if k not in known]
    if unknown:
        # The GraphQL filter input of an entity is shared by all its lists; under a parent some
        # filters mean nothing (a province's institutions by province): the caller's mistake.
        off = [k for k in unknown if k in spec.filters_off]
        if len(off) < len(unknown):
            raise ValueError(f"list {spec.name} has no filters {unknown}")
        where = spec.parent.value if spec.parent else "list"
        raise ValidationFailed("filter does not apply here", [FieldError(
            f"filter.{k}", f"does not apply to a list under one {where}: leave it out") for k in off])
    return req.used()


def _ordering(spec: ListSpec, req: Request) -> tuple[str, bool, str]:
    """(sort name, public variant or not, the ordering's name) of a request; a cursor issued for
    another ordering (another sort, kind of item, or visibility) is refused, naming its argument."""
    sort_name = req.sort or spec.entity.default_sort
    if not any(s.name == sort_name for s in spec.sorts):
        # The sort enum of an entity is shared by its lists; some sorts mean nothing in some of them
        # (CAPACITY: the capacity an institution offers, not an event's services).
        raise ValidationFailed("sort does not apply here", [FieldError(
            "orderBy", f"this list cannot be sorted by {sort_name}")])
    order = order_of(spec, sort_name, req.personal)
    if req.cursor_order is not None and req.cursor_order != order:
        field = "after" if req.after is not None else "before"
        raise ValidationFailed("cursor from another ordering", [FieldError(
            field, "was issued for another list, sort or caller: start the list again without it")])
    return sort_name, public_sort(spec, sort_name, req.personal), order


def _direction(req: Request) -> tuple[bool, tuple[Any, str] | None]:
    # ``last``/``before`` read the list in the other direction from the cursor, then turn the page round.
    if req.backwards:
        return not req.descending, req.before
    return req.descending, req.after


def _page(items: list[Item], limit: int, req: Request, *, more: bool, earlier: bool, total: int | None,
          order: str) -> Page:
    items = items[:limit]
    if req.backwards:
        items, more, earlier = items[::-1], earlier, more
    # Filled as the constructor fills it (``filled.check`` below): a page of 100 institutions makes a page of
    # services for each, and a frozen dataclass's constructor sets each field through object.__setattr__.
    page = _new(Page)
    _set(page, "__dict__", {"items": items, "has_next": more, "has_previous": earlier, "total": total, "order": order})
    return page


_new, _set = filled.new, object.__setattr__
filled.check(Page, ("items", "has_next", "has_previous", "total", "order"), "_page")


async def fetch_root(store: GraphStore, spec: ListSpec, req: Request) -> Page:
    """A page of a root list: one round trip (``count_root`` for its total, unless the page
    shows it)."""
    used = _check_filters(spec, req)
    sort_name, public, order = _ordering(spec, req)
    descending, cursor = _direction(req)
    stmt = compose(spec, used, sort_name, descending, public=public, props=req.props, first=cursor is None)
    rows = await store.read(stmt, **_params(spec, req, cursor, req.limit + 1))
    earlier = (req.before if req.backwards else req.after) is not None
    # Without a cursor an empty page is an empty list: a search that matches none of the
    # 100,000 donors needs no second scan to count them. (A page holding a whole non-empty list
    # would show its total too, but then the statements a request costs would depend on its
    # page size, which tests/round_trips.json rules out.)
    total = 0 if cursor is None and not rows else None
    return _page(root_items(rows), req.limit, req, more=len(rows) > req.limit, earlier=earlier, total=total,
                 order=order)


async def count_root(store: GraphStore, spec: ListSpec, req: Request) -> int:
    used = _check_filters(spec, req)
    return int((await store.read(compose_count(spec, used), **req.values()))[0]["total"])


class _Plan(NamedTuple):
    """What reading a page of a nested list needs besides its parents' keys."""

    stmt: Statement
    params: dict[str, Any]
    label: Label | None  # what its nodes are read by afterwards, under several parents; None under one
    form: str  # the form its items come in (graph_model.page_items)
    flat: bool  # whether its rows are flat
    chosen: Sort  # the sort chosen
    sources: tuple[int | str | None, ...]  # where a flat row's values are read from
    order: str  # the ordering's name, which its cursors are bound to


def _nested_plan(spec: ListSpec, req: Request, several: bool) -> _Plan:
    """The plan of a page of a nested list under one parent or ``several``. Refusals (a filter or sort that
    does not apply, a cursor of another ordering) are raised here."""
    used = _check_filters(spec, req)
    sort_name, public, order = _ordering(spec, req)
    descending, cursor = _direction(req)
    label = spec.node_label if several else None
    stmt = compose(spec, used, sort_name, descending, public=public, by_key=label is not None,
                   props=None if label is not None else req.props, first=cursor is None, single=not several,
                   counted=req.counted)
    # The form the first page's items came in (``compose``); a page after a cursor comes unwound.
    chosen = chosen_sort(spec, sort_name, public)
    form = first_form(spec, chosen, label is not None, None if label is not None else req.props) \
        if cursor is None else UNWOUND
    flat = cursor is None and flat_relation(spec, form, not several, req.counted)
    sources = flat_sent(spec, chosen.expr, req.props)[1] if flat else ()  # where a flat row's values are read from
    return _Plan(stmt, _params(spec, req, cursor, req.limit + 1), label, form, flat, chosen, sources, order)


# A first page's plan, kept by its list, request and number of parents: the same nested list is read so by
# every request asking it, and working it out again was some 3% of one institution's Python, most of it to
# find the read sent ahead (benchmarks/README.md, issue 18). Pages after a cursor are not kept (each cursor is
# asked once), nor those filtered by a list or a long text: a key could fill the cache with 1 MB search texts.
# The parameters are shared: ``store.read`` gets a copy of them as its keywords, and nothing changes them.
_first_plan = lru_cache(maxsize=4096)(_nested_plan)
KEPT_TEXT = 100  # the longest filter text whose page's plan is kept


def _small(req: Request) -> bool:
    """Whether every filter value of ``req`` is none, a number, a flag or a text of at most ``KEPT_TEXT``."""
    return all(v is None or type(v) in (bool, int) or (type(v) is str and len(v) <= KEPT_TEXT)
               for _, v in req.filters)


async def fetch_nested(store: GraphStore, spec: ListSpec, keys: list[str], req: Request) -> dict[str, Page]:
    """The same page of a nested list for many parents, in one round trip (two for a list of
    nodes, below); parents with no items get an empty page.

    A list of nodes under more than one parent (the services of a page of institutions) is read
    in two: the pages with each item's key, then each distinct node once by key. The services of
    the first 100 institutions of IR-06 are 205 items of 4 services: their properties came back
    205 times, and building and decoding that reply was the largest part of the page's time
    (benchmarks/README.md, issue 18). Under one parent no node can repeat, and the properties come
    inline. A node deleted between the two reads is left out of its page.

    So the statements of a nested list of nodes are one under one parent and two under more, for
    any page size."""
    parents = list(dict.fromkeys(keys))
    plan = nested_plan(spec, req, len(parents) > 1)
    stmt, params, label, form, flat, chosen, sources, order = plan
    rows = await store.read(stmt, keys=parents, **params)
    nodes = None
    if label is not None:
        ids = list(dict.fromkeys(item[1 if form == KEYS else 3] for r in rows for item in r["page"]))
        # Read even when every page is empty: the statements a query costs depend on its shape, not
        # on what the store holds (tests/round_trips.json).
        nodes = await queries.by_keys(store, label, ids, req.props)
    return pages_of(rows, plan, spec, keys, req, nodes)


def nested_plan(spec: ListSpec, req: Request, several: bool) -> _Plan:
    """How a nested list's page is read for one parent or ``several``: its statement and parameters (but the
    parents' keys), and how its rows are read (``pages_of``)."""
    # A first page's plan is the same for every request asking it so (kept: ``_first_plan``).
    return (_first_plan if _direction(req)[1] is None and _small(req) else _nested_plan)(spec, req, several)


def pages_of(rows: list[dict[str, Any]], plan: _Plan, spec: ListSpec, keys: list[str], req: Request,
             nodes: dict[str, dict[str, Any]] | None = None) -> dict[str, Page]:
    """The page of each of ``keys`` from the rows of ``plan``'s statement (and the nodes its items name, read
    after it under several parents)."""
    _, _, _, form, flat, chosen, sources, order = plan
    cursor = _direction(req)[1]
    entries = edge_entries(spec.edge)
    pages = {}
    for r in rows:
        page = r["page"]
        if r["total"] is None:  # a first page not counted (Request.counted): one more item tells of more
            total, remaining = None, len(page)
        else:
            total = int(r["total"])
            remaining = total if cursor is None else int(r["remaining"])  # a first page: all of them remain
        if form == KEYS and nodes is not None:
            items = flat_items(page, nodes, entries)
        elif form == ROWS and req.props is not None:
            items = flat_row_items(page, req.props, row_sent(chosen.expr, spec.id, req.props)[1])
        elif flat:
            items = flat_relation_items(page, spec.flat, sources, r["key"])
        else:
            items = nested_items(page, nodes)
        pages[r["key"]] = _page(items, req.limit, req, more=remaining > req.limit,
                                earlier=total is not None and total > remaining, total=total, order=order)
    empty = Page([], has_next=False, has_previous=False, total=0, order=order)
    return {k: pages.get(k, empty) for k in keys}
