"""Which writes can change what coverage, or the donation figures, are computed from, so that the
others leave them cached.

Coverage (graph_model.coverage.service) reads counties, provinces, institutions with their
locations, offers, licences, services, target groups and needs (graph_model.statements.coverage:
COVERAGE_LABELS below). Every write bumps the graph version; one that may change those inputs also
bumps the coverage count (graph_model.statements.version), and coverage answers are kept per coverage
count. Under a stream of writes that cannot touch them (new donors, gifts, councils, an institution's
`source`), national coverage was recomputed after each one: most of the server's time in
benchmarks/load.py (benchmarks/README.md).

Safe by default: a write statement changes coverage's inputs unless it is named here. The statements
named never write a node or relationship coverage reads (tests/test_coverage_inputs.py reads their
text: no SET, REMOVE or DELETE of a variable bound to such a label, no CREATE or MERGE of one).
Coverage carries no donor figures, so keeping it across a gift mixes no snapshots of donation data.
"""

from __future__ import annotations

import re
from typing import Any

from graph_model.cypher import Statement

# What coverage's statements match (graph_model/statements/coverage.py; the test holds the two equal).
COVERAGE_LABELS = frozenset({"County", "Province", "Institution", "Licence", "Service", "TargetGroup",
                             "HOLDS", "LICENSES", "LOCATED_IN", "NEEDS", "OFFERS", "SERVES"})
# Write statements that never change those: by name (exact, or a prefix ending in "_").
_NEUTRAL = re.compile(
    r"^(api_key_|audit_entry_|persisted_query_|donation_|graph_version_bump$|partners_|"
    r"(entity_create|entity_update|entity_delete|create|upsert)_(Donor|Council|Person|Event|Assessment)$|"
    r"(pair_set|pair_remove|pair_update|upsert)_(DONOR_MEMBER_OF|INSTITUTION_MEMBER_OF|PERSON_MEMBER_OF|"
    r"PARTICIPATED_IN|PROVIDED)$|"
    r"upsert_(DONATED_TO|DONATED_TO_EVENT|BASED_IN|HELD_IN|ASSESSES|PARTNERS_WITH|COVERS_COUNTY|COVERS_PROVINCE|"
    r"ORGANISED_BY_COUNCIL|ORGANISED_BY_INSTITUTION)$)")
# An institution's properties coverage never reads: an update of these alone (and no link) keeps it.
INSTITUTION_NEUTRAL_PROPS = frozenset({"source"})


def neutral(name: str) -> bool:
    """Whether the write statement ``name`` is one that never changes coverage's inputs."""
    return _NEUTRAL.match(name) is not None


def source_only(stmt: Statement, params: dict[str, Any] | None) -> bool:
    """An institution update of properties nothing derived reads, and no link (graph_model.networks.inputs
    uses it too)."""
    if stmt.name != "entity_update_Institution" or params is None:
        return False
    links = [v for k, v in params.items() if (k.startswith("link_") or k.startswith("replace_")) and v]
    return not links and not set(params.get("props") or {}) - INSTITUTION_NEUTRAL_PROPS


def changes_coverage(stmt: Statement | None, params: dict[str, Any] | None) -> bool:
    """Whether running ``stmt`` with ``params`` may change what coverage is computed from."""
    if stmt is None:
        return True
    return not (neutral(stmt.name) or source_only(stmt, params))


# What the donation figures (the kept totals, an institution's giving) and the disclosure pattern
# over them are computed from: every statement writing a gift, a donor's kind or an institution's
# county keeps the totals in the same statement, so it names DonationTotal; a county's province is
# named by County or IN_PROVINCE. A statement naming none of them anywhere cannot change them.
DONATION_MARKS = ("DonationTotal", "County", "IN_PROVINCE", "DONATED_TO")


def changes_donations(stmt: Statement | None, params: dict[str, Any] | None) -> bool:
    """Whether running ``stmt`` with ``params`` may change the donation figures (by its text: safe
    for any statement, named here or not)."""
    if stmt is None:
        return True
    if source_only(stmt, params):
        return False
    return any(mark in stmt.text for mark in DONATION_MARKS)
