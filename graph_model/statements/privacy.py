"""Statements behind donor privacy (``graph_model.privacy``): which donors are individuals, and
how many individual donors gave per year in an overview's scope.

They run only for callers without the right to see personal data, to decide what to redact or
suppress in answers computed (and cached) in full.
"""

from __future__ import annotations

from graph_model.cypher import Statement, statement
from graph_model.statements.overview import _GIFTS, SCOPES

# The keys of ``$keys`` that are individual donors (``$kind``: DonorKind.INDIVIDUAL).
INDIVIDUAL_DONORS = statement(
    "privacy_individual_donors",
    """UNWIND $keys AS k
       MATCH (d:Donor) WHERE d.key = k AND d.kind = $kind
       RETURN d.key AS key""",
)

# Every individual donor, in one row (``$kind``: DonorKind.INDIVIDUAL): cheaper than the lookup
# above past a few thousand keys (national: 0.21 s for all 86,000 against 1.0 s for 100,000 keys).
ALL_INDIVIDUAL_DONORS = statement(
    "privacy_all_individual_donors",
    """MATCH (d:Donor) WHERE d.kind = $kind
       RETURN collect(d.key) AS keys""",
)

# The year of a gift ``d``, as ``graph_model.statements.overview`` computes it: Gregorian, or
# Solar Hijri from the Nowruz table (``$nowruz`` from ``$firstYear`` to ``$endYear``) with the
# usual day outside it. Always the guarded form: this runs once per overview, for redaction only.
_YEAR = {
    "gregorian": "toInteger(left(d.date, 4))",
    "jalali": "toInteger(left(d.date, 4)) - CASE WHEN $firstYear <= toInteger(left(d.date, 4)) "
              "AND toInteger(left(d.date, 4)) < $endYear "
              "THEN CASE WHEN d.date >= $nowruz[toInteger(left(d.date, 4)) - $firstYear] THEN 621 ELSE 622 END "
              "WHEN substring(d.date, 5) >= $usualNowruz THEN 621 ELSE 622 END",
}


def _individual_years(scope: str, calendar: str) -> Statement:
    """Distinct individual donors who gave to the scope's institutions, per year, and (year null)
    over every year."""
    gifts = f"{_GIFTS[scope]} WITH o, d WHERE o.kind = $kind"
    return statement(
        f"privacy_individual_years_{calendar}_{scope}",
        f"""{gifts} RETURN {_YEAR[calendar]} AS year, count(DISTINCT o) AS individuals
            UNION ALL
            {gifts} RETURN null AS year, count(DISTINCT o) AS individuals""",
    )


INDIVIDUAL_YEARS: dict[tuple[str, str], Statement] = {
    (scope, calendar): _individual_years(scope, calendar) for scope in SCOPES for calendar in _YEAR}
