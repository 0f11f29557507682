"""The provinces each record lies in: what a province-scoped key may change (hub.auth.scope).

One statement per label and path, each taking the keys of that label at once. A record found with no
province (a person on no council) comes back with an empty list; keys not found do not come back.
"""

from __future__ import annotations

from graph_model.cypher import Statement, rel_by_key, statement
from graph_model.enums import Label

_IN_COUNTY = "-[:LOCATED_IN]->(:County)-[:IN_PROVINCE]->(p:Province)"
# From the record ``n`` to its province ``p``; councils and persons through both kinds of area.
_PATHS: dict[Label, tuple[str, ...]] = {
    Label.COUNTY: ("(n)-[:IN_PROVINCE]->(p:Province)",),
    Label.INSTITUTION: (f"(n){_IN_COUNTY}",),
    Label.DONOR: ("(n)-[:BASED_IN]->(p:Province)",),
    Label.EVENT: ("(n)-[:HELD_IN]->(:County)-[:IN_PROVINCE]->(p:Province)",),
    Label.LICENCE: (f"(n)<-[:HOLDS]-(:Institution){_IN_COUNTY}",),
    Label.ASSESSMENT: (f"(n)-[:ASSESSES]->(:Institution){_IN_COUNTY}",),
    Label.CORRECTIVE_ACTION: (f"(n)-[:CORRECTS]->(:Assessment)-[:ASSESSES]->(:Institution){_IN_COUNTY}",),
    Label.LICENCE_CHANGE: (f"(n)-[:CHANGE_OF]->(:Licence)<-[:HOLDS]-(:Institution){_IN_COUNTY}",),
    Label.COMPLAINT: (f"(n)-[:COMPLAINT_ABOUT]->(:Institution){_IN_COUNTY}",),
    Label.COUNCIL: ("(n)-[:COVERS_PROVINCE]->(p:Province)",
                    "(n)-[:COVERS_COUNTY]->(:County)-[:IN_PROVINCE]->(p:Province)"),
    Label.PERSON: ("(n)-[:PERSON_MEMBER_OF]->(:Council)-[:COVERS_PROVINCE]->(p:Province)",
                   "(n)-[:PERSON_MEMBER_OF]->(:Council)-[:COVERS_COUNTY]->(:County)-[:IN_PROVINCE]->(p:Province)"),
}


def _text(label: Label, path: str) -> str:
    # One path per statement: FalkorDB loses an aggregate's alias carried across a later
    # OPTIONAL MATCH, so a label with two paths has two statements, merged by the caller.
    return (f"UNWIND $keys AS k\nMATCH (n:{label.value}) WHERE n.key = k\nOPTIONAL MATCH {path}\n"
            "RETURN k AS key, collect(p.key) AS provinces")


PROVINCES_OF: dict[Label, tuple[Statement, ...]] = {
    label: tuple(statement(f"provinces_of_{label.value}_{i}", _text(label, path)) for i, path in enumerate(paths))
    for label, paths in _PATHS.items()}

PROVINCE_KEYS = statement(
    "provinces_exist", "UNWIND $keys AS k MATCH (n:Province) WHERE n.key = k RETURN k AS key, [k] AS provinces")

DONATION_PROVINCES = statement(
    "provinces_of_donations",
    f"""UNWIND $keys AS k
        {rel_by_key("r", "DONATED_TO", "k", end="i")}
        MATCH (i){_IN_COUNTY}
        RETURN k AS key, [p.key] AS provinces
        UNION ALL
        UNWIND $keys AS k
        {rel_by_key("r", "DONATED_TO_EVENT", "k", end="e")}
        MATCH (e)-[:HELD_IN]->(:County)-[:IN_PROVINCE]->(p:Province)
        RETURN k AS key, [p.key] AS provinces""")

# The donor's side of a donation: a donation lies where its recipient is AND where its donor is
# based, so a scoped key reaches it only when both are in its provinces (an empty list: a donor
# based nowhere, which puts the donation out of every scoped key's reach).
DONATION_DONOR_PROVINCES = statement(
    "provinces_of_donation_donors",
    f"""UNWIND $keys AS k
        {rel_by_key("r", "DONATED_TO", "k", "d")}
        OPTIONAL MATCH (d)-[:BASED_IN]->(p:Province)
        RETURN k AS key, collect(p.key) AS provinces
        UNION ALL
        UNWIND $keys AS k
        {rel_by_key("r", "DONATED_TO_EVENT", "k", "d")}
        OPTIONAL MATCH (d)-[:BASED_IN]->(p:Province)
        RETURN k AS key, collect(p.key) AS provinces""")
