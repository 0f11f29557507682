"""Statements behind donor privacy (``graph_model.privacy``): which donors are individuals. (How
many individual donors gave per year in an overview's scope is in the donation totals:
graph_model.statements.donation_totals.)

They run only for callers without the right to see personal data, to decide what to redact or
suppress in answers computed (and cached) in full.
"""

from __future__ import annotations

from graph_model.cypher import statement

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
