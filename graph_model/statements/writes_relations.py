"""Write one relationship: donations (keyed), pair relationships (at most one per pair), partners.

As in ``writes``, each statement MATCHes both ends and writes only when both exist; no
row back means nothing was written, and the caller reads why.
"""

from __future__ import annotations

from graph_model.cypher import Statement, rel_by_key, statement
from graph_model.enums import ENDPOINTS, Label, Rel
from graph_model.statements import donation_totals as totals
from graph_model.statements.writes import holds_exactly

# A donation goes to an institution or to an event; its key is unique across both types.
DONATION_RELS: tuple[Rel, ...] = (Rel.DONATED_TO, Rel.DONATED_TO_EVENT)

# Relationships of which a pair of nodes has at most one, set (upserted) and removed as a whole.
PAIR_RELS: tuple[Rel, ...] = (
    Rel.OFFERS, Rel.DONOR_MEMBER_OF, Rel.INSTITUTION_MEMBER_OF, Rel.PERSON_MEMBER_OF,
    Rel.PARTICIPATED_IN, Rel.PROVIDED, Rel.NEEDS,
)
# Of those, the ones that are also changed in part (council memberships).
PARTIAL_UPDATE_RELS: tuple[Rel, ...] = (Rel.DONOR_MEMBER_OF, Rel.INSTITUTION_MEMBER_OF, Rel.PERSON_MEMBER_OF)


def _ends(rel: Rel) -> tuple[str, str]:
    start, end = ENDPOINTS[rel]
    return start.value, end.value


def _record_donation(rel: Rel) -> Statement:
    (other,) = (r for r in DONATION_RELS if r is not rel)
    start, end = _ends(rel)
    # The unique constraint guards the key within this type (a MERGE that would add a second
    # relationship of the key between other nodes breaks it: Conflict); the OPTIONAL MATCH across
    # the other. MERGE, not CREATE, so that a retry finds its own donation and answers as the first
    # run did; the same key with other content gives no row (writes.holds_exactly; $props holds
    # the key). A gift to an institution counts in the donation totals (donation_totals.apply):
    # unless the donor's gifts already held this one (a replay), it is added to them.
    if rel is Rel.DONATED_TO:
        counted = f"""SET a.key = a.key
            WITH a, b
            OPTIONAL MATCH (b)-[:LOCATED_IN]->(bc:County)
            WITH a, b, bc
            {totals.gifts_of("a", ["a", "b", "bc"], "before")}"""
        carried = "a, bc, before, "
        count = f"""WITH r, CASE WHEN any(x IN before WHERE x.k = $key) THEN [] ELSE [{totals.change(
            "a", "before", "before + [{k: r.key, i: $target, c: bc.key, p: bc.provinceKey, d: r.date, a: r.amount}]")}]
            END AS changes
            {totals.apply(["r"], "changes")}"""
    else:
        counted, carried, count = "", "", ""
    return statement(
        f"donation_record_{rel.value}",
        f"""MATCH (a:{start}) WHERE a.key = $donor
            MATCH (b:{end}) WHERE b.key = $target
            {rel_by_key("other", other.value, "$key", optional=True)}
            WITH a, b, other WHERE other IS NULL
            {counted}
            MERGE (a)-[r:{rel.value} {{key: $key}}]->(b)
            ON CREATE SET r += $props
            WITH r, {carried}{holds_exactly("r", "$props", 0)} AS same WHERE same
            {count}
            RETURN properties(r) AS rel""",
        write=True,
    )


RECORD_DONATION: dict[Rel, Statement] = {rel: _record_donation(rel) for rel in DONATION_RELS}

_FIND_DONATION = f"""{rel_by_key("r1", "DONATED_TO", "$key", optional=True)}
    {rel_by_key("r2", "DONATED_TO_EVENT", "$key", optional=True)}
    WITH coalesce(r1, r2) AS r WHERE r IS NOT NULL"""

# Updating or deleting a donation changes the totals of its donor's gifts (donation_totals.apply):
# those gifts are read before the change, with the donor locked, and the change is applied to them.
# A gift to an event is not among them, so it changes nothing there.
_DONOR_GIFTS = f"""WITH r, startNode(r) AS o
    SET o.key = o.key
    WITH r, o
    {totals.gifts_of("o", ["r", "o"], "before")}"""

UPDATE_DONATION = statement(
    "donation_update",
    f"""{_FIND_DONATION}
        {_DONOR_GIFTS}
        SET r += $props
        WITH r, [{totals.change("o", "before", "[x IN before | CASE WHEN x.k = r.key THEN "
                                "{k: x.k, i: x.i, c: x.c, p: x.p, d: r.date, a: r.amount} ELSE x END]")}] AS changes
        {totals.apply(["r"], "changes")}
        RETURN properties(r) AS rel, type(r) AS relType, startNode(r).key AS donor, endNode(r).key AS target""",
    write=True,
)

DELETE_DONATION = statement(
    "donation_delete",
    f"""{_FIND_DONATION}
        {_DONOR_GIFTS}
        WITH r, o, before, properties(r) AS rel, type(r) AS relType, o.key AS donor, endNode(r).key AS target
        DELETE r
        WITH rel, relType, donor, target,
             [{totals.change("o", "before", "[x IN before WHERE x.k <> rel.key]")}] AS changes
        {totals.apply(["rel", "relType", "donor", "target"], "changes")}
        RETURN rel, relType, donor, target""",
    write=True,
)

DONATION_KEY_USED = statement(
    "donation_key_used",
    f"""{_FIND_DONATION}
        RETURN type(r) AS relType""",
)


def _set_pair(rel: Rel) -> Statement:
    start, end = _ends(rel)
    # SET r = $props: the call states the whole relationship, properties it leaves out go.
    return statement(
        f"pair_set_{rel.value}",
        f"""MATCH (a:{start}) WHERE a.key = $start
            MATCH (b:{end}) WHERE b.key = $end
            MERGE (a)-[r:{rel.value}]->(b)
            SET r = $props
            RETURN properties(r) AS rel""",
        write=True,
    )


def _update_pair(rel: Rel) -> Statement:
    start, end = _ends(rel)
    return statement(
        f"pair_update_{rel.value}",
        f"""MATCH (a:{start})-[r:{rel.value}]->(b:{end}) WHERE a.key = $start AND b.key = $end
            SET r += $props
            RETURN properties(r) AS rel""",
        write=True,
    )


def _remove_pair(rel: Rel) -> Statement:
    start, end = _ends(rel)
    return statement(
        f"pair_remove_{rel.value}",
        f"""MATCH (a:{start})-[r:{rel.value}]->(b:{end}) WHERE a.key = $start AND b.key = $end
            WITH r, properties(r) AS rel
            DELETE r
            RETURN rel""",
        write=True,
    )


SET_PAIR: dict[Rel, Statement] = {rel: _set_pair(rel) for rel in PAIR_RELS}
UPDATE_PAIR: dict[Rel, Statement] = {rel: _update_pair(rel) for rel in PARTIAL_UPDATE_RELS}
REMOVE_PAIR: dict[Rel, Statement] = {rel: _remove_pair(rel) for rel in PAIR_RELS}

_I = Label.INSTITUTION.value
_P = Rel.PARTNERS_WITH.value

# A partnership has no direction: when B->A exists, linking A to B updates it instead of
# adding A->B. Both institutions are locked first (see writes.lock) so that two people
# linking A->B and B->A at once cannot add both. FalkorDB does not let a later MATCH see what FOREACH created, so both
# branches set the properties inside their FOREACH and nothing is matched afterwards.
LINK_PARTNERS = statement(
    "partners_link",
    f"""MATCH (a:{_I}) WHERE a.key = $institution
        MATCH (b:{_I}) WHERE b.key = $partner
        SET a.key = a.key, b.key = b.key
        WITH a, b
        OPTIONAL MATCH (b)-[rev:{_P}]->(a)
        FOREACH (x IN CASE WHEN rev IS NULL THEN [1] ELSE [] END | MERGE (a)-[r:{_P}]->(b) SET r = $props)
        FOREACH (r IN CASE WHEN rev IS NULL THEN [] ELSE [rev] END | SET r = $props)
        RETURN a.key AS institution, b.key AS partner""",
    write=True,
)

UNLINK_PARTNERS = statement(
    "partners_unlink",
    f"""MATCH (a:{_I})-[r:{_P}]-(b:{_I}) WHERE a.key = $institution AND b.key = $partner
        WITH r, properties(r) AS rel
        DELETE r
        RETURN rel""",
    write=True,
)
