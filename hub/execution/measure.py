"""Measuring one operation against the schema: depth, aliases, cost, the largest page, the lists
it passes and the analytics fields it selects (hub.execution.limits decides what is too much).

Fragments are measured once each, so a document whose fragments spread each other many times is
measured in linear time (and a fragment cycle, which validation refuses later, counts once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from hub.execution.list_lengths import ListWalker
from hub.execution.weights import ROWS, WEIGHTS

SIZES = ("first", "last")


@dataclass(frozen=True)
class Measure:
    """What a selection asks for: its depth, aliases and cost, and its largest connection page."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0
    page: tuple[int, str] = (0, "")  # (size, "field.argument") of the largest connection page
    analytics: int = 0  # analytics fields (WEIGHTS) selected


def _is_connection(field: GraphQLField) -> bool:
    named = get_named_type(field.type)
    return isinstance(named, GraphQLObjectType) and "pageInfo" in named.fields and "edges" in named.fields


class Measurer:
    """Measures one operation of a document against the schema; unknown fields (which validation
    refuses afterwards) count as leaves."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], defaults: dict[str, Any], lists: ListWalker) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults  # the operation's variable defaults
        self.lists = lists
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

    def _items(self, field: GraphQLField | None, node: FieldNode) -> tuple[int, int]:
        """(items in the field's list arguments, ids it fetches): raises TooLong past the limit."""
        items = ids = 0
        if field is None:
            return items, ids
        for argument in node.arguments or ():
            defined = field.args.get(argument.name.value)
            if defined is None:
                continue
            found = self.lists.literal(argument.value, defined.type, f"{node.name.value}.{argument.name.value}")
            items += found
            if _fetches_by_ids(field, defined.type):
                ids = max(ids, found)
        return items, ids

    def selection(self, selections: SelectionSetNode | None, parent: Any) -> Measure:
        depth = aliases = cost = analytics = 0
        page: tuple[int, str] = (0, "")
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                aliases += node.alias is not None
                if node.selection_set is None and not node.arguments:  # a plain leaf
                    cost += 1
                    depth = max(depth, 1)
                    continue
                field = self._field(parent, node.name.value)
                items, ids = self._items(field, node)
                declared = f"{getattr(parent, 'name', '')}.{node.name.value}"
                weight = WEIGHTS.get(declared, 0)
                analytics += weight > 0
                if node.selection_set is None:
                    cost += 1 + items + weight
                    depth = max(depth, 1)
                    continue
                times, own = self._size(field, node)
                inner = self.selection(node.selection_set, get_named_type(field.type) if field else None)
                cost += 1 + items + weight + max(times, ids, ROWS.get(declared, 0)) * inner.cost
                depth = max(depth, inner.depth + (node.name.value != "ofType"))
                aliases += inner.aliases
                analytics += inner.analytics
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
            analytics += inner.analytics
            page = max(page, inner.page)
        return Measure(depth, aliases, cost, page, analytics)

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


def _fetches_by_ids(field: GraphQLField, argument: Any) -> bool:
    """A field returning a list of objects by a list of ids (``nodes(ids:)``): each id is one object."""
    returned, given = field.type, argument
    while isinstance(returned, GraphQLNonNull):
        returned = returned.of_type
    while isinstance(given, GraphQLNonNull):
        given = given.of_type
    return (isinstance(returned, GraphQLList) and isinstance(given, GraphQLList)
            and get_named_type(given).name == "ID")


def operations(document: Any, name: str | None) -> list[OperationDefinitionNode]:
    """The operation that will run (all of them when the document leaves it open: each is checked)."""
    found = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [d for d in found if d.name is not None and d.name.value == name] if name else []
    return named or found


def root(schema: GraphQLSchema, operation: OperationDefinitionNode) -> Any:
    return {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[operation.operation.value]

