"""Root query fields: Relay `node`/`nodes`, every entity by key, and every root list."""

from __future__ import annotations

import strawberry
from strawberry import relay

from graph_model import queries
from hub.schema.entities import LabelCount
from hub.schema.fields import by_key, root_list


@strawberry.type
class BrowseQuery:
    node: relay.Node | None = relay.node(description="Any object by its global id.")
    nodes: list[relay.Node | None] = relay.node(description="Objects by global ids, in the same order "
                                                            "(null where an id names nothing).")
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
