"""Statements behind the dashboard overview: country, province or county aggregates.

Every aggregate comes in three scopes (``country``, ``province``, ``county``) whose text
differs only in how the institutions, councils, events and donors in scope are matched; the
province and county forms start from the County index (``provinceKey`` or ``key``) so they
touch only the scope's part of the graph.

The light aggregates share one statement (``SUMMARY``): its branches are joined with
``UNION ALL`` and tell themselves apart by a numeric ``section`` column (a number rather
than a name because statement text may only hold labels and relationship types as
strings). Donation years are not here: the writes keep them per area and year
(graph_model.statements.donation_totals), so the overview reads them without scanning a gift.
"""

from __future__ import annotations

from enum import IntEnum

from graph_model.cypher import Statement, at_most, statement

SCOPES = ("country", "province", "county")

# The unit of the two-part sums that keep donation totals past 2^53 exact: FalkorDB's sum()
# accumulates in doubles, exact only below 2^53, and a year's total may pass that. Amounts are summed
# as whole units of AMOUNT_UNIT rials and the remainders, each part far below 2^53 and an integer;
# the caller joins them as Python ints (graph_model.statements.donation_totals, graph_model.links).
AMOUNT_UNIT = 1_000_000_000


class Section(IntEnum):
    """What a row of the summary statement counts (its ``section`` column)."""

    KINDS = 1  # institutions per kind
    OFFERS = 2  # per service: institutions offering it, total capacity
    DOMAINS = 3  # per service domain: distinct institutions, total capacity
    CATALOGUE = 4  # every service (its properties in ``info``), so unoffered ones show as zero
    LICENCES = 5  # licences per status
    COUNCILS = 6  # councils per level
    EVENTS = 7  # events per kind
    DONORS = 8  # donors: based in the province, or who gave in the county, or all


# The institutions in scope, bound to ``i``. Past the node a match starts from, labels are
# left out wherever the relationship type already fixes them (graph_model.enums.ENDPOINTS):
# a label check per row costs FalkorDB about a quarter of this statement's time.
_INSTITUTIONS = {
    "country": "MATCH (i:Institution)",
    "province": "MATCH (c:County)<-[:LOCATED_IN]-(i) WHERE c.provinceKey = $province",
    "county": "MATCH (c:County)<-[:LOCATED_IN]-(i) WHERE c.key = $county",
}

# Councils cover a province or a county; a province's overview counts its own councils and
# those of its counties, each once (count(DISTINCT k) over one MATCH of both cover types: a
# county's key never equals a province's). Starting from the few hundred councils, behind
# WITH, keeps FalkorDB from scanning every node for the untyped ``x``.
_COUNCILS = {
    "country": "MATCH (k:Council)",
    "province": "MATCH (k:Council) WITH k MATCH (k)-[:COVERS_PROVINCE|COVERS_COUNTY]->(x) "
                "WHERE x.key = $province OR x.provinceKey = $province",
    "county": "MATCH (k:Council)-[:COVERS_COUNTY]->(c:County) WHERE c.key = $county",
}

_EVENTS = {
    "country": "MATCH (e:Event)",
    "province": "MATCH (c:County)<-[:HELD_IN]-(e) WHERE c.provinceKey = $province",
    "county": "MATCH (c:County)<-[:HELD_IN]-(e) WHERE c.key = $county",
}

# A province's donors are those based in it; a county has no donors of its own, so its
# overview counts those who gave to its institutions.
_DONORS = {
    "country": "MATCH (o:Donor) RETURN {s} AS section, null AS key, count(o) AS n, 0 AS total, null AS info",
    "province": "MATCH (p:Province)<-[:BASED_IN]-(o) WHERE p.key = $province "
                "RETURN {s} AS section, null AS key, count(o) AS n, 0 AS total, null AS info",
    "county": "MATCH (c:County)<-[:LOCATED_IN]-()<-[:DONATED_TO]-(o) WHERE c.key = $county "
              "RETURN {s} AS section, null AS key, count(DISTINCT o) AS n, 0 AS total, null AS info",
}


def _summary(scope: str) -> Statement:
    inst = _INSTITUTIONS[scope]
    s = Section
    branches = [
        f"{inst} RETURN {s.KINDS:d} AS section, i.kind AS key, count(i) AS n, 0 AS total, null AS info",
        f"{inst} MATCH (i)-[o:OFFERS]->(s) RETURN {s.OFFERS:d} AS section, s.key AS key, "
        "count(i) AS n, toInteger(sum(o.capacity)) AS total, null AS info",
        f"{inst} MATCH (i)-[o:OFFERS]->(s) RETURN {s.DOMAINS:d} AS section, s.domain AS key, "
        "count(DISTINCT i) AS n, toInteger(sum(o.capacity)) AS total, null AS info",
        f"MATCH (s:Service) RETURN {s.CATALOGUE:d} AS section, s.key AS key, 0 AS n, 0 AS total, "
        "properties(s) AS info",
        f"{inst} MATCH (i)-[:HOLDS]->(l) RETURN {s.LICENCES:d} AS section, l.status AS key, "
        "count(l) AS n, 0 AS total, null AS info",
        f"{_COUNCILS[scope]} RETURN {s.COUNCILS:d} AS section, k.level AS key, count(DISTINCT k) AS n, "
        "0 AS total, null AS info",
        f"{_EVENTS[scope]} RETURN {s.EVENTS:d} AS section, e.kind AS key, count(e) AS n, 0 AS total, "
        "null AS info",
        _DONORS[scope].format(s=f"{s.DONORS:d}"),
    ]
    return statement(f"overview_summary_{scope}", " UNION ALL ".join(branches))


SUMMARY: dict[str, Statement] = {scope: _summary(scope) for scope in SCOPES}

# Licences still in force ($closed lists the statuses that are not) expiring from $fromDay to
# $toDay inclusive: how many, and the $limit soonest with their institution. Both collects run
# over the same ordered rows, so their elements stay paired.
# The upper bound goes through graph_model.cypher.at_most (FalkorDB's string range index bug).
# The province and county forms pass
# the institutions on with WITH so the planner starts from the County index, not from the
# tens of thousands of licences the expiresOn index would hand it.
_EXPIRING_WHERE = (f"l.expiresOn >= $fromDay AND {at_most('l.expiresOn', 'toDay')} "
                   "AND NOT l.status IN $closed")
_EXPIRING_MATCH = {
    "country": f"MATCH (l:Licence) WHERE {_EXPIRING_WHERE} MATCH (i)-[:HOLDS]->(l)",
    "province": f"{_INSTITUTIONS['province']} WITH i MATCH (i)-[:HOLDS]->(l) WHERE {_EXPIRING_WHERE}",
    "county": f"{_INSTITUTIONS['county']} WITH i MATCH (i)-[:HOLDS]->(l) WHERE {_EXPIRING_WHERE}",
}


def _expiring(scope: str) -> Statement:
    return statement(
        f"overview_expiring_licences_{scope}",
        f"""{_EXPIRING_MATCH[scope]}
            WITH i, l ORDER BY l.expiresOn, l.key
            WITH count(l) AS total, collect(l)[0..$limit] AS ls, collect(i)[0..$limit] AS owners
            RETURN total, [k IN range(0, size(ls) - 1) |
                           {{licence: properties(ls[k]), institution: properties(owners[k])}}] AS soonest""",
    )


EXPIRING_LICENCES: dict[str, Statement] = {scope: _expiring(scope) for scope in SCOPES}

# The province and county an overview is asked for (either may be null). Looked up one
# after the other because FalkorDB cannot read an unmatched OPTIONAL MATCH variable in the
# next OPTIONAL MATCH's WHERE; with only a county, its own province comes back.
SCOPE = statement(
    "overview_scope",
    """OPTIONAL MATCH (c:County) WHERE c.key = $county
       WITH c
       OPTIONAL MATCH (p:Province) WHERE p.key = coalesce($province, c.provinceKey)
       RETURN properties(p) AS province, properties(c) AS county""",
)
