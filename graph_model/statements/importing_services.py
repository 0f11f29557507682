"""Reads the importer checks offers, partnerships and assessments against
(graph_model.importing.kinds_services): what the store already holds for the file's pairs or keys,
in one round trip per kind. Writes go through the mutations' own statements."""

from __future__ import annotations

from graph_model.cypher import statement

# The stored offers among the file's (institution, service) pairs, with their capacity.
OFFERS_BY_PAIRS = statement(
    "import_offers_by_pairs",
    """UNWIND $pairs AS p
       MATCH (i:Institution)-[r:OFFERS]->(s:Service) WHERE i.key = p.institution AND s.key = p.service
       RETURN i.key AS institution, s.key AS service, properties(r) AS props""",
)

# The stored partnerships among the file's pairs, whichever way each was recorded (a pair is one
# partnership: graph_model.statements.writes_relations.LINK_PARTNERS).
PARTNERSHIPS_BY_PAIRS = statement(
    "import_partnerships_by_pairs",
    """UNWIND $pairs AS p
       MATCH (a:Institution)-[r:PARTNERS_WITH]-(b:Institution) WHERE a.key = p.institution AND b.key = p.partner
       RETURN a.key AS institution, b.key AS partner, properties(r) AS props""",
)

# The stored assessments among the file's keys: what RECORD_ASSESSMENT compares a replay with
# (its properties, institution, framework, criteria scores and how many corrective actions).
ASSESSMENTS_BY_KEYS = statement(
    "import_assessments_by_keys",
    """UNWIND $keys AS k
       MATCH (a:Assessment) WHERE a.key = k
       OPTIONAL MATCH (a)-[:ASSESSES]->(i:Institution)
       OPTIONAL MATCH (a)-[:UNDER_FRAMEWORK]->(f:AssessmentFramework)
       WITH a, collect(DISTINCT i.key) AS institutions, collect(DISTINCT f.key) AS frameworks
       OPTIONAL MATCH (a)-[s:SCORED]->(c:Criterion)
       WITH a, institutions, frameworks, collect({criterion: c.key, value: s.value}) AS scores
       OPTIONAL MATCH (ca:CorrectiveAction)-[:CORRECTS]->(a)
       RETURN a.key AS key, properties(a) AS node, institutions, frameworks, scores, count(ca) AS actions""",
)
