"""Which writes can change what the network analyses read, so that the others leave them cached.

The network answers (graph_model.networks.service: a scope's rows, projections, centralities,
communities, overlaps, suggestions, isolated institutions, neighbourhoods and connections; and the
visible gifts of graph_model.privacy.public_giving) are computed from the statements of
graph_model.statements.networks (a scope's institutions, offers, gifts, donors, seats, partners,
counties; a council's area), graph_model.statements.networks_explore (the actors' relationships and
names) and the donor kind lookups of graph_model.statements.privacy: NETWORK_LABELS below, with the
labels at both ends of every relationship type named (a deleted node takes its relationships along).
Every write bumps the graph version; one that may change those inputs also bumps the networks count
(graph_model.statements.version), and the network answers are kept per networks count.

Safe by default: a write statement changes the networks' inputs unless it is named here or is one of
the two proven neutral by their parameters. The statements named never write a node or relationship
of NETWORK_LABELS (tests/test_network_inputs.py reads their text: no CREATE or MERGE naming one, and
every SET, REMOVE or DELETE writes a variable bound to a label outside them). The two by parameters:

- ``entity_create_Donor`` (``createDonor``): it creates a new donor and its ``BASED_IN`` links only (an
  existing donor of the key is never changed: the statement then writes nothing). A donor with no gift
  and no council seat is in no network answer: a scope's gifts, seats and projections come from
  relationships it does not have (its key and province are read for the country's scope, but only
  gifts and seats bring a donor into an answer: graph_model.networks.reading.rows_to_scope,
  projections, suggest), and the explorer reaches actors only through the relationships of
  networks_explore.ACTOR_RELS (it as a center was unknown before, an error, which is never cached).
- ``entity_update_Institution`` of its ``source`` alone and no link (graph_model.coverage.inputs.
  source_only): the networks read an institution's key, names, county, offers, gifts, seats and
  partners, never its source.

The redaction of individual donors is not part of what is kept: each request still asks which of an
answer's donors are individuals (hub.analytics.networks.redaction) on top of the cached computation.
"""

from __future__ import annotations

import re
from typing import Any

from graph_model.coverage.inputs import source_only
from graph_model.cypher import Statement

# What the network statements match, closed over the ends of each relationship type (the test holds
# this equal to their text and graph_model.enums.ENDPOINTS).
NETWORK_LABELS = frozenset({
    "Council", "County", "Donor", "Event", "Institution", "Person", "Province", "Service",
    "BASED_IN", "COVERS_COUNTY", "COVERS_PROVINCE", "DONATED_TO", "DONATED_TO_EVENT", "DONOR_MEMBER_OF",
    "INSTITUTION_MEMBER_OF", "LOCATED_IN", "OFFERS", "ORGANISED_BY_COUNCIL", "ORGANISED_BY_INSTITUTION",
    "PARTICIPATED_IN", "PARTNERS_WITH", "PERSON_MEMBER_OF"})
# Write statements that never change those: by name (exact, or a prefix ending in "_").
_NEUTRAL = re.compile(
    r"^(api_key_|audit_entry_|persisted_query_|graph_version_bump$|"
    r"(entity_create|entity_update|entity_delete|create|upsert)_"
    r"(Assessment|AssessmentFramework|Complaint|CorrectiveAction|Criterion|Licence|LicenceChange|LicenceType|"
    r"TargetGroup)$|"
    r"pair_(set|remove)_(NEEDS|PROVIDED)$|"
    r"upsert_(ASSESSES|CHANGE_OF|COMPLAINT_ABOUT|CORRECTS|HOLDS|IN_FRAMEWORK|LICENSES|NEEDS|OF_TYPE|"
    r"PERMITS|PROVIDED|SCORED|SERVES|UNDER_FRAMEWORK)$)")
# Neutral whatever its parameters (see the module docstring): a new donor, with its province.
NEW_DONOR = "entity_create_Donor"


def neutral(name: str) -> bool:
    """Whether the write statement ``name`` is one that never changes the networks' inputs."""
    return _NEUTRAL.match(name) is not None


def changes_networks(stmt: Statement | None, params: dict[str, Any] | None) -> bool:
    """Whether running ``stmt`` with ``params`` may change what the network analyses read."""
    if stmt is None:
        return True
    return not (neutral(stmt.name) or stmt.name == NEW_DONOR or source_only(stmt, params))
