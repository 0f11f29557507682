"""The lengths of list-valued arguments, measured before an operation runs (issue 15, section 3).

Every ``[...]`` an operation passes, as an argument or as a field of an input object at any depth,
literal or in a variable, is at most ``Limits.list_items`` long. graphql-core coerces a 29,000-id
list item by item on the event loop, and the store is then asked for all of them; a 90,000-value
enum filter, or 11,000 what-if changes, did the same. The walk reads the document and the raw JSON
variables against the schema's argument types (the coerced values do not exist yet: validation and
coercion come later), stops at the first list over the limit, and never reads past it, so a refused
list costs at most ``limit`` items of work per level. The items it counts go into the cost.

Where a value is named: ``field.argument`` then the input fields (``institutions.filter.kind``), or
``$variable`` for a declared variable no argument reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
)


class TooLong(Exception):
    """A list over the limit: where it was given and how long it is."""

    def __init__(self, where: str, length: int) -> None:
        super().__init__(where)
        self.where = where
        self.length = length


def _bare(kind: Any) -> Any:
    while isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return kind


def may_hold_lists(kind: Any, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a value of input type ``kind`` can contain a list (so its items must be walked)."""
    kind = _bare(kind)
    if isinstance(kind, GraphQLList):
        return True
    if isinstance(kind, GraphQLInputObjectType) and kind.name not in seen:
        return any(may_hold_lists(f.type, seen | {kind.name}) for f in kind.fields.values())
    return False


class ListWalker:
    """Counts list items in argument values; raises :class:`TooLong` past ``most`` in one list."""

    def __init__(self, most: int, variables: Mapping[str, Any], defaults: Mapping[str, ValueNode]) -> None:
        self.most = most
        self.variables = variables
        self.defaults = defaults  # the operation's variable defaults (AST)

    def literal(self, node: ValueNode, kind: GraphQLInputType, where: str) -> int:
        """Items in a value written in the document (variables inside it are read from the request)."""
        kind = _bare(kind)
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                return self.raw(self.variables[name], kind, where)
            default = self.defaults.get(name)
            return 0 if default is None else self.literal(default, kind, where)
        if isinstance(kind, GraphQLList):
            if not isinstance(node, ListValueNode):  # one value where a list is due: a list of one
                return self.literal(node, kind.of_type, where)
            if len(node.values) > self.most:
                raise TooLong(where, len(node.values))
            inner = kind.of_type
            deeper = sum(self.literal(v, inner, where) for v in node.values) if may_hold_lists(inner) else 0
            return len(node.values) + deeper
        if isinstance(kind, GraphQLInputObjectType) and isinstance(node, ObjectValueNode):
            return sum(self.literal(f.value, kind.fields[f.name.value].type, f"{where}.{f.name.value}")
                       for f in node.fields if f.name.value in kind.fields)
        return 0

    def raw(self, value: Any, kind: Any, where: str) -> int:
        """Items in a variable's JSON value read as input type ``kind``."""
        kind = _bare(kind)
        if isinstance(kind, GraphQLList):
            if not isinstance(value, list):
                return self.raw(value, kind.of_type, where)
            if len(value) > self.most:
                raise TooLong(where, len(value))
            inner = kind.of_type
            deeper = sum(self.raw(v, inner, where) for v in value) if may_hold_lists(inner) else 0
            return len(value) + deeper
        if isinstance(kind, GraphQLInputObjectType) and isinstance(value, dict):
            return sum(self.raw(value[name], f.type, f"{where}.{name}")
                       for name, f in kind.fields.items() if name in value)
        return 0
