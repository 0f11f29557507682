"""Statements behind the data-quality report (graph_model.quality): the records of a scope a data
steward checks, one statement per kind of record.

Institutions, their licences, assessments and gifts are read for a list of counties (``$counties``,
the scope resolved by graph_model.supervision.reading.scope_of); donors, which are placed by
province only (BASED_IN), for a list of provinces (the ``_IN`` statements), or all of them (the
country seen by a caller limited to no province, so donors placed nowhere are checked too). Dates are
compared as text through ``toString`` (graph_model.cypher.at_most: FalkorDB's range index drops
``<`` on strings); only the few gifts and assessments dated out of range come back, never the
country's half a million.
"""

from __future__ import annotations

from graph_model.cypher import statement

QA_INSTITUTIONS = statement("qa_institutions", """
MATCH (c:County)<-[:LOCATED_IN]-(i:Institution) WHERE c.key IN $counties
OPTIONAL MATCH (i)-[:OFFERS]->(s:Service)
RETURN i.key AS key, i.nameFa AS nameFa, i.nameEn AS nameEn, i.searchText AS folded, i.phone AS phone,
       i.lat AS lat, i.lon AS lon,
       i.founded AS founded, c.key AS county, c.provinceKey AS province, collect(s.key) AS services
""")

QA_LICENCES = statement("qa_licences", """
MATCH (c:County)<-[:LOCATED_IN]-(i:Institution)-[:HOLDS]->(l:Licence) WHERE c.key IN $counties
OPTIONAL MATCH (l)-[:LICENSES]->(s:Service)
RETURN i.key AS institution, l.key AS key, l.status AS status, l.issuedOn AS issuedOn, l.expiresOn AS expiresOn,
       l.renewalRequestedOn AS renewalRequestedOn, collect(s.key) AS services
""")

QA_ASSESSMENT_DATES = statement("qa_assessment_dates", """
MATCH (c:County)<-[:LOCATED_IN]-(i:Institution)<-[:ASSESSES]-(a:Assessment) WHERE c.key IN $counties
  AND (toString(a.date) > $today OR toString(a.date) < $floor)
RETURN a.key AS key, a.date AS date, i.key AS institution
""")

QA_GIFT_DATES = statement("qa_gift_dates", """
MATCH (c:County)<-[:LOCATED_IN]-(i:Institution)<-[g:DONATED_TO]-(d:Donor) WHERE c.key IN $counties
  AND (toString(g.date) > $today OR toString(g.date) < $floor)
RETURN g.key AS key, g.date AS date, i.key AS institution, d.key AS donor, d.kind AS donorKind
""")

QA_EVENTS = statement("qa_events", """
MATCH (c:County)<-[:HELD_IN]-(e:Event) WHERE c.key IN $counties
  AND (toString(e.startsOn) < $floor OR toString(e.endsOn) < toString(e.startsOn))
RETURN e.key AS key, e.startsOn AS startsOn, e.endsOn AS endsOn, c.key AS county, c.provinceKey AS province
""")

# Donors, with the province each is based in: every donor (placed or not) when the whole country is
# asked for by a caller limited to no province, else those based in ``$provinces``, read from the
# provinces (one statement filtering every donor on its province took 196 ms for IR-06 on `national`,
# against 32 from the province).
_DONOR_ROW = ("d.key AS key, d.kind AS kind, d.nameFa AS nameFa, d.nameEn AS nameEn, d.searchText AS folded, "
              "d.phone AS phone, p.key AS province")
QA_DONORS = statement("qa_donors", f"""
MATCH (d:Donor)
OPTIONAL MATCH (d)-[:BASED_IN]->(p:Province)
RETURN {_DONOR_ROW}
""")
QA_DONORS_IN = statement("qa_donors_in", f"""
MATCH (p:Province)<-[:BASED_IN]-(d:Donor) WHERE p.key IN $provinces
RETURN {_DONOR_ROW}
""")

# Donors that never gave, to an institution or an event: those an OPTIONAL MATCH of their gifts finds
# none for, rather than tested with pattern predicates, which FalkorDB evaluates row by row: 1.46 s
# against 0.18 s for the country's 109,000 donors on `national`, and from IR-06's 6,152 donors some
# 20 ms instead of 1.56 s through every donor.
_IDLE = """OPTIONAL MATCH (d)-[g:DONATED_TO]->() WITH d, g WHERE g IS NULL
OPTIONAL MATCH (d)-[e:DONATED_TO_EVENT]->() WITH d, e WHERE e IS NULL
RETURN d.key AS key"""
QA_IDLE_DONORS = statement("qa_idle_donors", f"""
MATCH (d:Donor)
{_IDLE}
""")
QA_IDLE_DONORS_IN = statement("qa_idle_donors_in", f"""
MATCH (p:Province)<-[:BASED_IN]-(d:Donor) WHERE p.key IN $provinces
{_IDLE}
""")
