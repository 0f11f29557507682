"""Statements behind supervision (ranking, plan, alerts): the facts of the institutions of a scope.

Each reads one kind of fact for every institution of a list of counties (``$counties``: the scope,
resolved once from ``SUP_COUNTIES``), so a province's ranking or the national plan is a handful of
reads whatever the number of institutions; the maths is plain Python over the rows
(graph_model.supervision). Status values are parameters: statement text holds labels and
relationship types only.
"""

from __future__ import annotations

from graph_model.cypher import at_most, statement

# Every county with its province: the scope (a province, a county, a key's provinces) is resolved
# in Python from these ~430 rows.
SUP_COUNTIES = statement("sup_counties", """
MATCH (c:County)
RETURN c.key AS key, c.provinceKey AS province, c.nameEn AS nameEn, c.nameFa AS nameFa
""")

_IN_SCOPE = "MATCH (c:County)<-[:LOCATED_IN]-(i) WHERE c.key IN $counties"

SUP_INSTITUTIONS = statement("sup_institutions", f"""
{_IN_SCOPE}
RETURN i.key AS key, i.nameEn AS nameEn, i.nameFa AS nameFa, i.kind AS kind, c.key AS county
""")

SUP_SERVICES = statement("sup_services", f"""
{_IN_SCOPE}
MATCH (i)-[:OFFERS]->(s)
RETURN i.key AS institution, s.key AS service
""")

SUP_ASSESSMENTS = statement("sup_assessments", f"""
{_IN_SCOPE}
MATCH (i)<-[:ASSESSES]-(a)
RETURN i.key AS institution, a.key AS key, a.level AS level, a.score AS score, a.date AS date
""")

# The same without the assessments' keys, for the plan, which explains no score (a tenth less to send
# for the country's ~30,000 assessments).
SUP_SCORES = statement("sup_scores", f"""
{_IN_SCOPE}
MATCH (i)<-[:ASSESSES]-(a)
RETURN i.key AS institution, a.level AS level, a.score AS score, a.date AS date
""")

SUP_LICENCES = statement("sup_licences", f"""
{_IN_SCOPE}
MATCH (i)-[:HOLDS]->(l)
RETURN i.key AS institution, l.key AS key, l.status AS status, l.expiresOn AS expiresOn,
       l.renewalRequestedOn AS renewalRequestedOn
""")

SUP_ACTIONS = statement("sup_actions", f"""
{_IN_SCOPE}
MATCH (i)<-[:ASSESSES]-(a)<-[:CORRECTS]-(x)
WHERE x.status = $open
RETURN i.key AS institution, x.key AS key, x.dueOn AS dueOn, x.description AS description
""")

SUP_COMPLAINTS = statement("sup_complaints", f"""
{_IN_SCOPE}
MATCH (i)<-[:COMPLAINT_ABOUT]-(k)
WHERE k.status = $open
RETURN i.key AS institution, k.key AS key, k.receivedOn AS receivedOn
""")

# Only ACTIVE licences expiring in a window: the plan's one licence reason. It starts from the index
# on Licence.expiresOn (the lower bound; the upper one is kept off the index, see at_most) rather
# than from the scope's ~21,000 institutions and their ~40,000 licences: 50 ms of the store's time
# instead of 100 for the country.
SUP_EXPIRING = statement("sup_expiring", f"""
MATCH (l:Licence)
WHERE l.expiresOn >= $start AND {at_most("l.expiresOn", "end")} AND l.status = $active
MATCH (c:County)<-[:LOCATED_IN]-(i)-[:HOLDS]->(l)
WHERE c.key IN $counties
RETURN i.key AS institution, l.key AS key, l.status AS status, l.expiresOn AS expiresOn,
       null AS renewalRequestedOn
""")
