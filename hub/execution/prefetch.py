"""The prefetch: what the fields below a page will ask the loaders (hub.execution.loaders) for,
loaded level by level before graphql-core or the compiled plans walk it.

A field whose resolver returns an awaitable costs graphql-core (tasks, gathers, callbacks) about
three times what a plain value costs, and a page of 100 institutions with their county, province,
services and giving resolves some 400 such fields. So a root list walks its page's selection first,
level by level, and loads what the link and list fields below it will ask for (``Prefetch``,
attached to their resolvers), through the same loaders and in the same batches; the fields then find
their loader futures done and answer at once. Only what graphql-core will resolve is loaded (its own
field collection, so @skip/@include and fragments count the same), hence the same statements as
without prefetching (the dates of giving totals that the complementary suppression then withholds
are read, never shown). An object fetched by key starts the loads of its fields that read by its key
alone beside its own load (``prefetch_by_key``), so that they go to the store in one statement
(graph_model.stores.fused), then, once the object is known to be there, the levels below it as a
page's. What a level below would read by the keys of this one alone is read with this one
(``Prefetch.hop``: a county's province; an institution's giving dates come in its kept cell), and
nodes a row already holds are given to their loaders without a read (``Loaders.known``): one
institution with its county, province, services, giving and gifts is one statement. In a query that
runs compiled, the rows of nodes hold only the properties their selection reads
(hub.execution.projection): the prefetch passes each field the projection its compiled step passes,
so both ask the same loaders.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from graphql import FieldNode, GraphQLField, GraphQLObjectType, assert_object_type, get_named_type
from graphql.execution.collect_fields import collect_sub_fields
from graphql.execution.values import get_argument_values

from graph_model.enums import Label
from hub.execution import projection
from hub.execution.loaders import Loaders, Node
from hub.strawberry_compat import STRAWBERRY_FIELD, convert_arguments, raw_info, resolver_function

T = TypeVar("T")


@dataclass(frozen=True)
class Prefetch:
    """How a field's values are loaded for all the objects of a page at once: ``load`` takes the
    loaders, the parents' rows and the field's arguments (as its resolver gets them) and starts
    the loads its resolver would make; ``rows`` turns what they return into the next level's rows
    (None when nothing below is prefetched). ``objects``: ``load`` also takes the parents as the
    objects made of them (the items of a relation type, hub.schema.relations, whose rows are not a
    node's properties). ``below``: for values that are not nodes (giving totals), what their own
    fields would wait for, started: given the request's context, the parents' rows, the values and
    the names selected on them."""

    load: Callable[[Loaders, list[Any], dict[str, Any]], Awaitable[list[Any]]]
    rows: Callable[[list[Any]], list[Node]] | None = None
    connection: bool = False  # the field returns a connection: its rows sit under nodes / edges.node
    objects: bool = False
    below: Callable[[Any, list[Node], list[Any], frozenset[str]], list[Awaitable[Any]]] | None = None
    # A link's: given the loaders, the parents' rows and its arguments, whose ``projection.HOPS`` name the
    # fields of the linked type that read a node by a key property (a county's province), the reads of
    # those nodes to start beside the link's: none when the link's own statement reads them
    # (graph_model.links.fetch_link_hops), else one each (Loaders.hop: a page's links read as mirrored).
    hop: Callable[[Loaders, list[Node], dict[str, Any]], list[Awaitable[Any]]] | None = None
    # A link's whose parents' rows mirror the linked node's key (graph_model.links.Link.mirror): that
    # property and the linked node's label; a page's links are then read as those nodes (Loaders.mirrored).
    mirror: tuple[str, Label] | None = None
    # A link's that answers from a row its parent's object carries (hub.schema.fields.link's ``held``):
    # whether it does for the projection of its rows; such a field, with nothing to load below it, is
    # not started (its answer gets the row from the object, as the prefetch would have).
    held: Callable[[tuple[str, ...] | None], bool] | None = None


# Rows of these types are node properties (the keys the prefetches read); the items of other types
# with a ``from_row`` (donations, memberships: rows of another shape) are made into their objects,
# and only their links (Prefetch.objects) are prefetched.
NODE_TYPES = frozenset(label.value for label in Label)


def _plan(field: GraphQLField) -> Prefetch | None:
    return _found(field)[1]


def _by_key_alone(field: GraphQLField) -> bool:
    """Whether the field's resolver reads its object's key and nothing else (hub.execution.projection.reads)."""
    return _found(field)[2]


def _found(field: GraphQLField) -> tuple[GraphQLField, Prefetch | None, bool]:
    found = _PLANS.get(id(field))
    if found is None:
        function = resolver_function(field)
        plan = getattr(function, "prefetch", None)
        # the field kept with them, so that the ids stay unique
        found = _PLANS[id(field)] = (field, plan if isinstance(plan, Prefetch) else None,
                                     getattr(function, "reads", None) == ("key",))
    return found


_PLANS: dict[int, tuple[GraphQLField, Prefetch | None, bool]] = {}  # a schema's fields' prefetches, found once


class _Walk:
    """The selection below a page, read the way graphql-core's executor reads it."""

    def __init__(self, info: Any) -> None:
        self.info = info
        self.raw = raw_info(info)  # graphql-core's resolve info (schema, fragments, variables)
        # By field and its nodes (an object by key walks its level twice).
        self._arguments: dict[tuple[int, ...], dict[str, Any]] = {}
        # Rows read with only the properties their selection reads, when the query runs compiled.
        self.projecting = projection.active(info.context)

    def collect(self, parent: GraphQLObjectType, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        raw = self.raw
        return collect_sub_fields(raw.schema, raw.fragments, raw.variable_values, parent, nodes)

    def sub_fields(self, parent: GraphQLObjectType, nodes: list[FieldNode]) -> list[list[FieldNode]]:
        # In a compiled query, once per operation (they depend on the variables its plans are kept by).
        return self._memo(("sub_fields", id(parent), *map(id, nodes)),
                          lambda: list(self.collect(parent, nodes).values()))

    def items(self, connection: GraphQLObjectType, nodes: list[FieldNode]) -> tuple[str, list[FieldNode]]:
        """The item type's name of a connection and the field nodes selecting its items (nodes, edges.node)."""
        def work() -> tuple[str, list[FieldNode]]:
            item, selecting = projection.items(self.collect, connection, nodes)
            return item.name, selecting

        return self._memo(("items", id(connection), *map(id, nodes)), work)

    def arguments(self, field: GraphQLField, node: FieldNode, nodes: list[FieldNode]) -> dict[str, Any]:
        """The keyword arguments the field's resolver will be called with, and (compiled) the
        projection of the rows it loads, as the compiled step passes it (hub.execution.projection).
        In a compiled query, worked out once per operation and kept with its plans, as the compiled
        steps' own arguments are (they depend on the same variables)."""
        key = (id(field), *map(id, nodes))  # the projection depends on every node selecting the field
        found = self._arguments.get(key)
        if found is None:
            if self.projecting:
                found = projection.memo(self.info.context.execution, ("arguments", key),
                                        lambda: self._converted(field, node, nodes))
            else:
                found = self._converted(field, node, nodes)
            self._arguments[key] = found
        return found

    def _converted(self, field: GraphQLField, node: FieldNode, nodes: list[FieldNode]) -> dict[str, Any]:
        found = convert_arguments(self.info, field, get_argument_values(field, node, self.raw.variable_values)
                                  ) if field.args else {}
        more = projection.extras(self.info.context.execution, self.collect, field, nodes) if self.projecting else None
        return {**found, **more} if more else found

    def totals_asked(self) -> bool:
        connection = assert_object_type(get_named_type(self.raw.return_type))  # a connection: an object type
        return any(f[0].name.value == "totalCount" for f in self.sub_fields(connection, self.raw.field_nodes))

    async def run(self, rows: list[Node]) -> None:
        item, nodes = self.items(assert_object_type(get_named_type(self.raw.return_type)), self.raw.field_nodes)
        await self.levels([(rows, item, nodes)])

    async def levels(self, level: list[_Level], below: Iterable[Awaitable[Any]] = (),
                     started: Iterable[_Started] = ()) -> None:
        """Load level by level from ``level``: (parents' rows, their type's name, the nodes selecting
        below them); with each level, the loads of the values of the one above that are not nodes.
        ``below`` and ``started``: loads already started, awaited with the first level."""
        below = list(below)
        started = list(started)
        while level or below or started:
            started += self.start(level)
            # Failures stay in the loaders' futures: each field that asks raises its own error.
            results = await asyncio.gather(*(s[1] for s in started), *below, return_exceptions=True)
            level, below = self.next(started, results[:len(started)])
            started = []

    def next(self, started: list[_Started], results: list[Any]) -> tuple[list[_Level], list[Awaitable[Any]]]:
        """From a level's results: the next level, and the loads of values that are not nodes, started."""
        level: list[_Level] = []
        below: list[Awaitable[Any]] = []
        for (step, _, parents), result in zip(started, results, strict=True):
            if step is None or isinstance(result, BaseException):  # a load started beside a field's
                continue
            plan = step.plan
            if plan.below is not None and step.asked is not None:
                below += plan.below(self.info.context, parents, result, step.asked)
            if plan.rows is not None:
                level.append((plan.rows(result), *step.items))
        return level, below

    def start(self, level: list[_Level], keyed: bool | None = None) -> list[_Started]:
        """Start the loads of one level, at once (no await between them). ``keyed``: only the fields
        that read their object's key alone (True), or only the others (False)."""
        started: list[_Started] = []
        loaders = self.info.context.loaders
        for parents, type_name, selecting in level:
            if not parents or not selecting:
                continue
            from_row, steps = self.steps(type_name, selecting, keyed)
            if not steps:
                continue
            # A relation's items (a donation: its donor, its institution) are made into their objects.
            objects = None if from_row is None else [from_row(row) for row in parents]
            for step in steps:
                plan = step.plan
                try:  # failures stay in the loaders' futures: each field that asks raises its own error
                    loading = plan.load(loaders, parents if objects is None else objects, step.arguments)
                except Exception:  # noqa: BLE001
                    continue
                started.append((step, loading, parents))
                if objects is None and plan.hop is not None and step.hops:  # the level below's reads by these parents
                    started += [(None, beside, parents) for beside in plan.hop(loaders, parents, step.arguments)]
        return started

    def steps(self, type_name: str, selecting: list[FieldNode], keyed: bool | None
              ) -> tuple[Callable[[Node], Any] | None, tuple[_Step, ...]]:
        """What ``start`` starts for the fields ``selecting`` selects on ``type_name``, and ``next`` reads
        of them, worked out once per operation in a compiled query (they depend on the operation and
        the variables its plans are kept by, not on the rows): a page of 100 institutions walked its
        selection afresh at every level of every request. The function that makes a relation's items
        into their objects (None for a node type's rows), and a step per field that loads."""
        def work() -> tuple[Callable[[Node], Any] | None, tuple[_Step, ...]]:
            owner = self.raw.schema.get_type(type_name)
            assert isinstance(owner, GraphQLObjectType)
            from_row = None
            if type_name not in NODE_TYPES:
                # Only a relation's fields that load from its object (links by a key attribute) are started.
                from_row = getattr(owner.extensions[STRAWBERRY_FIELD].origin, "from_row", None)
                if from_row is None:
                    return None, ()
            steps = []
            for found in self.sub_fields(owner, selecting):
                field = owner.fields.get(found[0].name.value)
                plan = _plan(field) if field else None
                if plan is None or field is None or (from_row is not None and not plan.objects):
                    continue
                if keyed is not None and _by_key_alone(field) is not keyed:
                    continue
                try:  # bad arguments are left for the resolver to report where they belong
                    arguments = self.arguments(field, found[0], found)
                except Exception:  # noqa: BLE001
                    continue
                step = self._step(plan, field, found, arguments)
                if plan.held is not None and plan.held(arguments.get(projection.PROPS)) and not (
                        step.asked is not None and self.steps(*step.items, None)[1]):
                    continue  # a gift's donor asked for its key: nothing to load, here or below
                steps.append(step)
            return from_row, tuple(steps)

        return self._memo(("steps", type_name, keyed, *map(id, selecting)), work)

    def _step(self, plan: Prefetch, field: GraphQLField, found: list[FieldNode], arguments: dict[str, Any]) -> _Step:
        child = get_named_type(field.type)
        if not isinstance(child, GraphQLObjectType):
            assert not plan.connection
            return _Step(plan, arguments, None, (child.name, found), ())
        asked = frozenset(f[0].name.value for f in self.sub_fields(child, found))
        items = self.items(child, found) if plan.connection else (child.name, found)
        hops = arguments.get(projection.HOPS, ()) if plan.hop is not None else ()
        return _Step(plan, arguments, asked, items, hops)

    def _memo(self, key: Any, work: Callable[[], T]) -> T:
        """``work()``, kept with the operation's plans in a compiled query (projection.memo)."""
        return projection.memo(self.info.context.execution, key, work) if self.projecting else work()


_Level = tuple[list[Node], str, list[FieldNode]]


class _Step(NamedTuple):
    """A field's load in a level, as worked out once per operation (``_Walk.steps``)."""

    plan: Prefetch
    arguments: dict[str, Any]  # what its resolver is called with, and the projection of its rows
    asked: frozenset[str] | None  # the names selected on its values' type, when that is an object type
    items: tuple[str, list[FieldNode]]  # the next level's type and the nodes selecting on it
    hops: tuple[projection.Hop, ...]  # what its link reads beside the linked nodes (projection.link_hops)


_Started = tuple[_Step | None, Awaitable[Any], list[Node]]  # None: a load started beside a field's


async def prefetch(info: Any, rows: list[Node]) -> None:
    """Load what the fields below a page of ``rows`` (the items of the connection field being
    resolved) will ask the loaders for, level by level."""
    await _Walk(info).run(rows)


class Ahead:
    """What is loaded beside one node fetched by key (``prefetch_by_key``)."""

    def __init__(self, info: Any, key: str) -> None:
        self.walk = _Walk(info)
        self.selecting = (get_named_type(self.walk.raw.return_type).name, self.walk.raw.field_nodes)
        self.started = self.walk.start([([{"key": key}], *self.selecting)], keyed=True)
        self.first = asyncio.gather(*(s[1] for s in self.started), return_exceptions=True)

    async def rest(self, row: Node) -> None:
        """Once the node is there (and the caller may see it): the levels below its fields, level by
        level, before the fields ask. The fields of its own level that read another of its properties
        (a link by a key it holds) start now, from its row, with the level below those started by key."""
        results = await self.first
        level, below = self.walk.next(self.started, list(results))
        later = self.walk.start([([row], *self.selecting)], keyed=False)
        await self.walk.levels(level, below, later)


def prefetch_by_key(info: Any, key: str) -> Ahead:
    """Start, beside the load of the node being resolved (one node, by ``key``), the loads of the
    fields below it that read by its key alone (its links, lists and giving), in the same turn of
    the event loop, so that they and the node join in one statement (graph_model.stores.fused).
    ``Ahead.rest`` then loads the levels below, as a root list's prefetch does, so that completing
    the node finds every loader future done. What is loaded for a key with no node, or one the
    caller may not see, is never asked for. Failures stay in the loaders' futures. Not used once the node's read
    was sent ahead and answered (hub.execution.ahead): its fields' loads are then answered at once."""
    return Ahead(info, key)


def page_props(info: Any) -> tuple[str, ...] | None:
    """The properties the items of the connection field being resolved read (hub.execution.projection)."""
    walk = _Walk(info)

    def work() -> tuple[str, ...] | None:
        connection = assert_object_type(get_named_type(walk.raw.return_type))
        item, selecting = projection.items(walk.collect, connection, walk.raw.field_nodes)
        return projection.wanted(walk.collect, item, selecting) if selecting else None

    return projection.memo(info.context.execution, ("page", *map(id, walk.raw.field_nodes)), work)


def mirrored_props(info: Any, label: Label) -> tuple[tuple[str, ...] | None, ...]:
    """The projections with which the items of the connection field being resolved will have their
    ``label`` nodes read by the keys their rows mirror (``Prefetch.mirror``, Loaders.mirrored: an
    institution's county, an event's place), when those reads are all that the levels below the page
    would ask the store for; else none: the reads that remain would take a statement after the page
    anyway, and the nodes join it. Worked out with the prefetch's own steps (kept with the operation's
    plans in a compiled query), so they are the projections the prefetch then asks for."""
    walk = _Walk(info)

    def work() -> tuple[tuple[str, ...] | None, ...]:
        connection = assert_object_type(get_named_type(walk.raw.return_type))
        item, selecting = walk.items(connection, walk.raw.field_nodes)
        from_row, steps = walk.steps(item, selecting, None) if selecting else (None, ())
        if from_row is not None or not steps:  # a relation's items: their links are read from their objects
            return ()
        if not all(step.plan.mirror is not None and step.plan.mirror[1] is label and not step.hops
                   and not walk.steps(*step.items, None)[1] for step in steps):
            return ()
        return tuple(dict.fromkeys(step.arguments.get(projection.PROPS) for step in steps))

    return walk._memo(("mirrored", label, *map(id, walk.raw.field_nodes)), work)


def object_props(info: Any) -> tuple[str, ...] | None:
    """The properties the object field being resolved reads of its node (hub.execution.projection)."""
    walk = _Walk(info)
    nodes = walk.raw.field_nodes
    return projection.memo(info.context.execution, ("object", *map(id, nodes)), lambda: projection.wanted(
        walk.collect, assert_object_type(get_named_type(walk.raw.return_type)), nodes))


def field_extras(info: Any) -> dict[str, Any]:
    """What the compiled step of the field being resolved would add to its twin's arguments
    (projection.extras), for graphql-core resolving it instead (a field left to it, an object fallen
    back): the same loaders. Empty when the query does not run compiled."""
    if not projection.active(info.context):
        return {}
    walk = _Walk(info)
    raw = walk.raw
    return projection.extras(info.context.execution, walk.collect, raw.parent_type.fields[raw.field_name],
                             raw.field_nodes)


def totals_asked(info: Any) -> bool:
    """Whether the connection field being resolved has `totalCount` selected (and not skipped)."""
    return _Walk(info).totals_asked()
