"""How coverage figures are rounded where they leave the hub: the GraphQL fields
(hub.schema.coverage_types) and the CSV export (graph_model.coverage.hxl), the same rules for both.

The computation never rounds (``analysis``, ``methods``, ``whatif``, ``need`` keep full floats, and
the tests compare those unrounded figures with pysal's ``access`` package): each figure is rounded
once, from its unrounded value, as it is written out. So a province's need is its counties' unrounded
sum, rounded, and may differ by a person from the sum of its counties' rounded needs; a what-if's
change in shortfall is the unrounded difference, rounded, and may differ by 0.01 from the difference
of the two rounded shortfalls. Halves round to even (Python's ``round``).

- people (need, a need figure): whole people. A census default is a census column times a rate
  (2% of 100,123 people: 2,002.46), fractional only by arithmetic; a planner's figure is whole.
- capacity (licensed, unlicensed, a provider's): whole places (or people a year), sums of whole
  numbers, so exact rather than rounded.
- places (reached, target, shortfall and its change): 2 decimals. Under TWO_STEP and ENHANCED what
  reaches an area is its share of each provider's capacity, and every target is need x norm / 10,000:
  fractional by nature, so they are not made whole.
- per 10,000 people in need (an area's ratio, the norm): 2 decimals.
- accessibility (capacity per person in need): 6 decimals, the precision of the ratio per 10,000 at
  2 decimals.
- share (unmet share, 0 to 1): 4 decimals, a hundredth of a percentage point (the CSV gives it as a
  percentage with 2 decimals).
- km (distance to the nearest provider, a provider's distance): 2 decimals, 10 metres.
- weight (a provider's weight for an area, 0 to 1): 4 decimals.

The radius is shown as it was given (or the default); the norm, given or the national ratio, is a
figure per 10,000.
"""

from __future__ import annotations

PLACES = 2
PER_10K = 2
ACCESSIBILITY = 6
SHARE = 4
KM = 2
WEIGHT = 4


def people(value: float) -> int:
    """Whole people."""
    return int(round(value))


def capacity(value: float) -> int:
    """Whole places: a sum of whole capacities (exact below 2^53)."""
    return int(round(value))


def places(value: float) -> float:
    return round(value, PLACES)


def per_10k(value: float) -> float:
    return round(value, PER_10K)


def accessibility(value: float) -> float:
    return round(value, ACCESSIBILITY)


def share(value: float) -> float:
    return round(value, SHARE)


def km(value: float) -> float:
    return round(value, KM)


def weight(value: float) -> float:
    return round(value, WEIGHT)
