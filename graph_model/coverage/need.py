"""People in need per county and target group: a default from the census, or a planner's figure.

The default is a census column of the county (``population``, ``age0to14``, ``age60plus``, from
the 2016 census the seed carries) times a national rate from ``DEFAULT_RATES``. A planner's
figure, the ``NEEDS`` relationship from the county to the target group (``setNeed`` or
``hub needs import``), replaces the default for that pair and shows its own source and year.

The rates are the hub's stated assumptions, not official statistics: the organisation's own
registers are not public, so each rate says what it rests on, and any figure a planner has
better knowledge of is meant to be overridden. A service serving several groups (home-based
rehabilitation serves people with disabilities and the elderly) counts the need of each, so
people in two groups count twice: the figure is the demand a service could face, an upper bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CENSUS_YEAR = 2016  # Iran's 1395 census, the source of the county columns in the seed


@dataclass(frozen=True)
class Rate:
    column: str  # the county's census column the rate applies to ("adults" = population - age0to14)
    rate: float
    basis: str  # what the rate rests on, shown with every default figure


DEFAULT_RATES: dict[str, Rate] = {
    "tg-disability": Rate("population", 0.020, (
        "assumed 2.0% of the population need disability services; WHO's World report on disability "
        "(2011) puts all-severity prevalence near 15%, most of whom need no welfare service")),
    "tg-elderly": Rate("age60plus", 0.12, (
        "assumed 12% of people aged 60+ need care (living alone or dependent); the 2016 census "
        "counted about 9% of the population aged 60+")),
    "tg-low-income": Rate("population", 0.080, (
        "assumed 8% of the population in low-income households needing support")),
    "tg-addiction": Rate("adults", 0.025, (
        "assumed 2.5% of people aged 15+ with a substance-use disorder needing treatment")),
    "tg-children": Rate("age0to14", 0.030, (
        "assumed 3% of children aged 0-14 needing protective or developmental services")),
    "tg-women-heads": Rate("population", 0.012, (
        "assumed 1.2% of the population are women heads of household needing support")),
    "tg-mental-illness": Rate("population", 0.004, (
        "assumed 0.4% of the population with a chronic mental illness needing long-term care")),
}


@dataclass(frozen=True, slots=True)
class NeedFigure:
    """People in need of one group in one county, and where the figure comes from."""

    county: str
    group: str
    people: float  # defaults are not rounded, so sums over counties stay exact
    source: str
    year: int
    override: bool  # True: a planner's figure (NEEDS), False: the census default


def default_need(census: Mapping[str, int | None], group: str) -> NeedFigure | None:
    """The census default for one county (``census`` holds its key and census columns), or None
    when the group has no rate or the county lacks the column."""
    rate = DEFAULT_RATES.get(group)
    if rate is None:
        return None
    population, children = census.get("population"), census.get("age0to14")
    if rate.column == "adults":
        base = None if population is None or children is None else population - children
    else:
        base = census.get(rate.column)
    if base is None:
        return None
    source = f"default: {CENSUS_YEAR} census {rate.column} x {rate.rate:.1%} ({rate.basis})"
    return NeedFigure(str(census["key"]), group, base * rate.rate, source, CENSUS_YEAR, False)


def needs_by_county(counties: Iterable[Mapping[str, int | None]], groups: Iterable[str],
                    overrides: Mapping[tuple[str, str], NeedFigure]) -> dict[str, tuple[NeedFigure, ...]]:
    """Per county key, one figure per group: the planner's where there is one, else the default."""
    groups = tuple(groups)
    result: dict[str, tuple[NeedFigure, ...]] = {}
    for census in counties:
        key = str(census["key"])
        figures = []
        for group in groups:
            figure = overrides.get((key, group)) or default_need(census, group)
            if figure is not None:
                figures.append(figure)
        result[key] = tuple(figures)
    return result
