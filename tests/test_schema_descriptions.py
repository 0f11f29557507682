"""Frontend teams read the schema in GraphiQL: every type, field, argument, input field and
enum value the hub defines carries a description."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from hub.schema import schema
from hub.strawberry_compat import graphql_schema


def missing_descriptions() -> list[str]:
    missing: list[str] = []
    for name, kind in graphql_schema(schema).type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [f"{name}.{field_name}({arg})" for arg, a in field.args.items() if not a.description]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in kind.fields.items() if not field.description]
        elif isinstance(kind, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in kind.values.items() if not value.description]
        elif isinstance(kind, GraphQLUnionType):
            pass  # its members are described where they are defined
    return missing


def test_everything_the_hub_defines_is_described() -> None:
    assert missing_descriptions() == []
