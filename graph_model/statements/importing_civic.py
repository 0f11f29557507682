"""Reads the import of councils, events, memberships and participations checks a file against
(graph_model.importing.kinds_civic): the list links a council or event holds (what a row's
``provinces`` or ``organiserInstitutions`` cell is compared with), and the stored relationship of
each (member, council) or (institution, event) pair. One statement per link and per relationship
type, each taking all the file's keys at once."""

from __future__ import annotations

from graph_model.cypher import Statement, statement
from graph_model.enums import ENDPOINTS, Label, Rel
from graph_model.statements.writes import LINKS, Link


def _linked(label: Label, link: Link) -> Statement:
    # One link per statement: FalkorDB loses an aggregate's alias carried across a later
    # OPTIONAL MATCH (graph_model.statements.provinces_of).
    return statement(
        f"import_links_{label.value}_{link.field}",
        f"""UNWIND $keys AS k
            MATCH (n:{label.value}) WHERE n.key = k
            OPTIONAL MATCH (n)-[:{link.rel.value}]->(t:{link.target.value})
            RETURN k AS key, collect(t.key) AS keys""",
    )


# (label, link field) -> the keys each of the given nodes links to: the list links of councils and events.
LINKED: dict[tuple[Label, str], Statement] = {
    (label, link.field): _linked(label, link)
    for label in (Label.COUNCIL, Label.EVENT) for link in LINKS[label] if link.many}


def _pairs(rel: Rel) -> Statement:
    start, end = ENDPOINTS[rel]
    return statement(
        f"import_pairs_{rel.value}",
        f"""UNWIND $pairs AS p
            MATCH (a:{start.value})-[r:{rel.value}]->(b:{end.value}) WHERE a.key = p.start AND b.key = p.end
            RETURN a.key AS start, b.key AS end, properties(r) AS props""",
    )


# The stored relationship of each (start, end) pair given, for the relationships these kinds import.
PAIRS: dict[Rel, Statement] = {rel: _pairs(rel) for rel in (
    Rel.DONOR_MEMBER_OF, Rel.INSTITUTION_MEMBER_OF, Rel.PERSON_MEMBER_OF, Rel.PARTICIPATED_IN)}
