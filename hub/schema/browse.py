"""Root query fields: Relay `node`/`nodes`, every entity by key, and every root list."""

from __future__ import annotations

import inspect
from collections import defaultdict
from typing import Annotated, Any

import strawberry
from strawberry import relay

from graph_model import queries
from graph_model.errors import FieldError, ValidationFailed
from hub.schema.entities import LabelCount
from hub.schema.fields import by_key, root_list


def node_type(info: strawberry.Info, global_id: str, field: str) -> tuple[type[relay.Node], str]:
    """The Node type and key a global id names. An id that is not base64 of `Type:key`, or names
    no Node type, is the client's mistake (VALIDATION_FAILED), not an unexpected error: strawberry's
    own `relay.node()` raised GlobalIDValueError for it, which was masked (found by tests/test_fuzz.py)."""
    try:
        gid = relay.GlobalID.from_id(global_id)
        return gid.resolve_type(info), gid.node_id
    except ValueError as exc:  # GlobalIDValueError is one
        raise ValidationFailed(f"{field} {global_id!r} is not a global id",
                               [FieldError(field, "not a global id (base64 of `Type:key`)")]) from exc


async def resolve_nodes(info: strawberry.Info, ids: list[str], field: str) -> list[Any]:
    """What `ids` name, in their order (None where nothing is), one batch per type."""
    wanted = [node_type(info, global_id, field) for global_id in ids]
    keys: defaultdict[type[relay.Node], list[str]] = defaultdict(list)
    for kind, key in wanted:
        keys[kind].append(key)
    found: dict[type[relay.Node], list[Any]] = {}
    for kind, of_kind in keys.items():
        nodes = kind.resolve_nodes(info=info, node_ids=of_kind, required=False)
        found[kind] = list(await nodes if inspect.isawaitable(nodes) else nodes)
    position: defaultdict[type[relay.Node], int] = defaultdict(int)
    answer = []
    for kind, _ in wanted:
        answer.append(found[kind][position[kind]])
        position[kind] += 1
    return answer


@strawberry.type
class BrowseQuery:
    @strawberry.field(description="Any object by its global id.")
    async def node(self, info: strawberry.Info,
                   id: Annotated[strawberry.ID, strawberry.argument(description="The ID of the object.")],
                   ) -> relay.Node | None:
        return (await resolve_nodes(info, [id], "id"))[0]

    @strawberry.field(description="Objects by global ids, in the same order (null where an id names nothing).")
    async def nodes(self, info: strawberry.Info,
                    ids: Annotated[list[strawberry.ID], strawberry.argument(description="The IDs of the objects.")],
                    ) -> list[relay.Node | None]:
        return await resolve_nodes(info, ids, "ids")
    province = by_key("Province", "One province by key (e.g. IR-06).")
    county = by_key("County", "One county by key (e.g. IR-06-0607).")
    institution = by_key("Institution", "One institution by key.")
    donor = by_key("Donor", "One donor by key.")
    person = by_key("Person", "One person by key.")
    council = by_key("Council", "One council by key.")
    service = by_key("Service", "One service by key.")
    target_group = by_key("TargetGroup", "One target group by key.")
    licence_type = by_key("LicenceType", "One licence type by key.")
    licence = by_key("Licence", "One licence by key.")
    event = by_key("Event", "One event by key.")
    assessment = by_key("Assessment", "One assessment by key.")
    donation = by_key("Donation", "One donation by key.")

    provinces = root_list("Province", "Provinces.")
    counties = root_list("County", "Counties; filter by province.")
    institutions = root_list("Institution", "Institutions, filtered by place, kind, service, domain, target group, "
                                            "licence status or name.")
    donors = root_list("Donor", "Donors, filtered by province, kind or name.")
    people = root_list("Person", "People.")
    councils = root_list("Council", "Councils, filtered by area, kind, level or name.")
    services = root_list("Service", "The service catalogue.")
    target_groups = root_list("TargetGroup", "Target groups.")
    licence_types = root_list("LicenceType", "Licence types.")
    licences = root_list("Licence", "Licences, filtered by place, status, expiry window, service or type.")
    events = root_list("Event", "Events, filtered by place, kind, dates or name.")
    assessments = root_list("Assessment", "Assessments, filtered by level, date or score.")
    donations = root_list("Donation", "Donations to institutions, filtered by province, amount, date or donor kind.")

    @strawberry.field(description="Number of nodes per label in the whole graph.")
    async def counts(self, info: strawberry.Info) -> list[LabelCount]:
        found = await queries.node_counts(info.context.store)
        return [LabelCount(label=label, total=total) for label, total in found.items()]
