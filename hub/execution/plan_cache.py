"""The compiled plans of an operation, kept between requests (hub.execution.compiled builds them).

Plans depend on the operation's selection below its root fields (with @skip/@include) and on the
nested fields' arguments, never on the caller: privacy, scopes and limits are applied by the loaders
and checks at run time. So they are kept per operation and per value of the variables used below its
root fields, the 256 most recently used (``SHARED_MOST``), and another institution's key or another
caller reuses them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import FieldNode, Visitor, VariableNode, visit


@dataclass
class Shared:
    """The plans of one operation for one set of the variable values they depend on."""

    plans: dict[Any, Any] = field(default_factory=dict)  # hub.execution.compiled.Plan by type and selection
    generic: set[str] = field(default_factory=set)  # fields any of them leaves to graphql-core
    projections: dict[Any, Any] = field(default_factory=dict)  # by field and field nodes (projection.memo)
    document: Any = None  # held, so that the field nodes' ids the plans are keyed by stay unique
    schema: Any = None  # the schema whose types and fields the plans hold
    uses: int = 0  # requests that ran them (hub.execution.compiled: from the second, they are written out as code)
    generated: bool = False  # the plans built so far are written out as code


_SHARED: OrderedDict[Any, Shared] = OrderedDict()
SHARED_MOST = 256  # operations (with their variable values) whose plans are kept; least recently used out
_USED: dict[int, tuple[Any, frozenset[str]]] = {}  # id(operation) -> (operation, variables used below its root)


def shared_plans(schema: Any, operation: Any, fragments: dict[str, Any], variables: dict[str, Any]) -> Shared:
    """The plans of ``operation`` on ``schema`` for the values of the variables its plans depend on, built by an
    earlier request or empty (then filled by this one). Plans depend on the selection below the root
    fields (with @skip/@include) and the nested fields' arguments, never on the caller (privacy,
    scopes and limits are applied by the loaders and checks at run time): the root fields' own
    arguments (an institution's key) are not part of the key. A value that cannot be keyed (an
    unhashable input) or is too large to keep as a key (``KEY_MOST``: 256 kept keys of a 1 MiB text
    each would pin 256 MiB) gets plans of its own."""
    used = _USED.get(id(operation))
    if used is None or used[0] is not operation:
        if len(_USED) > 4 * SHARED_MOST:
            _USED.clear()
        used = _USED[id(operation)] = (operation, _variables_below_root(operation, fragments))
    try:
        budget = [KEY_MOST]
        values = tuple(sorted((name, _frozen(variables.get(name), budget)) for name in used[1]))
        key = (id(schema), id(operation), values)
        hash(key)
    except (TypeError, _TooLarge):
        return Shared(document=operation, schema=schema)
    found = _SHARED.get(key)
    if found is None or found.document is not operation or found.schema is not schema:
        found = _SHARED[key] = Shared(document=operation, schema=schema)
        while len(_SHARED) > SHARED_MOST:
            _SHARED.popitem(last=False)
    else:
        _SHARED.move_to_end(key)
    return found


def _variables_below_root(operation: Any, fragments: dict[str, Any]) -> frozenset[str]:
    """Names of the variables used in the selections below the operation's root fields (their
    arguments and directives) and in every fragment."""
    names: set[str] = set()

    class Collect(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            names.add(node.name.value)

    for selection in operation.selection_set.selections:
        below = getattr(selection, "selection_set", None)
        if below is not None:
            visit(below, Collect())
        for directive in selection.directives or ():  # a root field's @skip/@include
            visit(directive, Collect())
        if not isinstance(selection, FieldNode):  # a fragment at the root: all of it
            visit(selection, Collect())
    for fragment in fragments.values():
        visit(fragment, Collect())
    return frozenset(names)


KEY_MOST = 4_096  # characters and items of the variable values a shared plan is keyed by


class _TooLarge(Exception):
    pass


def _frozen(value: Any, budget: list[int]) -> Any:
    """``value`` as a hashable key, counting its characters and items against ``budget``."""
    budget[0] -= len(value) if isinstance(value, (str, list, dict)) else 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v, budget)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v, budget) for v in value)
    return value
