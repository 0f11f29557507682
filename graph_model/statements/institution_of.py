"""Which institution a record belongs to, for institution keys (hub.auth.bound).

An institution is its own; an assessment belongs to the institution it assesses, a corrective
action to its assessment's, a complaint to the institution it is about. One statement per label.
"""

from __future__ import annotations

from graph_model.cypher import Statement, statement
from graph_model.enums import Label

_PATHS: dict[Label, str] = {
    Label.INSTITUTION: "(i:Institution) WHERE i.key IN $keys WITH i AS n, i",
    Label.ASSESSMENT: "(n:Assessment)-[:ASSESSES]->(i:Institution) WHERE n.key IN $keys",
    Label.CORRECTIVE_ACTION: ("(n:CorrectiveAction)-[:CORRECTS]->(:Assessment)-[:ASSESSES]->(i:Institution) "
                              "WHERE n.key IN $keys"),
    Label.COMPLAINT: "(n:Complaint)-[:COMPLAINT_ABOUT]->(i:Institution) WHERE n.key IN $keys",
}

INSTITUTION_OF: dict[Label, Statement] = {
    label: statement(f"institution_of_{label.value}",
                     f"MATCH {path} RETURN n.key AS key, collect(DISTINCT i.key) AS institutions")
    for label, path in _PATHS.items()
}
