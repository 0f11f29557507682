"""Statements behind the dashboard overview: country, province or county aggregates.

Every aggregate comes in three scopes (``country``, ``province``, ``county``) whose text
differs only in how the institutions, councils, events and donors in scope are matched; the
province and county forms start from the County index (``provinceKey`` or ``key``) so they
touch only the scope's part of the graph.

The light aggregates share one statement (``SUMMARY``): its branches are joined with
``UNION ALL`` and tell themselves apart by a numeric ``section`` column (a number rather
than a name because statement text may only hold labels and relationship types as
strings). Donation years are the heavy read and stand alone, so a caller who does not need
them never pays for them.
"""

from __future__ import annotations

from enum import IntEnum

from graph_model.cypher import Statement, at_most, statement

SCOPES = ("country", "province", "county")
CALENDARS = ("jalali", "gregorian")

# The unit of the two-part sums that keep donation totals past 2^53 exact (``DONATION_YEARS``).
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

# Gifts in scope, bound to ``d`` (the gift) and ``o`` (its donor). The gift must be bound:
# FalkorDB counts several gifts between one donor and one institution once when it is not.
# Only donors give (see ENDPOINTS): leaving out labels that cannot filter anything saves a
# check per gift, except where the match starts (unlabelled, the country form would scan
# every node).
_GIFTS = {
    "country": "MATCH (o:Donor)-[d:DONATED_TO]->()",
    "province": "MATCH (c:County)<-[:LOCATED_IN]-()<-[d:DONATED_TO]-(o) WHERE c.provinceKey = $province",
    "county": "MATCH (c:County)<-[:LOCATED_IN]-()<-[d:DONATED_TO]-(o) WHERE c.key = $county",
}

# The year a gift falls in. Gregorian: the date's first four characters. Solar Hijri: the
# Gregorian year less 621 from that year's Nowruz on, less 622 before it; $nowruz lists Nowruz
# (1 Farvardin) as an ISO date for each Gregorian year from $firstYear to $endYear (exclusive).
# Outside the table the plain form reads the wrong entry or none (a list read with a negative
# index counts from its end), so a gift of such a year may land a year off; its year then lies
# at or beyond the table's edge, which the caller checks before trusting the result, and it
# reads again with the guarded form, where the usual day, $usualNowruz ("03-21"), stands in
# outside the table. (The guard is not the default: every function call per gift counts, and
# this is the overview's heavy read, 60-90 ms for a province's 26,629 gifts on the benchmark
# machine: ~20 ms binding the gifts, most of the rest reading two properties and aggregating.)
# Distinct donors per year need the exact year on every gift, so the year cannot be derived
# afterwards from coarser groups (days or months).
_YEAR = {
    "gregorian": ("", "left(d.date, 4)"),
    "jalali": ("", "toInteger(left(d.date, 4)) - "
                   "CASE WHEN d.date >= $nowruz[toInteger(left(d.date, 4)) - $firstYear] THEN 621 ELSE 622 END"),
    "jalali_guarded": ("WITH o, d, toInteger(left(d.date, 4)) AS g",
                       "g - CASE WHEN $firstYear <= g AND g < $endYear "
                       "THEN CASE WHEN d.date >= $nowruz[g - $firstYear] THEN 621 ELSE 622 END "
                       "WHEN substring(d.date, 5) >= $usualNowruz THEN 621 ELSE 622 END"),
}


# Amounts are summed in two parts, whole units of ``$unit`` rials and the remainder:
# FalkorDB's sum() accumulates in doubles, exact only below 2^53, and a year's total may pass
# that. Each part stays far below it (the remainders grow with the number of gifts, not their
# size); toInteger, as a double travels in the reply with 15 significant digits only. The
# caller recombines the parts as Python ints.
def _donation_years(scope: str, calendar: str) -> Statement:
    return statement(
        f"overview_donation_years_{calendar}_{scope}",
        f"""{_GIFTS[scope]} {_YEAR[calendar][0]}
            RETURN {_YEAR[calendar][1]} AS year, count(d) AS donations,
                   toInteger(sum(d.amount / $unit)) AS units, toInteger(sum(d.amount % $unit)) AS rest,
                   count(DISTINCT o) AS donors""",
    )


DONATION_YEARS: dict[tuple[str, str], Statement] = {
    (scope, calendar): _donation_years(scope, calendar) for scope in SCOPES
    for calendar in (*CALENDARS, "jalali_guarded")}

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

# Every gift of the country in the pieces both calendars' years are made of (complementary
# suppression, graph_model.donation_disclosure): per county (null: an institution located in no
# county), Gregorian year and whether the gift falls on or after that year's Nowruz ($nowruz from
# $firstYear to $endYear, $usualNowruz outside), the amount in two exact parts, the gifts and the
# keys of the individual donors ($kind). A Gregorian year is its two pieces; a Solar Hijri year the
# late piece of one Gregorian year and the early piece of the next.
DONATION_PIECES = statement(
    "overview_donation_pieces",
    """MATCH (o:Donor)-[d:DONATED_TO]->(i)
       OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:County)
       WITH c, o, d, toInteger(left(d.date, 4)) AS g
       WITH c, o, d, g, CASE WHEN $firstYear <= g AND g < $endYear THEN d.date >= $nowruz[g - $firstYear]
                             ELSE substring(d.date, 5) >= $usualNowruz END AS late
       RETURN c.key AS county, c.provinceKey AS province, g AS year, late, count(d) AS donations,
              toInteger(sum(d.amount / $unit)) AS units, toInteger(sum(d.amount % $unit)) AS rest,
              collect(DISTINCT CASE WHEN o.kind = $kind THEN o.key END)[0..$k] AS individuals""",
)

# Every located institution's giving totals (what `Institution.giving` publishes), with its county:
# the parts of a county's all-years total.
INSTITUTION_GIVING = statement(
    "overview_institution_giving",
    """MATCH (c:County)<-[:LOCATED_IN]-(i)<-[d:DONATED_TO]-(o)
       RETURN i.key AS institution, c.key AS county, toInteger(sum(d.amount / $unit)) AS units,
              toInteger(sum(d.amount % $unit)) AS rest,
              count(DISTINCT CASE WHEN o.kind = $kind THEN o END) AS individuals""",
)
