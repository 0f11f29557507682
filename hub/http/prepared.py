"""Prepared queries: a query text the app has run once is answered again straight through graphql-core.

strawberry's view and ``Schema.execute`` wrap each request in layers that, for a text already parsed
and validated, only look up what they decided the first time: the request adapter, the execution
context, the seven extensions made afresh with their hooks, the parser, validation and limit caches,
the persisted-query and stream checks. For one institution that was ~0.4 ms of 1.4 (benchmarks/README.md,
issue 18). Here the extension :class:`Remember`, listed last, keeps the document of every query that got
as far as executing, that is that parsed within the token limit, passed the input checks and validation
(introspection switch included) and is a query: by its text and operation name, per served schema.
A later POST of the same text is executed by :func:`execute_kept` with what depends on the request checked
again, the same functions the extensions call: the texts of its variables (NUL, lone surrogates), the
input checks of their values, the limits' verdict for them; then graphql-core executes the kept
document with the same execution class (a query of one root field, that field alone: hub.execution.one_field),
and its errors get the same codes, masking and log lines. A query of one object by key whose reads went ahead
(hub.execution.ahead) is answered straight from their rows where hub.execution.direct covers it (``_direct``:
a plan made once per text and caller's rights, ``_direct_plan``), else as above from the same reads.

Anything else goes the ordinary way, with nothing of the request used up (starlette keeps the body
read): a text not kept, a body that is not JSON or not a plain JSON object, a GET, a
multipart upload, an ``extensions.persistedQuery``, an ``Accept`` asking for a stream, the allow-list
mode, an operation with analytics fields (it must take a place in the per-key gate), a variable value
any check refuses (its refusal is the extension's own). ``Settings.prepared`` (HUB_PREPARED=0) turns it
off; tests/test_prepared.py proves both ways answer the same bytes, status and headers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import DocumentNode, ExecutionResult as CoreResult, GraphQLError, OperationDefinitionNode, execute
from starlette.requests import Request
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph_model.stores.fused import FusedReads
from hub.execution import ahead as ahead_reads, direct as direct_answers, input_checks, limits, one_field
from hub.execution.recent import Recent
from hub.execution.turns import Turns
from hub.http import request_texts
from hub.schema.extensions import add_codes
from hub.strawberry_compat import HTTPException, asks_for_stream, graphql_schema, provided_operation_name

log = logging.getLogger("hub")

CACHE_SIZE = 512  # texts kept per app, as many as the parser cache holds


class Prepared(Recent["Entry"]):
    """The entries of one app's schema, by (text, operation name); the oldest goes first. ``waves``: what
    each text's first statement reads, per caller's rights (hub.execution.ahead); None when not sent ahead."""

    def __init__(self, size: int = CACHE_SIZE, ahead: bool = True, direct: bool = True) -> None:
        super().__init__(size)
        self.waves = ahead_reads.Waves() if ahead else None
        # Per (text, operation name, rights): its answer from its reads sent ahead (hub.execution.direct), or
        # UNCOVERED; None for all when off (HUB_DIRECT=0).
        self.direct: Recent[Any] | None = Recent(size) if ahead and direct else None


@dataclass(frozen=True, slots=True)
class Entry:
    """A query text that ran: its document and what the input checks read off it once."""

    document: DocumentNode
    checks: input_checks.Plan
    # The variables its operations declare (a body may hold others, which graphql-core leaves aside).
    declared: frozenset[str] = frozenset()
    # Its variables when each is a text that coerces to itself (hub.execution.one_field.plain_texts).
    texts: tuple[str, ...] | None = None


class Remember(SchemaExtension):
    """Keeps a query's document once it is about to execute: every check before execution passed."""

    def __init__(self, prepared: Prepared) -> None:
        super().__init__()
        self.prepared = prepared

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        text, name, document = context.query, provided_operation_name(context), context.graphql_document
        if (text is not None and document is not None and (text, name) not in self.prepared.found
                and context.operation_type is OperationType.QUERY):
            checks = input_checks.PLANS.get(graphql_schema(context.schema), document, text)
            # A document of several operations runs unnamed only in a batch (OPERATION_NAMED): not here.
            if checks.operations == 1 or name is not None:
                declared = frozenset(v.variable.name.value for d in document.definitions
                                     if isinstance(d, OperationDefinitionNode) for v in d.variable_definitions or ())
                self.prepared.keep((text, name), Entry(document, checks, declared,
                                                       one_field.plain_texts(document, name)))
        yield


def _asked(view: Any, body: bytes) -> tuple[str, str | None, dict[str, Any]] | None:
    """The query text, operation name and variables of a plain request; None for anything the ordinary
    way must answer (a body nested deeper than ``DEEPEST`` too). orjson reads it; a body holding a float is
    read again by the view's own reader (the standard library's, which keeps an integer past 64 bits whole
    where orjson gives a float)."""
    try:
        data = orjson.loads(body)
        floats, deepest = _shape(data)
        if deepest > DEEPEST:  # the standard library's reader and the text check recurse once a level
            return None
        if floats:
            data = view.parse_json(body)
        if type(data) is not dict:
            return None
        query, name, variables, extensions = (data.get("query"), data.get("operationName"), data.get("variables"),
                                              data.get("extensions"))
        if (type(query) is not str or not (name is None or type(name) is str)
                or not (variables is None or type(variables) is dict)
                or not (extensions is None or (type(extensions) is dict and "persistedQuery" not in extensions))
                or request_texts.refusal(None, name, variables, extensions) is not None):  # the text ran: clean
            return None
    except (HTTPException, ValueError):
        return None
    return query, name, variables or {}


DEEPEST = 500  # levels of nesting the prepared way reads; deeper goes the ordinary way, whatever it answers


def _shape(value: Any) -> tuple[bool, int]:
    """Whether ``value`` holds a float, and how deep its lists and objects nest. A loop, not a recursion:
    orjson reads 1,024 levels, past Python's recursion limit."""
    pending, floats, deepest = [(value, 0)], False, 0
    while pending:
        item, depth = pending.pop()
        kind = type(item)
        if kind is float:
            floats = True
        elif kind is dict or kind is list:
            deepest = max(deepest, depth + 1)
            pending.extend((v, depth + 1) for v in (item.values() if kind is dict else item))
    return floats, deepest


async def execute_kept(view: Any, request: Request, prepared: Prepared, turns: Turns | None = None
                       ) -> ExecutionResult | None:
    """The result of a JSON POST (the view checked its media type) that asks a kept query (see the
    module), its errors coded and logged as the extensions do; None when it does not: nothing ran, and
    the ordinary way answers it. The view masks and answers the result as it does strawberry's."""
    state = request.state
    settings = state.settings
    if (settings.allowlist or getattr(state, "principal", None) is None
            or asks_for_stream(view, request.headers)):
        return None
    asked = _asked(view, await request.body())
    entry = prepared.get(asked[:2]) if asked is not None else None
    if entry is None:
        return None
    query, name, variables = asked  # type: ignore[misc]
    schema = view.schema
    core = graphql_schema(schema)
    refusal, analytics = limits.verdict(settings.limits, core, entry.document, query, name, variables)
    if refusal is not None or analytics or input_checks.problems(entry.checks, variables):
        return None
    if turns is not None:  # given back by the view once the answer is built (hub.execution.turns)
        state.turn = await turns.take()
    context = await view.get_context(request)
    waves, reads = prepared.waves, context.loaders.store
    fused = reads if waves is not None and isinstance(reads, FusedReads) else None
    sent, direct, plans = None, None, prepared.direct
    if waves is not None and fused is not None:  # the record's key and the variables it may put back, once
        key = (query, name, ahead_reads.rights(state.principal))
        given = {k: v for k, v in variables.items() if k in entry.declared}
        direct = plans.get(key) if plans is not None else None
        sent = await _ahead(waves, fused, key, given, now=isinstance(direct, direct_answers.Direct))
        direct = direct if sent else None
    result = None
    if isinstance(direct, direct_answers.Direct):  # answered from the rows of the reads sent ahead, if they do
        result = await _direct(direct, fused, given, context)  # type: ignore[arg-type]  # (sent: fused)
        if result is _FAILED:
            plans.keep(key, UNCOVERED)  # type: ignore[union-attr]  # never again for this text and rights
            result = None
    if result is None:
        try:
            result = one_field.execute(core, entry.document, context, variables, name,
                                       schema.execution_context_class, optimized_is_awaitable, execute, entry.texts)
            if not isinstance(result, CoreResult):
                result = await result
        except Exception as exc:  # as strawberry's Schema.execute: the request's one error  # noqa: BLE001
            error = exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
            result = CoreResult(None, [error])
        if plans is not None and sent and direct is None and not result.errors and not fused.ahead:  # type: ignore[union-attr]
            # Its reads all taken by the ordinary way, without an error: its plan made once (hub.execution.direct).
            plans.keep(key, _direct_plan(schema, core, entry, context, variables, name, sent, given))
    if waves is not None and fused is not None:
        _learn(waves, fused, key, given)
    errors = result.errors
    if errors:
        schema.process_errors(errors)
        add_codes(errors)
    return ExecutionResult(data=result.data, errors=errors)


async def _ahead(waves: ahead_reads.Waves, reads: FusedReads, key: tuple[Any, ...], given: dict[str, Any],
                 now: bool = False) -> list[tuple[Any, dict[str, Any]]] | None:
    """Send what this query's first statement reads before anything else runs, or record it (hub.execution.ahead).
    ``given``: the variables the query declares, as the request gives them; ``now``: read them before returning
    (the direct answer waits for them next). The reads sent, if any."""
    wave = waves.get(key)
    if wave is None:
        if ahead_reads.all_strings(given):
            reads.record()
        else:  # its reads may follow a number, a list or an input object, which are not put back
            waves.keep(key, ahead_reads.UNPREDICTABLE)
        return None
    sent = ahead_reads.reads_of(wave, given)
    if sent and now:
        await reads.read_ahead(sent)
    elif sent:
        reads.send_ahead(sent)
        await asyncio.sleep(0)  # the statement leaves now, while this request goes on to its resolvers
    return sent


async def _direct(direct: direct_answers.Direct, reads: FusedReads, given: dict[str, Any], context: Any
                  ) -> CoreResult | None:
    """The answer read off the rows of the reads sent ahead (hub.execution.direct), which it takes; None when
    they do not give it (a read failed, a row it does not expect): the ordinary way then answers from them."""
    key = direct.takes(reads.ahead, given)
    if key is None:  # not the reads it answers from (other variables below the object than when it was made)
        return None
    rows = await direct_answers.rows_of(reads.ahead)
    if rows is None:
        return None
    try:
        data = direct.answer(rows, key, context)
    except direct_answers.Miss:
        return None
    except Exception:  # a fault of the plan's: logged, and the query goes the ordinary way from now on
        log.warning("a direct answer failed; its query goes the ordinary way", exc_info=True)
        return _FAILED
    reads.ahead.clear()
    return CoreResult(data, None)


_FAILED = CoreResult(None, None)  # a direct answer that raised something other than Miss


def _direct_plan(schema: Any, core: Any, entry: Entry, context: Any, variables: dict[str, Any],
                 name: str | None, sent: list[tuple[Any, dict[str, Any]]], given: dict[str, Any]) -> Any:
    """The query's ``Direct`` plan, made from its compiled plans and the reads it sent ahead; UNCOVERED when it
    has none (hub.execution.direct)."""
    found = one_field.one_field_of(entry.document, name)
    if found is None:
        return UNCOVERED
    operation, node = found
    execution = one_field.execution_of(core, entry.document, operation, context, variables, name,
                                       schema.execution_context_class, optimized_is_awaitable, entry.texts)
    if isinstance(execution, list) or not getattr(execution, "compiling", False):
        return UNCOVERED
    try:
        plan = direct_answers.build(execution, node, node.alias.value if node.alias else node.name.value, sent, given)
    except Exception:  # a fault of the builder's: logged once, and the query goes the ordinary way
        log.warning("a direct plan could not be made; its query goes the ordinary way", exc_info=True)
        return UNCOVERED
    return UNCOVERED if plan is None else plan


UNCOVERED = object()  # a query text and rights the direct answer does not cover


def _learn(waves: ahead_reads.Waves, reads: FusedReads, key: tuple[Any, ...], given: dict[str, Any]) -> None:
    """Keep what the first statement read; forget, for good, a record some of whose reads nobody asked for."""
    if reads.left_ahead():
        waves.keep(key, ahead_reads.UNPREDICTABLE)
    elif reads.recorded and waves.get(key) is None:
        waves.keep(key, ahead_reads.recorded(reads.recorded, given))
    reads.recorded = None
