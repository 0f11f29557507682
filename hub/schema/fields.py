"""Field factories: every list field, link field and Relay node type is wired the same way.

Resolvers made here carry their annotations as objects. Return types name the entity or
relationship type lazily (``strawberry.lazy``, resolved when the schema is built): types refer to
each other in circles (a province lists counties, a county names its province), and this module
is imported by the modules defining them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable, Iterable
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from graph_model import filter_keys, listing
from graph_model.enums import Label, Rel
from graph_model.links import LINKS
from graph_model.list_specs import NESTED, ROOTS, SCOPED
from graph_model.model import MIRRORS
from graph_model.stores.fused import FusedReads
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.execution import projection
from hub.execution.loaders import Loaders, seen
from hub.execution.prefetch import (Prefetch, field_extras, mirrored_props, object_props, page_props, prefetch,
                                    prefetch_by_key, totals_asked)
from hub.execution.projection import HOPS, PROPS, ROW_TYPES, ROWS, UNCOUNTED, reads
from hub.schema.enums import Direction
from hub.schema.lists import FILTERS, SORTS, Connection, connection, request, same_row
from hub.schema.scalars import to_jalali
from hub.strawberry_compat import lazy, resolve_arguments_once, signed

ENTITIES_MODULE = "hub.schema.entities"
RELATIONS_MODULE = "hub.schema.relations"
# Entity name -> row converter, filled in by hub.schema.entities as it defines each type.
CONVERTERS: dict[str, Callable[[dict[str, Any]], Any]] = {}

FIRST = "Items from the start of the window (default 20, at most 100 unless HUB_MAX_PAGE says otherwise)."
AFTER = "Start after this cursor (`pageInfo.endCursor` of the previous page)."
LAST = ("Items from the end of the window (at most 100 unless HUB_MAX_PAGE says otherwise); use with `before` "
        "to page backwards.")
BEFORE = "End before this cursor (`pageInfo.startCursor` of the next page)."
ORDER = "What to sort by; ties are broken by key, so pages never skip or repeat an item."
DIRECTION = "Sort direction (default ascending)."


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.cache
def columns(cls: type) -> tuple[tuple[str, str, Callable[[Any], Any] | None], ...]:
    """(attribute, property, enum or None) for each field ``from_props`` fills, worked out once
    per class: a page of 100 institutions with their services converts ~300 rows."""
    enums = getattr(cls, "ENUMS", {})
    return tuple((f.name, camel(f.name), enums.get(f.name)) for f in dataclasses.fields(cls)
                 if f.init and not f.name.startswith("_"))


def from_props(cls: type, props: dict[str, Any]) -> Any:
    """An instance of a strawberry type from a store row (camelCase properties)."""
    values = {}
    for name, prop, kind in columns(cls):
        value = props.get(prop)
        values[name] = kind(value) if kind is not None and value is not None else value
    if "generated" in values:
        values["generated"] = bool(values["generated"])
    return cls(**values)


def jalali(attr: str, resolve: Callable[[Any], Any] | None = None) -> Any:
    """A ``...Jalali`` twin of a date field; ``resolve`` (root -> the Jalali date, or an awaitable of
    it) when the date is not an attribute of the object."""
    @reads(camel(attr))
    def read(root: Any) -> str | None:
        return to_jalali(getattr(root, attr))

    return strawberry.field(resolver=resolve or read, description=f"`{camel(attr)}` in the Solar Hijri calendar "
                                                          f"(e.g. 1403/05/24).")


class HubNode:
    """How a type finds its objects by key, as a Relay node (global ids encode `Type:key`).
    Types list it before ``relay.Node`` so these class methods win."""

    @classmethod
    def label(cls) -> Label:
        return Label(cls.__name__)

    @classmethod
    def resolve_id(cls, root: Any, *, info: strawberry.Info) -> str:
        return root.key

    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Iterable[str],
                            required: bool = False) -> list[Any]:
        rows = await info.context.loaders.node(cls.label()).load_many(list(node_ids))
        return [from_props(cls, r) if r else None for r in rows]


def _list_args(entity: str) -> dict[str, Any]:
    # GraphQL names given outright: strawberry otherwise derives them on every call.
    args: dict[str, Any] = {
        "first": Annotated[int | None, strawberry.argument(description=FIRST, name="first")],
        "after": Annotated[str | None, strawberry.argument(description=AFTER, name="after")],
        "last": Annotated[int | None, strawberry.argument(description=LAST, name="last")],
        "before": Annotated[str | None, strawberry.argument(description=BEFORE, name="before")],
    }
    if entity in FILTERS:
        args["filter"] = Annotated[FILTERS[entity] | None,
                                   strawberry.argument(description="Filters; all apply.", name="filter")]
    args["order_by"] = Annotated[SORTS[entity] | None, strawberry.argument(description=ORDER, name="orderBy")]
    args["direction"] = Annotated[Direction | None, strawberry.argument(description=DIRECTION, name="direction")]
    return args


def request_of(kw: dict[str, Any], most: int | None) -> listing.Request:
    """``most``: the largest page, the request's settings.limits.page (None in a prefetch: the
    resolver that follows checks it, and hub.execution.limits refused a larger page before execution).
    Kept in ``kw`` (under ``_KEPT``, with ``most``): a compiled plan's arguments are one dict for every
    object it completes (the services of each of a page's 100 institutions), and so is a prefetch's."""
    kept = kw.get(_KEPT)
    if kept is not None and kept[0] == most:
        return kept[1]
    req = request(first=kw.get("first"), after=kw.get("after"), last=kw.get("last"), before=kw.get("before"),
                  filter=kw.get("filter"), order_by=kw.get("order_by"), direction=kw.get("direction"), most=most,
                  props=kw.get(PROPS), counted=not kw.get(UNCOUNTED))
    kw[_KEPT] = (most, req)  # the same value whoever computes it: made of the arguments alone
    return req


_KEPT = "_request"


def as_row(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A linked node's row as it is, for a field asked for rows (projection.ROWS): None as ``convert`` gives."""
    return row or None


def rows_page(page: listing.Page) -> Connection[Any]:
    """A connection whose items are the page's rows, for a field asked for rows (projection.ROWS)."""
    return connection(page, same_row)


def type_named(name: str) -> Any:
    """The entity or relationship type ``name``, looked up lazily where it is defined."""
    return lazy(name, RELATIONS_MODULE if name in RELATION_TYPES else ENTITIES_MODULE)


def all_settled(load: Callable[[Any], Awaitable[Any]], keys: list[Any], convert: Callable[[Any], Any],
                nulls: bool = True) -> list[Any]:
    """``settled`` of each key's load, for the objects of a list at once (a fast resolver's ``many`` twin,
    hub.execution.plan_code.batched). ``nulls``: a None key answers None (a link's: no linked object), as
    the resolver answers it."""
    return [None if key is None and nulls else settled(load(key), convert) for key in keys]


def settled(future: Awaitable[Any], convert: Callable[[Any], Any]) -> Any:
    """``convert`` of what a DataLoader future holds: at once when the future is done (the loader
    already fetched it for another object of the page, or a prefetch did), else a coroutine that
    awaits it. A field whose resolver returns a plain value costs graphql-core about a third of
    one that returns an awaitable, and a page of 100 institutions resolves some 400 such fields."""
    if isinstance(future, asyncio.Future) and future.done():
        return convert(future.result())
    return _converted(future, convert)


async def _converted(future: Awaitable[Any], convert: Callable[[Any], Any]) -> Any:
    return convert(await future)


def _list_field(resolve: Callable[..., Any], entity: str, description: str, right: Right | None = None,
                also: tuple[Right, ...] = ()) -> Any:
    """``right`` (or one of ``also``): a root list's, declared on it (hub.auth.access); nested lists have none."""
    returns: Any = Connection[type_named(entity)]  # type: ignore[misc]  # a lazy type: an object, not a name
    field = strawberry.field(resolver=signed(resolve, _list_args(entity), returns), description=description,
                             extensions=[requires(right, also=also)] if right is not None else [])
    # Every argument type is a class already: nothing left to look up later.
    return resolve_arguments_once(field)


def nested_list(name: str, description: str) -> Any:
    """A connection field listing ``NESTED[name]`` under the object it sits on (batched)."""
    entity = NESTED[name].entity.name

    def convert(page: listing.Page) -> Connection[Any]:
        return connection(page, CONVERTERS[entity])

    def fast(root: Any, context: Any, kw: dict[str, Any]) -> Any:
        req = request_of(kw, context.settings.limits.page)
        key = root.get("key") if type(root) is dict else root.key
        return settled(context.loaders.nested(name, req).load(key), rows_page if kw.get(ROWS) else convert)

    fast.rows = True  # type: ignore[attr-defined]  # takes its object's row (hub.execution.compiled)
    fast.nested = (fast, name, convert)  # type: ignore[attr-defined]  # what hub.execution.direct reads it by

    def many(roots: list[Any], context: Any, kw: dict[str, Any]) -> list[Any]:
        loader = context.loaders.nested(name, request_of(kw, context.settings.limits.page))
        return all_settled(loader.load, [root.get("key") if type(root) is dict else root.key for root in roots],
                           rows_page if kw.get(ROWS) else convert, nulls=False)

    fast.many = many  # type: ignore[attr-defined]  # ``fast`` for a list's objects at once
    many.of = fast  # type: ignore[attr-defined]  # the twin it stands for (hub.execution.compiled.many_of)

    @reads("key")
    def resolve(root: Any, info: strawberry.Info, **kw: Any) -> Any:
        extras = field_extras(info)
        # Through the attribute: a field narrowing what it shows (hub.schema.supervision_records) replaces the twin.
        return resolve.fast(root, info.context, {**kw, **extras} if extras else kw)  # type: ignore[attr-defined]

    resolve.fast = fast  # type: ignore[attr-defined]  # hub.execution.compiled calls it without an info

    resolve.prefetch = Prefetch(  # type: ignore[attr-defined]
        lambda loaders, rows, kw: loaders.nested(name, request_of(kw, None)).load_many([r["key"] for r in rows]),
        lambda pages: [item.row for page in pages for item in page.items], connection=True)
    return _list_field(resolve, entity, description)


def root_list(entity: str, description: str, right: Right, *, also: tuple[Right, ...] = (),
              own: str | None = None) -> Any:
    """A root connection field; a scope filter (province, county, service) narrows it to the
    matching nested list, which the store answers from the scope's node instead of a scan.
    ``own``: the nested list (under an institution) an institution key's view is narrowed to, its own
    institution's records only (hub.auth.visibility.Visibility.own_institution).
    The total, when asked for, is counted while other statements run rather than after them,
    and what the page's items link to is prefetched (hub.execution.prefetch) before the connection is
    returned."""
    spec = ROOTS[entity]

    async def resolve(info: strawberry.Info, **kw: Any) -> Connection[Any]:
        req = info.context.visibility.narrow(entity, request_of(kw, info.context.settings.limits.page))
        convert = CONVERTERS[entity]
        if projection.active(info.context):  # the page's rows hold what its items' fields read
            req = req.but(props=page_props(info))
            if entity in ROW_TYPES:  # and are completed as they are (hub.execution.compiled.RowPlan)
                convert = same_row
        loaders = info.context.loaders
        req = await loaders.widened(spec, req)  # a search naming a place (graph_model.search_places)
        if own is not None and not info.context.visibility.supervises_all:
            institution = info.context.visibility.own_institution  # None: a key bound to no institution sees none
            page = (await loaders.nested(own, req).load(institution) if institution is not None
                    else listing.Page(items=[], has_next=False, has_previous=False, total=0))
            await prefetch(info, [item.row for item in page.items])
            return connection(page, convert)
        for (ent, scope), nested_name in SCOPED.items():
            value = dict(req.filters).get(scope)
            if ent == entity and value is not None:
                # Not counted when no one asks its total: a first page is then cut without collecting its items.
                narrowed = req.but(filters=tuple((k, v) for k, v in req.filters if k != scope),
                                   counted=totals_asked(info))
                beside = _scope_counties(info, loaders, scope, value)
                page = await loaders.nested(nested_name, narrowed, checked=False).load(value)
                await _settle(beside)
                if not page.items:  # the scope's key too, in the same statement
                    await loaders.check_keys(filter_keys.keyed(req))
                await prefetch(info, [item.row for item in page.items])
                return connection(page, convert)
        store = info.context.store
        # The total, when asked for: from the page when it shows it (an empty first page),
        # else counted alongside the page (with a cursor) or alongside the prefetch.
        asked = totals_asked(info)
        counting = None
        if asked and (req.after is not None or req.before is not None):
            counting = asyncio.ensure_future(listing.count_root(store, spec, req))
        try:
            page = await listing.fetch_root(store, spec, req)
            if not page.items:  # an unknown key filter is NotFound, not an empty list (graph_model.filter_keys)
                await loaders.check_keys(filter_keys.keyed(req))
            if asked and counting is None and page.total is None:
                counting = asyncio.ensure_future(listing.count_root(store, spec, req))
            await prefetch(info, [item.row for item in page.items])
        except BaseException:
            if counting is not None:
                counting.cancel()
            raise

        async def total() -> int:
            if page.total is not None:
                return page.total
            return await (counting if counting is not None else listing.count_root(store, spec, req))

        return connection(page, convert, total)

    return _list_field(resolve, entity, description, right, also)


def _scope_counties(info: strawberry.Info, loaders: Loaders, scope: str, value: Any) -> list[Awaitable[Any]]:
    """Started beside the page of a list scoped to a province or a county, in the same statement
    (graph_model.stores.fused), when its items' links name counties by the key their rows mirror (an
    institution's county, an event's place): the province's counties (by the provinceKey they mirror), or
    the county, each given to the county loader those links then ask (Loaders.mirrored). The page's
    counties were read by a second statement after it: the fourth question of benchmarks/peer was two round
    trips (benchmarks/README.md, issue 18). The nodes read are public places, whatever the caller."""
    if scope not in ("province", "county") or type(value) is not str:
        return []
    wanted = mirrored_props(info, Label.COUNTY)
    started: list[Awaitable[Any]]
    if scope == "county":
        started = [loaders.node(Label.COUNTY, props).load(value) for props in wanted]
    else:
        started = [loaders.within(Label.COUNTY, MIRRORS[Rel.IN_PROVINCE], props).load(value) for props in wanted]
    for future in started:  # a failure seen even when the page fails first and nothing waits for it
        if isinstance(future, asyncio.Future):
            future.add_done_callback(seen)
    return started


async def _settle(started: list[Awaitable[Any]]) -> None:
    """Wait for reads started beside a page (``_scope_counties``): what failed stays in its loader's
    future, and the page's links read their nodes themselves as they would have."""
    for awaitable in started:
        try:
            await awaitable
        except Exception:  # noqa: BLE001,S110  # only a head start: the links' own reads say what went wrong
            pass


def link(loader: str, target: str, description: str, *, key_attr: str = "key", label: Label | None = None,
         carried: Callable[[Any], dict[str, Any] | None] | None = None, carries: tuple[str, ...] = ()) -> Any:
    """A field naming one linked object: through a link loader, or a node loader on ``key_attr``.
    ``carried`` (a node loader's, on a relation's ends): the linked node's row as the object the field
    sits on already holds it (its key and what else the relation's row read of it), or None; when
    the field's projection reads no more than that, the field answers from it (``held``: what
    Loaders.known would give the loader) instead of reading the nodes again; ``carries``: the properties
    that row holds whenever there is one (so the prefetch knows, once per operation, that such a field
    loads nothing: ``Prefetch.held``). A link loader's field
    reads the nodes its linked nodes name by a key property (``projection.HOPS``) in its own statement."""
    def loads(loaders: Loaders, props: tuple[str, ...] | None, hops: tuple[Any, ...] = ()
              ) -> DataLoader[str, dict[str, Any] | None]:
        return loaders.node(label, props) if label else loaders.link(loader, props, hops)

    def convert(row: dict[str, Any] | None) -> Any:
        return CONVERTERS[target](row) if row else None

    prop = camel(key_attr)  # the attribute's name in a row of the object the field sits on
    link_spec = LINKS.get(loader)
    mirror = link_spec.mirror[0] if link_spec is not None and link_spec.mirror is not None else None

    carrying = frozenset(carries)

    def held(root: Any, props: tuple[str, ...] | None, visibility: Any) -> Any:
        """The linked node's row the object carries, projected to ``props`` as ``Loaders.known`` gives it to
        the loader (None for a donor the caller may not see); ``_NOT_HELD`` when it does not carry them all."""
        if carried is None or props is None or type(root) is dict or not carrying.issuperset(props):
            return _NOT_HELD
        row = carried(root)
        if row is None:
            return _NOT_HELD
        if visibility.hides(label) and visibility.donor(row) is None:  # absent, as Loaders.known answers it
            return None
        return {p: row[p] for p in props}

    def fast(root: Any, context: Any, kw: dict[str, Any]) -> Any:
        key = root.get(prop) if type(root) is dict else getattr(root, key_attr)
        if key is None:
            return None
        props = kw.get(PROPS)
        row = held(root, props, context.loaders.visibility)
        if row is not _NOT_HELD:  # answered from the object, as the loader would be
            return (as_row if kw.get(ROWS) else convert)(row)
        if mirror is not None:  # answered for its page by Loaders.mirrored
            answered = context.loaders.linked.get((loader, props, kw.get(HOPS, ())))
            if answered is not None and key in answered:
                return (as_row if kw.get(ROWS) else convert)(answered[key])
        return settled(loads(context.loaders, props, kw.get(HOPS, ())).load(key), as_row if kw.get(ROWS) else convert)

    fast.rows = True  # type: ignore[attr-defined]
    # What hub.execution.direct reads it by (with itself: a resolver standing in for it does not carry it along):
    # its loader (or the node loader's label), the key's property, the properties the object carries of the
    # linked row (None: none), and how it reads them.
    fast.link = (fast, loader, label, prop, carrying if carried is not None else None)  # type: ignore[attr-defined]
    fast.held = held  # type: ignore[attr-defined]

    def key_of(parent: Any) -> Any:  # a node's row, or a relation's object (``many``, Prefetch.objects)
        return parent.get(prop) if isinstance(parent, dict) else getattr(parent, key_attr)

    def many(roots: list[Any], context: Any, kw: dict[str, Any]) -> list[Any]:
        props, then = kw.get(PROPS), as_row if kw.get(ROWS) else convert
        if carried is not None and props is not None:
            visibility = context.loaders.visibility
            rows = [None if key_of(root) is None else held(root, props, visibility) for root in roots]
            if _NOT_HELD not in rows:
                return [then(row) for row in rows]  # None answers None, as a missing key or a hidden donor does
        if mirror is not None:  # answered for its page by Loaders.mirrored, read here without the loader's futures
            answered = context.loaders.linked.get((loader, props, kw.get(HOPS, ())))
            if answered is not None:
                got = [None if (key := key_of(root)) is None else answered.get(key, _NOT_HELD) for root in roots]
                if not any(row is _NOT_HELD for row in got):
                    return [then(row) for row in got]
        return all_settled(loads(context.loaders, props, kw.get(HOPS, ())).load, list(map(key_of, roots)), then)

    fast.many = many  # type: ignore[attr-defined]  # ``fast`` for a list's objects at once
    many.of = fast  # type: ignore[attr-defined]  # the twin it stands for (hub.execution.compiled.many_of)

    @reads(prop)
    def resolve(root: Any, info: strawberry.Info) -> Any:
        return fast(root, info.context, field_extras(info))

    resolve.fast = fast  # type: ignore[attr-defined]
    if mirror is not None:  # a page's rows hold it, for the prefetch (Loaders.mirrored); the resolver reads the key
        resolve.prefetch_reads = (mirror,)  # type: ignore[attr-defined]

    def mirrored(parents: list[Any]) -> bool:  # a page's rows, which hold the linked node's key
        return mirror is not None and all(type(p) is dict and mirror in p for p in parents)

    def load(loaders: Loaders, parents: list[Any], kw: dict[str, Any]) -> Any:
        props = kw.get(PROPS)
        if mirrored(parents):
            return loaders.mirrored(loader, parents, props, kw.get(HOPS, ()))
        if carried is not None and label is not None and props is not None:
            # Carried by every parent: the field answers from its parent (``held``); only the next level's
            # rows are given, without a load.
            keyed = [(key, parent) for parent in parents if (key := key_of(parent)) is not None]
            rows = [held(parent, props, loaders.visibility) for _, parent in keyed]
            if _NOT_HELD not in rows:
                return _done(rows)
            # Some carry it, some not: the ones that do answer their loader (as Loaders.known), the rest are read.
            loaders.node(label, props).prime_many({key: row for (key, _), row in zip(keyed, rows, strict=True)
                                                   if row is not _NOT_HELD})
        keys = [key for key in map(key_of, parents) if key is not None]
        return loads(loaders, props, kw.get(HOPS, ())).load_many(keys)

    def hop(loaders: Loaders, parents: list[Any], kw: dict[str, Any]) -> list[Any]:
        if not mirrored(parents):  # read by the link's own statement (``loads``' hops)
            return []
        # A page's links are read as the nodes their rows name (Loaders.mirrored): the hops beside them.
        keys = [p["key"] for p in parents]
        return [loaders.hop(loader, prop, to, props).load_many(keys) for prop, to, props in kw.get(HOPS, ())]

    resolve.prefetch = Prefetch(  # type: ignore[attr-defined]
        load, lambda found: [row for row in found if row], objects=True, hop=None if label else hop,
        mirror=link_spec.mirror if link_spec is not None else None,
        held=(lambda props: props is not None and carrying.issuperset(props)) if carried is not None else None)
    if label is not None:  # a read of a node by a key property: a hop of the link above it (Prefetch.hop)
        resolve.by_key = (prop, label)  # type: ignore[attr-defined]
    return strawberry.field(resolver=signed(resolve, {}, type_named(target) | None), description=description)


_NOT_HELD = object()  # a link's node that its object does not carry (``link``'s ``held``)


def _done(value: Any) -> asyncio.Future[Any]:
    future = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


def enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def by_key(target: str, description: str, right: Right) -> Any:
    """A root field fetching one object by its key (null when there is none), open to ``right``."""
    async def resolve(info: strawberry.Info, **kw: Any) -> Any:
        key = kw["key"]
        loaders = info.context.loaders
        if target in RELATION_TYPES:
            row = await loaders.relation(target).load(key)
        else:  # the node and what its fields read by its key, together (hub.execution.prefetch)
            active = projection.active(info.context)
            props = object_props(info) if active else None
            reads = loaders.store
            sent = active and isinstance(reads, FusedReads) and bool(reads.ahead)  # hub.execution.ahead
            loader = loaders.node(Label(target), props)  # made while the store works
            if sent:
                await reads.answered()
            loading = loader.load(key)
            if sent and isinstance(loading, asyncio.Future) and loading.done():
                # Its read answered ahead (or loaded before): the fields' loads are answered so too as they
                # complete, each at once (graph_model.stores.fused.FusedReads.at_once), with nothing to prefetch.
                row = loading.result()
                if not row:  # what the prefetch reads beside a node that is not there, taken as it takes it
                    await prefetch_by_key(info, key).first
            else:
                ahead = prefetch_by_key(info, key)
                row, _ = await asyncio.gather(loading, ahead.first)
                if row:
                    await ahead.rest(row)
            if active and target in ROW_TYPES:  # completed as it is (hub.execution.compiled.RowPlan)
                return row or None
        return CONVERTERS[target](row) if row else None

    params = {"key": Annotated[str, strawberry.argument(description="The object's key.")]}
    resolver = signed(resolve, params, type_named(target) | None)
    resolver.by_key = target  # type: ignore[attr-defined]  # what hub.execution.direct answers it by
    return strawberry.field(resolver=resolver, description=description, extensions=[requires(right)])


RELATION_TYPES = ("Donation", "Membership", "Partnership", "Need")
