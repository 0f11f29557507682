"""Statements behind the coverage analysis (``graph_model.coverage``).

Each returns a few long rows rather than one row per node: FalkorDB's cost is per row, and the
coverage of one service over the country reads a few thousand offers.

Columns that may hold nulls are collected as one-item lists (``collect([c.lat])``): collect()
drops nulls, which would shift the columns against each other. ``reading.column`` unwraps them.

- ``COVERAGE_AREAS``: one row, every county with its province, names, centroid and census columns.
- ``COVERAGE_PROVINCES``: one row, every province's key and names.
- ``COVERAGE_SERVICES``: per service, its names and the target groups it serves.
- ``COVERAGE_GROUPS``: one row, every target group's key.
- ``COVERAGE_NEEDS``: per planner's need figure (``NEEDS``), for the groups asked.
- ``COVERAGE_OFFERS``: per service asked, every institution offering it, in columns.
- ``COVERAGE_LICENCES``: per service asked, every licence for it with its holder, status and
  dates. Which are in force on a date is decided in ``graph_model.coverage.reading``: filtering
  here (status, two dates, an open end each) costs FalkorDB 60-90 ms per service, reading them
  all about 14 ms.
"""

from __future__ import annotations

from graph_model.cypher import statement

COVERAGE_AREAS = statement("coverage_areas", """
    MATCH (c:County)
    WITH c ORDER BY c.key
    RETURN collect(c.key) AS keys, collect(c.provinceKey) AS provinces, collect(c.nameFa) AS namesFa,
           collect(c.nameEn) AS namesEn, collect([c.lat]) AS lats, collect([c.lon]) AS lons,
           collect([c.population]) AS population, collect([c.age0to14]) AS age0to14,
           collect([c.age60plus]) AS age60plus
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
           collect([i.lat]) AS lats, collect([i.lon]) AS lons, collect([o.capacity]) AS capacities
""")

COVERAGE_LICENCES = statement("coverage_licences", """
    MATCH (s:Service) WHERE s.key IN $services
    MATCH (i:Institution)-[:HOLDS]->(l:Licence)-[:LICENSES]->(s)
    RETURN s.key AS service, collect(i.key) AS institutions, collect(l.status) AS statuses,
           collect([l.issuedOn]) AS issued, collect([l.expiresOn]) AS expires
""")
