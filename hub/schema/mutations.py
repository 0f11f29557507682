"""Create, update and delete mutations for every entity, generated per label.

`createInstitution(input)`, `updateInstitution(key, input)`, `deleteInstitution(key)` and so on
for each label (licences are issued by `issueLicence`, so they have update and delete only).
Each calls one ``graph_model.mutations`` function: one guarded write statement, one transaction
(an update reads the entity first; a write that found the graph changed under it runs again).

Each declares its access on itself (hub.auth.access), generated from the same model the inputs
are: the right (national catalogues and the map: ADMIN; the rest: WRITE) and its province scope:
the record ``key`` changes, every link of the input (graph_model.statements.writes.LINKS) by the
label it points to, the links that place the record, and the model's text properties.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph_model import mutations as write
from graph_model.enums import Label
from graph_model.model import NODE_FIELDS
from graph_model.statements.writes import LINKS
from hub.auth.access import NEW, Access, mutates
from hub.auth.principal import Right
from hub.schema import entities
from hub.schema.fields import CONVERTERS
from hub.schema.inputs import CREATE_INPUTS, UPDATE_INPUTS, article, given_fields, snake
from hub.schema.results import DeleteResult, deleted, outcome, result_union
from hub.strawberry_compat import signed

KEY_ARG = Annotated[str, strawberry.argument(description="Key of the object to change.")]
DELETE_KEY_ARG = Annotated[str, strawberry.argument(description="Key of the object to delete.")]

# National catalogues and the map itself: admins only (no admin is province-scoped).
ADMIN_LABELS = frozenset({Label.PROVINCE, Label.COUNTY, Label.SERVICE, Label.TARGET_GROUP, Label.LICENCE_TYPE,
                          Label.FRAMEWORK, Label.CRITERION})
# A licence's history is written by the licence's own transitions only: append-only, no mutation of its own.
NO_MUTATIONS = frozenset({Label.LICENCE_CHANGE})
# The input links that place a record in a province (graph_model.provinces_of): a record created by
# a scoped key must be placed by one, and an update by one may not empty them all.
PLACES: dict[Label, tuple[str, ...]] = {
    Label.COUNTY: ("province",), Label.INSTITUTION: ("county",), Label.DONOR: ("province",),
    Label.COUNCIL: ("provinces", "counties"), Label.EVENT: ("county",), Label.ASSESSMENT: ("institution",),
    Label.CORRECTIVE_ACTION: ("assessment",), Label.COMPLAINT: ("institution",)}


# Beside WRITE: assessors record and update complaints about institutions in their provinces (issue 19).
ALSO: dict[Label, tuple[Right, ...]] = {Label.COMPLAINT: (Right.ASSESS,)}


def _access(label: Label, verb: str) -> Access:
    """The declaration of ``{verb}{label}`` (verb: create, update or delete)."""
    right = Right.ADMIN if label in ADMIN_LABELS else Right.WRITE
    also = ALSO.get(label, ())
    if verb == "delete":
        return mutates(right, {"key": label})  # deleting a record stays an editor's
    links = {f"input.{link.field}": link.target for link in LINKS[label]}
    text = [f"input.{name}" for name, spec in NODE_FIELDS[label].items() if spec.type is str]
    places = [f"input.{name}" for name in PLACES.get(label, ())]
    own = {"input.key": NEW} if verb == "create" else {"key": label}
    return mutates(right, {**own, **links}, text=text, creates=verb == "create", places=places, also=also)


def _field(resolve: Any, params: dict[str, Any], returns: Any, description: str, access: Access) -> Any:
    return strawberry.mutation(resolver=signed(resolve, params, returns), description=description,
                               extensions=[access])


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
                    f"key in a link, a key already taken.", _access(label, "create"))

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
                f"whole list. Keys never change.", _access(label, "update"))
    fields[f"delete{name}"] = _field(
        delete, {"key": DELETE_KEY_ARG}, DeleteResult,
        f"Delete {article(name)} and its own links. Refused with a ConflictError naming what still depends on it "
        f"(donations, licences, members...); nothing is deleted by cascade.", _access(label, "delete"))
    return fields


def _build() -> type:
    namespace: dict[str, Any] = {}
    for label in Label:
        if label in NO_MUTATIONS:
            continue
        for field_name, field in _entity_mutations(label).items():
            namespace[snake(field_name)] = field
    return strawberry.type(type("EntityMutation", (), namespace), name="EntityMutation")


EntityMutation = _build()
