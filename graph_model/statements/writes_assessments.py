"""Record a structured assessment, and move its corrective actions, each in one guarded statement.

The assessment's score is computed by the hub from the framework's weights and scales
(graph_model.mutations.assessments), read just before the write; the write checks that those
rules still hold (``$rules``, ``$validFrom``), so a framework edited in between is never half
applied: nothing is written and the caller reads again.
"""

from __future__ import annotations

from graph_model.cypher import statement
from graph_model.statements.writes import holds_exactly, lock

# What the recorder must know before writing: the framework's first day and every criterion of it,
# with its weight and scale (to compute the score and refuse values off the scale).
ASSESSMENT_RULES = statement(
    "assessment_rules",
    """MATCH (f:AssessmentFramework) WHERE f.key = $framework
       OPTIONAL MATCH (c:Criterion)-[:IN_FRAMEWORK]->(f)
       RETURN f.validFrom AS validFrom,
              collect({key: c.key, weight: c.weight, scaleMax: c.scaleMax}) AS criteria""",
)

# MERGE, not CREATE: safe to retry (graph_model.statements.writes.holds_exactly). The run that makes
# the assessment links it (ASSESSES, UNDER_FRAMEWORK, one SCORED {value} per criterion) and makes its
# corrective actions; a replay finds it with the same content and links and answers the same; an
# assessment of this key with other content or links gives no row (the caller reads the key is taken).
# Every criterion must still belong to the framework with the weight and scale the score was
# computed from ($rules), and the framework must still start on $validFrom ('' for none).
RECORD_ASSESSMENT = statement(
    "assessment_record",
    f"""MATCH (i:Institution) WHERE i.key = $institution
       MATCH (f:AssessmentFramework) WHERE f.key = $framework AND coalesce(f.validFrom, '') = $validFrom
       OPTIONAL MATCH (c:Criterion)-[:IN_FRAMEWORK]->(f) WHERE c.key IN $criteria
       WITH i, f, collect(DISTINCT c) AS found
       WHERE size(found) = size($criteria)
         AND all(c IN found WHERE any(r IN $rules WHERE r.criterion = c.key AND r.weight = c.weight
                                                       AND r.scaleMax = c.scaleMax))
       MERGE (a:Assessment {{key: $key}})
       ON CREATE SET a += $props
       WITH i, f, found, a
       OPTIONAL MATCH (a)-[:ASSESSES]->(x:Institution)
       WITH i, f, found, a, collect(x.key) AS assessed
       OPTIONAL MATCH (a)-[:UNDER_FRAMEWORK]->(y:AssessmentFramework)
       WITH i, f, found, a, assessed, collect(y.key) AS frameworks
       OPTIONAL MATCH (a)-[s:SCORED]->(z:Criterion)
       WITH i, f, found, a, assessed, frameworks, collect({{criterion: z.key, value: s.value}}) AS given
       OPTIONAL MATCH (ca:CorrectiveAction)-[:CORRECTS]->(a)
       WITH i, f, found, a, assessed, frameworks, [g IN given WHERE g.criterion IS NOT NULL] AS scored,
            collect(ca.key) AS actions, {holds_exactly('a', '$props')} AS same
       WITH i, f, found, a, assessed, frameworks, scored, actions, same,
            same AND size(assessed) + size(frameworks) + size(scored) + size(actions) = 0 AS bare
       FOREACH (y IN CASE WHEN bare THEN [1] ELSE [] END |
           CREATE (a)-[:ASSESSES]->(i)
           CREATE (a)-[:UNDER_FRAMEWORK]->(f))
       FOREACH (c IN CASE WHEN bare THEN found ELSE [] END |
           CREATE (a)-[:SCORED {{value: head([g IN $scores WHERE g.criterion = c.key | g.value])}}]->(c))
       FOREACH (act IN CASE WHEN bare THEN $actions ELSE [] END |
           CREATE (n:CorrectiveAction {{key: act.key}})
           SET n += act.props
           CREATE (n)-[:CORRECTS]->(a))
       WITH a, same, bare, assessed, frameworks, scored, actions
       WHERE same AND (bare OR (assessed = [$institution] AND frameworks = [$framework]
                                AND size(scored) = size($scores)
                                AND all(g IN scored WHERE any(w IN $scores WHERE w.criterion = g.criterion
                                                                              AND w.value = g.value))
                                AND size(actions) = size($actions)))
       RETURN properties(a) AS node""",
    write=True,
)

# The action's new status; doneOn is set with DONE and removed with OPEN ($doneOn null). A done day
# before the assessment's own day writes nothing (the caller reads why). Running it twice leaves the
# same state and answers the same row.
SET_ACTION_STATUS = statement(
    "corrective_action_status",
    f"""MATCH (n:CorrectiveAction) WHERE n.key = $key
       {lock("n")}
       MATCH (n)-[:CORRECTS]->(a:Assessment)
       WITH n, a WHERE $doneOn IS NULL OR a.date <= $doneOn
       SET n.status = $status, n.doneOn = $doneOn
       RETURN properties(n) AS node""",
    write=True,
)

# Why a status change wrote nothing: the action, and the day of the assessment it corrects.
ACTION_STATE = statement(
    "corrective_action_state",
    """MATCH (n:CorrectiveAction) WHERE n.key = $key
       OPTIONAL MATCH (n)-[:CORRECTS]->(a:Assessment)
       RETURN n.status AS status, a.date AS assessedOn""",
)
