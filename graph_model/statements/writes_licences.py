"""Issue a licence and move it through its life cycle, each in one guarded statement.

Status checks sit in the write's own WHERE (``l.status IN $allowed``, read after the
licence is locked): a licence that another writer revoked a moment earlier is not
suspended, renewed or reactivated by mistake.

Each write records its LicenceChange (CHANGE_OF -> the licence) in the same statement, so the
history can never miss a change nor hold one that did not happen. A change's day may not fall
before the licence's last recorded change (``_AFTER_LAST``), checked after the lock too. A
retried statement writes no second change: the guard that made the first run write (the status,
a pending request, a later expiry) no longer holds on the second.
"""

from __future__ import annotations

from graph_model.cypher import statement
from graph_model.statements.writes import holds_exactly, lock, same_keys

# What the issuer must know before writing: the type's validity (to default the expiry)
# and the services it permits (to refuse the others with a clear message).
LICENCE_TYPE_RULES = statement(
    "licence_type_rules",
    """MATCH (lt:LicenceType) WHERE lt.key = $key
       OPTIONAL MATCH (lt)-[:PERMITS]->(s:Service)
       RETURN lt.validityYears AS validityYears, collect(s.key) AS permits""",
)

# MERGE, not CREATE: safe to retry (graph_model.statements.writes.holds_exactly): the run that
# makes the licence links it; a replay finds it with the same content and links and answers the
# same; a licence of this key with other content gives no row (the caller reads the key is taken).
# $validityYears (-1 for none) is what the expiry was computed from: if the type changed
# since it was read, or stopped permitting a service, nothing is written and the caller
# reads again.
ISSUE_LICENCE = statement(
    "licence_issue",
    f"""MATCH (i:Institution) WHERE i.key = $holder
       MATCH (lt:LicenceType) WHERE lt.key = $licenceType AND coalesce(lt.validityYears, -1) = $validityYears
       OPTIONAL MATCH (lt)-[:PERMITS]->(s:Service) WHERE s.key IN $services
       WITH i, lt, collect(DISTINCT s) AS services
       WHERE size(services) = size($services)
       MERGE (l:Licence {{key: $key}})
       ON CREATE SET l += $props
       WITH i, lt, services, l
       OPTIONAL MATCH (h:Institution)-[:HOLDS]->(l)
       WITH i, lt, services, l, collect(h.key) AS holders
       OPTIONAL MATCH (l)-[:OF_TYPE]->(t:LicenceType)
       WITH i, lt, services, l, holders, collect(t.key) AS types
       OPTIONAL MATCH (l)-[:LICENSES]->(x:Service)
       WITH i, lt, services, l, holders, types, collect(x.key) AS licensed, {holds_exactly('l', '$props')} AS same
       WITH i, lt, services, l, holders, types, licensed, same,
            same AND size(holders) + size(types) + size(licensed) = 0 AS bare
       FOREACH (y IN CASE WHEN bare THEN [1] ELSE [] END |
           CREATE (i)-[:HOLDS]->(l)
           CREATE (l)-[:OF_TYPE]->(lt)
           CREATE (c:LicenceChange)-[:CHANGE_OF]->(l)
           SET c += $change)
       FOREACH (s IN CASE WHEN bare THEN services ELSE [] END | CREATE (l)-[:LICENSES]->(s))
       WITH l, same, bare, holders, types, licensed
       WHERE same AND (bare OR (holders = [$holder] AND types = [$licenceType]
                                AND {same_keys('licensed', '$services')}))
       RETURN properties(l) AS node""",
    write=True,
)

# The licence ``l`` goes on only if $on is not before its last recorded change.
_AFTER_LAST = """OPTIONAL MATCH (p:LicenceChange)-[:CHANGE_OF]->(l)
       WITH l, max(p.on) AS last
       WHERE last IS NULL OR last <= $on"""

# $change: the change's key, kind, day ($on), by and reason; the statuses are set here.
_RECORD = """CREATE (c:LicenceChange)-[:CHANGE_OF]->(l)
       SET c += $change, c.on = $on, c.previous = l.status"""

TRANSITION = statement(
    "licence_transition",
    f"""MATCH (l:Licence) WHERE l.key = $key
       {lock("l")} WHERE l.status IN $allowed
       {_AFTER_LAST}
       {_RECORD}, c.status = $to
       SET l.status = $to
       RETURN properties(l) AS node""",
    write=True,
)

# The holder applies for renewal: the licence keeps its status until it is renewed.
REQUEST_RENEWAL = statement(
    "licence_request_renewal",
    f"""MATCH (l:Licence) WHERE l.key = $key
       {lock("l")} WHERE l.status IN $allowed AND l.renewalRequestedOn IS NULL
       {_AFTER_LAST}
       {_RECORD}, c.status = l.status
       SET l.renewalRequestedOn = $on
       RETURN properties(l) AS node""",
    write=True,
)

# ISO dates compare as strings. $basis (or null): the expiry a defaulted new expiry was
# computed from, so two renewals racing each other do not both add a period.
RENEW = statement(
    "licence_renew",
    f"""MATCH (l:Licence) WHERE l.key = $key
       {lock("l")} WHERE l.status IN $allowed
         AND (l.expiresOn IS NULL OR l.expiresOn < $expiresOn)
         AND ($basis IS NULL OR l.expiresOn = $basis)
       {_AFTER_LAST}
       {_RECORD}, c.status = $to
       SET l.status = $to, l.expiresOn = $expiresOn, l.renewalRequestedOn = null
       RETURN properties(l) AS node""",
    write=True,
)

LICENCE_STATE = statement(
    "licence_state",
    """MATCH (l:Licence) WHERE l.key = $key
       OPTIONAL MATCH (l)-[:OF_TYPE]->(lt:LicenceType)
       OPTIONAL MATCH (c:LicenceChange)-[:CHANGE_OF]->(l)
       RETURN l.status AS status, l.expiresOn AS expiresOn, lt.validityYears AS validityYears,
              l.renewalRequestedOn AS renewalRequestedOn, max(c.on) AS lastChange""",
)
