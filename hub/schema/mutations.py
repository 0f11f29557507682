"""Create, update and delete mutations for every entity, generated per label.

`createInstitution(input)`, `updateInstitution(key, input)`, `deleteInstitution(key)` and so on
for each label (licences are issued by `issueLicence`, so they have update and delete only).
Each calls one ``graph_model.mutations`` function: one guarded write statement, one transaction
(an update reads the entity first; a write that found the graph changed under it runs again).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph_model import mutations as write
from graph_model.enums import Label
from hub.schema import entities
from hub.schema.fields import CONVERTERS
from hub.schema.inputs import CREATE_INPUTS, UPDATE_INPUTS, article, given_fields, snake
from hub.schema.results import DeleteResult, deleted, outcome, result_union
from hub.strawberry_compat import signed

KEY_ARG = Annotated[str, strawberry.argument(description="Key of the object to change.")]
DELETE_KEY_ARG = Annotated[str, strawberry.argument(description="Key of the object to delete.")]



def _field(resolve: Any, params: dict[str, Any], returns: Any, description: str) -> Any:
    return strawberry.mutation(resolver=signed(resolve, params, returns), description=description)


def _entity_mutations(label: Label) -> dict[str, Any]:
    name = label.value
    result = result_union(f"{name}Result", getattr(entities, name),
                          transitions=label is Label.LICENCE)
    build = CONVERTERS[name]
    fields: dict[str, Any] = {}

    if label in CREATE_INPUTS:
        async def create(info: strawberry.Info, **kw: Any) -> Any:
            return await outcome(info, write.create_node(info.context.store, label, given_fields(kw["input"])), build)

        create.__name__ = f"create_{name}"
        fields[f"create{name}"] = _field(
            create, {"input": Annotated[CREATE_INPUTS[label], strawberry.argument(description="The new object.")]},
            result, f"Create {article(name)} with its links. Typed errors: a missing or invalid field, an unknown "
                    f"key in a link, a key already taken.")

    async def update(info: strawberry.Info, **kw: Any) -> Any:
        changes = given_fields(kw["input"])
        return await outcome(info, write.update_node(info.context.store, label, kw["key"], changes), build)

    async def delete(info: strawberry.Info, **kw: Any) -> Any:
        key = kw["key"]
        return await outcome(info, write.delete_node(info.context.store, label, key),
                             lambda row: deleted(name, row.get("key", key)))

    update.__name__, delete.__name__ = f"update_{name}", f"delete_{name}"
    fields[f"update{name}"] = _field(
        update, {"key": KEY_ARG, "input": Annotated[UPDATE_INPUTS[label], strawberry.argument(
            description="The changes.")]},
        result, f"Change {article(name)}: only the fields given; `null` unsets an optional one, a list replaces the "
                f"whole list. Keys never change.")
    fields[f"delete{name}"] = _field(
        delete, {"key": DELETE_KEY_ARG}, DeleteResult,
        f"Delete {article(name)} and its own links. Refused with a ConflictError naming what still depends on it "
        f"(donations, licences, members...); nothing is deleted by cascade.")
    return fields


def _build() -> type:
    namespace: dict[str, Any] = {}
    for label in Label:
        for field_name, field in _entity_mutations(label).items():
            namespace[snake(field_name)] = field
    return strawberry.type(type("EntityMutation", (), namespace), name="EntityMutation")


EntityMutation = _build()
