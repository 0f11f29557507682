"""The properties of a node a query's selection reads, so that its rows hold only those.

A row of nodes was every property of the node (``properties(n)``): a page of 100 institutions
asking for their key, name and kind read their 12 properties each, search text and source included,
and reading and decoding those was the largest part of the statement's cost to the hub (2.4 of
its 5.6 ms; benchmarks/README.md, issue 18). Here the selection on a node type is turned into the
properties its fields read (``wanted``), and the loaders read only those (a map projection,
graph_model.cypher.projected): a field without a resolver reads its own property, a Relay id the
key, and a resolver the properties it declares (``reads``: the links, nested lists and giving
read the key or the linked key, a Jalali twin its date). A selected field that declares nothing
(any other resolver, a field with an extension or a permission, an interface or a union) reads
the whole node, as before. The key is always read, and so are the properties the loaders' own
checks read (``CHECKS``: a donor's kind decides whether a caller without the right to see
personal data sees it at all).

Only a query that runs compiled (hub.execution.compiled) projects, and there only the fields that
it completes by their context-level twin (``fast``): the prefetch of the page (hub.execution.prefetch)
and the compiled steps work the projection out from the same field nodes, so both ask the same
loaders. A field graphql-core resolves itself (a fallback, a mutation, HUB_COMPILED=0) asks for
whole nodes, from loaders of their own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from graphql import FieldNode, GraphQLObjectType, GraphQLOutputType, get_named_type

from graph_model.enums import Label
from hub.strawberry_compat import STRAWBERRY_FIELD, resolver_function

PROPS = "_props"  # the arguments' key under which a fast resolver gets its rows' projection
# The arguments' key under which a fast resolver is asked for rows instead of objects (a link's row,
# a connection whose items are rows): hub.execution.compiled completes a registered type's rows
# itself (``ROW_TYPES``), without the object ``from_props`` would make of each.
ROWS = "_rows"
# The arguments' key under which a fast resolver of a connection is told its `totalCount` is not selected:
# its list is not counted (graph_model.listing.Request.counted), on both paths alike (``uncounted``).
UNCOUNTED = "_uncounted"
# The arguments' key under which a link's fast resolver is told what its statement reads beside the linked
# nodes (``link_hops``): the nodes of another label they name by a key property (a county's province).
HOPS = "_hops"
# Types whose objects are ``from_props`` of a row, and nothing else (hub.schema.entities.register).
ROW_TYPES: dict[str, type] = {}
NODE_TYPES = frozenset(label.value for label in Label)  # types whose rows are a node's properties
# Properties the loaders' own checks read, whatever is selected (hub.auth.visibility.Visibility.donor).
CHECKS: dict[str, tuple[str, ...]] = {Label.DONOR.value: ("kind",)}
# Relationship types whose rows a first page may send flat, projected (graph_model.page_items.flat_sent): per
# GraphQL field, the properties of the relationship it reads, and the ones its object is always made from
# (hub.schema.relations registers them). A field not listed reads the whole row.
RELATION_READS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...]]] = {}

T = TypeVar("T")
Collect = Callable[[GraphQLObjectType, list[FieldNode]], dict[str, list[FieldNode]]]


def reads(*props: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the properties of its object a resolver reads (``wanted`` reads no more for it)."""
    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        function.reads = props  # type: ignore[attr-defined]
        return function
    return mark


def active(context: Any) -> bool:
    """Whether the request runs compiled (hub.execution.compiled sets ``execution`` then)."""
    return getattr(context, "execution", None) is not None


def items(collect: Collect, connection: GraphQLObjectType,
          nodes: list[FieldNode]) -> tuple[GraphQLObjectType, list[FieldNode]]:
    """The item type of a connection and the field nodes selecting its items (nodes, edges.node)."""
    item = get_named_type(connection.fields["nodes"].type)
    edge = get_named_type(connection.fields["edges"].type)
    assert isinstance(item, GraphQLObjectType) and isinstance(edge, GraphQLObjectType)
    selecting: list[FieldNode] = []
    for found in collect(connection, nodes).values():
        if found[0].name.value == "nodes":
            selecting += found
        elif found[0].name.value == "edges":
            selecting += [n for f in collect(edge, found).values() if f[0].name.value == "node" for n in f]
    return item, selecting


def wanted(collect: Collect, type_: GraphQLObjectType, nodes: list[FieldNode]) -> tuple[str, ...] | None:
    """The properties (sorted, ``key`` among them) that the selection ``nodes`` on the node type
    ``type_`` reads; None: the whole node (not a node type, or a field that does not say). For a
    relationship type of ``RELATION_READS``, the properties of the relationship its fields read."""
    if type_.name in RELATION_READS:
        return _relation_wanted(collect, type_, nodes)
    if type_.name not in NODE_TYPES:
        return None
    from hub.execution.compiled import kind_of  # a cycle otherwise: compiled plans call back here

    columns = _columns(type_)
    props = {"key", *CHECKS.get(type_.name, ())}
    for found in collect(type_, nodes).values():
        name = found[0].name.value
        if name == "__typename":
            continue
        gql_field = type_.fields.get(name)
        if gql_field is None:
            return None
        kind, how = kind_of(gql_field)
        if kind == "attr":
            if how not in columns:
                return None
            props.add(columns[how][0])
        elif kind != "id":  # a Relay id reads the key
            function = resolver_function(gql_field) if kind in ("fast", "call") else None
            declared = getattr(function, "reads", None)
            if declared is None:
                return None
            props.update(declared)
            # and what its prefetch reads when a page's rows hold it (a mirrored link: hub.schema.fields.link)
            props.update(getattr(function, "prefetch_reads", ()))
    return tuple(sorted(props))


def _relation_wanted(collect: Collect, type_: GraphQLObjectType, nodes: list[FieldNode]) -> tuple[str, ...] | None:
    reads_of, always = RELATION_READS[type_.name]
    props = set(always)
    for found in collect(type_, nodes).values():
        name = found[0].name.value
        if name == "__typename":
            continue
        declared = reads_of.get(name)
        if declared is None:
            return None
        props.update(declared)
    return tuple(sorted(props))


def below(collect: Collect, field_type: GraphQLOutputType, nodes: list[FieldNode]) -> tuple[str, ...] | None:
    """``wanted`` of the nodes a field gives: an object, or a connection's items."""
    named = get_named_type(field_type)
    if not isinstance(named, GraphQLObjectType):
        return None
    if "nodes" in named.fields and "edges" in named.fields:
        named, nodes = items(collect, named, nodes)
        if not nodes:
            return None
    return wanted(collect, named, nodes)


def of_field(execution: Any, collect: Collect, gql_field: Any, nodes: list[FieldNode]) -> tuple[str, ...] | None:
    """``below`` for a field the compiled path gets by its context-level twin (``fast``), the only
    ones it passes a projection to; None for any other. Worked out once per operation: kept in
    ``execution`` (the request's hub.execution.compiled.Stats), whose dict the operation's shared
    plans hold with the document, so that the field nodes' ids stay theirs."""
    def work() -> tuple[str, ...] | None:
        from hub.execution.compiled import kind_of

        return below(collect, gql_field.type, nodes) if kind_of(gql_field)[0] == "fast" else None

    # Keyed by every node selecting the field: one node can select it in two places, beside other
    # nodes in one (a fragment's field, and the same field again beside the fragment's spread).
    return memo(execution, (id(gql_field), *map(id, nodes)), work)


def uncounted(execution: Any, collect: Collect, gql_field: Any, nodes: list[FieldNode]) -> bool:
    """Whether ``gql_field`` is a connection the compiled path gets by its context-level twin (``fast``)
    whose selection ``nodes`` leaves its `totalCount` out; worked out once per operation, as ``of_field``."""
    def work() -> bool:
        from hub.execution.compiled import kind_of

        named = get_named_type(gql_field.type)
        if kind_of(gql_field)[0] != "fast" or not isinstance(named, GraphQLObjectType) \
                or "totalCount" not in named.fields or "nodes" not in named.fields:
            return False
        return "totalCount" not in {found[0].name.value for found in collect(named, nodes).values()}

    return memo(execution, ("uncounted", id(gql_field), *map(id, nodes)), work)


def extras(execution: Any, collect: Collect, gql_field: Any, nodes: list[FieldNode]) -> dict[str, Any]:
    """What a fast twin is given beside its arguments for the selection ``nodes``: its rows' projection
    (``of_field``) and, for a connection whose `totalCount` is not selected, ``UNCOUNTED``. The compiled
    step, the prefetch and graphql-core resolving the field instead all pass this, so all ask the same
    loaders."""
    found: dict[str, Any] = {}
    props = of_field(execution, collect, gql_field, nodes)
    if props is not None:
        found[PROPS] = props
    if uncounted(execution, collect, gql_field, nodes):
        found[UNCOUNTED] = True
    hops = link_hops(execution, collect, gql_field, nodes)
    if hops:
        found[HOPS] = hops
    return found


Hop = tuple[str, Label, tuple[str, ...]]  # a linked node's property, the label of the node it names, its projection


def link_hops(execution: Any, collect: Collect, gql_field: Any, nodes: list[FieldNode]) -> tuple[Hop, ...]:
    """For a link whose statement can read them (its prefetch's ``hop``: hub.schema.fields.link), the fields
    selected on the linked type that read a node by a key property of it (a county's province, ``by_key``):
    that property, the node's label and its projection, read in the link's own statement and given to
    that node's loader (graph_model.links.fetch_link_hops). Worked out once per operation, as ``of_field``."""
    def work() -> tuple[Hop, ...]:
        function = resolver_function(gql_field)
        child = get_named_type(gql_field.type)
        reads_hops = getattr(getattr(function, "prefetch", None), "hop", None) is not None
        if not reads_hops or not isinstance(child, GraphQLObjectType):
            return ()
        out = []
        for found in collect(child, nodes).values():
            field = child.fields.get(found[0].name.value)
            by_key = getattr(resolver_function(field), "by_key", None) if field is not None else None
            props = of_field(execution, collect, field, found) if by_key else None
            if by_key is not None and props is not None:
                out.append((by_key[0], by_key[1], props))
        return tuple(dict.fromkeys(out))  # a node asked twice (two aliases) is read once

    return memo(execution, ("hops", id(gql_field), *map(id, nodes)), work)


def memo(execution: Any, key: Any, work: Callable[[], T]) -> T:
    """``work()``, kept under ``key`` in ``execution.projections`` (what depends only on the operation
    and the variables below its root fields, as ``of_field``'s projections)."""
    found = execution.projections.get(key, _NOT_YET)
    if found is _NOT_YET:
        found = execution.projections[key] = work()
    return found


_NOT_YET = object()


@functools.cache
def row_columns(cls: type) -> dict[str, tuple[str, Callable[[Any], Any] | None]]:
    """Attribute -> (property, enum or None), as ``from_props`` fills the attribute from a row."""
    from hub.schema.fields import columns  # the schema's own conversion of rows (from_props)

    return {name: (prop, kind) for name, prop, kind in columns(cls)}


def _columns(type_: GraphQLObjectType) -> dict[str, tuple[str, Callable[[Any], Any] | None]]:
    """``row_columns`` of the class a node type was made from."""
    return row_columns(type_.extensions[STRAWBERRY_FIELD].origin)
