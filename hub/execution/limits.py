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
- cost: an estimate of the items the operation may touch: every field counts 1, and the selection
  under a field with ``first`` / ``last`` counts that many times (a connection without either counts
  its default page), so nested connections multiply.

The document checks run when validation starts, before graphql-core's rules: validating 1,000
aliases of one field (overlapping fields) is itself quadratic work. They run on every request,
also when the parser and validation caches answer, because the caches are shared by schemas with
different limits. Fragments are measured once each, so a document whose fragments spread each
other many times is measured in linear time (and a fragment cycle, which validation refuses
later, counts once)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    VariableNode,
    get_named_type,
)
from graphql.language import Lexer
from strawberry.extensions import SchemaExtension

from graph_model.errors import LimitExceeded
from hub.settings import Limits
from hub.strawberry_compat import graphql_schema

ENV = {"tokens": "HUB_MAX_TOKENS", "page": "HUB_MAX_PAGE", "depth": "HUB_MAX_DEPTH",
       "aliases": "HUB_MAX_ALIASES", "cost": "HUB_MAX_COST"}
WHAT = {"page": "page size", "depth": "query depth", "aliases": "aliased fields",
        "cost": "estimated cost"}
SIZES = ("first", "last")
# Verdicts remembered (hub.schema.extensions' parser cache keeps as many operation texts).
CACHE_SIZE = 512


@dataclass(frozen=True)
class Refusal:
    """A limit an operation exceeds: which, by how much (``where``: the field, for a page)."""

    limit: str
    value: int
    maximum: int
    where: str = ""

    @property
    def message(self) -> str:
        env = ENV[self.limit]
        if self.limit == "tokens":  # counting stops past the limit: the document has at least this many
            return f"a query of {self.value} or more tokens exceeds the limit {self.maximum} ({env})"
        return f"{WHAT[self.limit]} {self.value}{self.where} exceeds the limit {self.maximum} ({env})"

    def error(self) -> GraphQLError:
        """The LIMIT_EXCEEDED error (a fresh one per request: errors are changed on their way out)."""
        return GraphQLError(self.message, original_error=LimitExceeded(self.message), extensions={
            "code": LimitExceeded.code, "limit": self.limit, "value": self.value, "maximum": self.maximum})


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


@dataclass(frozen=True)
class Measure:
    """What a selection asks for: its depth, aliases and cost, and its largest connection page."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0
    page: tuple[int, str] = (0, "")  # (size, "field.argument") of the largest connection page


def _is_connection(field: GraphQLField) -> bool:
    named = get_named_type(field.type)
    return isinstance(named, GraphQLObjectType) and "pageInfo" in named.fields and "edges" in named.fields


class Measurer:
    """Measures one operation of a document against the schema; unknown fields (which validation
    refuses afterwards) count as leaves."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], defaults: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults  # the operation's variable defaults
        # Imported here: hub.schema imports this module (through its extensions) while it loads.
        from hub.schema.lists import DEFAULT_PAGE_SIZE

        self.default_page = DEFAULT_PAGE_SIZE
        self.measured: dict[str, Measure] = {}
        self.measuring: set[str] = set()

    def _field(self, parent: Any, name: str) -> GraphQLField | None:
        if name.startswith("__"):
            introspection = {"__schema": "__Schema", "__type": "__Type"}.get(name)
            found = self.schema.get_type(introspection) if introspection else None
            return GraphQLField(found) if found is not None else None  # type: ignore[arg-type]
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            return parent.fields.get(name)
        return None

    def _int(self, node: Any) -> int | None:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            name = node.name.value
            value = self.variables.get(name, self.defaults.get(name))
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        return None

    def _size(self, field: GraphQLField | None, node: FieldNode) -> tuple[int, tuple[int, str]]:
        """How many times the field's selection counts, and its page if it is a connection."""
        if field is None or not any(a in field.args for a in SIZES):
            return 1, (0, "")
        given = {a.name.value: self._int(a.value) for a in node.arguments or () if a.name.value in SIZES}
        sizes = [v for v in given.values() if v is not None]
        connection = _is_connection(field)
        if not sizes:
            if connection:
                return self.default_page, (0, "")
            defaults = [field.args[a].default_value for a in SIZES if a in field.args]
            sizes = [d for d in defaults if isinstance(d, int)]
            return max([1, *sizes]), (0, "")
        size = max(sizes)
        if not connection:
            return max(1, size), (0, "")
        argument = next(a for a, v in given.items() if v == size)
        return max(1, size), (size, f"{node.name.value}.{argument}")

    def selection(self, selections: SelectionSetNode | None, parent: Any) -> Measure:
        depth = aliases = cost = 0
        page: tuple[int, str] = (0, "")
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                aliases += node.alias is not None
                if node.selection_set is None:  # a leaf
                    cost += 1
                    depth = max(depth, 1)
                    continue
                field = self._field(parent, node.name.value)
                times, own = self._size(field, node)
                inner = self.selection(node.selection_set, get_named_type(field.type) if field else None)
                cost += 1 + times * inner.cost
                depth = max(depth, inner.depth + (node.name.value != "ofType"))
                aliases += inner.aliases
                page = max(page, own, inner.page)
                continue
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.selection(node.selection_set,
                                       self.schema.get_type(condition.name.value) if condition else parent)
            elif isinstance(node, FragmentSpreadNode):
                inner = self.fragment(node.name.value)
            else:
                continue
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            cost += inner.cost
            page = max(page, inner.page)
        return Measure(depth, aliases, cost, page)

    def fragment(self, name: str) -> Measure:
        if name in self.measured:
            return self.measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.measuring:
            return Measure()
        self.measuring.add(name)
        found = self.selection(definition.selection_set, self.schema.get_type(definition.type_condition.name.value))
        self.measuring.discard(name)
        self.measured[name] = found
        return found


def operations(document: Any, name: str | None) -> list[OperationDefinitionNode]:
    """The operation that will run (all of them when the document leaves it open: each is checked)."""
    found = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [d for d in found if d.name is not None and d.name.value == name] if name else []
    return named or found


def _root(schema: GraphQLSchema, operation: OperationDefinitionNode) -> Any:
    return {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[operation.operation.value]


def check(limits: Limits, schema: GraphQLSchema, document: Any, variables: dict[str, Any] | None,
          operation_name: str | None) -> Refusal | None:
    """The first limit the operation exceeds (page, depth, aliases, cost), or None."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    for operation in operations(document, operation_name):
        defaults = {}
        for definition in operation.variable_definitions or ():
            value = definition.default_value
            if isinstance(value, IntValueNode):
                defaults[definition.variable.name.value] = int(value.value)
        measure = Measurer(schema, fragments, variables or {}, defaults).selection(
            operation.selection_set, _root(schema, operation))
        size, where = measure.page
        if size > limits.page:
            return Refusal("page", size, limits.page, f" ({where})")
        for limit, measured in (("depth", measure.depth), ("aliases", measure.aliases), ("cost", measure.cost)):
            if measured > getattr(limits, limit):
                return Refusal(limit, measured, getattr(limits, limit))
    return None


class Verdicts:
    """Recent verdicts: of :func:`check`, by operation text, operation name, integer variables (all a
    size can come from), limits and schema (measuring a detail page's hundred fields takes ~0.1 ms,
    remembering it ~1 µs); and token counts within the limit, by text and limit (a refused text is
    not kept: it could be a megabyte). Bounded like the parser cache; the oldest goes first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.found: OrderedDict[Hashable, Refusal | None] = OrderedDict()

    def get(self, key: Hashable) -> Refusal | None | bool:
        """The verdict kept for ``key`` (None: no refusal), or False when there is none."""
        if key not in self.found:
            return False
        self.found.move_to_end(key)
        return self.found[key]

    def keep(self, key: Hashable, verdict: Refusal | None) -> None:
        self.found[key] = verdict
        if len(self.found) > self.size:
            self.found.popitem(last=False)


VERDICTS = Verdicts()


class QueryLimits(SchemaExtension):
    """Refuses an operation over the limits before it is validated or executed. List it before
    the parser cache (the token count must come before parsing)."""

    def __init__(self, limits: Limits, verdicts: Verdicts = VERDICTS) -> None:
        super().__init__()
        self.limits = limits
        self.verdicts = verdicts

    def on_parse(self) -> Iterator[None]:
        query, most = self.execution_context.query, self.limits.tokens
        if query is not None and self.execution_context.graphql_document is None:
            key = ("tokens", query, most)
            if self.verdicts.get(key) is False:
                tokens = count_tokens(query, most)
                if tokens > most:
                    raise Refusal("tokens", tokens, most).error()
                self.verdicts.keep(key, None)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, variables = context.graphql_document, context.variables or {}
        if document is not None:
            schema = graphql_schema(context.schema)
            sizes = tuple(sorted((k, v) for k, v in variables.items() if type(v) is int))
            key = ("measure", context.query, context.operation_name, sizes, self.limits, schema)
            # A document given as such (no text) has nothing to key a verdict by.
            found = self.verdicts.get(key) if context.query is not None else False
            if found is False:
                found = check(self.limits, schema, document, variables, context.operation_name)
                if context.query is not None:
                    self.verdicts.keep(key, found)
            if isinstance(found, Refusal):
                raise found.error()
        yield
