"""Compiled completion: a query's objects built straight into the response, without graphql-core and
strawberry resolving their fields one by one.

A page of 100 institutions with their county, services and giving is some 2,800 fields. graphql-core
completes each one (a resolve info, an argument lookup, a path, strawberry's resolver wrapper, a
serializer call, an awaitable check): about half a request's time (benchmarks/README.md, issue 18).
Here each object type and selection of the operation is compiled into a ``Plan``: per response key,
how its value is got and completed, written out as straight-line Python once per plan
(hub.execution.plan_code). Plans are kept between requests (hub.execution.plan_cache), keyed by the
operation and the values of the variables used below its root fields, and read the request they run
for (its context, its stats) from ``CURRENT`` (hub.execution.plan_runtime, with the rest of what plans
call while they run): another institution's key or another caller reuses them; what a caller may
see is decided at run time, by the loaders and the fields' own checks.
Values are got the way the fields' own resolvers get them, through the same functions and the same
per-request loaders (so the same statements, batched per level by the prefetch of
hub.execution.prefetch, and the same privacy, suppression, scopes and limits: those live in the
loaders, the visibility and the checks run before execution), then serialized by the same GraphQL
scalars and enums.

How a field is got, decided once per field definition (``_kind``):
- ``attr``: a field without a resolver (strawberry's basic field): the attribute;
- ``call``: any other resolver of the hub's, called directly with its arguments converted once per
  plan and, if it takes one, an info that holds only the context and the schema (jalali twins,
  cursors, a connection's nodes and total, coverage areas and providers, redacted network names);
- ``fast``: a resolver that declares a context-level twin, ``resolve.fast(root, context, kwargs)``
  (links, nested lists, giving: hub.schema.fields, hub.schema.entities), its arguments converted once; a
  link's and a nested list's for the objects of a list all at once, before each is completed (``fast.many``,
  hub.execution.plan_code.batched);
- ``id``: a Relay node's global id;
- anything else (an interface or union, a field extension, a resolver parameter strawberry fills):
  ``generic``, graphql-core's own ``execute_field`` for that field alone, objects below it compiled again.

Rows (``RowPlan``): the objects of a registered type (hub.schema.entities.register: ``from_props`` of a row
and nothing more) are not made at all where they come from a fast resolver that is asked for rows
(projection.ROWS: links, nested lists, and connections of them) or from a root list or an object by key
(hub.schema.fields, when the request runs compiled). Their plans read each attribute off the row as
``from_props`` fills it, the Relay id off the key, and give a fast resolver that takes rows (``fast.rows``:
links, nested lists, giving) the row; any other field gets the object, made once when first needed. A
page of 100 institutions with their counties and services made some 400 objects; it makes none.

Anything unexpected in a compiled object (a resolver raising, a null in a non-null field, a scalar
refusing a value) abandons the compiled answer of the outermost compiled object, drops the errors
recorded meanwhile, and completes that object the ordinary way: the errors, their paths and the
nulls are graphql-core's own (the object's fields are read again; reads have no side effects, and
the loaders answer from their cache). Only queries are compiled; mutations run as before.
``Settings.compiled`` (HUB_COMPILED=0) switches it off; tests/test_compiled.py proves both paths give
the same bytes and counts what fell back. (A fallback first makes a root field's rows into their objects,
``_objects``: graphql-core completes those.)
"""

from __future__ import annotations

import functools
import operator
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    get_named_type,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    OperationType,
)
from graphql.execution.execute import CollectedErrors
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hub.execution import plan_code, projection
from hub.execution.plan_runtime import (AS_IS, CURRENT, SUPPORT, Complete, Fallback, checked_leaf, complete_list,
                                        current, missing, null, object_list, real_path)
from hub.execution.plan_cache import Shared, shared_plans
from hub.execution.plan_code import FieldCode
from hub.strawberry_compat import STRAWBERRY_FIELD, convert_arguments, resolver_function, strawberry_field

@dataclass
class Stats:
    """What the compiled path did in one request (for tests and benchmarks)."""

    objects: int = 0  # outermost objects answered compiled
    fallbacks: int = 0  # outermost objects completed the ordinary way after a Fallback
    generic: set[str] = field(default_factory=set)  # fields left to graphql-core (Type.field)
    waited: int = 0  # values that were awaitables (a load not yet done when its object was completed)
    rows: int = 0  # objects completed straight from their rows (``RowPlan``)
    batched: int = 0  # objects of lists whose links and nested lists were got for all at once (``Plan.batched``)
    # The rows' projections worked out for this operation (hub.execution.projection), kept with its plans.
    projections: dict[Any, Any] = field(default_factory=dict)


class _Errors(CollectedErrors):
    """graphql-core's error collection, with a way back to an earlier state (after a Fallback)."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[Path | None] = []

    def add(self, error: Any, path: Path | None) -> None:
        before = len(self._errors)
        super().add(error, path)
        if len(self._errors) > before:
            self._paths.append(path)

    def mark(self) -> int:
        return len(self._errors)

    def undo(self, mark: int) -> None:
        for path in self._paths[mark:]:
            self._error_positions.discard(path)
        del self._errors[mark:], self._paths[mark:]


_NODE_ID = relay.Node._id.__func__  # the resolver of every Node's `id` (a class method)
_TYPENAME = relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]  # its default: the type's GraphQL name


def _kind(gql_field: Any) -> tuple[str, Any]:
    """How a field definition's value is got (see the module's docstring), decided once per field."""
    found = _KINDS.get(id(gql_field))
    if found is None:
        found = _KINDS[id(gql_field)] = (_classify(gql_field), gql_field)  # the field kept: ids stay unique
    return found[0]


_KINDS: dict[int, tuple[tuple[str, Any], Any]] = {}
kind_of = _kind  # for hub.execution.projection: what a field reads follows from how it is got


def _classify(gql_field: Any) -> tuple[str, Any]:
    sf = strawberry_field(gql_field)
    if sf is None or sf.extensions or getattr(sf, "permission_classes", None):
        return ("generic", None)
    if sf.base_resolver is None:
        return ("attr", sf.python_name) if sf.default_resolver is getattr else ("generic", None)
    function = resolver_function(gql_field)
    fast = getattr(function, "fast", None)
    if fast is not None:
        return ("fast", fast)
    if getattr(function, "__func__", None) is _NODE_ID:
        return ("id", None)
    resolver = sf.base_resolver
    has_root = resolver.self_parameter is not None or resolver.root_parameter is not None
    info = resolver.info_parameter.name if resolver.info_parameter is not None else None
    known = {p.name for p in (resolver.self_parameter, resolver.root_parameter, resolver.info_parameter) if p}
    if any(name not in known for name in resolver.signature.parameters if name not in
           {a.python_name for a in resolver.arguments}):
        return ("generic", None)  # a parameter strawberry fills that the compiled path does not know
    return ("call", (function, has_root, info))


class CompiledExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context, completing the objects of a query by compiled plans."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collected_errors = _Errors()
        context = self.context_value
        settings = getattr(context, "settings", None)
        self.compiling = (self.operation.operation is OperationType.QUERY and settings is not None
                          and settings.compiled and hasattr(context, "loaders"))
        self.stats = Stats()
        self._shared = Shared()
        self.generating = False  # the plans built for this request are written out as code (``Plan.generate``)
        if self.compiling:
            context.execution = self.stats
            # What the shared plans' steps read the request's context from; a weak reference, for the
            # tasks this request starts copy its context variables and may outlive it (a shared
            # computation of the per-version cache): they must not keep its execution alive.
            CURRENT.set(weakref.ref(self))
            self._shared = shared_plans(self.schema, self.operation, self.fragments, self.variable_values)
            self.stats.projections = self._shared.projections
            # An operation asked again has its plans written out as code (plan_code.generate): its first
            # request walks them (plan_code.interpret), so one asked once costs no compiling.
            self._shared.uses += 1
            self.generating = self._shared.uses > 1
            if self.generating and not self._shared.generated:
                for plan in list(self._shared.plans.values()):
                    plan.generate()
                self._shared.generated = True
        self._plans: dict[Any, Plan] = self._shared.plans

    # -- the hook ------------------------------------------------------------------------
    def complete_object_value(self, return_type: GraphQLObjectType, field_nodes: list[FieldNode], info: Any,
                              path: Path, result: Any) -> Any:
        if not self.compiling:
            return super().complete_object_value(return_type, field_nodes, info, path, result)
        # A root field may give its object as a row, or a connection of rows (hub.schema.fields).
        row_class = _row_class(return_type) if type(result) is dict else None
        plan = self.plan(return_type, field_nodes, _holds_rows(return_type), row_class)
        mark = self.collected_errors.mark()  # type: ignore[attr-defined]
        try:
            answer = plan.complete(result, path)
        except Exception:  # noqa: BLE001  # a Fallback, or a serializer's refusal: graphql-core words it
            return self._fallback(mark, return_type, field_nodes, info, path, result)
        if not self.is_awaitable(answer):
            self.stats.objects += 1
            return answer

        async def finish() -> Any:
            try:
                done = await answer
            except Exception:  # noqa: BLE001
                late = self._fallback(mark, return_type, field_nodes, info, path, result)
                return await late if self.is_awaitable(late) else late
            self.stats.objects += 1
            return done

        return finish()

    def _fallback(self, mark: int, return_type: GraphQLObjectType, field_nodes: list[FieldNode], info: Any,
                  path: Path, result: Any) -> Any:
        self.collected_errors.undo(mark)  # type: ignore[attr-defined]
        self.stats.fallbacks += 1
        return super().complete_object_value(return_type, field_nodes, info, path, _objects(return_type, result))

    def build_response(self, data: Any, errors: list[Any]) -> Any:  # type: ignore[override]
        """The answer. (Plans hold no reference to a request's execution: an earlier version's did, a
        cycle that took the cyclic collector into full passes.)"""
        return StrawberryGraphQLCoreExecutionContext.build_response(data, errors)

    # -- plans -----------------------------------------------------------------------------
    def plan(self, object_type: GraphQLObjectType, field_nodes: list[FieldNode], rows: bool = False,
             row_class: type | None = None) -> Plan:
        """The plan of ``object_type`` with the selection ``field_nodes``; ``rows``: the values below it come
        as rows where asked for (a connection or an edge whose items are rows); ``row_class``: the
        object comes as its row (``RowPlan``)."""
        key = (object_type.name, "row" if row_class is not None else rows, *map(id, field_nodes))
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = (RowPlan(self, object_type, field_nodes, row_class) if row_class is not None
                                        else Plan(self, object_type, field_nodes, rows))
        else:  # built by an earlier request: what it leaves to graphql-core counts for this one too
            self.stats.generic |= self._shared.generic
        return found

    def completer(self, type_: GraphQLOutputType, field_nodes: list[FieldNode], rows: bool = False,
                  required: bool = False) -> Complete:
        """How a got value of ``type_`` becomes its response value; Fallback for a type left to
        graphql-core (an interface or a union). ``rows``: the value was asked for as rows (projection.ROWS):
        an object of a registered type may come as its row, a connection or an edge may hold rows.
        ``required`` (a non-null type): a null value falls back, as graphql-core makes it an error. A
        value that is not null never completes to null (a scalar refusing it falls back; an object or
        a list completes to a dict or a list, or an awaitable of one), so that is the only check."""
        if isinstance(type_, GraphQLNonNull):
            return self.completer(type_.of_type, field_nodes, rows, required=True)
        none = missing if required else null
        if isinstance(type_, GraphQLList):
            item = self.completer(type_.of_type, field_nodes, rows)
            plans = getattr(item, "plans", None)
            if plans is not None:  # a list of objects: their plans called straight from the list's loop
                return functools.partial(object_list, none, item.none, *plans)  # type: ignore[attr-defined]
            return lambda value, path: none() if value is None else complete_list(item, value, path)
        if isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
            serialize = type_.serialize

            def leaf(value: Any, path: Any) -> Any:
                return none() if value is None else checked_leaf(serialize(value))

            leaf.serialize = serialize  # type: ignore[attr-defined]  # what the generated code calls itself
            return leaf
        if isinstance(type_, GraphQLObjectType):
            plan = self.plan(type_, field_nodes, rows and _holds_rows(type_))
            row_class = _row_class(type_) if rows else None
            row_plan = self.plan(type_, field_nodes, row_class=row_class) if row_class is not None else None

            def complete(value: Any, path: Any) -> Any:
                if value is None:
                    return none()
                # A fast resolver asked for rows may still give an object (one that does not read ROWS).
                if row_plan is not None and type(value) is dict:
                    return row_plan.complete(value, path)
                return plan.complete(value, path)

            # What lists of these objects and the generated code of the plans above call directly.
            complete.plans, complete.none = (plan, row_plan), none  # type: ignore[attr-defined]
            return complete
        raise Fallback


def many_of(fast: Any) -> Callable[..., list[Any]] | None:
    """A fast resolver's ``many`` twin (plan_code.batched), only when it is this resolver's own: a resolver
    that stands in for another (a list narrowed to what the caller may see, hub.schema.supervision_records)
    and carries its attributes along (``functools.wraps`` copies them) must not be bypassed by the other's."""
    many = getattr(fast, "many", None)
    return many if many is not None and getattr(many, "of", None) is fast else None


def _row_class(type_: GraphQLObjectType) -> type | None:
    """The class of a type whose objects are ``from_props`` of a row (projection.ROW_TYPES), or None."""
    cls = projection.ROW_TYPES.get(type_.name)
    definition = type_.extensions.get(STRAWBERRY_FIELD)
    return cls if cls is not None and getattr(definition, "origin", None) is cls else None


def _holds_rows(type_: GraphQLObjectType) -> bool:
    """Whether ``type_`` is a connection or an edge (hub.schema.lists), whose items may be rows."""
    from hub.schema.lists import Connection, Edge  # the schema's modules import this one

    concrete = getattr(type_.extensions.get(STRAWBERRY_FIELD), "concrete_of", None)
    return concrete is not None and concrete.origin in (Connection, Edge)


def _rows_below(field_type: GraphQLOutputType) -> bool:
    """Whether a fast resolver giving ``field_type`` is asked for rows: an object of a registered type,
    or a connection of them."""
    named = get_named_type(field_type)
    if not isinstance(named, GraphQLObjectType):
        return False
    if _holds_rows(named) and "nodes" in named.fields:
        named = get_named_type(named.fields["nodes"].type)
    return isinstance(named, GraphQLObjectType) and _row_class(named) is not None


def _objects(type_: GraphQLObjectType, value: Any) -> Any:
    """A root field's value as graphql-core completes it: a row made the object of its registered type,
    a connection's rows made objects (the ones below are got again by the ordinary resolvers)."""
    from hub.schema.fields import from_props

    cls = _row_class(type_)
    if type(value) is dict and cls is not None:
        return from_props(cls, value)
    if _holds_rows(type_) and "nodes" in type_.fields:
        item = get_named_type(type_.fields["nodes"].type)
        item_class = _row_class(item) if isinstance(item, GraphQLObjectType) else None
        if item_class is not None:
            for edge in value.edges:
                if type(edge.node) is dict:
                    edge.node = from_props(item_class, edge.node)
    return value


class Plan:
    """One object type with one selection: for each response key, how its value is got and completed."""

    def __init__(self, execution: CompiledExecution, object_type: GraphQLObjectType,
                 field_nodes: list[FieldNode], rows: bool = False) -> None:
        self.execution = execution  # the request that builds it; its steps read the current one (CURRENT)
        self.type = object_type
        self.rows = rows  # the values below come as rows where asked for (a connection or an edge of rows)
        # Per response key, how its value is got and completed (plan_code.FieldCode); ``complete`` is
        # their straight-line code (plan_code.generate).
        self.fields = [self._field(object_type, response_key, nodes)
                       for response_key, nodes in execution.collect_subfields(object_type, field_nodes).items()]
        # What a list of these objects gets for all of them before completing each (plan_code.batched): per
        # place in ``pre``, the fast resolver's ``many`` twin and its arguments.
        self.batched = tuple((self.fields[i].many, self.fields[i].fast[1])  # type: ignore[misc, index]
                             for i in plan_code.batched(self.fields, row=self.cls is not None))
        self.complete = plan_code.interpret(self.fields, row=self.cls is not None, make=self.make, support=SUPPORT)
        if execution.generating:
            self.generate()
        del self.execution

    def generate(self) -> None:
        """Its ``complete`` written out as straight-line code (plan_code.generate): once its operation is
        asked again (``CompiledExecution.generating``)."""
        self.complete = plan_code.generate(self.type.name, self.fields, row=self.cls is not None, make=self.make,
                                           support=SUPPORT)

    batched: tuple[tuple[Callable[..., list[Any]], Any], ...] = ()
    cls: type | None = None  # a ``RowPlan``'s registered class: its sources are rows
    make: Callable[[Any], Any] | None = None  # a ``RowPlan``'s maker of the object of a row
    columns: dict[str, tuple[str, Any]] = {}  # a ``RowPlan``'s: per attribute, its property and enum

    def _field(self, object_type: GraphQLObjectType, response_key: str, nodes: list[FieldNode]) -> FieldCode:
        """How the value of ``response_key`` is got and completed (plan_code.FieldCode)."""
        name = nodes[0].name.value
        execution = self.execution
        if name == "__typename":
            return FieldCode(response_key, object_type.name, constant=object_type.name)
        gql_field = object_type.fields.get(name)
        how: Any
        kind, how = _kind(gql_field) if gql_field is not None else ("generic", None)
        complete: Complete | None = None
        if kind != "generic":
            try:
                # A fast resolver giving objects of a registered type is asked for their rows.
                rows_below = kind == "fast" and _rows_below(gql_field.type)
                complete = execution.completer(gql_field.type, nodes, self.rows or rows_below)
                kwargs = self._arguments(gql_field, nodes[0]) if kind in ("fast", "call") else None
                if kind == "fast":  # the rows it loads hold what is selected below it (as the prefetch asks)
                    more = projection.extras(execution.stats, execution.collect_subfields, gql_field, nodes)
                    if more:
                        kwargs = {**(kwargs or {}), **more}
                    if rows_below:
                        kwargs = {**(kwargs or {}), projection.ROWS: True}
            except Fallback:
                kind = "generic"
        type_name = object_type.name
        if kind == "generic" or complete is None:
            execution.stats.generic.add(f"{type_name}.{name}")
            execution._shared.generic.add(f"{type_name}.{name}")
            return FieldCode(response_key, type_name, step=lambda source, path: current().execute_field(
                object_type, source, nodes, Path(real_path(path), response_key, type_name)))
        got, read, of_object = self._got(kind, how, kwargs, object_type)
        # The commonest case answered at once: a String, ID, Boolean or Int value of its own type.
        named, required = gql_field.type, False
        if isinstance(named, GraphQLNonNull):
            named, required = named.of_type, True
        as_is = AS_IS.get(named.name) if isinstance(named, GraphQLScalarType) else None
        fast = (how, kwargs) if kind == "fast" else None
        many = many_of(how) if kind == "fast" else None
        table = None
        if read is None and kind == "attr" and self.cls is not None and how in self.columns:
            table = self._answers(self.columns[how], getattr(complete, "serialize", None))
        return FieldCode(response_key, type_name, got=got, read=read, fast=fast, many=many, as_is=as_is,
                         required=required,
                         complete=complete, of_object=of_object, plans=getattr(complete, "plans", None),
                         serialize=getattr(complete, "serialize", None), table=table,
                         info=kind == "call" and how[2] is not None)

    def _answers(self, column: tuple[str, Any], serialize: Callable[[Any], Any] | None
                 ) -> tuple[str, dict[Any, Any]] | None:
        """A ``RowPlan``'s enum column: its property and the answer of each stored value, or None."""
        prop, enum = column
        if enum is None or serialize is None:
            return None
        answers = {}
        for member in enum:
            try:
                answer = serialize(member)
            except Exception:  # noqa: BLE001  # a member the GraphQL enum does not know: left to the completer
                continue
            if answer is not None and answer is not Undefined:
                answers[member.value] = answer
        return prop, answers

    def _got(self, kind: str, how: Any, kwargs: dict[str, Any] | None, object_type: GraphQLObjectType
             ) -> tuple[Callable[[Any], Any], str | None, bool]:
        """How a field of ``kind`` reads its value off the object; the attribute the generated code reads
        itself (``attr``), or None; and True: it reads the object (``RowPlan`` says which read the row)."""
        if kind == "attr":
            return operator.attrgetter(how), how, True
        if kind == "call":
            function, has_root, info = how
            given: dict[str, Any] = dict(kwargs or {})
            if info is not None:  # the request's own, at each call
                def got(source: Any) -> Any:
                    shim = {info: _InfoShim(current())}
                    return function(source, **given, **shim) if has_root else function(**given, **shim)
            elif has_root:
                def got(source: Any) -> Any:
                    return function(source, **given)
            else:
                def got(source: Any) -> Any:
                    return function(**given)
            return got, None, True
        if kind == "id":
            type_name = object_type.name

            def node_id(source: Any) -> Any:
                cls = type(source)
                if cls.resolve_typename.__func__ is not _TYPENAME:
                    raise Fallback
                # the hub's types answer their key without the resolve info (hub.schema.fields.HubNode)
                return relay.GlobalID(type_name=type_name, node_id=str(cls.resolve_id(source, info=None)))
            return node_id, None, True

        def fast(source: Any) -> Any:
            return how(source, current().context_value, kwargs)
        return fast, None, True

    def _arguments(self, gql_field: Any, node: FieldNode) -> dict[str, Any]:
        if not gql_field.args:
            return {}
        execution = self.execution
        try:
            values = get_argument_values(gql_field, node, execution.variable_values)
            return convert_arguments(_InfoShim(execution), gql_field, values)  # type: ignore[arg-type]
        except Exception as error:  # bad arguments: graphql-core reports them where they belong
            raise Fallback from error


class RowPlan(Plan):
    """A plan for an object of a registered type (projection.ROW_TYPES) that comes as its row: a fast
    resolver asked for rows (projection.ROWS) gives the row it would have made the object of with
    ``from_props``. Its attributes are read off the row as ``from_props`` fills them (the property, its
    enum, ``generated`` a boolean), its Relay id from the key, and a fast resolver that takes rows
    (``fast.rows``: links, nested lists, giving) is given the row; any other field is given the object,
    made once per row when first needed. So the object is not made at all for most of a page's rows
    (its counties and services), and what each field answers is what it answers on the object."""

    def __init__(self, execution: CompiledExecution, object_type: GraphQLObjectType, field_nodes: list[FieldNode],
                 cls: type) -> None:
        from hub.schema.fields import HubNode, from_props  # the schema's modules import this one

        self.cls = cls
        self.columns = projection.row_columns(cls)
        self.make = functools.partial(from_props, cls)  # the object, for the fields that read it
        self.hub_id = HubNode.resolve_id.__func__  # type: ignore[attr-defined]  # a Relay id read off the key
        super().__init__(execution, object_type, field_nodes)

    def _got(self, kind: str, how: Any, kwargs: dict[str, Any] | None, object_type: GraphQLObjectType
             ) -> tuple[Callable[[Any], Any], str | None, bool]:
        cls: Any = self.cls
        if kind == "attr" and how in self.columns:
            prop, enum = self.columns[how]
            if how == "generated":  # as from_props: a missing flag is False
                return (lambda row: bool(row.get(prop))), None, False
            if enum is not None:
                return (lambda row: None if (value := row.get(prop)) is None else enum(value)), None, False
            return (lambda row: row.get(prop)), prop, False
        if kind == "id" and cls.resolve_typename.__func__ is _TYPENAME and cls.resolve_id.__func__ is self.hub_id:
            type_name = object_type.name
            return (lambda row: relay.GlobalID(type_name=type_name, node_id=str(row.get("key")))), None, False
        if kind == "fast" and getattr(how, "rows", False):
            def got(row: Any) -> Any:
                return how(row, current().context_value, kwargs)
            return got, None, False
        return super()._got(kind, how, kwargs, object_type)


class _InfoShim:
    """The part of strawberry's Info a compiled resolver call may read: the context and the strawberry
    schema (hub.strawberry_compat.convert_arguments reads it too). A resolver reading anything else
    (the selection, the path) raises AttributeError: its object falls back to graphql-core."""

    __slots__ = ("context", "schema")

    def __init__(self, execution: CompiledExecution) -> None:
        self.context = execution.context_value
        self.schema = execution.schema._strawberry_schema  # type: ignore[attr-defined]
