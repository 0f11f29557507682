"""Statements behind the network neighbourhood and connection (graph_model.networks.explore).

The actors (donors, institutions, councils, people, events) are linked by nine relationship
types. A frontier of actors of mixed labels is expanded by one statement: one ``UNION ALL``
branch per relationship type and side, each starting from an index seek on the label the
relationship type fixes for that side (``graph_model.enums.ENDPOINTS``), so no branch has an
untyped start and none checks the far end's label. The keys of each branch travel in their own
list parameter, named ``<type>_out`` (the frontier node is the relationship's start) or
``<type>_in`` (it is the end); a branch given an empty list costs next to nothing, which is how
the caller leaves out a relation or a label the frontier does not hold. Every branch returns the
same columns: ``branch`` (which type, and which side of it ``node``, the frontier key, sits on:
``BRANCHES``), ``node``, and ``others``, what the node reaches by that branch.

Giving comes one item per gift (its amount, never summed in Cypher), collected per frontier
node: FalkorDB's ``sum`` is a double, and grouping by donor–institution pairs is slow on it,
while aggregating per single node is cheap; Python groups the pairs and adds the integers
exactly. ``network_details`` returns a row per gift for the same reason.
"""

from __future__ import annotations

from graph_model.cypher import statement
from graph_model.enums import ENDPOINTS, Label, Rel

# The relationship types between actors, in the order branches are written.
ACTOR_RELS: tuple[Rel, ...] = (
    Rel.DONATED_TO, Rel.DONATED_TO_EVENT,
    Rel.DONOR_MEMBER_OF, Rel.INSTITUTION_MEMBER_OF, Rel.PERSON_MEMBER_OF,
    Rel.PARTNERS_WITH,
    Rel.PARTICIPATED_IN, Rel.ORGANISED_BY_INSTITUTION, Rel.ORGANISED_BY_COUNCIL,
)
ACTOR_LABELS: tuple[Label, ...] = (Label.DONOR, Label.INSTITUTION, Label.COUNCIL, Label.PERSON, Label.EVENT)

GIFTS = frozenset({Rel.DONATED_TO, Rel.DONATED_TO_EVENT})
SEATS = frozenset({Rel.DONOR_MEMBER_OF, Rel.INSTITUTION_MEMBER_OF, Rel.PERSON_MEMBER_OF})
# Types whose relationships carry a role (a seat's, or a participant's).
WITH_ROLE = SEATS | {Rel.PARTICIPATED_IN}


def side_param(rel: Rel, forward: bool) -> str:
    """The parameter holding the frontier keys of one branch: ``donated_to_out`` lists donors,
    ``donated_to_in`` institutions."""
    return f"{rel.value.lower()}_{'out' if forward else 'in'}"


def pair_param(rel: Rel) -> str:
    return f"{rel.value.lower()}_pairs"


def label_param(label: Label) -> str:
    return label.value.lower()


def _seek(rel: Rel, forward: bool) -> str:
    """UNWIND the branch's keys, seek the frontier node, walk the relationship."""
    start, end = ENDPOINTS[rel]
    if forward:
        return (f"UNWIND ${side_param(rel, True)} AS k MATCH (a:{start.value}) WHERE a.key = k "
                f"MATCH (a)-[r:{rel.value}]->(b)")
    return (f"UNWIND ${side_param(rel, False)} AS k MATCH (b:{end.value}) WHERE b.key = k "
            f"MATCH (a)-[r:{rel.value}]->(b)")


def _far(forward: bool) -> str:
    return "b.key" if forward else "a.key"


# Branch codes: a row says which branch made it by a number (statement text may hold no other
# string literals than labels and types), ``BRANCHES[code]`` being (type, frontier is the start).
BRANCHES: tuple[tuple[Rel, bool], ...] = tuple((rel, fwd) for rel in ACTOR_RELS for fwd in (True, False))


def _item(rel: Rel, far: str) -> str:
    """One relationship as [far key, what it carries]: a gift's amount, a seat's or participant's role."""
    value = "r.amount" if rel in GIFTS else "r.role" if rel in WITH_ROLE else "null"
    return f"[{far}, {value}]"


def _expand_branch(rel: Rel, forward: bool) -> str:
    return (f"{_seek(rel, forward)} RETURN {BRANCHES.index((rel, forward))} AS branch, k AS node, "
            f"collect({_item(rel, _far(forward))}) AS others")


# Every relationship of the chosen types at the frontier, collected per frontier node (one item
# per relationship, so per gift): aggregating per node keeps the reply to a row per node, which
# on `national` halves the time of a hop that reaches a few thousand gifts.
EXPAND = statement(
    "network_expand",
    " UNION ALL ".join(_expand_branch(rel, fwd) for rel, fwd in BRANCHES),
)


def _neighbour_branch(rel: Rel, forward: bool) -> str:
    # DISTINCT: several gifts of one pair are one link for a path search.
    return (f"{_seek(rel, forward)} RETURN {BRANCHES.index((rel, forward))} AS branch, k AS node, "
            f"collect(DISTINCT {_far(forward)}) AS others")


# The distinct neighbours of each frontier node (breadth-first search of a connection): keys only.
NEIGHBOURS = statement(
    "network_neighbours",
    " UNION ALL ".join(_neighbour_branch(rel, fwd) for rel, fwd in BRANCHES),
)


def _between_branch(rel: Rel) -> str:
    # From the start side only (a donor, a member, a participant, an event: the side with the
    # fewest relationships of the type), keeping those whose end is in the set too.
    return (f"{_seek(rel, True)} WHERE b.key IN ${side_param(rel, False)} "
            f"RETURN {BRANCHES.index((rel, True))} AS branch, k AS node, collect({_item(rel, 'b.key')}) AS others")


# The relationships joining two nodes of one set (the last hop of a neighbourhood, which is
# never expanded): each type's start keys in ``<type>_out``, its end keys in ``<type>_in``.
BETWEEN = statement("network_between", " UNION ALL ".join(_between_branch(rel) for rel in ACTOR_RELS))

_DETAILS = {
    # rel type group -> the properties a path shows
    "gift": "r.amount AS amount, r.date AS date, null AS role, null AS since, null AS purpose",
    "seat": "null AS amount, null AS date, r.role AS role, r.since AS since, null AS purpose",
    "partner": "null AS amount, null AS date, null AS role, r.since AS since, r.purpose AS purpose",
    "participant": "null AS amount, null AS date, r.role AS role, null AS since, null AS purpose",
    "organiser": "null AS amount, null AS date, null AS role, null AS since, null AS purpose",
}


def _details_group(rel: Rel) -> str:
    if rel in GIFTS:
        return "gift"
    if rel in SEATS:
        return "seat"
    return {Rel.PARTNERS_WITH: "partner", Rel.PARTICIPATED_IN: "participant"}.get(rel, "organiser")


def _details_branch(rel: Rel) -> str:
    start, _ = ENDPOINTS[rel]
    return (f"UNWIND ${pair_param(rel)} AS p MATCH (a:{start.value}) WHERE a.key = p.source "
            f"MATCH (a)-[r:{rel.value}]->(b) WHERE b.key = p.target "
            f"RETURN '{rel.value}' AS rel, p.source AS source, p.target AS target, {_DETAILS[_details_group(rel)]}")


# The properties of the relationships on found paths, given as {source, target} pairs per type
# (one row per gift: the caller adds amounts and finds the first and last date).
DETAILS = statement("network_details", " UNION ALL ".join(_details_branch(rel) for rel in ACTOR_RELS))


def _names_branch(label: Label) -> str:
    return (f"UNWIND ${label_param(label)} AS k MATCH (n:{label.value}) WHERE n.key = k "
            f"RETURN '{label.value}' AS label, k AS key, n.nameFa AS nameFa, n.nameEn AS nameEn")


# Names of actors given by label (also how a missing center or endpoint is found out).
NAMES = statement("network_names", " UNION ALL ".join(_names_branch(label) for label in ACTOR_LABELS))


# The donors who fund the most institutions (benchmarks/networks_explore_probe.py picks its
# "large donor" with it). Grouped per donor, not per pair: a scan of every gift, about half a
# second on `national`, so not for a request path.
TOP_DONORS = statement(
    "network_top_donors",
    """MATCH (d:Donor)-[:DONATED_TO]->(i)
       WITH d, count(DISTINCT i) AS institutions
       ORDER BY institutions DESC, d.key
       LIMIT $limit
       RETURN d.key AS key, institutions""",
)
