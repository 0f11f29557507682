"""The audit log (graph_model.audit): one ``:AuditEntry`` bookkeeping node per mutation call.

Append-only: the only write here is a ``MERGE`` of a whole entry (a retry finds it); nothing
updates or deletes an entry (a test reads every registered statement to hold that). The write
returns no rows on purpose: a store bumps the graph version only after a write that returned
rows, and the log is not part of the graph the version describes (caches must not be dropped
because a refused mutation was logged).

Entries are listed newest first by key (time-ordered, see graph_model.audit). Key and time
bounds compare through ``toString`` so that no range index can serve them: FalkorDB's range
index drops ``<``/``<=`` on strings (see graph_model.cypher.at_most).
"""

from __future__ import annotations

from graph_model.cypher import at_most, statement
from graph_model.enums import MetaLabel

_ENTRY = MetaLabel.AUDIT_ENTRY.value
# The entry's properties besides its key (Neo4j's linter is told of them).
PROPERTIES = ("at", "subject", "role", "operation", "keys", "values", "outcome")

# MERGE of the whole entry, never SET: a retried write finds the entry it made and changes
# nothing (no second entry, no Conflict); an entry is still never changed.
CREATE_AUDIT_ENTRY = statement(
    "audit_entry_create",
    f"""MERGE (a:{_ENTRY} {{key: $key, at: $at, subject: $subject, role: $role, operation: $operation,
        keys: $keys, values: $values, outcome: $outcome}})""",
    write=True,
)

# The filters of auditLog; an absent one is passed as null. The log is scanned in full either
# way (neither store keeps it sorted by key), so the null guards cost little here.
_FILTERS = (f"($operation IS NULL OR a.operation = $operation) AND ($subject IS NULL OR a.subject = $subject) "
            f"AND ($since IS NULL OR toString(a.at) >= $since) AND ($until IS NULL OR {at_most('a.at', 'until')})")
_FIELDS = ("a.key AS key, a.at AS at, a.subject AS subject, a.role AS role, a.operation AS operation, "
           "a.keys AS keys, a.values AS values, a.outcome AS outcome")

AUDIT_ENTRIES = statement(
    "audit_entries",
    f"""MATCH (a:{_ENTRY}) WHERE {_FILTERS} AND ($after IS NULL OR toString(a.key) < $after)
        RETURN {_FIELDS} ORDER BY a.key DESC LIMIT $limit""",
)

COUNT_AUDIT_ENTRIES = statement(
    "audit_entries_count",
    f"MATCH (a:{_ENTRY}) WHERE {_FILTERS} RETURN count(a) AS total",
)
