"""What compiled plans call while they complete a request (hub.execution.compiled builds the plans,
hub.execution.plan_code writes them out): the request being completed, lists of completed values and the
awaitables among them, the lazy paths, and ``Fallback``, which hands an object back to graphql-core.
The names the generated code reads are ``SUPPORT``'s."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from types import GeneratorType
from typing import TYPE_CHECKING, Any

from graphql.pyutils import Path, Undefined, is_awaitable

if TYPE_CHECKING:
    from hub.execution.compiled import CompiledExecution, Plan

Complete = Callable[[Any, Any], Any]  # a value and its (lazy) path -> the response value, or an awaitable of it


class Fallback(Exception):
    """The compiled completion cannot give graphql-core's answer: complete the ordinary way."""


def null() -> None:
    return None


def missing() -> Any:
    raise Fallback


def complete_list(item: Complete, values: Any, path: Any) -> Any:
    return settled_list([item(value, (path, index, None)) for index, value in enumerate(values)])


def settled_list(out: list[Any]) -> Any:
    """A completed list, or an awaitable of it when some of its items are awaitables."""
    waiting = [i for i, v in enumerate(out) if type(v) not in PLAIN and pending(v)]
    if not waiting:
        return out
    return gathered(out, waiting)


def object_list(none: Callable[[], Any], item_none: Callable[[], Any], plan: Plan, row_plan: Plan | None,
                 values: Any, path: Any) -> Any:
    """A list of objects: each completed by its plan, or by ``row_plan`` when it comes as its row. When all
    come the same way (all rows, or all objects), what their plan's batched fields give is got for all of
    them first (``Plan.batched``, hub.execution.plan_code.batched), and each is completed with its own."""
    if values is None:
        return none()
    if type(values) is list and values:
        chosen = (row_plan if row_plan is not None and all(type(value) is dict for value in values)
                  else plan if all(value is not None and (row_plan is None or type(value) is not dict)
                                   for value in values) else None)
        if chosen is not None and chosen.batched:
            execution = current()
            execution.stats.batched += len(values)
            context = execution.context_value
            complete = chosen.complete
            columns = [many(values, context, kw) for many, kw in chosen.batched]
            given = zip(values, zip(*columns, strict=True), strict=True)
            try:
                return settled_list([complete(value, (path, index, None), pre)  # type: ignore[call-arg]
                                     for index, (value, pre) in enumerate(given)])
            except BaseException:  # the awaitables got for the objects after the one that failed: never awaited
                for column in columns:
                    for got in column:
                        if asyncio.iscoroutine(got):
                            got.close()
                raise
    return settled_list([item_none() if value is None else
                     row_plan.complete(value, (path, index, None)) if row_plan is not None and type(value) is dict
                     else plan.complete(value, (path, index, None)) for index, value in enumerate(values)])


# The execution of the request being completed: plans are shared between requests (``shared_plans``),
# so their steps read the request's context, stats and graphql-core execution from here.
CURRENT: contextvars.ContextVar[Callable[[], CompiledExecution | None]] = contextvars.ContextVar(
    "compiled_execution")


def current() -> CompiledExecution:
    """The execution of the request being completed (alive while it completes: graphql-core holds it)."""
    execution = CURRENT.get()()
    if execution is None:  # a step run after its request ended: cannot happen while graphql-core completes
        raise Fallback
    return execution


_is_awaitable = is_awaitable  # graphql-core's, as its executor has it (the hub passes no other)


# Values that are never awaitable: checked by type before asking is_awaitable (some 250,000 times a second).
PLAIN = {str, int, float, bool, dict, list, type(None)}  # and the classes ``pending`` found never awaitable


def pending(value: Any) -> bool:
    """graphql-core's is_awaitable, remembering the class of a value that is not awaitable (a connection,
    giving totals: some 300 values of a page) in ``PLAIN``, so that its next objects are passed over
    by type. Awaitability is the class's (``__await__``; the hub's objects never hold their own),
    except a generator's, which may or may not be a coroutine: asked every time."""
    if _is_awaitable(value):
        return True
    cls = type(value)
    if cls is not GeneratorType:
        PLAIN.add(cls)
    return False


# Scalars whose serializer returns a value of this exact type unchanged (graphql-core's serialize_string,
# serialize_id, serialize_boolean; serialize_int an int within 32 bits, which the generated code checks;
# floats are checked finite by serialize_float, so not listed).
AS_IS = {"String": str, "ID": str, "Boolean": bool, "Int": int}


def real_path(path: Any) -> Path | None:
    """A graphql-core Path from the compiled path's lazy one: (parent, key, type name) tuples, made
    into Paths only where graphql-core needs one (a field left to it)."""
    if path is None or type(path) is Path:
        return path
    return Path(real_path(path[0]), path[1], path[2])


def checked_leaf(serialized: Any) -> Any:
    if serialized is Undefined or serialized is None:
        raise Fallback
    return serialized


async def gathered(out: Any, waiting: list[Any]) -> Any:
    """``out`` (a list or a dict) with its awaitables at ``waiting`` awaited; all are awaited (or
    closed) even when one falls back, so none is left pending."""
    results = await asyncio.gather(*(out[k] for k in waiting), return_exceptions=True)
    for k, result in zip(waiting, results, strict=True):
        if isinstance(result, BaseException):
            raise result
        out[k] = result
    return out


async def then(value: Any, complete: Complete, path: Any) -> Any:
    try:
        got = await value
    except Exception as error:
        raise Fallback from error
    done = complete(got, path)
    return (await done) if asyncio.iscoroutine(done) or isinstance(done, asyncio.Future) else done


# What the generated ``complete`` of a plan calls (hub.execution.plan_code).
SUPPORT = {"Fallback": Fallback, "_PLAIN": PLAIN, "_pending": pending, "_then": then, "_gathered": gathered,
            "_current": current}
