"""Statements behind the collaboration networks: everything about one scope in one statement.

``SCOPE_ROWS[dialect][area]`` reads, for the institutions of an area (the country, a province or
a county) and a window of donation dates, the rows ``graph_model.networks.reading`` turns into a
``ScopeData``. Its branches are joined with ``UNION ALL`` and tell themselves apart by a numeric
``part`` column (``Part``); each returns the same columns ``a``, ``b``, ``c``, ``ids`` and
``amounts``.

Gifts are collected per institution, not grouped per donor–institution pair: grouping by pairs
costs FalkorDB about five seconds over the country's half a million gifts, collecting per
institution well under one. Donors travel as internal node ids (reading a donor's key once per
gift is what makes the pair form slow) and a second branch maps ids to keys once per donor.
Internal ids are the one dialect difference: ``id()`` on FalkorDB, ``elementId()`` on Neo4j
(where ``id()`` is deprecated), so each statement exists once per dialect. The ids never leave
``reading``: they are only valid inside the one statement that produced them.
"""

from __future__ import annotations

from enum import IntEnum

from graph_model.cypher import Statement, statement

AREAS = ("country", "province", "county")
NODE_ID = {"falkordb": "id", "neo4j": "elementId"}


class Part(IntEnum):
    """What a row of ``SCOPE_ROWS`` holds (its ``part`` column)."""

    INSTITUTION = 1  # a: institution, b: county, c: province, ids: offered service keys
    GIVING = 2  # a: institution, ids: donor ids, amounts: one per gift (window applied)
    DONOR = 3  # a: donor key, b: province it is based in (or null), ids: [its id]
    SEAT = 4  # a: member key, b: council key, c: member label
    PARTNER = 5  # a, b: partner institutions, both in scope
    COUNTY = 6  # a: county, b: its province, amounts: [lat, lon]


# The institutions of the area, bound to ``i`` with their county ``c``.
_INSTITUTIONS = {
    "country": "MATCH (c:County)<-[:LOCATED_IN]-(i)",
    "province": "MATCH (c:County)<-[:LOCATED_IN]-(i) WHERE c.provinceKey = $area",
    "county": "MATCH (c:County)<-[:LOCATED_IN]-(i) WHERE c.key = $area",
}
_WINDOW = "g.date >= $since AND g.date <= $until"

# Donors of the country are all donors: one label scan beats a DISTINCT over every gift.
_DONORS = {
    "country": "MATCH (d:Donor)",
    "province": f"{_INSTITUTIONS['province']} MATCH (i)<-[g:DONATED_TO]-(d) WHERE {_WINDOW} WITH DISTINCT d",
    "county": f"{_INSTITUTIONS['county']} MATCH (i)<-[g:DONATED_TO]-(d) WHERE {_WINDOW} WITH DISTINCT d",
}


def _scope_rows(dialect: str, area: str) -> Statement:
    inst, nid = _INSTITUTIONS[area], NODE_ID[dialect]
    p = Part
    branches = [
        f"{inst} OPTIONAL MATCH (i)-[:OFFERS]->(s) RETURN {p.INSTITUTION:d} AS part, i.key AS a, c.key AS b, "
        "c.provinceKey AS c, collect(s.key) AS ids, null AS amounts",
        f"{inst} MATCH (i)<-[g:DONATED_TO]-(d) WHERE {_WINDOW} RETURN {p.GIVING:d} AS part, i.key AS a, "
        f"null AS b, null AS c, collect({nid}(d)) AS ids, collect(g.amount) AS amounts",
        f"{_DONORS[area]} OPTIONAL MATCH (d)-[:BASED_IN]->(q) RETURN {p.DONOR:d} AS part, d.key AS a, "
        f"q.key AS b, null AS c, [{nid}(d)] AS ids, null AS amounts",
        f"{inst} MATCH (i)-[:INSTITUTION_MEMBER_OF]->(k) RETURN {p.SEAT:d} AS part, i.key AS a, k.key AS b, "
        "'Institution' AS c, null AS ids, null AS amounts",
        f"{_DONORS[area]} MATCH (d)-[:DONOR_MEMBER_OF]->(k) RETURN {p.SEAT:d} AS part, d.key AS a, "
        "k.key AS b, 'Donor' AS c, null AS ids, null AS amounts",
        f"{inst} MATCH (i)-[:PARTNERS_WITH]->(j)-[:LOCATED_IN]->(e) WHERE {_same_area(area)} "
        f"RETURN {p.PARTNER:d} AS part, i.key AS a, j.key AS b, null AS c, null AS ids, null AS amounts",
        f"MATCH (c:County) RETURN {p.COUNTY:d} AS part, c.key AS a, c.provinceKey AS b, null AS c, "
        "null AS ids, [c.lat, c.lon] AS amounts",
    ]
    return statement(f"networks_scope_rows_{area}_{dialect}", " UNION ALL ".join(branches), dialect=dialect)


def _same_area(area: str) -> str:
    """The partner's county ``e`` lies in the area too."""
    return {"country": "true", "province": "e.provinceKey = $area", "county": "e.key = $area"}[area]


SCOPE_ROWS: dict[str, dict[str, Statement]] = {
    dialect: {area: _scope_rows(dialect, area) for area in AREAS} for dialect in NODE_ID}

# What a council covers: a province, a county, or (a national council) nothing, meaning the country.
COUNCIL_AREA = statement(
    "networks_council_area",
    """MATCH (k:Council) WHERE k.key = $key
       OPTIONAL MATCH (k)-[:COVERS_PROVINCE]->(p)
       OPTIONAL MATCH (k)-[:COVERS_COUNTY]->(c)
       RETURN k.level AS level, p.key AS province, c.key AS county""",
)
PROVINCE_EXISTS = statement(
    "networks_province_exists", "MATCH (p:Province) WHERE p.key = $key RETURN p.key AS key")
