"""Input checks: what any argument value may hold, checked before an operation is validated or run.

A schema extension (hub.schema.extensions) refuses with VALIDATION_FAILED, naming the argument
(``input.nameFa``, ``filter.amountMin``, ``$name`` for a variable's default), every value the
stores could not hold exactly or that no field needs, wherever it sits: a literal in the document
(fragments included) or a variable's value at each place the variable is used:

- a text longer than its limit (graph_model.text.TEXT_LIMITS: names, free text, search text; any
  other String or ID ``DEFAULT_TEXT_LIMIT``), or holding a lone surrogate;
- an ``Int`` outside 32 bits (graphql-core refuses it too, but with no code and no field);
- a ``Float`` that is not finite (a literal ``1e400`` is infinity; so is a JSON ``1e400``);
- a ``Rials`` amount beyond ``graph_model.model.MAX_AMOUNT``.

And a document holding several operations must name the one to run (``operationName``, the
GraphQL-over-HTTP spec); strawberry would otherwise run the first. The HTTP view says, through
``OPERATION_NAMED``, whether the request named one.

The document part (literals, and where each variable is used with its type there) is worked out
once per operation text and remembered; each request then walks only its variables' values.
"""

from __future__ import annotations

import math
import sys
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    FloatValueNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    IntValueNode,
    ObjectFieldNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)
from strawberry.extensions import SchemaExtension

from graph_model.errors import FieldError, ValidationFailed
from graph_model.model import MAX_AMOUNT
from graph_model.text import text_problem, whole_number
from hub.strawberry_compat import graphql_schema

# Whether the HTTP request named its operation (None: not an HTTP request, e.g. a test's execute).
OPERATION_NAMED: ContextVar[bool | None] = ContextVar("operation_named", default=None)
INT_RANGE = (-(2**31), 2**31 - 1)
NUMBERS = frozenset({"Int", "Float", "Boolean"})
MOST_PROBLEMS = 20  # named in one refusal: a list of 10,000 bad items is refused for its first ones
CACHE_SIZE = 512


def _number(value: Any, scalar: str) -> str | None:
    """Why a number cannot be a value of ``scalar`` (None when it can)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if scalar == "Float":
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        if isinstance(value, int) and abs(value) > sys.float_info.max:
            return "must be a finite number"
    elif scalar == "Int":
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return None  # not a whole number: graphql-core says so
        if not INT_RANGE[0] <= value <= INT_RANGE[1]:
            return f"must be a whole number from {INT_RANGE[0]:,} to {INT_RANGE[1]:,}"
    elif scalar == "Rials" and isinstance(value, int) and not -MAX_AMOUNT <= value <= MAX_AMOUNT:
        return f"is beyond the largest amount, {MAX_AMOUNT:,} rials (10^15)"
    return None


def _text(value: str, scalar: str, name: str) -> str | None:
    if scalar == "Rials":
        try:
            return _number(whole_number(value), scalar)
        except ValueError:
            return None  # the scalar says what is wrong with it
    if scalar in NUMBERS:
        return None  # graphql-core refuses a text for a number
    # NUL is left to the store adapter (a field error); the HTTP view refuses it in raw requests
    return text_problem(value, name, nul=False)


def value_problem(value: Any, scalar: str, name: str) -> str | None:
    """Why ``value`` (as sent) cannot be given to an argument or input field ``name`` of type ``scalar``."""
    if isinstance(value, str):
        return _text(value, scalar, name)
    return _number(value, scalar)


def _last(where: str) -> str:
    return where.rsplit(".", 1)[-1].lstrip("$")


def walk_value(value: Any, type_: Any, where: str, problems: list[FieldError]) -> None:
    """Check a variable's value (as decoded from JSON) against the input type at ``where``."""
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if value is None or len(problems) >= MOST_PROBLEMS:
        return
    if isinstance(type_, GraphQLList):
        for item in value if isinstance(value, list) else [value]:
            walk_value(item, type_.of_type, where, problems)
    elif isinstance(type_, GraphQLInputObjectType):
        if isinstance(value, dict):
            for name, input_field in type_.fields.items():
                if name in value:
                    walk_value(value[name], input_field.type, f"{where}.{name}", problems)
    elif isinstance(type_, GraphQLScalarType) and (why := value_problem(value, type_.name, _last(where))):
        problems.append(FieldError(where, why))


@dataclass
class Plan:
    """What a document's text tells: the problems of its literals, and each variable's uses."""

    problems: list[FieldError] = field(default_factory=list)
    uses: list[tuple[str, GraphQLInputType, str]] = field(default_factory=list)  # (variable, type, where)
    operations: int = 0


class _Reader(Visitor):
    """Walks a document with graphql-core's TypeInfo, which knows the input type of every value."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.path: list[str] = []
        self.defining = False
        self.plan = Plan()

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        self.plan.operations += 1

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.path.append(node.name.value)

    def leave_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.path.pop()

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self.path.append(node.name.value)

    def leave_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self.path.pop()

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> None:
        self.defining = True  # its default value is checked like any literal, named `$name`
        self.path.append("$" + node.variable.name.value)

    def leave_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> None:
        self.defining = False
        self.path.pop()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        type_ = self.type_info.get_input_type()
        if not self.defining and self.path and type_ is not None:
            self.plan.uses.append((node.name.value, type_, ".".join(self.path)))

    def _literal(self, value: Any) -> None:
        named = get_named_type(self.type_info.get_input_type())
        if not self.path or not isinstance(named, GraphQLScalarType) or len(self.plan.problems) >= MOST_PROBLEMS:
            return
        where = ".".join(self.path)
        if (why := value_problem(value, named.name, _last(where))) is not None:
            self.plan.problems.append(FieldError(where, why))

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self._literal(node.value)

    def enter_int_value(self, node: IntValueNode, *_: Any) -> None:
        self._literal(int(node.value))

    def enter_float_value(self, node: FloatValueNode, *_: Any) -> None:
        self._literal(float(node.value))


def read(schema: GraphQLSchema, document: Any) -> Plan:
    type_info = TypeInfo(schema)
    reader = _Reader(type_info)
    visit(document, TypeInfoVisitor(type_info, reader))
    return reader.plan


class Plans:
    """Recent plans by operation text and schema, oldest dropped first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.found: OrderedDict[Hashable, Plan] = OrderedDict()

    def get(self, schema: GraphQLSchema, document: Any, text: str | None) -> Plan:
        if text is None:
            return read(schema, document)
        key = (text, schema)
        plan = self.found.get(key)
        if plan is None:
            plan = self.found[key] = read(schema, document)
            if len(self.found) > self.size:
                self.found.popitem(last=False)
        else:
            self.found.move_to_end(key)
        return plan


PLANS = Plans()


def problems(plan: Plan, variables: dict[str, Any]) -> list[FieldError]:
    found = list(plan.problems)
    for name, type_, where in plan.uses:
        if name in variables:
            walk_value(variables[name], type_, where, found)
    return found[:MOST_PROBLEMS]


def refusal(error: ValidationFailed) -> GraphQLError:
    fields = [{"field": e.field, "message": e.message} for e in error.errors]
    return GraphQLError(str(error), original_error=error,
                        extensions={"code": ValidationFailed.code, "fields": fields})


class InputChecks(SchemaExtension):
    """Refuses, before validation, a document whose values break the rules above."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            plan = PLANS.get(graphql_schema(context.schema), document, context.query)
            if plan.operations > 1 and OPERATION_NAMED.get() is False:
                why = f"required: the document holds {plan.operations} operations; name the one to run"
                raise refusal(ValidationFailed("several operations and no `operationName`",
                                               [FieldError("operationName", why)]))
            found = problems(plan, context.variables or {})
            if found:
                raise refusal(ValidationFailed("invalid input", found))
        yield
