"""A kept query answered straight from the rows of the reads it sent ahead (issue 18).

A kept query of one object by key (hub.http.prepared, hub.execution.ahead) sends its first statement's reads as
the request arrives. The ordinary way then runs graphql-core's field, the root resolver, the loaders (each load
answered at once from those reads: graph_model.stores.fused.FusedReads.at_once) with their batch functions, and
the compiled plans (hub.execution.compiled). For one institution that machinery was about half of the request's
Python, measured by a prototype built by hand (benchmarks/README.md, issue 18, thirty-fifth section). Here the
answer is read off those rows by a ``Direct`` plan, made once per query text and caller's rights from the
operation's compiled plans (their ``FieldCode``s: the same reads of a row or an object, enum tables, serializers,
null checks and resolvers) and from the reads sent ahead: each field's read is found among them by the statement
and parameters its loader makes, and its rows are read by the same functions as the loader's batch function
(graph_model.listing.pages_of, graph_model.links.institution_giving) into the same values (a page's connection,
giving totals, a row), which are completed as the plans complete them.

What it covers, and anything else is left to the ordinary way whole (``build`` gives None):
- one root field, an object by key (hub.schema.fields.by_key) of a type completed from its row, its key given by
  a variable read nowhere else in the query;
- below it: attributes, `__typename`, Relay ids and resolvers that need no resolve info; links followed from the
  object's own key by a link loader, with the nodes their hops read (a county's province), and the linked rows a
  relation carries (a gift's donor); the object's nested lists' first pages (hub.schema.fields.nested_list); for a
  caller who sees every donor (``Visibility.personal``), an institution's giving totals from its kept cell.
What the caller may see is decided by the same code as on the ordinary way: the lists narrowed by
``Visibility.narrow`` (their statements, found among the reads, are the narrowed ones), a carried donor by the
link's own ``held``, a donor read by key or by a hop hidden as ``Loaders.node`` and ``Loaders.known`` hide it; a
field whose resolver decides it otherwise (supervision records, withheld totals) is not covered. A plan is kept per
caller's rights (hub.execution.ahead.rights) and used only with the values of the other variables it was made
with, and only when the reads sent ahead are the statements and parameters it expects for the key asked.
At run time, rows it does not answer from as they are (an object not found, an empty page whose filters name a
key, a key no hop read, totals without their dates, a value graphql-core would refuse) raise ``Miss``: the
ordinary way then answers from the same reads, which are still there. tests/test_direct.py holds the answers
byte-equal to the ordinary way's, and counts which queries were answered directly.
"""

from __future__ import annotations

import asyncio
import functools
import keyword
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLObjectType, VariableNode, Visitor, get_named_type, visit
from graphql.pyutils import Undefined
from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT

from graph_model import filter_keys, links, listing, search_places
from graph_model.enums import Label
from graph_model.list_specs import NESTED
from graph_model.statements import reads as node_reads
from hub.execution import projection
from hub.execution.plan_code import FieldCode
from hub.execution.plan_runtime import PLAIN, missing, object_list, pending
from hub.strawberry_compat import resolver_function


class Miss(Exception):
    """The rows are not what the plan answers from as they are: the ordinary way answers the request."""


class Uncovered(Exception):
    """A selection the plan does not cover: the query goes the ordinary way, always."""


Rows = list[dict[str, Any]]
Complete = Callable[[Any, "_Run"], Any]


class _Run:
    """One request's answer being read: the reads' rows, its context, and the node loaders' answers given without
    a read (``Loaders.known``: the nodes a link's hops read)."""

    __slots__ = ("rows", "context", "primed")

    def __init__(self, rows: list[Rows], context: Any) -> None:
        self.rows, self.context = rows, context
        self.primed: dict[tuple[Label, Any], dict[str, Any]] = {}


@dataclass(frozen=True)
class Direct:
    """One query text's answer from its reads sent ahead, for one caller's rights."""

    # What it answers from, checked before each answer (``takes``): the key's variable, the other variables' values
    # as they were when it was made (they decide what is read below the object, fixed in the plan), and each read
    # sent ahead as the statement and parameters it must be, given the key.
    variable: str
    others: dict[str, Any]
    reads: tuple[tuple[Any, Callable[[str], dict[str, Any]]], ...]
    answer: Callable[[list[Rows], str, Any], dict[str, Any]]  # rows, the key, the context -> data (or Miss)

    def takes(self, ahead: list[tuple[Any, dict[str, Any], Any]], given: dict[str, Any]) -> str | None:
        """The key it answers for, when ``ahead`` are the reads it answers from; None otherwise."""
        key = given.get(self.variable)
        if type(key) is not str or len(ahead) != len(self.reads) or len(given) != len(self.others) + 1:
            return None
        for name, value in self.others.items():
            if name not in given or given[name] != value:
                return None
        for (stmt, params, _), (wanted, made) in zip(ahead, self.reads, strict=True):
            if not (stmt is wanted or stmt == wanted) or params != made(key):
                return None
        return key


def build(execution: Any, node: FieldNode, response_key: str,
          sent: list[tuple[Any, dict[str, Any]]], variables: dict[str, Any]) -> Direct | None:
    """The plan for the query whose one root field is ``node``, given the request's compiled execution and the
    reads it sent ahead (``sent``: statement and parameters, with this request's variables); None when any of
    it is not covered (see the module)."""
    try:
        return _build(execution, node, response_key, sent, variables)
    except Uncovered:
        return None


def _build(execution: Any, node: FieldNode, response_key: str, sent: list[tuple[Any, dict[str, Any]]],
           variables: dict[str, Any]) -> Direct:
    context = execution.context_value
    if node.directives:
        raise Uncovered
    gql_field = execution.schema.query_type.fields[node.name.value]
    target = getattr(resolver_function(gql_field), "by_key", None)
    object_type = get_named_type(gql_field.type)
    cls = projection.ROW_TYPES.get(object_type.name)
    arguments = node.arguments
    if (target is None or cls is None or not isinstance(object_type, GraphQLObjectType) or len(arguments) != 1
            or arguments[0].name.value != "key" or not isinstance(arguments[0].value, VariableNode)):
        raise Uncovered
    variable = arguments[0].value.name.value
    key = variables.get(variable)
    if type(key) is not str or _uses(execution, variable) != 1:
        raise Uncovered  # the key's variable read below the object too: what is read there is the key's
    label = Label(target)
    props = projection.wanted(execution.collect_subfields, object_type, [node])
    builder = _Builder(execution, sent, key)
    index = builder.find(node_reads.by_keys(label, props), _keys)
    complete = builder.object(execution.plan(object_type, [node], row_class=cls), root=True, hopped=())
    if len(builder.found) != len(sent):
        raise Uncovered  # a read it would not take: the ordinary way reads it for something not covered
    loader = (label, props)
    hides = context.visibility.hides(label)  # as Loaders.node: an individual donor is absent

    def answer(rows: list[Rows], key: str, context: Any) -> dict[str, Any]:
        found = {r["node"]["key"]: r["node"] for r in rows[index]}  # as queries.by_keys
        row = found.get(key)
        if not row or hides and context.visibility.donor(row) is None:
            raise Miss  # the ordinary way reads what its prefetch would beside an object not there
        run = _Run(rows, context)
        run.primed[loader] = {row["key"]: row}
        return {response_key: complete(row, run)}

    reads = tuple(builder.found[i] for i in range(len(sent)))
    return Direct(variable, {k: v for k, v in variables.items() if k != variable}, reads, answer)


def _keys(key: str) -> dict[str, Any]:
    return {"keys": [key]}


def _uses(execution: Any, name: str) -> int:
    """How many times the operation and the document's fragments read the variable ``name`` (its definition
    aside)."""
    count = 0

    class Uses(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            nonlocal count
            count += node.name.value == name

    for selection in (execution.operation.selection_set, *(f.selection_set for f in execution.fragments.values())):
        visit(selection, Uses())
    return count


_NO_ANSWER = object()


class _Builder:
    """Builds the completion of each object of the selection from its plan, finding each read it takes among the
    reads sent ahead: the same statement with the same parameters (the object's key as the request gave it)."""

    def __init__(self, execution: Any, sent: list[tuple[Any, dict[str, Any]]], key: str) -> None:
        self.execution, self.sent, self.key = execution, sent, key
        self.found: dict[int, tuple[Any, Callable[[str], dict[str, Any]]]] = {}  # by place: statement, parameters
        self.context = execution.context_value

    def find(self, stmt: Any, params: Callable[[str], dict[str, Any]]) -> int:
        """The place among the reads sent ahead of ``stmt`` with ``params`` of the object's key."""
        wanted = params(self.key)
        for i, (other, given) in enumerate(self.sent):
            if i not in self.found and (other is stmt or other == stmt) and given == wanted:
                self.found[i] = (stmt, params)
                return i
        raise Uncovered

    def object(self, plan: Any, *, root: bool = False, hopped: tuple[links.Hop, ...] = ()) -> Complete:
        """How an object of ``plan`` (a row for a ``RowPlan``) is completed: its fields in the plan's order, each
        as the plan's code completes it (hub.execution.plan_code.generate), written out as straight-line code."""
        row = plan.cls is not None
        steps = [self.field(f, row=row, root=root, hopped=hopped) for f in plan.fields]
        return _generate(plan.type.name, steps, plan.make)

    def field(self, f: FieldCode, *, row: bool, root: bool, hopped: tuple[links.Hop, ...]) -> _Step:
        if f.constant is not None:
            return _Step(f.key, "constant", False, f.constant)
        if f.step is not None or f.info:
            raise Uncovered  # left to graphql-core, or reading the request's execution
        on_object = row and f.of_object  # read off the object made of the row, once
        if f.table is not None and row and not f.of_object:
            prop, answers = f.table
            required = f.required

            def refused(source: Any) -> Any:  # a value the table does not hold
                if source.get(prop) is not None:
                    raise Miss  # a stored value the enum refuses: graphql-core words the error
                return _none(required)
            return _Step(f.key, "enum", False, (prop, answers, refused))
        # The rows below a link may find the nodes its hops read (a county's province).
        below = f.fast[1].get(projection.HOPS, ()) if f.fast is not None and hasattr(f.fast[0], "link") else ()
        if f.fast is not None:  # (the fast resolvers covered give objects)
            if f.serialize is not None:
                raise Uncovered
            complete = self.completion(f, below)
            return _Step(f.key, "call", on_object, self.fast(f, complete, row=row, root=root, hopped=hopped))
        # A scalar or an enum is serialized inline by ``_generate``; an object or a list completed.
        value_complete = None if f.serialize is not None else self.completion(f, below)
        if f.read is not None and row and not f.of_object:
            read = f"source.get({f.read!r})"
        elif f.read is not None and f.read.isidentifier() and not keyword.iskeyword(f.read):
            read = f"{'made' if on_object else 'source'}.{f.read}"
        else:
            read = ""  # by the getter
        return _Step(f.key, "value", on_object, (read, f.got), value_complete, f.as_is, f.serialize, f.required)

    def completion(self, f: FieldCode, hopped: tuple[links.Hop, ...]) -> Callable[[Any, _Run], Any]:
        """How a got object or list of objects of ``f`` is answered, as the plan's code answers it; ``hopped``: the
        nodes read beside it that the rows below may link to."""
        required = f.required
        if f.plans is not None:
            one = self.either(*f.plans, hopped)

            def an_object(value: Any, run: _Run) -> Any:
                if value is None:
                    return _none(required)
                if type(value) not in PLAIN:
                    _settled(value)
                return one(value, run)
            return an_object
        kind = f.complete
        if isinstance(kind, functools.partial) and kind.func is object_list:
            items_required = kind.args[1] is missing
            item = self.either(kind.args[2], kind.args[3], hopped)

            def a_list(value: Any, run: _Run) -> Any:
                if type(value) is not list:
                    if value is None:
                        return _none(required)
                    _settled(value)
                    raise Miss  # another kind of list: as graphql-core reads it
                if None not in value:
                    return [item(v, run) for v in value]
                out: list[Any] = []
                for v in value:
                    if v is None:
                        if items_required:
                            raise Miss
                        out.append(None)
                    else:
                        out.append(item(v, run))
                return out
            return a_list
        raise Uncovered  # a list of scalars, an interface or a union

    def either(self, plan: Any, row_plan: Any, hopped: tuple[links.Hop, ...]) -> Complete:
        """An object of ``plan``, or its row by ``row_plan`` when it comes as a row (then an object, which it does
        not, misses if its plan is not covered)."""
        if row_plan is None:
            return self.object(plan, hopped=hopped)
        as_row = self.object(row_plan, hopped=hopped)
        as_object = self.variant(plan, hopped)

        def one(value: Any, run: _Run) -> Any:
            return as_row(value, run) if type(value) is dict else as_object(value, run)
        return one

    def variant(self, plan: Any, hopped: tuple[links.Hop, ...]) -> Complete:
        try:
            return self.object(plan, hopped=hopped)
        except Uncovered:
            def missing(value: Any, run: _Run) -> Any:
                raise Miss
            return missing

    def fast(self, f: FieldCode, complete: Callable[[Any, _Run], Any], *, row: bool, root: bool,
             hopped: tuple[links.Hop, ...]) -> Callable[[Any, _Run], Any]:
        how, kwargs = f.fast  # type: ignore[misc]
        if _marked(how, "link"):
            return self.link(how, kwargs, complete, row=row, root=root, hopped=hopped)
        if _marked(how, "nested") and root:
            return self.nested(how, kwargs, complete)
        if _marked(how, "giving") and how.giving[1] is Label.INSTITUTION and root and self.context.visibility.personal:
            return self.giving(complete)  # (without PERSONAL, totals withheld as the overview's pattern needs)
        raise Uncovered

    def link(self, how: Any, kwargs: dict[str, Any], complete: Callable[[Any, _Run], Any], *, row: bool, root: bool,
             hopped: tuple[links.Hop, ...]) -> Callable[[Any, _Run], Any]:
        _, loader, label, prop, carries = how.link
        props, hops = kwargs.get(projection.PROPS), kwargs.get(projection.HOPS, ())
        rows = bool(kwargs.get(projection.ROWS))
        if not rows or hops and label is not None:
            raise Uncovered
        if carries is not None:  # the linked row the object carries (a gift's donor), as the field reads it
            if row or props is None or not carries.issuperset(props):
                raise Uncovered
            held = how.held

            def carried(source: Any, run: _Run) -> Any:
                got = held(source, props, run.context.loaders.visibility)
                if type(got) is not dict and got is not None:  # not carried: read by the loader
                    raise Miss
                return complete(got or None, run)
            return carried
        if not row:
            raise Uncovered
        if label is not None:  # a node loader's: answered by the hops read above (Loaders.known)
            if not any(h == (prop, label, props) for h in hopped):
                raise Uncovered
            loaded = (label, props)
            hides = self.context.visibility.hides(label)  # as Loaders.known

            def primed(source: Any, run: _Run) -> Any:
                key = source.get(prop)
                if key is None:
                    return complete(None, run)
                found = run.primed.get(loaded, {})
                if key not in found:
                    raise Miss  # read by a statement of its own in the ordinary way
                linked = found[key]
                if hides and run.context.visibility.donor(linked) is None:
                    linked = None
                return complete(linked or None, run)
            return primed
        if not root or prop != "key":
            raise Uncovered  # its key known only from the rows: not among the first statement's reads
        index = self.find(links.link_statement(loader, props, hops), _keys)

        def followed(source: Any, run: _Run) -> Any:
            key = source.get(prop)
            got = run.rows[index]
            if key is None:
                return complete(None, run)
            if not got:
                return complete(None, run)
            first = got[0]
            nodes = {n["key"]: n for n in first["nodes"]}  # as links.fetch_link_hops
            found = {k: nodes[n] for k, n in first["pairs"]}
            for i, (_, hop_label, hop_props) in enumerate(hops):  # given to the node loaders (Loaders.known)
                given = run.primed.setdefault((hop_label, hop_props), {})
                for k, value in {r["key"]: r for r in first[f"hops{i}"]}.items():
                    given.setdefault(k, value)
            return complete(found.get(key) or None, run)
        return followed

    def nested(self, how: Any, kwargs: dict[str, Any], complete: Callable[[Any, _Run], Any]
               ) -> Callable[[Any, _Run], Any]:
        from hub.schema.fields import request_of, rows_page  # the schema's modules import this one

        _, name, convert = how.nested
        spec = NESTED[name]
        req = self.context.visibility.narrow(spec.entity.name, request_of(kwargs, self.context.settings.limits.page))
        if search_places.text_to_place(spec, req) is not None:
            raise Uncovered  # the places a search names are read first
        plan = listing.nested_plan(spec, req, False)
        if plan.label is not None:
            raise Uncovered
        index = self.find(plan.stmt, lambda key: {"keys": [key], **plan.params})
        keyed = bool(filter_keys.keyed(req))
        made = rows_page if kwargs.get(projection.ROWS) else convert

        def page(source: Any, run: _Run) -> Any:
            key = source.get("key")
            got = listing.pages_of(run.rows[index], plan, spec, [key], req)[key]
            if keyed and not got.items:  # its filters' keys checked by a read of their own
                raise Miss
            return complete(made(got), run)
        return page

    def giving(self, complete: Callable[[Any, _Run], Any]) -> Callable[[Any, _Run], Any]:
        from hub.schema.entities import totals  # the schema's modules import this one

        index = self.find(links.INSTITUTION_CELLS, lambda key: {"cells": links.institution_cells([key])})

        def giving(source: Any, run: _Run) -> Any:
            key = source.get("key")
            got = links.institution_giving(run.rows[index]).get(key, links.NO_GIVING)
            if not got.dated and got.count:  # its dates read by a statement of their own
                raise Miss
            return complete(totals(got, run.context, key), run)
        return giving


@dataclass(frozen=True)
class _Step:
    """One field of an object's completion, as ``_generate`` writes it: ``constant`` (the answer), ``enum`` (a row's
    property answered by its table: the property, the table, what answers a value not in it), ``value`` (read
    inline, or by the getter: then completed, a value of type ``as_is`` answered as it is), ``call`` (the whole
    field: a link, a nested list, giving totals)."""

    key: str
    kind: str
    on_object: bool
    what: Any
    complete: Callable[[Any, _Run], Any] | None = None
    as_is: type | None = None
    serialize: Callable[[Any], Any] | None = None  # a scalar's or an enum's: called inline (as ``complete`` would)
    required: bool = False


def _generate(name: str, steps: list[_Step], make: Callable[[Any], Any] | None) -> Complete:
    """``complete(source, run)`` for an object: its fields in order, in straight-line code. Only response keys (as
    literals), property names (as literals) and attribute names that are identifiers reach the source."""
    space: dict[str, Any] = {"make": make, "_NO_ANSWER": _NO_ANSWER, "_PLAIN": PLAIN, "_settled": _settled,
                             "Miss": Miss, "_UNDEFINED": Undefined}
    lines = ["def complete(source, run):", "    out = {}"]
    made = False
    for i, step in enumerate(steps):
        key = repr(step.key)
        if step.on_object and not made:
            lines.append("    made = make(source)")
            made = True
        on = "made" if step.on_object else "source"
        if step.kind == "constant":
            lines.append(f"    out[{key}] = {step.what!r}")
        elif step.kind == "enum":
            prop, space[f"answers{i}"], space[f"refused{i}"] = step.what
            lines += [f"    value = answers{i}.get(source.get({prop!r}), _NO_ANSWER)",
                      "    if value is _NO_ANSWER:", f"        value = refused{i}(source)", f"    out[{key}] = value"]
        elif step.kind == "call":
            space[f"step{i}"] = step.what
            lines.append(f"    out[{key}] = step{i}({on}, run)")
        else:
            read, space[f"got{i}"] = step.what
            space[f"complete{i}"], space[f"as_is{i}"] = step.complete, step.as_is
            lines.append(f"    value = {read or f'got{i}({on})'}")
            branch = "if"
            if step.as_is is not None:
                fits = f" and {GRAPHQL_MIN_INT} <= value <= {GRAPHQL_MAX_INT}" if step.as_is is int else ""
                lines += [f"    if type(value) is as_is{i}{fits}:", f"        out[{key}] = value"]
                branch = "elif"
            if step.serialize is not None:  # as ``completion``'s leaf, inline
                space[f"serialize{i}"] = step.serialize
                lines += [f"    {branch} value is None:",
                          "        raise Miss" if step.required else f"        out[{key}] = None",
                          "    else:",
                          "        if type(value) not in _PLAIN:",
                          "            _settled(value)",
                          f"        value = serialize{i}(value)",
                          "        if value is None or value is _UNDEFINED:",
                          "            raise Miss",
                          f"        out[{key}] = value"]
            elif branch == "elif":
                lines += ["    else:", f"        out[{key}] = complete{i}(value, run)"]
            else:
                lines.append(f"    out[{key}] = complete{i}(value, run)")
    lines.append("    return out")
    code = compile("\n".join(lines) + "\n", f"<direct {name}>", "exec")
    exec(code, space)  # noqa: S102  # the source above: names and literals of the plan's own making
    function: Complete = space["complete"]
    return function


def _marked(how: Any, name: str) -> bool:
    """Whether the fast resolver ``how`` is the one its mark ``name`` was made for (hub.schema.fields)."""
    mark = getattr(how, name, None)
    return mark is not None and mark[0] is how


def _none(required: bool) -> None:
    if required:
        raise Miss  # a null in a non-null field: graphql-core words the error
    return None


def _settled(value: Any) -> None:
    """Miss for an awaitable (a value the ordinary way would wait for)."""
    if type(value) not in PLAIN and pending(value):
        if asyncio.iscoroutine(value):
            value.close()
        raise Miss


async def rows_of(ahead: list[tuple[Any, dict[str, Any], asyncio.Future[Rows]]]) -> list[Rows] | None:
    """The rows of every read sent ahead, once answered; None when one failed (the ordinary way makes it again)."""
    rows = []
    for _, _, future in ahead:
        try:
            rows.append(await asyncio.shield(future))
        except Exception:  # noqa: BLE001  # made again by the ordinary way, as it would be
            return None
    return rows
