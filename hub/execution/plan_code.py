"""A compiled plan's ``complete`` written as Python source and compiled once per plan (hub.execution.compiled).

A plan's fields were completed by a loop over (key, attribute, type, step) tuples, each field's value
got and completed through two or three closures (the step, its getter, a fast resolver's wrapper),
each reading the request's execution again (``_current``). A page of 100 institutions runs some
2,800 of them. The source written here does the same per field in straight-line code: the value read
inline (an attribute of the object, a property of the row, a fast resolver called with the request's
context read once per object), answered at once when it is a String, ID, Boolean or 32-bit Int of its
own type, a null answered or refused (a non-null field: ``Fallback``), anything else given to the
field's completer, an awaitable awaited by ``_then``. Generated code keeps the loop's order of reads
and calls, so what it answers and what it raises are the loop's: tests/test_compiled.py holds the
compiled answers byte-equal to graphql-core's.

Only names and literals chosen here reach the source: response keys and type names (GraphQL names,
``[_A-Za-z][_0-9A-Za-z]*``) as ``repr`` literals, attribute names only when they are identifiers,
everything else (getters, completers, arguments) passed in the namespace.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql.pyutils import Undefined
from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT

_NO_ANSWER = object()  # a stored value an enum column's table does not hold


@dataclass(frozen=True)
class FieldCode:
    """How one response key of a plan is answered, as the generator needs it."""

    key: str
    type_name: str  # the object type's, for the field's path
    step: Callable[[Any, Any], Any] | None = None  # the whole step (a field left to graphql-core), or None
    constant: str | None = None  # ``__typename``: the answer itself
    got: Callable[[Any], Any] | None = None  # the value got from the object or row (when not read inline)
    read: str | None = None  # read inline: an attribute of the object, or a property of the row
    fast: tuple[Any, Any] | None = None  # a fast resolver and its arguments, called with the context
    # A fast resolver's twin for all the objects of a list at once (``fast.many``: ``batched``), or None.
    many: Callable[[list[Any], Any, Any], list[Any]] | None = None
    as_is: type | None = None  # a value of this type is the answer (String, ID, Boolean, Int in 32 bits)
    required: bool = False  # a non-null field: a null falls back
    complete: Callable[[Any, Any], Any] | None = None  # the field's completer (values not answered as they are)
    of_object: bool = True  # read from the object; False: from the row (a ``RowPlan``'s own reads)
    plans: tuple[Any, Any] | None = None  # an object's: its plan, and its ``RowPlan`` when it may come as a row
    serialize: Callable[[Any], Any] | None = None  # a scalar's or an enum's serializer
    # A ``RowPlan``'s enum column: its property and the answer of each stored value (one not in it is
    # left to the getter and the completer, which refuse it as the object would).
    table: tuple[str, dict[Any, Any]] | None = None
    info: bool = False  # got by a resolver taking an info: it reads the request's execution (hub.execution.direct)


def batched(fields: list[FieldCode], *, row: bool) -> dict[int, int]:
    """The fields whose values a list of these objects gets for all its objects at once, before completing
    them (hub.execution.plan_runtime.object_list): a fast resolver with a ``many`` twin, given the plan's
    source (not an object made of a row). By the field's place, its place in ``pre``, the tuple of those
    values for one object that ``complete(source, path, pre)`` then reads instead of calling the resolver.
    A link or a nested list read per object cost some 2-3 us in its layers (the resolver, the loader's
    lookup, its future): 90 a request for a province's 50 events and 40 institutions with their places and
    counties, 300 for a page of 100 institutions."""
    positions: dict[int, int] = {}
    for i, f in enumerate(fields):
        if f.many is not None and f.fast is not None and f.step is None and not (row and f.of_object):
            positions[i] = len(positions)
    return positions


def interpret(fields: list[FieldCode], *, row: bool, make: Callable[[Any], Any] | None,
              support: dict[str, Any]) -> Callable[[Any, Any], Any]:
    """``complete(source, path)`` for a plan, walking its fields: what ``generate``'s code does, without
    writing and compiling it (some 100 us a field). A plan runs this until its operation is asked
    again (hub.execution.compiled): an operation asked once, or an attacker's stream of new ones, costs
    no more to plan than it did before plans were written out."""
    fallback, plain, pending, then, gathered, current = (support[name] for name in (
        "Fallback", "_PLAIN", "_pending", "_then", "_gathered", "_current"))
    has_fast = any(f.fast is not None for f in fields)
    batch = batched(fields, row=row)

    def complete(source: Any, path: Any, pre: tuple[Any, ...] | None = None) -> Any:
        out: dict[str, Any] = {}
        waiting: list[str] | None = None
        execution: Any = current() if row or has_fast else None
        if row:
            execution.stats.rows += 1
        context = execution.context_value if has_fast else None
        made: Any = _NO_ANSWER
        value: Any
        for index, f in enumerate(fields):
            key = f.key
            if f.constant is not None:
                out[key] = f.constant
                continue
            on = source
            if row and f.of_object:
                if made is _NO_ANSWER:
                    made = make(source)  # type: ignore[misc]
                on = made
            if f.step is not None:
                value = out[key] = f.step(on, path)
                if type(value) not in plain and pending(value):
                    waiting = [key] if waiting is None else [*waiting, key]
                continue
            here = (path, key, f.type_name)
            if f.table is not None and on is source and row:
                value = f.table[1].get(source.get(f.table[0]), _NO_ANSWER)
                if value is _NO_ANSWER:
                    value = f.got(source)  # type: ignore[misc]
                    if value is None:
                        if f.required:
                            raise fallback
                        out[key] = None
                    else:
                        out[key] = f.complete(value, here)  # type: ignore[misc]
                else:
                    out[key] = value
                continue
            if f.read is not None:
                value = source.get(f.read) if row and on is source else getattr(on, f.read)
            elif f.fast is not None:
                value = (pre[batch[index]] if pre is not None and index in batch
                         else f.fast[0](on, context, f.fast[1]))
            else:
                value = f.got(on)  # type: ignore[misc]
            as_is = f.as_is
            if as_is is not None and type(value) is as_is and (
                    as_is is not int or GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT):  # type: ignore[operator]
                out[key] = value
            elif value is None:
                if f.required:
                    raise fallback
                out[key] = None
            elif type(value) not in plain and pending(value):
                current().stats.waited += 1
                out[key] = then(value, f.complete, here)
                waiting = [key] if waiting is None else [*waiting, key]
            elif f.serialize is not None:
                value = f.serialize(value)
                if value is None or value is Undefined:
                    raise fallback
                out[key] = value
            else:
                if f.plans is not None:
                    plan, row_plan = f.plans
                    value = out[key] = (row_plan.complete(value, here) if row_plan is not None and type(value) is dict
                                        else plan.complete(value, here))
                else:
                    value = out[key] = f.complete(value, here)  # type: ignore[misc]
                if type(value) not in plain and pending(value):
                    waiting = [key] if waiting is None else [*waiting, key]
        return out if waiting is None else gathered(out, waiting)

    return complete


def generate(name: str, fields: list[FieldCode], *, row: bool, make: Callable[[Any], Any] | None,
             support: dict[str, Any]) -> Callable[[Any, Any], Any]:
    """``complete(source, path)`` for a plan: ``row``: the source is a row (a ``RowPlan``), whose object
    ``make`` builds for the fields that read the object; ``support``: ``Fallback``, ``_PLAIN``,
    ``_pending``, ``_then``, ``_gathered``, ``_current``."""
    space: dict[str, Any] = dict(support, make=make, _NO_ANSWER=_NO_ANSWER, _UNDEFINED=Undefined)
    lines = ["def complete(source, path, pre=None):", "    out = {}", "    waiting = None"]
    batch = batched(fields, row=row)
    if row:  # counted for tests and benchmarks (Stats.rows)
        lines += ["    execution = _current()", "    execution.stats.rows += 1"]
    if any(f.fast is not None for f in fields):
        lines.append("    context = execution.context_value" if row else "    context = _current().context_value")
    made = False
    for i, f in enumerate(fields):
        key = repr(f.key)
        here = f"(path, {key}, {f.type_name!r})"
        if f.constant is not None:
            lines.append(f"    out[{key}] = {f.constant!r}")
            continue
        on = "source"
        if row and f.of_object:
            on = "made"
            if not made:  # the object, made once, by the first field that reads it
                lines.append("    made = make(source)")
                made = True
        if f.step is not None:
            space[f"step{i}"] = f.step
            lines += [f"    value = out[{key}] = step{i}({on}, path)",
                      "    if type(value) not in _PLAIN and _pending(value):",
                      f"        waiting = [{key}] if waiting is None else waiting + [{key}]"]
            continue
        if f.table is not None and on == "source" and row:  # an enum read off the row: answered by its table
            space[f"answers{i}"], space[f"got{i}"], space[f"complete{i}"] = f.table[1], f.got, f.complete
            lines += [f"    value = answers{i}.get(source.get({f.table[0]!r}), _NO_ANSWER)",
                      "    if value is _NO_ANSWER:",
                      f"        value = got{i}(source)",
                      "        if value is None:",
                      "            raise Fallback" if f.required else f"            out[{key}] = None",
                      "        else:",
                      f"            out[{key}] = complete{i}(value, {here})",
                      "    else:",
                      f"        out[{key}] = value"]
            continue
        if f.read is not None and (on == "made" or not row) and f.read.isidentifier() \
                and not keyword.iskeyword(f.read):
            got = f"{on}.{f.read}"
        elif f.read is not None and on == "source" and row:
            got = f"source.get({f.read!r})"
        elif f.fast is not None:
            space[f"how{i}"], space[f"kw{i}"] = f.fast
            got = f"how{i}({on}, context, kw{i})"
            if i in batch:  # given by the list's loop (``batched``), when it is a list's
                got = f"pre[{batch[i]}] if pre is not None else {got}"
        else:
            space[f"got{i}"] = f.got
            got = f"got{i}({on})"
        space[f"complete{i}"] = f.complete
        lines.append(f"    value = {got}")
        branch = "if"
        if f.as_is is not None:
            space[f"as_is{i}"] = f.as_is
            fits = f" and {GRAPHQL_MIN_INT} <= value <= {GRAPHQL_MAX_INT}" if f.as_is is int else ""
            lines += [f"    if type(value) is as_is{i}{fits}:", f"        out[{key}] = value"]
            branch = "elif"
        lines += [f"    {branch} value is None:",
                  "        raise Fallback" if f.required else f"        out[{key}] = None",
                  "    elif type(value) not in _PLAIN and _pending(value):",
                  "        _current().stats.waited += 1",
                  f"        out[{key}] = _then(value, complete{i}, {here})",
                  f"        waiting = [{key}] if waiting is None else waiting + [{key}]",
                  "    else:"]
        if f.serialize is not None:  # a scalar or an enum: its serializer called at once
            space[f"serialize{i}"] = f.serialize
            lines += [f"        value = serialize{i}(value)",
                      "        if value is None or value is _UNDEFINED:",
                      "            raise Fallback",
                      f"        out[{key}] = value"]
            continue
        if f.plans is not None:  # an object: its plan's (or its row's plan's) code called at once
            space[f"plan{i}"], space[f"row_plan{i}"] = f.plans
            if f.plans[1] is not None:
                lines += ["        if type(value) is dict:",
                          f"            value = out[{key}] = row_plan{i}.complete(value, {here})",
                          "        else:",
                          f"            value = out[{key}] = plan{i}.complete(value, {here})"]
            else:
                lines.append(f"        value = out[{key}] = plan{i}.complete(value, {here})")
        else:
            lines.append(f"        value = out[{key}] = complete{i}(value, {here})")
        lines += ["        if type(value) not in _PLAIN and _pending(value):",
                  f"            waiting = [{key}] if waiting is None else waiting + [{key}]"]
    lines.append("    return out if waiting is None else _gathered(out, waiting)")
    code = compile("\n".join(lines) + "\n", f"<plan {name}>", "exec")
    exec(code, space)  # noqa: S102  # the source above: names and literals of the plan's own making
    function: Callable[[Any, Any], Any] = space["complete"]
    function.source = "\n".join(lines)  # type: ignore[attr-defined]  # for reading a plan when debugging
    return function
