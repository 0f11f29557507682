"""Root query fields: Relay `node`/`nodes`, every entity by key, and every root list."""

from __future__ import annotations

import strawberry
from strawberry import relay

from graph_model import queries
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema.entities import LabelCount
from hub.schema.fields import by_key, root_list


READ = Right.READ  # the directory: every role (hub.auth.access declares it on each field)
SUPERVISE = Right.SUPERVISE  # supervision records: supervisors and admins...
WATCHERS = (Right.WRITE, Right.SELF_ASSESS)  # ...editors, and an institution key narrowed to its own


@strawberry.type
class BrowseQuery:
    node: relay.Node | None = relay.node(description="Any object by its global id.", extensions=[requires(READ)])
    nodes: list[relay.Node | None] = relay.node(description="Objects by global ids, in the same order "
                                                            "(null where an id names nothing).",
                                                extensions=[requires(READ)])
    province = by_key("Province", "One province by key (e.g. IR-06).", READ)
    county = by_key("County", "One county by key (e.g. IR-06-0607).", READ)
    institution = by_key("Institution", "One institution by key.", READ)
    donor = by_key("Donor", "One donor by key.", READ)
    person = by_key("Person", "One person by key.", READ)
    council = by_key("Council", "One council by key.", READ)
    service = by_key("Service", "One service by key.", READ)
    target_group = by_key("TargetGroup", "One target group by key.", READ)
    licence_type = by_key("LicenceType", "One licence type by key.", READ)
    licence = by_key("Licence", "One licence by key.", READ)
    event = by_key("Event", "One event by key.", READ)
    assessment = by_key("Assessment", "One assessment by key.", READ)
    donation = by_key("Donation", "One donation by key.", READ)
    assessment_framework = by_key("AssessmentFramework", "One assessment framework by key.", READ)

    provinces = root_list("Province", "Provinces.", READ)
    counties = root_list("County", "Counties; filter by province.", READ)
    institutions = root_list("Institution", "Institutions, filtered by place, kind, service, domain, target group, "
                                            "licence status or name.", READ)
    donors = root_list("Donor", "Donors, filtered by province, kind or name.", READ)
    people = root_list("Person", "People.", READ)
    councils = root_list("Council", "Councils, filtered by area, kind, level or name.", READ)
    services = root_list("Service", "The service catalogue.", READ)
    target_groups = root_list("TargetGroup", "Target groups.", READ)
    licence_types = root_list("LicenceType", "Licence types.", READ)
    licences = root_list("Licence", "Licences, filtered by place, status, expiry window, service or type.", READ)
    events = root_list("Event", "Events, filtered by place, kind, dates or name.", READ)
    assessments = root_list("Assessment", "Assessments, filtered by level, date or score.", READ)
    assessment_frameworks = root_list("AssessmentFramework", "Assessment frameworks (every version).", READ)
    donations = root_list("Donation", "Donations to institutions, filtered by amount, date or donor kind.", READ)
    corrective_actions = root_list(
        "CorrectiveAction", "Corrective actions assessments ask for, filtered by status or due date. For supervisors, "
        "editors and admins; an institution key sees its own institution's only.", SUPERVISE, also=WATCHERS,
        own="institution_actions")
    complaints = root_list(
        "Complaint", "Complaints about institutions, filtered by status or the day received. For supervisors, "
        "editors and admins; an institution key sees those about its own institution only.", SUPERVISE,
        also=WATCHERS, own="institution_complaints")

    @strawberry.field(description="Number of nodes per label in the whole graph.", extensions=[requires(READ)])
    async def counts(self, info: strawberry.Info) -> list[LabelCount]:
        found = await queries.node_counts(info.context.store)
        return [LabelCount(label=label, total=total) for label, total in found.items()]
