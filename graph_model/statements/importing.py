"""Reads the importer (graph_model.importing) checks a file against: what the store already holds
for the file's keys, in one round trip per label, and the batch that writes gifts. Other writes
go through the loader's batched upserts (graph_model.statements.loading) and the mutations' own
statements."""

from __future__ import annotations

from graph_model.cypher import Statement, rel_by_key, statement
from graph_model.enums import ENDPOINTS, Rel


def _donations_by_keys(rel: Rel) -> Statement:
    # Endpoints without labels (rel_by_key): a labelled pattern scanned every gift per key, 8 s for
    # 5,000 keys on `demo`, against 30 ms.
    return statement(
        f"import_{rel.value.lower()}_by_keys",
        f"""UNWIND $keys AS k
            {rel_by_key("r", rel.value, "k", "o", "t")}
            RETURN r.key AS key, o.key AS donor, t.key AS target, properties(r) AS props""",
    )


# The stored gifts among the file's donation keys, with their donor and recipient.
DONATIONS_BY_KEYS: dict[Rel, Statement] = {rel: _donations_by_keys(rel) for rel in (Rel.DONATED_TO,
                                                                                     Rel.DONATED_TO_EVENT)}


def _upsert_gifts(rel: Rel) -> Statement:
    start, end = ENDPOINTS[rel]
    return statement(
        f"import_upsert_{rel.value.lower()}",
        f"""UNWIND $groups AS g
            MATCH (a:{start.value}) WHERE a.key = g.start
            UNWIND g.rows AS row
            MATCH (b:{end.value}) WHERE b.key = row.end
            OPTIONAL MATCH (a)-[old:{rel.value} {{key: row.props.key}}]->(b)
            FOREACH (x IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
                CREATE (a)-[r:{rel.value}]->(b) SET r = row.props)
            FOREACH (x IN CASE WHEN old IS NULL THEN [] ELSE [old] END | SET x += row.props)
            RETURN count(*) AS written""",
        write=True,
    )


# Gifts written by the import, keyed: the gift between the donor and the recipient with the row's
# key is updated, else created, so a batch run twice writes once (as the loader's upsert,
# graph_model.statements.loading.UPSERT_REL; written as a lookup and a create rather than a MERGE:
# 126 against 150 ms of the store's time per batch of 5,000 on `demo`, medians of 8 alternating
# runs). Grouped by donor (``groups``: each {start: a donor's key, rows: [{end: the recipient's key,
# props}]}), so a donor is sought once per group, not once per gift: a fifth less of the store's time.
# A gift whose key another donor or recipient took since the plan fails its batch whole (the key is
# unique, graph_model.dialect.CONSTRAINTS).
UPSERT_GIFTS: dict[Rel, Statement] = {rel: _upsert_gifts(rel) for rel in (Rel.DONATED_TO, Rel.DONATED_TO_EVENT)}

# The province each donor is based in (null when none).
DONOR_PROVINCES = statement(
    "import_donor_provinces",
    """UNWIND $keys AS k
       MATCH (d:Donor) WHERE d.key = k
       OPTIONAL MATCH (d)-[:BASED_IN]->(p:Province)
       RETURN d.key AS key, p.key AS province""",
)

# The stored licences among the file's keys: properties, holder, type and last change's day.
LICENCES_BY_KEYS = statement(
    "import_licences_by_keys",
    """UNWIND $keys AS k
       MATCH (l:Licence) WHERE l.key = k
       OPTIONAL MATCH (h:Institution)-[:HOLDS]->(l)
       OPTIONAL MATCH (l)-[:OF_TYPE]->(t:LicenceType)
       OPTIONAL MATCH (c:LicenceChange)-[:CHANGE_OF]->(l)
       RETURN l.key AS key, properties(l) AS node, h.key AS holder, t.key AS licenceType,
              max(c.on) AS lastChange""",
)
