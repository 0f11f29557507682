"""Query limits: what one GraphQL operation may ask for, checked before it runs.

A schema extension (hub.schema.extensions) refuses, with LIMIT_EXCEEDED and before any store
work, an operation over one of ``Settings.limits``:

- tokens: the lexical tokens of the source, counted with graphql-core's lexer before parsing, so a
  huge document is refused for the price of reading it;
- page: a connection's ``first`` / ``last`` (literal or variable) over the largest page;
- depth: the nesting of field selections, fragments expanded, introspection included (but not a
  type's ``ofType`` chain: one object a level, a few levels in any schema, and the standard
  introspection query nests it seven deep);
- aliases: aliased fields, fragments expanded;
- lists: every list-valued argument and input field, however nested, literal or in a variable, is
  at most ``list_items`` long (hub.execution.list_lengths); its items count in the cost;
- cost: an estimate of the items the operation may touch: every field counts 1, and the selection
  under a field with ``first`` / ``last`` counts that many times (a connection without either counts
  its default page), so nested connections multiply; a field fetching objects by a list of ids
  (``nodes``) counts its selection once per id; an analytics field counts its weight (hub.execution.weights).
  An operation with an analytics field is also one of the few a key may run at once
  (hub.execution.concurrency).

The document checks run when validation starts, before graphql-core's rules: validating 1,000
aliases of one field (overlapping fields) is itself quadratic work. They run on every request,
also when the parser and validation caches answer, because the caches are shared by schemas with
different limits. The measuring itself is hub.execution.measure's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    IntValueNode,
    Source,
    TokenKind,
    type_from_ast,
)
from graphql.language import Lexer
from strawberry.extensions import SchemaExtension

from graph_model.errors import LimitExceeded
from hub.execution.list_lengths import ListWalker, TooLong
from hub.execution.measure import Measurer, operations, root
from hub.execution.recent import Recent
from hub.settings import Limits
from hub.strawberry_compat import graphql_schema

if TYPE_CHECKING:
    from hub.execution.concurrency import AnalyticsGate

ENV = {"tokens": "HUB_MAX_TOKENS", "page": "HUB_MAX_PAGE", "depth": "HUB_MAX_DEPTH",
       "aliases": "HUB_MAX_ALIASES", "cost": "HUB_MAX_COST", "list": "HUB_MAX_LIST",
       "concurrent": "HUB_MAX_CONCURRENT_ANALYTICS"}
WHAT = {"page": "page size", "depth": "query depth", "aliases": "aliased fields",
        "cost": "estimated cost", "list": "list length",
        "concurrent": "analytics operations running at once for this key"}

# Verdicts remembered (hub.schema.extensions' parser cache keeps as many operation texts).
CACHE_SIZE = 512


@dataclass(frozen=True)
class Refusal:
    """A limit an operation exceeds: which, by how much (``where``: the field, for a page)."""

    limit: str
    value: int
    maximum: int
    where: str = ""
    argument: str = ""  # a list's argument (``nodes.ids``)

    @property
    def message(self) -> str:
        env = ENV[self.limit]
        if self.limit == "tokens":  # counting stops past the limit: the document has at least this many
            return f"a query of {self.value} or more tokens exceeds the limit {self.maximum} ({env})"
        if self.limit == "concurrent":
            return (f"{self.value} analytics operations at once for this key exceed the limit {self.maximum} "
                    f"({env}); send it again when one has finished")
        return f"{WHAT[self.limit]} {self.value}{self.where} exceeds the limit {self.maximum} ({env})"

    def error(self) -> GraphQLError:
        """The LIMIT_EXCEEDED error (a fresh one per request: errors are changed on their way out)."""
        extensions: dict[str, Any] = {"code": LimitExceeded.code, "limit": self.limit, "value": self.value,
                                      "maximum": self.maximum}
        if self.argument:
            extensions["argument"] = self.argument
        return GraphQLError(self.message, original_error=LimitExceeded(self.message), extensions=extensions)


def count_tokens(text: str, most: int) -> int:
    """The lexical tokens of ``text`` (comments not counted), stopping past ``most``. A text the
    lexer cannot read counts what it read: the parser reports the syntax error."""
    lexer = Lexer(Source(text))
    count = 0
    try:
        while lexer.advance().kind != TokenKind.EOF:
            count += 1
            if count > most:
                break
    except GraphQLError:
        pass
    return count


def check(limits: Limits, schema: GraphQLSchema, document: Any, variables: dict[str, Any] | None,
          operation_name: str | None) -> Refusal | None:
    """The first limit the operation exceeds (list, page, depth, aliases, cost), or None."""
    return measure(limits, schema, document, variables, operation_name)[0]


def measure(limits: Limits, schema: GraphQLSchema, document: Any, variables: dict[str, Any] | None,
            operation_name: str | None) -> tuple[Refusal | None, int]:
    """The first limit the operation exceeds, or None; and its analytics fields (an operation left
    open: the most of any of its operations)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    given = variables or {}
    analytics = 0
    for operation in operations(document, operation_name):
        defaults, default_nodes = {}, {}
        for definition in operation.variable_definitions or ():
            value = definition.default_value
            if value is not None:
                default_nodes[definition.variable.name.value] = value
            if isinstance(value, IntValueNode):
                defaults[definition.variable.name.value] = int(value.value)
        lists = ListWalker(limits.list_items, given, default_nodes)
        try:
            found = Measurer(schema, fragments, given, defaults, lists).selection(
                operation.selection_set, root(schema, operation))
            # A declared variable is coerced whether or not an argument reads it.
            for definition in operation.variable_definitions or ():
                name = definition.variable.name.value
                kind = type_from_ast(schema, definition.type)
                if name in given and kind is not None:
                    lists.raw(given[name], kind, f"${name}")
        except TooLong as long:
            return Refusal("list", long.length, limits.list_items, f" ({long.where})", long.where), analytics
        analytics = max(analytics, found.analytics)
        size, where = found.page
        if size > limits.page:
            return Refusal("page", size, limits.page, f" ({where})"), analytics
        for limit, measured in (("depth", found.depth), ("aliases", found.aliases), ("cost", found.cost)):
            if measured > getattr(limits, limit):
                return Refusal(limit, measured, getattr(limits, limit)), analytics
    return None, analytics


Verdict = tuple[Refusal | None, int]  # what :func:`measure` answers


class Verdicts(Recent[Verdict]):
    """Recent verdicts: of :func:`measure`, by operation text, operation name, integer variables (all
    a size can come from; variables holding lists or input objects are measured afresh each time),
    limits and schema (measuring a detail page's hundred fields takes ~0.1 ms, remembering it ~1 µs);
    and token counts within the limit, by text and limit (a refused text is not kept: it could be a
    megabyte). Bounded like the parser cache; the oldest goes first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)


VERDICTS = Verdicts()


def verdict(limits: Limits, schema: GraphQLSchema, document: Any, text: str | None, operation_name: str | None,
            variables: dict[str, Any], verdicts: Verdicts = VERDICTS) -> Verdict:
    """:func:`measure`'s answer, kept in ``verdicts`` by what it depends on."""
    sizes = tuple(sorted((k, v) for k, v in variables.items() if type(v) is int))
    key = ("measure", text, operation_name, sizes, limits, schema)
    # A document given as such (no text) has nothing to key a verdict by; list lengths are
    # not in the key, so variables that may hold lists are measured every time.
    keyed = text is not None and not any(isinstance(v, (list, dict)) for v in variables.values())
    found = verdicts.get(key) if keyed else None
    if found is None:
        found = measure(limits, schema, document, variables, operation_name)
        if keyed:
            verdicts.keep(key, found)
    return found


class QueryLimits(SchemaExtension):
    """Refuses an operation over the limits before it is validated or executed. List it before
    the parser cache (the token count must come before parsing). With a ``gate``, an operation
    holding analytics fields runs only when its key has a free place (hub.execution.concurrency)."""

    def __init__(self, limits: Limits, verdicts: Verdicts = VERDICTS, gate: AnalyticsGate | None = None) -> None:
        super().__init__()
        self.limits = limits
        self.verdicts = verdicts
        self.gate = gate
        self.analytics = 0

    def on_parse(self) -> Iterator[None]:
        query, most = self.execution_context.query, self.limits.tokens
        if query is not None and self.execution_context.graphql_document is None:
            key = ("tokens", query, most)
            if self.verdicts.get(key) is None:
                tokens = count_tokens(query, most)
                if tokens > most:
                    raise Refusal("tokens", tokens, most).error()
                self.verdicts.keep(key, (None, 0))
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            refusal, self.analytics = verdict(self.limits, graphql_schema(context.schema), document, context.query,
                                              context.operation_name, context.variables or {}, self.verdicts)
            if refusal is not None:
                raise refusal.error()
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        if self.gate is None or not self.analytics:
            yield
            return
        async with self.gate.admit(self.execution_context.context):
            yield
