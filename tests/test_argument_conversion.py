"""``hub.strawberry_compat`` item 17: strawberry's argument conversion compiled once per field's
arguments. Checked against strawberry's own conversion on every argument of the hub's schema, and on an
input type that holds itself (left to strawberry's).

No ``from __future__ import annotations`` here: strawberry reads the input type's string annotation in
this module's namespace.
"""

from typing import Any

import strawberry
from graphql import GraphQLNonNull, GraphQLObjectType

from hub import strawberry_compat as compat


def _sample(type_: Any, variant: int, depth: int = 0) -> Any:
    """A value of the GraphQL input type ``type_`` as graphql-core hands it to a resolver: input objects
    with some fields left out and some null (by ``variant``), lists of two, an enum's member."""
    from graphql import (GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull,
                         GraphQLScalarType)
    if isinstance(type_, GraphQLNonNull):
        return _sample(type_.of_type, variant, depth)
    if isinstance(type_, GraphQLList):
        return [_sample(type_.of_type, variant + 1, depth), _sample(type_.of_type, variant + 2, depth)]
    if isinstance(type_, GraphQLEnumType):
        values = list(type_.values.values())
        return values[variant % len(values)].value
    if isinstance(type_, GraphQLScalarType):
        samples = {"Int": 3 + variant, "Float": 1.5, "Boolean": variant % 2 == 0, "String": f"s{variant}",
                   "ID": "SW5zdGl0dXRpb246aW5zdC1h"}  # a global id (Institution:inst-a)
        return samples.get(type_.name, f"v{variant}")
    assert isinstance(type_, GraphQLInputObjectType)
    out: dict[str, Any] = {}
    for i, (name, field) in enumerate(type_.fields.items()):
        required = isinstance(field.type, GraphQLNonNull)
        turn = (i + variant) % 3
        if not required and (turn == 0 or depth > 2):
            continue  # left out: the converted object keeps its default
        out[name] = None if not required and turn == 1 else _sample(field.type, variant + i, depth + 1)
    return out


def _converted(convert: Any, values: dict[str, Any], arguments: Any, schema: Any) -> Any:
    try:
        return convert(values, arguments, scalar_registry=schema.schema_converter.scalar_registry,
                       config=schema.config)
    except Exception as error:  # noqa: BLE001  # both must fail alike
        return (type(error), str(error))


def test_compiled_argument_conversion_converts_as_strawberry_does_on_every_argument_of_the_hub() -> None:
    """Item 17: for every field with arguments of the hub's schema (roots, nested lists, mutations' inputs),
    graphql-core's values of its arguments (each input with fields set, null and left out, in three
    variants) convert to equal values, of the same classes, by the compiled converter and by strawberry's
    own; and strawberry's resolvers call the compiled one."""
    from strawberry.schema import schema_converter
    from strawberry.types.arguments import convert_arguments as strawberrys

    from hub.schema import schema

    assert schema_converter.convert_arguments is compat.compiled_arguments
    fields = compiled = 0
    for named in compat.graphql_schema(schema).type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for name, field in named.fields.items():
            definition = compat.strawberry_field(field)
            if not field.args or definition is None:
                continue
            fields += 1
            for variant in range(3):
                values = {arg: _sample(a.type, variant) for i, (arg, a) in enumerate(field.args.items())
                          if (i + variant) % 4 or isinstance(a.type, GraphQLNonNull)}  # some optional ones left out
                ours = _converted(compat.compiled_arguments, values, definition.arguments, schema)
                theirs = _converted(strawberrys, values, definition.arguments, schema)
                assert ours == theirs, (named.name, name, variant, values)
                assert repr(ours) == repr(theirs), (named.name, name, variant)  # the same classes all the way down
            key = (id(definition.arguments), id(schema.schema_converter.scalar_registry), id(schema.config))
            compiled += compat._COMPILED[key][3] is not None  # compiled, not left to strawberry's
    assert fields > 100 and compiled == fields, (fields, compiled)


@strawberry.input
class Branch:
    """An input that holds itself, for the compiled conversion's test below."""

    name: str
    under: "Branch | None" = None


def test_an_input_that_holds_itself_is_left_to_strawberrys_conversion() -> None:
    @strawberry.type
    class Query:
        @strawberry.field
        def depth(self, branch: Branch) -> int:
            return 0

    schema = strawberry.Schema(query=Query)
    field = compat.graphql_schema(schema).query_type.fields["depth"]  # type: ignore[union-attr]
    arguments = compat.strawberry_field(field).arguments
    values = {"branch": {"name": "a", "under": {"name": "b", "under": None}}}
    converted = compat.compiled_arguments(values, arguments, scalar_registry=schema.schema_converter.scalar_registry,
                                          config=schema.config)
    assert converted == {"branch": Branch(name="a", under=Branch(name="b", under=None))}
    key = (id(arguments), id(schema.schema_converter.scalar_registry), id(schema.config))
    assert compat._COMPILED[key][3] is None  # not compiled: strawberry's own converted it
