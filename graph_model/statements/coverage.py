"""Statements behind the coverage analysis (``graph_model.coverage``).

Each returns a few long rows rather than one row per node: FalkorDB's cost is per row, and the
coverage of one service over the country reads a few thousand offers.

- ``COVERAGE_AREAS``: one row, every county with its province, names, centroid and census columns.
- ``COVERAGE_PROVINCES``: one row, every province's key and names.
- ``COVERAGE_SERVICES``: per service, its names and the target groups it serves.
- ``COVERAGE_GROUPS``: one row, every target group's key.
- ``COVERAGE_NEEDS``: per planner's need figure (``NEEDS``), for the groups asked.
- ``COVERAGE_OFFERS``: per service asked, every institution offering it, in columns.
- ``COVERAGE_LICENSED``: per service asked, the institutions holding a licence for it that is
  in force on ``$asOf`` (``graph_model.coverage.reading`` says which statuses count); a
  licence without an issue or expiry date is open at that end.
"""

from __future__ import annotations

from graph_model.cypher import at_most, statement

COVERAGE_AREAS = statement("coverage_areas", """
    MATCH (c:County)
    WITH c ORDER BY c.key
    RETURN collect(c.key) AS keys, collect(c.provinceKey) AS provinces, collect(c.nameFa) AS namesFa,
           collect(c.nameEn) AS namesEn, collect(c.lat) AS lats, collect(c.lon) AS lons,
           collect(c.population) AS population, collect(c.age0to14) AS age0to14,
           collect(c.age60plus) AS age60plus
""")

COVERAGE_PROVINCES = statement("coverage_provinces", """
    MATCH (p:Province)
    WITH p ORDER BY p.key
    RETURN collect(p.key) AS keys, collect(p.nameFa) AS namesFa, collect(p.nameEn) AS namesEn
""")

COVERAGE_SERVICES = statement("coverage_services", """
    MATCH (s:Service)
    OPTIONAL MATCH (s)-[:SERVES]->(t:TargetGroup)
    WITH s, t ORDER BY t.key
    RETURN s.key AS key, s.nameFa AS nameFa, s.nameEn AS nameEn, collect(t.key) AS groups
    ORDER BY key
""")

COVERAGE_GROUPS = statement("coverage_groups", """
    MATCH (t:TargetGroup)
    WITH t ORDER BY t.key
    RETURN collect(t.key) AS keys
""")

COVERAGE_NEEDS = statement("coverage_needs", """
    MATCH (c:County)-[n:NEEDS]->(t:TargetGroup)
    WHERE t.key IN $groups
    RETURN c.key AS county, t.key AS targetGroup, n.people AS people, n.source AS source, n.year AS year
""")

COVERAGE_OFFERS = statement("coverage_offers", """
    MATCH (s:Service) WHERE s.key IN $services
    MATCH (c:County)<-[:LOCATED_IN]-(i:Institution)-[o:OFFERS]->(s)
    RETURN s.key AS service, collect(i.key) AS institutions, collect(c.key) AS counties,
           collect(i.lat) AS lats, collect(i.lon) AS lons, collect(o.capacity) AS capacities
""")

COVERAGE_LICENSED = statement("coverage_licensed", f"""
    MATCH (s:Service) WHERE s.key IN $services
    MATCH (i:Institution)-[:HOLDS]->(l:Licence)-[:LICENSES]->(s)
    WHERE l.status IN $counting AND (l.issuedOn IS NULL OR {at_most("l.issuedOn", "asOf")})
          AND (l.expiresOn IS NULL OR l.expiresOn >= $asOf)
    RETURN s.key AS service, collect(DISTINCT i.key) AS institutions
""")
