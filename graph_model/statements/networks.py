"""Statements behind the collaboration networks: everything about one scope in one statement.

``SCOPE_ROWS[dialect][area, windowed]`` reads, for the institutions of an area (the country, a province or
a county) and a window of donation dates, the rows ``graph_model.networks.reading`` turns into a
``ScopeData``. Its branches are joined with ``UNION ALL`` and tell themselves apart by a numeric
``part`` column (``Part``); each returns the same columns ``a``, ``b``, ``c`` (scalars) and ``xs``,
``ys``, ``zs`` (lists).

Gifts are collected per county, not grouped per donor–institution pair: grouping by pairs costs
FalkorDB about five seconds over the country's half a million gifts, collecting about one.
Institutions and donors travel as internal node ids (reading a key once per gift is what makes
the pair form slow) and other branches map ids to keys once per node.
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

    INSTITUTIONS = 1  # per county: a county, b province, xs institution ids, ys their keys
    OFFERS = 2  # per service: a service key, xs ids of the institutions offering it
    GIVING = 3  # per county, one list item per gift in the window: xs institution, ys donor id, zs amount
    DONORS = 4  # one row: xs donor ids, ys their keys (the country's donors, or those who gave in scope)
    BASED = 5  # per province: a province key, xs ids of those donors based in it
    SEAT = 6  # a member key, b council key, c member label
    PARTNER = 7  # a, b: partner institutions, both in scope
    COUNTY = 8  # a county, b its province, zs [lat, lon]


# The institutions of the area, bound to ``i`` with their county ``c``.
_INSTITUTIONS = {
    "country": "MATCH (c:County)<-[:LOCATED_IN]-(i)",
    "province": "MATCH (c:County)<-[:LOCATED_IN]-(i) WHERE c.provinceKey = $area",
    "county": "MATCH (c:County)<-[:LOCATED_IN]-(i) WHERE c.key = $area",
}
# The donation window. Reading every gift's date doubles the country's giving branch (0.8 s to
# 1.9 s of server time), so an open window has statements without it.
_WINDOW = {True: "WHERE g.date >= $since AND g.date <= $until", False: ""}


def _donors(area: str, window: str) -> str:
    """The donors of the scope bound to ``d``: the country's are all donors (one label scan beats
    a DISTINCT over every gift); a province's or county's, those who gave there in the window."""
    if area == "country":
        return "MATCH (d:Donor)"
    return f"{_INSTITUTIONS[area]} MATCH (i)<-[g:DONATED_TO]-(d) {window} WITH DISTINCT d"
def _columns(**given: str) -> str:
    """The RETURN list: every column, null unless given."""
    return ", ".join(f"{given.get(c, 'null')} AS {c}" for c in ("a", "b", "c", "xs", "ys", "zs"))


def _scope_rows(dialect: str, area: str, windowed: bool) -> Statement:
    """Few rows with long lists: FalkorDB spends more per row than per list item, so per-county
    and per-province lists read the country's institutions and donors several times faster than a
    row each (0.1 s against 0.4 s, 0.45 s against 1.3 s on ``national``)."""
    inst, nid, window = _INSTITUTIONS[area], NODE_ID[dialect], _WINDOW[windowed]
    donors = _donors(area, window)
    p = Part
    branches = [
        f"{inst} RETURN {p.INSTITUTIONS:d} AS part, "
        + _columns(a="c.key", b="c.provinceKey", xs=f"collect({nid}(i))", ys="collect(i.key)"),
        f"{inst} MATCH (i)-[:OFFERS]->(s) RETURN {p.OFFERS:d} AS part, " + _columns(a="s.key", xs=f"collect({nid}(i))"),
        f"{inst} MATCH (i)<-[g:DONATED_TO]-(d) {window} RETURN {p.GIVING:d} AS part, "
        + _columns(a="c.key", xs=f"collect({nid}(i))", ys=f"collect({nid}(d))", zs="collect(g.amount)"),
        f"{donors} RETURN {p.DONORS:d} AS part, " + _columns(xs=f"collect({nid}(d))", ys="collect(d.key)"),
        f"{donors} MATCH (d)-[:BASED_IN]->(q) RETURN {p.BASED:d} AS part, "
        + _columns(a="q.key", xs=f"collect({nid}(d))"),
        f"{inst} MATCH (i)-[:INSTITUTION_MEMBER_OF]->(k) RETURN {p.SEAT:d} AS part, "
        + _columns(a="i.key", b="k.key", c="'Institution'"),
        f"{donors} MATCH (d)-[:DONOR_MEMBER_OF]->(k) RETURN {p.SEAT:d} AS part, "
        + _columns(a="d.key", b="k.key", c="'Donor'"),
        f"{inst} MATCH (i)-[:PARTNERS_WITH]->(j)-[:LOCATED_IN]->(e) {_same_area(area)} "
        f"RETURN {p.PARTNER:d} AS part, " + _columns(a="i.key", b="j.key"),
        f"MATCH (c:County) RETURN {p.COUNTY:d} AS part, " + _columns(a="c.key", b="c.provinceKey", zs="[c.lat, c.lon]"),
    ]
    name = f"networks_scope_rows_{area}{'_window' if windowed else ''}_{dialect}"
    return statement(name, " UNION ALL ".join(branches), dialect=dialect)


def _same_area(area: str) -> str:
    """The partner's county ``e`` lies in the area too."""
    return {"country": "", "province": "WHERE e.provinceKey = $area", "county": "WHERE e.key = $area"}[area]


# SCOPE_ROWS[dialect][(area, windowed)]
SCOPE_ROWS: dict[str, dict[tuple[str, bool], Statement]] = {
    dialect: {(area, windowed): _scope_rows(dialect, area, windowed) for area in AREAS for windowed in (False, True)}
    for dialect in NODE_ID}

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
