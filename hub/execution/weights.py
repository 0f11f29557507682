"""What each analytics field weighs in an operation's estimated cost (hub.execution.limits), and
which fields are analytics fields for the per-key limit on concurrent ones (hub.execution.concurrency)."""

from __future__ import annotations

# An analytics field's weight, in the cost's unit (items touched), by ``Type.field``. These fields
# read a whole scope (up to the country: ~500,000 gifts) and compute over it for up to seconds of
# CPU (benchmarks/README.md), so a field is weighed as the thousands of items it touches: with the
# default HUB_MAX_COST of 100,000, an operation holds at most nine whole-graph analyses (thirty
# aliased `brokers`, each a different window, were an attack). Every field listed is also an
# analytics field for the per-key limit on concurrent analytics (hub.execution.concurrency); a new
# analytics root field belongs here (tests/test_limits.py checks every root field of the network,
# coverage and overview query classes is listed).
WEIGHTS: dict[str, int] = {
    # graph_model.networks: a scope read, a projection, then igraph (betweenness: a 3 s budget)
    "Query.brokers": 10_000,
    "Query.communities": 10_000,
    "Query.networkProjection": 10_000,
    "Query.donorSuggestions": 10_000,
    "Query.isolatedInstitutions": 5_000,
    "Query.sharedDonors": 5_000,
    "Query.donorOverlap": 5_000,
    # store traversals bounded by their own `limit` / `maxHops`
    "Query.network": 1_000,
    "Query.connection": 1_000,
    # graph_model.coverage: offers and licences read per service, a table over 429 counties
    "Query.coverage": 2_000,
    "Query.underservedAreas": 2_000,
    "Query.coverageWhatIf": 5_000,  # two tables
    "Query.whoWhatWhere": 10_000,  # every gift of the scope, like the networks
    "Query.overview": 1_000,  # aggregates over a province or the country
    # graph_model.quality: seven reads over the scope (every institution, licence and donor), checks in Python
    "Query.dataQuality": 10_000,
}

# Rows an analytics field answering a plain list may return, by ``Type.field``: its selection counts
# that many times, as a connection's counts its page. The 3W matrix has a row per county and service
# (429 x 20 on `national`: 8,580); completing and serialising them all takes ~0.3 s of the event loop
# even when the matrix is cached (benchmarks/README.md), so an operation may hold one such matrix,
# not nine.
ROWS: dict[str, int] = {
    "Query.whoWhatWhere": 8_600,
}
