"""The reads behind the licence pipeline (graph_model.licence_pipeline).

Each takes ``$provinces`` (a list of province keys, or null for the country): the supervisor's
scope is applied in the statement, so nothing outside it is read at all.
"""

from __future__ import annotations

from graph_model.cypher import statement

_HELD = ("(p:Province)<-[:IN_PROVINCE]-(:County)<-[:LOCATED_IN]-(i:Institution)-[:HOLDS]->(l:Licence)")

# Licences per status: the stage counts.
STATUS_COUNTS = statement(
    "licence_pipeline_status_counts",
    f"""MATCH {_HELD}
       WHERE $provinces IS NULL OR p.key IN $provinces
       RETURN l.status AS status, count(l) AS licences""",
)

# Only the licences some list may hold: agreements in principle, suspended ones, pending
# renewals, and operating licences expiring between $asOf and $until (ISO dates compare as
# strings). The rest of a national register is never read. $listed: the statuses listed whatever
# their dates; $active: the operating status.
CANDIDATES = statement(
    "licence_pipeline_candidates",
    f"""MATCH {_HELD}
       WHERE ($provinces IS NULL OR p.key IN $provinces)
         AND (l.status IN $listed OR l.renewalRequestedOn IS NOT NULL
              OR (l.status = $active AND l.expiresOn >= $asOf AND l.expiresOn <= $until))
       OPTIONAL MATCH (l)-[:OF_TYPE]->(lt:LicenceType)
       RETURN l.key AS key, l.number AS number, l.status AS status, l.issuedOn AS issuedOn,
              l.expiresOn AS expiresOn, l.renewalRequestedOn AS renewalRequestedOn,
              lt.key AS licenceType, lt.validityYears AS validityYears, i.key AS institution,
              i.nameFa AS institutionNameFa, i.nameEn AS institutionNameEn, p.key AS province""",
)

# The suspensions recorded of these licences (the caller keeps the latest of each). From the
# licence to its changes, the filter after: written as one MATCH with the filter on c, FalkorDB
# scans every LicenceChange for each key (a national register timed out).
SUSPENSIONS = statement(
    "licence_pipeline_suspensions",
    """UNWIND $keys AS k
       MATCH (l:Licence) WHERE l.key = k
       MATCH (l)<-[:CHANGE_OF]-(c)
       WITH k, c
       WHERE c.change = $change
       RETURN k AS licence, c.on AS on, c.key AS change, c.reason AS reason, c.by AS by""",
)

# Renewal applications and renewals up to $asOf, per licence and province, for the medians.
RENEWAL_STEPS = statement(
    "licence_pipeline_renewal_steps",
    f"""MATCH {_HELD}
       WHERE $provinces IS NULL OR p.key IN $provinces
       MATCH (c:LicenceChange)-[:CHANGE_OF]->(l)
       WHERE c.change IN $changes AND c.on <= $asOf
       RETURN p.key AS province, p.nameFa AS nameFa, p.nameEn AS nameEn, l.key AS licence,
              c.change AS change, c.on AS on, c.key AS key""",
)
