"""A kept query of one root field, executed without graphql-core's walk of the operation.

For a query asking one object (``institution(key: $key) { ... }``) graphql-core's ``execute`` collects the
operation's root fields, builds a result map for them and executes the one field through
``execute_fields`` and ``execute_field``, each with its awaitable checks and wrappers, before the
compiled plans (hub.execution.compiled) complete the object; ~0.05 ms of a one-institution request's
1.6 ms of Python (benchmarks/README.md, issue 18). Here the prepared way (hub.http.prepared) does for
such a query what ``execute_field`` does, with the same pieces: the execution context built by the same
class (the variables coerced by it, unless each is a non-null text given a text, which coerces to itself:
``plain_texts``), the field's resolve info and arguments as graphql-core makes them,
its resolver (strawberry's, with its extensions: the field's right checked as before) and the compiled
completion, and errors handled as ``execute_field`` and ``execute`` handle them (located, the field null,
or the whole response null for a non-null field). Only a query that runs compiled, whose selection is one
field (an alias allowed; no directive, fragment or meta field), goes this way; any other, and variables
graphql-core cannot coerce, are left to graphql-core's ``execute``. tests/test_prepared.py holds the
answers, errors included, byte-equal to the ordinary way's and counts which way each request took.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (DocumentNode, ExecutionResult, FieldNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema,
                     NamedTypeNode, NonNullTypeNode, OperationDefinitionNode, OperationType, default_field_resolver,
                     default_type_resolver, located_error)
from graphql.execution import ExecutionContext
from graphql.execution.execute import CollectedErrors
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

Execute = Callable[..., Any]


def execute(core: GraphQLSchema, document: DocumentNode, context: Any, variables: dict[str, Any],
            name: str | None, execution_class: type[ExecutionContext], is_awaitable: Callable[[Any], bool],
            ordinary: Execute, texts: tuple[str, ...] | None = None) -> Any:
    """The result of the query (or an awaitable of it), as ``ordinary`` (graphql-core's ``execute``)
    would give it; ``ordinary``'s own when the query is not one this module executes. ``texts``: the
    query's variables when each is a text given as is (``plain_texts``)."""
    def whole() -> Any:
        return ordinary(core, document, context_value=context, variable_values=variables, operation_name=name,
                        execution_context_class=execution_class, is_awaitable=is_awaitable)

    root = core.query_type
    operations = _operations(document, name)  # found once: the field and the execution context read it
    node = _one_field(operations)
    if (node is None or root is None or node.name.value not in root.fields
            or not getattr(getattr(context, "settings", None), "compiled", False)):
        return whole()  # a query this module leaves to graphql-core
    execution = execution_of(core, document, operations[0], context, variables, name, execution_class, is_awaitable,
                             texts)
    if isinstance(execution, list) or not getattr(execution, "compiling", False) or execution.middleware_manager:
        return whole()  # the variables' errors reported by graphql-core; a query that does not run compiled
    key = node.alias.value if node.alias else node.name.value
    return _run(execution, root.fields[node.name.value], node, key, Path(None, key, root.name))


def execution_of(core: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, context: Any,
                 variables: dict[str, Any], name: str | None, execution_class: type[ExecutionContext],
                 is_awaitable: Callable[[Any], bool], texts: tuple[str, ...] | None) -> Any:
    """The execution context of ``operation`` (the one query of its name), as ``ExecutionContext.build`` makes it
    (or its errors, a list); without coercing the variables when each is a text given a text (``plain_texts``)."""
    if texts is not None and all(type(variables.get(v)) is str for v in texts):
        return _context(execution_class, core, document, operation, context, {v: variables[v] for v in texts},
                        is_awaitable)
    return execution_class.build(core, document, None, context, variables, name, is_awaitable=is_awaitable)


async def _run(execution: Any, field: Any, node: FieldNode, key: str, path: Path) -> ExecutionResult:
    """What graphql-core's ``execute_field`` (with its ``await_result``) and ``execute`` do for the one field:
    its error located, then the field null, or the whole response null for a non-null field."""
    nodes = [node]
    info = execution.build_resolve_info(field, nodes, execution.schema.query_type, path)
    is_awaitable = execution.is_awaitable
    try:
        try:
            resolve = field.resolve or execution.field_resolver
            result = resolve(None, info, **get_argument_values(field, node, execution.variable_values))
            if is_awaitable(result):
                result = await result
            value = execution.complete_value(field.type, nodes, info, path, result)
            if is_awaitable(value):
                value = await value
        except Exception as raw:  # noqa: BLE001  # as execute_field
            execution.handle_field_error(located_error(raw, nodes, path.as_list()), field.type, path)
            value = None
    except GraphQLError as error:  # a non-null field's error: the whole response null, as execute's
        execution.collected_errors.add(error, None)
        return execution.build_response(None, execution.collected_errors.errors)
    return execution.build_response({key: value}, execution.collected_errors.errors)


TEXTS = ("String", "ID")  # the scalars that coerce a given text to itself


def plain_texts(document: DocumentNode, name: str | None) -> tuple[str, ...] | None:
    """The variables of the query ``name`` of ``document`` when each is a non-null ``String`` or ``ID``
    without a default: given a text, graphql-core's coercion (``get_variable_values``) gives that text
    back, so a request giving each a text needs none; None for any other query."""
    operations = _operations(document, name)
    if len(operations) != 1:
        return None
    names = []
    for definition in operations[0].variable_definitions or ():
        kind = definition.type
        if (not isinstance(kind, NonNullTypeNode) or not isinstance(kind.type, NamedTypeNode)
                or kind.type.name.value not in TEXTS or definition.default_value is not None):
            return None
        names.append(definition.variable.name.value)
    return tuple(names)


def _context(execution_class: type[ExecutionContext], core: GraphQLSchema, document: DocumentNode,
             operation: OperationDefinitionNode, context: Any, coerced: dict[str, Any],
             is_awaitable: Callable[[Any], bool]) -> Any:
    """What ``ExecutionContext.build`` makes for ``operation`` (the document's one operation of its name, as it
    finds it), given the variables already coerced (``plain_texts``): the fragments found as it finds them, its
    default resolvers, no middleware."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return execution_class(core, fragments, None, context, operation, coerced,
                           default_field_resolver, default_type_resolver, default_field_resolver, CollectedErrors(),
                           None, is_awaitable)


def _operations(document: DocumentNode, name: str | None) -> list[OperationDefinitionNode]:
    """The operations of ``document`` named ``name`` (all of them for None), as graphql-core looks for them."""
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)
            and (name is None or (d.name is not None and d.name.value == name))]


def one_field_of(document: DocumentNode, name: str | None) -> tuple[OperationDefinitionNode, FieldNode] | None:
    """The query ``name`` of ``document`` and the one field it selects at its root (``_one_field``), or None."""
    operations = _operations(document, name)
    node = _one_field(operations)
    return None if node is None else (operations[0], node)


def _one_field(operations: list[OperationDefinitionNode]) -> FieldNode | None:
    """The one field the query among ``operations`` (``_operations``: those of the name asked) selects at its
    root: None for a mutation, for several fields, a fragment, a directive or a meta field (``__typename``),
    and for an operation graphql-core would not find (none, or several: it reports that)."""
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    selections = operations[0].selection_set.selections
    node = selections[0] if len(selections) == 1 else None
    if type(node) is not FieldNode or node.directives or node.name.value.startswith("__"):
        return None
    return node
